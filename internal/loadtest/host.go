package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/internal/dirgen"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/referral"
)

// The test documents: a GP referral (its NHS number is replaced per
// person) and a link worker's assessment.
var (
	//go:embed testdata/referral.json
	referralDoc []byte
	//go:embed testdata/assessment.json
	assessmentDoc []byte
)

// templateNHS is the NHS number in referralDoc.
const templateNHS = `"9434765919"`

// nhsNumber returns the i-th of a series of distinct valid NHS numbers
// (modulus 11 check digit): the nine digits 100000000+2i, or the next
// ones when those have no check digit (then the next ones do, and are
// no other i's).
func nhsNumber(i int) string {
	base := 100000000 + 2*(i%400000000)
	for ; ; base++ {
		d := fmt.Sprintf("%09d", base)
		sum := 0
		for k := range 9 {
			sum += int(d[k]-'0') * (10 - k)
		}
		c := (11 - sum%11) % 11
		if c != 10 {
			return d + string(rune('0'+c))
		}
	}
}

// referralBody is the create body of the i-th person.
func referralBody(i int) []byte {
	return bytes.Replace(referralDoc, []byte(templateNHS), []byte(`"`+nhsNumber(i)+`"`), 1)
}

// The principals of the run, and their bearer tokens.
var (
	admin      = host.Principal{ID: "load-admin", Role: referral.RoleAdmin}
	referrer   = host.Principal{ID: "load-referrer", Role: referral.RoleReferrer, Organisation: "A81001", Team: "north"}
	linkWorker = host.Principal{ID: "load-lw", Role: referral.RoleLinkWorker, Team: "north"}
)

// secrets are the tokens' secrets by principal id, new each run.
var secrets = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, p := range []host.Principal{admin, referrer, linkWorker} {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		out[p.ID] = "srx_load_" + hex.EncodeToString(b)
	}
	return out
})

func tokens() []httpapi.Token {
	var ts []httpapi.Token
	for _, p := range []host.Principal{admin, referrer, linkWorker} {
		ts = append(ts, httpapi.Token{SHA256: httpapi.HashToken(secrets()[p.ID]), ID: p.ID, Role: p.Role, Organisation: p.Organisation, Team: p.Team})
	}
	return ts
}

// server is a running host on one store, filled.
type server struct {
	rt   *config.Runtime
	url  string
	stop func() error
	// referrals are the ids of the stored referrals; active are those
	// accepted and active, which status changes move.
	referrals, active []string
}

// buildPlugin builds a plugin command of the module into dir and returns
// its path and SHA-256.
func buildPlugin(dir, pkg string) (string, string, error) {
	path := filepath.Join(dir, filepath.Base(pkg))
	if out, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", "", err
	}
	return path, hex.EncodeToString(h.Sum(nil)), nil
}

// storeConfig is the store part of a host's config for a deployment,
// with a cleanup to run after the host is closed.
func storeConfig(store, dir, pgURL string) (config.PluginConfig, func() error, error) {
	none := func() error { return nil }
	switch store {
	case "sqlite":
		return config.PluginConfig{SQLite: filepath.Join(dir, "socialrx.db")}, none, nil
	case "sqlite-plugin":
		path, sum, err := buildPlugin(dir, "github.com/socialrx/socialrx/examples/sqlite-plugin")
		if err != nil {
			return config.PluginConfig{}, none, err
		}
		return config.PluginConfig{Plugin: &config.PluginBinary{Path: path, SHA256: sum, Args: []string{"-db", filepath.Join(dir, "socialrx.db")}}}, none, nil
	case "postgres-plugin":
		if pgURL == "" {
			return config.PluginConfig{}, none, fmt.Errorf("store postgres-plugin needs %s", PostgresURLEnv)
		}
		path, sum, err := buildPlugin(dir, "github.com/socialrx/socialrx/examples/postgres-plugin")
		if err != nil {
			return config.PluginConfig{}, none, err
		}
		schema := "loadtest_" + randHex()
		env := []string{PostgresURLEnv + "=" + pgURL, "SOCIALRX_POSTGRES_SCHEMA=" + schema}
		return config.PluginConfig{Plugin: &config.PluginBinary{Path: path, SHA256: sum, Env: env}}, func() error { return dropSchema(pgURL, schema) }, nil
	}
	return config.PluginConfig{}, none, fmt.Errorf("no store %q; want one of %v", store, Stores)
}

func randHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// dropSchema drops a PostgreSQL schema with everything in it.
func dropSchema(u, schema string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	return err
}

