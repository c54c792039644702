package host_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/outcomes"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/plugins/postgres"
	"github.com/socialrx/socialrx/plugins/sqlite"
	"github.com/socialrx/socialrx/referral"
)

// makeFixtureEnv, when "1", makes TestMakeUpgradeFixture write the fixture
// databases of testdata/upgrade anew with the code of this checkout (see
// testdata/upgrade/README.md). They are meant to be made once per format
// change at most, and kept: they are what an older release wrote.
const makeFixtureEnv = "SOCIALRX_MAKE_UPGRADE_FIXTURE"

// fixtureDir holds the fixture databases and what the code that wrote them
// read back from them.
var fixtureDir = filepath.Join("testdata", "upgrade")

// fixtureSchema is the PostgreSQL schema the fixture is dumped from; the
// test loads the dump under a schema name of its own.
const fixtureSchema = "socialrx_fixture"

// fixtureNow is the clock of the fixture's host, when it wrote and when it
// read back.
var fixtureNow = time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)

// fixtureIDs are the records of the fixture population.
type fixtureIDs struct {
	Referrals []string `json:"referrals"`
	Plans     []string `json:"plans"`
	Onward    []string `json:"onward"`
}

// fixtureView is everything of the fixture population a host reads back
// through the service: what the code that wrote the fixture read is kept
// as <store>.view.json, and the current code must read at least the same.
type fixtureView struct {
	IDs        fixtureIDs                          `json:"ids"`
	Audit      []host.AuditEntry                   `json:"audit"`
	Referrals  map[string]*referral.Referral       `json:"referrals"`
	Outcomes   map[string]*host.Outcome            `json:"outcomes"`
	Events     map[string][]plugins.Event          `json:"events"`
	Listed     []referral.Referral                 `json:"listed"`
	Plans      map[string]*plan.Plan               `json:"plans"`
	Onward     map[string]*referral.OnwardReferral `json:"onward"`
	PartnerSaw map[string]*referral.OnwardReferral `json:"partner_saw"`
	Report     outcomes.Report                     `json:"report"`
	Services   json.RawMessage                     `json:"services"`
	Postcode   host.PostcodePoint                  `json:"postcode"`
	Depth      int                                 `json:"outbox_depth"`
	Sent       []plugins.Message                   `json:"sent"`
}

// fixtureService is a host on store as the fixture's: its clock stands at
// fixtureNow and its messenger records.
func fixtureService(t *testing.T, store plugins.Store) (*host.Service, *hosttest.RecordingMessenger) {
	t.Helper()
	m := &hosttest.RecordingMessenger{}
	svc, err := host.NewService(host.Options{Store: store, Messenger: m, Clinical: memory.NewFakeClinicalSystem(),
		Now:  func() time.Time { return fixtureNow },
		Team: plugins.Recipient{Role: plugins.RoleLinkWorker, ID: "team", Address: "team@sp.example.org"}})
	require.NoError(t, err)
	return svc, m
}

