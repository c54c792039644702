// Command socialrx runs the socialrx reference host and its tools.
//
//	socialrx serve [--config FILE] [--addr HOST:PORT]   run the HTTP API
//	socialrx schema [NAME]                              list or print the published JSON Schemas
//	socialrx validate --type NAME FILE|URL...           validate documents; exit 1 on any error
//	socialrx plugins check [--config FILE]              launch each configured plugin and report it
//	socialrx import oruk [--config FILE] [--max-pages N] [--allow-partial] FILE|URL
//	                                                    import an ORUK feed, following its pages
//	socialrx import postcodes [--config FILE] FILE      load postcode centroids (ONS Postcode Directory CSV)
//	socialrx export oruk [--config FILE]                print the directory as an ORUK service list
//	socialrx tokens add|list|revoke|rotate [--config FILE] ...  manage the bearer tokens (hashes in the tokens file)
//
// validate checks each document against a published schema and the
// domain's rules, reporting every failing pointer, as the HTTP API does
// for request bodies (it runs the same function, host.ValidateAs, as of
// now). With --type oruk-service-list, oruk-service or oruk-organization
// it checks an ORUK feed (3.0 or 1.x; a URL's pages are followed) as
// import oruk reads it, without importing.
//
// Exit statuses: 0 success; 1 an error, an invalid document, or an import
// in which every service offered was refused (nothing stored); 2 a usage
// error; 3 an import that stored some services but not all (some refused,
// a list envelope that disagrees with its contents, or a feed cut short by
// --max-pages; the report says which), unless --allow-partial is given.
//
// With no config file, serve uses the embedded SQLite store in
// ./socialrx.db and the development log messenger, and prints an admin
// token on first run.
//
// The binary is wiring only: package config reads the config file,
// launches the plugins and builds the application service (package host)
// and its HTTP API (package httpapi).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  socialrx serve [--config FILE] [--addr HOST:PORT]
  socialrx schema [NAME]
  socialrx validate --type NAME [--max-pages N] FILE|URL...
      NAME is a published schema (socialrx schema lists them), or
      oruk-service-list, oruk-service or oruk-organization for an ORUK feed
  socialrx plugins check [--config FILE]
  socialrx import oruk [--config FILE] [--max-pages N] [--allow-partial] FILE|URL
  socialrx import postcodes [--config FILE] FILE
  socialrx export oruk [--config FILE]
  socialrx tokens add|list|revoke|rotate [--config FILE] ...   (socialrx tokens --help)
exit status: 0 ok; 1 error, invalid, or nothing imported; 2 usage;
  3 partly imported (some services refused, an envelope that disagrees
  with its contents, or --max-pages reached) unless --allow-partial
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(args[1:], stdout, stderr)
	case "schema":
		err = printSchema(args[1:], stdout)
	case "tokens":
		err = tokens(args[1:], stdout, stderr)
	case "validate":
		err = validate(args[1:], stdout, stderr)
	case "plugins":
		if len(args) < 2 || args[1] != "check" {
			fmt.Fprint(stderr, usage)
			return 2
		}
		err = pluginsCheck(args[2:], stdout)
	case "import", "export":
		if args[0] == "import" && len(args) > 1 && args[1] == "postcodes" {
			err = importPostcodes(args[2:], stdout, stderr)
			break
		}
		if len(args) < 2 || args[1] != "oruk" {
			fmt.Fprint(stderr, usage)
			return 2
		}
		if args[0] == "import" {
			err = importORUK(args[2:], stdout, stderr)
		} else {
			err = exportORUK(args[2:], stdout)
		}
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "%v\n%s", err, usage)
			return 2
		}
		fmt.Fprintln(stderr, "socialrx:", err)
		var pe partialError
		if errors.As(err, &pe) {
			return exitPartial
		}
		return 1
	}
	return 0
}

type usageError struct{ error }

