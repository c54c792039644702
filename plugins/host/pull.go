package host

import (
	"context"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// kindCursor keeps the host's cursors, such as how far it has pulled
// referrals from the clinical system.
const kindCursor plugins.Kind = "cursor"

// clinicalPuller is who referrals pulled from the clinical system are
// recorded as received by.
var clinicalPuller = Principal{ID: "clinical-system", Role: referral.RoleSystem}

// PullReferrals pulls new referrals from the clinical system, at most
// limit, and receives each as [Service.CreateReferral] does. A referral
// pulled twice is received once (its id is the idempotency key), so hosts
// sharing a store may pull at once; the cursor advances by compare-and-swap.
// A referral that does not validate is skipped and counted. It returns how
// many were received and skipped. Codes: unavailable (no clinical system,
// or it or the store is down).
func (s *Service) PullReferrals(ctx context.Context, limit int) (received, skipped int, err error) {
	if s.o.Clinical == nil {
		return 0, 0, socialrx.Errorf(socialrx.CodeUnavailable, "no clinical system plugin is configured")
	}
	var cur struct {
		Cursor string `json:"cursor"`
	}
	d, err := s.o.Store.Get(ctx, kindCursor, "clinical-referrals")
	switch socialrx.ErrorCode(err) {
	case "":
		if err := s.decodeDoc(d, &cur); err != nil {
			return 0, 0, socialrx.Errorf(socialrx.CodeInternal, "stored cursor: %v", err)
		}
	case socialrx.CodeNotFound:
	default:
		return 0, 0, err
	}
	batch, err := s.o.Clinical.PullReferrals(ctx, cur.Cursor, limit)
	if err != nil {
		return 0, 0, err
	}
	for _, raw := range batch.Referrals {
		r, err := referral.Decode(raw, s.now())
		if err == nil && r.ID == "" {
			err = socialrx.Invalid(socialrx.Field("/id", "a pulled referral needs an id"))
		}
		if err == nil {
			_, err = s.CreateReferral(ctx, clinicalPuller, *r, "clinical:"+r.ID)
		}
		switch socialrx.ErrorCode(err) {
		case "":
			received++
		case socialrx.CodeInvalid, socialrx.CodeConflict:
			s.o.Logger.Warn("pulled referral refused", "err", err)
			skipped++
		default:
			return received, skipped, err
		}
	}
	next := plugins.Document{Kind: kindCursor, ID: "clinical-referrals", Data: s.encode(kindCursor, map[string]string{"cursor": batch.Cursor})}
	if d.Version == 0 {
		_, err = s.o.Store.Create(ctx, plugins.Write{Document: next})
	} else {
		next.Version = d.Version
		_, err = s.o.Store.Update(ctx, plugins.Write{Document: next})
	}
	if socialrx.ErrorCode(err) == socialrx.CodeConflict {
		err = nil // another host advanced it; the idempotency keys kept us from receiving twice
	}
	return received, skipped, err
}
