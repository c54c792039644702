package plugins_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// paths returns the paths an error names.
func paths(err error) []string {
	var ps []string
	for _, f := range socialrx.ErrorFields(err) {
		ps = append(ps, f.Path)
	}
	return ps
}

// goodWrite is a write every check accepts.
func goodWrite() plugins.Write {
	return plugins.Write{
		Document: plugins.Document{Kind: plugins.KindReferral, ID: "r-1", Version: 1, Data: json.RawMessage(` {"a":1}`)},
		Events:   []plugins.Event{{Type: "referral.received", Actor: "gp-1", Data: json.RawMessage(`{}`)}},
		Outbox: []plugins.OutboxMessage{
			{ID: "m-1", IdempotencyKey: "k-1", Target: "messenger", Payload: json.RawMessage(`{}`)},
			{ID: "m-2", IdempotencyKey: "k-2", Target: "clinical", Payload: json.RawMessage(`"x"`)},
		},
	}
}

func TestWriteCheck(t *testing.T) {
	lim := plugins.Limits{Kind: 8, ID: 4}
	for name, tc := range map[string]struct {
		change func(*plugins.Write)
		update bool
		lim    plugins.Limits
		want   []string
	}{
		"good":                {func(*plugins.Write) {}, true, lim, nil},
		"good, no limits":     {func(w *plugins.Write) { w.Document.Kind = "a_very_long_kind"; w.Document.ID = "a long id" }, false, plugins.Limits{}, nil},
		"version zero create": {func(w *plugins.Write) { w.Document.Version = 0 }, false, lim, nil},
		"no event data":       {func(w *plugins.Write) { w.Events[0].Data = nil }, false, lim, nil},
		"no kind":             {func(w *plugins.Write) { w.Document.Kind = "" }, false, lim, []string{"/document/kind"}},
		"kind with capitals":  {func(w *plugins.Write) { w.Document.Kind = "Plan" }, false, plugins.Limits{}, []string{"/document/kind"}},
		"kind too long":       {func(w *plugins.Write) { w.Document.Kind = "referrals" }, false, lim, []string{"/document/kind"}},
		"no id":               {func(w *plugins.Write) { w.Document.ID = "" }, false, plugins.Limits{}, []string{"/document/id"}},
		"id too long":         {func(w *plugins.Write) { w.Document.ID = "r-100" }, false, lim, []string{"/document/id"}},
		"id not UTF-8":        {func(w *plugins.Write) { w.Document.ID = "\xff" }, false, lim, []string{"/document/id"}},
		"no data":             {func(w *plugins.Write) { w.Document.Data = nil }, false, lim, []string{"/document/data"}},
		"data an array":       {func(w *plugins.Write) { w.Document.Data = json.RawMessage(`[1]`) }, false, lim, []string{"/document/data"}},
		"data null":           {func(w *plugins.Write) { w.Document.Data = json.RawMessage(`null`) }, false, lim, []string{"/document/data"}},
		"data cut short":      {func(w *plugins.Write) { w.Document.Data = json.RawMessage(`{"a":`) }, false, lim, []string{"/document/data"}},
		"data after a NBSP":   {func(w *plugins.Write) { w.Document.Data = json.RawMessage("\u00a0{}") }, false, lim, []string{"/document/data"}},
		"update version zero": {func(w *plugins.Write) { w.Document.Version = 0 }, true, lim, []string{"/document/version"}},
		"event without type":  {func(w *plugins.Write) { w.Events[0].Type = "" }, false, lim, []string{"/events/0/type"}},
		"event without actor": {func(w *plugins.Write) { w.Events[0].Actor = "" }, false, lim, []string{"/events/0/actor"}},
		"event data a string": {func(w *plugins.Write) { w.Events[0].Data = json.RawMessage(`"x"`) }, false, lim, []string{"/events/0/data"}},
		"message without id":  {func(w *plugins.Write) { w.Outbox[1].ID = "" }, false, lim, []string{"/outbox/1/id"}},
		"message id twice":    {func(w *plugins.Write) { w.Outbox[1].ID = "m-1" }, false, lim, []string{"/outbox/1/id"}},
		"message without key": {func(w *plugins.Write) { w.Outbox[0].IdempotencyKey = "" }, false, lim, []string{"/outbox/0/idempotency_key"}},
		"message key twice":   {func(w *plugins.Write) { w.Outbox[1].IdempotencyKey = "k-1" }, false, lim, []string{"/outbox/1/idempotency_key"}},
		"message no target":   {func(w *plugins.Write) { w.Outbox[0].Target = "" }, false, lim, []string{"/outbox/0/target"}},
		"no payload":          {func(w *plugins.Write) { w.Outbox[0].Payload = json.RawMessage(" ") }, false, lim, []string{"/outbox/0/payload"}},
		"payload not JSON":    {func(w *plugins.Write) { w.Outbox[1].Payload = json.RawMessage(`{`) }, false, lim, []string{"/outbox/1/payload"}},
		"every problem at once": {func(w *plugins.Write) {
			*w = plugins.Write{Events: []plugins.Event{{}}, Outbox: []plugins.OutboxMessage{{}}}
		}, true, lim, []string{"/document/kind", "/document/id", "/document/data", "/document/version",
			"/events/0/type", "/events/0/actor", "/outbox/0/id", "/outbox/0/idempotency_key", "/outbox/0/target", "/outbox/0/payload"}},
	} {
		t.Run(name, func(t *testing.T) {
			w := goodWrite()
			tc.change(&w)
			err := w.Check(tc.update, tc.lim)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			assert.ElementsMatch(t, tc.want, paths(err), "%v", err)
		})
	}
}

