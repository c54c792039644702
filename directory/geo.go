package directory

import (
	"encoding/json"
	"math"
	"strings"

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

// polygon is a GeoJSON polygon: an outer ring and any holes, each a list
// of [longitude, latitude] positions.
type polygon [][][2]float64

// serviceAreas is what the index keeps of a service's areas for Covers:
// the polygons of the GeoJSON extents, and whether the service is open to
// any point (no areas, or an area whose extent cannot be tested).
type serviceAreas struct {
	open     bool
	polygons []polygon
}

func areasOf(as []ServiceArea) serviceAreas {
	if len(as) == 0 {
		return serviceAreas{open: true}
	}
	var out serviceAreas
	for _, a := range as {
		ps, ok := geoJSONPolygons(a)
		if !ok {
			out.open = true
		}
		out.polygons = append(out.polygons, ps...)
	}
	return out
}

// geoJSONPolygons reads the polygons of a service area's extent when it is
// GeoJSON: a Polygon or MultiPolygon, or a Feature or FeatureCollection of
// them. ok is false when the extent is not GeoJSON of these kinds.
func geoJSONPolygons(a ServiceArea) (ps []polygon, ok bool) {
	t := strings.ToLower(strings.TrimSpace(a.ExtentType))
	if a.Extent == "" || t != "" && !strings.Contains(t, "geojson") {
		return nil, false
	}
	var g geoJSON
	if json.Unmarshal([]byte(a.Extent), &g) != nil {
		return nil, false
	}
	return g.polygons()
}

type geoJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometry    *geoJSON        `json:"geometry"`
	Features    []geoJSON       `json:"features"`
}

func (g *geoJSON) polygons() ([]polygon, bool) {
	switch g.Type {
	case "Polygon":
		var p polygon
		return []polygon{p}, json.Unmarshal(g.Coordinates, &p) == nil && len(p) > 0
	case "MultiPolygon":
		var ps []polygon
		return ps, json.Unmarshal(g.Coordinates, &ps) == nil && len(ps) > 0
	case "Feature":
		if g.Geometry == nil {
			return nil, false
		}
		return g.Geometry.polygons()
	case "FeatureCollection":
		var out []polygon
		for i := range g.Features {
			ps, ok := g.Features[i].polygons()
			if !ok {
				return nil, false
			}
			out = append(out, ps...)
		}
		return out, len(out) > 0
	}
	return nil, false
}

// covers reports whether a service with these areas serves p.
func (a *serviceAreas) covers(p Point) bool {
	if a.open {
		return true
	}
	for _, poly := range a.polygons {
		if poly.contains(p) {
			return true
		}
	}
	return false
}

// contains reports whether p is inside the outer ring and outside every
// hole, by ray casting (planar, as GeoJSON positions are).
func (poly polygon) contains(p Point) bool {
	if len(poly) == 0 || !inRing(poly[0], p) {
		return false
	}
	for _, hole := range poly[1:] {
		if inRing(hole, p) {
			return false
		}
	}
	return true
}

func inRing(ring [][2]float64, p Point) bool {
	in := false
	x, y := p.Longitude, p.Latitude
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}
