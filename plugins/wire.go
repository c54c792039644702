package plugins

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/socialrx/socialrx"
	pb "github.com/socialrx/socialrx/plugins/proto/socialrx/plugin/v1"
)

// This file converts the contract types to and from their protobuf form.
// The conversions themselves cannot fail; checkMessage finds what would make
// a message malformed (strings that are not UTF-8, JSON fields that are not
// JSON, timestamps out of range) and names each such field by the JSON
// pointer it has in the Go argument, because the protobuf field names are
// the JSON names of the Go types.

// ts converts a time; the zero time is left unset.
func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// tsPtr converts an optional time.
func tsPtr(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return timestamppb.New(*t)
}

// fromTS converts back; unset is the zero time and a set time is UTC.
func fromTS(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

// fromTSPtr converts an optional time back.
func fromTSPtr(t *timestamppb.Timestamp) *time.Time {
	if t == nil {
		return nil
	}
	v := t.AsTime()
	return &v
}

// raw converts bytes received as JSON; empty is nil.
func raw(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return json.RawMessage(b)
}

func docToPB(d Document) *pb.Document {
	return &pb.Document{
		Kind: string(d.Kind), Id: d.ID, Version: d.Version,
		Status: d.Status, Owner: d.Owner, Partner: d.Partner, Person: d.Person, Team: d.Team,
		DueAt: tsPtr(d.DueAt), Data: d.Data,
		CreatedAt: ts(d.CreatedAt), UpdatedAt: ts(d.UpdatedAt),
	}
}

func docFromPB(d *pb.Document) Document {
	if d == nil {
		return Document{}
	}
	return Document{
		Kind: Kind(d.Kind), ID: d.Id, Version: d.Version,
		Status: d.Status, Owner: d.Owner, Partner: d.Partner, Person: d.Person, Team: d.Team,
		DueAt: fromTSPtr(d.DueAt), Data: raw(d.Data),
		CreatedAt: fromTS(d.CreatedAt), UpdatedAt: fromTS(d.UpdatedAt),
	}
}

func docsToPB(ds []Document) []*pb.Document {
	out := make([]*pb.Document, len(ds))
	for i, d := range ds {
		out[i] = docToPB(d)
	}
	return out
}

func docsFromPB(ds []*pb.Document) []Document {
	out := make([]Document, len(ds))
	for i, d := range ds {
		out[i] = docFromPB(d)
	}
	return out
}

func eventToPB(e Event) *pb.Event {
	return &pb.Event{Seq: e.Seq, Type: e.Type, Actor: e.Actor, At: ts(e.At), Data: e.Data}
}

func eventFromPB(e *pb.Event) Event {
	if e == nil {
		return Event{}
	}
	return Event{Seq: e.Seq, Type: e.Type, Actor: e.Actor, At: fromTS(e.At), Data: raw(e.Data)}
}

func eventsToPB(es []Event) []*pb.Event {
	out := make([]*pb.Event, len(es))
	for i, e := range es {
		out[i] = eventToPB(e)
	}
	return out
}

func eventsFromPB(es []*pb.Event) []Event {
	out := make([]Event, len(es))
	for i, e := range es {
		out[i] = eventFromPB(e)
	}
	return out
}

func outboxToPB(ms []OutboxMessage) []*pb.OutboxMessage {
	out := make([]*pb.OutboxMessage, len(ms))
	for i, m := range ms {
		out[i] = &pb.OutboxMessage{
			Id: m.ID, IdempotencyKey: m.IdempotencyKey, Target: m.Target, Payload: m.Payload,
			CreatedAt: ts(m.CreatedAt), Attempts: int64(m.Attempts), NextAttemptAt: ts(m.NextAttemptAt),
			LastError: m.LastError, DeliveredAt: tsPtr(m.DeliveredAt), DeadAt: tsPtr(m.DeadAt),
		}
	}
	return out
}

func outboxFromPB(ms []*pb.OutboxMessage) []OutboxMessage {
	out := make([]OutboxMessage, len(ms))
	for i, m := range ms {
		if m == nil {
			continue
		}
		out[i] = OutboxMessage{
			ID: m.Id, IdempotencyKey: m.IdempotencyKey, Target: m.Target, Payload: raw(m.Payload),
			CreatedAt: fromTS(m.CreatedAt), Attempts: int(m.Attempts), NextAttemptAt: fromTS(m.NextAttemptAt),
			LastError: m.LastError, DeliveredAt: fromTSPtr(m.DeliveredAt), DeadAt: fromTSPtr(m.DeadAt),
		}
	}
	return out
}

// nilIfEmpty keeps an absent list absent across the wire, where an empty and
// an absent repeated field are the same.
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func writeToPB(w Write) *pb.Write {
	return &pb.Write{
		Document: docToPB(w.Document), Also: docsToPB(w.Also), Events: eventsToPB(w.Events),
		Outbox: outboxToPB(w.Outbox), IdempotencyKey: w.IdempotencyKey,
	}
}

func writeFromPB(w *pb.Write) Write {
	if w == nil {
		return Write{}
	}
	return Write{
		Document: docFromPB(w.Document), Also: nilIfEmpty(docsFromPB(w.Also)), Events: nilIfEmpty(eventsFromPB(w.Events)),
		Outbox: nilIfEmpty(outboxFromPB(w.Outbox)), IdempotencyKey: w.IdempotencyKey,
	}
}

func queryToPB(q Query) *pb.Query {
	return &pb.Query{
		Kind: string(q.Kind), Status: q.Status, Owner: q.Owner, Partner: q.Partner, Person: q.Person, Team: q.Team,
		UpdatedSince: since(q.UpdatedSince), Cursor: q.Cursor, Limit: int64(q.Limit),
	}
}

// since converts Query.UpdatedSince. A time before year 1 filters nothing,
// as the zero time does, so it goes unset rather than as a timestamp the
// wire cannot carry.
func since(t time.Time) *timestamppb.Timestamp {
	if t.Before(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)) {
		return nil
	}
	return ts(t)
}

