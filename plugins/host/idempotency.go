package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
)

// errKeyReused marks a create whose idempotency key was first used with a
// different request.
var errKeyReused = errors.New("the Idempotency-Key was already used with a different request")

const idempotencyEvent = "request.idempotency"

// create stores a new document, idempotently under the client's key:
// a replay of the same request returns what the first stored, a replay
// with another request is a conflict. It decodes what was stored into out
// and audits the write. Codes: those of Store.Create, and conflict.
func (s *Service) create(ctx context.Context, p Principal, key string, request any, w plugins.Write, out any) error {
	storeKey, idem := idempotency(p, key, request)
	w.IdempotencyKey = storeKey
	w.Events = append(idem, w.Events...)
	w.Outbox = s.stamp(w.Outbox)
	d, err := s.o.Store.Create(ctx, w)
	if err != nil {
		return err
	}
	if err := s.checkReplay(ctx, d, idem); err != nil {
		return err
	}
	if err := decodeDoc(d, out); err != nil {
		return err
	}
	s.auditWrite(ctx, p, "create", d.Kind, d.ID)
	return nil
}

// idempotency scopes a client's key to the principal and fingerprints the
// request, returning the store's key and the event that records it.
func idempotency(p Principal, key string, request any) (string, []plugins.Event) {
	if key == "" {
		return "", nil
	}
	sum := sha256.Sum256(mustJSON(request))
	fp := hex.EncodeToString(sum[:])
	return p.ID + ":" + key, []plugins.Event{{Type: idempotencyEvent, Actor: p.ID, Data: mustJSON(map[string]string{"key": key, "fingerprint": fp})}}
}

// checkReplay refuses the result of a create whose key was first used with
// another request. Codes: conflict (wrapping errKeyReused), unavailable.
func (s *Service) checkReplay(ctx context.Context, d plugins.Document, ev []plugins.Event) error {
	if len(ev) == 0 {
		return nil
	}
	stored, err := s.o.Store.Events(ctx, d.Kind, d.ID, 0, 0)
	if err != nil {
		return err
	}
	var want, got struct{ Fingerprint string }
	_ = json.Unmarshal(ev[0].Data, &want)
	for _, e := range stored {
		if e.Type == idempotencyEvent {
			_ = json.Unmarshal(e.Data, &got)
			break
		}
	}
	if got.Fingerprint != want.Fingerprint {
		return &socialrx.Error{Code: socialrx.CodeConflict, Message: errKeyReused.Error(), Err: errKeyReused}
	}
	return nil
}
