// Command socialrx runs the socialrx reference host and its tools:
//
//	socialrx help                 the commands, each in one line
//	socialrx help COMMAND         a command's flags (or socialrx COMMAND --help)
//	socialrx help config          every field of the config file, with an example
//	socialrx serve --config FILE  run the HTTP API
//	socialrx version              the version and the commit it was built from
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
// error (an unknown command or flag, or arguments the command does not
// take); 3 an import that stored some services but not all (some refused,
// a list envelope that disagrees with its contents, or a feed cut short by
// --max-pages; the report says which), unless --allow-partial is given.
//
// With no config file, serve uses the embedded SQLite store in
// ./socialrx.db and the development log messenger, and prints an admin
// token on first run. Paths in a config file are relative to its folder.
//
// The commands are one table (commands, in main.go): adding a command is
// one entry there. The binary is wiring only: package config reads the
// config file, launches the plugins and builds the application service
// (package host) and its HTTP API (package httpapi).
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
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// commands is the command table: every command socialrx has, with its
// one-line summary, its flags and its arguments. help, --help and the
// checks of flags and arguments all read it. (Set in init: help reads it.)
var commands *command

func init() {
	commands = &command{summary: "the social prescribing host and its tools", subs: []*command{
		{name: "serve", summary: "run the HTTP API, the outbox worker and the scheduler until SIGTERM or Ctrl-C",
			about: "With no config file, serve keeps its data in ./socialrx.db (embedded SQLite), writes the\n" +
				"messages it would send to ./socialrx-messages.log, and prints an admin token on first run.\n" +
				"It prints where its data, messages and tokens are kept when it starts.",
			cmd: serve},
		{name: "schema", args: "[NAME]", summary: "list the published JSON Schemas, or print the one named", cmd: printSchema},
		{name: "validate", args: "FILE|URL...", summary: "check documents against a published schema and the domain's rules; exit 1 if any is invalid",
			about: "--type is a published schema (socialrx schema lists them), or oruk-service-list,\n" +
				"oruk-service or oruk-organization to check an ORUK feed (3.0 or 1.x; a URL's pages are\n" +
				"followed) as import oruk reads it, without importing. Every failing JSON pointer is printed;\n" +
				"the exit status is 1 if any document is invalid.",
			cmd: validate},
		{name: "plugins", summary: "manage the configured plugins", subs: []*command{
			{name: "check", summary: "launch each configured plugin and report whether it is healthy", cmd: pluginsCheck},
		}},
		{name: "import", summary: "load a directory feed or postcode centroids into the store", subs: []*command{
			{name: "oruk", args: "FILE|URL", summary: "import an Open Referral UK feed (3.0 or 1.x), following a URL's pages",
				about: "Exit status 3 when it stored some services but not all (some refused, an envelope that\n" +
					"disagrees with its contents, or --max-pages reached), unless --allow-partial; 1 when\n" +
					"every service offered was refused.",
				cmd: importORUK},
			{name: "postcodes", args: "FILE", summary: "load postcode centroids from an ONS Postcode Directory CSV", cmd: importPostcodes},
		}},
		{name: "export", summary: "print the directory in an exchange format", subs: []*command{
			{name: "oruk", summary: "print every active service as one Open Referral UK service list", cmd: exportORUK},
		}},
		{name: "tokens", summary: "make, list, revoke and rotate the API's bearer tokens (hashes in the tokens file)", subs: tokenCommands()},
		{name: "deadletters", summary: "see and re-drive outbox messages that could not be delivered", subs: deadLetterCommands()},
		{name: "version", summary: "print the version of socialrx and the commit it was built from", cmd: version},
		{name: "help", args: "[COMMAND...]", summary: "show the commands, a command's flags, or (help config) every config field", cmd: help},
	}}
}

// exitStatuses ends the help of socialrx itself.
const exitStatuses = `exit status: 0 ok; 1 error, invalid, or nothing imported; 2 usage;
  3 partly imported (socialrx help import oruk says when)
`

// runFunc runs a command with its flags parsed, given the arguments after
// them.
type runFunc func(args []string, stdout, stderr io.Writer) error

// command is one entry of the command table: a command with
// subcommands (subs), or one that runs (cmd).
type command struct {
	// name is the word that selects the command.
	name string
	// summary is the one line help shows for it.
	summary string
	// about, if set, is more help, shown by help COMMAND.
	about string
	// args is the synopsis of the arguments after the flags: "FILE" is
	// exactly one, "[NAME]" at most one, "FILE|URL..." one or more,
	// "[COMMAND...]" any number. The arguments given are checked against it.
	args string
	// cmd declares the command's flags on fs, each with a one-line usage
	// (a `word` in backquotes names its value in help), and returns the
	// command bound to them.
	cmd func(fs *flag.FlagSet) runFunc
	// subs are its subcommands.
	subs []*command
}