func queryFromPB(q *pb.Query) Query {
	if q == nil {
		return Query{}
	}
	return Query{
		Kind: Kind(q.Kind), Status: q.Status, Owner: q.Owner, Partner: q.Partner, Person: q.Person, Team: q.Team,
		UpdatedSince: fromTS(q.UpdatedSince), Cursor: q.Cursor, Limit: clampInt(q.Limit),
	}
}

// clampInt converts a wire count to int, saturating instead of wrapping so
// that an out-of-range count stays out of range for the adapter to refuse.
func clampInt(n int64) int {
	if int64(int(n)) != n {
		if n < 0 {
			return -1 << (strconv.IntSize - 1)
		}
		return 1<<(strconv.IntSize-1) - 1
	}
	return int(n)
}

func leaseToPB(l Lease) *pb.Lease { return &pb.Lease{Owner: l.Owner, Until: ts(l.Until)} }

func leaseFromPB(l *pb.Lease) Lease {
	if l == nil {
		return Lease{}
	}
	return Lease{Owner: l.Owner, Until: fromTS(l.Until)}
}

func messageToPB(m Message) *pb.Message {
	return &pb.Message{
		IdempotencyKey: m.IdempotencyKey,
		To: &pb.Recipient{
			Role: string(m.To.Role), Id: m.To.ID, Name: m.To.Name,
			Address: m.To.Address, DoNotContact: m.To.DoNotContact,
		},
		Channel: string(m.Channel), Event: m.Event, Subject: m.Subject, Body: m.Body, Data: m.Data,
	}
}

func messageFromPB(m *pb.Message) Message {
	if m == nil {
		return Message{}
	}
	out := Message{
		IdempotencyKey: m.IdempotencyKey, Channel: Channel(m.Channel),
		Event: m.Event, Subject: m.Subject, Body: m.Body, Data: raw(m.Data),
	}
	if r := m.To; r != nil {
		out.To = Recipient{Role: Role(r.Role), ID: r.Id, Name: r.Name, Address: r.Address, DoNotContact: r.DoNotContact}
	}
	return out
}

func receiptToPB(r Receipt) *pb.Receipt {
	return &pb.Receipt{Id: r.ID, At: ts(r.At), Duplicate: r.Duplicate}
}

