package postgres

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// cursorAfter reads a cursor as List does.
func cursorAfter(c string) (string, error) {
	_, after, err := checkQuery(plugins.Query{Kind: plugins.KindReferral, Cursor: c})
	return after, err
}

func TestCursor(t *testing.T) {
	for _, id := range []string{"a", "doc-01", "ü €", strings.Repeat("x", 512)} {
		got, err := cursorAfter(plugins.EncodeCursor(id))
		require.NoError(t, err)
		assert.Equal(t, id, got)
	}
	for _, c := range []string{"not a cursor!", "%", "aWQ6", "ZG9jLTAx", "aWQ6AA", "aWQ6_w", "aWQ6YR"} { // "id:", "doc-01", "id:\x00", "id:\xff", "id:a" spelled otherwise
		_, err := cursorAfter(c)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), c)
	}
}

// FuzzCursor: reading a cursor never panics, a cursor has one spelling, and
// every cursor List hands out reads back as its id.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"", "aWQ6ZG9jLTAx", "not a cursor!", "%", "aWQ6", "aWQ6AA", "____"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := cursorAfter(s)
		if err == nil && s != "" {
			assert.Equal(t, s, plugins.EncodeCursor(id), "a cursor has one spelling")
		}
		if s != "" && utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
			back, err := cursorAfter(plugins.EncodeCursor(s))
			assert.NoError(t, err)
			assert.Equal(t, s, back)
		}
	})
}

func TestJSONBCheck(t *testing.T) {
	for _, tc := range []struct {
		doc string
		ok  bool
	}{
		{`{"a": "plain"}`, true},
		{`{"a": "\u00fc \ud83d\ude00"}`, true},
		{`{"a\\u0000": 1}`, true}, // an escaped backslash, then "u0000"
		{`{"a": "\u0000"}`, false},
		{`{"\u0000": 1}`, false},
		{`{"a": "\ud83d"}`, false},
		{`{"a": "\ud83dx"}`, false},
		{`{"a": "\ude00"}`, false},
		{`{"a": "\ud83d\ud83d"}`, false},
		{`{"a": "\ud83d\n"}`, false},
		{`{"a": 1e131071}`, true},
		{`{"a": 1e131072}`, false},
		{`{"a": 0.5e131072}`, true},
		{`{"a": 1e-16383}`, true},
		{`{"a": 1e-16384}`, false},
		{`{"a": 0e-16384}`, false},
		{`{"a": -1.5E+3}`, true},
		{`{"a": 1e99999999999999999999}`, false},
	} {
		t.Run(tc.doc, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tc.doc)))
			assert.Equal(t, tc.ok, jsonbCheck([]byte(tc.doc)) == nil)
		})
	}
}

// FuzzJSONBCheck holds jsonbCheck to PostgreSQL itself: for valid UTF-8
// JSON, jsonbCheck accepts exactly what jsonb accepts, so a write never
// fails in the database on data that passed validation, and is never
// refused for data the database would store.
func FuzzJSONBCheck(f *testing.F) {
	u := os.Getenv("SOCIALRX_POSTGRES_URL")
	if u == "" {
		f.Skip("SOCIALRX_POSTGRES_URL is not set: the oracle of this fuzz target is PostgreSQL")
	}
	conn, err := pgx.Connect(context.Background(), u)
	require.NoError(f, err)
	f.Cleanup(func() { _ = conn.Close(context.Background()) })
	for _, s := range []string{`{}`, `{"a":"\u0000"}`, `{"a":"\ud800\udc00"}`, `{"a":1e131072}`, `[1e-16384]`,
		`"\ud800"`, `{"a":[1,2,{"b":null}],"c":-0.0e-5}`, `123456789e131064`, `"\\u0000"`, `0.000001e-16378`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) || !utf8.Valid(b) {
			return
		}
		ours := jsonbCheck(b)
		var n int
		theirs := conn.QueryRow(context.Background(), "SELECT length($1::text::jsonb::text)", string(b)).Scan(&n)
		if theirs != nil && conn.IsClosed() {
			t.Fatalf("connection lost: %v", theirs)
		}
		assert.Equal(t, theirs == nil, ours == nil, "doc %q: jsonb says %v, jsonbCheck says %v", b, theirs, ours)
	})
}
