package plugins_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
	pb "github.com/socialrx/socialrx/plugins/proto/socialrx/plugin/v1"
)

// FuzzPluginRequest sends arbitrary bytes as the request of each method of
// a plugin serving the memory store and fake clinical system. Whatever
// arrives, the plugin answers (no panic, no hang) with success or an
// expected code, never internal, and an invalid answer names a field.
func FuzzPluginRequest(f *testing.F) {
	now := timestamppb.New(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	doc := &pb.Document{Kind: "plan", Id: "p1", Data: []byte(`{"a":1}`), DueAt: now}
	seeds := []struct {
		method string
		req    proto.Message
	}{
		{pb.Store_Get_FullMethodName, &pb.GetRequest{Kind: "plan", Id: "p1"}},
		{pb.Store_Create_FullMethodName, &pb.CreateRequest{Write: &pb.Write{Document: doc,
			Events: []*pb.Event{{Type: "t", Actor: "a", At: now}},
			Outbox: []*pb.OutboxMessage{{Id: "m1", IdempotencyKey: "k1", Target: "messenger", Payload: []byte(`{}`)}}}}},
		{pb.Store_Update_FullMethodName, &pb.UpdateRequest{Write: &pb.Write{Document: &pb.Document{Kind: "plan", Id: "p1", Version: 1, Data: []byte(`{}`)}}}},
		{pb.Store_List_FullMethodName, &pb.ListRequest{Query: &pb.Query{Kind: "plan", Status: "open", UpdatedSince: now, Limit: 10}}},
		{pb.Store_Events_FullMethodName, &pb.EventsRequest{Kind: "plan", Id: "p1", After: 0, Limit: 5}},
		{pb.Store_LeaseOutbox_FullMethodName, &pb.LeaseOutboxRequest{Lease: &pb.Lease{Owner: "w", Until: now}, Now: now, N: 3}},
		{pb.Store_AckOutbox_FullMethodName, &pb.AckOutboxRequest{Id: "m1", Lease: &pb.Lease{Owner: "w", Until: now}, At: now}},
		{pb.Store_NackOutbox_FullMethodName, &pb.NackOutboxRequest{Id: "m1", Lease: &pb.Lease{Owner: "w", Until: now}, Error: "e", RetryAt: now}},
		{pb.Store_OutboxDepth_FullMethodName, &pb.OutboxDepthRequest{}},
		{pb.Store_LeaseDue_FullMethodName, &pb.LeaseDueRequest{Kind: "plan", Lease: &pb.Lease{Owner: "w", Until: now}, Now: now, N: 2}},
		{pb.Store_DeadLetterOutbox_FullMethodName, &pb.DeadLetterOutboxRequest{Id: "m1", Lease: &pb.Lease{Owner: "w", Until: now}, Error: "e", At: now}},
		{pb.Store_DeadLetters_FullMethodName, &pb.DeadLettersRequest{Limit: 2}},
		{pb.Store_DeadLetterCount_FullMethodName, &pb.DeadLetterCountRequest{}},
		{pb.Store_GetOutbox_FullMethodName, &pb.GetOutboxRequest{Id: "m1"}},
		{pb.Store_RedriveOutbox_FullMethodName, &pb.RedriveOutboxRequest{Id: "m1", At: now}},
		{pb.Store_PruneOutbox_FullMethodName, &pb.PruneOutboxRequest{DeliveredBefore: now, KeysBefore: now}},
		{pb.ClinicalSystem_RecordEvent_FullMethodName, &pb.RecordEventRequest{Event: &pb.CodedEvent{IdempotencyKey: "k",
			NhsNumber: memory.FakeNHSNumbers[0], Snomed: "871731000000106", Date: "2025-01-02", ReferralId: "r1"}}},
		{pb.ClinicalSystem_LookupPerson_FullMethodName, &pb.LookupPersonRequest{NhsNumber: memory.FakeNHSNumbers[0]}},
		{pb.ClinicalSystem_PullReferrals_FullMethodName, &pb.PullReferralsRequest{Limit: 2}},
	}
	methods := make([]string, len(seeds))
	for i, s := range seeds {
		methods[i] = s.method
		b, err := proto.Marshal(s.req)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
		f.Add(uint8(i), b[:len(b)/2])
	}
	f.Add(uint8(0), []byte{0xff, 0xff, 0xff})
	c := plugins.NewPipe(f, plugins.ServeConfig{Store: memory.New(), Clinical: memory.NewFakeClinicalSystem()}, plugins.ClientConfig{})
	f.Fuzz(func(t *testing.T, m uint8, body []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := plugins.InvokeRaw(ctx, c, methods[int(m)%len(methods)], body)
		if err == nil {
			return
		}
		code := socialrx.ErrorCode(err)
		assert.Contains(t, []socialrx.Code{socialrx.CodeInvalid, socialrx.CodeNotFound, socialrx.CodeConflict}, code, "%v", err)
		if code == socialrx.CodeInvalid {
			assert.NotEmpty(t, socialrx.ErrorFields(err), "%v", err)
		}
	})
}
