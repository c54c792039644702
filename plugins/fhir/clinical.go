package fhir

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

var _ plugins.ClinicalSystem = (*Client)(nil)

// serverData is the error for a resource the server returned that
// socialrx cannot read: unavailable (the server's data, not the caller's
// input, is at fault; a retry after it is fixed may pass), naming the
// resource and every problem.
func serverData(what string, err error) error {
	return &socialrx.Error{Code: socialrx.CodeUnavailable, Message: fmt.Sprintf("FHIR server returned %s, which socialrx cannot read: %v", what, err), Err: err}
}

// findPatient returns the one Patient with the NHS number, and its reference.
// Codes: not_found, conflict (several patients have the number), unavailable.
func (c *Client) findPatient(ctx context.Context, nhs string) (*Patient, string, error) {
	found, err := c.SearchByIdentifier(ctx, "Patient", Identifier{System: SystemNHSNumber, Value: nhs})
	if err != nil {
		return nil, "", err
	}
	switch len(found) {
	case 0:
		return nil, "", socialrx.Errorf(socialrx.CodeNotFound, "no patient with NHS number %s on the FHIR server", nhs)
	case 1:
	default:
		return nil, "", socialrx.Errorf(socialrx.CodeConflict, "%d patients with NHS number %s on the FHIR server", len(found), nhs)
	}
	var pt Patient
	if err := unmarshalResource(found[0], "Patient", &pt); err != nil {
		return nil, "", serverData("a Patient", err)
	}
	if pt.ID == "" {
		return nil, "", serverData("a Patient", fmt.Errorf("it has no id"))
	}
	return &pt, "Patient/" + pt.ID, nil
}

// RecordEvent files a coded event in the person's record: it finds the
// Patient by NHS number and creates a Procedure or Observation (see
// [CodedEventToFHIR]) with a conditional create on the identifier made
// from the idempotency key, so a retry, even one racing the first call,
// returns the first record's reference ("Procedure/123") and records
// nothing new. Codes: invalid (see [CheckCodedEvent]; or the server
// refused the resource), not_found (no patient with the NHS number),
// conflict (several patients have it), unavailable.
func (c *Client) RecordEvent(ctx context.Context, e plugins.CodedEvent) (string, error) {
	if err := CheckCodedEvent(e); err != nil {
		return "", err
	}
	_, ref, err := c.findPatient(ctx, e.NHSNumber)
	if err != nil {
		return "", err
	}
	res, err := CodedEventToFHIR(e, ref)
	if err != nil {
		return "", err
	}
	id := IdempotencyIdentifier(e.IdempotencyKey)
	out, _, err := c.Create(ctx, res, &id)
	return out, err
}

// LookupPerson finds the Patient with the NHS number (ten digits, no
// spaces) and returns it as a referral.Person JSON document (see
// [PersonOf]). Codes: invalid (not ten digits, or a bad check digit),
// not_found, conflict (several patients have the number), unavailable
// (also for a Patient socialrx cannot read).
func (c *Client) LookupPerson(ctx context.Context, nhsNumber string) (json.RawMessage, error) {
	if errs := checkNHSNumber("/nhs_number", nhsNumber); errs != nil {
		return nil, socialrx.Invalid(errs...)
	}
	pt, ref, err := c.findPatient(ctx, nhsNumber)
	if err != nil {
		return nil, err
	}
	p, err := PersonOf(pt)
	if err != nil {
		return nil, serverData(ref, err)
	}
	return json.Marshal(p)
}

// maxTies bounds how many ServiceRequests last updated in the same instant
// a pull reads at once.
const maxTies = 1000

