package host

import (
	"context"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// Who may reach which personal records. A caller who may not know a record
// exists gets not_found, as for a record that does not: the answer never
// tells whose a record is. Every refusal is audited.
//
//   - admins and the host itself reach everything;
//   - a link worker reaches the cases (referrals, their plans and onward
//     referrals) of their own team; one with no team, or a case with no
//     team, is not held apart; with Options.CrossTeam, another team's case
//     when they state a purpose, audited as cross-team;
//   - a referrer reaches the outcome of referrals their organisation made;
//   - a partner reaches the onward referrals addressed to its organisation.

// notFound is the answer for a record the caller may not know of.
func notFound(kind plugins.Kind, id string) error {
	return socialrx.Errorf(socialrx.CodeNotFound, "%s %s not found", kind, id)
}

// reachCase lets a link worker or admin at a referral, plan or onward
// referral of a team, or returns not_found. action names the access for the
// audit log.
func (s *Service) reachCase(ctx context.Context, p Principal, d plugins.Document, action string) error {
	switch {
	case p.Role == referral.RoleAdmin || p.Role == referral.RoleSystem:
		return nil
	case p.Role != referral.RoleLinkWorker:
	case p.Team == "" || d.Team == "" || d.Team == p.Team:
		return nil
	case s.o.CrossTeam && reason(ctx) != "":
		return s.audit(ctx, p, "cross_team_"+action, d.Kind, d.ID)
	}
	return s.denied(ctx, p, action, d.Kind, d.ID, notFound(d.Kind, d.ID))
}

// teamOf is the team a new referral belongs to: the caller's, else the one
// its referrer's organisation is mapped to, else none.
func (s *Service) teamOf(p Principal, r *referral.Referral) string {
	if p.Team != "" {
		return p.Team
	}
	return s.o.Teams[r.Referrer.OrganisationCode]
}

// listTeam is the team filter of a list a caller asks for: a link worker of
// a team sees their team's cases only.
func listTeam(p Principal) string {
	if p.Role == referral.RoleLinkWorker {
		return p.Team
	}
	return ""
}
