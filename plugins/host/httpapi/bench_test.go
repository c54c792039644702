package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socialrx/socialrx/referral"
)

// measure runs one request per iteration from parallel clients over
// loopback and reports requests per second and p50/p99 latency.
func measure(b *testing.B, req func() *http.Request, want int) {
	b.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var mu sync.Mutex
	var all []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			res, err := client.Do(req())
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != want {
				b.Errorf("status %d, want %d", res.StatusCode, want)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		all = append(all, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if len(all) == 0 {
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkHTTP drives the host's handler through net/http on loopback
// (memory store), beside a bare net/http JSON handler as the ceiling.
func BenchmarkHTTP(b *testing.B) {
	e := newEnv(b)
	doc := referralDoc(b)
	auth := func(r *http.Request, role referral.Role) *http.Request {
		r.Header.Set("Authorization", "Bearer "+secret(role))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	res := e.do(referral.RoleReferrer, "POST", "/v1/referrals", doc)
	var r referral.Referral
	if err := json.Unmarshal(res.body, &r); err != nil {
		b.Fatal(err)
	}
	e.do(referral.RoleAdmin, "POST", "/v1/directory/import", directoryDoc())

	b.Run("bare_json", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var v map[string]any
			_ = json.NewDecoder(r.Body).Decode(&v)
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(v)
		}))
		defer srv.Close()
		measure(b, func() *http.Request {
			req, _ := http.NewRequest("POST", srv.URL, bytes.NewReader(doc))
			return req
		}, 200)
	})
	b.Run("create_referral", func(b *testing.B) {
		var n atomic.Int64
		measure(b, func() *http.Request {
			// A different person each time, as in real traffic.
			body := bytes.Replace(doc, []byte(`"9434765919"`), []byte(`"`+nhsNumber(n.Add(1))+`"`), 1)
			req, _ := http.NewRequest("POST", e.srv.URL+"/v1/referrals", bytes.NewReader(body))
			return auth(req, referral.RoleReferrer)
		}, 201)
	})
	b.Run("get_referral", func(b *testing.B) {
		measure(b, func() *http.Request {
			req, _ := http.NewRequest("GET", e.srv.URL+"/v1/referrals/"+r.ID, nil)
			return auth(req, referral.RoleLinkWorker)
		}, 200)
	})
	b.Run("oruk_search", func(b *testing.B) {
		measure(b, func() *http.Request {
			req, _ := http.NewRequest("GET", e.srv.URL+"/oruk/services?search=garden&per_page=10", nil)
			return req
		}, 200)
	})
}

// nhsNumber makes the i-th valid NHS number (modulus 11 check digit).
func nhsNumber(i int64) string {
	for ; ; i++ {
		d := fmt.Sprintf("%09d", 100000000+i%800000000)
		sum := 0
		for k := 0; k < 9; k++ {
			sum += int(d[k]-'0') * (10 - k)
		}
		c := 11 - sum%11
		if c == 11 {
			c = 0
		}
		if c != 10 {
			return d + fmt.Sprint(c)
		}
	}
}
