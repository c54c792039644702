// Command webhook-plugin serves the webhook messenger as a socialrx
// plugin. The gateway's URL comes from SOCIALRX_WEBHOOK_URL, which the
// host's config passes in the plugin's env:
//
//	"messenger": {"plugin": {"path": "/opt/socialrx/webhook-plugin", "sha256": "…",
//	  "env": ["SOCIALRX_WEBHOOK_URL=https://sms-gateway.example.org/v1/messages"]}}
package main

import (
	"log"
	"os"

	"github.com/socialrx/socialrx/plugins"

	webhook "example.org/socialrx-webhook"
)

func main() {
	url := os.Getenv("SOCIALRX_WEBHOOK_URL")
	if url == "" {
		log.Fatal(webhook.ErrNoURL)
	}
	if err := plugins.Serve(plugins.ServeConfig{Messenger: webhook.New(url, nil)}); err != nil {
		log.Fatal(err)
	}
}
