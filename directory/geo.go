package directory

import (
	"math"

	"github.com/socialrx/socialrx"
)

// Point is a place on the earth, WGS 84 degrees.
type Point struct {
	// Latitude is in degrees, -90 to 90.
	Latitude float64 `json:"latitude" jsonschema:"minimum=-90,maximum=90"`
	// Longitude is in degrees, -180 to 180.
	Longitude float64 `json:"longitude" jsonschema:"minimum=-180,maximum=180"`
}

func (p Point) check(path string) []socialrx.FieldError {
	var out []socialrx.FieldError
	if !(p.Latitude >= -90 && p.Latitude <= 90) {
		out = append(out, socialrx.Field(path+"/latitude", "must be between -90 and 90"))
	}
	if !(p.Longitude >= -180 && p.Longitude <= 180) {
		out = append(out, socialrx.Field(path+"/longitude", "must be between -180 and 180"))
	}
	return out
}

const earthKm = 6371.0088

// geo is a point prepared for fast distance tests: radians and the
// cosine of the latitude, as float32 (under a metre of error) so that a
// location fits in the packed part of the index.
type geo struct {
	lat, lon, cosLat float32
}

func newGeo(p Point) geo {
	lat := float32(p.Latitude * math.Pi / 180)
	return geo{lat: lat, lon: float32(p.Longitude * math.Pi / 180), cosLat: float32(math.Cos(float64(lat)))}
}

// hav returns the haversine of the central angle between g and h; it
// grows with distance, so comparing it with havOf(km) avoids the arcsine.
func (g geo) hav(h geo) float64 {
	sl := math.Sin(float64(h.lat-g.lat) / 2)
	so := math.Sin(float64(h.lon-g.lon) / 2)
	return sl*sl + float64(g.cosLat)*float64(h.cosLat)*so*so
}

func havOf(km float64) float64 {
	s := math.Sin(km / earthKm / 2)
	return s * s
}

func kmOf(hav float64) float64 {
	return 2 * earthKm * math.Asin(math.Sqrt(math.Min(1, hav)))
}

// The grid buckets locations in cells of about 1.1 km north-south (and
// 0.7 to 1.1 km east-west in Britain), so a radius search reads a few
// cells instead of every service.
const (
	cellLat = 0.01
	cellLon = 0.015
)

type cellKey uint64

func cellOf(lat, lon float64) (int32, int32) {
	return int32(math.Floor(lat / cellLat)), int32(math.Floor(lon / cellLon))
}

func keyOf(y, x int32) cellKey { return cellKey(uint64(uint32(y))<<32 | uint64(uint32(x))) }

// cellRange returns the cells of the box around p that holds every point
// within km, and false when the box is too big to be worth reading.
func cellRange(p Point, km float64) (y0, y1, x0, x1 int32, ok bool) {
	dLat := km / 111.2
	cos := math.Cos(p.Latitude * math.Pi / 180)
	if cos < 0.01 || p.Latitude+dLat > 89 || p.Latitude-dLat < -89 {
		return 0, 0, 0, 0, false
	}
	dLon := km / (111.32 * cos)
	if dLon >= 90 || p.Longitude-dLon < -180 || p.Longitude+dLon > 180 {
		return 0, 0, 0, 0, false
	}
	y0, x0 = cellOf(p.Latitude-dLat, p.Longitude-dLon)
	y1, x1 = cellOf(p.Latitude+dLat, p.Longitude+dLon)
	if int64(y1-y0+1)*int64(x1-x0+1) > 4096 {
		return 0, 0, 0, 0, false
	}
	return y0, y1, x0, x1, true
}