// config reads --config, or returns the zero config.
func loadConfig(fs *flag.FlagSet, args []string) (config.Config, []string, error) {
	path := fs.String("config", "", "config file (JSON)")
	addr := fs.String("addr", "", "listen address, such as 127.0.0.1:8080")
	if err := fs.Parse(args); err != nil {
		return config.Config{}, nil, usageError{err}
	}
	var cfg config.Config
	if *path != "" {
		var err error
		if cfg, err = config.Load(*path); err != nil {
			return cfg, nil, err
		}
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	return cfg, fs.Args(), nil
}

func serve(args []string, stdout, stderr io.Writer) error {
	cfg, _, err := loadConfig(flag.NewFlagSet("serve", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	admin, hint, err := config.FirstRun(cfg)
	if err != nil {
		return err
	}
	rt, err := config.Open(cfg, logger)
	if err != nil {
		return err
	}
	defer rt.Close()
	if admin != "" {
		fmt.Fprintf(stdout, "First run: an admin token was made. Keep it safe; it is not shown again:\n  %s\n", admin)
	}
	if hint != "" {
		fmt.Fprintln(stderr, hint)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return rt.Serve(ctx, func(addr string) { fmt.Fprintf(stdout, "socialrx listening on http://%s\n", addr) })
}

func printSchema(args []string, stdout io.Writer) error {
	all := host.Schemas()
	if len(args) == 0 {
		names := make([]string, 0, len(all))
		for n := range all {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(stdout, strings.Join(names, "\n"))
		return nil
	}
	b, ok := all[host.SchemaName(args[0])]
	if !ok {
		return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q (socialrx schema lists them)", args[0])
	}
	_, err := stdout.Write(b)
	return err
}

// validate checks each file or URL against the named schema and the
// domain's own rules as of now (host.ValidateAs, as the HTTP API runs on
// request bodies), printing every failing pointer; or, for the ORUK
// types, checks an ORUK feed as import oruk reads it.
func validate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	typ := fs.String("type", "", "schema name, such as referral, or oruk-service-list, oruk-service, oruk-organization")
	maxPages := fs.Int("max-pages", defaultMaxPages, "read at most this many pages of a paged ORUK feed")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *typ == "" || fs.NArg() == 0 {
		return usageError{errors.New("validate needs --type and at least one file")}
	}
	kind, oruk := orukTypes[*typ]
	if _, ok := host.Schemas()[host.SchemaName(*typ)]; !ok && !oruk {
		return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q (socialrx schema lists them; or oruk-service-list, oruk-service, oruk-organization)", *typ)
	}
	failed := 0
	for _, f := range fs.Args() {
		if oruk {
			ok, err := validateORUK(f, kind, *maxPages, stdout, stderr)
			if err != nil {
				return err
			}
			if !ok {
				failed++
			}
			continue
		}
		b, err := fetch(f)
		if err != nil {
			return err
		}
		fields, err := validationErrors(*typ, b, time.Now())
		if err != nil {
			return err
		}
		if len(fields) > 0 {
			failed++
			for _, fe := range fields {
				fmt.Fprintf(stdout, "%s: %s: %s\n", f, pointer(fe.Path), fe.Rule)
			}
			continue
		}
		fmt.Fprintf(stdout, "%s: valid\n", f)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d documents are invalid", failed, fs.NArg())
	}
	return nil
}

// validationErrors are every failing pointer of doc as the named schema
// and its domain's rules have them, as of now: the list the HTTP API
// answers an invalid body with.
func validationErrors(name string, doc []byte, now time.Time) ([]socialrx.FieldError, error) {
	err := host.ValidateAs(name, doc, now)
	if err == nil {
		return nil, nil
	}
	if socialrx.ErrorCode(err) != socialrx.CodeInvalid {
		return nil, err
	}
	fields := socialrx.ErrorFields(err)
	if len(fields) == 0 {
		fields = []socialrx.FieldError{{Path: "", Rule: err.Error()}}
	}
	return fields, nil
}

func pluginsCheck(args []string, stdout io.Writer) error {
	cfg, _, err := loadConfig(flag.NewFlagSet("plugins check", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	rt, err := config.Open(cfg, nil)
	if err != nil {
		return err
	}
	defer rt.Close()
	sts := rt.Statuses()
	if len(sts) == 0 {
		fmt.Fprintln(stdout, "no plugins configured: using the embedded SQLite store and the development log messenger")
	}
	bad := 0
	for _, st := range sts {
		state := "up"
		if !st.Up {
			state, bad = fmt.Sprintf("down: %v", st.Err), bad+1
		}
		b, _ := json.Marshal(st.Contracts)
		fmt.Fprintf(stdout, "plugin serving %s: protocol %d, pid %d, %s\n", b, plugins.ProtocolVersion, st.PID, state)
	}
	if bad > 0 {
		return fmt.Errorf("%d plugins are not healthy", bad)
	}
	return nil
}
