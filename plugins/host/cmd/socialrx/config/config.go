// Package config is the socialrx binary's wiring: its JSON configuration
// file, the plugin processes and embedded adapters it names, and the
// [Runtime] that opens them, builds the application service
// ([host.Service]) and its HTTP API ([httpapi.Handler]), and serves both
// with the outbox worker, the scheduler and the clinical-system pull.
//
// The files that hold people's data and the tokens (the SQLite database
// with its -wal and -shm files, the development message log, the tokens
// file) are created private to the user the host runs as: mode 0600, in
// directories created 0700, whatever the umask. Open logs a warning for
// each of them that exists with a wider mode, and leaves the mode alone.
//
// Paths in a config file are relative to the file's folder (see [Load]);
// [Help] documents every field. The binary's serve command is the whole
// flow: [Load], [Open], [Runtime.Serve], [Runtime.Close].
//
// Open never makes tokens: [FirstRun], which only `serve` calls, makes the
// first admin token, and `socialrx tokens` the others ([ReadTokens],
// [WriteTokens]); a serving host reloads the tokens file as it changes.
package config

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/fileperm"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/devlog"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/plugins/sqlite"
	"github.com/socialrx/socialrx/referral"
)

// Config is the host's configuration file (JSON), documented field by
// field in [Help]. The zero Config runs on the embedded SQLite store in
// ./socialrx.db with the development log messenger writing to
// ./socialrx-messages.log.
type Config struct {
	// Dir is the folder the relative paths of the config (the SQLite file,
	// the message log, the tokens file, the plugin binaries, and the
	// default files) are taken from, and the working directory of its
	// plugin processes: Load sets it to the config file's folder; ""
	// is the working directory.
	Dir string `json:"-"`
	// Addr is where the API listens; default 127.0.0.1:8080.
	Addr string `json:"addr,omitempty"`
	// PublicURL is the absolute URL clients reach the API at, such as
	// "https://socialrx.example.org" behind a proxy, for the links the API
	// gives (the ORUK root's openapi_url); default: each request's host.
	PublicURL string `json:"public_url,omitempty"`
	// Store is the storage: {"sqlite": "file.db"} or {"plugin": {...}}.
	Store PluginConfig `json:"store,omitzero"`
	// Messenger sends messages: {"log": "file.log"} (development) or {"plugin": {...}}.
	Messenger PluginConfig `json:"messenger,omitzero"`
	// Clinical is the GP system connector: {"plugin": {...}}, or none.
	Clinical PluginConfig `json:"clinical,omitzero"`
	// Tokens are the bearer tokens (hashes only).
	Tokens []httpapi.Token `json:"tokens,omitempty"`
	// TokensFile keeps the tokens `socialrx tokens` manages and the first
	// admin token `serve` makes; default socialrx-tokens.json in Dir. A serving
	// host reloads it within a second of a change.
	TokensFile string `json:"tokens_file,omitempty"`
	// OIDC turns on single sign-on: bearer JWTs from an OpenID Connect
	// issuer, alongside the tokens (or instead of them, with "only").
	OIDC *httpapi.OIDCConfig `json:"oidc,omitempty"`
	// MetricsAddr serves /metrics on a listen address of its own, such as
	// "127.0.0.1:9090", and not on Addr; default: on Addr.
	MetricsAddr string `json:"metrics_addr,omitempty"`
	// MetricsPublic serves /metrics without a token; default: an admin's
	// bearer token is required, wherever they are served.
	MetricsPublic bool `json:"metrics_public,omitempty"`
	// Team is told of new referrals and partner updates.
	Team plugins.Recipient `json:"team,omitzero"`
	// LinkWorkers are how people reach each link worker (by token id), as
	// printed on their plan summaries.
	LinkWorkers map[string]plan.LinkWorker `json:"link_workers,omitempty"`
	// Policy holds check-in and chasing timings.
	Policy referral.Policy `json:"policy,omitzero"`
	// Teams maps a GP practice's organisation code to the team of link
	// workers its referrals go to, when the referrer's token names no team.
	Teams map[string]string `json:"teams,omitempty"`
	// CrossTeam lets link workers reach another team's case when they state
	// a purpose (X-Purpose); each such access is audited.
	CrossTeam bool `json:"cross_team,omitempty"`
	// MinCell is the smallest cell an outcomes report publishes; no request
	// can go lower. Default (and never below) 5.
	MinCell int `json:"min_cell,omitempty"`
	// OutboxEvery and SchedulerEvery are how often the workers run
	// (Go durations such as "1s"); defaults 1s and 30s.
	OutboxEvery    string `json:"outbox_every,omitempty"`
	SchedulerEvery string `json:"scheduler_every,omitempty"`
	// PullEvery is how often referrals are pulled from the clinical
	// system, when one is configured; default "1m".
	PullEvery string `json:"pull_every,omitempty"`
	// Lease is how long a worker holds outbox messages and due documents;
	// after a crash they are retried when it lapses. Default "1m".
	Lease string `json:"lease,omitempty"`
	// Retention is how long personal data is kept.
	Retention Retention `json:"retention,omitzero"`
	// Outbox is how failed deliveries are retried and dead-lettered, and
	// when delivered messages and create idempotency keys are pruned.
	Outbox OutboxConfig `json:"outbox,omitzero"`
}

