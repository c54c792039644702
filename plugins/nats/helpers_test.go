package nats_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/nats"
)

// URLEnv names the environment variable with the test NATS server's URL.
const URLEnv = "SOCIALRX_NATS_URL"

// natsURL returns the test server's URL, or skips tb when none is set.
func natsURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(URLEnv)
	if u == "" {
		tb.Skip(URLEnv + " is not set: point it at a NATS server with JetStream, such as " +
			"nats://127.0.0.1:4222, to run the NATS messenger tests")
	}
	return u
}

// freshConfig returns a config with a stream and subject prefix no other
// test uses; the stream is deleted when tb ends.
func freshConfig(tb testing.TB) nats.Config {
	tb.Helper()
	u := natsURL(tb)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	cfg := nats.Config{URL: u, Stream: "SOCIALRX_TEST_" + strings.ToUpper(id), Prefix: "socialrx-test-" + id + ".socialrx",
		DuplicateWindow: time.Hour, MaxAge: 2 * time.Hour}
	tb.Cleanup(func() {
		js := jsFor(tb, u)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := js.DeleteStream(ctx, cfg.Stream); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			tb.Errorf("delete stream %s: %v", cfg.Stream, err)
		}
	})
	return cfg
}

// openWith opens a messenger, closed when tb ends.
func openWith(tb testing.TB, cfg nats.Config) *nats.Messenger {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := nats.Open(ctx, cfg)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = m.Close() })
	return m
}

// jsFor connects a plain JetStream client, as a subscriber would.
func jsFor(tb testing.TB, u string) jetstream.JetStream {
	tb.Helper()
	nc, err := natsgo.Connect(u)
	require.NoError(tb, err)
	tb.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(tb, err)
	return js
}

// proxy forwards TCP connections to a NATS server and can cut them all, to
// play a network outage.
type proxy struct {
	addr, upstream string
	mu             sync.Mutex
	ln             net.Listener
	conns          []net.Conn
}

// newProxy starts a proxy to the server of natsURL on a free port.
func newProxy(tb testing.TB, upstream string) *proxy {
	tb.Helper()
	p := &proxy{upstream: strings.TrimPrefix(upstream, "nats://")}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	p.addr = ln.Addr().String()
	p.serve(ln)
	tb.Cleanup(p.down)
	return p
}

// URL is the proxy's NATS URL.
func (p *proxy) URL() string { return "nats://" + p.addr }

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.upstream)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// down closes the listener and every forwarded connection.
func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// up listens again on the same address.
func (p *proxy) up(tb testing.TB) {
	tb.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(tb, err)
	p.serve(ln)
}
