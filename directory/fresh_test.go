package directory_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

func TestUnverifiedListsWhoToAsk(t *testing.T) {
	ix := mustIndex(t,
		svc(1, "Checked Last Week", checked("2026-03-03")),
		svc(2, "Checked Last Year", checked("2025-03-10"), contact("Ann Persona", "0113 496 0001"), org("Example Trust")),
		svc(3, "Never Checked", contact("Bob", "0113 496 0002")),
		svc(4, "Checked Two Years Ago", checked("2024-03-01")),
		svc(5, "Closed For Good", status(directory.StatusDefunct)),
		svc(6, "Checked 90 Days Ago", checked("2025-12-10")),
	)
	list, err := ix.Unverified(now, 90)
	require.NoError(t, err)
	var got []string
	for _, u := range list {
		got = append(got, u.Name)
	}
	assert.Equal(t, []string{"Never Checked", "Checked Two Years Ago", "Checked Last Year"}, got)
	assert.Equal(t, -1, list[0].DaysSince)
	assert.Nil(t, list[0].LastVerified)
	assert.Equal(t, "Bob", list[0].Contacts[0].Name)
	assert.Equal(t, 365, list[2].DaysSince)
	assert.Equal(t, "Priya", list[2].LastVerified.By)
	assert.Equal(t, "0113 496 0001", list[2].Contacts[0].Phones[0].Number)
	assert.Equal(t, "Example Trust", list[2].Organization)
	assert.Equal(t, "hello@example.org", list[2].OrganizationEmail)

	// The list is a copy.
	list[2].Contacts[0].Name = "Changed"
	again, err := ix.Unverified(now, 90)
	require.NoError(t, err)
	assert.Equal(t, "Ann Persona", again[2].Contacts[0].Name)

	for _, days := range []int{0, -3} {
		_, err = ix.Unverified(now, days)
		assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
		assert.Equal(t, []string{"/days"}, paths(err))
	}
}

func TestGapsForCommissioners(t *testing.T) {
	ix := mustIndex(t,
		svc(1, "Headingley Community Garden", place(near800m[0], near800m[1])),
		svc(2, "Seacroft Debt Advice", postcode("LS14 6AB")),
		svc(3, "Seacroft Food Pantry", postcode("LS14 2XY"), space(0, now)),
		svc(4, "Money Advice Online", online()),
		svc(5, "Armley Bereavement Group", area("Armley and Farnley")),
		svc(6, "Armley Food Bank", area("Armley"), status(directory.StatusInactive)),
	)
	headingley := directory.Area{Name: "Headingley", Center: &home, RadiusKm: 2}
	seacroft := directory.Area{Name: "Seacroft", Postcodes: []string{"ls14"}}
	armley := directory.Area{Name: "Armley"}
	demand := []directory.Demand{
		{Area: headingley, Need: socialrx.NeedNatureGardening, Referrals: 12},
		{Area: headingley, Need: socialrx.NeedDebtMoney, Referrals: 7},
		{Area: seacroft, Need: socialrx.NeedDebtMoney, Referrals: 30},
		{Area: seacroft, Need: socialrx.NeedFood, Referrals: 9},
		{Area: armley, Need: socialrx.NeedBereavement, Referrals: 4},
		{Area: armley, Need: socialrx.NeedFood, Referrals: 9},
	}
	gaps, err := ix.Gaps(demand)
	require.NoError(t, err)
	assert.Equal(t, []directory.Gap{
		{Area: "Armley", Need: socialrx.NeedFood, Referrals: 9},
		{Area: "Seacroft", Need: socialrx.NeedFood, Referrals: 9, Full: 1},
		{Area: "Headingley", Need: socialrx.NeedDebtMoney, Referrals: 7, Online: 1},
	}, gaps)
}

func TestGapsRefuseBadDemand(t *testing.T) {
	ix := mustIndex(t, fixture()...)
	_, err := ix.Gaps([]directory.Demand{
		{Area: directory.Area{Name: " ", RadiusKm: 2}, Need: "joy", Referrals: 0},
		{Area: directory.Area{Name: "Leeds", Center: &directory.Point{Latitude: 53.8, Longitude: -1.5}, Postcodes: []string{"LS6", "6LS"}}, Need: socialrx.NeedFood, Referrals: 2},
		{Area: directory.Area{Name: "leeds"}, Need: socialrx.NeedFood, Referrals: 1},
	})
	require.Error(t, err)
	assert.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err))
	assert.Equal(t, []string{"/0/area/center", "/0/area/name", "/0/need", "/0/referrals", "/1/area/postcodes/1", "/1/area/radius_km", "/2"}, paths(err))
}
