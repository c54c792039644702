package referral_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/referral"
)

// FuzzDecode feeds arbitrary bytes to the referral decoder: it must never
// panic, must fail only with invalid, and whatever it accepts must encode
// and decode again to the same referral.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"testdata/referral_valid.json", "testdata/referral_five_errors.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"person":{"nhs_number":"9434765919","date_of_birth":"2999-01-01"}}`))
	f.Add([]byte(`[1,2,3]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := referral.Decode(doc, t0)
		if err != nil {
			if c := socialrx.ErrorCode(err); c != socialrx.CodeInvalid {
				t.Fatalf("code %q for %q", c, doc)
			}
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		r2, err := referral.Decode(b, t0)
		if err != nil {
			t.Fatalf("re-decoding what was accepted: %v\n%s", err, b)
		}
		b2, _ := json.Marshal(r2)
		if string(b) != string(b2) {
			t.Fatalf("round trip changed the referral:\n%s\n%s", b, b2)
		}
	})
}
