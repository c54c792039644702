package host

import (
	"context"
	"errors"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// ImportOutcome says how an ORUK import went, so that a script can tell:
//
//	complete   every service offered was stored and the list's envelope
//	           agrees with its contents (HTTP 200; the CLI exits 0)
//	partial    some services were stored, but some were refused or the
//	           envelope disagrees with the contents (HTTP 200 with the
//	           report; the CLI exits 3 unless --allow-partial)
//	rejected   services were offered and none was stored (HTTP 422 with
//	           the report; the CLI exits 1)
//
// A document refused whole (not an ORUK document, a malformed envelope, a
// bad single service or organization) stores nothing and is an invalid
// error (HTTP 400; the CLI exits 1). What an ORUK 1.x feed could not carry
// into 3.0 is reported but does not make an import partial.
type ImportOutcome string

// The outcomes of an ORUK import.
const (
	ImportComplete ImportOutcome = "complete"
	ImportPartial  ImportOutcome = "partial"
	ImportRejected ImportOutcome = "rejected"
)

// EnumValues lists the import outcomes, for JSON Schema reflection.
func (ImportOutcome) EnumValues() []string {
	return []string{string(ImportComplete), string(ImportPartial), string(ImportRejected)}
}

// ImportReport says what an ORUK import stored (or, from [CheckORUK], would
// store) and what it skipped, with every problem at a JSON pointer into
// the document as given.
type ImportReport struct {
	// Outcome is complete, partial or rejected (see [ImportOutcome]).
	Outcome ImportOutcome `json:"outcome"`
	// Kind is what the document was: service_list, service or organization.
	Kind directory.FeedKind `json:"kind" jsonschema:"enum=service_list,enum=service,enum=organization"`
	// Version is the ORUK version it was read as: "3.0" or "1.0".
	Version string `json:"version" jsonschema:"enum=3.0,enum=1.0"`
	// Page is a list page's paging envelope, as the feed gave it.
	Page *directory.Envelope `json:"page,omitempty"`
	// Imported counts the services stored (created, updated or unchanged).
	Imported int `json:"imported"`
	// Organizations counts the organizations stored from this document (an
	// organization on two pages of a feed is counted on each).
	Organizations int `json:"organizations"`
	// Skipped are the services refused, each with every failing field.
	Skipped []directory.Skipped `json:"skipped,omitempty"`
	// Envelope lists where a list page's paging envelope disagrees with
	// its contents or itself.
	Envelope []socialrx.FieldError `json:"envelope,omitempty"`
	// Conversion lists, for an ORUK 1.x document, what could not be
	// carried into ORUK 3.0 or was carried differently.
	Conversion []socialrx.FieldError `json:"conversion,omitempty"`
}

// ErrNothingImported marks the error of an import in which every service
// offered was refused (outcome rejected): its fields are every skipped
// service's, and the report that comes with it says the rest.
var ErrNothingImported = errors.New("no service was imported: every one offered was refused")

// CheckORUK reads an ORUK document as [Service.ImportORUK] does and stores
// nothing: a page of a service list, a service_full or an organization
// with its services, of ORUK 3.0 or 1.x (converted), of the kind want
// names ("" for any). The report is the one the import would give, but
// for Imported and Organizations, which count what it would store. It is
// what "socialrx validate --type oruk-service-list" runs. Codes: invalid
// (the document is refused whole; or, wrapping [ErrNothingImported],
// every service it offers is refused).
func CheckORUK(doc []byte, want directory.FeedKind) (ImportReport, error) {
	rep, _, _, err := readORUK(doc, want)
	return rep, err
}

// readORUK decodes an ORUK document and says what importing it stores.
func readORUK(doc []byte, want directory.FeedKind) (ImportReport, []directory.Service, []directory.Organization, error) {
	f, err := directory.DecodeFeed(doc, want)
	if err != nil {
		return ImportReport{}, nil, nil, err
	}
	var orgs []directory.Organization
	if f.Organization != nil {
		orgs = append(orgs, *f.Organization)
		for i := range f.Services {
			if f.Services[i].OrganizationID == "" {
				f.Services[i].OrganizationID = f.Organization.ID // the organization it came in
			}
		}
	}
	seen := map[string]bool{}
	for _, svc := range f.Services {
		if o := svc.Organization; o != nil && !seen[o.ID] && (f.Organization == nil || o.ID != f.Organization.ID) {
			seen[o.ID] = true
			orgs = append(orgs, *o)
		}
	}
	rep := ImportReport{Kind: f.Kind, Version: f.Version, Page: f.Envelope, Imported: len(f.Services), Organizations: len(orgs),
		Skipped: f.Skipped, Envelope: f.EnvelopeProblems, Conversion: f.Conversion}
	rep.Outcome = rep.outcome()
	if rep.Outcome == ImportRejected {
		return rep, nil, nil, rep.rejected()
	}
	return rep, f.Services, orgs, nil
}

// outcome tells the report's outcome from its counts.
func (r ImportReport) outcome() ImportOutcome {
	switch {
	case r.Imported == 0 && len(r.Skipped) > 0:
		return ImportRejected
	case len(r.Skipped) > 0 || len(r.Envelope) > 0:
		return ImportPartial
	}
	return ImportComplete
}

// rejected is the error of a rejected import: every skipped field.
func (r ImportReport) rejected() error {
	var fields []socialrx.FieldError
	for _, s := range r.Skipped {
		fields = append(fields, s.Fields...)
	}
	return &socialrx.Error{Code: socialrx.CodeInvalid, Message: ErrNothingImported.Error(), Fields: fields, Err: ErrNothingImported}
}

// ImportORUK imports an ORUK document: a page of a service list, one
// service_full, or an organization with its services, of ORUK 3.0 or of
// the first Open Referral UK version (1.x, converted to 3.0; the report
// says what could not be carried). Bad services in a list are skipped and
// reported; the good ones are stored. progress, if not nil, is called
// after each service. Only admins may import.
//
// The report's Outcome tells complete, partial or rejected (see
// [ImportOutcome]); a rejected import stores nothing and returns the
// report with an invalid error wrapping [ErrNothingImported]. Codes:
// forbidden, invalid (a document refused whole, or every service
// refused), unavailable.
func (s *Service) ImportORUK(ctx context.Context, p Principal, doc []byte, progress func(done, total int)) (ImportReport, error) {
	if err := forbid(p, "import the directory", referral.RoleAdmin, referral.RoleSystem); err != nil {
		return ImportReport{}, err
	}
	rep, services, orgs, err := readORUK(doc, "")
	if err != nil {
		return rep, err
	}
	// From here the counts are of what was stored, should the store fail.
	rep.Imported, rep.Organizations = 0, 0
	defer func() {
		if rep.Imported > 0 || rep.Organizations > 0 {
			_ = s.syncDirectory(ctx, true) // so that this host's next search sees the import
		}
	}()
	for _, o := range orgs {
		if err := s.upsert(ctx, p, plugins.Document{Kind: plugins.KindOrganization, ID: o.ID, Data: s.encode(plugins.KindOrganization, o)}); err != nil {
			return rep, err
		}
		rep.Organizations++
	}
	for i, svc := range services {
		d := plugins.Document{Kind: plugins.KindService, ID: svc.ID, Status: string(svc.Status), Partner: svc.OrganizationID, Data: s.encode(plugins.KindService, svc)}
		if err := s.upsert(ctx, p, d); err != nil {
			return rep, err
		}
		rep.Imported++
		if progress != nil {
			progress(i+1, len(services))
		}
	}
	return rep, nil
}
