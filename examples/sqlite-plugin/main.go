// Command sqlite-plugin serves the embedded SQLite store (package
// plugins/sqlite) as a socialrx plugin, so that a host can keep its data in
// a separate process, or as a template for a plugin of your own database.
//
// A host runs it; run by hand it only says that it is a plugin:
//
//	sqlite-plugin -db /var/lib/socialrx/socialrx.db
package main

import (
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/socialrx/socialrx/internal/fileperm"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/sqlite"
)

func main() {
	fs := flag.NewFlagSet("sqlite-plugin", flag.ExitOnError)
	db := fs.String("db", "socialrx.db", "the SQLite database `file` (created if missing)")
	_ = fs.Parse(os.Args[1:])

	s, err := sqlite.Open(*db)
	if err != nil {
		log.Fatal(err)
	}
	// Open creates the files private; warn of those someone opened up. The
	// host logs stderr lines that start [WARN] as warnings.
	for _, e := range fileperm.Exposed(*db, *db+"-wal", *db+"-shm") {
		fmt.Fprintf(os.Stderr, "[WARN] sqlite-plugin: %v\n", e)
	}
	if err := plugins.Serve(plugins.ServeConfig{Store: s}); err != nil {
		log.Fatal(err)
	}
}
