package memory

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync"

	"github.com/google/uuid"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// FakeNHSNumbers are the NHS numbers of the people a new
// [FakeClinicalSystem] holds; FakeUnknownNHSNumber is valid but of no one.
var FakeNHSNumbers = []string{"9434765919", "9449306060", "4010232137"}

// FakeUnknownNHSNumber is a valid NHS number that no seeded person has.
const FakeUnknownNHSNumber = "9000000009"

// FakeClinicalSystem is a [plugins.ClinicalSystem] in memory for tests and
// development: it holds made-up people and referrals, and remembers the
// coded events recorded so a test can look at them. It is not a GP system.
type FakeClinicalSystem struct {
	mu        sync.Mutex
	people    map[string]json.RawMessage
	referrals []json.RawMessage
	recorded  map[string]RecordedEvent // by idempotency key
	order     []string
}

// RecordedEvent is a coded event a [FakeClinicalSystem] recorded, with the
// reference it returned.
type RecordedEvent struct {
	// Ref is the reference RecordEvent returned.
	Ref string `json:"ref"`
	// Event is the coded event as first recorded.
	Event plugins.CodedEvent `json:"event"`
}

var _ plugins.ClinicalSystem = (*FakeClinicalSystem)(nil)

// NewFakeClinicalSystem returns a fake holding the people of
// [FakeNHSNumbers] and one referral for each of them.
func NewFakeClinicalSystem() *FakeClinicalSystem {
	f := &FakeClinicalSystem{people: map[string]json.RawMessage{}, recorded: map[string]RecordedEvent{}}
	seed := []struct{ given, family, dob, postcode, phone, need string }{
		{"Ada", "Okafor", "1948-03-14", "E1 6AN", "+447700900123", "loneliness_isolation"},
		{"Bilal", "Hussain", "1971-11-02", "E2 7DJ", "+447700900456", "debt_money"},
		{"Carys", "Evans", "1995-06-30", "E3 4PH", "+447700900789", "mental_wellbeing"},
	}
	for i, p := range seed {
		person := map[string]any{
			"given_name": p.given, "family_name": p.family, "date_of_birth": p.dob,
			"nhs_number": FakeNHSNumbers[i], "postcode": p.postcode,
			"contact": map[string]any{"methods": []string{"phone"}, "phone": p.phone},
		}
		doc, _ := json.Marshal(person)
		f.people[FakeNHSNumbers[i]] = doc
		ref, _ := json.Marshal(map[string]any{
			"id":     uuid.NewSHA1(uuid.NameSpaceURL, []byte("socialrx-fake-referral-"+FakeNHSNumbers[i])).String(),
			"person": person, "needs": []string{p.need}, "urgency": "routine",
			"referrer": map[string]any{"kind": "gp", "name": "Dr Patel", "organisation": "Fake Surgery"},
			"consents": map[string]any{"referral": map[string]any{"given": true, "recorded_by": "Dr Patel", "recorded_at": "2026-01-05T09:00:00Z"}},
		})
		f.referrals = append(f.referrals, ref)
	}
	return f
}

// isObject reports whether b is a JSON object.
func isObject(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(b)
}

// AddPerson adds or replaces a person, a JSON object with a valid
// "nhs_number". Codes: invalid.
func (f *FakeClinicalSystem) AddPerson(person json.RawMessage) error {
	var p struct {
		NHSNumber string `json:"nhs_number"`
	}
	if !isObject(person) || json.Unmarshal(person, &p) != nil {
		return socialrx.Invalid(socialrx.Field("", "must be a JSON object"))
	}
	if !validNHSNumber(p.NHSNumber) {
		return socialrx.Invalid(socialrx.Field("/nhs_number", "must be 10 digits with a valid modulus 11 check digit"))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.people[p.NHSNumber] = clone(person)
	return nil
}

// AddReferral makes a referral, a JSON object with an "id", the next one
// PullReferrals returns. Codes: invalid, unavailable (ctx done).
func (f *FakeClinicalSystem) AddReferral(ctx context.Context, referral json.RawMessage) error {
	if err := live(ctx); err != nil {
		return err
	}
	var r struct {
		ID string `json:"id"`
	}
	if !isObject(referral) || json.Unmarshal(referral, &r) != nil || r.ID == "" {
		return socialrx.Invalid(socialrx.Field("/id", "a referral must be a JSON object with an id"))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.referrals = append(f.referrals, clone(referral))
	return nil
}

// Recorded returns the coded events recorded so far, in order.
func (f *FakeClinicalSystem) Recorded() []RecordedEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]RecordedEvent, len(f.order))
	for i, k := range f.order {
		out[i] = f.recorded[k]
	}
	return out
}

