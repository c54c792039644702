// The tests of the Python plugin: the Messenger conformance suite and the
// go-plugin behaviours (AutoMTLS, errors with their socialrx detail, clean
// exits) through the real Python process, and a benchmark of Send through
// it and through the Go devlog plugin.
package pythonplugin_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health/grpc_health_v1"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/devlog"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

// script is the plugin: a Python program with a #! line.
const script = "spool_messenger.py"

// requireEnv is set by .ci/run, where the Debian packages are installed:
// there a missing package fails the tests instead of skipping them.
const requireEnv = "SOCIALRX_REQUIRE_PYTHON_PLUGIN"

// python skips tb unless /usr/bin/python3 has the packages the plugin
// uses (fails it instead when requireEnv is set).
func python(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("starts Python processes; skipped with -short")
	}
	out, err := exec.Command("/usr/bin/python3", "-c", "import grpc, google.protobuf, cryptography").CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("the Python plugin needs Debian's python3-grpcio, python3-protobuf and python3-cryptography "+
		"(apt-get install python3-grpcio python3-protobuf python3-cryptography): %v: %s", err, out)
	if os.Getenv(requireEnv) != "" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// launch starts the Python plugin writing to the spool file at path.
func launch(tb testing.TB, path string, tune func(*plugins.ClientConfig)) (*plugins.Client, plugins.Messenger) {
	tb.Helper()
	python(tb)
	bin, sum := plugintest.Executable(tb, script)
	cfg := plugins.ClientConfig{Path: bin, SHA256: sum, Args: []string{"--spool", path}, Logger: hclog.NewNullLogger()}
	if tune != nil {
		tune(&cfg)
	}
	c := plugintest.LaunchPlugin(tb, cfg)
	m, err := c.Messenger()
	require.NoError(tb, err)
	return c, m
}

// The Messenger conformance suite through the Python process, over the
// host's gRPC client with AutoMTLS: one process and spool per subtest.
func TestConformance(t *testing.T) {
	plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger {
		_, m := launch(t, filepath.Join(t.TempDir(), "spool.jsonl"), nil)
		return m
	})
}

// An error raised in Python reaches the host as the same socialrx.Error a
// Go plugin would send: code, message and every field, in order.
func TestErrorsKeepCodeAndFields(t *testing.T) {
	_, m := launch(t, filepath.Join(t.TempDir(), "spool.jsonl"), nil)
	tests := []struct {
		name   string
		msg    plugins.Message
		code   socialrx.Code
		fields []socialrx.FieldError
		text   string
	}{
		{"every bad field", plugins.Message{Channel: "pigeon", To: plugins.Recipient{Role: "landlord"}},
			socialrx.CodeInvalid, []socialrx.FieldError{
				{Path: "/idempotency_key", Rule: "is required"},
				{Path: "/to/role", Rule: "must be link_worker, partner, referrer or person"},
				{Path: "/channel", Rule: "must be email, sms, letter or event"},
			}, ""},
		{"no address", plugins.Message{IdempotencyKey: "k-1", Channel: plugins.ChannelSMS, To: plugins.Recipient{Role: plugins.RolePerson}},
			socialrx.CodeInvalid, []socialrx.FieldError{{Path: "/to/address", Rule: "is required for sms"}}, ""},
		{"do not contact", plugins.Message{IdempotencyKey: "k-2", Channel: plugins.ChannelSMS,
			To: plugins.Recipient{Role: plugins.RolePerson, ID: "p-7", Address: "+447700900123", DoNotContact: true}},
			socialrx.CodeForbidden, nil, "person p-7 asked not to be contacted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Send(t.Context(), tc.msg)
			require.Error(t, err)
			assert.Equal(t, tc.code, socialrx.ErrorCode(err), "%v", err)
			assert.Equal(t, tc.fields, socialrx.ErrorFields(err))
			assert.Contains(t, err.Error(), tc.text)
		})
	}
}

