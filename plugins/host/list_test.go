package host_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
)

// onePerPage is a store whose pages stop after one document, as a page of
// large documents may (plugins.MaxPageBytes).
type onePerPage struct{ plugins.Store }

func (s onePerPage) List(ctx context.Context, q plugins.Query) (plugins.Page, error) {
	q.Limit = 1
	return s.Store.List(ctx, q)
}

// TestLookupsReadEveryPage: the service never takes one page for all there
// is. A third referral of the same person names both earlier ones as
// possible duplicates, though each lies on a page of its own.
func TestLookupsReadEveryPage(t *testing.T) {
	e := hosttest.New(t)
	svc, err := host.NewService(host.Options{Store: onePerPage{e.Store}, Messenger: e.Messenger, Clinical: e.Clinical, Now: e.Clock.Now,
		Team: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "team", Address: "team@sp.example.org"}})
	require.NoError(t, err)
	e.Svc = svc
	first, second, third := newReferral(t, e), newReferral(t, e), newReferral(t, e)

	msgs, err := e.Store.LeaseOutbox(context.Background(), plugins.Lease{Owner: "test", Until: e.Clock.Now().Add(time.Hour)}, e.Clock.Now(), 1000)
	require.NoError(t, err)
	var body string
	for _, m := range msgs {
		if m.IdempotencyKey == "referral:"+third.ID+":new" {
			var msg plugins.Message
			require.NoError(t, json.Unmarshal(m.Payload, &msg))
			body = msg.Body
		}
	}
	require.NotEmpty(t, body, "the team hears of the third referral")
	assert.True(t, strings.Contains(body, first.ID) && strings.Contains(body, second.ID), body)
}
