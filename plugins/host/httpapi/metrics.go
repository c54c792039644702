package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/referral"
)

// Metrics are a host's Prometheus metrics, in a registry of their own (not
// the process-wide default, so that several hosts can run in one process):
//
//   - the Go runtime (go_*) and process (process_*) collectors;
//   - socialrx_http_request_duration_seconds, a histogram by route pattern
//     (such as "GET /v1/referrals/{id}", never the raw path) and status;
//   - socialrx_plugin_call_duration_seconds, a histogram of every call to a
//     plugin contract method, by plugin (store, messenger, clinical),
//     method and result code ("ok" or a socialrx error code);
//   - socialrx_scheduler_lag_seconds, a histogram by kind of how late the
//     scheduler took up each due document (now less its due time);
//   - socialrx_outbox_depth, the messages not yet delivered, and
//     socialrx_outbox_dead_letters, those given up on, both gauges read
//     from the store at each scrape (left out when it does not answer in
//     time).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	calls    *prometheus.HistogramVec
	lag      *prometheus.HistogramVec
	handler  http.Handler
}

// NewMetrics returns empty metrics in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "socialrx_http_request_duration_seconds", Help: "HTTP request latency by route pattern and status.",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"route", "status"}),
		calls: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "socialrx_plugin_call_duration_seconds", Help: "Plugin contract call latency by plugin, method and result code.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"plugin", "method", "code"}),
		lag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "socialrx_scheduler_lag_seconds", Help: "How late the scheduler took up each due document, by kind.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 900, 3600, 4 * 3600, 24 * 3600},
		}, []string{"kind"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), m.requests, m.calls, m.lag)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return m
}

// Registry is the registry the metrics are in, for an embedder to add
// collectors of its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format, with no
// access check of its own (see [Handler.MetricsHandler]).
func (m *Metrics) Handler() http.Handler { return m.handler }

func (m *Metrics) observeRequest(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
}

// watch registers the gauges read from the store at each scrape: the
// outbox depth and the dead letters. Codes: invalid (the metrics already
// watch a service).
func (m *Metrics) watch(svc *host.Service) error {
	gs := []prometheus.Collector{
		storeGauge{prometheus.NewDesc("socialrx_outbox_depth", "Outbox messages not yet delivered.", nil, nil), svc.OutboxDepth},
		storeGauge{prometheus.NewDesc("socialrx_outbox_dead_letters", "Outbox messages given up on after the last attempt.", nil, nil), svc.DeadLetterCount},
	}
	for _, g := range gs {
		if err := m.reg.Register(g); err != nil {
			return socialrx.Invalid(socialrx.Field("/metrics", "metrics serve one handler: %v", err))
		}
	}
	return nil
}

// storeGauge is a gauge read from the store at each scrape, left out when
// the store does not answer within two seconds.
type storeGauge struct {
	desc *prometheus.Desc
	read func(context.Context) (int, error)
}

func (g storeGauge) Describe(ch chan<- *prometheus.Desc) { ch <- g.desc }

func (g storeGauge) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if n, err := g.read(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(n))
	}
}

// call times one plugin call from start, with its result code.
func (m *Metrics) call(plugin, method string, start time.Time, err error) {
	code := "ok"
	if err != nil {
		if code = string(socialrx.ErrorCode(err)); code == "" {
			code = string(socialrx.CodeInternal)
		}
	}
	m.calls.WithLabelValues(plugin, method, code).Observe(time.Since(start).Seconds())
}

// Instrument returns the service options with their plugins wrapped so
// that m times every call to each contract method, and the scheduler's
// lag. Each wrapper implements every method itself (it embeds nothing), so
// a method added to a contract does not compile until it is timed too.
func Instrument(o host.Options, m *Metrics) host.Options {
	if o.Store != nil {
		o.Store = timedStore{o.Store, m}
	}
	if o.Messenger != nil {
		o.Messenger = timedMessenger{o.Messenger, m}
	}
	if o.Clinical != nil {
		o.Clinical = timedClinical{o.Clinical, m}
	}
	return o
}

