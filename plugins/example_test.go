package plugins_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/memory"
)

// A plugin author wraps an adapter with Serve in the plugin's main; the
// program then serves it to whichever host starts it.
func ExampleServe() {
	s := memory.New() // your Store: any value implementing plugins.Store
	if err := plugins.Serve(plugins.ServeConfig{Store: s}); err != nil {
		log.Fatal(err)
	}
}

// A host launches a plugin binary it trusts by checksum and uses the
// contracts it serves as plain Go interfaces. The Client relaunches the
// plugin if it crashes; calls meanwhile fail with unavailable.
func ExampleNewClient() {
	c, err := plugins.NewClient(plugins.ClientConfig{
		Path:   "/usr/lib/socialrx/sqlite-plugin",
		Args:   []string{"-db", "/var/lib/socialrx/socialrx.db"},
		SHA256: os.Getenv("SQLITE_PLUGIN_SHA256"),
	})
	if err != nil {
		log.Fatal(err) // forbidden: checksum; invalid: protocol version
	}
	defer c.Close()
	store, err := c.Store()
	if err != nil {
		log.Fatal(err)
	}
	d, err := store.Create(context.Background(), plugins.Write{Document: plugins.Document{
		Kind: plugins.KindPlan, ID: "plan-1", Data: json.RawMessage(`{"goals":[]}`),
	}})
	switch socialrx.ErrorCode(err) {
	case "":
		fmt.Println("stored at version", d.Version)
	case socialrx.CodeUnavailable:
		fmt.Println("plugin down; retry later:", err)
	default:
		fmt.Println(err)
	}
}
