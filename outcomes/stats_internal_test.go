package outcomes

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTQuantile975(t *testing.T) {
	// Published two-sided 95% critical values of Student's t.
	for df, want := range map[int]float64{
		1: 12.7062047, 2: 4.3026527, 3: 3.1824463, 4: 2.7764451, 5: 2.5705818, 9: 2.2621572,
		10: 2.2281389, 20: 2.0859634, 30: 2.0422725, 60: 2.0002978, 100: 1.9839715,
		200: 1.9718962, 201: 1.9718365, 1000: 1.9623391, 100000: 1.9599877,
	} {
		assert.InDelta(t, want, tQuantile975(df), 2e-7, "df %d", df)
	}
}

func TestClassify(t *testing.T) {
	assert.Equal(t, Improved, classify(23.21-20.21, 3), "floating noise does not lose an exact threshold")
	assert.Equal(t, Worse, classify(20.21-23.21, 3))
	assert.Equal(t, Same, classify(2.99, 3))
	assert.Equal(t, Improved, classify(0.5, 0))
	assert.Equal(t, Same, classify(0, 0))
	assert.Equal(t, Same, classify(1e-12, 0))
	assert.Equal(t, Worse, classify(-1, 0))
}
