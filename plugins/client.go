package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/socialrx/socialrx"
	pb "github.com/socialrx/socialrx/plugins/proto/socialrx/plugin/v1"
)

// ClientConfig says which plugin binary a host runs and how it watches it.
// Path and SHA256 are required; the zero value of every other field picks
// the default named in its comment.
type ClientConfig struct {
	// Path is the plugin binary; Args are its arguments.
	Path string
	Args []string
	// Dir is the working directory of the plugin process, in which
	// relative paths in Args resolve; "" is the host's.
	Dir string
	// Env is added to the host's environment for the plugin (later entries
	// win), for the plugin's own settings such as a database URL.
	Env []string
	// SHA256 is the hex SHA-256 of the binary. A binary that does not match
	// is refused before it runs, at every launch.
	SHA256 string
	// CallTimeout bounds every call; a call without an answer by then fails
	// with unavailable. Default 30s.
	CallTimeout time.Duration
	// HealthInterval is how often the host checks the plugin is alive;
	// HealthTimeout is how long a check may take before the plugin counts
	// as hung and is killed and relaunched. Defaults 1s and 5s.
	HealthInterval time.Duration
	HealthTimeout  time.Duration
	// MinBackoff and MaxBackoff bound the wait before a relaunch, which
	// doubles while relaunches fail or the plugin keeps crashing soon after
	// start. Defaults 100ms and 30s.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// StartTimeout bounds how long the plugin may take to start. Default 1m.
	StartTimeout time.Duration
	// MaxMessageBytes bounds each message sent or received; a larger one is
	// refused with invalid. Default DefaultMaxMessageBytes.
	MaxMessageBytes int
	// Logger receives go-plugin's log and the plugin's stderr. nil logs
	// warnings and errors to stderr.
	Logger hclog.Logger
}

// Client runs one plugin process for a host and dispenses the contracts it
// serves as the plain Go interfaces. It checks the plugin's health, and
// when the plugin crashes or hangs it kills it and launches it again after
// a backoff; meanwhile every call fails at once with unavailable. The
// plugin process does not outlive the host, even a host killed with
// SIGKILL: on Linux and FreeBSD the kernel kills it, and [Serve] stops by
// itself when its host is gone. A Client is safe for concurrent use; the
// dispensed adapters stay valid across relaunches until Close.
//
// Calls of a dispensed adapter return the adapter's own errors unchanged
// (code, message and fields), and besides: unavailable when the plugin is
// down, goes down during the call, or does not answer within CallTimeout
// (a process that is alive but whose adapter is stuck is not relaunched;
// its calls time out); invalid when the request cannot go over the wire
// (a string that is not UTF-8, a JSON field that is not JSON, a time
// outside years 1 to 9999, or more than MaxMessageBytes), naming the
// field; internal when the plugin answers with a malformed response.
type Client struct {
	cfg  ClientConfig
	sum  []byte
	kick chan struct{}
	done chan struct{}
	wg   sync.WaitGroup

	mu        sync.Mutex
	gen       *generation // nil while the plugin is down
	contracts []string
	lastErr   error
	restarts  int
	closed    bool
}

// generation is one run of the plugin process.
type generation struct {
	pc      *goplugin.Client // nil for a connection made without a process
	cmd     *exec.Cmd
	conn    *grpc.ClientConn
	pid     int
	started time.Time
	// ctx ends when this run ends, failing the calls still in flight.
	ctx    context.Context
	cancel context.CancelCauseFunc
	// stopped is closed once stop has stopped the process.
	stopped  chan struct{}
	stopOnce sync.Once
}

// Status is a snapshot of a Client's plugin, for a host's health endpoint.
type Status struct {
	// Up is true while the plugin runs and answers health checks.
	Up bool
	// PID is the plugin's process id while it is up.
	PID int
	// Restarts counts the relaunches so far.
	Restarts int
	// Contracts are the contracts the plugin serves.
	Contracts []string
	// Err is why the plugin last went down or failed to relaunch, or nil.
	Err error
}

