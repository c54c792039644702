package config

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/internal/fileperm"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/referral"
)

// The tokens file is a JSON array of [httpapi.Token]: hashes, never
// secrets, written 0600. `socialrx tokens` adds, lists, revokes and
// rotates them; a running host reloads it when it changes; `serve` makes
// the first admin token in it on first run.

// TokensPath is the tokens file cfg names, or its default.
func TokensPath(cfg Config) string {
	cfg.defaults()
	_ = cfg.resolve() // only filepath.Abs fails, and then the path stays as given
	return cfg.TokensFile
}

// ReadTokens reads a tokens file; a file that does not exist holds none.
// Codes: invalid (not a JSON array of tokens).
func ReadTokens(path string) ([]httpapi.Token, error) {
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	}
	var ts []httpapi.Token
	if err := json.Unmarshal(b, &ts); err != nil {
		return nil, socialrx.Invalid(socialrx.Field("/tokens_file", "%s: %v", path, err))
	}
	return ts, nil
}

// WriteTokens replaces the tokens file with ts, private to the user (0600).
func WriteTokens(path string, ts []httpapi.Token) error {
	if ts == nil {
		ts = []httpapi.Token{}
	}
	b, err := json.MarshalIndent(ts, "", "  ")
	if err != nil {
		return err
	}
	return fileperm.WriteFile(path, append(b, '\n'))
}

// NewSecret returns a new random token secret: "srx_" and 48 hex digits.
func NewSecret() (string, error) {
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return "srx_" + hex.EncodeToString(raw), nil
}

// FirstRun makes the first admin token when the host has no tokens at
// all: none in the config and no tokens file. It writes the token's hash
// to the tokens file and returns its secret, to be shown once. When there
// are tokens but none is an admin's, and sign-in does not replace them,
// it returns a hint saying how to make one. Only `serve` calls it, so the
// secret is printed where its operator sees it.
func FirstRun(cfg Config) (secret, hint string, err error) {
	cfg.defaults()
	if err := cfg.resolve(); err != nil {
		return "", "", err
	}
	if cfg.OIDC != nil && cfg.OIDC.Only {
		return "", "", nil
	}
	saved, err := ReadTokens(cfg.TokensFile)
	if err != nil {
		return "", "", err
	}
	_, statErr := os.Stat(cfg.TokensFile)
	if len(cfg.Tokens) == 0 && errors.Is(statErr, os.ErrNotExist) {
		if secret, err = NewSecret(); err != nil {
			return "", "", err
		}
		return secret, "", WriteTokens(cfg.TokensFile, []httpapi.Token{{ID: "admin", Role: referral.RoleAdmin, SHA256: httpapi.HashToken(secret)}})
	}
	for _, t := range append(cfg.Tokens, saved...) {
		if t.Role == referral.RoleAdmin {
			return "", "", nil
		}
	}
	return "", "there is no admin token (the tokens file " + cfg.TokensFile + " and the config have none). Make one with\n" +
		"  socialrx tokens add --config FILE --role admin admin\n" +
		"giving the --config this host runs with (none for the default); the host picks it up as it runs.", nil
}

// tokensReloadEvery is how often a serving host looks for a changed
// tokens file.
const tokensReloadEvery = time.Second