// A message sent through the plugin is in the spool once, and sending it
// again after the plugin crashed and was relaunched returns the first
// receipt. The spool's lines are those of package devlog.
func TestIdempotentAcrossCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spool.jsonl")
	c, m := launch(t, path, func(cfg *plugins.ClientConfig) {
		cfg.HealthInterval = 50 * time.Millisecond
		cfg.MinBackoff = 10 * time.Millisecond
	})
	msg := plugins.Message{
		IdempotencyKey: "r-1/accepted", Channel: plugins.ChannelEmail, Subject: "Referral accepted", Event: "referral.accepted",
		To:   plugins.Recipient{Role: plugins.RoleReferrer, ID: "dr-1", Address: "gp@example.org"},
		Data: json.RawMessage(`{"referral_id":"r-1"}`),
	}
	first, err := m.Send(t.Context(), msg)
	require.NoError(t, err)
	assert.False(t, first.Duplicate)
	assert.True(t, strings.HasPrefix(first.ID, "spool-"), first.ID)

	pid := c.Status().PID
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	require.Eventually(t, func() bool {
		st := c.Status()
		return st.Up && st.PID != pid
	}, time.Minute, 10*time.Millisecond, "the plugin is relaunched")

	again, err := m.Send(t.Context(), msg)
	require.NoError(t, err)
	assert.True(t, again.Duplicate)
	assert.Equal(t, first.ID, again.ID)
	assert.WithinDuration(t, first.At, again.At, time.Microsecond)

	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	entries, err := devlog.ReadLog(f)
	require.NoError(t, err)
	require.Len(t, entries, 1, "written once")
	assert.Equal(t, first.ID, entries[0].ReceiptID)
	assert.Equal(t, msg.To, entries[0].Message.To)
	assert.JSONEq(t, string(msg.Data), string(entries[0].Message.Data))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the spool holds addresses: private")
}

// Closing the client stops the plugin through go-plugin's controller: it
// exits by itself, well before go-plugin would kill it (after 2s), and
// says nothing alarming on the way.
func TestCloseStopsPluginGracefully(t *testing.T) {
	var logs syncBuffer
	c, m := launch(t, filepath.Join(t.TempDir(), "spool.jsonl"), func(cfg *plugins.ClientConfig) {
		cfg.Logger = hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Debug})
	})
	_, err := m.Send(t.Context(), plugins.Message{IdempotencyKey: "k", Channel: plugins.ChannelEvent, Event: "x.y",
		To: plugins.Recipient{Role: plugins.RoleLinkWorker}})
	require.NoError(t, err)
	pid := c.Status().PID
	start := time.Now()
	require.NoError(t, c.Close())
	assert.Less(t, time.Since(start), 2*time.Second, "stopped gracefully, not killed after go-plugin's 2s")
	assert.False(t, running(pid))
	out := logs.String()
	assert.Contains(t, out, "the host asked the plugin to stop", "the plugin's own log line reached the host")
	assert.NotContains(t, out, "failed to exit gracefully")
	assert.NotContains(t, out, "stdio service not available")
}

