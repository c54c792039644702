package payload_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/socialrx/socialrx/internal/schema"
	"github.com/socialrx/socialrx/plugins/nats/payload"
)

func TestSchemaFresh(t *testing.T) {
	schema.CheckFresh(t, "payload.schema.json", "nats_payload", payload.Payload{})
	assert.Contains(t, string(payload.Schema), `"$id": "`+schema.BaseID+`nats_payload.schema.json"`)
}