func TestQueryCheck(t *testing.T) {
	lim := plugins.Limits{Kind: 6}
	for name, tc := range map[string]struct {
		q         plugins.Query
		limit     int
		after     string
		wantPaths []string
	}{
		"first page":        {plugins.Query{Kind: plugins.KindPlan}, 100, "", nil},
		"a page size":       {plugins.Query{Kind: plugins.KindPlan, Limit: 1000}, 1000, "", nil},
		"next page":         {plugins.Query{Kind: plugins.KindPlan, Limit: 1, Cursor: plugins.EncodeCursor("p-1")}, 1, "p-1", nil},
		"no kind":           {plugins.Query{}, 100, "", []string{"/kind"}},
		"kind too long":     {plugins.Query{Kind: plugins.KindReferral}, 100, "", []string{"/kind"}},
		"negative limit":    {plugins.Query{Kind: plugins.KindPlan, Limit: -1}, -1, "", []string{"/limit"}},
		"limit too big":     {plugins.Query{Kind: plugins.KindPlan, Limit: 1001}, 1001, "", []string{"/limit"}},
		"made-up cursor":    {plugins.Query{Kind: plugins.KindPlan, Cursor: "not a cursor!"}, 100, "", []string{"/cursor"}},
		"an id as a cursor": {plugins.Query{Kind: plugins.KindPlan, Cursor: "cDE"}, 100, "", []string{"/cursor"}},
		"an empty cursor":   {plugins.Query{Kind: plugins.KindPlan, Cursor: "aWQ6"}, 100, "", []string{"/cursor"}},
		"all wrong":         {plugins.Query{Kind: "X", Limit: -5, Cursor: "%"}, -5, "", []string{"/kind", "/limit", "/cursor"}},
	} {
		t.Run(name, func(t *testing.T) {
			limit, after, err := tc.q.Check(lim)
			assert.ElementsMatch(t, tc.wantPaths, paths(err), "%v", err)
			if tc.wantPaths != nil {
				assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			}
			assert.Equal(t, tc.limit, limit)
			assert.Equal(t, tc.after, after)
		})
	}
}

func TestLeaseCheck(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	good := plugins.Lease{Owner: "host-1/worker-2", Until: now.Add(time.Minute)}
	for name, tc := range map[string]struct {
		lease   plugins.Lease
		kind    plugins.Kind
		n       int
		want    []string
		wantDue []string
	}{
		"good":          {good, plugins.KindPlan, 1, nil, nil},
		"no owner":      {plugins.Lease{Until: good.Until}, plugins.KindPlan, 1, []string{"/lease/owner"}, []string{"/lease/owner"}},
		"until now":     {plugins.Lease{Owner: "w", Until: now}, plugins.KindPlan, 1, []string{"/lease/until"}, []string{"/lease/until"}},
		"n zero":        {good, plugins.KindPlan, 0, []string{"/n"}, []string{"/n"}},
		"bad kind":      {good, "Plan", 5, nil, []string{"/kind"}},
		"kind too long": {good, plugins.KindReferral, 5, nil, []string{"/kind"}},
		"all wrong": {plugins.Lease{}, "", -1, []string{"/lease/owner", "/lease/until", "/n"},
			[]string{"/lease/owner", "/lease/until", "/n", "/kind"}},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.lease.Check(now, tc.n)
			assert.ElementsMatch(t, tc.want, paths(err), "%v", err)
			due := tc.lease.CheckDue(tc.kind, now, tc.n, plugins.Limits{Kind: 4})
			assert.ElementsMatch(t, tc.wantDue, paths(due), "%v", due)
			for _, e := range []error{err, due} {
				if e != nil {
					assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(e))
				}
			}
		})
	}
}

// FuzzQueryCheck reads arbitrary strings as cursors: no panic, an invalid
// cursor is refused naming "/cursor", and a cursor EncodeCursor made reads
// back as its id.
func FuzzQueryCheck(f *testing.F) {
	for _, s := range []string{"", "aWQ6cC0x", "not a cursor!", "%", "aWQ6", "aWQ6AA", "____", "cDE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, after, err := plugins.Query{Kind: plugins.KindPlan, Cursor: s}.Check(plugins.Limits{})
		if err != nil {
			assert.Equal(t, []string{"/cursor"}, paths(err))
			assert.Empty(t, after)
		} else if s != "" {
			assert.NotEmpty(t, after)
		}
		if s != "" {
			_, back, err := plugins.Query{Kind: plugins.KindPlan, Cursor: plugins.EncodeCursor(s)}.Check(plugins.Limits{})
			require.NoError(t, err)
			assert.Equal(t, s, back)
		}
	})
}

// A store checks a write as the contract says before it applies any of
// it, and reports every problem at once.
func ExampleWrite_Check() {
	w := plugins.Write{
		Document: plugins.Document{Kind: plugins.KindPlan, ID: strings.Repeat("p", 300), Data: json.RawMessage(`[]`)},
		Events:   []plugins.Event{{Type: "plan.created"}},
	}
	err := w.Check(false, plugins.Limits{Kind: 64, ID: 256})
	fmt.Println(socialrx.ErrorCode(err))
	for _, f := range socialrx.ErrorFields(err) {
		fmt.Println(f.Path, "-", f.Rule)
	}
	// Output:
	// invalid
	// /document/data - must be a JSON object
	// /document/id - must be 1 to 256 bytes of UTF-8
	// /events/0/actor - is required
}

// A store pages by id: it asks the query for its page size and where to
// continue, and hands out the cursor of the last id it returned.
func ExampleQuery_Check() {
	q := plugins.Query{Kind: plugins.KindPlan, Cursor: plugins.EncodeCursor("plan-7")}
	limit, after, err := q.Check(plugins.Limits{})
	fmt.Println(limit, after, err)
	// Output: 100 plan-7 <nil>
}
