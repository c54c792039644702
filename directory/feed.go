package directory

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/schema"
)

// FeedKind is the kind of an ORUK document: a page of a service list, one
// service, or an organization with its services.
type FeedKind string

// The kinds of ORUK document [DecodeFeed] reads.
const (
	KindServiceList  FeedKind = "service_list"
	KindService      FeedKind = "service"
	KindOrganization FeedKind = "organization"
)

// The versions of Open Referral UK [DecodeFeed] reads.
const (
	// Version3 is ORUK 3.0 (the UK profile of HSDS 3.0), socialrx's own form.
	Version3 = "3.0"
	// Version1 is the first Open Referral UK version (HSDS-UK 1.0), which
	// most live UK directory feeds still publish: lists paged as content,
	// totalElements, totalPages, number, size, first and last.
	Version1 = "1.0"
)

// Envelope is the paging envelope of a service list page, as the feed
// gave it (in ORUK 1.x's names: totalElements, totalPages, number, size,
// first, last, empty). A field the feed left out is nil.
type Envelope struct {
	TotalItems *int  `json:"total_items,omitempty"`
	TotalPages *int  `json:"total_pages,omitempty"`
	PageNumber *int  `json:"page_number,omitempty"`
	Size       *int  `json:"size,omitempty"`
	FirstPage  *bool `json:"first_page,omitempty"`
	LastPage   *bool `json:"last_page,omitempty"`
	Empty      *bool `json:"empty,omitempty"`
	// Items is how many items the page's contents hold, good or bad.
	Items int `json:"items"`
}

// Feed is one ORUK document as read for import, of either version.
type Feed struct {
	// Kind is what the document is.
	Kind FeedKind `json:"kind"`
	// Version is the ORUK version it was read as: [Version3] or [Version1].
	Version string `json:"version"`
	// Services are the services that decoded, converted to ORUK 3.0.
	Services []Service `json:"services"`
	// Organization is the organization of an organization document.
	Organization *Organization `json:"organization,omitempty"`
	// Envelope is a service list page's paging envelope.
	Envelope *Envelope `json:"envelope,omitempty"`
	// Skipped are the services of a list left out, each with every failing
	// field (pointers into the document as given).
	Skipped []Skipped `json:"skipped,omitempty"`
	// EnvelopeProblems are where a list page's envelope disagrees with
	// its contents or itself, at the pointers of its fields.
	EnvelopeProblems []socialrx.FieldError `json:"envelope_problems,omitempty"`
	// Conversion says, for an ORUK 1.x document, what could not be carried
	// into ORUK 3.0 or was carried differently (an id that was not a UUID),
	// at the pointers of the document as given.
	Conversion []socialrx.FieldError `json:"conversion,omitempty"`
}

// DecodeFeed reads an ORUK document of either version: a page of a service
// list, one service_full, or an organization with its services. want
// names the kind it must be ("" takes any). An ORUK 1.x document is
// converted to 3.0, and the feed says what could not be carried.
//
// A list's bad services do not stop its good ones: each is left out and
// reported in Skipped (so is a second service with an id already seen);
// its envelope is checked against its contents (size, empty, first and
// last page, page number and total pages, total items) and each
// disagreement reported. A bad single service or organization refuses the
// whole document. Every problem is named by a JSON pointer into the
// document as given.
//
// Codes: invalid (not JSON, not an object, not an ORUK document of the
// kind wanted, a malformed envelope, a bad service or organization).
func DecodeFeed(doc []byte, want FeedKind) (Feed, error) {
	inst, err := schema.Parse(doc)
	if err != nil {
		return Feed{}, err
	}
	top, ok := inst.(map[string]any)
	if !ok {
		return Feed{}, socialrx.Invalid(socialrx.Field("", "must be a JSON object: an ORUK service list, service or organization, not %s", typeWords(inst)))
	}
	kind, version := sniff(top)
	if want != "" && kind != want {
		return Feed{}, socialrx.Invalid(socialrx.Field("", "must be an ORUK %s; this document reads as %s", kindWords[want], kindWords[kind]))
	}
	f := Feed{Kind: kind, Version: version}
	switch kind {
	case KindServiceList:
		err = f.list(top)
	case KindOrganization:
		err = f.organization(doc, top)
	default:
		var s Service
		s, err = f.service(doc, top, "")
		f.Services = []Service{s}
	}
	if err != nil {
		return Feed{}, err
	}
	return f, nil
}

var kindWords = map[FeedKind]string{
	KindServiceList:  "service list (an object with contents, or content in ORUK 1.x)",
	KindService:      "service",
	KindOrganization: "organization (an object with services)",
}

