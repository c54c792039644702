package host_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
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
	"github.com/socialrx/socialrx/referral"
)

// peggy is what identifies the person of the test referral: name, NHS
// number, date of birth, address, postcode and phone number.
var peggy = []string{"Margaret", "O'Neill", "Peggy", "9434765919", "1948-03-14", "Kennington Road", "SE11 5QY", "020 7946 0018"}

// everything gives the person of the test referral one record of every
// kind: an active referral with evaluation consent, a signpost, an onward
// referral, a plan and a baseline measurement; it delivers the messages and
// has a link worker read the referral.
func everything(t *testing.T, e *hosttest.Env) *referral.Referral {
	t.Helper()
	ctx, lw := context.Background(), as(referral.RoleLinkWorker)
	r, _ := consentingPerson(t, e)
	r, err := e.Svc.Signpost(ctx, lw, host.Target{ID: r.ID}, host.SignpostRequest{ServiceID: "svc-walks"})
	require.NoError(t, err)
	var a plan.Assessment
	require.NoError(t, json.Unmarshal(hosttest.Doc("assessment.json"), &a))
	_, err = e.Svc.CreatePlan(ctx, lw, r.ID, a, "plan-key")
	require.NoError(t, err)
	_, _, err = e.Svc.GetReferral(ctx, lw, r.ID)
	require.NoError(t, err)
	_, err = e.Svc.DeliverOutbox(ctx, "w", 1000)
	require.NoError(t, err)
	return r
}

// rawStore returns every byte the deployment keeps: the SQLite file with
// its write-ahead log, or every row of every table of the PostgreSQL
// schema as text.
func rawStore(t *testing.T, e *hosttest.Env) string {
	t.Helper()
	if e.Deployment != hosttest.PostgresPlugin {
		var b strings.Builder
		for _, f := range []string{e.DB, e.DB + "-wal"} {
			data, err := os.ReadFile(f)
			if !os.IsNotExist(err) {
				require.NoError(t, err)
			}
			b.Write(data)
		}
		return b.String()
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, os.Getenv(hosttest.PostgresURLEnv))
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", e.DB)
	require.NoError(t, err)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Contains(t, tables, "documents")
	var b strings.Builder
	for _, table := range tables {
		var text string
		id := pgx.Identifier{e.DB, table}.Sanitize()
		require.NoError(t, conn.QueryRow(ctx, "SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM "+id+" t").Scan(&text))
		b.WriteString(text)
	}
	return b.String()
}

// TestErasureLeavesNothingPersonal: after an erasure on request, neither
// the store's tables nor (for SQLite) the file hold the person's name, NHS
// number, date of birth, address or phone number: not in the records, the
// event logs, the outbox or the create keys. Only admins may erase, and the
// audit log says an erasure happened and nothing about the person. On
// every deployment.
func TestErasureLeavesNothingPersonal(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := context.Background()
		r := everything(t, e)
		before := rawStore(t, e)
		for _, s := range peggy {
			require.Contains(t, before, s, "the search finds what is there")
		}

		_, err := e.Svc.Erase(ctx, as(referral.RoleLinkWorker), host.Subject{NHSNumber: r.Person.NHSNumber})
		assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err), "only admins erase: %v", err)
		_, _, err = e.Svc.GetReferral(ctx, as(referral.RoleLinkWorker), r.ID)
		require.NoError(t, err, "a refused erasure erases nothing")

		got, err := e.Svc.Erase(ctx, as(referral.RoleAdmin), host.Subject{NHSNumber: r.Person.NHSNumber})
		require.NoError(t, err)
		assert.Equal(t, host.Erased{Referrals: 1, Plans: 1, OnwardReferrals: 1, Measurements: 1}, got)

		after := rawStore(t, e)
		for _, s := range peggy {
			assert.NotContains(t, after, s, "nothing personal is left in the %s store", e.Deployment)
		}
		_, _, err = e.Svc.GetReferral(ctx, as(referral.RoleAdmin), r.ID)
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
		_, err = e.Svc.Erase(ctx, as(referral.RoleAdmin), host.Subject{NHSNumber: r.Person.NHSNumber})
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "no record of them is left")

		entries := auditLog(t, e)
		erase := findAudit(entries, "erase")
		require.NotNil(t, erase, "the erasure is audited")
		assert.Equal(t, "admin", erase.Who.ID)
		assert.Contains(t, erase.Records, r.ID)
		assert.NotNil(t, findAudit(entries, "denied_erase"), "the refusal is audited")
		log, err := json.Marshal(entries)
		require.NoError(t, err)
		for _, s := range peggy {
			assert.NotContains(t, string(log), s, "the audit log holds nothing personal")
		}
	})
}

