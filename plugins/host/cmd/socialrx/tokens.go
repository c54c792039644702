package main

import (
	"errors"
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

const tokensUsage = `usage:
  socialrx tokens add [--config FILE] --role ROLE [--organisation ORG] [--team TEAM] ID
      make a token for ID; its secret is printed once, on stdout, and only
      its SHA-256 is kept
  socialrx tokens list [--config FILE]
      list the tokens: id, role, organisation, team and where each is kept
      (never a secret)
  socialrx tokens revoke [--config FILE] ID
      remove a token; a running host refuses it within a second
  socialrx tokens rotate [--config FILE] ID
      give a token a new secret, printed once; the old secret stops working
ROLE is admin, link_worker, referrer, partner or commissioner; partners and
referrers need --organisation. The tokens live in the config's tokens_file
(default socialrx-tokens.json), written mode 0600; tokens written in the
config file itself are listed but changed only by editing it.
`

// tokens manages the bearer tokens of the tokens file: add, list, revoke
// and rotate.
func tokens(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("tokens needs a command: add, list, revoke or rotate")}
	}
	verb := args[0]
	if verb == "-h" || verb == "--help" || verb == "help" {
		fmt.Fprint(stdout, tokensUsage)
		return nil
	}
	fs := flag.NewFlagSet("tokens "+verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	path := fs.String("config", "", "config file (JSON)")
	var role, org, team *string
	switch verb {
	case "add":
		role = fs.String("role", "", "the token's role")
		org = fs.String("organisation", "", "the organisation a partner or referrer acts for")
		team = fs.String("team", "", "the team whose cases a link worker reaches")
	case "list", "revoke", "rotate":
	default:
		return usageError{fmt.Errorf("unknown tokens command %q: add, list, revoke or rotate", verb)}
	}
	pos, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, tokensUsage)
		return nil
	}
	if err != nil {
		return usageError{fmt.Errorf("tokens %s: %w", verb, err)}
	}
	if want := map[bool]int{true: 0, false: 1}[verb == "list"]; len(pos) != want {
		return usageError{fmt.Errorf("tokens %s takes %d argument (the token's id), not %d: %q", verb, want, len(pos), pos)}
	}
	var cfg config.Config
	if *path != "" {
		if cfg, err = config.Load(*path); err != nil {
			return err
		}
	}
	file := config.TokensPath(cfg)
	saved, err := config.ReadTokens(file)
	if err != nil {
		return err
	}
	if verb == "list" {
		return listTokens(stdout, cfg.Tokens, saved, file)
	}
	id := pos[0]
	at := slices.IndexFunc(saved, func(t httpapi.Token) bool { return t.ID == id })
	inConfig := slices.ContainsFunc(cfg.Tokens, func(t httpapi.Token) bool { return t.ID == id })
	switch {
	case verb == "add" && (at >= 0 || inConfig):
		return socialrx.Errorf(socialrx.CodeConflict, "a token with id %q exists already: rotate it, or revoke it first", id)
	case verb != "add" && inConfig:
		return socialrx.Errorf(socialrx.CodeInvalid, "token %q is written in the config file %s: change it there", id, *path)
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
		t := httpapi.Token{ID: id, Role: referral.Role(*role), Organisation: *org, Team: *team, SHA256: httpapi.HashToken(secret)}
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

// parseInterleaved parses flags that may come before or after the
// positional arguments, and returns those.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
