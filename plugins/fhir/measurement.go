package fhir

import (
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
)

const (
	// SystemPersonKey identifies a person by the key socialrx files their
	// documents under (a measurement's person).
	SystemPersonKey = Base + "id/person-key"
	// QuestionnaireBase prefixes the canonical URL of an instrument's
	// Questionnaire: QuestionnaireBase + "<instrument>|<version>".
	QuestionnaireBase = Base + "Questionnaire/"

	extTimePoint          = Base + "StructureDefinition/time-point"
	extMode               = Base + "StructureDefinition/mode"
	extEvaluationConsent  = Base + "StructureDefinition/evaluation-consent"
	questionnaireRespDone = "completed"
)

// MeasurementToFHIR maps an outcome measurement to a completed FHIR
// QuestionnaireResponse about the patient at patientRef (which may be ""):
// identifier [SystemMeasurement], questionnaire
// QuestionnaireBase+"<instrument>|<version>", subject by the person key
// ([SystemPersonKey]), based on the referral's ServiceRequest by its
// identifier, authored on the day taken, author the user who took it, one
// item per answer (linkId the item id; an integer answer and the person's
// words as a string answer), and the time point, mode and evaluation
// consent in extensions. Not carried: the scores (recomputed from the
// answers) and the report context. Codes: invalid (a field missing, an
// unknown time point or mode, an answer without an item).
func MeasurementToFHIR(m outcomes.Measurement, patientRef string) (*QuestionnaireResponse, error) {
	var p problems
	for _, f := range []struct{ path, v string }{{"/id", m.ID}, {"/instrument", m.Instrument}, {"/instrument_version", m.InstrumentVersion},
		{"/person", m.Person}, {"/referral", m.Referral}, {"/administered_by", m.AdministeredBy}} {
		if f.v == "" {
			p.add(f.path, "required")
		}
	}
	if !socialrx.ValidEnum(m.TimePoint) {
		p.add("/time_point", "unknown time point %q", string(m.TimePoint))
	}
	if !socialrx.ValidEnum(m.Mode) {
		p.add("/mode", "unknown mode %q", string(m.Mode))
	}
	if m.Date.IsZero() {
		p.add("/date", "required")
	}
	for i, a := range m.Answers {
		if a.Item == "" {
			p.add(at("/answers", i)+"/item", "required")
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	qr := &QuestionnaireResponse{
		ResourceType:  "QuestionnaireResponse",
		Identifier:    &Identifier{System: SystemMeasurement, Value: m.ID},
		BasedOn:       []Reference{{Type: "ServiceRequest", Identifier: &Identifier{System: SystemReferralID, Value: m.Referral}}},
		Questionnaire: QuestionnaireBase + m.Instrument + "|" + m.InstrumentVersion,
		Status:        questionnaireRespDone,
		Subject:       &Reference{Reference: patientRef, Identifier: &Identifier{System: SystemPersonKey, Value: m.Person}},
		Authored:      m.Date.String(),
		Author:        userRef(m.AdministeredBy),
		Extension: []Extension{
			{URL: extTimePoint, ValueCode: ptr(string(m.TimePoint))},
			{URL: extMode, ValueCode: ptr(string(m.Mode))},
			{URL: extEvaluationConsent, ValueBoolean: ptr(m.EvaluationConsent)},
		},
	}
	for _, a := range m.Answers {
		it := QuestionnaireResponseItem{LinkID: a.Item}
		if a.Value != nil {
			it.Answer = append(it.Answer, QuestionnaireResponseAnswer{ValueInteger: ptr(*a.Value)})
		}
		if a.Words != "" {
			it.Answer = append(it.Answer, QuestionnaireResponseAnswer{ValueString: ptr(a.Words)})
		}
		qr.Item = append(qr.Item, it)
	}
	return qr, nil
}

// MeasurementFromFHIR maps a completed QuestionnaireResponse back to an
// outcome measurement, the inverse of [MeasurementToFHIR], and scores it
// with reg (nil means outcomes.DefaultRegistry), which checks every answer
// against its instrument. Codes: invalid, naming the QuestionnaireResponse
// element at fault or, for what the instrument refuses, the measurement's
// field ("/measurement/answers/3/value").
func MeasurementFromFHIR(qr *QuestionnaireResponse, reg *outcomes.Registry) (outcomes.Measurement, error) {
	var p problems
	const root = "/QuestionnaireResponse"
	var m outcomes.Measurement
	if qr.Identifier != nil && qr.Identifier.System == SystemMeasurement {
		m.ID = qr.Identifier.Value
	}
	if m.ID == "" {
		p.add(root+"/identifier", "needs a measurement id (system %s)", SystemMeasurement)
	}
	if qr.Status != questionnaireRespDone {
		p.add(root+"/status", "only a completed questionnaire is a measurement, not %q", qr.Status)
	}
	canon, ok := strings.CutPrefix(qr.Questionnaire, QuestionnaireBase)
	m.Instrument, m.InstrumentVersion, _ = strings.Cut(canon, "|")
	if !ok || m.Instrument == "" || m.InstrumentVersion == "" {
		p.add(root+"/questionnaire", "must be %s<instrument>|<version>, not %q", QuestionnaireBase, qr.Questionnaire)
	}
	if qr.Subject != nil && qr.Subject.Identifier != nil && qr.Subject.Identifier.System == SystemPersonKey {
		m.Person = qr.Subject.Identifier.Value
	}
	for _, b := range qr.BasedOn {
		if b.Identifier != nil && b.Identifier.System == SystemReferralID {
			m.Referral = b.Identifier.Value
		}
	}
	m.Date = p.parseDate(root+"/authored", qr.Authored)
	if len(qr.Authored) > len("2006-01-02") {
		m.Date = socialrx.DateOf(p.parseTime(root+"/authored", qr.Authored))
	}
	m.AdministeredBy = userOf(qr.Author)
	ext := extensions(qr.Extension)
	m.TimePoint = outcomes.TimePoint(ext.str(extTimePoint))
	m.Mode = outcomes.Mode(ext.str(extMode))
	m.EvaluationConsent = ext.boolean(extEvaluationConsent)
	m.Answers = []outcomes.Answer{}
	for i, it := range qr.Item {
		a := outcomes.Answer{Item: it.LinkID}
		for j, ans := range it.Answer {
			switch {
			case ans.ValueInteger != nil && a.Value == nil:
				a.Value = ptr(*ans.ValueInteger)
			case ans.ValueString != nil && a.Words == "":
				a.Words = *ans.ValueString
			default:
				p.add(at(at(root+"/item", i)+"/answer", j), "an item takes one integer and one string answer at most")
			}
		}
		m.Answers = append(m.Answers, a)
	}
	if err := p.err(); err != nil {
		return outcomes.Measurement{}, err
	}
	if reg == nil {
		reg = outcomes.DefaultRegistry()
	}
	scored, err := reg.Score(m)
	if err != nil {
		return outcomes.Measurement{}, socialrx.Invalid(socialrx.Prefix("/measurement", err)...)
	}
	return scored, nil
}
