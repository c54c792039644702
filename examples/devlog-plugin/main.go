// Command devlog-plugin serves the development messenger (package
// plugins/devlog) as a socialrx plugin: every message the host sends is
// written as a JSON line to a log file instead of being delivered. It is
// for development and demonstrations, never for real people.
//
// A host runs it; run by hand it only says that it is a plugin:
//
//	devlog-plugin -log /var/log/socialrx/messages.jsonl
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/socialrx/socialrx/internal/fileperm"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/devlog"
)

func main() {
	fs := flag.NewFlagSet("devlog-plugin", flag.ExitOnError)
	path := fs.String("log", "messages.jsonl", "the log `file` messages are written to")
	_ = fs.Parse(os.Args[1:])

	m, err := devlog.Open(*path)
	if err != nil {
		log.Fatal(err)
	}
	// Open creates the log private; warn if someone opened it up. The host
	// logs stderr lines that start [WARN] as warnings.
	for _, e := range fileperm.Exposed(*path) {
		fmt.Fprintf(os.Stderr, "[WARN] devlog-plugin: %v\n", e)
	}
	if err := plugins.Serve(plugins.ServeConfig{Messenger: m}); err != nil {
		log.Fatal(err)
	}
}
