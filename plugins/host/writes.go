package host

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// ErrKeyReused marks a create whose idempotency key was first used with a
// different request (HTTP 422).
var ErrKeyReused = errors.New("the Idempotency-Key was already used with a different request")

// ErrOutcomeUnknown marks a write the store did not answer: it may or may
// not have been stored. A create retried with the same idempotency key
// returns what was stored, if it was, and stores it once otherwise.
var ErrOutcomeUnknown = errors.New("the store did not answer, so whether the write was stored is unknown")

const idempotencyEvent = "request.idempotency"

// unknownOutcome turns a store's unavailable answer to a write into an
// error that says what the caller may safely do next.
func unknownOutcome(err error, retry string) error {
	if socialrx.ErrorCode(err) != socialrx.CodeUnavailable {
		return err
	}
	return &socialrx.Error{Code: socialrx.CodeUnavailable, Message: ErrOutcomeUnknown.Error() + "; " + retry, Err: errors.Join(ErrOutcomeUnknown, err)}
}

// create stores a new document with the audit entry of its creation in one
// atomic write, idempotently under the client's key: a replay of the same
// request returns what the first stored, a replay with another request is
// a conflict. It decodes what was stored into out. Codes: those of
// Store.Create, conflict, and unavailable wrapping [ErrOutcomeUnknown].
func (s *Service) create(ctx context.Context, p Principal, key string, request any, w plugins.Write, out any) error {
	storeKey, idem := idempotency(p, key, request)
	w.IdempotencyKey = storeKey
	w.Events = append(idem, w.Events...)
	w.Outbox = s.stamp(w.Outbox)
	w.Also = append(w.Also, s.auditDoc(ctx, p, "create", w.Document.Kind, w.Document.ID))
	d, err := s.o.Store.Create(ctx, w)
	if err != nil {
		retry := "retrying with the same Idempotency-Key is safe: it returns the record if it was stored"
		if key == "" {
			retry = "a retry without an Idempotency-Key may store it twice: look for it first, and send an Idempotency-Key next time"
		}
		return unknownOutcome(err, retry)
	}
	if err := s.checkReplay(ctx, d, idem); err != nil {
		return err
	}
	return s.decodeDoc(d, out)
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
// another request. Codes: conflict (wrapping ErrKeyReused), unavailable.
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
		return &socialrx.Error{Code: socialrx.CodeConflict, Message: ErrKeyReused.Error(), Err: ErrKeyReused}
	}
	return nil
}

// updateDoc reads a document, lets may check the caller against it, decodes
// it into a T, lets change apply the domain change and build the write
// (document, events, outbox), and stores that with the audit entry of the
// change, compare-and-swapped on the version read, or on the target's
// version when it is not 0 (If-Match). It decodes the stored result. Codes:
// not_found, forbidden (from may), conflict (stale version, a lost race, or
// a document a newer host wrote; see [Service.writable]),
// invalid (from change), unavailable (wrapping [ErrOutcomeUnknown] when the
// store did not answer the write).
func updateDoc[T any](ctx context.Context, s *Service, p Principal, kind plugins.Kind, t Target, what string,
	may func(d plugins.Document) error, change func(v *T, d plugins.Document, now time.Time) (plugins.Write, error)) (*T, error) {
	d, err := s.o.Store.Get(ctx, kind, t.ID)
	if err != nil {
		return nil, err
	}
	if err := may(d); err != nil {
		return nil, err
	}
	if err := s.writable(d); err != nil {
		return nil, err
	}
	if err := checkVersion(d, t.Version); err != nil {
		return nil, err
	}
	var v T
	if err := s.decodeDoc(d, &v); err != nil {
		return nil, err
	}
	w, err := change(&v, d, s.now())
	if err != nil {
		return nil, err
	}
	w.Document.Version = d.Version
	w.Outbox = s.stamp(w.Outbox)
	w.Also = append(w.Also, s.auditDoc(ctx, p, what, kind, t.ID))
	nd, err := s.o.Store.Update(ctx, w)
	if err != nil {
		return nil, unknownOutcome(err, "read the record again: if the change was stored, its version has moved on")
	}
	var stored T
	if err := s.decodeDoc(nd, &stored); err != nil {
		return nil, err
	}
	return &stored, nil
}

// loadReferral reads and decodes a stored referral. Codes: not_found,
// unavailable, internal.
func (s *Service) loadReferral(ctx context.Context, id string) (referral.Referral, plugins.Document, error) {
	var r referral.Referral
	d, err := s.o.Store.Get(ctx, plugins.KindReferral, id)
	if err != nil {
		return r, d, err
	}
	return r, d, s.decodeDoc(d, &r)
}
