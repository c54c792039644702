// Package directory is a directory of community assets in the shape of
// Open Referral UK 3.0 (ORUK, the UK profile of HSDS 3.0).
package directory
