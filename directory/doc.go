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
// The main flow, run as the package's Example (example_test.go): decode a
// feed with [DecodeServicePage] (one ORUK 3.0 service_list page, with the
// services it left out and why) or [DecodeFeed] (a page, service or
// organization of ORUK 3.0 or 1.x, with what 1.x could not carry); build an
// [Index] with [NewIndex]; [Index.Search] it as a directory does,
// [Index.Match] services to one [Person] (ranked, each rank explained in
// words); keep it current with [Index.Put]; ask [Index.Unverified] whom to
// ask to confirm their entry and [Index.Gaps] which needs no active service
// meets; write services back out as ORUK with [EncodeService].
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
