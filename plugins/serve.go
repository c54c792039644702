package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/socialrx/socialrx"
	pb "github.com/socialrx/socialrx/plugins/proto/socialrx/plugin/v1"
)

// The go-plugin handshake. A plugin in another language prints the
// go-plugin handshake line with ProtocolVersion and refuses to run unless
// its environment has MagicCookieKey=MagicCookieValue.
const (
	// ProtocolVersion is the version of the plugin protocol, also the v1 in
	// the protobuf package socialrx.plugin.v1. A host and a plugin of
	// different versions refuse each other.
	ProtocolVersion = 1
	// MagicCookieKey is the environment variable the host sets for a plugin.
	MagicCookieKey = "SOCIALRX_PLUGIN"
	// MagicCookieValue is its value. It only tells a plugin that a socialrx
	// host started it; it is not a secret.
	MagicCookieValue = "socialrx-plugin-7f3b9c2e"
)

// DefaultMaxMessageBytes is the largest gRPC message a host or plugin sends
// or accepts unless configured otherwise.
const DefaultMaxMessageBytes = 4 << 20

// The names of the contracts, as [Client] and the Describe call know them.
const (
	ContractStore     = "store"
	ContractMessenger = "messenger"
	ContractClinical  = "clinical"
)

// pluginName is the one go-plugin plugin a socialrx plugin process serves;
// it carries whichever contracts the ServeConfig sets.
const pluginName = "socialrx"

// handshake is the go-plugin handshake of protocol version 1.
var handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   MagicCookieKey,
	MagicCookieValue: MagicCookieValue,
}

// ServeConfig says which adapters a plugin process serves. Set at least one.
type ServeConfig struct {
	// Store, Messenger and Clinical are the adapters to serve; nil ones are
	// not served.
	Store     Store
	Messenger Messenger
	Clinical  ClinicalSystem
	// MaxMessageBytes bounds each message received or sent; larger ones are
	// refused with invalid. 0 means DefaultMaxMessageBytes.
	MaxMessageBytes int
	// Logger receives the plugin's own log lines, which the host shows in
	// its log. nil logs at info level to stderr, as JSON the host parses.
	Logger hclog.Logger
}

// Serve runs the adapters as a plugin of a socialrx host and returns when
// the host stops the plugin, after closing the adapters (Store.Close, and
// Close of a Messenger or ClinicalSystem that has one). Call it from main:
//
//	func main() {
//		s, err := mystore.Open(os.Getenv("MYSTORE_URL"))
//		if err != nil {
//			log.Fatal(err)
//		}
//		if err := plugins.Serve(plugins.ServeConfig{Store: s}); err != nil {
//			log.Fatal(err)
//		}
//	}
//
// Serve also returns, after closing the adapters, when the host is gone
// without stopping the plugin (killed with SIGKILL, say), which it notices
// within a second by its parent process id changing: a plugin does not
// outlive its host holding files or database connections. (On Linux the
// host also has the kernel kill its plugins when it dies; this is the
// second line, for other systems and for a plugin started through a
// wrapper script.)
//
// Run directly rather than by a host, the program prints that it is a
// plugin and exits with status 1. Serve returns invalid when cfg sets no
// adapter, and the first error of closing the adapters (its code is the
// adapter's).
func Serve(cfg ServeConfig) error {
	srv, err := newServer(cfg)
	if err != nil {
		return err
	}
	defer srv.watchHost(hostCheckEvery)()
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]goplugin.PluginSet{ProtocolVersion: {pluginName: &grpcPlugin{server: srv}}},
		GRPCServer:       srv.newGRPCServer,
		Logger:           srv.logger,
	})
	return srv.close()
}

// server holds what a plugin process serves.
type server struct {
	cfg       ServeConfig
	contracts []string
	maxBytes  int
	logger    hclog.Logger
	// failed holds requests the codec could not decode, until the
	// interceptor answers them with invalid.
	failed sync.Map

	mu       sync.Mutex
	grpc     *grpc.Server // nil until go-plugin asks for it
	hostGone bool
}

// parent is the process that started this one, read as the program
// starts, before main: a plugin's host. (A plugin run through a wrapper
// script has the script as its parent, which dies with the host.)
var parent = os.Getppid()

// hostCheckEvery is how often a plugin checks that its host is alive.
const hostCheckEvery = 500 * time.Millisecond