// usageError is a command used wrongly: it exits 2 with the command's usage.
type usageError struct{ error }

func run(args []string, stdout, stderr io.Writer) int {
	path, c, rest := []string{"socialrx"}, commands, args
	for c.subs != nil {
		if len(rest) == 0 {
			fmt.Fprintf(stderr, "%s needs a command\n\n", strings.Join(path, " "))
			c.help(path, stderr)
			return 2
		}
		if isHelp(rest[0]) {
			c.help(path, stdout)
			return 0
		}
		sub := c.sub(rest[0])
		if sub == nil {
			fmt.Fprintf(stderr, "%s: unknown command %q\n\n", strings.Join(path, " "), rest[0])
			c.help(path, stderr)
			return 2
		}
		path, c, rest = append(path, sub.name), sub, rest[1:]
	}
	fs := flag.NewFlagSet(strings.Join(path, " "), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	runner := c.cmd(fs)
	err := fs.Parse(rest)
	if errors.Is(err, flag.ErrHelp) || slices.ContainsFunc(fs.Args(), isHelp) {
		c.help(path, stdout)
		return 0
	}
	if err != nil {
		err = usageError{err}
	} else if err = c.checkArgs(fs.Args()); err == nil {
		err = runner(fs.Args(), stdout, stderr)
	}
	if err == nil {
		return 0
	}
	if errors.As(err, new(usageError)) {
		fmt.Fprintf(stderr, "%s: %v\nusage: %s\nRun '%s' for help.\n", strings.Join(path, " "), err, c.usage(path), strings.Join(append([]string{"socialrx", "help"}, path[1:]...), " "))
		return 2
	}
	fmt.Fprintln(stderr, "socialrx:", err)
	if errors.As(err, new(partialError)) {
		return exitPartial
	}
	return 1
}

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

func (c *command) sub(name string) *command {
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
	}
	return nil
}

// arity is how many arguments c.args allows: at least min, at most max
// (-1 for no limit).
func (c *command) arity() (min, max int) {
	for _, w := range strings.Fields(c.args) {
		optional := strings.HasPrefix(w, "[")
		if !optional {
			min++
		}
		if strings.HasSuffix(strings.TrimSuffix(w, "]"), "...") {
			return min, -1
		}
		max++
	}
	return min, max
}

// checkArgs refuses arguments c does not take, saying why.
func (c *command) checkArgs(args []string) error {
	for _, a := range args {
		if strings.HasPrefix(a, "-") && a != "-" {
			return usageError{fmt.Errorf("%q after the arguments: flags go before them", a)}
		}
	}
	min, max := c.arity()
	switch {
	case len(args) < min:
		return usageError{fmt.Errorf("missing %s", c.args)}
	case max >= 0 && len(args) > max && max == 0:
		return usageError{fmt.Errorf("takes no arguments, but was given %q", args)}
	case max >= 0 && len(args) > max:
		return usageError{fmt.Errorf("takes %s, but was given %d arguments: %q", c.args, len(args), args)}
	}
	return nil
}

// usage is c's synopsis, such as "socialrx import oruk [flags] FILE|URL".
func (c *command) usage(path []string) string {
	u := strings.Join(path, " ")
	if c.subs != nil {
		return u + " COMMAND"
	}
	if hasFlags(c.flagSet(path)) {
		u += " [flags]"
	}
	if c.args != "" {
		u += " " + c.args
	}
	return u
}

// flagSet is c's flags, declared on a new set.
func (c *command) flagSet(path []string) *flag.FlagSet {
	fs := flag.NewFlagSet(strings.Join(path, " "), flag.ContinueOnError)
	c.cmd(fs)
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// help writes c's help: its usage and summary, then its subcommands or
// its flags, one line each.
func (c *command) help(path []string, w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n", c.usage(path))
	if len(path) == 1 {
		fmt.Fprintf(w, "socialrx: %s.\n", c.summary)
	} else {
		fmt.Fprintf(w, "%s.\n", upperFirst(c.summary))
	}
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", c.about)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	if c.subs != nil {
		fmt.Fprintln(w, "\ncommands:")
		c.walk(path, func(p []string, leaf *command) {
			fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimSpace(strings.Join(p[len(path):], " ")+" "+leaf.args), leaf.summary)
		})
		tw.Flush()
		fmt.Fprintf(w, "\nRun '%s COMMAND --help' for a command's flags", strings.Join(path, " "))
		if len(path) == 1 {
			fmt.Fprint(w, ", 'socialrx help config' for the config file")
		}
		fmt.Fprintln(w, ".")
	} else if fs := c.flagSet(path); hasFlags(fs) {
		fmt.Fprintln(w, "\nflags:")
		fs.VisitAll(func(f *flag.Flag) {
			name, usage := flag.UnquoteUsage(f)
			if name != "" {
				name = " " + name
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				usage += fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, name, usage)
		})
		tw.Flush()
	}
	if len(path) == 1 {
		fmt.Fprint(w, "\n"+exitStatuses)
	}
}

