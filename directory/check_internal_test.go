package directory

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

// randomString draws from an alphabet rich in the characters that matter.
func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, r.IntN(n+1))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// TestHandParsersMatchThePatterns checks the hand-written matchers against
// the regular expressions the published schema carries, on the edge cases
// and on random strings.
func TestHandParsersMatchThePatterns(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	cases := []struct {
		pattern  string
		match    func(string) bool
		alphabet string
		edges    []string
	}{
		{bydayPattern, isByDay, "MOTUWEHFRSA+-0123456,", []string{"MO", "+MO", "-1FR", "1MO,2TU", "MO,", ",MO", "6MO", "+-MO", "mo", ""}},
		{bymonthdayPattern, isByMonthDay, "0123-,9", []string{"1", "31", "32", "-31", "01", "0", "1,-1", "--1", "-", ""}},
		{clockPattern, func(s string) bool { _, ok := parseClock(s); return ok }, "0123456789:", []string{"00:00", "23:59", "24:00", "10:60", "10:00:59", "10:00:60", "1:00", "10:00:", ""}},
	}
	for _, c := range cases {
		re := regexp.MustCompile(c.pattern)
		for _, s := range c.edges {
			assert.Equal(t, re.MatchString(s), c.match(s), "%s on %q", c.pattern, s)
		}
		for i := 0; i < 20000; i++ {
			s := randomString(r, c.alphabet, 9)
			if re.MatchString(s) != c.match(s) {
				t.Fatalf("%s and the hand matcher disagree on %q", c.pattern, s)
			}
		}
	}
}

// TestFastFormatsAreSafe checks that what the quick email and URL checks
// accept, the schema validator accepts too.
func TestFastFormatsAreSafe(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	v := formatValidators()
	for _, s := range []string{"a@b.c", "first.last+tag@example.org.uk", "https://example.com", "http://a-b.example/x?y=1&z=(2)#top:3"} {
		assert.True(t, plainEmail(s) || plainURL(s), s)
	}
	tried := 0
	for i := 0; i < 200000; i++ {
		e := randomString(r, "ab.-_+%@9Z", 14)
		if plainEmail(e) {
			tried++
			assert.NoError(t, v["email"].ValidateValue(e), "%q", e)
		}
		u := "https://" + randomString(r, "ab.-9:/?#=&%[]@!'()*~ ", 14)
		if plainURL(u) {
			tried++
			assert.NoError(t, v["uri"].ValidateValue(u), "%q", u)
		}
	}
	assert.Greater(t, tried, 1000)
}