// watchHost stops the gRPC server, which makes go-plugin's Serve return,
// once the host is gone: when this process's parent is no longer the one
// that started it, because Unix hands an orphan to init or a subreaper. It
// checks at once and then every interval, until the returned stop is
// called. (The end of standard input would not tell: go-plugin gives a
// plugin the host's own standard input, which may be /dev/null from the
// start. Windows keeps the parent's id after it exits: there, this never
// fires.)
func (s *server) watchHost(every time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if ppid := os.Getppid(); ppid != parent {
				s.logger.Warn("the host that started this plugin is gone; stopping", "host_pid", parent, "parent_pid", ppid)
				s.mu.Lock()
				s.hostGone = true
				if s.grpc != nil {
					s.grpc.Stop()
				}
				s.mu.Unlock()
				return
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

func newServer(cfg ServeConfig) (*server, error) {
	s := &server{cfg: cfg, maxBytes: cfg.MaxMessageBytes, logger: cfg.Logger}
	if s.maxBytes <= 0 {
		s.maxBytes = DefaultMaxMessageBytes
	}
	if s.logger == nil {
		s.logger = hclog.New(&hclog.LoggerOptions{Level: hclog.Info, Output: os.Stderr, JSONFormat: true})
	}
	if cfg.Store != nil {
		s.contracts = append(s.contracts, ContractStore)
	}
	if cfg.Messenger != nil {
		s.contracts = append(s.contracts, ContractMessenger)
	}
	if cfg.Clinical != nil {
		s.contracts = append(s.contracts, ContractClinical)
	}
	if len(s.contracts) == 0 {
		return nil, socialrx.Invalid(socialrx.Field("", "a plugin must serve a Store, a Messenger or a ClinicalSystem"))
	}
	return s, nil
}

// newGRPCServer builds the gRPC server with the size limits, the codec
// that turns undecodable requests into invalid, and the interceptor.
func (s *server) newGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	opts = append(opts,
		grpc.MaxRecvMsgSize(s.maxBytes),
		grpc.MaxSendMsgSize(s.maxBytes),
		grpc.ForceServerCodec(serverCodec{s}),
		grpc.ChainUnaryInterceptor(s.intercept),
	)
	g := grpc.NewServer(opts...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grpc = g
	if s.hostGone {
		g.Stop() // its Serve returns at once
	}
	return g
}

// register adds the services to g.
func (s *server) register(g *grpc.Server) {
	pb.RegisterPluginServer(g, describeServer{contracts: s.contracts})
	if s.cfg.Store != nil {
		pb.RegisterStoreServer(g, storeServer{s: s.cfg.Store})
	}
	if s.cfg.Messenger != nil {
		pb.RegisterMessengerServer(g, messengerServer{m: s.cfg.Messenger})
	}
	if s.cfg.Clinical != nil {
		pb.RegisterClinicalSystemServer(g, clinicalServer{c: s.cfg.Clinical})
	}
}

// close closes the adapters.
func (s *server) close() error {
	var errs []error
	if s.cfg.Store != nil {
		errs = append(errs, s.cfg.Store.Close())
	}
	for _, a := range []any{s.cfg.Messenger, s.cfg.Clinical} {
		if c, ok := a.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// protocolPackage is the protobuf package of the plugin protocol.
const protocolPackage protoreflect.FullName = "socialrx.plugin.v1"

// ours reports whether m belongs to the plugin protocol (rather than to the
// health, broker and stdio services go-plugin adds).
func ours(m proto.Message) bool {
	return m.ProtoReflect().Descriptor().ParentFile().Package() == protocolPackage
}

// serverCodec is the protobuf codec, except that a request of the plugin
// protocol that does not decode is remembered instead of failing the call
// with internal, so that the interceptor can refuse it as invalid.
type serverCodec struct{ s *server }

func (c serverCodec) Marshal(v any) ([]byte, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("plugins: cannot marshal %T", v)
	}
	return proto.Marshal(m)
}

func (c serverCodec) Unmarshal(data []byte, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("plugins: cannot unmarshal into %T", v)
	}
	err := proto.Unmarshal(data, m)
	if err != nil && ours(m) {
		c.s.failed.Store(m, err)
		return nil
	}
	return err
}

func (serverCodec) Name() string { return "proto" }

// intercept refuses malformed requests of the plugin protocol with invalid
// before an adapter sees them, and turns an adapter's panic into internal.
func (s *server) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	m, ok := req.(proto.Message)
	if !ok || !ours(m) {
		return handler(ctx, req)
	}
	if derr, failed := s.failed.LoadAndDelete(m); failed {
		return nil, toStatus(socialrx.Invalid(socialrx.Field("",
			"is not a well-formed %s message: %v", m.ProtoReflect().Descriptor().FullName(), derr)))
	}
	if err := checkMessage(m, true); err != nil {
		return nil, toStatus(err)
	}
	defer func() {
		if p := recover(); p != nil {
			s.logger.Error("adapter panicked", "method", info.FullMethod, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp, err = nil, toStatus(socialrx.Errorf(socialrx.CodeInternal, "plugin panicked in %s: %v", info.FullMethod, p))
		}
	}()
	return handler(ctx, req)
}

// grpcPlugin is the go-plugin side of the protocol: it registers the
// services in the plugin process and hands the host the connection.
type grpcPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	server *server // nil in the host
}

func (p *grpcPlugin) GRPCServer(_ *goplugin.GRPCBroker, g *grpc.Server) error {
	if p.server == nil {
		return errors.New("plugins: the host side cannot serve")
	}
	p.server.register(g)
	return nil
}

func (p *grpcPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return conn, nil
}

type describeServer struct {
	pb.UnimplementedPluginServer
	contracts []string
}

func (d describeServer) Describe(context.Context, *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	return &pb.DescribeResponse{Contracts: d.contracts}, nil
}

// storeServer serves a Store.
type storeServer struct {
	pb.UnimplementedStoreServer
	s Store
}

func (g storeServer) Get(ctx context.Context, r *pb.GetRequest) (*pb.GetResponse, error) {
	d, err := g.s.Get(ctx, Kind(r.Kind), r.Id)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetResponse{Document: docToPB(d)}, nil
}

func (g storeServer) Create(ctx context.Context, r *pb.CreateRequest) (*pb.CreateResponse, error) {
	d, err := g.s.Create(ctx, writeFromPB(r.Write))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.CreateResponse{Document: docToPB(d)}, nil
}

func (g storeServer) Update(ctx context.Context, r *pb.UpdateRequest) (*pb.UpdateResponse, error) {
	d, err := g.s.Update(ctx, writeFromPB(r.Write))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.UpdateResponse{Document: docToPB(d)}, nil
}

func (g storeServer) List(ctx context.Context, r *pb.ListRequest) (*pb.ListResponse, error) {
	p, err := g.s.List(ctx, queryFromPB(r.Query))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.ListResponse{Documents: docsToPB(p.Documents), Next: p.Next}, nil
}

func (g storeServer) Events(ctx context.Context, r *pb.EventsRequest) (*pb.EventsResponse, error) {
	es, err := g.s.Events(ctx, Kind(r.Kind), r.Id, r.After, clampInt(r.Limit))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.EventsResponse{Events: eventsToPB(es)}, nil
}

func (g storeServer) LeaseOutbox(ctx context.Context, r *pb.LeaseOutboxRequest) (*pb.LeaseOutboxResponse, error) {
	ms, err := g.s.LeaseOutbox(ctx, leaseFromPB(r.Lease), fromTS(r.Now), clampInt(r.N))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.LeaseOutboxResponse{Messages: outboxToPB(ms)}, nil
}

func (g storeServer) AckOutbox(ctx context.Context, r *pb.AckOutboxRequest) (*pb.AckOutboxResponse, error) {
	if err := g.s.AckOutbox(ctx, r.Id, leaseFromPB(r.Lease), fromTS(r.At)); err != nil {
		return nil, toStatus(err)
	}
	return &pb.AckOutboxResponse{}, nil
}

func (g storeServer) NackOutbox(ctx context.Context, r *pb.NackOutboxRequest) (*pb.NackOutboxResponse, error) {
	if err := g.s.NackOutbox(ctx, r.Id, leaseFromPB(r.Lease), r.Error, fromTS(r.RetryAt)); err != nil {
		return nil, toStatus(err)
	}
	return &pb.NackOutboxResponse{}, nil
}

func (g storeServer) OutboxDepth(ctx context.Context, _ *pb.OutboxDepthRequest) (*pb.OutboxDepthResponse, error) {
	n, err := g.s.OutboxDepth(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.OutboxDepthResponse{Depth: int64(n)}, nil
}

func (g storeServer) DeadLetterOutbox(ctx context.Context, r *pb.DeadLetterOutboxRequest) (*pb.DeadLetterOutboxResponse, error) {
	if err := g.s.DeadLetterOutbox(ctx, r.Id, leaseFromPB(r.Lease), r.Error, fromTS(r.At)); err != nil {
		return nil, toStatus(err)
	}
	return &pb.DeadLetterOutboxResponse{}, nil
}

func (g storeServer) DeadLetters(ctx context.Context, r *pb.DeadLettersRequest) (*pb.DeadLettersResponse, error) {
	p, err := g.s.DeadLetters(ctx, DeadLetterQuery{Cursor: r.Cursor, Limit: clampInt(r.Limit)})
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.DeadLettersResponse{Messages: outboxToPB(p.Messages), Next: p.Next}, nil
}

func (g storeServer) DeadLetterCount(ctx context.Context, _ *pb.DeadLetterCountRequest) (*pb.DeadLetterCountResponse, error) {
	n, err := g.s.DeadLetterCount(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.DeadLetterCountResponse{Count: int64(n)}, nil
}

func (g storeServer) GetOutbox(ctx context.Context, r *pb.GetOutboxRequest) (*pb.GetOutboxResponse, error) {
	m, err := g.s.GetOutbox(ctx, r.Id)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.GetOutboxResponse{Message: outboxToPB([]OutboxMessage{m})[0]}, nil
}

func (g storeServer) RedriveOutbox(ctx context.Context, r *pb.RedriveOutboxRequest) (*pb.RedriveOutboxResponse, error) {
	m, err := g.s.RedriveOutbox(ctx, r.Id, fromTS(r.At))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.RedriveOutboxResponse{Message: outboxToPB([]OutboxMessage{m})[0]}, nil
}

func (g storeServer) PruneOutbox(ctx context.Context, r *pb.PruneOutboxRequest) (*pb.PruneOutboxResponse, error) {
	p, err := g.s.PruneOutbox(ctx, fromTS(r.DeliveredBefore), fromTS(r.KeysBefore))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PruneOutboxResponse{Delivered: int64(p.Delivered), IdempotencyKeys: int64(p.IdempotencyKeys)}, nil
}

func (g storeServer) LeaseDue(ctx context.Context, r *pb.LeaseDueRequest) (*pb.LeaseDueResponse, error) {
	ds, err := g.s.LeaseDue(ctx, Kind(r.Kind), leaseFromPB(r.Lease), fromTS(r.Now), clampInt(r.N))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.LeaseDueResponse{Documents: docsToPB(ds)}, nil
}

func (g storeServer) Erase(ctx context.Context, r *pb.EraseRequest) (*pb.EraseResponse, error) {
	if err := g.s.Erase(ctx, Erasure{Kind: Kind(r.Kind), ID: r.Id, Also: docsFromPB(r.Also)}); err != nil {
		return nil, toStatus(err)
	}
	return &pb.EraseResponse{}, nil
}

func (g storeServer) OutboxAbout(ctx context.Context, r *pb.OutboxAboutRequest) (*pb.OutboxAboutResponse, error) {
	ms, err := g.s.OutboxAbout(ctx, r.Id)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.OutboxAboutResponse{Messages: outboxToPB(ms)}, nil
}

// messengerServer serves a Messenger.
type messengerServer struct {
	pb.UnimplementedMessengerServer
	m Messenger
}

func (g messengerServer) Send(ctx context.Context, r *pb.SendRequest) (*pb.SendResponse, error) {
	rc, err := g.m.Send(ctx, messageFromPB(r.Message))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.SendResponse{Receipt: receiptToPB(rc)}, nil
}

// clinicalServer serves a ClinicalSystem.
type clinicalServer struct {
	pb.UnimplementedClinicalSystemServer
	c ClinicalSystem
}

func (g clinicalServer) RecordEvent(ctx context.Context, r *pb.RecordEventRequest) (*pb.RecordEventResponse, error) {
	ref, err := g.c.RecordEvent(ctx, codedEventFromPB(r.Event))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.RecordEventResponse{Reference: ref}, nil
}

func (g clinicalServer) LookupPerson(ctx context.Context, r *pb.LookupPersonRequest) (*pb.LookupPersonResponse, error) {
	p, err := g.c.LookupPerson(ctx, r.NhsNumber)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.LookupPersonResponse{Person: p}, nil
}

func (g clinicalServer) PullReferrals(ctx context.Context, r *pb.PullReferralsRequest) (*pb.PullReferralsResponse, error) {
	b, err := g.c.PullReferrals(ctx, r.Cursor, clampInt(r.Limit))
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.PullReferralsResponse{Referrals: rawsToPB(b.Referrals), Cursor: b.Cursor}, nil
}
