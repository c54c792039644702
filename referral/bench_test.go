package referral_test

import (
	"os"
	"testing"
	"time"

	"github.com/socialrx/socialrx/referral"
)

func BenchmarkNHSNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := referral.NormaliseNHSNumber("943 476 5919"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLifecycle walks a referral from received through accept, active,
// a signpost and its check-in, an onward referral the partner accepts and
// completes, hold, resume and close.
func BenchmarkLifecycle(b *testing.B) {
	in := *received(b)
	b.ReportAllocs()
	for b.Loop() {
		r, err := referral.New(in, gp, t0)
		if err != nil {
			b.Fatal(err)
		}
		at := t0
		next := func() time.Time { at = at.Add(time.Hour); return at }
		must := func(err error) {
			if err != nil {
				b.Fatal(err)
			}
		}
		must(r.Accept(worker, next(), at, ""))
		must(r.Apply(referral.Change{To: referral.StatusActive, By: worker, At: next()}, at))
		s, err := r.Signpost("svc-walks", worker, next(), at, "", referral.Policy{})
		must(err)
		must(r.RecordCheckIn(s.ID, referral.CheckInStillGoing, worker, next(), at, ""))
		o, err := referral.NewOnwardReferral(r, "svc-garden", "org-garden", nil, worker, next(), at, "")
		must(err)
		must(o.Transition(partner, referral.TaskAccepted, "", "", next(), at))
		must(o.Transition(partner, referral.TaskCompleted, "", "", next(), at))
		must(r.Apply(referral.Change{To: referral.StatusOnHold, Reason: referral.HoldHospitalStay, By: worker, At: next()}, at))
		must(r.Apply(referral.Change{To: referral.StatusActive, By: worker, At: next()}, at))
		must(r.Close(worker, referral.CloseGoalsMet, next(), at, ""))
	}
}

// BenchmarkDecodeValidate decodes and schema-validates a typical referral.
func BenchmarkDecodeValidate(b *testing.B) {
	doc, err := os.ReadFile("testdata/referral_valid.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := referral.Decode(doc, t0); err != nil {
			b.Fatal(err)
		}
	}
}