// PullReferrals returns the social prescribing referrals made or changed
// on the server after cursor ("" for the start), at most limit (0 means
// 100, at most 1000), oldest first, as referral documents (see
// [ReferralFromFHIR]), with the cursor to continue from. It searches
// active ServiceRequests coded SNOMED CT 871731000000106 by _lastUpdated
// and reads their Patients, Tasks and Consents. Referrals last updated in
// the same instant are ordered by server id, so paging neither skips nor
// repeats one. Codes: invalid (a cursor this adapter did not issue, a bad
// limit), unavailable (also when a referral on the server cannot be read:
// the error names it, and the pull does not pass it until it is fixed).
func (c *Client) PullReferrals(ctx context.Context, cur string, limit int) (plugins.ReferralBatch, error) {
	if limit == 0 {
		limit = 100
	}
	if limit < 0 || limit > 1000 {
		return plugins.ReferralBatch{}, socialrx.Invalid(socialrx.Field("/limit", "must be 1 to 1000 (0 means 100), not %d", limit))
	}
	from, err := parseCursor(cur)
	if err != nil {
		return plugins.ReferralBatch{}, err
	}
	srs, err := c.nextServiceRequests(ctx, from, limit)
	if err != nil {
		return plugins.ReferralBatch{}, err
	}
	resources, err := c.assemble(ctx, srs)
	if err != nil {
		return plugins.ReferralBatch{}, err
	}
	batch := plugins.ReferralBatch{Referrals: []json.RawMessage{}, Cursor: from.encode()}
	for _, res := range resources {
		r, err := ReferralFromFHIR(res)
		if err != nil {
			return plugins.ReferralBatch{}, serverData("ServiceRequest/"+res.ServiceRequest.ID, err)
		}
		doc, err := json.Marshal(r)
		if err != nil {
			return plugins.ReferralBatch{}, socialrx.Errorf(socialrx.CodeInternal, "encode referral: %v", err)
		}
		batch.Referrals = append(batch.Referrals, doc)
	}
	if n := len(srs); n > 0 {
		batch.Cursor = cursor{LastUpdated: srs[n-1].Meta.LastUpdated, ID: srs[n-1].ID}.encode()
	}
	return batch, nil
}

// stamped is a ServiceRequest with its parsed last update.
type stamped struct {
	sr *ServiceRequest
	at time.Time
}

// nextServiceRequests returns the next at most limit referral
// ServiceRequests after the cursor, in (last updated, id) order.
func (c *Client) nextServiceRequests(ctx context.Context, from cursor, limit int) ([]*ServiceRequest, error) {
	search := func(lastUpdated ...string) ([]stamped, error) {
		q := url.Values{
			"code":   {SystemSNOMED + "|" + referral.SNOMEDReferred},
			"status": {"active"},
			"_sort":  {"_lastUpdated"},
			"_count": {strconv.Itoa(limit)},
		}
		if len(lastUpdated) > 0 {
			q["_lastUpdated"] = lastUpdated
		}
		if len(lastUpdated) == 2 {
			q.Set("_count", strconv.Itoa(maxTies))
		}
		raws, err := c.Search(ctx, "ServiceRequest", q)
		if err != nil {
			return nil, err
		}
		out := make([]stamped, 0, len(raws))
		for _, raw := range raws {
			sr := new(ServiceRequest)
			if err := unmarshalResource(raw, "ServiceRequest", sr); err != nil {
				return nil, serverData("a ServiceRequest", err)
			}
			if sr.ID == "" || sr.Meta == nil {
				return nil, serverData("ServiceRequest/"+sr.ID, fmt.Errorf("it has no id or meta.lastUpdated"))
			}
			t, err := time.Parse(time.RFC3339Nano, sr.Meta.LastUpdated)
			if err != nil {
				return nil, serverData("ServiceRequest/"+sr.ID, fmt.Errorf("meta.lastUpdated %q is not an instant", sr.Meta.LastUpdated))
			}
			out = append(out, stamped{sr, t})
		}
		return out, nil
	}
	prefix := "ge"
	for range 2 {
		var bound []string
		if from.LastUpdated != "" {
			bound = []string{prefix + from.LastUpdated}
		}
		page, err := search(bound...)
		if err != nil {
			return nil, err
		}
		clipped := len(page) >= limit
		cands := page
		if clipped {
			// The page may hold only some of the ServiceRequests last
			// updated at its latest instant: read all of them.
			last := slices.MaxFunc(page, func(a, b stamped) int { return a.at.Compare(b.at) })
			ts := last.sr.Meta.LastUpdated
			ties, err := search("ge"+ts, "le"+ts)
			if err != nil {
				return nil, err
			}
			cands = slices.DeleteFunc(slices.Clone(page), func(s stamped) bool { return !s.at.Before(last.at) })
			cands = append(cands, ties...)
		}
		slices.SortFunc(cands, func(a, b stamped) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			return strings.Compare(a.sr.ID, b.sr.ID)
		})
		var out []*ServiceRequest
		for i, s := range cands {
			if i > 0 && cands[i-1].sr.ID == s.sr.ID {
				continue
			}
			if from.after(s.at, s.sr.ID) && len(out) < limit {
				out = append(out, s.sr)
			}
		}
		if len(out) > 0 || !clipped {
			return out, nil
		}
		// Every ServiceRequest of the page was updated at the cursor's
		// instant and already pulled: continue after that instant.
		prefix = "gt"
	}
	return nil, nil
}

