package host_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

func other(r referral.Role) host.Principal { return hosttest.Others[r] }

// auditLog reads the whole audit log as an admin.
func auditLog(t *testing.T, e *hosttest.Env) []host.AuditEntry {
	t.Helper()
	var all []host.AuditEntry
	page := host.Page{Limit: 1000}
	for {
		es, next, err := e.Svc.Audit(context.Background(), as(referral.RoleAdmin), page)
		require.NoError(t, err)
		all = append(all, es...)
		if page.Cursor = next; next == "" {
			return all
		}
	}
}

func hasEntry(es []host.AuditEntry, who, action, target string) bool {
	for _, e := range es {
		if e.Who.ID == who && e.Action == action && e.Target == target {
			return true
		}
	}
	return false
}

// TestTenancyComesFromTheToken: who refers for which practice, which id a
// record gets and which organisation an onward referral goes to are the
// server's to decide, not the request body's. On every deployment.
func TestTenancyComesFromTheToken(t *testing.T) {
	hosttest.Matrix(t, tenancy)
}

func tenancy(t *testing.T, e *hosttest.Env) {
	e.ImportDirectory(t)
	ctx := context.Background()
	in, err := referral.Decode(hosttest.Doc("referral_new.json"), e.Clock.Now())
	require.NoError(t, err)

	t.Run("a referrer refers for its own practice", func(t *testing.T) {
		forged := *in
		forged.Referrer.OrganisationCode = "A81001"
		_, err := e.Svc.CreateReferral(ctx, other(referral.RoleReferrer), forged, "")
		require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		assert.Equal(t, "/referrer/organisation_code", socialrx.ErrorFields(err)[0].Path)
		blank := *in
		blank.Referrer.OrganisationCode = ""
		r, err := e.Svc.CreateReferral(ctx, other(referral.RoleReferrer), blank, "")
		require.NoError(t, err)
		assert.Equal(t, "B82002", r.Referrer.OrganisationCode, "filled in from the token")
	})
	t.Run("the server mints ids", func(t *testing.T) {
		chosen := *in
		chosen.ID = "0190d6b4-6a39-7c4e-8d55-5d2c1b5a9f99"
		r, err := e.Svc.CreateReferral(ctx, as(referral.RoleReferrer), chosen, "")
		require.NoError(t, err)
		assert.NotEqual(t, chosen.ID, r.ID)
		again, err := e.Svc.CreateReferral(ctx, as(referral.RoleReferrer), chosen, "")
		require.NoError(t, err, "a chosen id that exists tells nothing: it is ignored")
		assert.NotEqual(t, r.ID, again.ID)
	})
	t.Run("an onward referral goes to the organisation that runs the service", func(t *testing.T) {
		r, _ := journey(t, e)
		lw := as(referral.RoleLinkWorker)
		for _, tc := range []struct {
			in      host.OnwardRequest
			pointer string
		}{
			{host.OnwardRequest{ServiceID: hosttest.GardenService, Partner: "org-other"}, "/partner"},
			{host.OnwardRequest{ServiceID: hosttest.GardenService, Partner: "anything at all"}, "/partner"},
			{host.OnwardRequest{ServiceID: "no-such-service"}, "/service_id"},
		} {
			_, err := e.Svc.CreateOnwardReferral(ctx, lw, r.ID, tc.in, "")
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%+v", tc.in)
			assert.Equal(t, tc.pointer, socialrx.ErrorFields(err)[0].Path)
		}
		o, err := e.Svc.CreateOnwardReferral(ctx, lw, r.ID, host.OnwardRequest{ServiceID: hosttest.GardenService}, "")
		require.NoError(t, err)
		assert.Equal(t, hosttest.GardenOrg, o.Partner)
		_, err = e.Svc.GetOnwardReferral(ctx, other(referral.RolePartner), o.ID)
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "another partner cannot tell it exists")
		_, err = e.Svc.GetOnwardReferral(ctx, as(referral.RolePartner), o.ID)
		assert.NoError(t, err)
	})
	t.Run("refusals do not say whose a record is", func(t *testing.T) {
		r := newReferral(t, e)
		_, _, err := e.Svc.GetReferral(ctx, other(referral.RoleReferrer), r.ID)
		assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err))
		assert.NotContains(t, err.Error(), "dr-patel")
		_, _, missing := e.Svc.GetReferral(ctx, other(referral.RoleReferrer), "0190d6b4-6a39-7c4e-8d55-000000000000")
		assert.Equal(t, socialrx.ErrorCode(missing), socialrx.ErrorCode(err), "the same answer as for a referral that does not exist")
		assert.True(t, hasEntry(auditLog(t, e), "dr-jones", "denied_read_outcome", r.ID), "the attempt is audited")
	})
}

