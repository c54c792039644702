package schema_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// textSchema takes any text and numbers, so that only the rules every
// document obeys can fail.
const textSchema = `{
  "type": "object",
  "properties": {
    "name": {"type": "string", "maxLength": 100},
    "n": {"type": "number", "minimum": -1000, "maximum": 1000},
    "i": {"type": "integer"},
    "list": {"type": "array", "items": {"type": ["string", "number"]}},
    "colour": {"enum": ["red", "green"]}
  },
  "additionalProperties": {"type": "string"}
}`

func textValidator(t *testing.T) *schema.Validator {
	t.Helper()
	v, err := schema.Compile("text.json", []byte(textSchema))
	require.NoError(t, err)
	return v
}

// TestEveryDocumentRefusesBadText: invalid UTF-8, NUL and lone surrogates
// are refused at their pointer, in values and in member names; before,
// the decoder replaced the first and the last with U+FFFD and kept NUL.
func TestEveryDocumentRefusesBadText(t *testing.T) {
	v := textValidator(t)
	for _, tc := range []struct {
		name, doc string
		want      []string // pointers
		rule      string
	}{
		{"invalid UTF-8", "{\"name\":\"a\xffb\"}", []string{"/name"}, "UTF-8"},
		{"truncated UTF-8", "{\"name\":\"caf\xc3\"}", []string{"/name"}, "UTF-8"},
		{"overlong UTF-8", "{\"name\":\"\xc0\xaf\"}", []string{"/name"}, "UTF-8"},
		{"UTF-8 in an array", "{\"list\":[\"ok\",\"\xed\xa0\x80\"]}", []string{"/list/1"}, "UTF-8"},
		{"UTF-8 in a member name", "{\"na\xffme\":\"x\"}", []string{"/na\uFFFDme"}, "member's name must be valid UTF-8"},
		{"escaped NUL", `{"name":"a\u0000b"}`, []string{"/name"}, "NUL"},
		{"raw NUL", "{\"name\":\"a\x00b\"}", []string{"/name"}, "NUL"},
		{"raw NUL deep", "{\"list\":[1,\"\x00\"]}", []string{"/list/1"}, "NUL"},
		{"NUL in a member name", `{"a\u0000":"x"}`, []string{"/a\x00"}, "member's name must not contain"},
		{"lone high surrogate", `{"name":"\ud800"}`, []string{"/name"}, "surrogate"},
		{"lone low surrogate", `{"name":"\udc00x"}`, []string{"/name"}, "surrogate"},
		{"high surrogate then a letter", `{"name":"\ud800\u0041"}`, []string{"/name"}, "surrogate"},
		{"reversed pair", `{"name":"\ude00\ud83d"}`, []string{"/name"}, "surrogate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := v.Validate([]byte(tc.doc))
			require.Error(t, err)
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.want, pathsOf(err))
			for _, f := range socialrx.ErrorFields(err) {
				assert.Contains(t, f.Rule, tc.rule)
			}
		})
	}
	for _, ok := range []string{
		`{"name":"caf\u00e9 ☕ \ud83d\ude00 \ufffd"}`, // a pair, and U+FFFD written on purpose
		"{\"name\":\"café ☕ 😀 \uFFFD\"}",
		`{"name":"tab\tline\nslash\/"}`,
	} {
		assert.NoError(t, v.Validate([]byte(ok)), ok)
	}
}

// TestEveryDocumentRefusesNumbersNoFloatHolds: before, 1e400 passed the
// schema (its maximum read as ∞) and failed decoding at "", and
// 1e100000000 made the validator panic.
func TestEveryDocumentRefusesNumbersNoFloatHolds(t *testing.T) {
	v := textValidator(t)
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{`{"n":1e400}`, []string{"/n"}},
		{`{"n":-1e400}`, []string{"/n"}},
		{`{"n":1e-400}`, []string{"/n"}},
		{`{"n":1e100000000}`, []string{"/n"}},
		{`{"n":1e-100000000}`, []string{"/n"}},
		{`{"i":1e400}`, []string{"/i"}},
		{`{"list":["a",1e999]}`, []string{"/list/1"}},
		{`{"x":"ok","n":1e400,"name":"\u0000"}`, []string{"/n", "/name"}},
		// The schema still checks the rest: a number out of range hides
		// no other error.
		{`{"n":1e400,"colour":"blue","extra":7}`, []string{"/colour", "/extra", "/n"}},
	} {
		t.Run(tc.doc, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = v.Validate([]byte(tc.doc)) })
			assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
			assert.Equal(t, tc.want, pathsOf(err))
		})
	}
	for _, ok := range []string{`{"n":0e999999}`, `{"n":-0.0}`, `{"list":[1.7976931348623157e308,-5e-324,4.9e-324]}`, `{"i":12e2}`} {
		assert.NoError(t, v.Validate([]byte(ok)), ok)
	}
}

// TestTextProblemsComeWithTheSchemasOwn: one answer names every failing
// pointer, of either kind.
func TestTextProblemsComeWithTheSchemasOwn(t *testing.T) {
	v := textValidator(t)
	err := v.Validate([]byte("{\"colour\":\"blue\",\"name\":\"\xff\",\"other\":\"a\\u0000\",\"n\":2000}"))
	assert.Equal(t, []string{"/colour", "/n", "/name", "/other"}, pathsOf(err))
}