// refID returns the id in a reference to a resource of type typ on this
// server ("Patient/123", or the same with the base URL or a version).
func (c *Client) refID(ref, typ string) (string, bool) {
	ref = strings.TrimPrefix(ref, c.base.String())
	rest, ok := strings.CutPrefix(ref, typ+"/")
	if !ok {
		return "", false
	}
	id, _, _ := strings.Cut(rest, "/")
	return id, fhirID.MatchString(id)
}

// searchIn reads the resources of type typ whose param is one of values,
// a few values per request.
func (c *Client) searchIn(ctx context.Context, typ, param string, values []string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for chunk := range slices.Chunk(values, 50) {
		q := url.Values{param: {strings.Join(chunk, ",")}, "_count": {strconv.Itoa(maxTies)}}
		found, err := c.Search(ctx, typ, q)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// assemble reads the Patients, Tasks and Consents of ServiceRequests.
func (c *Client) assemble(ctx context.Context, srs []*ServiceRequest) ([]*ReferralResources, error) {
	if len(srs) == 0 {
		return nil, nil
	}
	var patientIDs, consentIDs, focus []string
	for _, sr := range srs {
		id, ok := c.refID(sr.Subject.Reference, "Patient")
		if !ok {
			return nil, serverData("ServiceRequest/"+sr.ID, fmt.Errorf("its subject %q is not a Patient on this server", sr.Subject.Reference))
		}
		patientIDs = append(patientIDs, id)
		for _, si := range sr.SupportingInfo {
			if id, ok := c.refID(si.Reference, "Consent"); ok {
				consentIDs = append(consentIDs, id)
			}
		}
		focus = append(focus, "ServiceRequest/"+sr.ID)
	}
	patients := map[string]*Patient{}
	raws, err := c.searchIn(ctx, "Patient", "_id", dedupe(patientIDs))
	if err != nil {
		return nil, err
	}
	for _, raw := range raws {
		pt := new(Patient)
		if err := unmarshalResource(raw, "Patient", pt); err != nil {
			return nil, serverData("a Patient", err)
		}
		patients[pt.ID] = pt
	}
	consents := map[string]*Consent{}
	raws, err = c.searchIn(ctx, "Consent", "_id", dedupe(consentIDs))
	if err != nil {
		return nil, err
	}
	for _, raw := range raws {
		cs := new(Consent)
		if err := unmarshalResource(raw, "Consent", cs); err != nil {
			return nil, serverData("a Consent", err)
		}
		consents[cs.ID] = cs
	}
	tasks := map[string]*Task{}
	raws, err = c.searchIn(ctx, "Task", "focus", focus)
	if err != nil {
		return nil, err
	}
	for _, raw := range raws {
		t := new(Task)
		if err := unmarshalResource(raw, "Task", t); err != nil {
			return nil, serverData("a Task", err)
		}
		if t.Focus == nil {
			continue
		}
		id, ok := c.refID(t.Focus.Reference, "ServiceRequest")
		if !ok {
			continue
		}
		// Prefer the socialrx Task when the server holds others too.
		if prev := tasks[id]; prev == nil || identifierIn(prev.Identifier, SystemReferralID) == "" {
			tasks[id] = t
		}
	}
	out := make([]*ReferralResources, 0, len(srs))
	for _, sr := range srs {
		pid, _ := c.refID(sr.Subject.Reference, "Patient")
		res := &ReferralResources{ServiceRequest: sr, Patient: patients[pid], Task: tasks[sr.ID], Base: c.BaseURL()}
		if res.Patient == nil {
			return nil, serverData("ServiceRequest/"+sr.ID, fmt.Errorf("its subject %s is not on the server", sr.Subject.Reference))
		}
		for _, si := range sr.SupportingInfo {
			if id, ok := c.refID(si.Reference, "Consent"); ok {
				if cs := consents[id]; cs != nil {
					res.Consents = append(res.Consents, cs)
				}
			}
		}
		out = append(out, res)
	}
	return out, nil
}

func dedupe(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// PushReferral writes a referral to the server as one transaction (see
// [ReferralToFHIR] and [ReferralResources.Transaction]) and returns the
// reference of its ServiceRequest. Pushing it again updates the same
// resources. Codes: invalid (the referral breaks a rule, or the server
// refused it), conflict, unavailable.
func (c *Client) PushReferral(ctx context.Context, r *referral.Referral) (string, error) {
	res, err := ReferralToFHIR(r, c.service)
	if err != nil {
		return "", err
	}
	out, err := c.Transaction(ctx, res.Transaction())
	if err != nil {
		return "", err
	}
	return locationOf(out, "ServiceRequest")
}

// locationOf returns the reference of the first entry of type typ in a
// transaction response.
func locationOf(b *Bundle, typ string) (string, error) {
	for _, e := range b.Entry {
		if e.Response == nil {
			continue
		}
		if rest, ok := strings.CutPrefix(e.Response.Location, typ+"/"); ok {
			id, _, _ := strings.Cut(rest, "/")
			return typ + "/" + id, nil
		}
	}
	return "", badBody("POST transaction", fmt.Errorf("no %s in the response", typ))
}

// GetReferral reads the referral with the socialrx id from the server
// (see [ReferralFromFHIR]). Codes: not_found, conflict (several
// ServiceRequests have the id), unavailable (also for resources socialrx
// cannot read).
func (c *Client) GetReferral(ctx context.Context, id string) (*referral.Referral, error) {
	sr, err := c.oneByIdentifier(ctx, Identifier{System: SystemReferralID, Value: id})
	if err != nil {
		return nil, err
	}
	res, err := c.assemble(ctx, []*ServiceRequest{sr})
	if err != nil {
		return nil, err
	}
	r, err := ReferralFromFHIR(res[0])
	if err != nil {
		return nil, serverData("ServiceRequest/"+sr.ID, err)
	}
	return r, nil
}

// oneByIdentifier reads the one ServiceRequest with the identifier.
func (c *Client) oneByIdentifier(ctx context.Context, id Identifier) (*ServiceRequest, error) {
	found, err := c.SearchByIdentifier(ctx, "ServiceRequest", id)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, socialrx.Errorf(socialrx.CodeNotFound, "no ServiceRequest with identifier %s|%s", id.System, id.Value)
	case 1:
	default:
		return nil, socialrx.Errorf(socialrx.CodeConflict, "%d ServiceRequests with identifier %s|%s", len(found), id.System, id.Value)
	}
	sr := new(ServiceRequest)
	if err := unmarshalResource(found[0], "ServiceRequest", sr); err != nil {
		return nil, serverData("a ServiceRequest", err)
	}
	return sr, nil
}

// PushOnwardReferral writes an onward referral to the server as one
// transaction (see [OnwardToFHIR]) and returns the reference of its Task,
// which the partner updates as they act. Codes: invalid, conflict,
// unavailable.
func (c *Client) PushOnwardReferral(ctx context.Context, o *referral.OnwardReferral) (string, error) {
	res, err := OnwardToFHIR(o)
	if err != nil {
		return "", err
	}
	out, err := c.Transaction(ctx, res.Transaction())
	if err != nil {
		return "", err
	}
	return locationOf(out, "Task")
}

// GetOnwardReferral reads the onward referral with the socialrx id from
// the server, with the status the partner has set on its Task (see
// [OnwardFromFHIR]). Codes: not_found, conflict, unavailable.
func (c *Client) GetOnwardReferral(ctx context.Context, id string) (*referral.OnwardReferral, error) {
	key := Identifier{System: SystemOnwardReferralID, Value: id}
	sr, err := c.oneByIdentifier(ctx, key)
	if err != nil {
		return nil, err
	}
	res := &OnwardResources{ServiceRequest: sr, Task: new(Task), Patient: new(Patient)}
	for _, x := range []struct {
		typ string
		v   any
	}{{"Task", res.Task}, {"Patient", res.Patient}} {
		found, err := c.SearchByIdentifier(ctx, x.typ, key)
		if err != nil {
			return nil, err
		}
		if len(found) != 1 {
			return nil, serverData("onward referral "+id, fmt.Errorf("%d %s resources with its identifier", len(found), x.typ))
		}
		if err := unmarshalResource(found[0], x.typ, x.v); err != nil {
			return nil, serverData("a "+x.typ, err)
		}
	}
	o, err := OnwardFromFHIR(res)
	if err != nil {
		return nil, serverData("ServiceRequest/"+sr.ID, err)
	}
	return o, nil
}