// TestSubjectAccessHoldsEveryKindOfRecord: a subject access export, by NHS
// number or by referral id, holds the person's referral with its consents,
// plan, onward referral, measurement, the event log of each, the messages
// about them (sent ones too) and the audit entries of who read their
// record. Only admins may; both the export and a refusal are audited. On
// every deployment.
func TestSubjectAccessHoldsEveryKindOfRecord(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := context.Background()
		r := everything(t, e)
		for _, role := range []referral.Role{referral.RoleLinkWorker, referral.RoleReferrer, referral.RolePartner, referral.RoleCommissioner} {
			_, err := e.Svc.SubjectAccess(ctx, as(role), host.Subject{ReferralID: r.ID})
			assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err), "%s: %v", role, err)
		}
		for name, sub := range map[string]host.Subject{"by NHS number": {NHSNumber: r.Person.NHSNumber}, "by referral": {ReferralID: r.ID}} {
			t.Run(name, func(t *testing.T) {
				sar, err := e.Svc.SubjectAccess(ctx, as(referral.RoleAdmin), sub)
				require.NoError(t, err)
				require.Len(t, sar.Referrals, 1)
				assert.Equal(t, r.Person.NHSNumber, sar.Referrals[0].Person.NHSNumber)
				require.Len(t, sar.Consents, 1)
				assert.True(t, sar.Consents[0].Consents.Evaluation.Given)
				assert.Len(t, sar.Plans, 1)
				assert.Len(t, sar.OnwardReferrals, 1)
				assert.Len(t, sar.Measurements, 1)
				kinds := map[plugins.Kind]bool{}
				for _, ev := range sar.Events {
					kinds[ev.Kind] = true
				}
				assert.True(t, kinds[plugins.KindReferral] && kinds[plugins.KindOnwardReferral], "events of each record: %v", kinds)
				require.NotEmpty(t, sar.Messages)
				delivered := 0
				for _, m := range sar.Messages {
					if m.DeliveredAt != nil {
						delivered++
					}
				}
				assert.Positive(t, delivered, "sent messages are shown too")
				var read bool
				for _, a := range sar.Access {
					read = read || (a.Who.ID == "lw-sam" && a.Action == "read" && a.Target == r.ID)
				}
				assert.True(t, read, "who read their record is shown")
			})
		}
		_, err := e.Svc.SubjectAccess(ctx, as(referral.RoleAdmin), host.Subject{NHSNumber: "9434765870"})
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "someone of whom nothing is held")
		_, err = e.Svc.SubjectAccess(ctx, as(referral.RoleAdmin), host.Subject{NHSNumber: "1234567890"})
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "a bad NHS number")
		_, err = e.Svc.SubjectAccess(ctx, as(referral.RoleAdmin), host.Subject{})
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "no one named")

		entries := auditLog(t, e)
		sar := findAudit(entries, "subject_access")
		require.NotNil(t, sar, "the export is audited")
		assert.Contains(t, sar.Records, r.ID)
		assert.NotNil(t, findAudit(entries, "denied_subject_access"), "a refusal is audited")
	})
}