// RecordEvent records a coded event for a known person and returns a
// reference; a repeated key returns the first. Codes: invalid, not_found
// (no such person), unavailable (ctx done).
func (f *FakeClinicalSystem) RecordEvent(ctx context.Context, e plugins.CodedEvent) (string, error) {
	if err := validateCodedEvent(e); err != nil {
		return "", err
	}
	if err := live(ctx); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.recorded[e.IdempotencyKey]; ok {
		return r.Ref, nil
	}
	if f.people[e.NHSNumber] == nil {
		return "", socialrx.Errorf(socialrx.CodeNotFound, "no person with NHS number %s", e.NHSNumber)
	}
	ref := "fake-gp-" + uuid.NewString()
	f.recorded[e.IdempotencyKey] = RecordedEvent{Ref: ref, Event: e}
	f.order = append(f.order, e.IdempotencyKey)
	return ref, nil
}

// LookupPerson returns the person's demographics. Codes: invalid (bad NHS
// number), not_found, unavailable (ctx done).
func (f *FakeClinicalSystem) LookupPerson(ctx context.Context, nhsNumber string) (json.RawMessage, error) {
	if !validNHSNumber(nhsNumber) {
		return nil, socialrx.Invalid(socialrx.Field("/nhs_number", "must be 10 digits with a valid modulus 11 check digit"))
	}
	if err := live(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.people[nhsNumber]
	if p == nil {
		return nil, socialrx.Errorf(socialrx.CodeNotFound, "no person with NHS number %s", nhsNumber)
	}
	return clone(p), nil
}

// PullReferrals returns up to limit referrals added after cursor ("" for
// the start); limit 0 or less means 100. Codes: invalid (bad cursor),
// unavailable (ctx done).
func (f *FakeClinicalSystem) PullReferrals(ctx context.Context, cursor string, limit int) (plugins.ReferralBatch, error) {
	from := 0
	if cursor != "" {
		n, err := strconv.Atoi(cursor)
		if err != nil || n < 0 {
			return plugins.ReferralBatch{}, socialrx.Invalid(socialrx.Field("/cursor", "is not a cursor this system issued"))
		}
		from = n
	}
	if limit <= 0 {
		limit = 100
	}
	if err := live(ctx); err != nil {
		return plugins.ReferralBatch{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if from > len(f.referrals) {
		return plugins.ReferralBatch{}, socialrx.Invalid(socialrx.Field("/cursor", "is past the end"))
	}
	to := min(from+limit, len(f.referrals))
	b := plugins.ReferralBatch{Referrals: make([]json.RawMessage, 0, to-from), Cursor: strconv.Itoa(to)}
	for _, r := range f.referrals[from:to] {
		b.Referrals = append(b.Referrals, slices.Clone(r))
	}
	return b, nil
}

// validateCodedEvent checks every field of e.
func validateCodedEvent(e plugins.CodedEvent) error {
	var fs []socialrx.FieldError
	if e.IdempotencyKey == "" {
		fs = append(fs, socialrx.Field("/idempotency_key", "is required"))
	}
	if !validNHSNumber(e.NHSNumber) {
		fs = append(fs, socialrx.Field("/nhs_number", "must be 10 digits with a valid modulus 11 check digit"))
	}
	if n := len(e.SNOMED); n < 6 || n > 18 || !digits(e.SNOMED) {
		fs = append(fs, socialrx.Field("/snomed", "must be a SNOMED CT concept id, 6 to 18 digits"))
	}
	if e.Date.IsZero() {
		fs = append(fs, socialrx.Field("/date", "is required"))
	}
	if e.ReferralID == "" {
		fs = append(fs, socialrx.Field("/referral_id", "is required"))
	}
	return socialrx.Invalid(fs...)
}

func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// validNHSNumber checks 10 digits and the modulus 11 check digit.
func validNHSNumber(s string) bool {
	if len(s) != 10 || !digits(s) {
		return false
	}
	sum := 0
	for i := range 9 {
		sum += int(s[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(s[9]-'0')
}