// NewClient checks cfg, launches the plugin and returns a Client for it.
// Codes: invalid (cfg is incomplete, or the plugin speaks another protocol
// version: the message names both), forbidden (the binary's SHA-256 does
// not match; it was not run), unavailable (the plugin did not start).
func NewClient(cfg ClientConfig) (*Client, error) {
	var bad []socialrx.FieldError
	if cfg.Path == "" {
		bad = append(bad, socialrx.Field("/path", "is required"))
	}
	sum, err := hex.DecodeString(cfg.SHA256)
	if err != nil || len(sum) != sha256.Size {
		bad = append(bad, socialrx.Field("/sha256", "must be a SHA-256 in hex (64 digits)"))
	}
	if err := socialrx.Invalid(bad...); err != nil {
		return nil, err
	}
	c := &Client{cfg: withDefaults(cfg), sum: sum, kick: make(chan struct{}, 1), done: make(chan struct{})}
	g, contracts, err := c.launch()
	if err != nil {
		return nil, err
	}
	c.gen, c.contracts = g, contracts
	c.wg.Add(1)
	go c.supervise(g)
	return c, nil
}

func withDefaults(cfg ClientConfig) ClientConfig {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.CallTimeout, 30*time.Second)
	def(&cfg.HealthInterval, time.Second)
	def(&cfg.HealthTimeout, 5*time.Second)
	def(&cfg.MinBackoff, 100*time.Millisecond)
	def(&cfg.MaxBackoff, 30*time.Second)
	def(&cfg.StartTimeout, time.Minute)
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = cfg.MinBackoff
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.New(&hclog.LoggerOptions{Name: "plugin", Level: hclog.Warn, Output: os.Stderr})
	}
	return cfg
}

// pluginVersion finds the plugin's version in go-plugin's refusal.
var pluginVersion = regexp.MustCompile(`Plugin version: (\d+)`)

// launch starts the plugin process and asks it what it serves.
//
// The process dies with the host, even when the host is killed with
// SIGKILL: on Linux the kernel sends it SIGKILL when its parent dies
// (Pdeathsig, see dieWithHost), and plugins.Serve also stops when its
// parent process id changes. Linux's "parent" is the OS thread that forked
// the process, not the host process: a signal on that thread's exit would
// kill a healthy plugin. The Go runtime ends a thread only when a goroutine
// locked to it (runtime.LockOSThread) returns, and any goroutine, in this
// package or in a library, might lock the thread launch happened to run on
// and then return. So launch forks from a goroutine locked to its own
// thread, on which nothing else runs, and keeps it until the process has
// stopped: the thread lives exactly as long as the plugin process, at the
// cost of one parked thread per plugin. (One launcher thread for the whole
// host would do too, but go-plugin forks inside Client.Start, which also
// waits for the plugin's handshake, so that thread would start the plugins
// one at a time.)
func (c *Client) launch() (*generation, []string, error) {
	type launched struct {
		g         *generation
		contracts []string
		err       error
	}
	out := make(chan launched, 1)
	go func() {
		runtime.LockOSThread()
		// Never unlocked: when this goroutine returns, its thread ends.
		g, contracts, err := c.start()
		out <- launched{g, contracts, err}
		if err == nil {
			<-g.stopped
		}
	}()
	l := <-out
	return l.g, l.contracts, l.err
}