// populate writes the fixture population through the service: the
// directory and postcodes; a referral received and not yet looked at; one
// declined; one active with every consent, a signpost, a plan with a goal,
// an onward referral the partner accepted and a baseline measure; audit
// entries of all that, and outbox messages both delivered and waiting.
func populate(t *testing.T, svc *host.Service) fixtureIDs {
	t.Helper()
	ctx, admin, gp, lw, partner := context.Background(), as(referral.RoleAdmin), as(referral.RoleReferrer), as(referral.RoleLinkWorker), as(referral.RolePartner)
	_, err := svc.ImportORUK(ctx, admin, hosttest.Doc("directory.json"), nil)
	require.NoError(t, err)
	_, err = svc.ImportPostcodes(ctx, admin, onspdSample(t), nil)
	require.NoError(t, err)
	var ids fixtureIDs
	receive := func(given string) *referral.Referral {
		in, err := referral.Decode(hosttest.Doc("referral_new.json"), fixtureNow)
		require.NoError(t, err)
		in.Person.GivenName = given
		r, err := svc.CreateReferral(ctx, gp, *in, "fixture-"+given)
		require.NoError(t, err)
		ids.Referrals = append(ids.Referrals, r.ID)
		return r
	}
	move := func(r *referral.Referral, c host.StatusChange) *referral.Referral {
		r, err := svc.ChangeReferralStatus(ctx, lw, host.Target{ID: r.ID, Version: r.Version}, c)
		require.NoError(t, err)
		return r
	}

	receive("Peggy")
	declined := receive("Ada")
	move(declined, host.StatusChange{To: referral.StatusDeclined, Reason: referral.DeclineDuplicate, Note: "seen already"})
	// Deliver what is queued so far, so that the outbox holds delivered rows too.
	_, err = svc.DeliverOutbox(ctx, "fixture", 1000)
	require.NoError(t, err)

	r := receive("Grace")
	r = move(r, host.StatusChange{To: referral.StatusAccepted})
	r = move(r, host.StatusChange{To: referral.StatusActive})
	for _, c := range []host.ConsentChange{
		{Kind: referral.ConsentShare, Given: true, Scope: referral.ShareFull},
		{Kind: referral.ConsentEvaluation, Given: true},
		{Kind: referral.ConsentFeedback, Given: true},
	} {
		r, err = svc.RecordConsent(ctx, lw, host.Target{ID: r.ID, Version: r.Version}, c)
		require.NoError(t, err)
	}
	r, err = svc.Signpost(ctx, lw, host.Target{ID: r.ID, Version: r.Version}, host.SignpostRequest{ServiceID: "svc-walks", Note: "Tuesday walks"})
	require.NoError(t, err)

	var a plan.Assessment
	require.NoError(t, json.Unmarshal(hosttest.Doc("assessment.json"), &a))
	pl, err := svc.CreatePlan(ctx, lw, r.ID, a, "fixture-plan")
	require.NoError(t, err)
	_, err = svc.AddGoal(ctx, lw, host.Target{ID: pl.ID, Version: pl.Version}, host.GoalRequest{Text: "Get out of the house twice a week", Need: socialrx.NeedPhysicalActivity})
	require.NoError(t, err)
	ids.Plans = append(ids.Plans, pl.ID)

	o, err := svc.CreateOnwardReferral(ctx, lw, r.ID, host.OnwardRequest{ServiceID: hosttest.GardenService, Note: "Grace loves roses"}, "fixture-onward")
	require.NoError(t, err)
	_, err = svc.ChangeOnwardStatus(ctx, partner, host.Target{ID: o.ID, Version: o.Version}, host.TaskChange{To: referral.TaskAccepted, Note: "See you Tuesday"})
	require.NoError(t, err)
	ids.Onward = append(ids.Onward, o.ID)

	var answers []outcomes.Answer
	three := 3
	for _, item := range []string{"optimism", "useful", "relaxed", "dealing_with_problems", "thinking_clearly", "close_to_others", "own_mind"} {
		answers = append(answers, outcomes.Answer{Item: item, Value: &three})
	}
	_, err = svc.RecordMeasurement(ctx, lw, r.ID, host.MeasurementRequest{Instrument: "swemwbs", InstrumentVersion: "1", TimePoint: "baseline",
		Date: socialrx.DateOf(fixtureNow), Mode: "in_person", Answers: answers}, "fixture-measure")
	require.NoError(t, err)
	return ids
}

