package plugins

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"google.golang.org/protobuf/proto"

	pb "github.com/socialrx/socialrx/plugins/proto/socialrx/plugin/v1"
)

// FuzzResponse decodes arbitrary bytes as each response a host receives
// from a plugin, the way Client.call does: a response that passes
// checkMessage converts to the Go types without panicking, and every JSON
// field it yields is valid JSON.
func FuzzResponse(f *testing.F) {
	decoders := []func(b []byte) ([]json.RawMessage, error){
		decodeWith(&pb.GetResponse{}, func(m *pb.GetResponse) []json.RawMessage { return []json.RawMessage{docFromPB(m.Document).Data} }),
		decodeWith(&pb.ListResponse{}, func(m *pb.ListResponse) []json.RawMessage { return docsData(docsFromPB(m.Documents)) }),
		decodeWith(&pb.EventsResponse{}, func(m *pb.EventsResponse) []json.RawMessage {
			var out []json.RawMessage
			for _, e := range eventsFromPB(m.Events) {
				out = append(out, e.Data)
			}
			return out
		}),
		decodeWith(&pb.LeaseOutboxResponse{}, func(m *pb.LeaseOutboxResponse) []json.RawMessage {
			var out []json.RawMessage
			for _, o := range outboxFromPB(m.Messages) {
				out = append(out, o.Payload)
			}
			return out
		}),
		decodeWith(&pb.SendResponse{}, func(m *pb.SendResponse) []json.RawMessage { receiptFromPB(m.Receipt); return nil }),
		decodeWith(&pb.LookupPersonResponse{}, func(m *pb.LookupPersonResponse) []json.RawMessage { return []json.RawMessage{raw(m.Person)} }),
		decodeWith(&pb.PullReferralsResponse{}, func(m *pb.PullReferralsResponse) []json.RawMessage { return rawsFromPB(m.Referrals) }),
		decodeWith(&pb.RecordEventRequest{}, func(m *pb.RecordEventRequest) []json.RawMessage { codedEventFromPB(m.Event); return nil }),
	}
	seed := func(i int, m proto.Message) {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	doc := &pb.Document{Kind: "plan", Id: "p", Version: 2, Data: []byte(`{"x":[1,2]}`)}
	seed(0, &pb.GetResponse{Document: doc})
	seed(1, &pb.ListResponse{Documents: []*pb.Document{doc, doc}, Next: "c"})
	seed(2, &pb.EventsResponse{Events: []*pb.Event{{Seq: 1, Type: "t", Actor: "a", Data: []byte(`{}`)}}})
	seed(3, &pb.LeaseOutboxResponse{Messages: []*pb.OutboxMessage{{Id: "m", Payload: []byte(`{"a":"b"}`)}}})
	seed(4, &pb.SendResponse{Receipt: &pb.Receipt{Id: "r", Duplicate: true}})
	seed(5, &pb.LookupPersonResponse{Person: []byte(`{"nhs_number":"9434765919"}`)})
	seed(6, &pb.PullReferralsResponse{Referrals: [][]byte{[]byte(`{"id":"r1"}`)}, Cursor: "2"})
	seed(7, &pb.RecordEventRequest{Event: &pb.CodedEvent{Date: "2024-02-29"}})
	f.Add(uint8(0), []byte{0x0a, 0x02, 0x4a, 0x01, '{'})

	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		datas, err := decoders[int(which)%len(decoders)](b)
		if err != nil {
			return
		}
		for _, d := range datas {
			if d != nil {
				assert.True(t, json.Valid(d), "%q", d)
			}
		}
	})
}

// decodeWith unmarshals into a new M, checks it and converts it.
func decodeWith[M proto.Message](zero M, convert func(M) []json.RawMessage) func([]byte) ([]json.RawMessage, error) {
	return func(b []byte) ([]json.RawMessage, error) {
		m := zero.ProtoReflect().New().Interface().(M)
		if err := proto.Unmarshal(b, m); err != nil {
			return nil, err
		}
		if err := checkMessage(m, false); err != nil {
			return nil, err
		}
		return convert(m), nil
	}
}

func docsData(ds []Document) []json.RawMessage {
	out := make([]json.RawMessage, len(ds))
	for i, d := range ds {
		out[i] = d.Data
	}
	return out
}
