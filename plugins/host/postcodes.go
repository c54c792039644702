package host

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins"
	"github.com/socialrx/socialrx/referral"
)

// PostcodePoint is a postcode's centroid, as stored: a document of kind
// postcode whose id is the normalised postcode ("SE1P 5ZZ").
type PostcodePoint struct {
	// Postcode is the postcode in its normal form.
	Postcode string `json:"postcode"`
	directory.Point
}

// Postcode returns the centroid of a UK postcode from the postcodes
// loaded by ImportPostcodes. Codes: invalid (not a postcode, or one not
// loaded: the field is "/postcode"), unavailable.
func (s *Service) Postcode(ctx context.Context, postcode string) (PostcodePoint, error) {
	pc, ok := directory.NormalizePostcode(postcode)
	if !ok {
		return PostcodePoint{}, socialrx.Invalid(socialrx.Field("/postcode", "%q is not a UK postcode such as \"SE1P 5ZZ\"", postcode))
	}
	d, err := s.o.Store.Get(ctx, plugins.KindPostcode, pc)
	if socialrx.ErrorCode(err) == socialrx.CodeNotFound {
		return PostcodePoint{}, socialrx.Invalid(socialrx.Field("/postcode", "no coordinates are known for postcode %q: load the ONS Postcode Directory with `socialrx import postcodes`", pc))
	}
	if err != nil {
		return PostcodePoint{}, err
	}
	var pt PostcodePoint
	if err := s.decodeDoc(d, &pt); err != nil {
		return PostcodePoint{}, socialrx.Errorf(socialrx.CodeInternal, "stored postcode %s: %v", pc, err)
	}
	return pt, nil
}

// PostcodeReport says what ImportPostcodes stored and what it left out.
type PostcodeReport struct {
	// Imported counts the postcodes stored (created, updated or unchanged).
	Imported int `json:"imported"`
	// NoCoordinates counts rows without coordinates (the ONS Postcode
	// Directory gives 99.999999, 0 for postcodes it cannot place).
	NoCoordinates int `json:"no_coordinates"`
	// Bad lists the rows left out for a malformed postcode or coordinate,
	// the first MaxPostcodeErrors of them.
	Bad []socialrx.FieldError `json:"bad,omitempty"`
	// BadRows counts all the rows left out as bad.
	BadRows int `json:"bad_rows"`
}

// MaxPostcodeErrors is the most bad rows a PostcodeReport lists.
const MaxPostcodeErrors = 100

// The column names ImportPostcodes reads, in order of preference: those
// of the ONS Postcode Directory (pcds, lat, long) and plainer ones.
var (
	postcodeColumns  = []string{"pcds", "postcode", "pcd", "pcd2", "postcode_district"}
	latitudeColumns  = []string{"lat", "latitude"}
	longitudeColumns = []string{"long", "longitude", "lng", "lon"}
)

// ImportPostcodes loads postcodes and their centroids from CSV: the ONS
// Postcode Directory (ONSPD) as published, or any CSV with a header row
// naming a postcode column (pcds, postcode or pcd) and latitude (lat,
// latitude) and longitude (long, longitude, lng, lon) columns. Each
// postcode is stored as a document of kind postcode under its normalised
// form, replacing what was stored for it; rows without coordinates are
// counted and left out, as are malformed rows (reported by line).
// progress, if not nil, is called with the rows read so far. Only admins
// may import. Codes: forbidden, invalid (no header with those columns, or
// not CSV), unavailable.
func (s *Service) ImportPostcodes(ctx context.Context, p Principal, r io.Reader, progress func(rows int)) (PostcodeReport, error) {
	var rep PostcodeReport
	if err := forbid(p, "import postcodes", referral.RoleAdmin, referral.RoleSystem); err != nil {
		return rep, err
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return rep, socialrx.Invalid(socialrx.Field("/1", "no CSV header row: %v", err))
	}
	col := func(names []string) int {
		for _, n := range names {
			if i := slices.IndexFunc(head, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), n) }); i >= 0 {
				return i
			}
		}
		return -1
	}
	pcCol, latCol, lonCol := col(postcodeColumns[:4]), col(latitudeColumns), col(longitudeColumns)
	if pcCol < 0 || latCol < 0 || lonCol < 0 {
		return rep, socialrx.Invalid(socialrx.Field("/1", "the header must name a postcode column (pcds, postcode or pcd), a latitude column (lat or latitude) and a longitude column (long, longitude, lng or lon); it has %s", strings.Join(head, ",")))
	}
	bad := func(line int, rule string, args ...any) {
		rep.BadRows++
		if len(rep.Bad) < MaxPostcodeErrors {
			rep.Bad = append(rep.Bad, socialrx.Field("/"+strconv.Itoa(line), rule, args...))
		}
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
				return rep, socialrx.Invalid(socialrx.Field("/"+strconv.Itoa(pe.Line), "not CSV: %v", pe.Err))
			}
			return rep, socialrx.Invalid(socialrx.Field("/"+strconv.Itoa(line), "%v", err))
		}
		if progress != nil {
			progress(line - 1)
		}
		if max(pcCol, latCol, lonCol) >= len(rec) {
			bad(line, "has %d fields; the header has %d", len(rec), len(head))
			continue
		}
		pc, ok := directory.NormalizePostcode(rec[pcCol])
		if !ok {
			bad(line, "%q is not a UK postcode", rec[pcCol])
			continue
		}
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(rec[latCol]), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(rec[lonCol]), 64)
		switch {
		case strings.TrimSpace(rec[latCol]) == "" || lat == 99.999999:
			rep.NoCoordinates++
			continue
		case err1 != nil || err2 != nil || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180):
			bad(line, "%s: latitude %q and longitude %q must be WGS 84 degrees", pc, rec[latCol], rec[lonCol])
			continue
		}
		pt := PostcodePoint{Postcode: pc, Point: directory.Point{Latitude: lat, Longitude: lon}}
		if err := s.upsert(ctx, p, plugins.Document{Kind: plugins.KindPostcode, ID: pc, Data: s.encode(plugins.KindPostcode, pt)}); err != nil {
			return rep, fmt.Errorf("line %d, %s: %w", line, pc, err)
		}
		rep.Imported++
	}
	return rep, nil
}
