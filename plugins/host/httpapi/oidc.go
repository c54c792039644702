package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/referral"
)

// OIDCConfig configures single sign-on with OpenID Connect: the API
// accepts bearer JWTs signed by the issuer (its keys found through its
// discovery document) for the audience, and takes the caller's id (the
// subject), role, organisation and team from the token's claims alone.
type OIDCConfig struct {
	// Issuer is the issuer URL, as the tokens' iss claim has it, such as
	// "https://login.example.org/realms/socialrx": https, or http on a
	// loopback address only.
	Issuer string `json:"issuer"`
	// Audience is the aud a token must carry: the client id the identity
	// provider gives this API.
	Audience string `json:"audience"`
	// RoleClaim names the claim holding the caller's socialrx role, a
	// string or an array of strings of which exactly one is a role;
	// default "socialrx_role".
	RoleClaim string `json:"role_claim,omitempty"`
	// Roles maps the role claim's values to socialrx roles, such as
	// {"SRX-Link-Workers": "link_worker"}; empty: the values are the
	// roles' own names (admin, link_worker, referrer, partner,
	// commissioner).
	Roles map[string]referral.Role `json:"roles,omitempty"`
	// OrganisationClaim and TeamClaim name the claims holding the caller's
	// organisation (required for partners and referrers) and team; default
	// "organisation" and "team".
	OrganisationClaim string `json:"organisation_claim,omitempty"`
	TeamClaim         string `json:"team_claim,omitempty"`
	// Only refuses the static bearer tokens: every caller signs in.
	Only bool `json:"only,omitempty"`
}

// maxClaim is the longest subject, organisation or team a token may give.
const maxClaim = 256

// OIDC verifies bearer JWTs from one issuer. It reads the issuer's
// discovery document on the first token it sees, and again after a
// failure, so the host starts while the issuer is down.
type OIDC struct {
	c     OIDCConfig
	roles map[string]referral.Role

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
	// failed and failure are when discovery last failed and why: it is
	// not tried again for retryAfter, so that requests do not queue on an
	// issuer that is down.
	failed  time.Time
	failure error
}

// retryAfter is how long a failed discovery is answered from memory.
const retryAfter = 5 * time.Second

// NewOIDC checks the configuration. Codes: invalid (naming the field).
func NewOIDC(c OIDCConfig) (*OIDC, error) {
	var errs []socialrx.FieldError
	u, err := url.Parse(c.Issuer)
	switch {
	case c.Issuer == "" || err != nil || u.Host == "":
		errs = append(errs, socialrx.Field("/oidc/issuer", "must be the issuer's absolute URL"))
	case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
		errs = append(errs, socialrx.Field("/oidc/issuer", "must be https (http only on a loopback address)"))
	}
	if c.Audience == "" || len(c.Audience) > maxClaim {
		errs = append(errs, socialrx.Field("/oidc/audience", "required, at most %d characters: the client id of this API at the issuer", maxClaim))
	}
	if c.RoleClaim == "" {
		c.RoleClaim = "socialrx_role"
	}
	if c.OrganisationClaim == "" {
		c.OrganisationClaim = "organisation"
	}
	if c.TeamClaim == "" {
		c.TeamClaim = "team"
	}
	roles := c.Roles
	if len(roles) == 0 {
		roles = map[string]referral.Role{}
		for _, r := range signInRoles {
			roles[string(r)] = r
		}
	}
	for v, r := range roles {
		if !knownRole(r) {
			errs = append(errs, socialrx.Field("/oidc/roles/"+v, "unknown role %q: one of admin, link_worker, referrer, partner, commissioner", string(r)))
		}
	}
	if err := socialrx.Invalid(errs...); err != nil {
		return nil, err
	}
	return &OIDC{c: c, roles: roles}, nil
}

// signInRoles are the roles a token may give.
var signInRoles = []referral.Role{referral.RoleAdmin, referral.RoleLinkWorker, referral.RoleReferrer, referral.RolePartner, referral.RoleCommissioner}

