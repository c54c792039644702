package directory_test

import (
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/dirgen"
)

// The benchmarks run on a generated directory of 100,000 services around
// Leeds (go test -bench . -run ^$ ./directory).
const benchN = 100_000

var (
	benchNow      = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	benchServices = sync.OnceValue(func() []directory.Service { return dirgen.Generate(42, benchN, benchNow) })
	benchIndex    = sync.OnceValue(func() *directory.Index {
		ix, err := directory.NewIndex(benchServices()...)
		if err != nil {
			panic(err)
		}
		return ix
	})
)

// cpuTime returns the CPU time the process has used. On a shared machine
// the other load inflates wall time (ns/op) but not this, so benchmarks
// also report cpu-ns/op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// headingley is a neighbourhood of the generated city.
var headingley = dirgen.Places[1].Point

// BenchmarkBuildIndex indexes 100,000 services and reports the heap the
// index keeps per service (its own copy of each service included).
func BenchmarkBuildIndex(b *testing.B) {
	ss := benchServices()
	b.ReportAllocs()
	runtime.GC()
	start := cpuTime()
	for b.Loop() {
		if _, err := directory.NewIndex(ss...); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start)
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	ix, err := directory.NewIndex(ss...)
	if err != nil {
		b.Fatal(err)
	}
	after := heap()
	runtime.KeepAlive(ix)
	b.ReportMetric(float64(after-before)/benchN, "heap-B/service")
	// Of which the index's own copy of each service is about this much.
	before = heap()
	copies := make([]directory.Service, len(ss))
	for i := range ss {
		copies[i] = ss[i].Clone()
	}
	after = heap()
	runtime.KeepAlive(copies)
	b.ReportMetric(float64(after-before)/benchN, "copy-B/service")
}

// BenchmarkSearch runs typical link worker searches at 100,000 services.
func BenchmarkSearch(b *testing.B) {
	ix := benchIndex()
	queries := []struct {
		name string
		q    directory.Query
	}{
		{"text+filters+radius", directory.Query{
			Text: "walking group", Status: []directory.Status{directory.StatusActive}, FreeOnly: true,
			Welcome: directory.WelcomeOpen, Near: &headingley, RadiusKm: 3,
		}},
		{"needs+access+day+radius", directory.Query{
			Needs: []socialrx.Need{socialrx.NeedLoneliness}, Access: []directory.Access{directory.AccessStepFree},
			When: []directory.Slot{{Day: directory.Tuesday, From: "09:00", To: "13:00"}}, Near: &headingley, RadiusKm: 2,
		}},
		{"broad text, page 3", directory.Query{Text: "community", Page: 3}},
		{"filters only, no text or radius", directory.Query{
			Status: []directory.Status{directory.StatusActive}, ComplexNeeds: true, HasSpace: true, Language: "pl",
		}},
	}
	for _, tt := range queries {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			var total int
			runtime.GC()
			start := cpuTime()
			for b.Loop() {
				r, err := ix.Search(tt.q)
				if err != nil {
					b.Fatal(err)
				}
				total = r.TotalItems
			}
			reportCPU(b, start)
			b.ReportMetric(float64(total), "hits")
		})
	}
}

// BenchmarkMatch matches one person at 100,000 services.
func BenchmarkMatch(b *testing.B) {
	ix := benchIndex()
	age := 68
	person := directory.Person{
		Needs:    []socialrx.Need{socialrx.NeedLoneliness, socialrx.NeedPhysicalActivity},
		Barriers: []directory.Barrier{directory.BarrierCost, directory.BarrierConfidence, directory.BarrierMobility},
		Location: &headingley, Age: &age,
		Preferences: directory.Preferences{
			MaxKm:     3,
			Available: []directory.Slot{{Day: directory.Tuesday}, {Day: directory.Thursday, From: "13:00", To: "17:00"}},
			Ways:      []directory.Way{directory.WayConnect},
		},
	}
	for _, excl := range []bool{false, true} {
		name := "suggestions"
		if excl {
			name = "with exclusions"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var considered int
			runtime.GC()
			start := cpuTime()
			for b.Loop() {
				r, err := ix.Match(person, benchNow, directory.MatchOptions{Exclusions: excl})
				if err != nil {
					b.Fatal(err)
				}
				considered = r.Considered
			}
			reportCPU(b, start)
			b.ReportMetric(float64(considered), "considered")
		})
	}
}

// BenchmarkUpdateOne replaces one service in an index of 100,000.
func BenchmarkUpdateOne(b *testing.B) {
	ss := dirgen.Generate(42, benchN, benchNow)
	ix, err := directory.NewIndex(ss...)
	if err != nil {
		b.Fatal(err)
	}
	v1 := ss[benchN/2].Clone()
	v2 := v1.Clone()
	v2.Name = "Renamed " + v2.Name
	v2.Description += " Now also on Saturday mornings."
	v2.Extensions.Capacity = &directory.Capacity{Available: 2, Maximum: 12, Updated: benchNow}
	versions := []directory.Service{v1, v2}
	b.ReportAllocs()
	i := 0
	runtime.GC()
	start := cpuTime()
	for b.Loop() {
		if err := ix.Put(versions[i%2]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportCPU(b, start)
}
