package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/referral"
)

// Token is one configured bearer token: the SHA-256 of its secret (never
// the secret itself) and who it stands for.
type Token struct {
	// SHA256 is the hex SHA-256 of the token's secret.
	SHA256 string `json:"sha256"`
	// ID names the token's holder in the audit log and events.
	ID           string        `json:"id"`
	Role         referral.Role `json:"role"`
	Organisation string        `json:"organisation,omitempty"`
	// Team is the team of link workers whose cases a link worker reaches,
	// and the team a referrer's referrals go to; empty for none.
	Team string `json:"team,omitempty"`
}

// HashToken returns the hex SHA-256 of a token secret, as configured.
func HashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Tokens authenticates bearer tokens against configured hashes. Set
// replaces them while requests are served (a running host reloads its
// tokens file).
type Tokens struct {
	mu     sync.RWMutex
	tokens []Token
}

// NewTokens checks the configured tokens. Codes: invalid (a bad hash, no
// id, an unknown role, or a partner or referrer without organisation).
func NewTokens(ts []Token) (*Tokens, error) {
	if err := CheckTokens(ts); err != nil {
		return nil, err
	}
	return &Tokens{tokens: append([]Token(nil), ts...)}, nil
}

// Set replaces the tokens with ts, if they pass [CheckTokens]; else it
// keeps the tokens it has. Codes: invalid.
func (t *Tokens) Set(ts []Token) error {
	if err := CheckTokens(ts); err != nil {
		return err
	}
	t.mu.Lock()
	t.tokens = append([]Token(nil), ts...)
	t.mu.Unlock()
	return nil
}

// CheckTokens checks a list of tokens as [NewTokens] does, naming each
// field at fault by its pointer (/tokens/0/role). Codes: invalid.
func CheckTokens(ts []Token) error {
	var errs []socialrx.FieldError
	seen := map[string]bool{}
	for i, t := range ts {
		p := "/tokens/" + strconv.Itoa(i)
		if b, err := hex.DecodeString(t.SHA256); err != nil || len(b) != sha256.Size {
			errs = append(errs, socialrx.Field(p+"/sha256", "must be 64 hex digits"))
		}
		if t.ID == "" {
			errs = append(errs, socialrx.Field(p+"/id", "required"))
		}
		for _, f := range []struct{ name, v string }{{"id", t.ID}, {"organisation", t.Organisation}, {"team", t.Team}} {
			if len(f.v) > maxClaim {
				errs = append(errs, socialrx.Field(p+"/"+f.name, "at most %d bytes", maxClaim))
			}
		}
		if seen[t.ID] {
			errs = append(errs, socialrx.Field(p+"/id", "token id %q is used twice", t.ID))
		}
		seen[t.ID] = true
		switch t.Role {
		case referral.RoleAdmin, referral.RoleLinkWorker, referral.RoleCommissioner:
		case referral.RolePartner, referral.RoleReferrer:
			if t.Organisation == "" {
				errs = append(errs, socialrx.Field(p+"/organisation", "required for role %s", t.Role))
			}
		default:
			errs = append(errs, socialrx.Field(p+"/role", "unknown role %q", string(t.Role)))
		}
	}
	return socialrx.Invalid(errs...)
}

// Authenticate returns the principal of an Authorization header value
// ("Bearer <secret>"). An empty header is the public principal; a wrong
// or malformed one returns ok false.
func (t *Tokens) Authenticate(header string) (p host.Principal, ok bool) {
	if header == "" {
		return host.Principal{Role: host.RolePublic}, true
	}
	secret, found := strings.CutPrefix(header, "Bearer ")
	if !found || secret == "" {
		return host.Principal{}, false
	}
	sum := sha256.Sum256([]byte(secret))
	t.mu.RLock()
	defer t.mu.RUnlock()
	for _, tok := range t.tokens {
		want, _ := hex.DecodeString(tok.SHA256)
		if subtle.ConstantTimeCompare(sum[:], want) == 1 {
			return host.Principal{ID: tok.ID, Role: tok.Role, Organisation: tok.Organisation, Team: tok.Team}, true
		}
	}
	return host.Principal{}, false
}

// authenticate returns who an Authorization header value stands for: the
// public principal when it is empty; a static token's principal; or, with
// single sign-on, a verified JWT's. Its errors are problems: 401 for a
// credential that is not valid, 403 for a signed-in caller with no role.
func (h *Handler) authenticate(ctx context.Context, header string) (host.Principal, error) {
	if header == "" {
		return host.Principal{Role: host.RolePublic}, nil
	}
	secret, found := strings.CutPrefix(header, "Bearer ")
	if !found || secret == "" {
		return host.Principal{}, unauthorized("the Authorization header must be \"Bearer <token>\"")
	}
	if h.tokens != nil {
		if p, ok := h.tokens.Authenticate(header); ok {
			return p, nil
		}
	}
	if h.oidc != nil && isJWT(secret) {
		return h.oidc.Authenticate(ctx, secret)
	}
	return host.Principal{}, unauthorized("the bearer token is not valid")
}
