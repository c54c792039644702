package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/socialrx/socialrx/referral
cpu: Intel(R) Xeon(R) CPU @ 2.20GHz
BenchmarkNHSNumber-2        	    2000	        43.49 ns/op	      16 B/op	       1 allocs/op
BenchmarkDecodeValidate-2   	    2000	    151149 ns/op	   9.39 MB/s	   28507 B/op	     467 allocs/op
PASS
pkg: github.com/socialrx/socialrx/plugins/host
BenchmarkHTTP/get_referral-2      	    2000	    543559 ns/op	       126.0 p50-µs	     24304 p99-µs	      1840 req/s
`

func TestTable(t *testing.T) {
	rows, cpu, err := parse(strings.NewReader(sample))
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, "Intel(R) Xeon(R) CPU @ 2.20GHz", cpu)
	assert.Equal(t, "referral", rows[0].pkg)
	assert.Equal(t, "NHSNumber", rows[0].name)
	assert.Equal(t, "HTTP/get_referral", rows[2].name)
	out := table(rows, cpu)
	assert.Contains(t, out, "| referral | NHSNumber | 43.49 ns/op, 16 B/op, 1 allocs/op |")
	assert.Contains(t, out, "| plugins/host | HTTP/get_referral | 543559 ns/op, 126.0 p50-µs, 24304 p99-µs, 1840 req/s |")
}