// start starts the plugin process and asks it what it serves; see launch.
func (c *Client) start() (*generation, []string, error) {
	cmd := exec.Command(c.cfg.Path, c.cfg.Args...)
	cmd.Env = append(os.Environ(), c.cfg.Env...)
	cmd.Dir = c.cfg.Dir
	dieWithHost(cmd)
	pc := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{ProtocolVersion: {pluginName: &grpcPlugin{}}},
		Cmd:              cmd,
		SkipHostEnv:      true, // cmd.Env has it, so that Env wins
		SecureConfig:     &goplugin.SecureConfig{Checksum: c.sum, Hash: sha256.New()},
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     c.cfg.StartTimeout,
		Logger:           c.cfg.Logger,
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(c.cfg.MaxMessageBytes),
			grpc.MaxCallSendMsgSize(c.cfg.MaxMessageBytes),
		)},
	})
	rpc, err := pc.Client()
	if err != nil {
		pc.Kill()
		return nil, nil, c.startError(err)
	}
	raw, err := rpc.Dispense(pluginName)
	if err != nil {
		pc.Kill()
		return nil, nil, socialrx.Errorf(socialrx.CodeUnavailable, "plugin %s: %w", c.cfg.Path, err)
	}
	g := &generation{pc: pc, cmd: cmd, conn: raw.(*grpc.ClientConn), started: time.Now(), stopped: make(chan struct{})}
	if cmd.Process != nil {
		g.pid = cmd.Process.Pid
	}
	g.ctx, g.cancel = context.WithCancelCause(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.CallTimeout)
	defer cancel()
	var desc pb.DescribeResponse
	if err := g.conn.Invoke(ctx, pb.Plugin_Describe_FullMethodName, &pb.DescribeRequest{}, &desc); err != nil {
		g.stop(false)
		return nil, nil, socialrx.Errorf(socialrx.CodeUnavailable, "plugin %s did not describe itself: %w", c.cfg.Path, fromStatus(err))
	}
	return g, desc.Contracts, nil
}

// startError classifies why go-plugin could not start the plugin.
func (c *Client) startError(err error) error {
	if errors.Is(err, goplugin.ErrChecksumsDoNotMatch) {
		return socialrx.Errorf(socialrx.CodeForbidden,
			"plugin %s refused: its SHA-256 does not match the configured %s", c.cfg.Path, c.cfg.SHA256)
	}
	if strings.Contains(err.Error(), "incompatible API version") {
		theirs := "another"
		if m := pluginVersion.FindStringSubmatch(err.Error()); m != nil {
			theirs = m[1]
		}
		return socialrx.Errorf(socialrx.CodeInvalid,
			"plugin %s refused: it speaks protocol version %s, this host speaks protocol version %d",
			c.cfg.Path, theirs, ProtocolVersion)
	}
	return socialrx.Errorf(socialrx.CodeUnavailable, "plugin %s did not start: %w", c.cfg.Path, err)
}

// stop ends a run: it fails the calls in flight and stops the process,
// gracefully (letting the plugin close its adapters) unless the run is
// unhealthy, in which case the process is killed at once.
func (g *generation) stop(graceful bool) {
	defer g.stopOnce.Do(func() {
		if g.stopped != nil { // nil for a connection made without a process
			close(g.stopped)
		}
	})
	g.cancel(errors.New("the plugin stopped"))
	if g.pc == nil {
		_ = g.conn.Close()
		return
	}
	if !graceful && g.cmd.Process != nil {
		_ = g.cmd.Process.Kill()
	}
	done := make(chan struct{})
	go func() {
		g.pc.Kill()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		// A stopped or wedged process never answers the shutdown request.
		if g.cmd.Process != nil {
			_ = g.cmd.Process.Kill()
		}
		<-done
	}
}

// supervise watches the running plugin and relaunches it when it dies or
// hangs, until Close.
func (c *Client) supervise(g *generation) {
	defer c.wg.Done()
	backoff := c.cfg.MinBackoff
	for {
		cause := c.watch(g)
		if cause == nil {
			return
		}
		c.retire(g, cause)
		if time.Since(g.started) >= c.cfg.MaxBackoff {
			backoff = c.cfg.MinBackoff // it ran a good while: not a crash loop
		}
		for {
			select {
			case <-c.done:
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, c.cfg.MaxBackoff)
			ng, contracts, err := c.launch()
			if err != nil {
				c.mu.Lock()
				c.lastErr = err
				c.mu.Unlock()
				c.cfg.Logger.Error("plugin relaunch failed", "path", c.cfg.Path, "error", err)
				continue
			}
			c.mu.Lock()
			if c.closed {
				c.mu.Unlock()
				ng.stop(true)
				return
			}
			c.gen, c.contracts = ng, contracts
			c.restarts++
			c.mu.Unlock()
			c.cfg.Logger.Info("plugin relaunched", "path", c.cfg.Path, "pid", ng.pid)
			g = ng
			break
		}
	}
}

