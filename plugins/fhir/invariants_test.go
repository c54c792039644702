package fhir_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
)

// checkInvariants checks a FHIR resource (JSON, a Bundle's entries
// included) against the R4 invariants the official JSON schema cannot
// express, walking every element with the R4 element definitions (see
// r4Elements):
//
//   - ele-1: every element has a value or children (an object with no
//     member but its id is empty; FHIR JSON also forbids empty arrays, null
//     and empty strings);
//   - reference targets: a Reference points at a resource type its element
//     allows (Task.requester: Device, Organization, Patient, Practitioner,
//     PractitionerRole or RelatedPerson); its type is read from
//     Reference.type, a literal "Type/id", a contained "#id" or a Bundle
//     entry's "urn:uuid:" fullUrl, and those must agree and resolve (ref-1).
//     socialrx's own rule on top: a reference by identifier says its type,
//     so its target can be checked (a reference with a display only names
//     someone and has nothing to check);
//   - dom-3: a contained resource is referred to from its container;
//   - per-1 (a Period starts before it ends), cpt-2 (a ContactPoint with a
//     value has a system), ext-1 (an extension has a value or extensions,
//     not both), ppc-1 (a Consent has a policy or a policy rule), qrs-1 (a
//     QuestionnaireResponse item is not nested under both item and answer)
//     and inv-1 (a Task is not modified before it was authored).
//
// Codes: invalid, with JSON pointers into doc and the invariant in each rule.
func checkInvariants(t testing.TB, doc []byte) error {
	t.Helper()
	var v any
	dec := json.NewDecoder(strings.NewReader(string(doc)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return socialrx.Invalid(socialrx.Field("", "not JSON: %v", err))
	}
	root, ok := v.(map[string]any)
	if !ok {
		return socialrx.Invalid(socialrx.Field("", "a FHIR resource is a JSON object"))
	}
	w := &walker{defs: r4Elements(t).Elements, fullURLs: map[string]string{}}
	if root["resourceType"] == "Bundle" {
		entries, _ := root["entry"].([]any)
		for _, e := range entries {
			entry, _ := e.(map[string]any)
			res, _ := entry["resource"].(map[string]any)
			if u, ok := entry["fullUrl"].(string); ok && res != nil {
				w.fullURLs[u], _ = res["resourceType"].(string)
			}
		}
	}
	w.resource(root, "", false)
	return socialrx.Invalid(w.errs...)
}

type walker struct {
	defs     map[string]elementDef
	fullURLs map[string]string // a Bundle's entries: full URL → resource type
	errs     []socialrx.FieldError
	// container is the resource being walked at the top (not contained):
	// its contained resources by id, and every reference made in it.
	container struct {
		typ       string
		contained map[string]string
		refs      []string
	}
}

func (w *walker) add(ptr, rule string, args ...any) {
	w.errs = append(w.errs, socialrx.Field(ptr, rule, args...))
}

// resource walks a resource: a top-level one (a Bundle entry's too) or
// a contained one.
func (w *walker) resource(res map[string]any, ptr string, isContained bool) {
	typ, _ := res["resourceType"].(string)
	if typ == "" {
		w.add(ptr+"/resourceType", "a resource needs its type")
		return
	}
	contained, _ := res["contained"].([]any)
	if !isContained {
		outer := w.container
		defer func() { w.container = outer }()
		w.container.typ, w.container.contained, w.container.refs = typ, map[string]string{}, nil
		for _, c := range contained {
			cm, _ := c.(map[string]any)
			id, _ := cm["id"].(string)
			ct, _ := cm["resourceType"].(string)
			w.container.contained[id] = ct
		}
	}
	w.object(res, typ, ptr, true)
	switch typ {
	case "Consent":
		if res["policy"] == nil && res["policyRule"] == nil {
			w.add(ptr, "ppc-1: a Consent needs a policy or a policyRule")
		}
	case "Task":
		if a, m := instantOf(res["authoredOn"]), instantOf(res["lastModified"]); !a.IsZero() && !m.IsZero() && m.Before(a) {
			w.add(ptr+"/lastModified", "inv-1: lastModified must not be before authoredOn")
		}
	}
	if isContained {
		return
	}
	for i, c := range contained {
		cm, _ := c.(map[string]any)
		id, _ := cm["id"].(string)
		if !slices.Contains(w.container.refs, "#"+id) && !refersTo(cm, "#") {
			w.add(ptr+"/contained/"+strconv.Itoa(i), "dom-3: a contained resource must be referred to from its container (#%s is not)", id)
		}
	}
}

// refersTo reports whether any reference in v is ref.
func refersTo(v any, ref string) bool {
	switch x := v.(type) {
	case map[string]any:
		if x["reference"] == ref {
			return true
		}
		for _, c := range x {
			if refersTo(c, ref) {
				return true
			}
		}
	case []any:
		for _, c := range x {
			if refersTo(c, ref) {
				return true
			}
		}
	}
	return false
}

// object walks the members of an element (or resource) defined at path.
func (w *walker) object(m map[string]any, path, ptr string, isResource bool) {
	if !isResource {
		children := 0
		for k := range m {
			if k != "id" {
				children++
			}
		}
		if children == 0 {
			w.add(ptr, "ele-1: every element must have a value or children (%s has neither)", path)
		}
	}
	for k, v := range m {
		if k == "resourceType" && isResource || strings.HasPrefix(k, "_") {
			continue
		}
		child := ptr + "/" + k
		d, typ, ok := w.lookup(path, k)
		if !ok {
			continue // unknown elements are the schema's to refuse
		}
		elPath := path + "." + k
		if strings.HasSuffix(d.name, "[x]") {
			elPath = path + "." + d.name
		}
		if arr, isArr := v.([]any); isArr {
			if len(arr) == 0 {
				w.add(child, "ele-1: an array must not be empty")
			}
			for i, x := range arr {
				w.value(x, d.elementDef, typ, elPath, child+"/"+strconv.Itoa(i))
			}
			continue
		}
		w.value(v, d.elementDef, typ, elPath, child)
	}
}

type namedDef struct {
	elementDef
	name string
}

// lookup finds member k of the element at path: a plain element, or a
// choice element ("authorReference" of "author[x]") with the chosen type.
func (w *walker) lookup(path, k string) (namedDef, string, bool) {
	if d, ok := w.defs[path+"."+k]; ok {
		typ := ""
		if len(d.Types) == 1 {
			typ = d.Types[0]
		}
		return namedDef{d, k}, typ, true
	}
	for i := 1; i < len(k); i++ {
		d, ok := w.defs[path+"."+k[:i]+"[x]"]
		if !ok {
			continue
		}
		for _, t := range d.Types {
			if string(unicode.ToUpper(rune(t[0])))+t[1:] == k[i:] {
				return namedDef{d, k[:i] + "[x]"}, t, true
			}
		}
	}
	return namedDef{}, "", false
}

// value walks one value of an element of type typ defined at path.
func (w *walker) value(v any, d elementDef, typ, path, ptr string) {
	if d.ContentReference != "" {
		path, typ = d.ContentReference, "BackboneElement"
	}
	switch x := v.(type) {
	case nil:
		w.add(ptr, "ele-1: an element must not be null")
		return
	case string:
		if x == "" {
			w.add(ptr, "ele-1: a primitive must have a value (an empty string has none)")
		}
		return
	case map[string]any:
		switch typ {
		case "Resource":
			w.resource(x, ptr, strings.HasSuffix(path, ".contained"))
		case "BackboneElement", "Element":
			if path == "QuestionnaireResponse.item" && x["answer"] != nil && x["item"] != nil {
				w.add(ptr, "qrs-1: an item is nested under its answers or under itself, not both")
			}
			w.object(x, path, ptr, false)
		case "":
			w.add(ptr, "the element %s has several types and the instance does not say which", path)
		default:
			w.datatype(x, d, typ, path, ptr)
		}
	}
}

// datatype checks a value of a complex data type and walks it.
func (w *walker) datatype(x map[string]any, d elementDef, typ, path, ptr string) {
	switch typ {
	case "Reference":
		w.reference(x, d.Targets, path, ptr)
	case "Period":
		if s, e := instantOf(x["start"]), instantOf(x["end"]); !s.IsZero() && !e.IsZero() && e.Before(s) {
			w.add(ptr, "per-1: a Period must not end before it starts")
		}
	case "ContactPoint":
		if x["value"] != nil && x["system"] == nil {
			w.add(ptr, "cpt-2: a ContactPoint with a value needs its system")
		}
	case "Extension":
		hasValue := false
		for k := range x {
			hasValue = hasValue || strings.HasPrefix(k, "value")
		}
		if hasValue == (x["extension"] != nil) {
			w.add(ptr, "ext-1: an extension has either a value or extensions, not both or neither")
		}
	}
	w.object(x, typ, ptr, false)
}

var resourceName = regexp.MustCompile(`^[A-Z][A-Za-z]+$`)

// reference checks that a Reference resolves to a resource type in
// targets (none, or "Resource", means any).
func (w *walker) reference(r map[string]any, targets []string, path, ptr string) {
	lit, _ := r["reference"].(string)
	declared, _ := r["type"].(string)
	target := ""
	if lit != "" {
		w.container.refs = append(w.container.refs, lit)
	}
	switch {
	case lit == "":
	case lit == "#":
		target = w.container.typ
	case strings.HasPrefix(lit, "#"):
		target = w.container.contained[lit[1:]]
		if target == "" {
			w.add(ptr+"/reference", "ref-1: %q names no contained resource", lit)
			return
		}
	case strings.HasPrefix(lit, "urn:"):
		target = w.fullURLs[lit]
		if target == "" {
			w.add(ptr+"/reference", "%q names no entry of the Bundle", lit)
			return
		}
	default:
		segs := strings.Split(strings.SplitN(lit, "?", 2)[0], "/")
		if i := slices.Index(segs, "_history"); i > 0 {
			segs = segs[:i]
		}
		if strings.Contains(lit, "?") {
			target = segs[len(segs)-1] // a conditional reference: Type?search
		} else if len(segs) >= 2 {
			target = segs[len(segs)-2]
		}
		if !resourceName.MatchString(target) {
			w.add(ptr+"/reference", "%q is not a reference to a resource (Type/id)", lit)
			return
		}
	}
	switch {
	case target != "" && declared != "" && declared != target:
		w.add(ptr+"/type", "says %s but the reference %q is to a %s", declared, lit, target)
	case target == "":
		target = declared
	}
	if target == "" {
		if r["identifier"] != nil {
			w.add(ptr, "a reference by identifier must say its type, so its target can be checked")
		}
		return
	}
	if len(targets) > 0 && !slices.Contains(targets, "Resource") && !slices.Contains(targets, target) {
		w.add(ptr, "%s refers to a %s; FHIR R4 allows %s", path, target, strings.Join(targets, ", "))
	}
}

// instantOf reads a FHIR date, dateTime or instant for comparison; partial
// dates and anything else give the zero time.
func instantOf(v any) time.Time {
	s, _ := v.(string)
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// requireInvariants fails the test when a resource breaks an invariant.
func requireInvariants(t testing.TB, doc []byte) {
	t.Helper()
	if err := checkInvariants(t, doc); err != nil {
		t.Fatalf("breaks FHIR R4 invariants: %v\n%s", fmt.Sprint(socialrx.ErrorFields(err)), doc)
	}
}

// The invariant checks refuse what they should and pass what they should,
// so their silence on the adapter's resources means something.
func TestInvariantChecks(t *testing.T) {
	good := []string{
		`{"resourceType":"Task","status":"requested","intent":"order","requester":{"reference":"PractitionerRole/1"},"owner":{"type":"Organization","identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}}`,
		`{"resourceType":"Task","status":"requested","intent":"order","contained":[{"resourceType":"RelatedPerson","id":"r","patient":{"reference":"Patient/1"}}],"requester":{"reference":"#r"}}`,
		`{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:0b5a3c56-5a8e-4b0e-9f43-6b6a0d1ad001","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
		 {"resource":{"resourceType":"Goal","lifecycleStatus":"active","description":{"text":"walk"},"subject":{"reference":"urn:uuid:0b5a3c56-5a8e-4b0e-9f43-6b6a0d1ad001"},
		  "note":[{"authorReference":{"display":"Jo"},"text":"x"}],"extension":[{"url":"http://example.org/e","valueReference":{"reference":"Device/1"}}]},"request":{"method":"POST","url":"Goal"}}]}`,
		`{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"a","answer":[{"valueInteger":1,"item":[{"linkId":"b"}]}]}]}`,
	}
	for _, doc := range good {
		assert.NoError(t, checkInvariants(t, []byte(doc)), "%s", doc)
	}
	bad := map[string]struct{ doc, path, rule string }{
		"id-only element": {`{"resourceType":"HealthcareService","communication":[{"id":"3c4d"}]}`, "/communication/0", "ele-1"},
		"empty object":    {`{"resourceType":"Patient","name":[{}]}`, "/name/0", "ele-1"},
		"empty array":     {`{"resourceType":"Patient","name":[]}`, "/name", "ele-1"},
		"null":            {`{"resourceType":"Patient","birthDate":null}`, "/birthDate", "ele-1"},
		"empty string":    {`{"resourceType":"Patient","gender":""}`, "/gender", "ele-1"},
		"Task requester a HealthcareService": {`{"resourceType":"Task","status":"requested","intent":"order","requester":{"reference":"HealthcareService/1"}}`,
			"/requester", "FHIR R4 allows Device, Organization, Patient, Practitioner, PractitionerRole, RelatedPerson"},
		"Consent performer a Device, by type": {`{"resourceType":"Consent","status":"active","scope":{"text":"x"},"category":[{"text":"x"}],"policyRule":{"text":"x"},"performer":[{"type":"Device","display":"x"}]}`,
			"/performer/0", "FHIR R4 allows"},
		"Annotation author in a data type": {`{"resourceType":"Task","status":"requested","intent":"order","note":[{"authorReference":{"reference":"Device/1"},"text":"x"}]}`,
			"/note/0/authorReference", "Annotation.author[x] refers to a Device"},
		"type and reference disagree": {`{"resourceType":"Goal","lifecycleStatus":"active","description":{"text":"x"},"subject":{"reference":"Patient/1","type":"Group"}}`,
			"/subject/type", "says Group"},
		"untyped logical reference": {`{"resourceType":"Goal","lifecycleStatus":"active","description":{"text":"x"},"subject":{"identifier":{"value":"1"}}}`,
			"/subject", "must say its type"},
		"contained reference that resolves to nothing": {`{"resourceType":"Task","status":"requested","intent":"order","requester":{"reference":"#nobody"}}`,
			"/requester/reference", "ref-1"},
		"placeholder outside the Bundle": {`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Goal","lifecycleStatus":"active","description":{"text":"x"},"subject":{"reference":"urn:uuid:0b5a3c56-5a8e-4b0e-9f43-6b6a0d1ad002"}}}]}`,
			"/entry/0/resource/subject/reference", "names no entry"},
		"contained resource nobody refers to": {`{"resourceType":"Task","status":"requested","intent":"order","contained":[{"resourceType":"Patient","id":"p"}]}`,
			"/contained/0", "dom-3"},
		"period ends before it starts": {`{"resourceType":"Consent","status":"active","scope":{"text":"x"},"category":[{"text":"x"}],"policyRule":{"text":"x"},"provision":{"period":{"start":"2025-03-10","end":"2025-03-09"}}}`,
			"/provision/period", "per-1"},
		"Consent without policy": {`{"resourceType":"Consent","status":"active","scope":{"text":"x"},"category":[{"text":"x"}]}`, "", "ppc-1"},
		"Task modified before authored": {`{"resourceType":"Task","status":"requested","intent":"order","authoredOn":"2025-03-10T10:00:00Z","lastModified":"2025-03-10T09:00:00Z"}`,
			"/lastModified", "inv-1"},
		"telecom without system":      {`{"resourceType":"Patient","telecom":[{"value":"0207"}]}`, "/telecom/0", "cpt-2"},
		"extension value and nesting": {`{"resourceType":"Patient","extension":[{"url":"http://x","valueBoolean":true,"extension":[{"url":"y","valueBoolean":true}]}]}`, "/extension/0", "ext-1"},
		"item under item and answer":  {`{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"a","answer":[{"valueInteger":1}],"item":[{"linkId":"b"}]}]}`, "/item/0", "qrs-1"},
	}
	for name, tc := range bad {
		t.Run(name, func(t *testing.T) {
			err := checkInvariants(t, []byte(tc.doc))
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%s", tc.doc)
			var found []string
			for _, f := range socialrx.ErrorFields(err) {
				if f.Path == tc.path && strings.Contains(f.Rule, tc.rule) {
					return
				}
				found = append(found, f.Path+": "+f.Rule)
			}
			t.Errorf("no error at %q with %q; got %v", tc.path, tc.rule, found)
		})
	}
}
