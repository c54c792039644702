package outcomes

import (
	"strconv"

	"github.com/socialrx/socialrx"
)

// Registry holds the instruments measurements may use, by id and version.
// It is immutable once built, so one Registry may be shared by goroutines.
type Registry struct {
	list  []*entry
	byKey map[regKey]*entry
}

// entry caches what scoring needs from an instrument.
type entry struct {
	idx       int
	inst      Instrument
	id, ver   string
	items     []Item
	scales    []Scale
	itemIndex map[string]int
}

type regKey struct{ id, version string }

func key(id, version string) regKey { return regKey{id, version} }

// NewRegistry returns a registry of the instruments, checking that each
// declares well-formed items and scales. Codes: invalid (paths
// "/<instrument index>/items/..."), conflict (an id and version given twice).
func NewRegistry(instruments ...Instrument) (*Registry, error) {
	r := &Registry{byKey: make(map[regKey]*entry, len(instruments))}
	var fs []socialrx.FieldError
	for i, in := range instruments {
		p := "/" + strconv.Itoa(i)
		if in == nil {
			fs = append(fs, socialrx.Field(p, "instrument is nil"))
			continue
		}
		e := &entry{idx: len(r.list), inst: in, id: in.ID(), ver: in.Version(), items: in.Items(), scales: in.Scales()}
		fs = append(fs, checkCode(p+"/id", e.id)...)
		if e.ver == "" {
			fs = append(fs, socialrx.Field(p+"/version", "required"))
		}
		fs = append(fs, socialrx.Prefix(p, socialrx.Invalid(checkShape(e.items, e.scales)...))...)
		e.itemIndex = make(map[string]int, len(e.items))
		for j, it := range e.items {
			e.itemIndex[it.ID] = j
		}
		if _, dup := r.byKey[key(e.id, e.ver)]; dup {
			return nil, socialrx.Errorf(socialrx.CodeConflict, "instrument %s version %s is registered twice", e.id, e.ver)
		}
		r.byKey[key(e.id, e.ver)] = e
		r.list = append(r.list, e)
	}
	if err := socialrx.Invalid(fs...); err != nil {
		return nil, err
	}
	return r, nil
}

// DefaultRegistry returns a new registry of the [Builtins].
func DefaultRegistry() *Registry {
	r, err := NewRegistry(Builtins()...)
	if err != nil {
		panic(err) // the built-ins are tested to be well formed
	}
	return r
}

// Lookup returns the instrument with the id and version. Codes: not_found.
func (r *Registry) Lookup(id, version string) (Instrument, error) {
	e, ok := r.byKey[key(id, version)]
	if !ok {
		return nil, socialrx.Errorf(socialrx.CodeNotFound, "no instrument %s version %s", id, version)
	}
	return e.inst, nil
}

// Instruments returns the registered instruments in registration order.
func (r *Registry) Instruments() []Instrument {
	out := make([]Instrument, len(r.list))
	for i, e := range r.list {
		out[i] = e.inst
	}
	return out
}