// The second line of defence when the host dies without the kernel killing
// the plugin (here a shell that started it, as a wrapper script would): the
// plugin notices that its parent is gone, stops and cleans up its socket.
func TestStopsWhenParentIsGone(t *testing.T) {
	python(t)
	sh := exec.Command("sh", "-c", `"$0" --spool "$1" & echo $!; wait`, "./"+script, filepath.Join(t.TempDir(), "spool.jsonl"))
	sh.Env = append(os.Environ(), plugins.MagicCookieKey+"="+plugins.MagicCookieValue, "PLUGIN_PROTOCOL_VERSIONS=1")
	out, err := sh.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, sh.Start())
	t.Cleanup(func() { _ = sh.Process.Kill(); _ = sh.Wait() })
	sc := bufio.NewScanner(out)
	require.True(t, sc.Scan())
	pid, err := strconv.Atoi(sc.Text())
	require.NoError(t, err)
	t.Cleanup(func() {
		if running(pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	require.True(t, sc.Scan(), "the plugin's handshake line")
	parts := strings.Split(sc.Text(), "|")
	require.Len(t, parts, 6, sc.Text())
	assert.Equal(t, []string{"1", "1", "unix"}, parts[:3])
	assert.Equal(t, "grpc", parts[4])
	socket := parts[3]
	require.FileExists(t, socket)

	require.NoError(t, sh.Process.Signal(syscall.SIGKILL))
	killed := time.Now()
	_ = sh.Wait()
	require.Eventually(t, func() bool { return !running(pid) }, 10*time.Second, 5*time.Millisecond, "plugin %d outlived its parent", pid)
	t.Logf("plugin %d gone %v after its parent was killed", pid, time.Since(killed).Round(time.Millisecond))
	assert.NoDirExists(t, filepath.Dir(socket), "the plugin removed its socket as it stopped")
}

// AutoMTLS as go-plugin does it: the plugin trusts only the certificate the
// host put in PLUGIN_CLIENT_CERT, and its handshake line carries its own
// self-signed certificate, the only one the host then trusts.
func TestAutoMTLS(t *testing.T) {
	python(t)
	hostCert := selfSigned(t)
	cmd := exec.Command("./"+script, "--spool", filepath.Join(t.TempDir(), "spool.jsonl"))
	cmd.Env = append(os.Environ(), plugins.MagicCookieKey+"="+plugins.MagicCookieValue, "PLUGIN_PROTOCOL_VERSIONS=1",
		"PLUGIN_CLIENT_CERT="+string(hostCert.pem))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	require.True(t, sc.Scan(), "the handshake line")
	parts := strings.Split(sc.Text(), "|")
	require.Len(t, parts, 6, sc.Text())
	der, err := base64.RawStdEncoding.DecodeString(parts[5])
	require.NoError(t, err, "the certificate is base64 without padding, as go-plugin reads it")
	pluginCert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	assert.Contains(t, pluginCert.DNSNames, "localhost")
	roots := x509.NewCertPool()
	roots.AddCert(pluginCert)

	check := func(cfg *tls.Config) error {
		conn, err := grpc.NewClient("unix:"+parts[3], grpc.WithTransportCredentials(credentials.NewTLS(cfg)))
		require.NoError(t, err)
		defer conn.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, err = grpc_health_v1.NewHealthClient(conn).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: "plugin"})
		return err
	}
	host := &tls.Config{Certificates: []tls.Certificate{hostCert.pair}, RootCAs: roots, ServerName: "localhost", MinVersion: tls.VersionTLS12}
	require.NoError(t, check(host), "the host with its certificate is served, over TLS 1.2+ with ALPN h2")

	stranger := host.Clone()
	stranger.Certificates = []tls.Certificate{selfSigned(t).pair}
	assert.Error(t, check(stranger), "another client certificate is refused")
	anonymous := host.Clone()
	anonymous.Certificates = nil
	assert.Error(t, check(anonymous), "a client without a certificate is refused")
	impostor := host.Clone()
	impostor.RootCAs = x509.NewCertPool()
	impostor.RootCAs.AddCert(selfSigned(t).cert)
	assert.Error(t, check(impostor), "the plugin's certificate is the one in the handshake line")
}

// cert is a self-signed certificate as go-plugin makes for AutoMTLS.
type cert struct {
	pem  []byte
	cert *x509.Certificate
	pair tls.Certificate
}

func selfSigned(t *testing.T) cert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	require.NoError(t, err)
	c, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	pair, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	require.NoError(t, err)
	return cert{pem: certPEM, cert: c, pair: pair}
}

