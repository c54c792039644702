package schema_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	sj "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// FuzzValidate feeds arbitrary bytes to validators: they never panic, and
// every problem they report names "" or a pointer that exists in the
// document (a missing member, "required", is named where it should be, in
// an object that exists). A document encoding/json calls valid is never
// called malformed.
func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `[]`, `null`, `"x"`, `1`, `{"name":`, `{} {}`,
		`{"id":"0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f10","colour":"red","born":"1950-02-03","at":"2026-01-02T03:04:05Z","inner":{"name":"x"}}`,
		`{"id":"nope","colour":"blue","born":"1950-02-30","email":"x","inner":{},"needs":["joy"],"extra":1}`,
		"{\"name\":\"a\xffb\"}", "{\"na\xffme\":1}", `{"name":"\u0000"}`, "{\"name\":\"\x00\"}",
		`{"name":"\ud800"}`, `{"name":"\ud83d\ude00"}`, `{"name":"\udc00\ud800"}`,
		`{"n":1e400}`, `{"n":1e-400}`, `{"n":1e100000000}`, `{"i":1.0}`, `{"n":-0}`, `{"n":0e999999}`,
		`{"list":[1,"x",{"a/b~c":[true,false,null]}]}`, `[[[[[[[[]]]]]]]]`,
		`{"inner":{"name":"` + strings.Repeat("é", 1001) + `"}}`,
	} {
		f.Add([]byte(seed))
	}
	reflected, err := schema.Reflect("doc", doc{})
	if err != nil {
		f.Fatal(err)
	}
	validators := []*schema.Validator{
		schema.MustCompile("doc.json", reflected),
		schema.MustCompile("text.json", []byte(textSchema)),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range validators {
			err := v.Validate(data)
			if err == nil {
				continue
			}
			if socialrx.ErrorCode(err) != socialrx.CodeInvalid {
				t.Fatalf("code %q: %v", socialrx.ErrorCode(err), err)
			}
			fields := socialrx.ErrorFields(err)
			if len(fields) == 0 {
				t.Fatalf("no field named: %v", err)
			}
			// The validator reads a raw NUL in a string as the character;
			// anywhere else the document is malformed either way.
			inst, derr := sj.UnmarshalJSON(bytes.NewReader(bytes.ReplaceAll(data, []byte{0}, []byte(`\u0000`))))
			for _, fe := range fields {
				if json.Valid(data) && strings.HasPrefix(fe.Rule, "malformed JSON") {
					t.Fatalf("valid JSON called malformed: %v", fe)
				}
				if fe.Path == "" {
					continue
				}
				if derr != nil {
					t.Fatalf("%q named in a document that does not decode (%v)", fe.Path, derr)
				}
				if !exists(inst, fe.Path) && (fe.Rule != "required" || !exists(inst, parent(fe.Path))) {
					t.Fatalf("%q is not in the document: %v", fe.Path, fe)
				}
			}
		}
	})
}

// exists reports whether the JSON pointer names a value in doc.
func exists(doc any, ptr string) bool {
	if ptr == "" {
		return true
	}
	if !strings.HasPrefix(ptr, "/") {
		return false
	}
	v := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) || strconv.Itoa(i) != tok {
				return false
			}
			v = x[i]
		default:
			return false
		}
	}
	return true
}

// parent returns the pointer of the value that holds ptr's.
func parent(ptr string) string {
	return ptr[:strings.LastIndex(ptr, "/")]
}

// FuzzWholeNumbers: rewriting whole numbers never changes what a document
// means: valid JSON stays valid, and every value decodes to the same.
func FuzzWholeNumbers(f *testing.F) {
	for _, seed := range []string{`[10.0,1e1,-2.50e2,0.0,-0e5,1E+2,1.5,1e400,1e-400]`, `{"a":{"b":[1.0e0,"1.0e1"]}}`, `{"n":9.2233720368547758e18}`, `1e19`, `"x"`, `{`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out := schema.WholeNumbers(doc)
		if !json.Valid(doc) {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("%s became %s, not JSON", doc, out)
		}
		var a, b any
		errA, errB := json.Unmarshal(doc, &a), json.Unmarshal(out, &b)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("%s decodes (%v), %s does not (%v)", doc, errA, out, errB)
		}
		if ja, jb := mustMarshal(t, a), mustMarshal(t, b); errA == nil && ja != jb {
			t.Fatalf("%s means %s, but %s means %s", doc, ja, out, jb)
		}
	})
}

func mustMarshal(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