var (
	_ plugins.Store          = timedStore{}
	_ plugins.Messenger      = timedMessenger{}
	_ plugins.ClinicalSystem = timedClinical{}
)

type timedStore struct {
	s plugins.Store
	m *Metrics
}

func (t timedStore) Get(ctx context.Context, k plugins.Kind, id string) (plugins.Document, error) {
	start := time.Now()
	d, err := t.s.Get(ctx, k, id)
	t.m.call("store", "get", start, err)
	return d, err
}

func (t timedStore) Create(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	start := time.Now()
	d, err := t.s.Create(ctx, w)
	t.m.call("store", "create", start, err)
	return d, err
}

func (t timedStore) Update(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	start := time.Now()
	d, err := t.s.Update(ctx, w)
	t.m.call("store", "update", start, err)
	return d, err
}

func (t timedStore) List(ctx context.Context, q plugins.Query) (plugins.Page, error) {
	start := time.Now()
	p, err := t.s.List(ctx, q)
	t.m.call("store", "list", start, err)
	return p, err
}

func (t timedStore) Events(ctx context.Context, kind plugins.Kind, id string, after int64, limit int) ([]plugins.Event, error) {
	start := time.Now()
	es, err := t.s.Events(ctx, kind, id, after, limit)
	t.m.call("store", "events", start, err)
	return es, err
}

func (t timedStore) LeaseOutbox(ctx context.Context, lease plugins.Lease, now time.Time, n int) ([]plugins.OutboxMessage, error) {
	start := time.Now()
	ms, err := t.s.LeaseOutbox(ctx, lease, now, n)
	t.m.call("store", "lease_outbox", start, err)
	return ms, err
}

func (t timedStore) AckOutbox(ctx context.Context, id string, lease plugins.Lease, at time.Time) error {
	start := time.Now()
	err := t.s.AckOutbox(ctx, id, lease, at)
	t.m.call("store", "ack_outbox", start, err)
	return err
}

func (t timedStore) NackOutbox(ctx context.Context, id string, lease plugins.Lease, errMsg string, retryAt time.Time) error {
	start := time.Now()
	err := t.s.NackOutbox(ctx, id, lease, errMsg, retryAt)
	t.m.call("store", "nack_outbox", start, err)
	return err
}

func (t timedStore) OutboxDepth(ctx context.Context) (int, error) {
	start := time.Now()
	n, err := t.s.OutboxDepth(ctx)
	t.m.call("store", "outbox_depth", start, err)
	return n, err
}

func (t timedStore) DeadLetterOutbox(ctx context.Context, id string, lease plugins.Lease, errMsg string, at time.Time) error {
	start := time.Now()
	err := t.s.DeadLetterOutbox(ctx, id, lease, errMsg, at)
	t.m.call("store", "dead_letter_outbox", start, err)
	return err
}

func (t timedStore) DeadLetters(ctx context.Context, q plugins.DeadLetterQuery) (plugins.DeadLetterPage, error) {
	start := time.Now()
	p, err := t.s.DeadLetters(ctx, q)
	t.m.call("store", "dead_letters", start, err)
	return p, err
}

func (t timedStore) DeadLetterCount(ctx context.Context) (int, error) {
	start := time.Now()
	n, err := t.s.DeadLetterCount(ctx)
	t.m.call("store", "dead_letter_count", start, err)
	return n, err
}

func (t timedStore) GetOutbox(ctx context.Context, id string) (plugins.OutboxMessage, error) {
	start := time.Now()
	m, err := t.s.GetOutbox(ctx, id)
	t.m.call("store", "get_outbox", start, err)
	return m, err
}

func (t timedStore) RedriveOutbox(ctx context.Context, id string, at time.Time) (plugins.OutboxMessage, error) {
	start := time.Now()
	m, err := t.s.RedriveOutbox(ctx, id, at)
	t.m.call("store", "redrive_outbox", start, err)
	return m, err
}

