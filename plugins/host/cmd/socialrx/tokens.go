package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/plugins/host/httpapi"
	"github.com/socialrx/socialrx/referral"
)

// tokenCommands are `socialrx tokens add|list|revoke|rotate`: the bearer
// tokens of the config's tokens_file (default socialrx-tokens.json), kept
// as SHA-256 hashes in a file of mode 0600. A secret is printed once, alone
// on stdout; tokens written in the config file itself are listed but
// changed only by editing it. A running host picks up changes within a
// second.
func tokenCommands() []*command {
	return []*command{
		{name: "add", args: "ID", summary: "make a token for ID and print its secret, once; only its SHA-256 is kept", cmd: tokensAdd},
		{name: "list", summary: "list the tokens: id, role, organisation, team and where each is kept (never a secret)", cmd: tokenVerb("list")},
		{name: "revoke", args: "ID", summary: "remove a token; a running host refuses it within a second", cmd: tokenVerb("revoke")},
		{name: "rotate", args: "ID", summary: "give a token a new secret, printed once; the old secret stops working", cmd: tokenVerb("rotate")},
	}
}

// tokensAdd binds `tokens add` to its flags.
func tokensAdd(fs *flag.FlagSet) runFunc {
	loadConfig := configFlag(fs)
	role := fs.String("role", "", "the token's `ROLE`: admin, link_worker, referrer, partner or commissioner")
	org := fs.String("organisation", "", "the `ORG` a partner or referrer acts for (required for them)")
	team := fs.String("team", "", "the `TEAM` whose cases a link worker reaches")
	return func(args []string, stdout, stderr io.Writer) error {
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		t := httpapi.Token{ID: args[0], Role: referral.Role(*role), Organisation: *org, Team: *team}
		return changeToken(cfg, "add", t, stdout, stderr)
	}
}

// tokenVerb binds list, revoke or rotate to the --config flag.
func tokenVerb(verb string) func(fs *flag.FlagSet) runFunc {
	return func(fs *flag.FlagSet) runFunc {
		loadConfig := configFlag(fs)
		return func(args []string, stdout, stderr io.Writer) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			if verb == "list" {
				file := config.TokensPath(cfg)
				saved, err := config.ReadTokens(file)
				if err != nil {
					return err
				}
				return listTokens(stdout, cfg.Tokens, saved, file)
			}
			return changeToken(cfg, verb, httpapi.Token{ID: args[0]}, stdout, stderr)
		}
	}
}

// changeToken adds t, or revokes or rotates the token of t.ID, in the
// tokens file cfg names, printing a new secret once on stdout.
func changeToken(cfg config.Config, verb string, t httpapi.Token, stdout, stderr io.Writer) error {
	file := config.TokensPath(cfg)
	saved, err := config.ReadTokens(file)
	if err != nil {
		return err
	}
	id := t.ID
	at := slices.IndexFunc(saved, func(t httpapi.Token) bool { return t.ID == id })
	inConfig := slices.ContainsFunc(cfg.Tokens, func(t httpapi.Token) bool { return t.ID == id })
	switch {
	case verb == "add" && (at >= 0 || inConfig):
		return socialrx.Errorf(socialrx.CodeConflict, "a token with id %q exists already: rotate it, or revoke it first", id)
	case verb != "add" && inConfig:
		return socialrx.Errorf(socialrx.CodeInvalid, "token %q is written in the config file: change it there", id)
	case verb != "add" && at < 0:
		return socialrx.Errorf(socialrx.CodeNotFound, "no token %q in %s (socialrx tokens list shows them)", id, file)
	}
	var secret string
	if verb != "revoke" {
		if secret, err = config.NewSecret(); err != nil {
			return err
		}
	}
	switch verb {
	case "add":
		t.SHA256 = httpapi.HashToken(secret)
		if err := checkNewToken(t); err != nil {
			return err
		}
		saved = append(saved, t)
	case "rotate":
		saved[at].SHA256 = httpapi.HashToken(secret)
	case "revoke":
		saved = slices.Delete(saved, at, at+1)
	}
	if err := config.WriteTokens(file, saved); err != nil {
		return err
	}
	switch verb {
	case "revoke":
		fmt.Fprintf(stderr, "Token %q revoked (removed from %s).\n", id, file)
	default:
		fmt.Fprintf(stderr, "Token %q %s in %s. Its secret, on the next line, is shown only this once:\n", id, map[string]string{"add": "added", "rotate": "has a new secret"}[verb], file)
		fmt.Fprintln(stdout, secret)
	}
	return nil
}

// checkNewToken checks a token being added, naming the flag at fault.
func checkNewToken(t httpapi.Token) error {
	err := httpapi.CheckTokens([]httpapi.Token{t})
	if err == nil {
		return nil
	}
	var fs []socialrx.FieldError
	for _, f := range socialrx.ErrorFields(err) {
		name := f.Path[strings.LastIndex(f.Path, "/")+1:]
		if name == "id" {
			fs = append(fs, socialrx.Field("ID", "%s", f.Rule))
			continue
		}
		fs = append(fs, socialrx.Field("--"+name, "%s", f.Rule))
	}
	return usageError{socialrx.Invalid(fs...)}
}

// listTokens writes a table of the tokens, without their hashes.
func listTokens(w io.Writer, inConfig, saved []httpapi.Token, file string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tORGANISATION\tTEAM\tKEPT IN")
	for _, group := range []struct {
		ts    []httpapi.Token
		where string
	}{{inConfig, "config file"}, {saved, file}} {
		for _, t := range group.ts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, dash(t.Organisation), dash(t.Team), group.where)
		}
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