// The tour's config.python.json is the tour's config.json with the Python
// plugin as its messenger, pinned by the SHA-256 of the script as it is
// now: change the script, and this test tells you the new sum.
func TestTourConfig(t *testing.T) {
	const tour = "../tour"
	plain, err := config.Load(filepath.Join(tour, "config.json"))
	require.NoError(t, err)
	py, err := config.Load(filepath.Join(tour, "config.python.json"))
	require.NoError(t, err)
	require.NotNil(t, py.Messenger.Plugin, "config.python.json has a messenger plugin")
	p := *py.Messenger.Plugin
	assert.Equal(t, "../python-plugin/"+script, p.Path, "the path from examples/tour, where the tour runs")
	_, sum := plugintest.Executable(t, filepath.Join(tour, p.Path))
	assert.Equal(t, sum, p.SHA256, "update the sha256 of config.python.json to the script's")
	assert.Equal(t, []string{"--spool", plain.Messenger.Log}, p.Args, "the spool is the tour's messages file")
	py.Messenger = plain.Messenger
	assert.Equal(t, plain, py, "config.python.json differs from config.json only in its messenger")
}

// generator skips t unless the tools generate.sh needs are installed
// (fails it instead when requireEnv is set).
func generator(t *testing.T) {
	t.Helper()
	for _, probe := range [][]string{{"protoc", "--version"}, {"/usr/bin/python3", "-c", "import grpc_tools.protoc"}} {
		if out, err := exec.Command(probe[0], probe[1:]...).CombinedOutput(); err != nil {
			msg := fmt.Sprintf("generate.sh needs protobuf-compiler and python3-grpc-tools: %v %v: %s", probe, err, out)
			if os.Getenv(requireEnv) != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
}

// The committed gen/ is what generate.sh makes from the .proto files now;
// a change to plugins/proto without regenerating fails here. Regenerate
// with examples/python-plugin/generate.sh.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: not regenerating")
	}
	generator(t)
	out := t.TempDir()
	b, err := exec.Command("bash", "generate.sh", out).CombinedOutput()
	require.NoError(t, err, "generate.sh: %s", b)
	var fresh, committed []string
	for dir, list := range map[string]*[]string{out: &fresh, "gen": &committed} {
		require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(path) != ".py" {
				return err
			}
			rel, err := filepath.Rel(dir, path)
			*list = append(*list, rel)
			return err
		}))
	}
	require.ElementsMatch(t, fresh, committed, "the files of gen/: run examples/python-plugin/generate.sh")
	for _, rel := range fresh {
		want, err := os.ReadFile(filepath.Join(out, rel))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join("gen", rel))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "gen/%s is stale: run examples/python-plugin/generate.sh and commit", rel)
	}
}

// BenchmarkSend sends messages through the Python plugin and through the
// Go devlog plugin, both as plugin processes over the host's gRPC client
// (AutoMTLS, a JSON line written and fsynced per message), so the
// difference is the language and its gRPC runtime.
func BenchmarkSend(b *testing.B) {
	for _, name := range []string{"python", "go-devlog"} {
		b.Run(name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "spool.jsonl")
			var m plugins.Messenger
			if name == "python" {
				_, m = launch(b, path, nil)
			} else {
				bin, sum := plugintest.BuildPlugin(b, "../devlog-plugin")
				c := plugintest.LaunchPlugin(b, plugins.ClientConfig{Path: bin, SHA256: sum, Args: []string{"-log", path}, Logger: hclog.NewNullLogger()})
				var err error
				m, err = c.Messenger()
				require.NoError(b, err)
			}
			msg := plugins.Message{Channel: plugins.ChannelSMS, Body: "Your link worker will call you on Tuesday.",
				To: plugins.Recipient{Role: plugins.RolePerson, ID: "p-1", Name: "Ada", Address: "+447700900123"}}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				msg.IdempotencyKey = "bench-" + strconv.Itoa(i)
				if _, err := m.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// running reports whether pid is a live process: neither gone nor a zombie.
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+1:]))
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// syncBuffer is a buffer a logger writes while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
