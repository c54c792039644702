// Package directory is a directory of community assets in the shape of
// Open Referral UK 3.0 (ORUK, the UK profile of HSDS 3.0), with search,
// matching to one person, freshness checks and gaps for commissioners.
//
// The model follows ORUK's field names, enums and required fields:
// [Service] (service_full), [Organization], [ServiceAtLocation],
// [Location], [Schedule], [CostOption], [Contact], [Phone], [Language],
// [Accessibility], [ServiceArea], [Attribute] and [TaxonomyTerm]. What
// ORUK lacks and link workers know travels as clearly named extensions in
// the "socialrx" member of a service ([Extensions]): welcome (open or
// invitation only), complex needs, capacity (as HSDS 3.1's
// service_capacity), when and by whom the entry was last verified, next
// steps, link workers' notes and ratings, and the five ways to wellbeing.
//
// The main flow:
//
//	page, skipped, err := directory.DecodeServicePage(feed) // an ORUK service_list page
//	// skipped says which services were left out and why
//	f, err := directory.DecodeFeed(doc, "") // a page, service or organization of ORUK 3.0 or 1.x:
//	// f.Services (1.x converted), f.Skipped, f.EnvelopeProblems, f.Conversion (what 1.x could not carry)
//	ix, err := directory.NewIndex(page.Contents...)
//	res, err := ix.Search(directory.Query{Text: "gardening", Near: &home, RadiusKm: 3, FreeOnly: true})
//	m, err := ix.Match(directory.Person{Needs: needs, Barriers: barriers, Location: &home}, now,
//		directory.MatchOptions{Exclusions: true}) // ranked, each rank explained in words
//	err = ix.Put(changed)                         // updates one service in place
//	stale, err := ix.Unverified(now, 180)         // whom to ask to confirm their entry
//	gaps, err := ix.Gaps(demand)                  // needs with no active service in an area
//	doc, err := directory.EncodeService(s)        // back out as ORUK
//
// Decoding refuses bad documents with every failing field named as a JSON
// pointer (a [socialrx.Error] with code invalid): the official ORUK schema's
// checks (formats, enums, required fields) and ours (schedules, ages,
// amounts, unique ids, extensions) agree, and the tests check exports
// against the official compiled schemas. Feeds of the first Open Referral
// UK version (1.x), which most live UK feeds still publish, are read by
// [DecodeFeed] and converted (see oruk1.go for the mapping), with every
// problem named at its pointer in the document as given. The package is
// pure: no I/O, no goroutines, no clock; times come in as arguments.
package directory