// readBack reads every record of the fixture population through the
// service (and each referral's event log from the store), then delivers
// the outbox. It reads the audit log first, since reads add to it.
func readBack(t *testing.T, svc *host.Service, store plugins.Store, m *hosttest.RecordingMessenger, ids fixtureIDs) fixtureView {
	t.Helper()
	ctx, admin, gp, lw, partner := context.Background(), as(referral.RoleAdmin), as(referral.RoleReferrer), as(referral.RoleLinkWorker), as(referral.RolePartner)
	v := fixtureView{IDs: ids, Referrals: map[string]*referral.Referral{}, Outcomes: map[string]*host.Outcome{}, Events: map[string][]plugins.Event{},
		Plans: map[string]*plan.Plan{}, Onward: map[string]*referral.OnwardReferral{}, PartnerSaw: map[string]*referral.OnwardReferral{}}
	for pg := (host.Page{}); ; {
		entries, next, err := svc.Audit(ctx, admin, pg)
		require.NoError(t, err)
		v.Audit = append(v.Audit, entries...)
		if pg.Cursor = next; next == "" {
			break
		}
	}
	for _, id := range ids.Referrals {
		r, _, err := svc.GetReferral(ctx, lw, id)
		require.NoError(t, err, "referral %s", id)
		v.Referrals[id] = r
		_, out, err := svc.GetReferral(ctx, gp, id)
		require.NoError(t, err, "referral %s", id)
		v.Outcomes[id] = out
		v.Events[id], err = store.Events(ctx, plugins.KindReferral, id, 0, 0)
		require.NoError(t, err)
	}
	var err error
	v.Listed, _, err = svc.ListReferrals(ctx, lw, host.ReferralQuery{Page: host.Page{Limit: 100}})
	require.NoError(t, err)
	for _, id := range ids.Plans {
		v.Plans[id], err = svc.GetPlan(ctx, lw, id)
		require.NoError(t, err, "plan %s", id)
	}
	for _, id := range ids.Onward {
		v.Onward[id], err = svc.GetOnwardReferral(ctx, lw, id)
		require.NoError(t, err, "onward referral %s", id)
		v.PartnerSaw[id], err = svc.GetOnwardReferral(ctx, partner, id)
		require.NoError(t, err, "onward referral %s", id)
	}
	v.Report, err = svc.OutcomesReport(ctx, as(referral.RoleCommissioner), outcomes.Options{})
	require.NoError(t, err)
	services, err := svc.ORUKServices(ctx, host.ORUKQuery{Page: 1, PerPage: 100})
	require.NoError(t, err)
	v.Services, err = json.Marshal(services)
	require.NoError(t, err)
	v.Postcode, err = svc.Postcode(ctx, "SE1P 5ZZ")
	require.NoError(t, err)
	v.Depth, err = svc.OutboxDepth(ctx)
	require.NoError(t, err)
	_, err = svc.DeliverOutbox(ctx, "reader", 1000)
	require.NoError(t, err)
	v.Sent = m.Sent()
	return v
}

// TestMakeUpgradeFixture writes the fixture databases of testdata/upgrade
// when SOCIALRX_MAKE_UPGRADE_FIXTURE=1 (and, for the PostgreSQL one,
// SOCIALRX_POSTGRES_URL names a database and pg_dump is on the PATH): the
// same population through the host service into an embedded SQLite file
// and into a PostgreSQL schema dumped as SQL, each with what the service
// read back from it (<store>.view.json). The reads run on a copy, so the
// fixture is as populate left it.
func TestMakeUpgradeFixture(t *testing.T) {
	if os.Getenv(makeFixtureEnv) != "1" {
		t.Skip(makeFixtureEnv + "=1 writes the upgrade fixtures anew")
	}
	require.NoError(t, os.MkdirAll(fixtureDir, 0o755))
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(fixtureDir, "sqlite.db")
		require.NoError(t, removeAll(path, path+"-wal", path+"-shm"))
		store, err := sqlite.Open(path)
		require.NoError(t, err)
		svc, _ := fixtureService(t, store)
		ids := populate(t, svc)
		require.NoError(t, store.Close())
		writeView(t, "sqlite", readSQLiteFixture(t, ids))
	})
	t.Run("postgres", func(t *testing.T) {
		u := postgresURL(t)
		conn := pgConn(t, u)
		_, err := conn.Exec(t.Context(), "DROP SCHEMA IF EXISTS "+fixtureSchema+" CASCADE")
		require.NoError(t, err)
		store, err := postgres.Open(t.Context(), postgres.Config{URL: u, Schema: fixtureSchema})
		require.NoError(t, err)
		svc, _ := fixtureService(t, store)
		ids := populate(t, svc)
		require.NoError(t, store.Close())
		dump, err := exec.Command("pg_dump", "--schema="+fixtureSchema, "--inserts", "--no-owner", "--no-privileges", "--no-comments", u).Output()
		require.NoError(t, err, "pg_dump")
		require.NoError(t, os.WriteFile(filepath.Join(fixtureDir, "postgres.sql"), dump, 0o644))
		_, err = conn.Exec(t.Context(), "DROP SCHEMA "+fixtureSchema+" CASCADE")
		require.NoError(t, err)
		writeView(t, "postgres", readPostgresFixture(t, ids))
	})
}

