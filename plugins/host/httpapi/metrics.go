package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
)

// Metrics counts requests, their latencies and plugin calls, and writes
// them in the Prometheus text format.
type Metrics struct {
	mu       sync.Mutex
	requests map[[2]string]int64 // route, status → count
	latency  map[string]*histogram
	calls    map[[3]string]int64 // plugin, method, code → count
}

var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histogram struct {
	counts []int64
	sum    float64
	n      int64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics {
	return &Metrics{requests: map[[2]string]int64{}, latency: map[string]*histogram{}, calls: map[[3]string]int64{}}
}

func (m *Metrics) observeRequest(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, strconv.Itoa(status)}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]int64, len(buckets))}
		m.latency[route] = h
	}
	s := d.Seconds()
	for i, b := range buckets {
		if s <= b {
			h.counts[i]++
		}
	}
	h.sum += s
	h.n++
}

func (m *Metrics) observeCall(plugin, method string, err error) {
	code := string(socialrx.ErrorCode(err))
	if code == "" {
		code = "ok"
	}
	m.mu.Lock()
	m.calls[[3]string{plugin, method, code}]++
	m.mu.Unlock()
}

// write writes the metrics, and the outbox depth read from the store (left
// out when it could not be read), in the Prometheus text exposition format.
func (m *Metrics) write(w io.Writer, depth int, depthErr error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP socialrx_http_requests_total HTTP requests by route pattern and status.")
	fmt.Fprintln(w, "# TYPE socialrx_http_requests_total counter")
	for _, k := range sortedKeys(m.requests) {
		fmt.Fprintf(w, "socialrx_http_requests_total{route=%q,status=%q} %d\n", k[0], k[1], m.requests[k])
	}
	fmt.Fprintln(w, "# HELP socialrx_http_request_duration_seconds HTTP request latency by route pattern.")
	fmt.Fprintln(w, "# TYPE socialrx_http_request_duration_seconds histogram")
	routes := make([]string, 0, len(m.latency))
	for r := range m.latency {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		h := m.latency[r]
		for i, b := range buckets {
			fmt.Fprintf(w, "socialrx_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", r, strconv.FormatFloat(b, 'g', -1, 64), h.counts[i])
		}
		fmt.Fprintf(w, "socialrx_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, h.n)
		fmt.Fprintf(w, "socialrx_http_request_duration_seconds_sum{route=%q} %g\n", r, h.sum)
		fmt.Fprintf(w, "socialrx_http_request_duration_seconds_count{route=%q} %d\n", r, h.n)
	}
	fmt.Fprintln(w, "# HELP socialrx_plugin_calls_total Calls to plugins by plugin, method and result code.")
	fmt.Fprintln(w, "# TYPE socialrx_plugin_calls_total counter")
	for _, k := range sortedKeys(m.calls) {
		fmt.Fprintf(w, "socialrx_plugin_calls_total{plugin=%q,method=%q,code=%q} %d\n", k[0], k[1], k[2], m.calls[k])
	}
	fmt.Fprintln(w, "# HELP socialrx_outbox_depth Outbox messages not yet delivered.")
	fmt.Fprintln(w, "# TYPE socialrx_outbox_depth gauge")
	if depthErr == nil {
		fmt.Fprintf(w, "socialrx_outbox_depth %d\n", depth)
	}
}

func sortedKeys[K [2]string | [3]string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	return keys
}

func (m *Metrics) handler(svc *host.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		depth, err := svc.OutboxDepth(ctx)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		m.write(w, depth, err)
	}
}

// countedStore, countedMessenger and countedClinical count plugin calls.
type countedStore struct {
	plugins.Store
	m *Metrics
}

func (c countedStore) Get(ctx context.Context, k plugins.Kind, id string) (plugins.Document, error) {
	d, err := c.Store.Get(ctx, k, id)
	c.m.observeCall("store", "get", err)
	return d, err
}

func (c countedStore) Create(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	d, err := c.Store.Create(ctx, w)
	c.m.observeCall("store", "create", err)
	return d, err
}

func (c countedStore) Update(ctx context.Context, w plugins.Write) (plugins.Document, error) {
	d, err := c.Store.Update(ctx, w)
	c.m.observeCall("store", "update", err)
	return d, err
}

func (c countedStore) List(ctx context.Context, q plugins.Query) (plugins.Page, error) {
	p, err := c.Store.List(ctx, q)
	c.m.observeCall("store", "list", err)
	return p, err
}

type countedMessenger struct {
	plugins.Messenger
	m *Metrics
}

func (c countedMessenger) Send(ctx context.Context, msg plugins.Message) (plugins.Receipt, error) {
	r, err := c.Messenger.Send(ctx, msg)
	c.m.observeCall("messenger", "send", err)
	return r, err
}

type countedClinical struct {
	plugins.ClinicalSystem
	m *Metrics
}

func (c countedClinical) RecordEvent(ctx context.Context, e plugins.CodedEvent) (string, error) {
	r, err := c.ClinicalSystem.RecordEvent(ctx, e)
	c.m.observeCall("clinical", "record_event", err)
	return r, err
}

// Instrument returns the service options with their plugins wrapped so
// that m counts their calls.
func Instrument(o host.Options, m *Metrics) host.Options {
	o.Store = countedStore{o.Store, m}
	if o.Messenger != nil {
		o.Messenger = countedMessenger{o.Messenger, m}
	}
	if o.Clinical != nil {
		o.Clinical = countedClinical{o.Clinical, m}
	}
	return o
}
