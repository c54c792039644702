package directory

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Unverified is a service whose entry has not been checked recently, with
// the ways to reach it so it can be asked to confirm.
type Unverified struct {
	// ID is the service's id.
	ID string `json:"id"`
	// Name is the service's name.
	Name string `json:"name"`
	// Status is the service's status as the directory has it.
	Status Status `json:"status"`
	// LastVerified is the last check, if there was one.
	LastVerified *Verification `json:"last_verified,omitempty"`
	// DaysSince is the number of days since the last check, -1 when never checked.
	DaysSince int `json:"days_since"`
	// Email is the service's email address.
	Email string `json:"email,omitempty"`
	// Phones are the service's phone numbers.
	Phones []Phone `json:"phones,omitempty"`
	// Contacts are the service's named contacts.
	Contacts []Contact `json:"contacts,omitempty"`
	// Organization is the organization's name.
	Organization string `json:"organization,omitempty"`
	// OrganizationEmail is the organization's email address.
	OrganizationEmail string `json:"organization_email,omitempty"`
}

// Unverified lists the services (all but defunct ones) not checked within
// the last days days of now, never-checked first, then the longest
// unchecked, then by name. It returns [socialrx.CodeInvalid] when days is
// below 1.
func (ix *Index) Unverified(now time.Time, days int) ([]Unverified, error) {
	if days < 1 {
		return nil, socialrx.Invalid(socialrx.Field("/days", "must be at least 1"))
	}
	today := socialrx.DateOf(now)
	cutoff := today.AddDays(-days)
	var out []Unverified
	for _, d := range ix.docs {
		if d == nil || d.svc.Status == StatusDefunct || !d.verified.IsZero() && !d.verified.Before(cutoff) {
			continue
		}
		s := d.svc.Clone()
		u := Unverified{
			ID: s.ID, Name: s.Name, Status: s.Status, DaysSince: -1,
			Email: s.Email, Phones: s.Phones, Contacts: s.Contacts,
		}
		if v := s.Extensions.LastVerified; v != nil {
			u.LastVerified = v
			u.DaysSince = int(today.Time().Sub(v.Date.Time()).Hours() / 24)
		}
		if o := s.Organization; o != nil {
			u.Organization, u.OrganizationEmail = o.Name, o.Email
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b Unverified) int {
		da, db := a.DaysSince, b.DaysSince
		if da < 0 {
			da = int(^uint(0) >> 1)
		}
		if db < 0 {
			db = int(^uint(0) >> 1)
		}
		if c := cmp.Compare(db, da); c != 0 {
			return c
		}
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Area is a part of the map that needs are counted in: a circle, a set of
// postcode districts, or a name that services' service areas mention.
type Area struct {
	// Name names the area, such as a ward; a service whose service area
	// names it serves it.
	Name string `json:"name" jsonschema:"minLength=1"`
	// Center and RadiusKm make the area a circle.
	Center *Point `json:"center,omitempty"`
	// RadiusKm is the circle's radius.
	RadiusKm float64 `json:"radius_km,omitempty" jsonschema:"minimum=0"`
	// Postcodes are postcode districts (outward codes) such as "LS6".
	Postcodes []string `json:"postcodes,omitempty"`
}

// Demand counts the referrals in an area that named a need.
type Demand struct {
	// Area is where the referrals came from.
	Area Area `json:"area"`
	// Need is the need the referrals named.
	Need socialrx.Need `json:"need"`
	// Referrals is the number of referrals.
	Referrals int `json:"referrals" jsonschema:"minimum=1"`
}

// Gap is a need that came up in an area where no active service with space
// meets it: a gap for commissioners.
type Gap struct {
	// Area is the area's name.
	Area string `json:"area"`
	// Need is the unmet need.
	Need socialrx.Need `json:"need"`
	// Referrals is the number of referrals that named it.
	Referrals int `json:"referrals"`
	// Full is the number of active services in the area that meet the need but are full.
	Full int `json:"full"`
	// Online is the number of active services meeting the need online, from anywhere.
	Online int `json:"online"`
}

// Gaps returns the demands that no active service serving the area, with
// space (or not saying it is full), meets: most referrals first. A service
// serves an area when one of its locations lies in the circle or has a
// postcode in the districts, or its service area names the area. It returns
// [socialrx.CodeInvalid] naming each bad demand field, such as an unknown
// need, an area with no circle, postcodes or name, or an area and need
// given twice.
func (ix *Index) Gaps(demand []Demand) ([]Gap, error) {
	var errs []socialrx.FieldError
	seen := map[string]int{}
	for i, dm := range demand {
		p := "/" + strconv.Itoa(i)
		a := dm.Area
		if strings.TrimSpace(a.Name) == "" {
			errs = append(errs, socialrx.Field(p+"/area/name", "must not be blank"))
		}
		if a.Center != nil {
			errs = append(errs, a.Center.check(p+"/area/center")...)
			if !(a.RadiusKm > 0) {
				errs = append(errs, socialrx.Field(p+"/area/radius_km", "must be above 0 with a center"))
			}
		} else if a.RadiusKm != 0 {
			errs = append(errs, socialrx.Field(p+"/area/center", "required with radius_km"))
		}
		for j, pc := range a.Postcodes {
			if !isOutward(normPostcode(pc)) {
				errs = append(errs, socialrx.Field(p+"/area/postcodes/"+strconv.Itoa(j), "%q is not a postcode district such as \"LS6\"", pc))
			}
		}
		if !dm.Need.Valid() {
			errs = append(errs, socialrx.Field(p+"/need", "unknown need code %q", string(dm.Need)))
		}
		if dm.Referrals < 1 {
			errs = append(errs, socialrx.Field(p+"/referrals", "must be at least 1"))
		}
		key := lower(a.Name) + "\x00" + string(dm.Need)
		if j, dup := seen[key]; dup {
			errs = append(errs, socialrx.Field(p, "area and need given twice (also at %d)", j))
		}
		seen[key] = i
	}
	if err := socialrx.Invalid(errs...); err != nil {
		return nil, err
	}

	var gaps []Gap
	for _, dm := range demand {
		g := Gap{Area: dm.Area.Name, Need: dm.Need, Referrals: dm.Referrals}
		area := newAreaTest(dm.Area)
		served := false
		if l := ix.posts[needKey+string(dm.Need)]; l != nil {
			for _, v := range l.ids {
				d := ix.docs[v>>fieldBits]
				if d.svc.Status != StatusActive {
					continue
				}
				if d.flags&flagOnline != 0 {
					g.Online++
				}
				if !area.serves(d) {
					continue
				}
				if d.flags&flagFull != 0 {
					g.Full++
					continue
				}
				served = true
			}
		}
		if !served {
			gaps = append(gaps, g)
		}
	}
	slices.SortStableFunc(gaps, func(a, b Gap) int {
		if c := cmp.Compare(b.Referrals, a.Referrals); c != 0 {
			return c
		}
		if c := strings.Compare(lower(a.Area), lower(b.Area)); c != 0 {
			return c
		}
		return strings.Compare(string(a.Need), string(b.Need))
	})
	return gaps, nil
}

type areaTest struct {
	name      []string
	hasCircle bool
	center    geo
	havMax    float64
	districts []string
}

func newAreaTest(a Area) areaTest {
	t := areaTest{name: terms(a.Name)}
	if a.Center != nil {
		t.hasCircle, t.center, t.havMax = true, newGeo(*a.Center), havOf(a.RadiusKm)
	}
	for _, pc := range a.Postcodes {
		t.districts = append(t.districts, normPostcode(pc))
	}
	return t
}

func (t *areaTest) serves(d *doc) bool {
	if t.hasCircle {
		for _, g := range d.points {
			if t.center.hav(g) <= t.havMax {
				return true
			}
		}
	}
	if len(t.districts) > 0 {
		for _, sal := range d.svc.ServiceAtLocations {
			if sal.Location == nil {
				continue
			}
			for _, a := range sal.Location.Addresses {
				if pc := normPostcode(a.PostalCode); len(pc) > 3 && containsString(t.districts, pc[:len(pc)-3]) {
					return true
				}
			}
		}
	}
	if len(t.name) > 0 {
		for _, sa := range d.svc.ServiceAreas {
			if containsRun(terms(sa.Name), t.name) || containsRun(terms(sa.ServiceArea), t.name) {
				return true
			}
		}
	}
	return false
}

func normPostcode(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// isOutward reports whether s looks like a UK outward code: a letter or
// two, a digit, and an optional digit or letter.
func isOutward(s string) bool {
	if len(s) < 2 || len(s) > 4 {
		return false
	}
	i := 0
	for i < len(s) && i < 2 && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] < '0' || s[i] > '9' {
		return false
	}
	for _, c := range s[i+1:] {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return len(s)-i <= 2
}
