package directory

import "time"

// Clone returns a deep copy of s: changing one never changes the other.
func (s Service) Clone() Service {
	c := s
	c.MinimumAge = clonePtr(s.MinimumAge)
	c.MaximumAge = clonePtr(s.MaximumAge)
	c.Schedules = cloneSlice(s.Schedules, nil)
	c.ServiceAreas = cloneSlice(s.ServiceAreas, nil)
	c.ServiceAtLocations = cloneSlice(s.ServiceAtLocations, func(l ServiceAtLocation) ServiceAtLocation {
		if l.Location != nil {
			loc := l.Location.clone()
			l.Location = &loc
		}
		return l
	})
	c.Languages = cloneSlice(s.Languages, nil)
	if s.Organization != nil {
		o := s.Organization.Clone()
		c.Organization = &o
	}
	c.Funding = cloneSlice(s.Funding, nil)
	c.CostOptions = cloneSlice(s.CostOptions, func(o CostOption) CostOption {
		o.Amount = clonePtr(o.Amount)
		return o
	})
	c.Contacts = cloneSlice(s.Contacts, func(ct Contact) Contact {
		ct.Phones = cloneSlice(ct.Phones, Phone.clone)
		ct.Attributes = cloneSlice(ct.Attributes, Attribute.clone)
		return ct
	})
	c.Phones = cloneSlice(s.Phones, Phone.clone)
	c.Attributes = cloneSlice(s.Attributes, Attribute.clone)
	c.Extensions = s.Extensions.clone()
	return c
}

// Clone returns a deep copy of o.
func (o Organization) Clone() Organization {
	c := o
	c.OrganizationIdentifiers = cloneSlice(o.OrganizationIdentifiers, func(i OrganizationIdentifier) OrganizationIdentifier {
		i.Attributes = cloneSlice(i.Attributes, Attribute.clone)
		return i
	})
	c.Attributes = cloneSlice(o.Attributes, Attribute.clone)
	return c
}

// Clone returns a deep copy of o, services included.
func (o OrganizationFull) Clone() OrganizationFull {
	return OrganizationFull{Organization: o.Organization.Clone(), Services: cloneSlice(o.Services, Service.Clone)}
}

func (l Location) clone() Location {
	l.Latitude = clonePtr(l.Latitude)
	l.Longitude = clonePtr(l.Longitude)
	l.Addresses = cloneSlice(l.Addresses, func(a Address) Address {
		a.Attributes = cloneSlice(a.Attributes, Attribute.clone)
		return a
	})
	l.Accessibility = cloneSlice(l.Accessibility, func(a Accessibility) Accessibility {
		a.Attributes = cloneSlice(a.Attributes, Attribute.clone)
		return a
	})
	l.Attributes = cloneSlice(l.Attributes, Attribute.clone)
	return l
}

func (p Phone) clone() Phone {
	p.Languages = cloneSlice(p.Languages, nil)
	return p
}

func (a Attribute) clone() Attribute {
	if a.TaxonomyTerm != nil {
		t := *a.TaxonomyTerm
		a.TaxonomyTerm = &t
	}
	return a
}

func (e Extensions) clone() Extensions {
	c := e
	if e.ComplexNeeds != nil {
		v := *e.ComplexNeeds
		c.ComplexNeeds = &v
	}
	if e.Capacity != nil {
		v := *e.Capacity
		c.Capacity = &v
	}
	if e.LastVerified != nil {
		v := *e.LastVerified
		c.LastVerified = &v
	}
	c.NextSteps = cloneSlice(e.NextSteps, nil)
	c.Needs = cloneSlice(e.Needs, nil)
	c.WaysToWellbeing = cloneSlice(e.WaysToWellbeing, nil)
	c.Notes = cloneSlice(e.Notes, nil)
	c.Ratings = cloneSlice(e.Ratings, nil)
	return c
}

// normalize puts every timestamp in UTC, as socialrx JSON requires.
func (s *Service) normalize() {
	s.LastModified = utc(s.LastModified)
	e := &s.Extensions
	if e.Capacity != nil {
		e.Capacity.Updated = utc(e.Capacity.Updated)
	}
	for i := range e.Notes {
		e.Notes[i].At = utc(e.Notes[i].At)
	}
	for i := range e.Ratings {
		e.Ratings[i].At = utc(e.Ratings[i].At)
	}
}

func (o *OrganizationFull) normalize() {
	for i := range o.Services {
		o.Services[i].normalize()
	}
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC()
}

// cloneSlice copies s, applying f (when not nil) to each element; nil stays nil.
func cloneSlice[T any](s []T, f func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, v := range s {
		if f != nil {
			v = f(v)
		}
		out[i] = v
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
