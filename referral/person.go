package referral

import (
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// ContactMethod is a way the person agrees to be contacted.
type ContactMethod string

// The contact methods.
const (
	ContactPhone  ContactMethod = "phone"
	ContactEmail  ContactMethod = "email"
	ContactSMS    ContactMethod = "sms"
	ContactLetter ContactMethod = "letter"
)

var contactMethods = []ContactMethod{ContactPhone, ContactEmail, ContactSMS, ContactLetter}

// EnumValues lists the contact methods, for JSON Schema.
func (ContactMethod) EnumValues() []string { return socialrx.EnumStrings(contactMethods) }

// AccessibilityNeed is an adjustment the person needs.
type AccessibilityNeed string

// The accessibility needs.
const (
	AccessLargePrint    AccessibilityNeed = "large_print"
	AccessEasyRead      AccessibilityNeed = "easy_read"
	AccessBraille       AccessibilityNeed = "braille"
	AccessStepFree      AccessibilityNeed = "step_free"
	AccessHearingLoop   AccessibilityNeed = "hearing_loop"
	AccessBSL           AccessibilityNeed = "bsl_interpreter"
	AccessQuietSpace    AccessibilityNeed = "quiet_space"
	AccessWheelchair    AccessibilityNeed = "wheelchair"
	AccessAccessibleWC  AccessibilityNeed = "accessible_toilet"
	AccessOtherAdjusted AccessibilityNeed = "other"
)

var accessibilityNeeds = []AccessibilityNeed{AccessLargePrint, AccessEasyRead, AccessBraille, AccessStepFree, AccessHearingLoop, AccessBSL, AccessQuietSpace, AccessWheelchair, AccessAccessibleWC, AccessOtherAdjusted}

// EnumValues lists the accessibility needs, for JSON Schema.
func (AccessibilityNeed) EnumValues() []string { return socialrx.EnumStrings(accessibilityNeeds) }

// Contact holds how the person may be reached. Their contact details are
// sensitive: a partner sees only the one the person prefers, and only when
// the share-with-partners consent allows.
type Contact struct {
	// Methods are the ways the person agrees to be contacted, most preferred first.
	Methods []ContactMethod `json:"methods,omitempty" jsonschema:"maxItems=10"`
	// DoNotContact is set when the person asked not to be contacted at all.
	DoNotContact bool `json:"do_not_contact,omitempty"`
	// Phone is a UK phone number for calls and SMS.
	Phone string `json:"phone,omitempty" jsonschema:"pattern=^\\+?[0-9 ()-]{7\\,20}$" jsonschema_extras:"x-sensitive=true"`
	// Email is an email address.
	Email string `json:"email,omitempty" jsonschema:"format=email" jsonschema_extras:"x-sensitive=true"`
	// Address is a postal address for letters.
	Address string `json:"address,omitempty" jsonschema:"maxLength=500" jsonschema_extras:"x-sensitive=true"`
}

// Person is the person referred. Fields marked x-sensitive in the schema
// (and by a `jsonschema_extras:"x-sensitive=true"` tag here) are left out of
// every partner view unless the share-with-partners consent is full.
type Person struct {
	// GivenName is the person's first name.
	GivenName string `json:"given_name" jsonschema:"minLength=1,maxLength=200"`
	// FamilyName is the person's surname.
	FamilyName string `json:"family_name" jsonschema:"minLength=1,maxLength=200" jsonschema_extras:"x-sensitive=true"`
	// PreferredName is what the person likes to be called, if not their given name.
	PreferredName string `json:"preferred_name,omitempty" jsonschema:"maxLength=200"`
	// DateOfBirth must not be in the future.
	DateOfBirth socialrx.Date `json:"date_of_birth,omitzero" jsonschema_extras:"x-sensitive=true"`
	// NHSNumber is ten digits, the last a modulus 11 check digit.
	NHSNumber string `json:"nhs_number,omitempty" jsonschema:"pattern=^[0-9]{10}$" jsonschema_extras:"x-sensitive=true"`
	// Postcode is a UK postcode, such as "SW1A 1AA".
	Postcode string `json:"postcode,omitempty" jsonschema:"pattern=^[A-Za-z]{1\\,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$" jsonschema_extras:"x-sensitive=true"`
	// Contact is how the person may be reached.
	Contact Contact `json:"contact"`
	// Language is the person's preferred language as a BCP 47 tag, such as "en" or "pl".
	Language string `json:"language,omitempty" jsonschema:"maxLength=35,pattern=^[a-zA-Z]{2\\,3}(-[a-zA-Z0-9]{2\\,8})*$"`
	// InterpreterNeeded is set when the person needs an interpreter.
	InterpreterNeeded bool `json:"interpreter_needed,omitempty"`
	// Accessibility lists adjustments the person needs.
	Accessibility []AccessibilityNeed `json:"accessibility,omitempty" jsonschema:"maxItems=20"`
	// AccessibilityNotes says more in words.
	AccessibilityNotes string `json:"accessibility_notes,omitempty"`
	// WantsEscort is set when the person would like a buddy or escort to a first session.
	WantsEscort bool `json:"wants_escort,omitempty"`
}

// Name returns the name to greet the person by: preferred, else given.
func (p Person) Name() string {
	if p.PreferredName != "" {
		return p.PreferredName
	}
	return p.GivenName
}

var postcodeRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$`)

// NormalisePostcode returns the postcode in capitals with one space before
// the inward code, or CodeInvalid if it is not a UK postcode.
func NormalisePostcode(s string) (string, error) {
	c := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if len(c) < 5 || !postcodeRE.MatchString(c) {
		return "", socialrx.Invalid(socialrx.Field("/postcode", "%q is not a UK postcode", s))
	}
	return c[:len(c)-3] + " " + c[len(c)-3:], nil
}

// NormaliseNHSNumber strips spaces and hyphens and checks the result is a
// valid NHS number: ten digits whose last is the modulus 11 check digit of
// the first nine (weights 10 down to 2; 11 becomes 0; 10 is never valid).
// It returns CodeInvalid naming the rule broken.
func NormaliseNHSNumber(s string) (string, error) {
	var d [10]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
			continue
		case c < '0' || c > '9':
			return "", socialrx.Invalid(socialrx.Field("/nhs_number", "must hold digits only"))
		case n == 10:
			return "", socialrx.Invalid(socialrx.Field("/nhs_number", "must be 10 digits"))
		}
		d[n] = c - '0'
		n++
	}
	if n != 10 {
		return "", socialrx.Invalid(socialrx.Field("/nhs_number", "must be 10 digits"))
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]) * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(d[9]) {
		return "", socialrx.Invalid(socialrx.Field("/nhs_number", "fails the modulus 11 check digit"))
	}
	var b [10]byte
	for i := range d {
		b[i] = d[i] + '0'
	}
	return string(b[:]), nil
}

// check validates the person's fields and returns them normalised, with
// field errors rooted at the person.
func (p Person) check(now time.Time) (Person, []socialrx.FieldError) {
	var errs []socialrx.FieldError
	if strings.TrimSpace(p.GivenName) == "" {
		errs = append(errs, socialrx.Field("/given_name", "required"))
	}
	if strings.TrimSpace(p.FamilyName) == "" {
		errs = append(errs, socialrx.Field("/family_name", "required"))
	}
	if p.NHSNumber != "" {
		n, err := NormaliseNHSNumber(p.NHSNumber)
		errs = append(errs, socialrx.ErrorFields(err)...)
		p.NHSNumber = n
	}
	if p.Postcode != "" {
		pc, err := NormalisePostcode(p.Postcode)
		errs = append(errs, socialrx.ErrorFields(err)...)
		p.Postcode = pc
	}
	if !p.DateOfBirth.IsZero() {
		if !now.IsZero() && p.DateOfBirth.After(socialrx.DateOf(now)) {
			errs = append(errs, socialrx.Field("/date_of_birth", "must not be in the future"))
		}
		if p.DateOfBirth.Year < 1880 {
			errs = append(errs, socialrx.Field("/date_of_birth", "must be after 1880"))
		}
	}
	for i, m := range p.Contact.Methods {
		if !socialrx.ValidEnum(m) {
			errs = append(errs, socialrx.Field(path("/contact/methods", i), "unknown contact method %q", string(m)))
		}
	}
	for i, a := range p.Accessibility {
		if !socialrx.ValidEnum(a) {
			errs = append(errs, socialrx.Field(path("/accessibility", i), "unknown accessibility need %q", string(a)))
		}
	}
	if p.Contact.Email != "" && !strings.Contains(p.Contact.Email, "@") {
		errs = append(errs, socialrx.Field("/contact/email", "is not an email address"))
	}
	for _, m := range p.Contact.Methods {
		var missing string
		switch m {
		case ContactPhone, ContactSMS:
			if p.Contact.Phone == "" {
				missing = "phone"
			}
		case ContactEmail:
			if p.Contact.Email == "" {
				missing = "email"
			}
		case ContactLetter:
			if p.Contact.Address == "" {
				missing = "address"
			}
		}
		if missing != "" {
			errs = append(errs, socialrx.Field("/contact/"+missing, "required when contact method %q is chosen", string(m)))
		}
	}
	return p, errs
}

// sensitive reports whether a struct field is marked x-sensitive.
func sensitive(f reflect.StructField) bool {
	return strings.Contains(f.Tag.Get("jsonschema_extras"), "x-sensitive=true")
}

// Redacted returns a copy of p with every sensitive field cleared, for
// views given to people who may not see them.
func (p Person) Redacted() Person {
	redact(reflect.ValueOf(&p).Elem())
	return p
}

func redact(v reflect.Value) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		switch {
		case sensitive(f):
			v.Field(i).Set(reflect.Zero(f.Type))
		case f.Type.Kind() == reflect.Struct && f.Type.PkgPath() == t.PkgPath():
			redact(v.Field(i))
		}
	}
}