func (t timedStore) PruneOutbox(ctx context.Context, deliveredBefore, keysBefore time.Time) (plugins.Pruned, error) {
	start := time.Now()
	p, err := t.s.PruneOutbox(ctx, deliveredBefore, keysBefore)
	t.m.call("store", "prune_outbox", start, err)
	return p, err
}

func (t timedStore) Erase(ctx context.Context, e plugins.Erasure) error {
	start := time.Now()
	err := t.s.Erase(ctx, e)
	t.m.call("store", "erase", start, err)
	return err
}

func (t timedStore) OutboxAbout(ctx context.Context, id string) ([]plugins.OutboxMessage, error) {
	start := time.Now()
	ms, err := t.s.OutboxAbout(ctx, id)
	t.m.call("store", "outbox_about", start, err)
	return ms, err
}

// LeaseDue also observes the scheduler's lag: how long past its due time
// each document it takes up is, by the service's clock (now).
func (t timedStore) LeaseDue(ctx context.Context, kind plugins.Kind, lease plugins.Lease, now time.Time, n int) ([]plugins.Document, error) {
	start := time.Now()
	ds, err := t.s.LeaseDue(ctx, kind, lease, now, n)
	t.m.call("store", "lease_due", start, err)
	for _, d := range ds {
		if d.DueAt != nil {
			t.m.lag.WithLabelValues(string(kind)).Observe(max(now.Sub(*d.DueAt).Seconds(), 0))
		}
	}
	return ds, err
}

func (t timedStore) Close() error {
	start := time.Now()
	err := t.s.Close()
	t.m.call("store", "close", start, err)
	return err
}

type timedMessenger struct {
	s plugins.Messenger
	m *Metrics
}

func (t timedMessenger) Send(ctx context.Context, msg plugins.Message) (plugins.Receipt, error) {
	start := time.Now()
	r, err := t.s.Send(ctx, msg)
	t.m.call("messenger", "send", start, err)
	return r, err
}

type timedClinical struct {
	s plugins.ClinicalSystem
	m *Metrics
}

func (t timedClinical) RecordEvent(ctx context.Context, e plugins.CodedEvent) (string, error) {
	start := time.Now()
	r, err := t.s.RecordEvent(ctx, e)
	t.m.call("clinical", "record_event", start, err)
	return r, err
}

func (t timedClinical) LookupPerson(ctx context.Context, nhsNumber string) (json.RawMessage, error) {
	start := time.Now()
	p, err := t.s.LookupPerson(ctx, nhsNumber)
	t.m.call("clinical", "lookup_person", start, err)
	return p, err
}

func (t timedClinical) PullReferrals(ctx context.Context, cursor string, limit int) (plugins.ReferralBatch, error) {
	start := time.Now()
	b, err := t.s.PullReferrals(ctx, cursor, limit)
	t.m.call("clinical", "pull_referrals", start, err)
	return b, err
}

// MetricsHandler serves the metrics alone, for a listener of their own
// (see [Options.MetricsElsewhere]), to admins only unless
// [Options.MetricsPublic]: any other path is 404, a caller without an
// admin credential 401 or 403, each a problem.
func (h *Handler) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			writeProblem(w, socialrx.Errorf(socialrx.CodeNotFound, "only GET /metrics is served here"))
			return
		}
		if !h.metricsPublic {
			p, err := h.authenticate(r.Context(), r.Header.Get("Authorization"))
			switch {
			case err != nil:
				writeProblem(w, err)
				return
			case p.Role == host.RolePublic:
				writeProblem(w, unauthorized("the metrics need an admin's bearer token"))
				return
			case p.Role != referral.RoleAdmin:
				writeProblem(w, socialrx.Errorf(socialrx.CodeForbidden, "only admins may read the metrics"))
				return
			}
		}
		h.metrics.Handler().ServeHTTP(w, r)
	})
}