// watch returns why g is no longer fit to serve, or nil when the client
// closes.
func (c *Client) watch(g *generation) error {
	t := time.NewTicker(c.cfg.HealthInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return nil
		case <-t.C:
		case <-c.kick:
		}
		if g.pc.Exited() {
			return errors.New("the plugin process exited")
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.cfg.HealthTimeout)
		_, err := grpc_health_v1.NewHealthClient(g.conn).Check(ctx,
			&grpc_health_v1.HealthCheckRequest{Service: goplugin.GRPCServiceName})
		cancel()
		if err != nil {
			return fmt.Errorf("the plugin failed its health check: %w", err)
		}
	}
}

// retire takes g out of service and kills it.
func (c *Client) retire(g *generation, cause error) {
	c.mu.Lock()
	owned := c.gen == g
	if owned {
		c.gen = nil
		c.lastErr = cause
	}
	c.mu.Unlock()
	if owned {
		c.cfg.Logger.Warn("plugin down; relaunching", "path", c.cfg.Path, "pid", g.pid, "cause", cause)
		g.stop(false)
	}
}

// Status reports on the plugin.
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Status{Up: c.gen != nil, Restarts: c.restarts, Contracts: slices.Clone(c.contracts), Err: c.lastErr}
	if c.gen != nil {
		s.PID = c.gen.pid
	}
	return s
}

// Close stops the plugin gracefully, so that it closes its adapters, and
// stops relaunching it. Calls made after Close fail with unavailable. It
// returns nil; calling it again does nothing.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	g := c.gen
	c.gen = nil
	c.mu.Unlock()
	close(c.done)
	c.wg.Wait()
	if g != nil {
		g.stop(true)
	}
	return nil
}

// Store returns the plugin's Store. Its Close does nothing: the plugin
// closes its store when the Client is closed. Codes: not_found (the plugin
// serves no store).
func (c *Client) Store() (Store, error) {
	if err := c.serves(ContractStore); err != nil {
		return nil, err
	}
	return remoteStore{c}, nil
}

// Messenger returns the plugin's Messenger. Codes: not_found (the plugin
// serves no messenger).
func (c *Client) Messenger() (Messenger, error) {
	if err := c.serves(ContractMessenger); err != nil {
		return nil, err
	}
	return remoteMessenger{c}, nil
}

// Clinical returns the plugin's ClinicalSystem. Codes: not_found (the
// plugin serves no clinical system).
func (c *Client) Clinical() (ClinicalSystem, error) {
	if err := c.serves(ContractClinical); err != nil {
		return nil, err
	}
	return remoteClinical{c}, nil
}

func (c *Client) serves(contract string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.contracts, contract) {
		return socialrx.Errorf(socialrx.CodeNotFound, "plugin %s serves no %s (it serves %v)", c.cfg.Path, contract, c.contracts)
	}
	return nil
}

// current returns the running generation, or unavailable while down.
func (c *Client) current() (*generation, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return nil, socialrx.Errorf(socialrx.CodeUnavailable, "plugin %s: the client is closed", c.cfg.Path)
	case c.gen == nil:
		return nil, &socialrx.Error{Code: socialrx.CodeUnavailable,
			Message: fmt.Sprintf("plugin %s is down (%v) and being relaunched", c.cfg.Path, c.lastErr), Err: c.lastErr}
	}
	return c.gen, nil
}

