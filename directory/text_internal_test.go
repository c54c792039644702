package directory

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStemJoinsWordForms(t *testing.T) {
	groups := [][]string{
		{"garden", "gardens", "gardening", "gardener", "gardeners", "Gardening"},
		{"walk", "walks", "walking", "walker", "walkers", "walked"},
		{"swim", "swims", "swimming"},
		{"dance", "dances", "dancing"},
		{"sing", "sings", "singing", "singers"},
		{"class", "classes"},
		{"activity", "activities"},
		{"knit", "knitting"},
		{"counsel", "counselling"},
		{"house", "houses", "housing"},
		{"men", "men's", "mens"},
	}
	for _, g := range groups {
		want := terms(g[0])
		for _, w := range g[1:] {
			assert.Equal(t, want, terms(w), "%s and %s", g[0], w)
		}
	}
	apart := [][2]string{{"care", "car"}, {"sing", "song"}, {"art", "arts and crafts"}, {"spell", "spelling"}}
	for _, p := range apart[:2] {
		assert.NotEqual(t, terms(p[0]), terms(p[1]))
	}
	assert.Equal(t, []string{"art", "craft"}, terms(apart[2][1]), "stop words are left out")
	assert.Equal(t, terms("spell"), terms("spelling"))
	assert.Equal(t, []string{"café", "über"}, terms("CAFÉ Über"), "case folding beyond ASCII")
}
