// Command socialrx runs the socialrx reference host and its tools.
//
//	socialrx serve [--config FILE] [--addr HOST:PORT]   run the HTTP API
//	socialrx schema [NAME]                              list or print the published JSON Schemas
//	socialrx validate --type NAME FILE...               validate documents; exit 1 on any error
//	socialrx plugins check [--config FILE]              launch each configured plugin and report it
//	socialrx import oruk [--config FILE] FILE|URL       import an ORUK service list or service
//	socialrx import postcodes [--config FILE] FILE      load postcode centroids (ONS Postcode Directory CSV)
//	socialrx export oruk [--config FILE]                print the directory as an ORUK service list
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
  socialrx validate --type NAME FILE...
  socialrx plugins check [--config FILE]
  socialrx import oruk [--config FILE] FILE|URL
  socialrx import postcodes [--config FILE] FILE
  socialrx export oruk [--config FILE]
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
	case "validate":
		err = validate(args[1:], stdout)
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
	rt, err := config.Open(cfg, logger)
	if err != nil {
		return err
	}
	defer rt.Close()
	if rt.AdminToken != "" {
		fmt.Fprintf(stdout, "First run: an admin token was made. Keep it safe; it is not shown again:\n  %s\n", rt.AdminToken)
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

// validate checks each file against the named schema and the domain's own
// rules, printing every failing pointer.
func validate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	typ := fs.String("type", "", "schema name, such as referral")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *typ == "" || fs.NArg() == 0 {
		return usageError{errors.New("validate needs --type and at least one file")}
	}
	if _, ok := host.Schemas()[host.SchemaName(*typ)]; !ok {
		return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q (socialrx schema lists them)", *typ)
	}
	failed := 0
	for _, f := range fs.Args() {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := host.ValidateAs(*typ, b); err != nil {
			failed++
			fields := socialrx.ErrorFields(err)
			if len(fields) == 0 {
				fmt.Fprintf(stdout, "%s: %v\n", f, err)
			}
			for _, fe := range fields {
				p := fe.Path
				if p == "" {
					p = "/"
				}
				fmt.Fprintf(stdout, "%s: %s: %s\n", f, p, fe.Rule)
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
