package devlog_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/plugins/devlog"
)

// Messages land in the log once per key; a person who asked not to be
// contacted is refused.
func ExampleMessenger() {
	dir, _ := os.MkdirTemp("", "devlog")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "messages.jsonl")
	ctx := context.Background()

	m, _ := devlog.Open(path)
	msg := plugins.Message{
		IdempotencyKey: "r-1/accepted", Channel: plugins.ChannelEmail, Subject: "Referral accepted",
		To: plugins.Recipient{Role: plugins.RoleReferrer, Address: "gp@example.org"},
	}
	first, _ := m.Send(ctx, msg)
	again, _ := m.Send(ctx, msg)
	fmt.Println("same receipt:", first.ID == again.ID, "duplicate:", again.Duplicate)

	msg.IdempotencyKey, msg.To = "r-1/welcome", plugins.Recipient{Role: plugins.RolePerson, Address: "+447700900123", DoNotContact: true}
	msg.Channel = plugins.ChannelSMS
	_, err := m.Send(ctx, msg)
	fmt.Println(socialrx.ErrorCode(err))
	m.Close()

	f, _ := os.Open(path)
	defer f.Close()
	entries, _ := devlog.ReadLog(f)
	for _, e := range entries {
		fmt.Println(e.Message.Channel, e.Message.To.Address, e.Message.Subject)
	}
	// Output:
	// same receipt: true duplicate: true
	// forbidden
	// email gp@example.org Referral accepted
}
