package devlog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/devlog"
	"github.com/socialrx/socialrx/plugins/plugintest"
)

func open(t *testing.T, path string) *devlog.Messenger {
	t.Helper()
	m, err := devlog.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func TestMessengerConformance(t *testing.T) {
	plugintest.TestMessenger(t, func(t *testing.T) plugins.Messenger {
		return open(t, filepath.Join(t.TempDir(), "messages.jsonl"))
	})
}

func email(key string) plugins.Message {
	return plugins.Message{
		IdempotencyKey: key, Channel: plugins.ChannelEmail, Subject: "Referral accepted",
		To: plugins.Recipient{Role: plugins.RoleReferrer, Address: "gp@example.org"},
	}
}

func readLog(t *testing.T, path string) []devlog.Entry {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	es, err := devlog.ReadLog(f)
	require.NoError(t, err)
	return es
}

func TestWritesOneLinePerKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "messages.jsonl")
	m := open(t, path)
	ctx := context.Background()
	r1, err := m.Send(ctx, email("a"))
	require.NoError(t, err)
	_, err = m.Send(ctx, email("a"))
	require.NoError(t, err)
	_, err = m.Send(ctx, email("b"))
	require.NoError(t, err)
	_, err = m.Send(ctx, plugins.Message{IdempotencyKey: "c", Channel: plugins.ChannelSMS, To: plugins.Recipient{Role: plugins.RolePerson, Address: "+447700900123", DoNotContact: true}})
	assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err))

	es := readLog(t, path)
	require.Len(t, es, 2, "a duplicate and a refused message write nothing")
	assert.Equal(t, r1.ID, es[0].ReceiptID)
	assert.Equal(t, email("a"), es[0].Message)
	assert.Equal(t, "b", es[1].Message.IdempotencyKey)
	assert.Equal(t, time.UTC, es[0].At.Location())
}

func TestIdempotentAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "messages.jsonl")
	ctx := context.Background()
	m, err := devlog.Open(path)
	require.NoError(t, err)
	first, err := m.Send(ctx, email("a"))
	require.NoError(t, err)
	require.NoError(t, m.Close())
	_, err = m.Send(ctx, email("z"))
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "a closed messenger")

	m = open(t, path)
	again, err := m.Send(ctx, email("a"))
	require.NoError(t, err)
	assert.True(t, again.Duplicate)
	assert.Equal(t, first.ID, again.ID)
	assert.True(t, first.At.Equal(again.At))
	assert.Len(t, readLog(t, path), 1)
}

func TestOpenRepairsTail(t *testing.T) {
	ctx := context.Background()
	cases := map[string]struct {
		tail     func(whole string) string
		keysKept []string
	}{
		"torn line is cut off":       {func(w string) string { return w[:len(w)/2] }, []string{"a"}},
		"whole line without newline": {func(w string) string { return strings.TrimSuffix(w, "\n") }, []string{"a", "b"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			// Write two entries, then damage the second.
			src := filepath.Join(dir, "src.jsonl")
			m := open(t, src)
			_, err := m.Send(ctx, email("a"))
			require.NoError(t, err)
			_, err = m.Send(ctx, email("b"))
			require.NoError(t, err)
			data, err := os.ReadFile(src)
			require.NoError(t, err)
			lines := strings.SplitAfter(string(data), "\n")
			path := filepath.Join(dir, "damaged.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(lines[0]+c.tail(lines[1])), 0o600))

			m = open(t, path)
			for _, k := range []string{"a", "b"} {
				r, err := m.Send(ctx, email(k))
				require.NoError(t, err)
				assert.Equal(t, contains(c.keysKept, k), r.Duplicate, "key %s", k)
			}
			es := readLog(t, path)
			require.Len(t, es, 2, "the file is whole again, one line per key")
			assert.Equal(t, "a", es[0].Message.IdempotencyKey)
			assert.Equal(t, "b", es[1].Message.IdempotencyKey)
		})
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestOpenRefusesCorruptLog(t *testing.T) {
	good := `{"receipt_id":"r1","at":"2026-01-02T03:04:05Z","message":{"idempotency_key":"a","to":{"role":"person"},"channel":"event","event":"x"}}`
	cases := map[string]struct {
		log  string
		path string
	}{
		"garbage":            {good + "\nnot json\n", "/1"},
		"unknown field":      {`{"receipt_id":"r1","at":"2026-01-02T03:04:05Z","message":{"idempotency_key":"a"},"extra":1}` + "\n", "/0"},
		"no receipt":         {`{"at":"2026-01-02T03:04:05Z","message":{"idempotency_key":"a"}}` + "\n", "/0"},
		"no key":             {`{"receipt_id":"r1","at":"2026-01-02T03:04:05Z","message":{}}` + "\n", "/0"},
		"no time":            {`{"receipt_id":"r1","message":{"idempotency_key":"a"}}` + "\n", "/0"},
		"two values":         {good + good + "\n", "/0"},
		"after a blank line": {good + "\n\n[1]\n", "/2"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "log.jsonl")
			require.NoError(t, os.WriteFile(path, []byte(c.log), 0o600))
			_, err := devlog.Open(path)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			_, err = devlog.ReadLog(strings.NewReader(c.log))
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			require.Len(t, socialrx.ErrorFields(err), 1)
			assert.Equal(t, c.path, socialrx.ErrorFields(err)[0].Path, "the line at fault")
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, c.log, string(after), "a refused file is left as it was")
		})
	}
}

func TestOpenUnavailable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err := devlog.Open(filepath.Join(file, "log.jsonl"))
	assert.Equal(t, socialrx.CodeUnavailable, socialrx.ErrorCode(err), "%v", err)
}

func FuzzReadLog(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("\n\n"))
	f.Add([]byte(`{"receipt_id":"r1","at":"2026-01-02T03:04:05Z","message":{"idempotency_key":"a","to":{"role":"person","address":"x"},"channel":"sms","body":"hi"}}` + "\n"))
	f.Add([]byte(`{"receipt_id":"r1","at":"2026-01-02T03:04:05.123456789+01:00","message":{"idempotency_key":"a","data":{"x":[1,2]}}}` + "\n{\"receipt_id\":"))
	f.Add([]byte("not json\n"))
	f.Add([]byte(`{"receipt_id":"r1","at":"2026-01-02T03:04:05Z","message":{"idempotency_key":"a"}}{}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := devlog.ReadLog(bytes.NewReader(data))
		if err != nil {
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			require.Len(t, socialrx.ErrorFields(err), 1)
			return
		}
		// What was read writes back and reads again the same.
		var buf bytes.Buffer
		for _, e := range es {
			require.NotEmpty(t, e.ReceiptID)
			require.NotEmpty(t, e.Message.IdempotencyKey)
			b, err := json.Marshal(e)
			require.NoError(t, err)
			buf.Write(b)
			buf.WriteByte('\n')
		}
		again, err := devlog.ReadLog(&buf)
		require.NoError(t, err)
		require.Len(t, again, len(es))
		for i := range es {
			assert.Equal(t, es[i].ReceiptID, again[i].ReceiptID)
			assert.True(t, es[i].At.Equal(again[i].At))
			assert.Equal(t, es[i].Message.IdempotencyKey, again[i].Message.IdempotencyKey)
		}
	})
}