// Retention is the host's retention policy for personal data.
type Retention struct {
	// ClosedReferralsMonths is how many months after a referral is closed
	// or declined the scheduler erases its personal data (its plans,
	// onward referrals and measurements with it, keeping de-identified
	// what the outcomes report counts): 1 to 1200, or -1 never. Default
	// 96, the 8 years the NHS Records Management Code of Practice sets for
	// adult health and care records after care ends.
	ClosedReferralsMonths int `json:"closed_referrals_months,omitempty"`
}

// OutboxConfig is the outbox's retry policy and pruning. Durations are Go
// durations ("90s", "6h", "720h"); an empty field takes its default.
type OutboxConfig struct {
	// RetryBase is the wait after a first failed delivery, doubled after
	// each further failure, of which a random half is waited ("equal
	// jitter"); "1s" to "1h", default "1m".
	RetryBase string `json:"retry_base,omitempty"`
	// RetryMax caps that wait; from RetryBase to "168h", default "6h".
	RetryMax string `json:"retry_max,omitempty"`
	// MaxAttempts is how many failed attempts dead-letter a message, which
	// then waits for an admin (socialrx deadletters); 1 to 1000, default
	// 40: about 4 to 8 days with the default waits.
	MaxAttempts int `json:"max_attempts,omitempty"`
	// PruneAfter is how long a delivered message is kept; "1h" to "87600h"
	// (ten years), default "720h" (30 days).
	PruneAfter string `json:"prune_after,omitempty"`
	// IdempotencyKeysTTL is how long the Idempotency-Key of a create is
	// remembered; "1h" to "87600h", default "168h" (7 days).
	IdempotencyKeysTTL string `json:"idempotency_keys_ttl,omitempty"`
	// PruneEvery is how often the host prunes; "1m" to "24h", default "1h".
	PruneEvery string `json:"prune_every,omitempty"`
}

// outboxSettings are an OutboxConfig read and checked.
type outboxSettings struct {
	retry                      host.RetryPolicy
	pruneAfter, keysTTL, every time.Duration
}

// settings checks every field of o and returns them with the defaults
// filled in. Codes: invalid, naming each field at fault ("/outbox/...").
func (o OutboxConfig) settings() (outboxSettings, error) {
	var fs []socialrx.FieldError
	dur := func(name, v string, def, lo, hi time.Duration) time.Duration {
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			fs = append(fs, socialrx.Field("/outbox/"+name, "not a duration such as \"90s\" or \"6h\": %q", v))
		case d < lo || d > hi:
			fs = append(fs, socialrx.Field("/outbox/"+name, "must be %s to %s, not %s", lo, hi, d))
		}
		return d
	}
	var s outboxSettings
	s.retry.Base = dur("retry_base", o.RetryBase, host.DefaultRetryBase, time.Second, time.Hour)
	s.retry.Max = dur("retry_max", o.RetryMax, max(host.DefaultRetryMax, s.retry.Base), max(s.retry.Base, time.Second), 168*time.Hour)
	s.retry.MaxAttempts = host.DefaultMaxAttempts
	if o.MaxAttempts != 0 {
		s.retry.MaxAttempts = o.MaxAttempts
		if o.MaxAttempts < 1 || o.MaxAttempts > 1000 {
			fs = append(fs, socialrx.Field("/outbox/max_attempts", "must be 1 to 1000, not %d", o.MaxAttempts))
		}
	}
	s.pruneAfter = dur("prune_after", o.PruneAfter, host.DefaultPruneDeliveredAfter, time.Hour, 87600*time.Hour)
	s.keysTTL = dur("idempotency_keys_ttl", o.IdempotencyKeysTTL, host.DefaultIdempotencyKeysTTL, time.Hour, 87600*time.Hour)
	s.every = dur("prune_every", o.PruneEvery, time.Hour, time.Minute, 24*time.Hour)
	return s, socialrx.Invalid(fs...)
}

