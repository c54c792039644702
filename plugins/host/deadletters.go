package host

import (
	"context"
	"encoding/json"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// KindDeadLetter is the kind audit entries name for dead-lettered outbox
// messages; the messages themselves live in the store's outbox.
const KindDeadLetter plugins.Kind = "dead_letter"

// DeadLetter is an outbox message whose last allowed delivery attempt
// failed, as an admin sees it to decide whether to re-drive it. Its
// payload is what was to be delivered, a message to a person or a coded
// clinical event, and may hold personal data.
type DeadLetter struct {
	// ID identifies the message.
	ID string `json:"id"`
	// IdempotencyKey is the key the delivering plugin sees, so that a
	// re-driven message that had in fact gone out is not sent twice.
	IdempotencyKey string `json:"idempotency_key"`
	// Target is the plugin that delivers it.
	Target string `json:"target" jsonschema:"enum=messenger,enum=clinical"`
	// Payload is the message or coded clinical event to deliver.
	Payload json.RawMessage `json:"payload"`
	// CreatedAt is when the message was queued.
	CreatedAt time.Time `json:"created_at"`
	// Attempts counts the failed attempts since it was queued or last
	// re-driven.
	Attempts int `json:"attempts" jsonschema:"minimum=0"`
	// LastError is the error of the last failed attempt.
	LastError string `json:"last_error,omitempty"`
	// DeadAt is when it was dead-lettered; absent once re-driven.
	DeadAt *time.Time `json:"dead_at,omitempty"`
	// NextAttemptAt is when a re-driven message is next tried.
	NextAttemptAt time.Time `json:"next_attempt_at"`
}

func deadLetterOf(m plugins.OutboxMessage) DeadLetter {
	return DeadLetter{ID: m.ID, IdempotencyKey: m.IdempotencyKey, Target: m.Target, Payload: m.Payload, CreatedAt: m.CreatedAt,
		Attempts: m.Attempts, LastError: m.LastError, DeadAt: m.DeadAt, NextAttemptAt: m.NextAttemptAt}
}

// The defaults of Options.PruneDeliveredAfter and IdempotencyKeysTTL: a
// delivered message is kept 30 days for whoever asks whether it went out,
// and a create's idempotency key a week, far longer than any client
// retries a request.
const (
	DefaultPruneDeliveredAfter = 30 * 24 * time.Hour
	DefaultIdempotencyKeysTTL  = 7 * 24 * time.Hour
)

// DeadLetters returns a page of dead-lettered outbox messages by id.
// Their payloads may hold personal data (a message's body), so only
// admins may read them, and each read is audited. Codes: forbidden,
// invalid (bad page), unavailable.
func (s *Service) DeadLetters(ctx context.Context, p Principal, page Page) ([]DeadLetter, string, error) {
	if err := forbid(p, "read dead letters", referral.RoleAdmin); err != nil {
		return nil, "", s.denied(ctx, p, "list", KindDeadLetter, "", err)
	}
	pg, err := s.o.Store.DeadLetters(ctx, plugins.DeadLetterQuery{Cursor: page.Cursor, Limit: page.Limit})
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(pg.Messages))
	out := make([]DeadLetter, len(pg.Messages))
	for i, m := range pg.Messages {
		ids[i], out[i] = m.ID, deadLetterOf(m)
	}
	if err := s.audit(ctx, p, "list", KindDeadLetter, "", ids...); err != nil {
		return nil, "", err
	}
	return out, pg.Next, nil
}

// DeadLetter returns one dead-lettered outbox message, for an admin, and
// audits the read. A message that is not dead-lettered is not_found here.
// Codes: forbidden, not_found, unavailable.
func (s *Service) DeadLetter(ctx context.Context, p Principal, id string) (DeadLetter, error) {
	if err := forbid(p, "read dead letters", referral.RoleAdmin); err != nil {
		return DeadLetter{}, s.denied(ctx, p, "read", KindDeadLetter, id, err)
	}
	m, err := s.o.Store.GetOutbox(ctx, id)
	if err == nil && m.DeadAt == nil {
		err = socialrx.Errorf(socialrx.CodeNotFound, "dead letter %q not found", id)
	}
	if err != nil {
		return DeadLetter{}, err
	}
	if err := s.audit(ctx, p, "read", KindDeadLetter, id); err != nil {
		return DeadLetter{}, err
	}
	return deadLetterOf(m), nil
}

// RedriveDeadLetter puts a dead-lettered message back in the outbox, due
// now with its attempts reset, and returns it. The audit entry is stored
// first, so no re-drive goes unrecorded. Codes: forbidden, not_found,
// conflict (not dead-lettered, as when re-driven already), unavailable.
func (s *Service) RedriveDeadLetter(ctx context.Context, p Principal, id string) (DeadLetter, error) {
	if err := forbid(p, "re-drive dead letters", referral.RoleAdmin); err != nil {
		return DeadLetter{}, s.denied(ctx, p, "redrive", KindDeadLetter, id, err)
	}
	if err := s.audit(ctx, p, "redrive", KindDeadLetter, id); err != nil {
		return DeadLetter{}, err
	}
	m, err := s.o.Store.RedriveOutbox(ctx, id, s.now())
	if err != nil {
		return DeadLetter{}, err
	}
	s.o.Logger.Info("dead letter re-driven", "id", id, "by", p.ID)
	return deadLetterOf(m), nil
}

// DeadLetterCount is how many outbox messages are dead-lettered, for
// metrics and health. Codes: unavailable.
func (s *Service) DeadLetterCount(ctx context.Context) (int, error) {
	return s.o.Store.DeadLetterCount(ctx)
}

// PruneOutbox deletes the outbox messages delivered longer ago than
// Options.PruneDeliveredAfter and the create idempotency keys older than
// Options.IdempotencyKeysTTL, by the service's clock, and logs what it
// deleted. Waiting and dead-lettered messages are kept. Codes: unavailable.
func (s *Service) PruneOutbox(ctx context.Context) (plugins.Pruned, error) {
	now := s.now()
	p, err := s.o.Store.PruneOutbox(ctx, now.Add(-s.o.PruneDeliveredAfter), now.Add(-s.o.IdempotencyKeysTTL))
	if err != nil {
		return p, err
	}
	if p.Delivered+p.IdempotencyKeys > 0 {
		s.o.Logger.Info("outbox pruned", "delivered_messages", p.Delivered, "idempotency_keys", p.IdempotencyKeys,
			"delivered_before", now.Add(-s.o.PruneDeliveredAfter), "keys_before", now.Add(-s.o.IdempotencyKeysTTL))
	}
	return p, nil
}
