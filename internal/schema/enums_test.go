package schema_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/internal/schema/testdata/enums_duplicate"
	"github.com/socialrx/socialrx/internal/schema/testdata/enums_extra_value"
	"github.com/socialrx/socialrx/internal/schema/testdata/enums_missing_const"
	"github.com/socialrx/socialrx/internal/schema/testdata/enums_ok"
	"github.com/socialrx/socialrx/internal/schema/testdata/enums_pointer_receiver"
	"github.com/socialrx/socialrx/internal/schema/testdata/enums_unlisted"
)

// recorder is a testing.TB that records failures instead of failing the
// real test. Fatal stops the goroutine running the check, as testing does.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	fatal  bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.FailNow()
}

func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }

func (r *recorder) Fail() { r.Errorf("Fail") }

func (r *recorder) FailNow() {
	r.mu.Lock()
	r.fatal = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errors) > 0
}

// checkEnums runs CheckEnums on the fixture package testdata/dir and
// returns what it reported.
func checkEnums(t *testing.T, dir string, zeros ...any) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		schema.CheckEnumsIn(r, "testdata/"+dir, zeros...)
	}()
	<-done
	return r
}

// assertReported asserts that r reported exactly the failures, each named
// by a piece of its message, and did not stop.
func assertReported(t *testing.T, r *recorder, want ...string) {
	t.Helper()
	assert.False(t, r.fatal)
	require.Len(t, r.errors, len(want), "reported: %q", r.errors)
	for i, w := range want {
		assert.Contains(t, r.errors[i], w)
	}
}

func TestCheckEnumsPasses(t *testing.T) {
	r := checkEnums(t, "enums_ok", enumsok.Colour(""), enumsok.Shade(""))
	assertReported(t, r)
}

func TestCheckEnumsFailures(t *testing.T) {
	tests := []struct {
		name  string
		dir   string
		zeros []any
		want  []string
	}{
		{"a constant missing from EnumValues", "enums_missing_const", []any{missingconst.Day("")},
			[]string{`testdata/enums_missing_const/enums.go:14:2: missingconst.Day.EnumValues does not list the constant Wednesday ("wednesday")`}},
		{"a value with no constant", "enums_extra_value", []any{extravalue.Size("")},
			[]string{`extravalue.Size.EnumValues lists "medium", which no constant of type extravalue.Size declares`}},
		{"a type not passed", "enums_unlisted", []any{unlisted.Listed("")},
			[]string{"unlisted.Forgotten has an EnumValues method but was not passed to CheckEnums"}},
		{"a value listed twice; two constants with one value", "enums_duplicate", []any{duplicate.Twice(""), duplicate.Twin("")},
			[]string{`duplicate.Twice.EnumValues lists "a" twice`,
				`duplicate.Twin.EnumValues lists "x" twice`,
				`TwinX and TwinY are both "x"`}},
		{"EnumValues on the pointer: the schema has no enum", "enums_pointer_receiver", []any{pointerreceiver.Mood("")},
			[]string{`the JSON Schema of pointerreceiver.Mood is a "string" enumerating []; EnumValues is ["happy" "sad"]`}},
		{"a type of another package", "enums_ok", []any{enumsok.Colour(""), enumsok.Shade(""), extravalue.Size("")},
			[]string{"extravalue.Size is not a type of package github.com/socialrx/socialrx/internal/schema/testdata/enums_ok"}},
		{"a type without EnumValues", "enums_ok", []any{enumsok.Colour(""), enumsok.Shade(""), enumsok.Label("")},
			[]string{"enumsok.Label has no EnumValues method"}},
		{"not a string type", "enums_ok", []any{enumsok.Colour(""), enumsok.Shade(""), 3},
			[]string{"int is not a named string type"}},
		{"a type given twice", "enums_ok", []any{enumsok.Colour(""), enumsok.Shade(""), enumsok.Colour("red")},
			[]string{"enumsok.Colour is given twice"}},
		{"no types at all", "enums_ok", nil,
			[]string{"enumsok.Colour has an EnumValues method but", "enumsok.Shade has an EnumValues method but"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertReported(t, checkEnums(t, tc.dir, tc.zeros...), tc.want...)
		})
	}
}

func TestCheckEnumsStopsWithoutSource(t *testing.T) {
	r := checkEnums(t, "nowhere", enumsok.Colour(""))
	assert.True(t, r.fatal)
	require.Len(t, r.errors, 1)
	assert.True(t, strings.HasPrefix(r.errors[0], "CheckEnums: "), r.errors[0])
}
