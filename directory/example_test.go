package directory_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

// A council's ORUK feed: a page of its service_list, with the socialrx
// extensions its link workers keep ("socialrx": welcome, capacity, checks).
const feed = `{
  "total_items": 4, "total_pages": 1, "page_number": 1, "size": 4,
  "first_page": true, "last_page": true, "empty": false,
  "contents": [
    {
      "id": "0b6c1b84-4e1f-4f3c-9a51-6a8d2f1e7c01",
      "name": "Headingley Community Garden",
      "description": "Grow vegetables with neighbours. No experience needed.",
      "status": "active",
      "schedules": [{"id": "5d0b3a4e-8f59-4a57-8c1e-2f0d6b1c9e11", "freq": "WEEKLY", "byday": "TU",
        "opens_at": "10:00", "closes_at": "12:00"}],
      "service_at_locations": [{"id": "a3c1f2d4-1b2c-4d5e-8f90-1a2b3c4d5e21",
        "location": {"id": "c2d3e4f5-2a3b-4c5d-9e0f-2b3c4d5e6f31", "location_type": "physical",
          "latitude": 53.8262, "longitude": -1.579,
          "accessibility": [{"id": "d4e5f6a7-3b4c-4d5e-8f01-3c4d5e6f7a41", "description": "Step-free paths"}]}}],
      "cost_options": [{"id": "e5f6a7b8-4c5d-4e6f-9a12-4d5e6f7a8b51", "amount": 0}],
      "socialrx": {"welcome": "open", "needs": ["loneliness_isolation"],
        "capacity": {"available": 4, "updated": "2026-03-01T09:00:00Z"},
        "last_verified": {"date": "2026-02-17", "by": "Priya, link worker"}}
    },
    {
      "id": "1c7d2c95-5f20-4a4d-8b62-7b9e3f2a8d02",
      "name": "Hyde Park Gardening Club",
      "status": "active",
      "schedules": [{"id": "6e1c4b5f-9a60-4b68-9d2f-3a1e7c2d0f12", "freq": "WEEKLY", "byday": "TH",
        "opens_at": "14:00", "closes_at": "16:00"}],
      "service_at_locations": [{"id": "b4d2a3e5-2c3d-4e5f-9a01-2b3c4d5e6f22",
        "location": {"id": "d3e4f5a6-3b4c-4d5e-8f10-3c4d5e6f7a32", "location_type": "physical",
          "latitude": 53.814, "longitude": -1.566}}],
      "cost_options": [{"id": "f6a7b8c9-5d6e-4f70-8b23-5e6f7a8b9c52", "amount": 3, "amount_description": "per session"}],
      "socialrx": {"welcome": "open", "last_verified": {"date": "2025-07-01", "by": "Sam, link worker"}}
    },
    {
      "id": "2d8e3da6-6031-4b5e-9c73-8caf4a3b9e03",
      "name": "Garden Buddies",
      "status": "active",
      "socialrx": {"welcome": "invitation_only", "needs": ["nature_gardening"]}
    },
    {
      "id": "not-a-uuid",
      "name": "Allotment Society",
      "status": "open"
    }
  ]
}`

// Example imports a council's ORUK feed, searches it, and matches services
// to one person with the reasons in words.
func Example() {
	page, skipped, err := directory.DecodeServicePage([]byte(feed))
	if err != nil {
		panic(err)
	}
	for _, s := range skipped {
		fmt.Println("skipped:", s.Error())
	}
	ix, err := directory.NewIndex(page.Contents...)
	if err != nil {
		panic(err)
	}

	home := directory.Point{Latitude: 53.8190, Longitude: -1.5790} // Headingley
	found, err := ix.Search(directory.Query{Text: "gardening", Near: &home, RadiusKm: 3})
	if err != nil {
		panic(err)
	}
	for _, h := range found.Hits {
		fmt.Printf("found: %s, %.1f km\n", h.Name, *h.DistanceKm)
	}

	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	res, err := ix.Match(directory.Person{
		Needs:    []socialrx.Need{socialrx.NeedNatureGardening, socialrx.NeedLoneliness},
		Barriers: []directory.Barrier{directory.BarrierConfidence},
		Location: &home,
		Preferences: directory.Preferences{
			Available: []directory.Slot{{Day: directory.Tuesday, From: "09:00", To: "13:00"}},
		},
	}, now, directory.MatchOptions{Exclusions: true})
	if err != nil {
		panic(err)
	}
	for _, s := range res.Suggestions {
		fmt.Printf("%s: %s\n", s.Name, strings.Join(s.Reasons, "; "))
	}
	for _, x := range res.Excluded {
		fmt.Printf("left out %s: %s\n", x.Name, strings.Join(x.Reasons, "; "))
	}
	// Output:
	// skipped: service 3 (not-a-uuid): /contents/3/id: 'not-a-uuid' is not valid uuid: must have 5 elements; /contents/3/status: value must be one of 'active', 'inactive', 'defunct', 'temporarily closed'
	// found: Headingley Community Garden, 0.8 km
	// found: Hyde Park Gardening Club, 1.0 km
	// Headingley Community Garden: meets: Nature and gardening, Loneliness and isolation; free; 12 minutes' walk; runs Tuesdays when you are free; open group, welcomes newcomers; has space (4 places); checked 3 weeks ago
	// Hyde Park Gardening Club: meets: Nature and gardening; costs £3 per session; 15 minutes' walk; runs Thursdays, not when you are free; open group, welcomes newcomers; not checked for 8 months: ask them to confirm
	// left out Garden Buddies: invitation only
}