// nudge asks the supervisor to check the plugin now.
func (c *Client) nudge() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// call makes one unary call to the plugin: it refuses a malformed or
// oversized request with invalid, bounds the call by CallTimeout, fails it
// with unavailable when the plugin goes down meanwhile, and checks the
// response.
func (c *Client) call(ctx context.Context, method string, req, resp proto.Message) error {
	if err := checkMessage(req, true); err != nil {
		return err
	}
	if n := proto.Size(req); n > c.cfg.MaxMessageBytes {
		return socialrx.Invalid(socialrx.Field("", "the request is %d bytes, over the limit of %d bytes", n, c.cfg.MaxMessageBytes))
	}
	if err := ctx.Err(); err != nil {
		return cancelled(err)
	}
	g, err := c.current()
	if err != nil {
		return err
	}
	cctx, cancelTimeout := context.WithTimeout(ctx, c.cfg.CallTimeout)
	defer cancelTimeout()
	cctx, cancel := context.WithCancelCause(cctx)
	defer cancel(nil)
	stop := context.AfterFunc(g.ctx, func() { cancel(context.Cause(g.ctx)) })
	defer stop()

	if err := g.conn.Invoke(cctx, method, req, resp); err != nil {
		st, _ := status.FromError(err)
		// CallTimeout ran out: the plugin did not answer in time, even if
		// the adapter, seeing the deadline the call carried, answered
		// first with an error of its own.
		timedOut := ctx.Err() == nil && g.ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded)
		if e, ok := detailOf(st); ok && !timedOut {
			return e // the adapter's own error
		}
		switch {
		case ctx.Err() != nil:
			return cancelled(ctx.Err())
		case g.ctx.Err() != nil:
			cause := context.Cause(g.ctx)
			return &socialrx.Error{Code: socialrx.CodeUnavailable,
				Message: fmt.Sprintf("plugin %s went down during the call: %v", c.cfg.Path, cause), Err: cause}
		case timedOut || st.Code() == codes.DeadlineExceeded:
			c.nudge()
			return socialrx.Errorf(socialrx.CodeUnavailable, "plugin %s did not answer within %s", c.cfg.Path, c.cfg.CallTimeout)
		case st.Code() == codes.Unavailable || st.Code() == codes.Canceled:
			c.nudge()
		}
		return fromStatus(err)
	}
	if err := checkMessage(resp, false); err != nil {
		return &socialrx.Error{Code: socialrx.CodeInternal, Message: fmt.Sprintf("plugin %s sent a malformed response: %v", c.cfg.Path, err), Err: err}
	}
	return nil
}

// cancelled is the error of a call whose context ended.
func cancelled(err error) error {
	return &socialrx.Error{Code: socialrx.CodeUnavailable, Message: "the call's context ended: " + err.Error(), Err: err}
}

// remoteStore is a Store served by a plugin.
type remoteStore struct{ c *Client }

func (r remoteStore) Get(ctx context.Context, kind Kind, id string) (Document, error) {
	var resp pb.GetResponse
	if err := r.c.call(ctx, pb.Store_Get_FullMethodName, &pb.GetRequest{Kind: string(kind), Id: id}, &resp); err != nil {
		return Document{}, err
	}
	return docFromPB(resp.Document), nil
}

func (r remoteStore) Create(ctx context.Context, w Write) (Document, error) {
	var resp pb.CreateResponse
	if err := r.c.call(ctx, pb.Store_Create_FullMethodName, &pb.CreateRequest{Write: writeToPB(w)}, &resp); err != nil {
		return Document{}, err
	}
	return docFromPB(resp.Document), nil
}

func (r remoteStore) Update(ctx context.Context, w Write) (Document, error) {
	var resp pb.UpdateResponse
	if err := r.c.call(ctx, pb.Store_Update_FullMethodName, &pb.UpdateRequest{Write: writeToPB(w)}, &resp); err != nil {
		return Document{}, err
	}
	return docFromPB(resp.Document), nil
}

func (r remoteStore) List(ctx context.Context, q Query) (Page, error) {
	var resp pb.ListResponse
	if err := r.c.call(ctx, pb.Store_List_FullMethodName, &pb.ListRequest{Query: queryToPB(q)}, &resp); err != nil {
		return Page{}, err
	}
	return Page{Documents: docsFromPB(resp.Documents), Next: resp.Next}, nil
}