// sniff tells a document's kind and version by its members.
func sniff(top map[string]any) (FeedKind, string) {
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := top[n]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("contents", "total_items", "total_pages", "page_number", "first_page", "last_page"):
		return KindServiceList, Version3
	case has("content", "totalElements", "totalPages"):
		return KindServiceList, Version1
	case has("empty", "size") && !has("id", "name"):
		return KindServiceList, Version3
	case top["services"] != nil && top["organization"] == nil:
		if isV1Organization(top) {
			return KindOrganization, Version1
		}
		return KindOrganization, Version3
	case isV1Service(top):
		return KindService, Version1
	}
	return KindService, Version3
}

// service decodes one service document (raw is its JSON, m the same
// decoded), converting it from ORUK 1.x first when f is of that version.
// Pointers are prefixFields with at.
func (f *Feed) service(raw []byte, m map[string]any, at string) (Service, error) {
	if f.Version != Version1 {
		s, err := DecodeService(raw)
		if err != nil {
			return Service{}, socialrx.Invalid(socialrx.Prefix(at, err)...)
		}
		return s, nil
	}
	c := newV1()
	out := c.service(m, "", "")
	f.Conversion = append(f.Conversion, prefixFields(at, c.notes)...)
	b, err := json.Marshal(out)
	if err != nil {
		return Service{}, socialrx.Errorf(socialrx.CodeInternal, "encode the converted service: %w", err)
	}
	s, err := DecodeService(b)
	fields := schema.MergeChecks(c.errs, c.back(socialrx.ErrorFields(err)))
	if len(fields) > 0 {
		return Service{}, socialrx.Invalid(prefixFields(at, fields)...)
	}
	return s, nil
}

// organization decodes an organization document with its services.
func (f *Feed) organization(raw []byte, top map[string]any) error {
	if f.Version == Version1 {
		c := newV1()
		out := c.organization(top)
		f.Conversion = append(f.Conversion, c.notes...)
		b, err := json.Marshal(out)
		if err != nil {
			return socialrx.Errorf(socialrx.CodeInternal, "encode the converted organization: %w", err)
		}
		raw = b
		o, err := DecodeOrganization(raw)
		if fields := schema.MergeChecks(c.errs, c.back(socialrx.ErrorFields(err))); len(fields) > 0 {
			return socialrx.Invalid(fields...)
		}
		f.Organization, f.Services = &o.Organization, o.Services
		return nil
	}
	o, err := DecodeOrganization(raw)
	if err != nil {
		return err
	}
	f.Organization, f.Services = &o.Organization, o.Services
	return nil
}

// The names of a list page's members in each version.
type pageNames struct{ contents, totalItems, totalPages, pageNumber, size, first, last, empty string }

var (
	names3 = pageNames{"contents", "total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"}
	names1 = pageNames{"content", "totalElements", "totalPages", "number", "size", "first", "last", "empty"}
)

func (f *Feed) names() pageNames {
	if f.Version == Version1 {
		return names1
	}
	return names3
}

// list decodes a service list page: its envelope, then each item.
func (f *Feed) list(top map[string]any) error {
	n := f.names()
	var env Envelope
	var fields []socialrx.FieldError
	for _, x := range []struct {
		name string
		dst  **int
	}{{n.totalItems, &env.TotalItems}, {n.totalPages, &env.TotalPages}, {n.pageNumber, &env.PageNumber}, {n.size, &env.Size}} {
		v, ok := top[x.name]
		if !ok || v == nil {
			continue
		}
		i, ok := wholeInt(v)
		if !ok || i < 0 {
			fields = append(fields, socialrx.Field("/"+x.name, "must be a whole number, 0 or more"))
			continue
		}
		*x.dst = &i
	}
	for _, x := range []struct {
		name string
		dst  **bool
	}{{n.first, &env.FirstPage}, {n.last, &env.LastPage}, {n.empty, &env.Empty}} {
		v, ok := top[x.name]
		if !ok || v == nil {
			continue
		}
		b, ok := v.(bool)
		if !ok {
			fields = append(fields, socialrx.Field("/"+x.name, "must be true or false"))
			continue
		}
		*x.dst = &b
	}
	items, ok := top[n.contents].([]any)
	if !ok && top[n.contents] != nil {
		fields = append(fields, socialrx.Field("/"+n.contents, "must be an array of services"))
	}
	if len(fields) > 0 {
		return socialrx.Invalid(fields...)
	}
	env.Items = len(items)
	f.Envelope = &env
	f.EnvelopeProblems = env.check(n)
	f.Services = make([]Service, 0, len(items))
	seen := make(map[string]int, len(items))
	for i, item := range items {
		at := "/" + n.contents + "/" + strconv.Itoa(i)
		m, _ := item.(map[string]any)
		var s Service
		var err error
		if m == nil {
			err = socialrx.Invalid(socialrx.Field(at, "must be a JSON object (a service), not %s", typeWords(item)))
		} else {
			raw, merr := json.Marshal(m)
			if merr != nil {
				return socialrx.Errorf(socialrx.CodeInternal, "re-encode item %d: %w", i, merr)
			}
			s, err = f.service(raw, m, at)
		}
		if err == nil {
			if first, dup := seen[s.ID]; dup {
				err = socialrx.Invalid(socialrx.Field(at+"/id", "duplicate id %q: item %d of this page has it too", s.ID, first))
			}
		}
		if err != nil {
			id, _ := m["id"].(string)
			name, _ := m["name"].(string)
			f.Skipped = append(f.Skipped, Skipped{Index: i, ID: id, Name: name, Fields: socialrx.ErrorFields(err)})
			continue
		}
		seen[s.ID] = i
		f.Services = append(f.Services, s)
	}
	return nil
}

