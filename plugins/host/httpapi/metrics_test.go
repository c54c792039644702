package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/referral"
)

// parseMetrics parses a scrape with the Prometheus text parser.
func parseMetrics(t *testing.T, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	require.NoError(t, err, string(body))
	return fams
}

// labelValues are the values of a label across a family's series.
func labelValues(f *dto.MetricFamily, name string) map[string]bool {
	out := map[string]bool{}
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == name {
				out[l.GetValue()] = true
			}
		}
	}
	return out
}

// TestMetricsScrape drives the journey, the outbox and the scheduler on
// every deployment of the store, scrapes /metrics as an admin and parses
// it with the Prometheus text parser: the Go runtime and process
// collectors, request latency by route pattern (never a raw path) and
// status, plugin call latency by method, the outbox depth and the
// scheduler's lag, each of its type.
func TestMetricsScrape(t *testing.T) {
	var m *httpapi.Metrics
	hosttest.Matrix(t, func(t *testing.T, he *hosttest.Env) {
		he.ImportDirectory(t)
		e := newEnvWith(t, he, httpapi.Options{Metrics: m})
		ids := journeyState(t, e)
		ctx := context.Background()
		_, err := he.Svc.DeliverOutbox(ctx, "w", 100)
		require.NoError(t, err)
		he.Clock.Add(30 * 24 * time.Hour)
		n, err := he.Svc.RunScheduler(ctx, "w", 100)
		require.NoError(t, err)
		require.Positive(t, n, "the check-in fell due")

		res := e.do(referral.RoleAdmin, "GET", "/metrics", nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		assert.True(t, strings.HasPrefix(res.header.Get("Content-Type"), "text/plain"), res.header.Get("Content-Type"))
		fams := parseMetrics(t, res.body)
		for name, typ := range map[string]dto.MetricType{
			"go_goroutines":                          dto.MetricType_GAUGE,
			"go_gc_duration_seconds":                 dto.MetricType_SUMMARY,
			"process_cpu_seconds_total":              dto.MetricType_COUNTER,
			"process_resident_memory_bytes":          dto.MetricType_GAUGE,
			"socialrx_http_request_duration_seconds": dto.MetricType_HISTOGRAM,
			"socialrx_plugin_call_duration_seconds":  dto.MetricType_HISTOGRAM,
			"socialrx_scheduler_lag_seconds":         dto.MetricType_HISTOGRAM,
			"socialrx_outbox_depth":                  dto.MetricType_GAUGE,
		} {
			f, ok := fams[name]
			if assert.True(t, ok, "family %s", name) {
				assert.Equal(t, typ, f.GetType(), name)
			}
		}

		req := fams["socialrx_http_request_duration_seconds"]
		routes := labelValues(req, "route")
		assert.Contains(t, routes, "POST /v1/referrals")
		assert.Contains(t, routes, "POST /v1/referrals/{id}/status")
		for r := range routes {
			for _, id := range ids {
				assert.NotContains(t, r, id, "a route label is the pattern, not the path")
			}
		}
		assert.Contains(t, labelValues(req, "status"), "201")
		for _, s := range req.GetMetric() {
			assert.Positive(t, s.GetHistogram().GetSampleCount())
		}

		calls := fams["socialrx_plugin_call_duration_seconds"]
		for _, method := range []string{"get", "create", "update", "list", "lease_outbox", "ack_outbox", "lease_due", "send", "record_event"} {
			assert.Contains(t, labelValues(calls, "method"), method)
		}
		assert.Equal(t, map[string]bool{"store": true, "messenger": true, "clinical": true}, labelValues(calls, "plugin"))
		assert.Contains(t, labelValues(calls, "code"), "ok")

		lag := fams["socialrx_scheduler_lag_seconds"].GetMetric()
		require.NotEmpty(t, lag)
		assert.Positive(t, lag[0].GetHistogram().GetSampleSum(), "the check-in was taken up weeks after it fell due")
		assert.Equal(t, map[string]bool{"referral": true, "onward_referral": true}, labelValues(fams["socialrx_scheduler_lag_seconds"], "kind"))

		depth := fams["socialrx_outbox_depth"].GetMetric()
		require.Len(t, depth, 1)
		assert.GreaterOrEqual(t, depth[0].GetGauge().GetValue(), 0.0)
	}, func(o *host.Options) {
		m = httpapi.NewMetrics()
		*o = httpapi.Instrument(*o, m)
	})
}

// TestMetricsNotPublic: by default /metrics is an admin's only.
func TestMetricsNotPublic(t *testing.T) {
	e := newEnv(t)
	res := e.do("", "GET", "/metrics", nil)
	assert.Equal(t, http.StatusUnauthorized, res.status, string(res.body))
	assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
	for _, role := range []referral.Role{referral.RoleLinkWorker, referral.RoleCommissioner, referral.RolePartner} {
		res = e.do(role, "GET", "/metrics", nil)
		assert.Equal(t, http.StatusForbidden, res.status, string(res.body))
		assert.Contains(t, string(res.body), "only admins may read the metrics")
	}
	assert.Equal(t, http.StatusOK, e.do(referral.RoleAdmin, "GET", "/metrics", nil).status)
}

// get sends a GET with an optional bearer secret, outside the OpenAPI
// checker (these handlers are configured otherwise than its document).
func get(t *testing.T, url, secret string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, b
}

// TestMetricsOnTheirOwnListener: with MetricsElsewhere the API has no
// /metrics, and MetricsHandler serves them, to admins only.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	e := newEnvWith(t, hosttest.New(t), httpapi.Options{MetricsElsewhere: true})
	assert.NotContains(t, e.h.Routes(), "GET /metrics")
	st, _ := get(t, e.srv.URL+"/metrics", secret(referral.RoleAdmin))
	assert.Equal(t, http.StatusNotFound, st)

	ms := httptest.NewServer(e.h.MetricsHandler())
	defer ms.Close()
	st, body := get(t, ms.URL+"/metrics", "")
	assert.Equal(t, http.StatusUnauthorized, st, string(body))
	st, body = get(t, ms.URL+"/metrics", "not-a-token")
	assert.Equal(t, http.StatusUnauthorized, st, string(body))
	st, body = get(t, ms.URL+"/metrics", secret(referral.RoleLinkWorker))
	assert.Equal(t, http.StatusForbidden, st, string(body))
	st, body = get(t, ms.URL+"/v1/referrals", secret(referral.RoleAdmin))
	assert.Equal(t, http.StatusNotFound, st, string(body))
	st, body = get(t, ms.URL+"/metrics", secret(referral.RoleAdmin))
	require.Equal(t, http.StatusOK, st, string(body))
	assert.Contains(t, parseMetrics(t, body), "socialrx_outbox_depth")
}

