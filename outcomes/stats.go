package outcomes

import "math"

// cellAcc accumulates the paired scores of one report cell in one pass:
// sums for the means and Welford's running mean and sum of squares for the
// variance of the change.
type cellAcc struct {
	n                   int
	sumBase, sumLatest  float64
	mean, m2            float64
	improved, same, bad int
}

func (c *cellAcc) add(base, latest float64, o Outcome) {
	c.n++
	c.sumBase += base
	c.sumLatest += latest
	d := latest - base
	delta := d - c.mean
	c.mean += delta / float64(c.n)
	c.m2 += delta * (d - c.mean)
	switch o {
	case Improved:
		c.improved++
	case Worse:
		c.bad++
	default:
		c.same++
	}
}

// Interval is a confidence interval.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Stats summarise the paired measurements of one report cell. Means and
// shares are rounded to 4 decimal places.
type Stats struct {
	// N is the number of people with a baseline and a later score.
	N int `json:"n" jsonschema:"minimum=0"`
	// MeanBaseline and MeanLatest are the mean scores at the two ends.
	MeanBaseline float64 `json:"mean_baseline"`
	MeanLatest   float64 `json:"mean_latest"`
	// MeanChange is the mean of latest minus baseline.
	MeanChange float64 `json:"mean_change"`
	// CI95 is the 95% confidence interval of the mean change (Student's
	// t with N-1 degrees of freedom); absent when N < 2.
	CI95 *Interval `json:"ci95,omitempty"`
	// Improved, Same and Worse are the shares (0 to 1) of people whose
	// change counts as improved, same or worse (see [Outcome]).
	Improved float64 `json:"improved"`
	Same     float64 `json:"same"`
	Worse    float64 `json:"worse"`
}

func (c *cellAcc) stats(tq func(df int) float64) *Stats {
	n := float64(c.n)
	s := &Stats{
		N:            c.n,
		MeanBaseline: round(c.sumBase/n, 4),
		MeanLatest:   round(c.sumLatest/n, 4),
		MeanChange:   round(c.mean, 4) + 0,
		Improved:     round(float64(c.improved)/n, 4),
		Same:         round(float64(c.same)/n, 4),
		Worse:        round(float64(c.bad)/n, 4),
	}
	if c.n >= 2 {
		half := tq(c.n-1) * math.Sqrt(c.m2/(n-1)) / math.Sqrt(n)
		s.CI95 = &Interval{Low: round(c.mean-half, 4) + 0, High: round(c.mean+half, 4) + 0}
	}
	return s
}

// tQuantile975 returns the 0.975 quantile of Student's t distribution with
// df degrees of freedom, the multiplier of a two-sided 95% interval.
func tQuantile975(df int) float64 {
	const z = 1.959963984540054 // the normal 0.975 quantile
	if df > 200 {
		// Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5); its error
		// is far below 1e-8 at these degrees of freedom.
		v := float64(df)
		z2 := z * z
		g1 := (z2 + 1) * z / 4
		g2 := ((5*z2+16)*z2 + 3) * z / 96
		g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
		g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
		return z + g1/v + g2/(v*v) + g3/(v*v*v) + g4/(v*v*v*v)
	}
	lo, hi := 0.0, 1.0
	for tCDF(hi, df) < 0.975 {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if tCDF(mid, df) < 0.975 {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 1e-12 {
			break
		}
	}
	return (lo + hi) / 2
}

// tCDF is P(T <= t) for t >= 0.
func tCDF(t float64, df int) float64 {
	v := float64(df)
	return 1 - 0.5*regIncBeta(v/2, 0.5, v/(v+t*t))
}

// regIncBeta is the regularised incomplete beta function I_x(a, b), by
// the continued fraction of Numerical Recipes (section 6.4).
func regIncBeta(a, b, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log(1-x))
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, 1-x)/b
}

func betaCF(a, b, x float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 1000; m++ {
		fm := float64(m)
		aa := fm * (b - fm) * x / ((qam + 2*fm) * (a + 2*fm))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + 2*fm) * (qap + 2*fm))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return h
}
