package plugins_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
	pb "github.com/socialrx/socialrx/plugins/proto/socialrx/plugin/v1"
)

// stubStore answers Get with its doc or err, or blocks until the call's
// context ends when block is set; it counts the calls that reach it. The
// other methods are the memory store's.
type stubStore struct {
	plugins.Store
	doc   plugins.Document
	err   error
	panic any
	block bool
	calls atomic.Int32
}

func newStub() *stubStore { return &stubStore{Store: memory.New()} }

func (s *stubStore) Get(ctx context.Context, kind plugins.Kind, id string) (plugins.Document, error) {
	s.calls.Add(1)
	if s.panic != nil {
		panic(s.panic)
	}
	if s.block {
		<-ctx.Done()
		return plugins.Document{}, ctx.Err()
	}
	return s.doc, s.err
}

func pipeStore(t *testing.T, s plugins.Store, scfg plugins.ServeConfig, ccfg plugins.ClientConfig) (*plugins.Client, plugins.Store) {
	t.Helper()
	scfg.Store = s
	c := plugins.NewPipe(t, scfg, ccfg)
	rs, err := c.Store()
	require.NoError(t, err)
	return c, rs
}

// Every socialrx code, with its fields and message, survives the trip; an
// error that is not a socialrx.Error becomes internal, a context error and
// a panic are mapped too.
func TestErrorsSurviveTheWire(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		panic    any
		wantCode socialrx.Code
		wantText string // "" means the original err.Error()
	}{
		{name: "invalid with fields", err: socialrx.Invalid(
			socialrx.Field("/document/data", "must be a JSON object"),
			socialrx.Field("/events/0/type", "is required")), wantCode: socialrx.CodeInvalid},
		{name: "invalid fields without message", err: &socialrx.Error{Code: socialrx.CodeInvalid,
			Fields: []socialrx.FieldError{{Path: "/limit", Rule: "must be 1 to 1000"}}}, wantCode: socialrx.CodeInvalid},
		{name: "not_found", err: socialrx.Errorf(socialrx.CodeNotFound, "referral r1 not found"), wantCode: socialrx.CodeNotFound},
		{name: "conflict with cause", err: socialrx.Errorf(socialrx.CodeConflict, "version 3 is stale: %w", io.EOF), wantCode: socialrx.CodeConflict},
		{name: "forbidden", err: socialrx.Errorf(socialrx.CodeForbidden, "do not contact"), wantCode: socialrx.CodeForbidden},
		{name: "unavailable", err: socialrx.Errorf(socialrx.CodeUnavailable, "database down"), wantCode: socialrx.CodeUnavailable},
		{name: "internal", err: socialrx.Errorf(socialrx.CodeInternal, "bug"), wantCode: socialrx.CodeInternal},
		{name: "wrapped socialrx error", err: fmt.Errorf("store: %w", socialrx.Errorf(socialrx.CodeNotFound, "gone")),
			wantCode: socialrx.CodeNotFound, wantText: "not_found: gone"},
		{name: "plain error", err: errors.New("boom"), wantCode: socialrx.CodeInternal, wantText: "internal: boom"},
		{name: "context error", err: context.DeadlineExceeded, wantCode: socialrx.CodeUnavailable,
			wantText: "unavailable: context deadline exceeded"},
		{name: "panic", panic: "kaboom", wantCode: socialrx.CodeInternal,
			wantText: "internal: plugin panicked in /socialrx.plugin.v1.Store/Get: kaboom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newStub()
			stub.err, stub.panic = tt.err, tt.panic
			_, s := pipeStore(t, stub, plugins.ServeConfig{}, plugins.ClientConfig{})
			_, err := s.Get(t.Context(), plugins.KindReferral, "r1")
			require.Error(t, err)
			var e *socialrx.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.wantCode, e.Code)
			assert.Equal(t, socialrx.ErrorFields(tt.err), e.Fields)
			want := tt.wantText
			if want == "" {
				want = tt.err.Error()
			}
			assert.Equal(t, want, err.Error())
		})
	}
}