// TestMetricsPublicWhenConfigured: MetricsPublic serves them to anyone.
func TestMetricsPublicWhenConfigured(t *testing.T) {
	e := newEnvWith(t, hosttest.New(t), httpapi.Options{MetricsPublic: true})
	st, body := get(t, e.srv.URL+"/metrics", "")
	require.Equal(t, http.StatusOK, st, string(body))
	assert.Contains(t, parseMetrics(t, body), "go_goroutines")
}

// TestMetricsDeadLetters: the dead-letter gauge counts the store's dead
// letters, and the depth gauge no longer counts them.
func TestMetricsDeadLetters(t *testing.T) {
	e := newEnv(t)
	he := e.Env
	ctx, now := context.Background(), time.Now().UTC()
	for _, id := range []string{"m-1", "m-2", "m-3"} {
		_, err := he.Store.Create(ctx, plugins.Write{Document: plugins.Document{Kind: "note", ID: id, Data: json.RawMessage(`{}`)},
			Outbox: []plugins.OutboxMessage{{ID: id, IdempotencyKey: "k-" + id, Target: "messenger", Payload: json.RawMessage(`{}`)}}})
		require.NoError(t, err)
	}
	l := plugins.Lease{Owner: "w", Until: now.Add(time.Minute)}
	ms, err := he.Store.LeaseOutbox(ctx, l, now.Add(time.Second), 2)
	require.NoError(t, err)
	require.Len(t, ms, 2)
	for _, m := range ms {
		require.NoError(t, he.Store.DeadLetterOutbox(ctx, m.ID, l, "mail server gone", now))
	}
	fams := parseMetrics(t, e.do(referral.RoleAdmin, "GET", "/metrics", nil).body)
	for name, want := range map[string]float64{"socialrx_outbox_dead_letters": 2, "socialrx_outbox_depth": 1} {
		f := fams[name]
		require.NotNil(t, f, name)
		assert.Equal(t, dto.MetricType_GAUGE, f.GetType(), name)
		assert.Equal(t, want, f.GetMetric()[0].GetGauge().GetValue(), name)
	}
}

// TestInstrumentTimesEveryContractMethod calls every method of each
// plugin contract through the instrumented plugins and finds a series for
// each, by its snake_case name.
func TestInstrumentTimesEveryContractMethod(t *testing.T) {
	m := httpapi.NewMetrics()
	o := httpapi.Instrument(host.Options{Store: memory.New(), Messenger: &hosttest.RecordingMessenger{}, Clinical: memory.NewFakeClinicalSystem()}, m)
	want := map[string]map[string]bool{}
	for plugin, impl := range map[string]struct {
		contract reflect.Type
		v        any
	}{
		"store":     {reflect.TypeFor[plugins.Store](), o.Store},
		"messenger": {reflect.TypeFor[plugins.Messenger](), o.Messenger},
		"clinical":  {reflect.TypeFor[plugins.ClinicalSystem](), o.Clinical},
	} {
		want[plugin] = map[string]bool{}
		v := reflect.ValueOf(impl.v)
		for i := range impl.contract.NumMethod() {
			name := impl.contract.Method(i).Name
			want[plugin][snake(name)] = true
			fn := v.MethodByName(name)
			args := make([]reflect.Value, fn.Type().NumIn())
			for j := range args {
				args[j] = reflect.Zero(fn.Type().In(j))
				if fn.Type().In(j) == reflect.TypeFor[context.Context]() {
					args[j] = reflect.ValueOf(context.Background())
				}
			}
			fn.Call(args)
		}
	}
	fams, err := m.Registry().Gather()
	require.NoError(t, err)
	got := map[string]map[string]bool{}
	for _, f := range fams {
		if f.GetName() != "socialrx_plugin_call_duration_seconds" {
			continue
		}
		for _, s := range f.GetMetric() {
			l := map[string]string{}
			for _, p := range s.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			if got[l["plugin"]] == nil {
				got[l["plugin"]] = map[string]bool{}
			}
			got[l["plugin"]][l["method"]] = true
		}
	}
	assert.Equal(t, want, got)
	assert.Len(t, want["store"], reflect.TypeFor[plugins.Store]().NumMethod())
}

var upper = regexp.MustCompile(`([a-z])([A-Z])`)

func snake(s string) string { return strings.ToLower(upper.ReplaceAllString(s, "${1}_${2}")) }
