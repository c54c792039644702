// Package socialrx holds the shared vocabulary of the socialrx library: the
// error type and its codes, the need codes that referrals, plans, the
// directory and outcome reports all speak, and small value types such as
// [Date].
//
// The domain lives in subpackages, each pure Go with no I/O:
//
//   - referral: people, referrals, consent, the referral lifecycle,
//     signposting and onward referrals to partner services;
//   - plan: complexity triage, personalised plans, contacts and caseload;
//   - directory: an Open Referral UK directory with search and matching;
//   - outcomes: instruments, measurements and aggregate reports.
//
// I/O lives under plugins/: storage, clinical systems and messaging as
// gRPC plugins, and the reference HTTP host.
package socialrx
