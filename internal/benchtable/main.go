// Command benchtable turns `go test -bench` output into the README's
// performance table, so the numbers there are never typed by hand.
//
//	go test -run '^$' -bench . ./... | go run ./internal/benchtable -readme README.md
//
// It replaces the lines between <!-- bench:start --> and <!-- bench:end -->
// in the README (or prints the table without -readme).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

const (
	startMark = "<!-- bench:start -->"
	endMark   = "<!-- bench:end -->"
)

var (
	pkgLine   = regexp.MustCompile(`^pkg: (\S+)`)
	benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+(.*)$`)
	metric    = regexp.MustCompile(`([\d.e+-]+) (\S+)`)
)

// row is one benchmark result.
type row struct {
	pkg, name string
	metrics   [][2]string
}

func parse(r io.Reader) ([]row, string, error) {
	var rows []row
	var pkg, cpu string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if m := pkgLine.FindStringSubmatch(line); m != nil {
			pkg = strings.TrimPrefix(m[1], "github.com/socialrx/socialrx/")
			continue
		}
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = c
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rw := row{pkg: pkg, name: strings.TrimPrefix(m[1], "Benchmark")}
		for _, mm := range metric.FindAllStringSubmatch(m[4], -1) {
			rw.metrics = append(rw.metrics, [2]string{mm[1], mm[2]})
		}
		rows = append(rows, rw)
	}
	return rows, cpu, sc.Err()
}

func table(rows []row, cpu string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured with `go test -bench` on %s (2 cores); regenerate with `.ci/bench`.\n\n", orUnknown(cpu))
	b.WriteString("| package | benchmark | results |\n| --- | --- | --- |\n")
	for _, r := range rows {
		parts := make([]string, len(r.metrics))
		for i, m := range r.metrics {
			parts[i] = m[0] + " " + m[1]
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.pkg, r.name, strings.Join(parts, ", "))
	}
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "this machine"
	}
	return s
}

func main() {
	readme := flag.String("readme", "", "README to update in place between the bench markers")
	flag.Parse()
	rows, cpu, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(rows) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark lines on stdin")
		os.Exit(1)
	}
	t := table(rows, cpu)
	if *readme == "" {
		fmt.Print(t)
		return
	}
	b, err := os.ReadFile(*readme)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	s := string(b)
	i, j := strings.Index(s, startMark), strings.Index(s, endMark)
	if i < 0 || j < i {
		fmt.Fprintf(os.Stderr, "benchtable: %s has no %s … %s section\n", *readme, startMark, endMark)
		os.Exit(1)
	}
	s = s[:i+len(startMark)] + "\n" + t + s[j:]
	if err := os.WriteFile(*readme, []byte(s), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}