// A document goes over and comes back whole; absent optional fields stay
// absent and times come back as the same instant in UTC.
func TestDocumentRoundTrip(t *testing.T) {
	due := time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.FixedZone("BST", 3600))
	tests := []struct {
		name string
		doc  plugins.Document
	}{
		{"all fields", plugins.Document{Kind: plugins.KindReferral, ID: "r1", Version: 7, Status: "accepted",
			Owner: "lw1", Partner: "org1", Person: "p1", DueAt: &due, Data: json.RawMessage(`{"a":[1,"é"]}`),
			CreatedAt: due.Add(-time.Hour), UpdatedAt: due}},
		{"only the required", plugins.Document{Kind: plugins.KindPlan, ID: "p1", Version: 1, Data: json.RawMessage(`{}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newStub()
			stub.doc = tt.doc
			_, s := pipeStore(t, stub, plugins.ServeConfig{}, plugins.ClientConfig{})
			got, err := s.Get(t.Context(), tt.doc.Kind, tt.doc.ID)
			require.NoError(t, err)
			want := tt.doc
			if want.DueAt != nil {
				u := want.DueAt.UTC()
				want.DueAt = &u
			}
			if !want.CreatedAt.IsZero() {
				want.CreatedAt, want.UpdatedAt = want.CreatedAt.UTC(), want.UpdatedAt.UTC()
			}
			assert.Equal(t, want, got)
		})
	}
}

// Requests the wire cannot carry are refused with invalid naming the field,
// on the host's side, before anything reaches the plugin.
func TestMalformedRequestRefusedByHost(t *testing.T) {
	tooBig := json.RawMessage(`"` + strings.Repeat("x", 70<<10) + `"`)
	tests := []struct {
		name  string
		call  func(s plugins.Store) error
		paths []string
	}{
		{"id not UTF-8", func(s plugins.Store) error {
			_, err := s.Get(t.Context(), plugins.KindReferral, "r\xff")
			return err
		}, []string{"/id"}},
		{"data not JSON", func(s plugins.Store) error {
			_, err := s.Create(t.Context(), plugins.Write{Document: plugins.Document{Kind: "plan", ID: "p", Data: json.RawMessage(`{"a":`)}})
			return err
		}, []string{"/document/data"}},
		{"event data not JSON and outbox payload not JSON", func(s plugins.Store) error {
			_, err := s.Update(t.Context(), plugins.Write{
				Document: plugins.Document{Kind: "plan", ID: "p", Data: json.RawMessage(`{}`)},
				Events:   []plugins.Event{{Type: "t", Actor: "a"}, {Type: "t", Actor: "a", Data: json.RawMessage(`nope`)}},
				Outbox:   []plugins.OutboxMessage{{ID: "m", Payload: json.RawMessage(`{`)}},
			})
			return err
		}, []string{"/events/1/data", "/outbox/0/payload"}},
		{"time out of range", func(s plugins.Store) error {
			_, err := s.List(t.Context(), plugins.Query{Kind: "plan", UpdatedSince: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
			return err
		}, []string{"/updated_since"}},
		{"over the size limit", func(s plugins.Store) error {
			_, err := s.Create(t.Context(), plugins.Write{Document: plugins.Document{Kind: "plan", ID: "p", Data: tooBig}})
			return err
		}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newStub()
			_, s := pipeStore(t, stub, plugins.ServeConfig{}, plugins.ClientConfig{MaxMessageBytes: 64 << 10})
			err := tt.call(s)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			var paths []string
			for _, f := range socialrx.ErrorFields(err) {
				paths = append(paths, f.Path)
			}
			assert.ElementsMatch(t, tt.paths, paths, "%v", err)
			assert.Zero(t, stub.calls.Load())
			n, err := stub.Store.OutboxDepth(t.Context())
			require.NoError(t, err)
			assert.Zero(t, n, "nothing was applied")
		})
	}
}

// Messages that a broken or hostile host sends are refused by the plugin
// with invalid before its adapter sees them.
func TestMalformedRequestRefusedByPlugin(t *testing.T) {
	marshal := func(m proto.Message) []byte {
		b, err := proto.Marshal(m)
		require.NoError(t, err)
		return b
	}
	tests := []struct {
		name   string
		method string
		body   []byte
		paths  []string
		rule   string
	}{
		{"not protobuf", pb.Store_Get_FullMethodName, []byte{0xff, 0xff, 0xff, 0xff}, []string{""}, "is not a well-formed socialrx.plugin.v1.GetRequest message"},
		// Go cannot marshal a string that is not UTF-8: these are the bytes
		// of GetRequest{kind: "plan", id: "\xff"}, written by hand.
		{"string not UTF-8", pb.Store_Get_FullMethodName, []byte{0x0a, 0x04, 'p', 'l', 'a', 'n', 0x12, 0x01, 0xff},
			[]string{""}, "is not a well-formed socialrx.plugin.v1.GetRequest message"},
		{"data not JSON", pb.Store_Create_FullMethodName, marshal(&pb.CreateRequest{Write: &pb.Write{
			Document: &pb.Document{Kind: "plan", Id: "p", Data: []byte("{nope")}}}), []string{"/document/data"}, "must be valid JSON"},
		{"timestamp out of range", pb.Store_Create_FullMethodName, marshal(&pb.CreateRequest{Write: &pb.Write{
			Document: &pb.Document{Kind: "plan", Id: "p", Data: []byte("{}"), DueAt: &timestamppb.Timestamp{Seconds: 1 << 60}}}}),
			[]string{"/document/due_at"}, "must be a time"},
		{"date not a date", pb.ClinicalSystem_RecordEvent_FullMethodName, marshal(&pb.RecordEventRequest{Event: &pb.CodedEvent{
			IdempotencyKey: "k", Date: "2023-02-30"}}), []string{"/date"}, "must be a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newStub()
			c := plugins.NewPipe(t, plugins.ServeConfig{Store: stub, Clinical: memory.NewFakeClinicalSystem()}, plugins.ClientConfig{})
			err := plugins.InvokeRaw(t.Context(), c, tt.method, tt.body)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			var paths []string
			for _, f := range socialrx.ErrorFields(err) {
				paths = append(paths, f.Path)
				assert.Contains(t, f.Rule, tt.rule)
			}
			assert.Equal(t, tt.paths, paths, "%v", err)
			assert.Zero(t, stub.calls.Load())
		})
	}
}

// A message over the limit of the receiving side is refused with invalid,
// whichever side receives it.
func TestOversizedMessages(t *testing.T) {
	big := json.RawMessage(`{"x":"` + strings.Repeat("x", 100<<10) + `"}`)
	tests := []struct {
		name       string
		serveLimit int
		clientLim  int
		stubDoc    plugins.Document
		call       func(s plugins.Store) error
	}{
		{"request over the plugin's limit", 64 << 10, 0, plugins.Document{}, func(s plugins.Store) error {
			_, err := s.Create(t.Context(), plugins.Write{Document: plugins.Document{Kind: "plan", ID: "p", Data: big}})
			return err
		}},
		{"response over the host's limit", 0, 64 << 10, plugins.Document{Kind: "plan", ID: "p", Version: 1, Data: big}, func(s plugins.Store) error {
			_, err := s.Get(t.Context(), "plan", "p")
			return err
		}},
		{"response over the plugin's limit", 64 << 10, 0, plugins.Document{Kind: "plan", ID: "p", Version: 1, Data: big}, func(s plugins.Store) error {
			_, err := s.Get(t.Context(), "plan", "p")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newStub()
			stub.doc = tt.stubDoc
			_, s := pipeStore(t, stub, plugins.ServeConfig{MaxMessageBytes: tt.serveLimit}, plugins.ClientConfig{MaxMessageBytes: tt.clientLim})
			err := tt.call(s)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			n, derr := stub.Store.OutboxDepth(t.Context())
			require.NoError(t, derr)
			assert.Zero(t, n)
			_, gerr := stub.Store.Get(t.Context(), "plan", "p")
			assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(gerr), "nothing was created")
		})
	}
}

// A response the plugin could not have meant (data that is not JSON) is a
// fault of the plugin: internal.
func TestMalformedResponse(t *testing.T) {
	stub := newStub()
	stub.doc = plugins.Document{Kind: "plan", ID: "p", Version: 1, Data: json.RawMessage(`{"half":`)}
	_, s := pipeStore(t, stub, plugins.ServeConfig{}, plugins.ClientConfig{})
	_, err := s.Get(t.Context(), "plan", "p")
	assert.Equal(t, socialrx.CodeInternal, socialrx.ErrorCode(err), "%v", err)
	assert.ErrorContains(t, err, "malformed response")
	assert.ErrorContains(t, err, "/document/data")
}

// A call the plugin does not answer fails with unavailable at CallTimeout,
// and a call in flight when the plugin goes down fails at once.
func TestCallsNeverHang(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		stub := newStub()
		stub.block = true
		_, s := pipeStore(t, stub, plugins.ServeConfig{}, plugins.ClientConfig{CallTimeout: 50 * time.Millisecond})
		_, err := s.Get(t.Context(), "plan", "p")
		assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
		assert.ErrorContains(t, err, "did not answer within 50ms")
	})
	t.Run("plugin goes down", func(t *testing.T) {
		stub := newStub()
		stub.block = true
		c, s := pipeStore(t, stub, plugins.ServeConfig{}, plugins.ClientConfig{})
		errc := make(chan error, 1)
		go func() {
			_, err := s.Get(context.Background(), "plan", "p")
			errc <- err
		}()
		require.Eventually(t, func() bool { return c.Status().Up }, time.Second, time.Millisecond)
		time.Sleep(10 * time.Millisecond) // let the call get under way
		plugins.MarkDown(c, errors.New("killed by the test"))
		select {
		case err := <-errc:
			assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
		case <-time.After(10 * time.Second):
			t.Fatal("the call in flight hung after the plugin went down")
		}
		_, err := s.Get(t.Context(), "plan", "p")
		assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
		assert.ErrorContains(t, err, "down")
		assert.ErrorContains(t, err, "killed by the test")
	})
	t.Run("cancelled before the call", func(t *testing.T) {
		stub := newStub()
		_, s := pipeStore(t, stub, plugins.ServeConfig{}, plugins.ClientConfig{})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := s.Get(ctx, "plan", "p")
		assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err))
		assert.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, stub.calls.Load())
	})
}

func TestServeNeedsAnAdapter(t *testing.T) {
	err := plugins.Serve(plugins.ServeConfig{})
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
}

func TestNewClientChecksConfig(t *testing.T) {
	tests := []struct {
		name  string
		cfg   plugins.ClientConfig
		paths []string
	}{
		{"empty", plugins.ClientConfig{}, []string{"/path", "/sha256"}},
		{"short checksum", plugins.ClientConfig{Path: "/bin/true", SHA256: "abcd"}, []string{"/sha256"}},
		{"not hex", plugins.ClientConfig{Path: "/bin/true", SHA256: strings.Repeat("zz", 32)}, []string{"/sha256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := plugins.NewClient(tt.cfg)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			var paths []string
			for _, f := range socialrx.ErrorFields(err) {
				paths = append(paths, f.Path)
			}
			assert.Equal(t, tt.paths, paths)
		})
	}
}