func (r remoteStore) Events(ctx context.Context, kind Kind, id string, after int64, limit int) ([]Event, error) {
	var resp pb.EventsResponse
	req := &pb.EventsRequest{Kind: string(kind), Id: id, After: after, Limit: int64(limit)}
	if err := r.c.call(ctx, pb.Store_Events_FullMethodName, req, &resp); err != nil {
		return nil, err
	}
	return eventsFromPB(resp.Events), nil
}

func (r remoteStore) LeaseOutbox(ctx context.Context, lease Lease, now time.Time, n int) ([]OutboxMessage, error) {
	var resp pb.LeaseOutboxResponse
	req := &pb.LeaseOutboxRequest{Lease: leaseToPB(lease), Now: ts(now), N: int64(n)}
	if err := r.c.call(ctx, pb.Store_LeaseOutbox_FullMethodName, req, &resp); err != nil {
		return nil, err
	}
	return outboxFromPB(resp.Messages), nil
}

func (r remoteStore) AckOutbox(ctx context.Context, id string, lease Lease, at time.Time) error {
	req := &pb.AckOutboxRequest{Id: id, Lease: leaseToPB(lease), At: ts(at)}
	return r.c.call(ctx, pb.Store_AckOutbox_FullMethodName, req, &pb.AckOutboxResponse{})
}

func (r remoteStore) NackOutbox(ctx context.Context, id string, lease Lease, errMsg string, retryAt time.Time) error {
	req := &pb.NackOutboxRequest{Id: id, Lease: leaseToPB(lease), Error: errMsg, RetryAt: ts(retryAt)}
	return r.c.call(ctx, pb.Store_NackOutbox_FullMethodName, req, &pb.NackOutboxResponse{})
}

func (r remoteStore) OutboxDepth(ctx context.Context) (int, error) {
	var resp pb.OutboxDepthResponse
	if err := r.c.call(ctx, pb.Store_OutboxDepth_FullMethodName, &pb.OutboxDepthRequest{}, &resp); err != nil {
		return 0, err
	}
	return clampInt(resp.Depth), nil
}

func (r remoteStore) DeadLetterOutbox(ctx context.Context, id string, lease Lease, errMsg string, at time.Time) error {
	req := &pb.DeadLetterOutboxRequest{Id: id, Lease: leaseToPB(lease), Error: errMsg, At: ts(at)}
	return r.c.call(ctx, pb.Store_DeadLetterOutbox_FullMethodName, req, &pb.DeadLetterOutboxResponse{})
}

func (r remoteStore) DeadLetters(ctx context.Context, q DeadLetterQuery) (DeadLetterPage, error) {
	var resp pb.DeadLettersResponse
	req := &pb.DeadLettersRequest{Cursor: q.Cursor, Limit: int64(q.Limit)}
	if err := r.c.call(ctx, pb.Store_DeadLetters_FullMethodName, req, &resp); err != nil {
		return DeadLetterPage{}, err
	}
	return DeadLetterPage{Messages: outboxFromPB(resp.Messages), Next: resp.Next}, nil
}

func (r remoteStore) DeadLetterCount(ctx context.Context) (int, error) {
	var resp pb.DeadLetterCountResponse
	if err := r.c.call(ctx, pb.Store_DeadLetterCount_FullMethodName, &pb.DeadLetterCountRequest{}, &resp); err != nil {
		return 0, err
	}
	return clampInt(resp.Count), nil
}

func (r remoteStore) GetOutbox(ctx context.Context, id string) (OutboxMessage, error) {
	var resp pb.GetOutboxResponse
	if err := r.c.call(ctx, pb.Store_GetOutbox_FullMethodName, &pb.GetOutboxRequest{Id: id}, &resp); err != nil {
		return OutboxMessage{}, err
	}
	return outboxFromPB([]*pb.OutboxMessage{resp.Message})[0], nil
}

func (r remoteStore) RedriveOutbox(ctx context.Context, id string, at time.Time) (OutboxMessage, error) {
	var resp pb.RedriveOutboxResponse
	if err := r.c.call(ctx, pb.Store_RedriveOutbox_FullMethodName, &pb.RedriveOutboxRequest{Id: id, At: ts(at)}, &resp); err != nil {
		return OutboxMessage{}, err
	}
	return outboxFromPB([]*pb.OutboxMessage{resp.Message})[0], nil
}

