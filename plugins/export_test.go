package plugins

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
)

// NewPipe serves cfg's adapters on a gRPC server inside the test process,
// with the plugin's codec, interceptor and size limits, and returns a
// Client talking to it over an in-memory connection. It exercises the wire
// (conversions, error mapping, limits) without a plugin process.
func NewPipe(t testing.TB, cfg ServeConfig, ccfg ClientConfig) *Client {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	srv, err := newServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	gs := srv.newGRPCServer(nil)
	srv.register(gs)
	lis := bufconn.Listen(1 << 20)
	go func() { _ = gs.Serve(lis) }()

	if ccfg.Path == "" {
		ccfg.Path = "pipe"
	}
	ccfg = withDefaults(ccfg)
	conn, err := grpc.NewClient("passthrough:///pipe",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(ccfg.MaxMessageBytes), grpc.MaxCallSendMsgSize(ccfg.MaxMessageBytes)),
	)
	if err != nil {
		t.Fatal(err)
	}
	g := &generation{conn: conn, started: time.Now()}
	g.ctx, g.cancel = context.WithCancelCause(context.Background())
	c := &Client{cfg: ccfg, kick: make(chan struct{}, 1), done: make(chan struct{}), gen: g, contracts: srv.contracts}
	t.Cleanup(func() {
		_ = c.Close()
		gs.Stop()
		_ = srv.close()
	})
	return c
}

// rawCodec sends bytes as they are.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return *(v.(*[]byte)), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

// InvokeRaw sends body as the request of method over c's connection, as a
// broken or hostile host would, and returns the error mapped as a call's.
func InvokeRaw(ctx context.Context, c *Client, method string, body []byte) error {
	g, err := c.current()
	if err != nil {
		return err
	}
	var out []byte
	if err := g.conn.Invoke(ctx, method, &body, &out, grpc.ForceCodec(rawCodec{})); err != nil {
		return fromStatus(err)
	}
	return nil
}

// MarkDown takes the pipe's connection out of service as the supervisor
// does when a plugin dies, failing the calls in flight.
func MarkDown(c *Client, cause error) {
	c.mu.Lock()
	g := c.gen
	c.gen, c.lastErr = nil, cause
	c.mu.Unlock()
	if g != nil {
		g.cancel(cause)
		_ = g.conn.Close()
	}
}
