package httpapi

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plan"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/referral"
)

// TestComponentNamesCollideLoudly shows the generator refuses two distinct
// Go types under one component name (as naming by bare type name would do
// with plan.Contact and directory.Contact) instead of merging them.
func TestComponentNamesCollideLoudly(t *testing.T) {
	routes := []route{
		{Method: "POST", Path: "/a", Body: plan.Contact{}, Response: directory.Service{}},
		{Method: "POST", Path: "/b", Body: host.StatusChange{}, Response: plan.Plan{}},
	}
	bare := func(t reflect.Type) string { return t.Name() }
	_, err := openAPI(routes, bare, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `plan.Contact and directory.Contact are both named "Contact"`)
	assert.Contains(t, err.Error(), `are both named "StatusChange"`)

	_, err = openAPI(routes, componentNamer(routes), "")
	require.NoError(t, err)
}

func TestComponentNamer(t *testing.T) {
	routes := []route{{Body: plan.Contact{}, Response: List[referral.Referral]{}}, {Body: directory.Contact{}, Response: host.ORUKPage[directory.Contact]{}}}
	name := componentNamer(routes)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{plan.Contact{}, "plan.Contact"},
		{directory.Contact{}, "directory.Contact"},
		{referral.Referral{}, "Referral"},
		{List[referral.Referral]{}, "List_Referral"},
		{host.ORUKPage[directory.Contact]{}, "ORUKPage_directory.Contact"},
		{[]referral.Referral{}, ""},
		{Problem{}, "Problem"},
	} {
		assert.Equal(t, tc.want, name(reflect.TypeOf(tc.v)), "%T", tc.v)
	}
}
