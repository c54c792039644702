package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/internal/hosttest"
	"github.com/socialrx/socialrx/referral"
)

func onspdSample(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("internal", "hosttest", "testdata", "onspd_sample.csv"))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// Postcodes load from the ONS Postcode Directory into every store, and
// are found by any spelling of the postcode.
func TestPostcodesOnEveryStore(t *testing.T) {
	hosttest.Matrix(t, func(t *testing.T, e *hosttest.Env) {
		ctx := t.Context()
		rep, err := e.Svc.ImportPostcodes(ctx, as(referral.RoleAdmin), onspdSample(t), nil)
		require.NoError(t, err)
		assert.Equal(t, host.PostcodeReport{Imported: 6, NoCoordinates: 1}, rep)
		for _, spelling := range []string{"SE1P 5ZZ", "se1p5zz", " SE1P  5ZZ "} {
			pt, err := e.Svc.Postcode(ctx, spelling)
			require.NoError(t, err, spelling)
			assert.Equal(t, "SE1P 5ZZ", pt.Postcode)
			assert.InDelta(t, 51.492762, pt.Latitude, 1e-9)
			assert.InDelta(t, -0.080152, pt.Longitude, 1e-9)
		}
		for _, pc := range []string{"JE2 4WD", "SW1A 1AA", "nowhere"} {
			_, err := e.Svc.Postcode(ctx, pc)
			assert.Equal(t, []string{"/postcode"}, fieldPaths(err), pc)
		}
		again, err := e.Svc.ImportPostcodes(ctx, as(referral.RoleAdmin), strings.NewReader("postcode,latitude,longitude\nSE1P 5ZZ,51.5,-0.08\nXX,1,1\nSW1A 1AA,500,0\n"), nil)
		require.NoError(t, err)
		assert.Equal(t, 1, again.Imported)
		assert.Equal(t, 2, again.BadRows)
		assert.Equal(t, []string{"/3", "/4"}, []string{again.Bad[0].Path, again.Bad[1].Path}, "bad rows are named by line")
		pt, err := e.Svc.Postcode(ctx, "SE1P 5ZZ")
		require.NoError(t, err)
		assert.Equal(t, 51.5, pt.Latitude, "a postcode loaded again is replaced")
	})
}

func TestImportPostcodesRefuses(t *testing.T) {
	e := hosttest.New(t)
	_, err := e.Svc.ImportPostcodes(t.Context(), as(referral.RoleLinkWorker), onspdSample(t), nil)
	assert.Equal(t, socialrx.CodeForbidden, socialrx.ErrorCode(err))
	_, err = e.Svc.ImportPostcodes(t.Context(), as(referral.RoleAdmin), strings.NewReader("code,x,y\nSE1P 5ZZ,1,2\n"), nil)
	assert.Equal(t, []string{"/1"}, fieldPaths(err), "the header names no postcode, latitude and longitude")
	assert.ErrorContains(t, err, "pcds")
}

// A service imported through an organization document keeps its
// organization, which ORUK's organization_full leaves implied.
func TestImportedOrganizationKeepsItsServices(t *testing.T) {
	e := hosttest.New(t)
	doc, err := os.ReadFile(filepath.Join("..", "..", "directory", "testdata", "oruk", "examples", "organization_full.json"))
	require.NoError(t, err)
	require.NotContains(t, string(doc), `"organization_id"`, "the official example leaves it implied")
	_, err = e.Svc.ImportORUK(t.Context(), as(referral.RoleAdmin), doc, nil)
	require.NoError(t, err)
	const org, svc = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "ac148810-d857-441c-9679-408f346de14b"
	got, err := e.Svc.ORUKService(t.Context(), svc)
	require.NoError(t, err)
	assert.Equal(t, org, got.OrganizationID)
	pg, err := e.Svc.ORUKServices(t.Context(), host.ORUKQuery{OrganizationID: org})
	require.NoError(t, err)
	require.Len(t, pg.Contents, 1)
	assert.Equal(t, svc, pg.Contents[0].ID)
}

func fieldPaths(err error) []string {
	var out []string
	for _, f := range socialrx.ErrorFields(err) {
		out = append(out, f.Path)
	}
	return out
}
