package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
)

// bodies are the request bodies of the API's routes, by schema name, each
// with the Go type the route decodes into.
func bodies() (names []string, types map[string]reflect.Type) {
	types = map[string]reflect.Type{}
	for _, rt := range (&Handler{}).routes() {
		if rt.Body != nil && types[rt.Schema] == nil {
			names = append(names, rt.Schema)
			types[rt.Schema] = reflect.TypeOf(rt.Body)
		}
	}
	return names, types
}

// FuzzRequestBody runs the body path of every route (the schema, then the
// strict decoding) on arbitrary bytes: it never panics; what it accepts
// decodes into the route's type and, encoded again, is accepted again;
// what it refuses is invalid, naming pointers into the body.
func FuzzRequestBody(f *testing.F) {
	names, types := bodies()
	validators := map[string]*schema.Validator{}
	for name, b := range host.Schemas() {
		validators[name] = schema.MustCompile(name+".schema.json", b)
	}
	seeds := map[string][]byte{
		"referral":            hosttest.Doc("referral_new.json"),
		"assessment":          hosttest.Doc("assessment.json"),
		"status_change":       []byte(`{"to":"closed","reason":"goals_met","note":"done"}`),
		"consent_change":      []byte(`{"kind":"share_with_partners","given":true,"scope":"full"}`),
		"onward_request":      []byte(`{"service_id":"5a1e0c1e-2b1f-4a57-9d7e-1d3b2c4e5f60","needs":["befriending"],"note":"Tuesdays"}`),
		"task_change":         []byte(`{"to":"rejected","reason":"no_capacity"}`),
		"contact":             []byte(`{"at":"2026-11-02T11:30:00Z","kind":"phone","minutes":20,"by":"x"}`),
		"measurement_request": []byte(`{"instrument":"ucla3","instrument_version":"1","time_point":"baseline","date":"2026-11-02","mode":"phone","answers":[{"item":"companionship","value":2}]}`),
		"directory_query":     []byte(`{"text":"garden","needs":["nature_gardening"],"page":2}`),
	}
	for i, name := range names {
		seed, ok := seeds[name]
		if !ok {
			seed = []byte(`{}`)
		}
		f.Add(uint8(i), seed)
		f.Add(uint8(i), []byte(`{"note":"\u0000","x":1e400}`))
		f.Add(uint8(i), []byte("{\"note\":\"\xff\xfe\"}"))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		name := names[int(which)%len(names)]
		v := reflect.New(types[name]).Interface()
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		err := readBody(req, func(doc []byte) error { return host.ValidateAs(name, doc, time.Now()) }, v)
		if err != nil {
			if socialrx.ErrorCode(err) != socialrx.CodeInvalid {
				t.Fatalf("%s: refused with %v, not invalid", name, err)
			}
			var doc any
			// With a member named twice, the decoded document (the last
			// wins) does not hold what the first one held.
			if json.Unmarshal(body, &doc) == nil && !strings.Contains(err.Error(), "appears twice") {
				for _, f := range socialrx.ErrorFields(err) {
					if f.Path != "" && !pointsInto(doc, f.Path) {
						t.Fatalf("%s: %q is not a pointer into the body %s", name, f.Path, body)
					}
				}
			}
			return
		}
		again, merr := json.Marshal(v)
		if merr != nil {
			t.Fatalf("%s: accepted but does not encode: %v", name, merr)
		}
		if err := validators[name].Validate(again); err != nil {
			t.Fatalf("%s: accepted %s, but its encoding %s is refused: %v", name, body, again, err)
		}
	})
}

// pointsInto reports whether a JSON pointer names a member of doc, or one
// a schema reports as missing (its parent exists).
func pointsInto(doc any, pointer string) bool {
	cur := doc
	toks := bytes.Split([]byte(pointer[1:]), []byte("/"))
	for i, tok := range toks {
		key := string(bytes.ReplaceAll(bytes.ReplaceAll(tok, []byte("~1"), []byte("/")), []byte("~0"), []byte("~")))
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[key]
			if !ok {
				return i == len(toks)-1 // a required member that is missing
			}
			cur = next
		case []any:
			n, err := strconv.Atoi(key)
			if err != nil || n < 0 || n >= len(x) {
				return false
			}
			cur = x[n]
		default:
			return false
		}
	}
	return true
}

// FuzzQuery runs the query check of every route on arbitrary query
// strings: it never panics, and what it refuses is invalid, naming a
// parameter ("/name", "/name/0") or the whole query ("").
func FuzzQuery(f *testing.F) {
	var checkers []*queryChecker
	for _, rt := range (&Handler{}).routes() {
		qc, err := newQueryChecker(rt)
		if err != nil {
			f.Fatal(err)
		}
		checkers = append(checkers, qc)
	}
	for _, seed := range []string{"", "limit=5&cursor=x", "postcode=SE1P+5ZZ&proximity=500", "breakdown=triage_level:area&breakdown=x",
		"page=0&per_page=1e3", "%zz", "day=TU&start_time=10:00", "minimum_age=NaN", "modified_after=2025-01-01T00:00:00Z", "a=1&a=2"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, qc := range checkers {
			err := qc.check(raw)
			if err == nil {
				continue
			}
			if socialrx.ErrorCode(err) != socialrx.CodeInvalid {
				t.Fatalf("%q: %v is not invalid", raw, err)
			}
			for _, fe := range socialrx.ErrorFields(err) {
				if fe.Path != "" && !strings.HasPrefix(fe.Path, "/") {
					t.Fatalf("%q: pointer %q", raw, fe.Path)
				}
			}
		}
	})
}
