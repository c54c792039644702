package host_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/socialrx/socialrx/plugins/devlog"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/memory"
	"github.com/socialrx/socialrx/referral"
)

// An embedder's main flow: a service over a store and a messenger; a GP
// refers, a link worker accepts (naming the version read), and the outbox
// worker sends what the change caused (here, to a development log).
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "socialrx-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	messenger, err := devlog.Open(filepath.Join(dir, "messages.jsonl"))
	if err != nil {
		panic(err)
	}
	defer messenger.Close()
	svc, err := host.NewService(host.Options{Store: memory.New(), Messenger: messenger})
	if err != nil {
		panic(err)
	}

	doc, err := os.ReadFile("../../examples/tour/referral.json")
	if err != nil {
		panic(err)
	}
	var in referral.Referral
	if err := json.Unmarshal(doc, &in); err != nil {
		panic(err)
	}
	gp := host.Principal{ID: "dr-patel", Role: referral.RoleReferrer, Organisation: "A81001"}
	r, err := svc.CreateReferral(ctx, gp, in, "gp-1")
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status, r.Version)

	linkWorker := host.Principal{ID: "lw-sam", Role: referral.RoleLinkWorker}
	r, err = svc.ChangeReferralStatus(ctx, linkWorker, host.Target{ID: r.ID, Version: r.Version},
		host.StatusChange{To: referral.StatusAccepted})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status, r.Version)

	sent, err := svc.DeliverOutbox(ctx, "worker-1", 100)
	if err != nil {
		panic(err)
	}
	fmt.Println(sent > 0, "messages sent")
	// Output:
	// received 1
	// accepted 2
	// true messages sent
}
