// Package webhook is a socialrx Messenger that hands each message to a
// messaging gateway over HTTP, as a local team's adapter for its SMS, email
// or letter provider would. It lives in a module of its own that requires
// github.com/socialrx/socialrx, the way a team outside the project builds a
// plugin: it sees only the public SDK (package plugins and its conformance
// suites in plugintest), never socialrx's internal packages.
//
// The gateway protocol: Send POSTs the message as JSON to the gateway's URL
// with an Idempotency-Key header. The gateway answers 201 Created with
// {"id": "…", "accepted_at": "RFC 3339"} for a new key and 200 OK with the
// first answer for a key it has seen, so a retry never sends twice; 403 for
// a recipient it must not contact, 400 or 422 for a message it refuses,
// anything else when it cannot take the message now.
//
// [New] makes a Messenger of a gateway's URL; webhook_test.go sends
// through it to a gateway run by the test, and runs the Messenger
// conformance suite against it, in process and as a plugin binary.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// maxAnswer bounds the gateway's answer read.
const maxAnswer = 64 << 10

// Messenger sends messages through a gateway. It is safe for concurrent
// use: it keeps no state, the gateway keeps the idempotency keys.
type Messenger struct {
	url    string
	client *http.Client
}

var _ plugins.Messenger = (*Messenger)(nil)

// New returns a Messenger for the gateway at url; a nil client means one
// with a 10-second timeout.
func New(url string, client *http.Client) *Messenger {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Messenger{url: url, client: client}
}

// answer is the gateway's receipt.
type answer struct {
	ID         string    `json:"id"`
	AcceptedAt time.Time `json:"accepted_at"`
}

// Send hands m to the gateway once per idempotency key. Codes: invalid (no
// key, unknown role or channel, no address for email, SMS or letter, no
// event name for an event, or the gateway refused the message), forbidden
// (the recipient asked not to be contacted; events are not contact),
// unavailable (ctx done, or the gateway did not take the message).
func (m *Messenger) Send(ctx context.Context, msg plugins.Message) (plugins.Receipt, error) {
	if err := validate(msg); err != nil {
		return plugins.Receipt{}, err
	}
	if msg.To.DoNotContact && msg.Channel != plugins.ChannelEvent {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeForbidden, "webhook: %s %s asked not to be contacted", msg.To.Role, msg.To.ID)
	}
	if err := ctx.Err(); err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "webhook: %w", err)
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeInternal, "webhook: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url, bytes.NewReader(body))
	if err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", msg.IdempotencyKey)
	res, err := m.client.Do(req)
	if err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "webhook: gateway: %w", err)
	}
	defer res.Body.Close()
	text, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "webhook: gateway: %w", err)
	}
	switch res.StatusCode {
	case http.StatusCreated, http.StatusOK:
		var a answer
		if err := json.Unmarshal(text, &a); err != nil || a.ID == "" || a.AcceptedAt.IsZero() {
			return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "webhook: gateway answered %s without a receipt: %s", res.Status, text)
		}
		return plugins.Receipt{ID: a.ID, At: a.AcceptedAt.UTC(), Duplicate: res.StatusCode == http.StatusOK}, nil
	case http.StatusForbidden:
		return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeForbidden, "webhook: gateway refused to contact %s %s: %s", msg.To.Role, msg.To.ID, text)
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return plugins.Receipt{}, socialrx.Invalid(socialrx.Field("", "the gateway refused the message: %s", text))
	}
	return plugins.Receipt{}, socialrx.Errorf(socialrx.CodeUnavailable, "webhook: gateway answered %s: %s", res.Status, text)
}

// validate checks every field of msg, naming each bad one by JSON pointer.
func validate(msg plugins.Message) error {
	var fs []socialrx.FieldError
	if msg.IdempotencyKey == "" {
		fs = append(fs, socialrx.Field("/idempotency_key", "is required"))
	}
	switch msg.To.Role {
	case plugins.RoleLinkWorker, plugins.RolePartner, plugins.RoleReferrer, plugins.RolePerson:
	case "":
		fs = append(fs, socialrx.Field("/to/role", "is required"))
	default:
		fs = append(fs, socialrx.Field("/to/role", "must be link_worker, partner, referrer or person"))
	}
	switch msg.Channel {
	case plugins.ChannelEmail, plugins.ChannelSMS, plugins.ChannelLetter:
		if msg.To.Address == "" {
			fs = append(fs, socialrx.Field("/to/address", "is required for %s", msg.Channel))
		}
	case plugins.ChannelEvent:
		if msg.Event == "" {
			fs = append(fs, socialrx.Field("/event", "is required for an event"))
		}
	case "":
		fs = append(fs, socialrx.Field("/channel", "is required"))
	default:
		fs = append(fs, socialrx.Field("/channel", "must be email, sms, letter or event"))
	}
	return socialrx.Invalid(fs...)
}

// ErrNoURL is returned by the plugin command when no gateway URL is set.
var ErrNoURL = errors.New("webhook: no gateway URL (set SOCIALRX_WEBHOOK_URL)")
