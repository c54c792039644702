// Command loadtest measures a real socialrx host as a team would run it:
// it fills a store with a population (N referrals made through the host
// service, half of them accepted and active with a plan, an onward
// referral to a directory service and a baseline measurement, each read
// once so the audit log holds reads too; M directory services from the
// generator in internal/dirgen, imported as ORUK), serves the real HTTP
// API (config.Open and Runtime.Serve, as `socialrx serve` does, with the
// outbox worker and scheduler running) on a loopback port, and drives it
// from 1, 8, 32 and 64 clients: creates (POST /v1/referrals), reads (GET
// /v1/referrals/{id}), status changes (POST /v1/referrals/{id}/status,
// active ⇄ on hold) and directory searches (POST /v1/directory/search).
//
// Beside them it measures, in the same run and on the same disk, what
// the host is compared with: a bare net/http handler serving the bytes of
// a GET referral, raw SQLite (modernc, WAL, synchronous=FULL as the store
// opens it) inserting the same JSON one row per transaction and 64 rows
// per transaction, raw pgx INSERTs of it when SOCIALRX_POSTGRES_URL is
// set, and the in-process directory index answering the same searches.
// It prints a Markdown table: operations per second, p50 and p99
// latency, errors, and each cell's ratio to its baselines at the same
// number of clients.
//
//	go run ./internal/loadtest -stores sqlite,sqlite-plugin,postgres-plugin -n 20000 -m 20000 -duration 5s
//
// Stores: sqlite (the embedded store, the default deployment),
// sqlite-plugin and postgres-plugin (examples/sqlite-plugin and
// examples/postgres-plugin, built with go build and launched as plugin
// processes over gRPC; postgres-plugin on a schema of its own in the
// database SOCIALRX_POSTGRES_URL names, dropped at the end). Run it from
// the module, where go build finds the plugins.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

// PostgresURLEnv names the variable with the PostgreSQL database the
// postgres-plugin store and the raw pgx baseline use.
const PostgresURLEnv = "SOCIALRX_POSTGRES_URL"

// Stores are the deployments the harness can run on, in the order it
// runs them.
var Stores = []string{"sqlite", "sqlite-plugin", "postgres-plugin"}

// Options are what a run measures.
type Options struct {
	// Stores are the deployments to run on (see [Stores]).
	Stores []string
	// N is how many referrals, M how many directory services, fill each
	// store before it is measured.
	N, M int
	// Clients are the numbers of concurrent clients of each cell.
	Clients []int
	// Duration is how long each cell runs.
	Duration time.Duration
	// Dir is where the databases and plugin binaries go; a new temporary
	// folder below it is made and removed.
	Dir string
	// PostgresURL is the database of postgres-plugin and the raw pgx
	// baseline; "" leaves both out.
	PostgresURL string
	// Log, if not nil, is told of each step.
	Log func(format string, args ...any)
}

func main() {
	o := Options{PostgresURL: os.Getenv(PostgresURLEnv)}
	stores := flag.String("stores", "sqlite", "comma-separated stores to run on: "+strings.Join(Stores, ", "))
	clients := flag.String("clients", "1,8,32,64", "comma-separated numbers of concurrent clients")
	flag.IntVar(&o.N, "n", 1000, "referrals to fill each store with")
	flag.IntVar(&o.M, "m", 1000, "directory services to fill each store with")
	flag.DurationVar(&o.Duration, "duration", 5*time.Second, "how long each cell runs")
	flag.StringVar(&o.Dir, "dir", os.TempDir(), "folder for the databases and plugin binaries (the disk measured)")
	flag.Parse()
	o.Stores = strings.Split(*stores, ",")
	for _, c := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 || n > 1024 {
			fmt.Fprintf(os.Stderr, "loadtest: -clients: %q is not a number from 1 to 1024\n", c)
			os.Exit(2)
		}
		o.Clients = append(o.Clients, n)
	}
	o.Log = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
	fmt.Print(res.Table())
}
