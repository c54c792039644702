package socialrx

import "strconv"

// Need is a code for a non-medical need a person is referred for, a plan
// goal addresses, a directory service meets, or an outcome report breaks
// down by. The codes are stable snake_case strings; see [Needs] for labels
// and mappings.
type Need string

// The need codes.
const (
	NeedLoneliness             Need = "loneliness_isolation"
	NeedMentalWellbeing        Need = "mental_wellbeing"
	NeedPhysicalActivity       Need = "physical_activity"
	NeedPhysicalHealth         Need = "physical_health"
	NeedDebtMoney              Need = "debt_money"
	NeedBenefits               Need = "benefits"
	NeedHousing                Need = "housing"
	NeedEmploymentTraining     Need = "employment_training"
	NeedBereavement            Need = "bereavement"
	NeedCaring                 Need = "caring"
	NeedFood                   Need = "food"
	NeedDigitalInclusion       Need = "digital_inclusion"
	NeedArtsCulture            Need = "arts_culture"
	NeedNatureGardening        Need = "nature_gardening"
	NeedLearningSkills         Need = "learning_skills"
	NeedEnglishLanguage        Need = "english_language"
	NeedBefriending            Need = "befriending"
	NeedVolunteering           Need = "volunteering"
	NeedLegalAdvice            Need = "legal_advice"
	NeedTransport              Need = "transport"
	NeedFamilyRelationships    Need = "family_relationships"
	NeedSubstanceMisuse        Need = "substance_misuse"
	NeedSpecialistMentalHealth Need = "specialist_mental_health"
)

// NeedInfo describes a need code: its label in plain words and, where a
// mapping exists and was checked, the term it corresponds to elsewhere.
type NeedInfo struct {
	// Code is the need code.
	Code Need `json:"code"`
	// Label is the need in plain words, for link workers and reports.
	Label string `json:"label"`
	// Keywords are extra words a directory search uses to find services
	// that meet the need (labels of taxonomy terms, activity names).
	Keywords []string `json:"keywords,omitempty"`
	// SNOMED is a SNOMED CT concept id for the need, where one is mapped.
	SNOMED string `json:"snomed,omitempty"`
	// SNOMEDTerm is the concept's preferred term.
	SNOMEDTerm string `json:"snomed_term,omitempty"`
}

var needs = []NeedInfo{
	{Code: NeedLoneliness, Label: "Loneliness and isolation", Keywords: []string{"lonely", "isolation", "social", "community", "group", "connect"}},
	{Code: NeedMentalWellbeing, Label: "Mental wellbeing", Keywords: []string{"wellbeing", "mindfulness", "anxiety", "stress", "mood"}},
	{Code: NeedPhysicalActivity, Label: "Physical activity", Keywords: []string{"walking", "exercise", "sport", "fitness", "dance", "swimming"}},
	{Code: NeedPhysicalHealth, Label: "Long-term conditions and physical health", Keywords: []string{"health", "condition", "diabetes", "pain"}},
	{Code: NeedDebtMoney, Label: "Debt and money", Keywords: []string{"debt", "money", "budget", "finance"}},
	{Code: NeedBenefits, Label: "Benefits", Keywords: []string{"benefits", "universal credit", "pip", "welfare"}},
	{Code: NeedHousing, Label: "Housing", Keywords: []string{"housing", "tenancy", "homeless", "home"},
		SNOMED: "365500004", SNOMEDTerm: "Housing, local environment and transport finding"},
	{Code: NeedEmploymentTraining, Label: "Employment and training", Keywords: []string{"employment", "job", "work", "training", "cv"}},
	{Code: NeedBereavement, Label: "Bereavement", Keywords: []string{"bereavement", "grief", "loss"}},
	{Code: NeedCaring, Label: "Caring responsibilities", Keywords: []string{"carer", "caring", "respite"}},
	{Code: NeedFood, Label: "Food", Keywords: []string{"food", "meal", "lunch", "cooking", "pantry"}},
	{Code: NeedDigitalInclusion, Label: "Digital inclusion", Keywords: []string{"digital", "computer", "online", "internet", "tablet"}},
	{Code: NeedArtsCulture, Label: "Arts and culture", Keywords: []string{"art", "arts", "craft", "music", "singing", "choir", "theatre", "museum"}},
	{Code: NeedNatureGardening, Label: "Nature and gardening", Keywords: []string{"garden", "gardening", "nature", "allotment", "green"}},
	{Code: NeedLearningSkills, Label: "Learning and skills", Keywords: []string{"learning", "course", "class", "skills"}},
	{Code: NeedEnglishLanguage, Label: "English language (ESOL)", Keywords: []string{"english", "esol", "language"}},
	{Code: NeedBefriending, Label: "Befriending", Keywords: []string{"befriending", "friendship", "visiting", "telephone friendship"}},
	{Code: NeedVolunteering, Label: "Volunteering", Keywords: []string{"volunteer", "volunteering"}},
	{Code: NeedLegalAdvice, Label: "Legal and immigration advice", Keywords: []string{"legal", "advice", "immigration", "rights"}},
	{Code: NeedTransport, Label: "Transport", Keywords: []string{"transport", "travel", "bus", "community transport"}},
	{Code: NeedFamilyRelationships, Label: "Family and relationships", Keywords: []string{"family", "parenting", "relationship"}},
	{Code: NeedSubstanceMisuse, Label: "Alcohol and substance misuse", Keywords: []string{"alcohol", "drugs", "recovery", "substance"}},
	{Code: NeedSpecialistMentalHealth, Label: "Specialist mental health", Keywords: []string{"mental health", "crisis", "talking therapies", "counselling"}},
}

var needIndex = func() map[Need]int {
	m := make(map[Need]int, len(needs))
	for i, n := range needs {
		m[n.Code] = i
	}
	return m
}()

// Needs returns every need code with its description, in a stable order.
// The slice is a copy; changing it changes nothing here.
func Needs() []NeedInfo {
	out := make([]NeedInfo, len(needs))
	copy(out, needs)
	return out
}

// LookupNeed returns the description of a need code.
func LookupNeed(n Need) (NeedInfo, bool) {
	i, ok := needIndex[n]
	if !ok {
		return NeedInfo{}, false
	}
	return needs[i], true
}

// Valid reports whether n is a known need code.
func (n Need) Valid() bool {
	_, ok := needIndex[n]
	return ok
}

// Label returns the need in plain words, or the code itself if unknown.
func (n Need) Label() string {
	if i, ok := needIndex[n]; ok {
		return needs[i].Label
	}
	return string(n)
}

// EnumValues lists the need codes, for JSON Schema reflection.
func (Need) EnumValues() []string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = string(n.Code)
	}
	return out
}

// CheckNeeds returns a field error for each unknown need code in ns, with
// paths path/0, path/1 ….
func CheckNeeds(path string, ns []Need) []FieldError {
	var out []FieldError
	for i, n := range ns {
		if !n.Valid() {
			out = append(out, Field(path+"/"+strconv.Itoa(i), "unknown need code %q", string(n)))
		}
	}
	return out
}
