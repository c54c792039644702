package plugintest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
)

// TimeTolerance is how far a time read back from an adapter may be from the
// time written: stores may truncate or round to the millisecond.
const TimeTolerance = time.Millisecond

// hangTimeout bounds how long a call with a cancelled context may take before
// the suite calls it hung. It is a liveness check, not a speed measure, so it
// is generous enough for a loaded machine and a plugin process.
const hangTimeout = 10 * time.Second

// clockSkew is how far a time the adapter stamps (CreatedAt, UpdatedAt,
// Receipt.At) may be from the test's clock: an adapter may use a database
// server's clock.
const clockSkew = time.Minute

// workers is how many goroutines race in the concurrency tests.
const workers = 8

// assertCode checks that err carries the code want.
func assertCode(t *testing.T, want socialrx.Code, err error, msgAndArgs ...any) bool {
	t.Helper()
	if !assert.Error(t, err, msgAndArgs...) {
		return false
	}
	return assert.Equal(t, want, socialrx.ErrorCode(err), append([]any{"error: %v", err}, msgAndArgs...)...)
}

// assertInvalid checks that err is invalid and names every path in paths.
func assertInvalid(t *testing.T, err error, paths ...string) {
	t.Helper()
	if !assertCode(t, socialrx.CodeInvalid, err) {
		return
	}
	var got []string
	for _, f := range socialrx.ErrorFields(err) {
		got = append(got, f.Path)
	}
	for _, p := range paths {
		assert.Contains(t, got, p, "the invalid error should name %s; it names %v (%v)", p, got, err)
	}
}

// assertTime checks that got is want to within TimeTolerance.
func assertTime(t *testing.T, want, got time.Time, what string) {
	t.Helper()
	assert.WithinDuration(t, want, got, TimeTolerance, "%s: want %s, got %s", what, want, got)
}

// assertOptTime compares optional times: both nil, or both set and close.
func assertOptTime(t *testing.T, want, got *time.Time, what string) {
	t.Helper()
	if want == nil || got == nil {
		assert.Equal(t, want == nil, got == nil, "%s: want %v, got %v", what, want, got)
		return
	}
	assertTime(t, *want, *got, what)
}

// assertNow checks that a time the adapter stamped is near the test's clock.
func assertNow(t *testing.T, got time.Time, what string) {
	t.Helper()
	assert.WithinDuration(t, time.Now(), got, clockSkew, "%s should be about now, got %s", what, got)
}

// assertJSON compares JSON by meaning.
func assertJSON(t *testing.T, want, got json.RawMessage, what string) {
	t.Helper()
	if len(want) == 0 || len(got) == 0 {
		assert.Equal(t, len(want) == 0, len(got) == 0, "%s: want %s, got %s", what, want, got)
		return
	}
	assert.JSONEq(t, string(want), string(got), what)
}

// promptly runs fn and fails the test if it has not returned after
// hangTimeout: a call with a cancelled context must not hang.
func promptly(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(hangTimeout):
		t.Fatalf("%s hung: no return %s after its context was cancelled", what, hangTimeout)
	}
}

// cancelled returns the two kinds of dead context: cancelled, and past its
// deadline.
func cancelled(t *testing.T) map[string]context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	late, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	t.Cleanup(cancel2)
	return map[string]context.Context{"cancelled": ctx, "deadline": late}
}

// race starts n goroutines at once and waits for them.
func race(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// obj returns a JSON object from alternating keys and values.
func obj(kv ...any) json.RawMessage {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// dups returns the elements of s that occur more than once.
func dups(s []string) []string {
	seen := map[string]int{}
	var out []string
	for _, v := range s {
		seen[v]++
		if seen[v] == 2 {
			out = append(out, v)
		}
	}
	return out
}

// sorted returns a sorted copy of s.
func sorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// noErr is require.NoError with the error's code in the message.
func noErr(t *testing.T, err error, what string) {
	t.Helper()
	require.NoError(t, err, "%s (code %q)", what, socialrx.ErrorCode(err))
}