// TestRetentionErasesOnlyWhatIsDue: the scheduler erases the personal data
// of a referral retention months after it closed, and nothing sooner; a
// referral of the same person closed later stays until its own time. The
// outcomes report counts the same before and after, and each erasure is
// audited. On every deployment.
func TestRetentionErasesOnlyWhatIsDue(t *testing.T) {
	six := func(o *host.Options) { o.RetentionMonths = 6 }
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := context.Background()
		admin, lw := as(referral.RoleAdmin), as(referral.RoleLinkWorker)
		first := everything(t, e)
		_, err := e.Svc.ChangeReferralStatus(ctx, lw, host.Target{ID: first.ID}, host.StatusChange{To: referral.StatusClosed, Reason: referral.CloseGoalsMet})
		require.NoError(t, err)
		report := func() outcomes.Report {
			t.Helper()
			rep, err := e.Svc.OutcomesReport(ctx, admin, outcomes.Options{})
			require.NoError(t, err)
			return rep
		}
		wantReport := report()
		require.Equal(t, 1, wantReport.Measurements, "the report counts the measurement")

		e.Clock.Add(60 * 24 * time.Hour)
		second := newReferral(t, e) // the same person, again
		_, err = e.Svc.ChangeReferralStatus(ctx, lw, host.Target{ID: second.ID}, host.StatusChange{To: referral.StatusDeclined, Reason: referral.DeclineDeclinedByPerson})
		require.NoError(t, err)

		run := func() {
			t.Helper()
			_, err := e.Svc.RunScheduler(ctx, "w", 100)
			require.NoError(t, err)
		}
		exists := func(id string) bool {
			t.Helper()
			_, _, err := e.Svc.GetReferral(ctx, admin, id)
			if socialrx.ErrorCode(err) == socialrx.CodeNotFound {
				return false
			}
			require.NoError(t, err)
			return true
		}
		e.Clock.Add(120 * 24 * time.Hour) // a day short of six months after the first closed
		run()
		assert.True(t, exists(first.ID), "not before its time")

		e.Clock.Add(32 * 24 * time.Hour) // a month later
		run()
		assert.False(t, exists(first.ID), "the first referral's time has come")
		assert.True(t, exists(second.ID), "the second's has not")
		sar, err := e.Svc.SubjectAccess(ctx, admin, host.Subject{NHSNumber: first.Person.NHSNumber})
		require.NoError(t, err)
		assert.Len(t, sar.Referrals, 1)
		assert.Empty(t, sar.Plans, "the first referral's plan went with it")
		assert.Empty(t, sar.OnwardReferrals)
		assert.Empty(t, sar.Measurements)
		for _, m := range sar.Messages {
			assert.NotContains(t, m.IdempotencyKey, first.ID, "its messages went with it")
		}
		assert.Equal(t, wantReport, report(), "the report counts its measurement and onward referral as before")
		entry := findAudit(auditLog(t, e), "retention_erase")
		require.NotNil(t, entry, "the erasure is audited")
		assert.Equal(t, "scheduler", entry.Who.ID)
		assert.Equal(t, first.ID, entry.Target)

		e.Clock.Add(31 * 24 * time.Hour) // six months and two days after the second closed
		run()
		assert.False(t, exists(second.ID))
		_, err = e.Svc.SubjectAccess(ctx, admin, host.Subject{NHSNumber: first.Person.NHSNumber})
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "nothing of the person is left")
		raw := rawStore(t, e)
		for _, s := range peggy {
			assert.NotContains(t, raw, s, "what retention keeps holds nothing personal")
		}
		assert.Equal(t, wantReport, report(), "and still counts")
	}, six)
}

// findAudit returns the last audit entry of the action, or nil.
func findAudit(entries []host.AuditEntry, action string) *host.AuditEntry {
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Action == action {
			return &entries[i]
		}
	}
	return nil
}

// TestRetentionByDefaultOnTwoHosts: with no retention configured, a closed
// referral is kept 96 months and erased after; two hosts on one store
// running their schedulers at once both succeed, and the report counts the
// same. On every deployment.
func TestRetentionByDefaultOnTwoHosts(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := context.Background()
		admin := as(referral.RoleAdmin)
		r := everything(t, e)
		_, err := e.Svc.ChangeReferralStatus(ctx, as(referral.RoleLinkWorker), host.Target{ID: r.ID}, host.StatusChange{To: referral.StatusClosed, Reason: referral.CloseMovedAway})
		require.NoError(t, err)
		want, err := e.Svc.OutcomesReport(ctx, admin, outcomes.Options{})
		require.NoError(t, err)
		peer := e.Peer(t)
		both := func() {
			t.Helper()
			errs := make(chan error, 2)
			for _, h := range []*hosttest.Env{e, peer} {
				go func() { _, err := h.Svc.RunScheduler(ctx, fmt.Sprintf("host-%p", h), 100); errs <- err }()
			}
			require.NoError(t, <-errs)
			require.NoError(t, <-errs)
		}
		e.Clock.Add(time.Duration(host.DefaultRetentionMonths*30) * 24 * time.Hour) // a little short of 96 months
		both()
		_, _, err = e.Svc.GetReferral(ctx, admin, r.ID)
		require.NoError(t, err, "kept for 96 months")
		e.Clock.Add(60 * 24 * time.Hour)
		both()
		_, _, err = e.Svc.GetReferral(ctx, admin, r.ID)
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "erased after")
		got, err := e.Svc.OutcomesReport(ctx, admin, outcomes.Options{})
		require.NoError(t, err)
		assert.Equal(t, want, got)
		assert.NotNil(t, findAudit(auditLog(t, e), "retention_erase"))
	})
}