// TestFixtureDatabasesStillRead opens the databases an earlier release
// wrote (testdata/upgrade, see its README) with the current code, a copy of
// each, and reads every record of them through the host service: each
// must read back at least as that release read it (fields added since may
// appear; nothing it read may be missing or different), and the outbox
// messages it left must still deliver.
func TestFixtureDatabasesStillRead(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(fixtureDir, store+".view.json"))
			require.NoError(t, err)
			var want fixtureView
			require.NoError(t, json.Unmarshal(b, &want))
			var got fixtureView
			if store == "sqlite" {
				got = readSQLiteFixture(t, want.IDs)
			} else {
				got = readPostgresFixture(t, want.IDs)
			}
			assert.NotEmpty(t, want.Audit)
			assert.Len(t, want.Referrals, 3)
			assert.NotEmpty(t, want.Sent, "the fixture left messages in the outbox")
			wantJSON, gotJSON := asJSON(t, want), asJSON(t, got)
			for _, d := range diffJSON("", wantJSON, gotJSON) {
				t.Error(d)
			}
		})
	}
}

// readSQLiteFixture reads back a copy of the SQLite fixture.
func readSQLiteFixture(t *testing.T, ids fixtureIDs) fixtureView {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "sqlite.db"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "socialrx.db")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	store, err := sqlite.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	svc, m := fixtureService(t, store)
	return readBack(t, svc, store, m, ids)
}

// readPostgresFixture loads the PostgreSQL fixture into a schema of its
// own, dropped when t ends, and reads it back.
func readPostgresFixture(t *testing.T, ids fixtureIDs) fixtureView {
	t.Helper()
	u := postgresURL(t)
	b, err := os.ReadFile(filepath.Join(fixtureDir, "postgres.sql"))
	require.NoError(t, err)
	name := loadDump(t, u, string(b))
	store, err := postgres.Open(t.Context(), postgres.Config{URL: u, Schema: name})
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	svc, m := fixtureService(t, store)
	return readBack(t, svc, store, m, ids)
}

// loadDump runs a pg_dump of the fixture schema under a new schema name,
// dropped when t ends, and returns the name. psql's meta-commands
// (\restrict) are left out: the dump is run as plain SQL.
func loadDump(t *testing.T, u, dump string) string {
	t.Helper()
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	name := "upgrade_" + hex.EncodeToString(buf)
	var lines []string
	for _, l := range strings.Split(dump, "\n") {
		if !strings.HasPrefix(l, "\\") {
			lines = append(lines, l)
		}
	}
	sql := regexp.MustCompile(`\b`+fixtureSchema+`\b`).ReplaceAllString(strings.Join(lines, "\n"), name)
	conn := pgConn(t, u)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, u)
		if err == nil {
			_, err = c.Exec(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE")
			c.Close(ctx)
		}
		if err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	_, err := conn.Exec(t.Context(), sql)
	require.NoError(t, err, "load the dump")
	return name
}

// postgresURL is SOCIALRX_POSTGRES_URL; t skips when it is not set.
func postgresURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(hosttest.PostgresURLEnv)
	if u == "" {
		t.Skip(hosttest.PostgresURLEnv + " is not set: point it at a PostgreSQL database, such as " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run the PostgreSQL leg")
	}
	return u
}

// pgConn is a connection to u, closed when t ends.
func pgConn(t *testing.T, u string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), u)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// writeView keeps what the code read back from a fixture.
func writeView(t *testing.T, store string, v fixtureView) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(fixtureDir, store+".view.json"), append(b, '\n'), 0o644))
}

func asJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// diffJSON lists where got lacks or differs from what want holds: every
// member of want's objects must be in got's with the same value; got's
// objects may hold more members. Arrays must have the same length.
func diffJSON(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %v", path, got)}
		}
		var out []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s/%s: missing (want %v)", path, k, wv))
				continue
			}
			out = append(out, diffJSON(path+"/"+k, wv, gv)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %d items, got %v", path, len(w), got)}
		}
		var out []string
		for i := range w {
			out = append(out, diffJSON(fmt.Sprintf("%s/%d", path, i), w[i], g[i])...)
		}
		return out
	default:
		if want != got {
			return []string{fmt.Sprintf("%s: want %v, got %v", path, want, got)}
		}
		return nil
	}
}

func removeAll(paths ...string) error {
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}