// check reports where an envelope disagrees with its page's contents or
// with itself, as the Open Referral UK validator checks pages: size is
// the number of items on the page, empty says whether it has none,
// first_page whether it is page 1, last_page whether it is the last of
// total_pages, and total_items counts at least this page's items and
// gives total_pages at the page's size. Fields the feed left out are not
// checked.
func (e Envelope) check(n pageNames) []socialrx.FieldError {
	var out []socialrx.FieldError
	add := func(name, rule string, args ...any) {
		out = append(out, socialrx.Field("/"+name, rule, args...))
	}
	if e.Size != nil && *e.Size != e.Items {
		add(n.size, "says %d items, but %s holds %d", *e.Size, n.contents, e.Items)
	}
	if e.Empty != nil && *e.Empty != (e.Items == 0) {
		add(n.empty, "is %t, but %s holds %d items", *e.Empty, n.contents, e.Items)
	}
	if e.TotalItems != nil && *e.TotalItems < e.Items {
		add(n.totalItems, "says %d items in all, but this page alone holds %d", *e.TotalItems, e.Items)
	}
	if e.PageNumber != nil {
		if *e.PageNumber < 1 {
			add(n.pageNumber, "must be 1 or more: pages are numbered from 1")
		}
		if e.FirstPage != nil && *e.FirstPage != (*e.PageNumber == 1) {
			add(n.first, "is %t on page %d", *e.FirstPage, *e.PageNumber)
		}
		if e.TotalPages != nil {
			last := *e.PageNumber >= *e.TotalPages
			if e.LastPage != nil && *e.LastPage != last {
				add(n.last, "is %t on page %d of %d", *e.LastPage, *e.PageNumber, *e.TotalPages)
			}
			if *e.TotalPages > 0 && *e.PageNumber > *e.TotalPages {
				add(n.pageNumber, "is %d, past the last page (%s %d)", *e.PageNumber, n.totalPages, *e.TotalPages)
			}
		}
	}
	if e.TotalItems != nil && e.TotalPages != nil {
		notLast := (e.LastPage != nil && !*e.LastPage) || (e.PageNumber != nil && *e.PageNumber < *e.TotalPages)
		switch {
		case notLast && e.Items > 0:
			// A page before the last is full: its size is the page size.
			if want := (*e.TotalItems + e.Items - 1) / e.Items; want != *e.TotalPages {
				add(n.totalPages, "says %d pages, but %d items at %d a page make %d", *e.TotalPages, *e.TotalItems, e.Items, want)
			}
		case *e.TotalItems == 0 && *e.TotalPages > 1:
			add(n.totalPages, "says %d pages of no items", *e.TotalPages)
		}
	}
	return out
}

// wholeInt reads a decoded JSON number that is a whole number, however
// written (10, 10.0, 1e1).
func wholeInt(v any) (int, bool) {
	num, ok := v.(json.Number)
	if !ok {
		if f, isFloat := v.(float64); isFloat {
			num = json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		} else {
			return 0, false
		}
	}
	i, err := strconv.Atoi(string(schema.WholeNumbers([]byte(num))))
	return i, err == nil
}

// typeWords names the JSON type of a decoded value, for messages.
func typeWords(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "true or false"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a number"
}

// prefixFields returns fields with each pointer prefixFields with at.
func prefixFields(at string, fields []socialrx.FieldError) []socialrx.FieldError {
	if at == "" {
		return fields
	}
	out := make([]socialrx.FieldError, len(fields))
	for i, f := range fields {
		out[i] = socialrx.FieldError{Path: at + f.Path, Rule: f.Rule}
	}
	return out
}

// String describes an envelope in one line, as the feed gave it.
func (e Envelope) String() string {
	show := func(p *int) string {
		if p == nil {
			return "?"
		}
		return strconv.Itoa(*p)
	}
	return fmt.Sprintf("page %s of %s, %d items here, %s in all", show(e.PageNumber), show(e.TotalPages), e.Items, show(e.TotalItems))
}