func TestMalformedStaysAtTheRoot(t *testing.T) {
	v := textValidator(t)
	for _, doc := range []string{`{"name":`, "{\"name\":\"\x00\" x}", `{"n":01}`, `{"name":"\x"}`, `{"n":1.}`, `[` + strings.Repeat("[", 10001) + strings.Repeat("]", 10002), `{} {}`, ``} {
		err := v.Validate([]byte(doc))
		assert.Equal(t, []string{""}, pathsOf(err), "%.40q", doc)
	}
}

func TestParse(t *testing.T) {
	inst, err := schema.Parse([]byte(`{"a":[1,"x"]}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"a": []any{json.Number("1"), "x"}}, inst)

	_, err = schema.Parse([]byte("{\"a\":[1,\"\xff\"],\"b\":1e400}"))
	assert.Equal(t, []string{"/a/1", "/b"}, pathsOf(err))
	_, err = schema.Parse([]byte(`{"a":`))
	assert.Equal(t, []string{""}, pathsOf(err))
}

// TestValidateValueChecksGoValues: a document built in Go, not decoded,
// meets the same rules.
func TestValidateValueChecksGoValues(t *testing.T) {
	v := textValidator(t)
	err := v.ValidateValue(map[string]any{
		"name":  "a\x00",
		"list":  []any{"\xff", math.Inf(1), json.Number("1e400")},
		"k\x00": "x",
	})
	assert.Equal(t, []string{"/k\x00", "/list/0", "/list/1", "/list/2", "/name"}, pathsOf(err))
}

func TestDecodeStrictNamesThePointer(t *testing.T) {
	type inner struct {
		V int `json:"v"`
	}
	var out struct {
		Count int              `json:"count"`
		List  []int            `json:"list"`
		M     map[string]inner `json:"m"`
		F     float32          `json:"f"`
		S     string           `json:"s"`
	}
	for doc, want := range map[string]string{
		`{"count":1.5}`:                  "/count",
		`{"list":[1,2.5]}`:               "/list/1",
		`{"m":{"k/x":{"v":1e-3}}}`:       "/m/k~1x/v",
		`{"f":1e300}`:                    "/f",
		`{"count":99999999999999999999}`: "/count",
		`{"count":1e19}`:                 "/count",
		`{"list":{"a":1}}`:               "/list",
		`{"s":1}`:                        "/s",
	} {
		err := schema.DecodeStrict([]byte(doc), &out)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), doc)
		assert.Equal(t, []string{want}, pathsOf(err), doc)
		for _, f := range socialrx.ErrorFields(err) {
			assert.NotRegexp(t, `int|float|struct|slice|map\[|\bGo\b`, f.Rule, "%s: the rule names JSON's types, not Go's", doc)
		}
	}
	err := schema.DecodeStrict([]byte(`{"count":1} {}`), &out)
	assert.Equal(t, []string{""}, pathsOf(err))
	err = schema.DecodeStrict([]byte(`{"nope":1}`), &out)
	assert.Equal(t, []string{""}, pathsOf(err))
	assert.NoError(t, schema.DecodeStrict([]byte(`{"count":3,"list":[1],"m":{"a":{"v":2}}}`), &out))
}

// Whole numbers are integers, however written, as JSON Schema reads them:
// the decoder agrees with the validator.
func TestWholeNumbersDecodeAsIntegers(t *testing.T) {
	var out struct {
		Count int     `json:"count"`
		List  []int64 `json:"list"`
		F     float64 `json:"f"`
		S     string  `json:"s"`
	}
	doc := `{"count":10.0,"list":[1e1,-2.50e2,0.0,-0e5,1E+2,9.2233720368547758e18],"f":1.5,"s":"1.0e1"}`
	require.NoError(t, schema.DecodeStrict([]byte(doc), &out))
	assert.Equal(t, 10, out.Count)
	assert.Equal(t, []int64{10, -250, 0, 0, 100, 9223372036854775800}, out.List, "-0e5 is -0, which an integer reads as 0")
	assert.Equal(t, 1.5, out.F)
	assert.Equal(t, "1.0e1", out.S, "text is left alone")

	for in, want := range map[string]string{
		`[10.0]`:         `[10]`,
		`[1e1,2]`:        `[10,2]`,
		`{"a":-1.0e0}`:   `{"a":-1}`,
		`[1.5,1e-1]`:     `[1.5,1e-1]`,
		`[1e400]`:        `[1e400]`,
		`[1e19]`:         `[1e19]`,
		`[1e-100000000]`: `[1e-100000000]`,
		`{"a":`:          `{"a":`,
	} {
		assert.Equal(t, want, string(schema.WholeNumbers([]byte(in))), in)
	}

	v, err := schema.Compile("n.json", []byte(`{"type":"object","properties":{"n":{"type":"integer","maximum":10}}}`))
	require.NoError(t, err)
	assert.NoError(t, v.Validate([]byte(`{"n":1e1}`)), "the validator reads 1e1 as the integer 10")
	assert.Equal(t, []string{"/n"}, pathsOf(v.Validate([]byte(`{"n":1.1e1}`))))
}

func TestPointerAt(t *testing.T) {
	doc := []byte(`{"a":[10,{"b":"x"}],"c":true}`)
	for offset, want := range map[int64]string{
		8:  "/a/0",   // where 10 ends
		17: "/a/1/b", // where "x" ends
		18: "/a/1",
		19: "/a",
		28: "/c",
		15: "/a/1/b", // inside "x"
		3:  "",       // inside a name: the object's own value
	} {
		assert.Equal(t, want, schema.PointerAt(doc, offset), "offset %d", offset)
	}
}