// walk calls f with each command below c that runs, and its path.
func (c *command) walk(path []string, f func(path []string, leaf *command)) {
	for _, s := range c.subs {
		p := append(slices.Clip(path), s.name)
		if s.subs == nil {
			f(p, s)
		} else {
			s.walk(p, f)
		}
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// help shows the help of a command, or of the config file.
func help(fs *flag.FlagSet) runFunc {
	return func(args []string, stdout, _ io.Writer) error {
		if len(args) == 1 && args[0] == "config" {
			_, err := io.WriteString(stdout, config.Help)
			return err
		}
		path, c := []string{"socialrx"}, commands
		for _, a := range args {
			sub := c.sub(a)
			if sub == nil {
				return usageError{fmt.Errorf("no command %q (socialrx help lists them)", strings.Join(append(path[1:], a), " "))}
			}
			path, c = append(path, a), sub
		}
		c.help(path, stdout)
		return nil
	}
}

// version prints the module version and the commit the binary was built
// from, as the Go toolchain recorded them.
func version(fs *flag.FlagSet) runFunc {
	return func(_ []string, stdout, _ io.Writer) error {
		bi, ok := debug.ReadBuildInfo()
		if !ok {
			return errors.New("this binary records no version: it was built without module support")
		}
		_, err := fmt.Fprintln(stdout, versionLine(bi))
		return err
	}
}

// versionLine is "socialrx VERSION, commit REV (with uncommitted changes)
// of TIME, GOVERSION", the commit when the toolchain recorded one (go
// build in a git checkout, unless -buildvcs=false).
func versionLine(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	s := map[string]string{}
	for _, kv := range bi.Settings {
		s[kv.Key] = kv.Value
	}
	line := "socialrx " + v
	if rev := s["vcs.revision"]; rev != "" {
		line += ", commit " + rev
		if s["vcs.modified"] == "true" {
			line += " (with uncommitted changes)"
		}
		if t := s["vcs.time"]; t != "" {
			line += " of " + t
		}
	}
	return line + ", " + bi.GoVersion
}

// configFlag declares --config and returns the config it names once
// parsed (the zero config without it).
func configFlag(fs *flag.FlagSet) func() (config.Config, error) {
	path := fs.String("config", "", "config `FILE` (JSON; socialrx help config); paths in it are relative to its folder")
	return func() (config.Config, error) {
		if *path == "" {
			return config.Config{}, nil
		}
		return config.Load(*path)
	}
}

func serve(fs *flag.FlagSet) runFunc {
	loadConfig := configFlag(fs)
	addr := fs.String("addr", "", "listen on `HOST:PORT` instead of the config's addr (default 127.0.0.1:8080)")
	return func(_ []string, stdout, stderr io.Writer) error {
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		if *addr != "" {
			cfg.Addr = *addr
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
		for _, l := range rt.Locations() {
			fmt.Fprintf(stdout, "%-9s %s\n", l.What+":", l.Where)
		}
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
}

func printSchema(*flag.FlagSet) runFunc { return printSchemaArgs }

func printSchemaArgs(args []string, stdout, _ io.Writer) error {
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
func validate(fs *flag.FlagSet) runFunc {
	typ := fs.String("type", "", "the documents' type: a schema `NAME` such as referral, or oruk-service-list, oruk-service, oruk-organization (required)")
	maxPages := fs.Int("max-pages", defaultMaxPages, "read at most `N` pages of a paged ORUK feed")
	return func(args []string, stdout, stderr io.Writer) error {
		return validateArgs(*typ, *maxPages, args, stdout, stderr)
	}
}

func validateArgs(typ string, maxPages int, args []string, stdout, stderr io.Writer) error {
	if typ == "" {
		return usageError{errors.New("--type is required")}
	}
	if maxPages < 1 {
		return usageError{errors.New("--max-pages must be 1 or more")}
	}
	kind, oruk := orukTypes[typ]
	if _, ok := host.Schemas()[host.SchemaName(typ)]; !ok && !oruk {
		return socialrx.Errorf(socialrx.CodeNotFound, "no schema %q (socialrx schema lists them; or oruk-service-list, oruk-service, oruk-organization)", typ)
	}
	failed := 0
	for _, f := range args {
		if oruk {
			ok, err := validateORUK(f, kind, maxPages, stdout, stderr)
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
		fields, err := validationErrors(typ, b, time.Now())
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
		return fmt.Errorf("%d of %d documents are invalid", failed, len(args))
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

func pluginsCheck(fs *flag.FlagSet) runFunc {
	loadConfig := configFlag(fs)
	return func(_ []string, stdout, _ io.Writer) error {
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		return checkPlugins(cfg, stdout)
	}
}

func checkPlugins(cfg config.Config, stdout io.Writer) error {
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
