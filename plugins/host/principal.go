package host

import "github.com/socialrx/socialrx/referral"

// RolePublic is the role of a caller with no credentials: it may read the
// public directory only.
const RolePublic referral.Role = "public"

// Principal is who is calling: an id, a role, for partners and referrers
// their organisation, and for link workers (and referrers) the team whose
// cases are theirs. The caller's credentials (a bearer token, a sign-in)
// decide it; never a request body.
type Principal struct {
	ID           string        `json:"id"`
	Role         referral.Role `json:"role"`
	Organisation string        `json:"organisation,omitempty"`
	Team         string        `json:"team,omitempty"`
}

// Actor returns the principal as the actor domain events record.
func (p Principal) Actor() referral.Actor {
	return referral.Actor{ID: p.ID, Role: p.Role, Organisation: p.Organisation}
}
