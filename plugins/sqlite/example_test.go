package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/sqlite"
)

// A referral written before a restart is there after it, and a stale
// update is refused.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "socialrx")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "socialrx.db")
	ctx := context.Background()

	s, err := sqlite.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := s.Create(ctx, plugins.Write{
		Document: plugins.Document{Kind: plugins.KindReferral, ID: "r-1", Status: "received", Owner: "lw-1", Data: json.RawMessage(`{"needs":["loneliness"]}`)},
		Events:   []plugins.Event{{Type: "referral.received", Actor: "gp-1"}},
	})
	d.Status = "accepted"
	_, _ = s.Update(ctx, plugins.Write{Document: d})
	s.Close()

	s, _ = sqlite.Open(path)
	defer s.Close()
	page, _ := s.List(ctx, plugins.Query{Kind: plugins.KindReferral, Owner: "lw-1"})
	for _, d := range page.Documents {
		fmt.Println(d.ID, d.Status, "version", d.Version)
	}
	_, err = s.Update(ctx, plugins.Write{Document: d}) // d is version 1
	fmt.Println(socialrx.ErrorCode(err))
	// Output:
	// r-1 accepted version 2
	// conflict
}