// PluginConfig names an embedded adapter or a plugin binary.
type PluginConfig struct {
	// SQLite is the file of the embedded store.
	SQLite string `json:"sqlite,omitempty"`
	// Log is the file of the development log messenger.
	Log string `json:"log,omitempty"`
	// Plugin is a plugin binary.
	Plugin *PluginBinary `json:"plugin,omitempty"`
}

// PluginBinary is a plugin process the host launches.
type PluginBinary struct {
	Path   string   `json:"path"`
	SHA256 string   `json:"sha256"`
	Args   []string `json:"args,omitempty"`
	Env    []string `json:"env,omitempty"`
}

// Load reads a JSON config file, refusing unknown fields, and sets Dir to
// the file's folder: [Open] takes the relative paths in it from there, not
// from the working directory, so the host finds the same data wherever it
// is started from. Codes: invalid, not_found.
func Load(path string) (Config, error) {
	var c Config
	b, err := os.ReadFile(path)
	if err != nil {
		return c, socialrx.Errorf(socialrx.CodeNotFound, "config: %v", err)
	}
	if err := schema.DecodeStrict(b, &c); err != nil {
		return c, socialrx.Invalid(socialrx.Field("", "config %s: %v", path, err))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return c, err
	}
	c.Dir = filepath.Dir(abs)
	return c, nil
}

// resolve makes every path of c absolute, taking relative ones from Dir
// (the working directory when Dir is "").
func (c *Config) resolve() error {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return err
	}
	c.Dir = dir
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.TokensFile)
	for _, p := range []*PluginConfig{&c.Store, &c.Messenger, &c.Clinical} {
		abs(&p.SQLite)
		abs(&p.Log)
		if p.Plugin != nil {
			b := *p.Plugin
			abs(&b.Path)
			p.Plugin = &b
		}
	}
	return nil
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.Store.SQLite == "" && c.Store.Plugin == nil {
		c.Store.SQLite = "socialrx.db"
	}
	if c.Messenger.Log == "" && c.Messenger.Plugin == nil {
		c.Messenger.Log = "socialrx-messages.log"
	}
	if c.TokensFile == "" {
		c.TokensFile = "socialrx-tokens.json"
	}
	if c.OutboxEvery == "" {
		c.OutboxEvery = "1s"
	}
	if c.SchedulerEvery == "" {
		c.SchedulerEvery = "30s"
	}
	if c.PullEvery == "" {
		c.PullEvery = "1m"
	}
}

// Runtime is a configured, running host: its plugins, service and API.
type Runtime struct {
	Config  Config
	Service *host.Service
	Handler *httpapi.Handler
	Logger  *slog.Logger

	// tokens are the static tokens the API authenticates, reloaded from
	// the tokens file as it changes.
	tokens *httpapi.Tokens

	clients    []*plugins.Client
	closers    []io.Closer
	pruneEvery time.Duration
}