func knownRole(r referral.Role) bool {
	for _, k := range signInRoles {
		if r == k {
			return true
		}
	}
	return false
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isJWT tells a compact JWT (three dot-separated parts) from other
// secrets, which are not sent to the issuer's verifier.
func isJWT(s string) bool { return strings.Count(s, ".") == 2 }

func (o *OIDC) verifierFor(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.verifier != nil {
		return o.verifier, nil
	}
	if time.Since(o.failed) < retryAfter {
		return nil, o.failure
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(dctx, o.c.Issuer)
	if err != nil {
		o.failed, o.failure = time.Now(), err
		return nil, err
	}
	o.verifier = p.Verifier(&oidc.Config{ClientID: o.c.Audience})
	return o.verifier, nil
}

// Authenticate verifies a bearer JWT (signature, issuer, audience, expiry)
// and returns its principal. A token that does not verify is 401; a
// verified one that gives no known role, or a partner or referrer no
// organisation, is 403; an issuer that cannot be reached is 503.
func (o *OIDC) Authenticate(ctx context.Context, raw string) (host.Principal, error) {
	v, err := o.verifierFor(ctx)
	if err != nil {
		return host.Principal{}, socialrx.Errorf(socialrx.CodeUnavailable, "the sign-in issuer did not answer: %v", err)
	}
	tok, err := v.Verify(ctx, raw)
	if err != nil {
		var exp *oidc.TokenExpiredError
		if errors.As(err, &exp) {
			return host.Principal{}, unauthorized("the bearer token expired at %s", exp.Expiry.UTC().Format(time.RFC3339))
		}
		return host.Principal{}, unauthorized("the bearer token is not valid: %s", strings.TrimPrefix(err.Error(), "oidc: "))
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return host.Principal{}, unauthorized("the bearer token's claims are not JSON: %v", err)
	}
	if tok.Subject == "" || len(tok.Subject) > maxClaim {
		return host.Principal{}, unauthorized("the bearer token needs a subject (sub) of at most %d characters", maxClaim)
	}
	p := host.Principal{ID: tok.Subject}
	if p.Role, err = o.role(claims[o.c.RoleClaim]); err != nil {
		return host.Principal{}, err
	}
	for _, c := range []struct {
		name string
		into *string
	}{{o.c.OrganisationClaim, &p.Organisation}, {o.c.TeamClaim, &p.Team}} {
		switch v := claims[c.name].(type) {
		case nil:
		case string:
			if len(v) > maxClaim {
				return host.Principal{}, forbidden("the token's %s claim is longer than %d characters", c.name, maxClaim)
			}
			*c.into = v
		default:
			return host.Principal{}, forbidden("the token's %s claim must be a string", c.name)
		}
	}
	if (p.Role == referral.RolePartner || p.Role == referral.RoleReferrer) && p.Organisation == "" {
		return host.Principal{}, forbidden("a %s's token needs an organisation (claim %s)", p.Role, o.c.OrganisationClaim)
	}
	return p, nil
}

// role is the one socialrx role a role claim gives.
func (o *OIDC) role(claim any) (referral.Role, error) {
	var values []string
	switch v := claim.(type) {
	case string:
		values = []string{v}
	case []any:
		for _, x := range v[:min(len(v), 100)] {
			if s, ok := x.(string); ok {
				values = append(values, s)
			}
		}
	}
	var found []referral.Role
	for _, v := range values {
		if r, ok := o.roles[v]; ok {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", forbidden("the token's %s claim gives no socialrx role (it holds %s)", o.c.RoleClaim, clip(values))
	}
	return "", forbidden("the token's %s claim gives more than one socialrx role (%q)", o.c.RoleClaim, found)
}

// clip quotes a claim's values for a problem detail, at most 200 bytes.
func clip(values []string) string {
	q := fmt.Sprintf("%q", values)
	if len(q) > 200 {
		q = q[:200] + "…"
	}
	return q
}

func unauthorized(format string, args ...any) error {
	return &httpError{401, socialrx.Errorf(socialrx.CodeForbidden, format, args...)}
}

func forbidden(format string, args ...any) error {
	return &httpError{403, socialrx.Errorf(socialrx.CodeForbidden, format, args...)}
}