// TestTeamsKeepCasesApart: a link worker reaches the referrals, plans and
// onward referrals of their own team; another team's are not found, and
// lists hold their own team's only. On every deployment.
func TestTeamsKeepCasesApart(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := context.Background()
		north, south := as(referral.RoleLinkWorker), other(referral.RoleLinkWorker)
		r, o := journey(t, e) // team north, from the referrer's token
		a := plan.Assessment{}
		require.NoError(t, json.Unmarshal(hosttest.Doc("assessment.json"), &a))
		pl, err := e.Svc.CreatePlan(ctx, north, r.ID, a, "")
		require.NoError(t, err)

		notFound := func(err error, what string) {
			t.Helper()
			assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "%s: %v", what, err)
		}
		_, _, err = e.Svc.GetReferral(ctx, south, r.ID)
		notFound(err, "read a referral")
		_, err = e.Svc.ChangeReferralStatus(ctx, south, host.Target{ID: r.ID, Version: r.Version}, host.StatusChange{To: referral.StatusOnHold, Reason: referral.HoldCaring})
		notFound(err, "change a referral")
		_, err = e.Svc.GetPlan(ctx, south, pl.ID)
		notFound(err, "read a plan")
		_, err = e.Svc.AddGoal(ctx, south, host.Target{ID: pl.ID, Version: pl.Version}, host.GoalRequest{Text: "walk", Need: socialrx.NeedPhysicalActivity})
		notFound(err, "change a plan")
		_, err = e.Svc.GetOnwardReferral(ctx, south, o.ID)
		notFound(err, "read an onward referral")
		_, err = e.Svc.CreateOnwardReferral(ctx, south, r.ID, host.OnwardRequest{ServiceID: hosttest.GardenService}, "")
		notFound(err, "refer on")

		mine, _, err := e.Svc.ListReferrals(ctx, south, host.ReferralQuery{})
		require.NoError(t, err)
		assert.Empty(t, mine, "south's list holds none of north's referrals")
		ours, _, err := e.Svc.ListReferrals(ctx, north, host.ReferralQuery{})
		require.NoError(t, err)
		assert.Len(t, ours, 1)
		onwards, _, err := e.Svc.ListOnwardReferrals(ctx, south, host.OnwardQuery{})
		require.NoError(t, err)
		assert.Empty(t, onwards)

		log := auditLog(t, e)
		assert.True(t, hasEntry(log, "lw-kim", "denied_read", r.ID), "refusals are audited")
		assert.True(t, hasEntry(log, "lw-kim", "denied_change_status", r.ID))
		for _, entry := range log {
			if entry.Who.ID == "lw-sam" && entry.Action == "list" {
				assert.Equal(t, []string{r.ID}, entry.Records, "a list read records the ids it returned")
			}
		}
	})
}

// TestCrossTeamAccessIsAuditedWithItsPurpose: where a host allows it, a
// link worker reaches another team's case only when they say why, and the
// audit log keeps that.
func TestCrossTeamAccessIsAuditedWithItsPurpose(t *testing.T) {
	e := hosttest.New(t, func(o *host.Options) { o.CrossTeam = true })
	r, _ := journey(t, e)
	ctx := context.Background()
	_, _, err := e.Svc.GetReferral(ctx, other(referral.RoleLinkWorker), r.ID)
	assert.Equal(t, socialrx.CodeNotFound, socialrx.ErrorCode(err), "without a purpose")
	got, _, err := e.Svc.GetReferral(host.WithReason(ctx, "covering for Sam this week"), other(referral.RoleLinkWorker), r.ID)
	require.NoError(t, err)
	assert.Equal(t, r.ID, got.ID)
	var found bool
	for _, entry := range auditLog(t, e) {
		if entry.Who.ID == "lw-kim" && entry.Action == "cross_team_read" {
			found = true
			assert.Equal(t, "covering for Sam this week", entry.Why)
		}
	}
	assert.True(t, found)
}

// TestEveryWriteCarriesItsAuditEntry: the audit entry of a write is stored
// in the same atomic write, so a write that stands has its entry — and one
// that failed has none.
func TestEveryWriteCarriesItsAuditEntry(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		r, o := journey(t, e)
		log := auditLog(t, e)
		for _, want := range [][2]string{{"dr-patel", "create"}, {"lw-sam", "change_status"}, {"lw-sam", "signpost"}} {
			assert.True(t, hasEntry(log, want[0], want[1], r.ID), "%v", want)
		}
		assert.True(t, hasEntry(log, "lw-sam", "create", o.ID))
		creates := 0
		for _, entry := range log {
			if entry.Action == "create" && entry.Target == r.ID {
				creates++
			}
		}
		assert.Equal(t, 1, creates)
		_, err := e.Svc.ChangeReferralStatus(context.Background(), as(referral.RoleLinkWorker), host.Target{ID: r.ID, Version: 1}, host.StatusChange{To: referral.StatusOnHold, Reason: referral.HoldCaring})
		require.Equal(t, socialrx.CodeConflict, socialrx.ErrorCode(err))
		assert.Len(t, auditLog(t, e), len(log), "a refused write leaves no entry")
	})
}
