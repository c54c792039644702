package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

// FuzzImportPostcodes loads arbitrary CSV: it never panics; it refuses
// only as invalid, and what it reports adds up to at most the rows given.
func FuzzImportPostcodes(f *testing.F) {
	sample, err := os.ReadFile(filepath.Join("internal", "hosttest", "testdata", "onspd_sample.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(sample))
	f.Add("postcode,latitude,longitude\nSE1P 5ZZ,51.5,-0.08\n")
	f.Add("pcds,lat,long\n\"M1 1AD\",99.999999,0\nbad,x,y\n")
	f.Add("lat,long,pcd\n1,2\n")
	f.Fuzz(func(t *testing.T, csv string) {
		e := hosttest.New(t)
		rep, err := e.Svc.ImportPostcodes(t.Context(), hosttest.Principals[referral.RoleAdmin], strings.NewReader(csv), nil)
		if err != nil {
			if socialrx.ErrorCode(err) != socialrx.CodeInvalid {
				t.Fatalf("%v is not invalid", err)
			}
			return
		}
		if rows := strings.Count(csv, "\n") + 1; rep.Imported+rep.NoCoordinates+rep.BadRows > rows {
			t.Fatalf("%+v for %d lines", rep, rows)
		}
	})
}