// startHost opens a host on the store as `socialrx serve` does and serves
// it on a loopback port until stop is called.
func startHost(store, dir, pgURL string) (*server, error) {
	sc, cleanup, err := storeConfig(store, dir, pgURL)
	if err != nil {
		return nil, err
	}
	cfg := config.Config{Dir: dir, Addr: "127.0.0.1:0", Store: sc, Tokens: tokens(),
		Team: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "team", Address: "team@sp.example.org"}}
	rt, err := config.Open(cfg, nil)
	if err != nil {
		return nil, errors.Join(err, cleanup())
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- rt.Serve(ctx, func(a string) { addr <- a }) }()
	s := &server{rt: rt}
	s.stop = func() error {
		cancel()
		return errors.Join(<-done, rt.Close(), cleanup())
	}
	select {
	case a := <-addr:
		s.url = "http://" + a
		return s, nil
	case err := <-done:
		cancel()
		return nil, errors.Join(err, rt.Close(), cleanup())
	}
}

// fill imports m generated services and makes n referrals through the
// host service from several goroutines: every referral is read once (an
// audited read); every other one is accepted, made active, given a plan,
// referred on to a service and measured at baseline. logf is told of
// progress.
func (s *server) fill(ctx context.Context, services []directory.Service, n int, logf func(string, ...any)) error {
	svc := s.rt.Service
	const page = 500
	for i := 0; i < len(services); i += page {
		end := min(i+page, len(services))
		doc, err := directory.EncodeServicePage(directory.ServicePage{TotalItems: end - i, TotalPages: 1, PageNumber: 1, Size: end - i,
			FirstPage: true, LastPage: true, Contents: services[i:end]})
		if err != nil {
			return err
		}
		if _, err := svc.ImportORUK(ctx, admin, doc, nil); err != nil {
			return fmt.Errorf("importing services %d to %d: %w", i, end, err)
		}
	}
	var active []directory.Service
	for _, d := range services {
		if d.Status == directory.StatusActive {
			active = append(active, d)
		}
	}
	if len(active) == 0 {
		return errors.New("the generated directory has no active service to refer on to")
	}
	var a plan.Assessment
	if err := json.Unmarshal(assessmentDoc, &a); err != nil {
		return err
	}
	a.AssessedAt = time.Now().UTC()
	answers := make([]outcomes.Answer, 0, 7)
	for k, item := range []string{"optimism", "useful", "relaxed", "dealing_with_problems", "thinking_clearly", "close_to_others", "own_mind"} {
		v := 1 + k%5
		answers = append(answers, outcomes.Answer{Item: item, Value: &v})
	}
	ids := make([]string, n)
	isActive := make([]bool, n)
	one := func(i int) error {
		in, err := referral.Decode(referralBody(i), time.Now())
		if err != nil {
			return err
		}
		r, err := svc.CreateReferral(ctx, referrer, *in, "")
		if err != nil {
			return fmt.Errorf("referral %d: %w", i, err)
		}
		ids[i] = r.ID
		if i%2 == 0 {
			for _, to := range []referral.Status{referral.StatusAccepted, referral.StatusActive} {
				if r, err = svc.ChangeReferralStatus(ctx, linkWorker, host.Target{ID: r.ID, Version: r.Version}, host.StatusChange{To: to}); err != nil {
					return fmt.Errorf("referral %d to %s: %w", i, to, err)
				}
			}
			if _, err := svc.CreatePlan(ctx, linkWorker, r.ID, a, ""); err != nil {
				return fmt.Errorf("plan of referral %d: %w", i, err)
			}
			if _, err := svc.CreateOnwardReferral(ctx, linkWorker, r.ID, host.OnwardRequest{ServiceID: active[i%len(active)].ID}, ""); err != nil {
				return fmt.Errorf("onward referral of referral %d: %w", i, err)
			}
			if _, err := svc.RecordMeasurement(ctx, linkWorker, r.ID, host.MeasurementRequest{Instrument: "swemwbs", InstrumentVersion: "1",
				TimePoint: "baseline", Date: socialrx.DateOf(time.Now()), Mode: "in_person", Answers: answers}, ""); err != nil {
				return fmt.Errorf("measurement of referral %d: %w", i, err)
			}
			isActive[i] = true
		}
		if _, _, err := svc.GetReferral(ctx, linkWorker, r.ID); err != nil {
			return fmt.Errorf("reading referral %d: %w", i, err)
		}
		return nil
	}
	var next, filled atomic.Int64
	errs := make(chan error, 8)
	for range cap(errs) {
		go func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					errs <- nil
					return
				}
				if err := one(i); err != nil {
					next.Store(int64(n)) // the others stop too
					errs <- err
					return
				}
				if done := filled.Add(1); done%1000 == 0 {
					logf("%d of %d referrals", done, n)
				}
			}
		}()
	}
	var err error
	for range cap(errs) {
		err = errors.Join(err, <-errs)
	}
	if err != nil {
		return err
	}
	s.referrals = ids
	for i, id := range ids {
		if isActive[i] {
			s.active = append(s.active, id)
		}
	}
	return nil
}

// generate returns the run's directory: m services around Leeds.
func generate(m int) []directory.Service {
	return dirgen.Generate(42, m, time.Now().UTC().Truncate(24*time.Hour))
}