// Open starts the configured plugins and builds the service and API. Its
// Config is cfg with the defaults filled in and every path absolute.
func Open(cfg Config, logger *slog.Logger) (*Runtime, error) {
	cfg.defaults()
	if err := cfg.resolve(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	rt := &Runtime{Config: cfg, Logger: logger}
	fail := func(err error) (*Runtime, error) {
		rt.Close()
		return nil, err
	}
	opts := host.Options{Team: cfg.Team, Policy: cfg.Policy, LinkWorkers: cfg.LinkWorkers, Teams: cfg.Teams, CrossTeam: cfg.CrossTeam, MinCell: cfg.MinCell, Logger: logger,
		DirectoryInBackground: true}
	if m := cfg.Retention.ClosedReferralsMonths; m < -1 || m > 1200 {
		return nil, socialrx.Invalid(socialrx.Field("/retention/closed_referrals_months", "must be 1 to 1200 months, or -1 never (default %d)", host.DefaultRetentionMonths))
	}
	opts.RetentionMonths = cfg.Retention.ClosedReferralsMonths
	outbox, err := cfg.Outbox.settings()
	if err != nil {
		return nil, err
	}
	opts.Retry, opts.PruneDeliveredAfter, opts.IdempotencyKeysTTL = outbox.retry, outbox.pruneAfter, outbox.keysTTL
	rt.pruneEvery = outbox.every
	if cfg.Lease != "" {
		if opts.Lease, err = time.ParseDuration(cfg.Lease); err != nil {
			return nil, socialrx.Invalid(socialrx.Field("/lease", "not a duration: %v", err))
		}
	}
	if cfg.Store.Plugin != nil {
		c, err := rt.launch("store", *cfg.Store.Plugin)
		if err != nil {
			return fail(err)
		}
		if opts.Store, err = c.Store(); err != nil {
			return fail(err)
		}
	} else {
		s, err := sqlite.Open(cfg.Store.SQLite)
		if err != nil {
			return fail(err)
		}
		rt.closers = append(rt.closers, s)
		opts.Store = s
	}
	if cfg.Messenger.Plugin != nil {
		c, err := rt.launch("messenger", *cfg.Messenger.Plugin)
		if err != nil {
			return fail(err)
		}
		if opts.Messenger, err = c.Messenger(); err != nil {
			return fail(err)
		}
	} else {
		m, err := devlog.Open(cfg.Messenger.Log)
		if err != nil {
			return fail(err)
		}
		rt.closers = append(rt.closers, m)
		opts.Messenger = m
	}
	if cfg.Clinical.Plugin != nil {
		c, err := rt.launch("clinical", *cfg.Clinical.Plugin)
		if err != nil {
			return fail(err)
		}
		if opts.Clinical, err = c.Clinical(); err != nil {
			return fail(err)
		}
	}
	metrics := httpapi.NewMetrics()
	if rt.Service, err = host.NewService(httpapi.Instrument(opts, metrics)); err != nil {
		return fail(err)
	}
	ts, err := rt.readTokens()
	if err != nil {
		return fail(err)
	}
	if rt.tokens, err = httpapi.NewTokens(ts); err != nil {
		return fail(err)
	}
	ho := httpapi.Options{Tokens: rt.tokens, Metrics: metrics, MetricsPublic: cfg.MetricsPublic, MetricsElsewhere: cfg.MetricsAddr != "",
		Ready: rt.ready, Logger: logger, PublicURL: cfg.PublicURL}
	if cfg.OIDC != nil {
		if ho.OIDC, err = httpapi.NewOIDC(*cfg.OIDC); err != nil {
			return fail(err)
		}
	}
	if rt.Handler, err = httpapi.NewHandler(rt.Service, ho); err != nil {
		return fail(err)
	}
	rt.warnExposed()
	return rt, nil
}

// warnExposed logs a warning for each data file of the host's own that
// lets other users in: the tokens file and the files of the embedded store
// and messenger. (A plugin warns of its own files.) It leaves their modes
// alone: what the host creates is private, so a wider mode is the
// operator's, who may mean it.
func (rt *Runtime) warnExposed() {
	files := []string{rt.Config.TokensFile}
	if rt.Config.Store.Plugin == nil {
		db := rt.Config.Store.SQLite
		files = append(files, db, db+"-wal", db+"-shm")
	}
	if rt.Config.Messenger.Plugin == nil {
		files = append(files, rt.Config.Messenger.Log)
	}
	for _, e := range fileperm.Exposed(files...) {
		rt.Logger.Warn("a data file lets other users read or change it; its mode is left as it is: chmod 600 it to make it private",
			"path", e.Path, "mode", fmt.Sprintf("%04o", e.Mode))
	}
}

func (rt *Runtime) launch(name string, b PluginBinary) (*plugins.Client, error) {
	c, err := plugins.NewClient(plugins.ClientConfig{Path: b.Path, Args: b.Args, Env: b.Env, SHA256: b.SHA256, Dir: rt.Config.Dir})
	if err != nil {
		return nil, fmt.Errorf("%s plugin %s: %w", name, b.Path, err)
	}
	rt.clients = append(rt.clients, c)
	return c, nil
}

// readTokens are the configured tokens plus those in the tokens file.
func (rt *Runtime) readTokens() ([]httpapi.Token, error) {
	saved, err := ReadTokens(rt.Config.TokensFile)
	if err != nil {
		return nil, err
	}
	return append(append([]httpapi.Token(nil), rt.Config.Tokens...), saved...), nil
}

// tokensStamp tells one state of the tokens file from another: its size
// and modification time, or "" when it is missing.
func (rt *Runtime) tokensStamp() string {
	st, err := os.Stat(rt.Config.TokensFile)
	if err != nil {
		return ""
	}
	return fmt.Sprint(st.Size(), " ", st.ModTime().UnixNano())
}

// reloadTokens reads the tokens file again when its stamp is not last,
// and returns the new stamp. A file that does not check is logged and the
// tokens in use are kept.
func (rt *Runtime) reloadTokens(last string) string {
	stamp := rt.tokensStamp()
	if stamp == last {
		return last
	}
	ts, err := rt.readTokens()
	if err == nil {
		err = rt.tokens.Set(ts)
	}
	if err != nil {
		rt.Logger.Error("the tokens file was not reloaded; the tokens in use are kept", "path", rt.Config.TokensFile, "err", err)
		return stamp
	}
	rt.Logger.Info("tokens reloaded", "path", rt.Config.TokensFile, "tokens", len(ts))
	return stamp
}

// Location is where the host keeps one kind of thing.
type Location struct {
	// What is "data", "messages" or "tokens".
	What string
	// Where is the absolute path, and what keeps it there.
	Where string
}

// Locations says where the host keeps its data, the messages it sends
// and its tokens, for serve to print on start.
func (rt *Runtime) Locations() []Location {
	c := rt.Config
	data := c.Store.SQLite + " (embedded SQLite)"
	if p := c.Store.Plugin; p != nil {
		data = "wherever the store plugin " + p.Path + " keeps it"
	}
	messages := c.Messenger.Log + " (development log: written here, not sent)"
	if p := c.Messenger.Plugin; p != nil {
		messages = "sent by the messenger plugin " + p.Path
	}
	tokens := c.TokensFile
	if n := len(c.Tokens); n > 0 {
		tokens += fmt.Sprintf(", and %d in the config file", n)
	}
	return []Location{{"data", data}, {"messages", messages}, {"tokens", tokens}}
}

// ready reports whether every plugin process is up.
func (rt *Runtime) ready(ctx context.Context) error {
	for _, c := range rt.clients {
		if st := c.Status(); !st.Up {
			return socialrx.Errorf(socialrx.CodeUnavailable, "plugin %v is down: %v", st.Contracts, st.Err)
		}
	}
	if !rt.Service.DirectoryLoaded() {
		return socialrx.Errorf(socialrx.CodeUnavailable, "the directory is still loading into memory")
	}
	_, err := rt.Service.OutboxDepth(ctx)
	return err
}

// Statuses reports each plugin process, for `socialrx plugins check`.
func (rt *Runtime) Statuses() []plugins.Status {
	out := make([]plugins.Status, len(rt.clients))
	for i, c := range rt.clients {
		out[i] = c.Status()
	}
	return out
}

// Close stops the plugins and closes the embedded adapters.
func (rt *Runtime) Close() error {
	var errs []error
	for _, c := range rt.clients {
		errs = append(errs, c.Close())
	}
	for _, c := range rt.closers {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// Serve listens on the configured address and serves the API, the outbox
// worker and the scheduler until ctx is done; then it stops accepting,
// finishes in-flight requests, makes a last outbox delivery attempt and
// returns. ready, if not nil, receives the bound address once listening.
func (rt *Runtime) Serve(ctx context.Context, ready func(addr string)) error {
	outboxEvery, err := time.ParseDuration(rt.Config.OutboxEvery)
	if err != nil {
		return socialrx.Invalid(socialrx.Field("/outbox_every", "not a duration: %v", err))
	}
	schedEvery, err := time.ParseDuration(rt.Config.SchedulerEvery)
	if err != nil {
		return socialrx.Invalid(socialrx.Field("/scheduler_every", "not a duration: %v", err))
	}
	pullEvery, err := time.ParseDuration(rt.Config.PullEvery)
	if err != nil {
		return socialrx.Invalid(socialrx.Field("/pull_every", "not a duration: %v", err))
	}
	ln, err := net.Listen("tcp", rt.Config.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rt.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	var mln net.Listener
	msrv := &http.Server{Handler: rt.Handler.MetricsHandler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute}
	if rt.Config.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", rt.Config.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("metrics_addr: %w", err)
		}
	}
	worker := fmt.Sprintf("%s-%d", hostname(), os.Getpid())
	loops, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	every := func(d time.Duration, f func(context.Context)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(d)
			defer t.Stop()
			for {
				select {
				case <-loops.Done():
					return
				case <-t.C:
					f(loops)
				}
			}
		}()
	}
	every(outboxEvery, func(ctx context.Context) {
		for {
			n, err := rt.Service.DeliverOutbox(ctx, worker, 100)
			if err != nil {
				rt.Logger.Warn("outbox", "err", err)
			}
			if n < 100 {
				return
			}
		}
	})
	every(max(rt.pruneEvery, time.Minute), func(ctx context.Context) {
		if _, err := rt.Service.PruneOutbox(ctx); err != nil {
			rt.Logger.Warn("pruning the outbox", "err", err)
		}
	})
	// The directory is loaded into memory before /readyz says ready, and
	// kept current in the background: no search waits on the store.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for loops.Err() == nil {
			if err := rt.Service.SyncDirectory(loops); err == nil {
				return
			} else if loops.Err() == nil {
				rt.Logger.Warn("loading the directory; trying again", "err", err)
			}
			select {
			case <-loops.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	every(host.DefaultDirectoryRefresh, func(ctx context.Context) {
		if rt.Service.DirectoryLoaded() {
			_ = rt.Service.SyncDirectory(ctx) // a failure is logged; searches use the copy
		}
	})
	every(schedEvery, func(ctx context.Context) {
		if _, err := rt.Service.RunScheduler(ctx, worker, 100); err != nil {
			rt.Logger.Warn("scheduler", "err", err)
		}
	})
	stamp := rt.tokensStamp()
	every(tokensReloadEvery, func(context.Context) { stamp = rt.reloadTokens(stamp) })
	if rt.Config.Clinical.Plugin != nil {
		every(pullEvery, func(ctx context.Context) {
			if n, skipped, err := rt.Service.PullReferrals(ctx, 100); err != nil {
				rt.Logger.Warn("pulling referrals", "err", err)
			} else if n+skipped > 0 {
				rt.Logger.Info("pulled referrals", "received", n, "skipped", skipped)
			}
		})
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	if mln != nil {
		go func() { errc <- msrv.Serve(mln) }()
		rt.Logger.Info("serving metrics", "addr", mln.Addr().String())
	}
	rt.Logger.Info("serving", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
		rt.Logger.Info("shutting down: finishing the requests in flight, then a last outbox delivery")
	}
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	err = errors.Join(err, srv.Shutdown(sctx), msrv.Shutdown(sctx))
	cancel()
	stop()
	wg.Wait()
	fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, ferr := rt.Service.DeliverOutbox(fctx, worker, 1000); ferr != nil {
		rt.Logger.Warn("final outbox flush", "err", ferr)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if err != nil {
		rt.Logger.Error("stopped", "err", err)
	} else {
		rt.Logger.Info("stopped")
	}
	return err
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "host"
	}
	return h
}