func receiptFromPB(r *pb.Receipt) Receipt {
	if r == nil {
		return Receipt{}
	}
	return Receipt{ID: r.Id, At: fromTS(r.At), Duplicate: r.Duplicate}
}

func codedEventToPB(e CodedEvent) *pb.CodedEvent {
	return &pb.CodedEvent{
		IdempotencyKey: e.IdempotencyKey, NhsNumber: e.NHSNumber, Snomed: e.SNOMED,
		Display: e.Display, Date: e.Date.String(), ReferralId: e.ReferralID,
	}
}

// codedEventFromPB converts back; checkMessage has made sure the date parses.
func codedEventFromPB(e *pb.CodedEvent) CodedEvent {
	if e == nil {
		return CodedEvent{}
	}
	var d socialrx.Date
	_ = d.UnmarshalText([]byte(e.Date))
	return CodedEvent{
		IdempotencyKey: e.IdempotencyKey, NHSNumber: e.NhsNumber, SNOMED: e.Snomed,
		Display: e.Display, Date: d, ReferralID: e.ReferralId,
	}
}

func rawsToPB(rs []json.RawMessage) [][]byte {
	out := make([][]byte, len(rs))
	for i, r := range rs {
		out[i] = r
	}
	return out
}

func rawsFromPB(rs [][]byte) []json.RawMessage {
	out := make([]json.RawMessage, len(rs))
	for i, r := range rs {
		out[i] = raw(r)
	}
	return out
}

// timestampName is the full name of google.protobuf.Timestamp.
var timestampName = (&timestamppb.Timestamp{}).ProtoReflect().Descriptor().FullName()

// dateFields are the string fields that hold a calendar date.
var dateFields = map[protoreflect.FullName]bool{
	(&pb.CodedEvent{}).ProtoReflect().Descriptor().Fields().ByName("date").FullName(): true,
}

// checkMessage returns an invalid [socialrx.Error] naming every malformed
// field of m, or nil. With unwrap, a request that wraps one argument
// (CreateRequest holds a Write) is checked from that argument, so paths
// read "/document/data" as they do for an adapter in process.
func checkMessage(m proto.Message, unwrap bool) error {
	r := m.ProtoReflect()
	if fs := r.Descriptor().Fields(); unwrap && fs.Len() == 1 {
		if fd := fs.Get(0); fd.Kind() == protoreflect.MessageKind && !fd.IsList() && fd.Message().FullName() != timestampName {
			r = r.Get(fd).Message()
		}
	}
	var bad []socialrx.FieldError
	checkFields(r, "", &bad)
	return socialrx.Invalid(bad...)
}

func checkFields(m protoreflect.Message, prefix string, bad *[]socialrx.FieldError) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + "/" + string(fd.Name())
		if fd.IsList() {
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				checkValue(fd, l.Get(i), path+"/"+strconv.Itoa(i), bad)
			}
			return true
		}
		checkValue(fd, v, path, bad)
		return true
	})
}

func checkValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string, bad *[]socialrx.FieldError) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		s := v.String()
		switch {
		case !utf8.ValidString(s):
			*bad = append(*bad, socialrx.Field(path, "must be valid UTF-8"))
		case dateFields[fd.FullName()] && s != "":
			if _, err := socialrx.ParseDate(s); err != nil {
				*bad = append(*bad, socialrx.Field(path, "must be a date in the form YYYY-MM-DD"))
			}
		}
	case protoreflect.BytesKind:
		// Every bytes field of the protocol holds JSON.
		if b := v.Bytes(); len(b) > 0 && !json.Valid(b) {
			*bad = append(*bad, socialrx.Field(path, "must be valid JSON"))
		}
	case protoreflect.MessageKind:
		msg := v.Message()
		if fd.Message().FullName() == timestampName {
			t, ok := msg.Interface().(*timestamppb.Timestamp)
			if ok && t.CheckValid() != nil {
				*bad = append(*bad, socialrx.Field(path, "must be a time between years 1 and 9999"))
			}
			return
		}
		checkFields(msg, path, bad)
	}
}
