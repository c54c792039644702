package fhir

import (
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/referral"
)

// PatientOf maps a referred person to a FHIR Patient: the NHS number as an
// identifier of system https://fhir.nhs.uk/Id/nhs-number, official and
// usual (preferred) names, date of birth, phone and email, the postal
// address with its postcode, the preferred language, the core
// patient-interpreterRequired extension, and socialrx extensions for the
// contact methods (in order of preference), do-not-contact, accessibility
// needs and notes, and the wish for an escort.
func PatientOf(p referral.Person) *Patient {
	pt := &Patient{ResourceType: "Patient", BirthDate: p.DateOfBirth.String()}
	if p.NHSNumber != "" {
		pt.Identifier = []Identifier{{System: SystemNHSNumber, Value: p.NHSNumber}}
	}
	if p.GivenName != "" || p.FamilyName != "" {
		n := HumanName{Use: "official", Family: p.FamilyName}
		if p.GivenName != "" {
			n.Given = []string{p.GivenName}
		}
		pt.Name = append(pt.Name, n)
	}
	if p.PreferredName != "" {
		pt.Name = append(pt.Name, HumanName{Use: "usual", Given: []string{p.PreferredName}})
	}
	if p.Contact.Phone != "" {
		pt.Telecom = append(pt.Telecom, ContactPoint{System: "phone", Value: p.Contact.Phone})
	}
	if p.Contact.Email != "" {
		pt.Telecom = append(pt.Telecom, ContactPoint{System: "email", Value: p.Contact.Email})
	}
	if p.Contact.Address != "" || p.Postcode != "" {
		pt.Address = []Address{{Text: p.Contact.Address, PostalCode: p.Postcode}}
	}
	if p.Language != "" {
		pt.Communication = []PatientCommunication{{Language: concept(SystemBCP47, p.Language, ""), Preferred: ptr(true)}}
	}
	pt.Extension = append(pt.Extension, boolExt(extInterpreterNeeded, p.InterpreterNeeded)...)
	for _, m := range p.Contact.Methods {
		pt.Extension = append(pt.Extension, codeExt(extContactMethod, string(m))...)
	}
	pt.Extension = append(pt.Extension, boolExt(extDoNotContact, p.Contact.DoNotContact)...)
	for _, a := range p.Accessibility {
		pt.Extension = append(pt.Extension, codeExt(extAccessibilityNeed, string(a))...)
	}
	pt.Extension = append(pt.Extension, stringExt(extAccessibilityNotes, p.AccessibilityNotes)...)
	pt.Extension = append(pt.Extension, boolExt(extWantsEscort, p.WantsEscort)...)
	return pt
}

// PersonOf maps a FHIR Patient to a referred person, the inverse of
// [PatientOf]. A Patient from another system may have several names,
// telecoms and addresses: PersonOf takes the official name (else the first
// current one), a usual or nickname as the preferred name, the first phone
// or SMS number, the first email, the first address not marked old (its
// text, or its lines, city and district), and the preferred language. It
// does not require a name: a clinical record may lack one. Codes: invalid,
// naming the Patient element at fault (an invalid NHS number, a partial
// date of birth, an unknown socialrx code).
func PersonOf(pt *Patient) (referral.Person, error) {
	var p problems
	person := personOf(pt, "/Patient", &p)
	return person, p.err()
}

func personOf(pt *Patient, root string, p *problems) referral.Person {
	var out referral.Person
	for i, id := range pt.Identifier {
		if id.System != SystemNHSNumber {
			continue
		}
		n, err := referral.NormaliseNHSNumber(id.Value)
		if err != nil {
			p.add(at(root+"/identifier", i)+"/value", "not a valid NHS number: %s", ruleOf(err))
		}
		out.NHSNumber = n
		break
	}
	// The official name: the first marked official, else the first current
	// one, else the first at all; names without words do not count.
	official, current, any := -1, -1, -1
	for i, n := range pt.Name {
		if strings.TrimSpace(strings.Join(n.Given, "")+n.Family) == "" {
			continue
		}
		switch {
		case n.Use == "official" && official < 0:
			official = i
		case n.Use != "usual" && n.Use != "nickname" && n.Use != "old" && n.Use != "maiden" && n.Use != "anonymous" && current < 0:
			current = i
		}
		if any < 0 {
			any = i
		}
	}
	if official < 0 {
		official = current
	}
	if official < 0 {
		official = any
	}
	if official >= 0 {
		n := pt.Name[official]
		out.GivenName = strings.Join(n.Given, " ")
		out.FamilyName = n.Family
	}
	for i, n := range pt.Name {
		if i != official && (n.Use == "usual" || n.Use == "nickname") {
			if g := strings.Join(n.Given, " "); g != "" && g != out.GivenName {
				out.PreferredName = g
				break
			}
		}
	}
	out.DateOfBirth = p.parseDate(root+"/birthDate", pt.BirthDate)
	for _, t := range pt.Telecom {
		switch t.System {
		case "phone", "sms":
			if out.Contact.Phone == "" {
				out.Contact.Phone = t.Value
			}
		case "email":
			if out.Contact.Email == "" {
				out.Contact.Email = t.Value
			}
		}
	}
	for _, a := range pt.Address {
		if a.Use == "old" {
			continue
		}
		out.Contact.Address = a.Text
		if a.Text == "" {
			var parts []string
			for _, s := range append(append([]string(nil), a.Line...), a.City, a.District) {
				if s != "" {
					parts = append(parts, s)
				}
			}
			out.Contact.Address = strings.Join(parts, ", ")
		}
		out.Postcode = a.PostalCode
		break
	}
	for _, c := range pt.Communication {
		if code := codeIn(&c.Language, SystemBCP47); code != "" && (out.Language == "" || (c.Preferred != nil && *c.Preferred)) {
			out.Language = code
		}
	}
	ext := extensions(pt.Extension)
	out.InterpreterNeeded = ext.boolean(extInterpreterNeeded)
	out.Contact.DoNotContact = ext.boolean(extDoNotContact)
	out.AccessibilityNotes = ext.str(extAccessibilityNotes)
	out.WantsEscort = ext.boolean(extWantsEscort)
	for i, e := range pt.Extension {
		switch {
		case e.URL == extContactMethod && e.ValueCode != nil:
			m := referral.ContactMethod(*e.ValueCode)
			if !socialrx.ValidEnum(m) {
				p.add(at(root+"/extension", i)+"/valueCode", "unknown contact method %q", *e.ValueCode)
			}
			out.Contact.Methods = append(out.Contact.Methods, m)
		case e.URL == extAccessibilityNeed && e.ValueCode != nil:
			a := referral.AccessibilityNeed(*e.ValueCode)
			if !socialrx.ValidEnum(a) {
				p.add(at(root+"/extension", i)+"/valueCode", "unknown accessibility need %q", *e.ValueCode)
			}
			out.Accessibility = append(out.Accessibility, a)
		}
	}
	return out
}

// ruleOf returns the rule of the first field error of err, or its text.
func ruleOf(err error) string {
	if fs := socialrx.ErrorFields(err); len(fs) > 0 {
		return fs[0].Rule
	}
	return err.Error()
}