func (r remoteStore) PruneOutbox(ctx context.Context, deliveredBefore, keysBefore time.Time) (Pruned, error) {
	var resp pb.PruneOutboxResponse
	req := &pb.PruneOutboxRequest{DeliveredBefore: ts(deliveredBefore), KeysBefore: ts(keysBefore)}
	if err := r.c.call(ctx, pb.Store_PruneOutbox_FullMethodName, req, &resp); err != nil {
		return Pruned{}, err
	}
	return Pruned{Delivered: clampInt(resp.Delivered), IdempotencyKeys: clampInt(resp.IdempotencyKeys)}, nil
}

func (r remoteStore) LeaseDue(ctx context.Context, kind Kind, lease Lease, now time.Time, n int) ([]Document, error) {
	var resp pb.LeaseDueResponse
	req := &pb.LeaseDueRequest{Kind: string(kind), Lease: leaseToPB(lease), Now: ts(now), N: int64(n)}
	if err := r.c.call(ctx, pb.Store_LeaseDue_FullMethodName, req, &resp); err != nil {
		return nil, err
	}
	return docsFromPB(resp.Documents), nil
}

func (r remoteStore) Erase(ctx context.Context, e Erasure) error {
	req := &pb.EraseRequest{Kind: string(e.Kind), Id: e.ID, Also: docsToPB(e.Also)}
	return r.c.call(ctx, pb.Store_Erase_FullMethodName, req, &pb.EraseResponse{})
}

func (r remoteStore) OutboxAbout(ctx context.Context, id string) ([]OutboxMessage, error) {
	var resp pb.OutboxAboutResponse
	if err := r.c.call(ctx, pb.Store_OutboxAbout_FullMethodName, &pb.OutboxAboutRequest{Id: id}, &resp); err != nil {
		return nil, err
	}
	return outboxFromPB(resp.Messages), nil
}

// Close does nothing; the plugin closes its store when the Client closes.
func (r remoteStore) Close() error { return nil }

// remoteMessenger is a Messenger served by a plugin.
type remoteMessenger struct{ c *Client }

func (r remoteMessenger) Send(ctx context.Context, m Message) (Receipt, error) {
	var resp pb.SendResponse
	if err := r.c.call(ctx, pb.Messenger_Send_FullMethodName, &pb.SendRequest{Message: messageToPB(m)}, &resp); err != nil {
		return Receipt{}, err
	}
	return receiptFromPB(resp.Receipt), nil
}

// remoteClinical is a ClinicalSystem served by a plugin.
type remoteClinical struct{ c *Client }

func (r remoteClinical) RecordEvent(ctx context.Context, e CodedEvent) (string, error) {
	var resp pb.RecordEventResponse
	if err := r.c.call(ctx, pb.ClinicalSystem_RecordEvent_FullMethodName, &pb.RecordEventRequest{Event: codedEventToPB(e)}, &resp); err != nil {
		return "", err
	}
	return resp.Reference, nil
}

func (r remoteClinical) LookupPerson(ctx context.Context, nhsNumber string) (json.RawMessage, error) {
	var resp pb.LookupPersonResponse
	if err := r.c.call(ctx, pb.ClinicalSystem_LookupPerson_FullMethodName, &pb.LookupPersonRequest{NhsNumber: nhsNumber}, &resp); err != nil {
		return nil, err
	}
	return raw(resp.Person), nil
}

func (r remoteClinical) PullReferrals(ctx context.Context, cursor string, limit int) (ReferralBatch, error) {
	var resp pb.PullReferralsResponse
	if err := r.c.call(ctx, pb.ClinicalSystem_PullReferrals_FullMethodName, &pb.PullReferralsRequest{Cursor: cursor, Limit: int64(limit)}, &resp); err != nil {
		return ReferralBatch{}, err
	}
	return ReferralBatch{Referrals: rawsFromPB(resp.Referrals), Cursor: resp.Cursor}, nil
}
