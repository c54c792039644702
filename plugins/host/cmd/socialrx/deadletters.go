package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/referral"
)

// cliAdmin is who the dead-letter commands act as in the audit log: whoever
// can read the config file and the database is an admin of this host.
var cliAdmin = host.Principal{ID: "socialrx-cli", Role: referral.RoleAdmin}

// deadLetterCommands are `socialrx deadletters list|show ID|redrive ID`:
// what an admin does over /v1/admin/dead-letters, from the host's own
// config. A dead letter may hold personal data; every list, show and
// re-drive is audited as socialrx-cli.
func deadLetterCommands() []*command {
	return []*command{
		{name: "list", summary: "list the dead-lettered outbox messages, one line each", cmd: deadLetter("list")},
		{name: "show", args: "ID", summary: "print one dead letter whole, its message and last error", cmd: deadLetter("show")},
		{name: "redrive", args: "ID", summary: "send a dead letter again: back to pending with its attempts reset", cmd: deadLetter("redrive")},
	}
}

// deadLetter binds one deadletters subcommand to its --config flag.
func deadLetter(sub string) func(fs *flag.FlagSet) runFunc {
	return func(fs *flag.FlagSet) runFunc {
		loadConfig := configFlag(fs)
		return func(args []string, stdout, _ io.Writer) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			rt, err := config.Open(cfg, nil)
			if err != nil {
				return err
			}
			defer rt.Close()
			ctx := context.Background()
			switch sub {
			case "list":
				return listDeadLetters(ctx, rt.Service, stdout)
			case "show":
				m, err := rt.Service.DeadLetter(ctx, cliAdmin, args[0])
				if err != nil {
					return err
				}
				b, err := json.MarshalIndent(m, "", "  ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(stdout, "%s\n", b)
				return err
			default:
				m, err := rt.Service.RedriveDeadLetter(ctx, cliAdmin, args[0])
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(stdout, "re-driven %s: next attempt at %s\n", m.ID, m.NextAttemptAt.Format(time.RFC3339))
				return err
			}
		}
	}
}

// listDeadLetters prints every dead letter, one line each, page by page.
func listDeadLetters(ctx context.Context, svc *host.Service, stdout io.Writer) error {
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tTARGET\tATTEMPTS\tDEAD AT\tLAST ERROR")
	total, cursor := 0, ""
	for {
		items, next, err := svc.DeadLetters(ctx, cliAdmin, host.Page{Cursor: cursor})
		if err != nil {
			return err
		}
		for _, m := range items {
			dead := ""
			if m.DeadAt != nil {
				dead = m.DeadAt.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\n", m.ID, m.Target, m.Attempts, dead, oneLine(m.LastError, 80))
		}
		total += len(items)
		if cursor = next; cursor == "" {
			break
		}
	}
	fmt.Fprintf(w, "%d dead letters\n", total)
	return w.Flush()
}

// oneLine keeps the first line of s, at most n runes of it.
func oneLine(s string, n int) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
