package directory

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/socialrx/socialrx"
)

// Index is an in-memory index of services for search and matching. Put and
// Remove change one service without rebuilding the rest. Search, Match and
// the other readers may run at the same time as each other, but not with
// Put or Remove; guard the index with a sync.RWMutex to share it.
type Index struct {
	docs  []*doc // by slot; nil when free
	free  []int32
	byID  map[string]int32
	posts map[string]*postings // text terms and "\x00" keys for needs and taxonomy terms
	cells map[cellKey]*postings
}

// postings is a sorted list of slots, each with the fields (name, taxonomy,
// text) a term occurs in: slot<<fieldBits | fields.
type postings struct {
	key string
	ids []uint32
}

func (p *postings) search(slot int32) (int, bool) {
	ids := p.ids
	i := sort.Search(len(ids), func(i int) bool { return int32(ids[i]>>fieldBits) >= slot })
	return i, i < len(ids) && int32(ids[i]>>fieldBits) == slot
}

// fields returns the fields slot's posting holds, or 0 when it has none.
func (p *postings) fields(slot int32) uint32 {
	if i, ok := p.search(slot); ok {
		return p.ids[i] & (1<<fieldBits - 1)
	}
	return 0
}

func (p *postings) add(slot int32, fields uint32) {
	v := uint32(slot)<<fieldBits | fields
	if n := len(p.ids); n == 0 || int32(p.ids[n-1]>>fieldBits) < slot {
		p.ids = append(p.ids, v)
		return
	}
	i, ok := p.search(slot)
	if ok {
		p.ids[i] |= fields
		return
	}
	p.ids = slices.Insert(p.ids, i, v)
}

func (p *postings) remove(slot int32) {
	if i, ok := p.search(slot); ok {
		p.ids = slices.Delete(p.ids, i, i+1)
	}
}

// Keys of the postings that are not text terms.
const (
	needKey     = "\x00n:"
	termKey     = "\x00t:"
	onlineKey   = "\x00m:online"
	unplacedKey = "\x00m:unplaced"
)

// NewIndex indexes services. It returns [socialrx.CodeInvalid] when one
// breaks a rule of [Service.Check] (paths start with the service's
// position, "/3/id") or two share an id; the index is then not built.
func NewIndex(services ...Service) (*Index, error) {
	var errs []socialrx.FieldError
	seen := make(map[string]int, len(services))
	for i := range services {
		p := "/" + strconv.Itoa(i)
		errs = append(errs, socialrx.Prefix(p, services[i].Check())...)
		if j, dup := seen[services[i].ID]; dup {
			errs = append(errs, socialrx.Field(p+"/id", "duplicate id: service %d has it too", j))
		}
		seen[services[i].ID] = i
	}
	if err := socialrx.Invalid(errs...); err != nil {
		return nil, err
	}
	ix := &Index{
		docs:  make([]*doc, 0, len(services)),
		byID:  make(map[string]int32, len(services)),
		posts: make(map[string]*postings),
		cells: make(map[cellKey]*postings),
	}
	for i := range services {
		ix.insert(services[i].Clone())
	}
	return ix, nil
}

// Len returns the number of services in the index.
func (ix *Index) Len() int { return len(ix.byID) }

// Put adds a service, or replaces the one with the same id, updating only
// that service's entries. The index keeps its own copy. It returns
// [socialrx.CodeInvalid] when s breaks a rule of [Service.Check], and then
// changes nothing.
func (ix *Index) Put(s Service) error {
	if err := s.Check(); err != nil {
		return err
	}
	s = s.Clone()
	if slot, ok := ix.byID[s.ID]; ok {
		ix.unlink(ix.docs[slot])
		d := derive(s)
		d.slot = slot
		ix.docs[slot] = d
		ix.link(d)
		return nil
	}
	ix.insert(s)
	return nil
}

// Remove takes a service out of the index. It returns
// [socialrx.CodeNotFound] when no service has the id.
func (ix *Index) Remove(id string) error {
	slot, ok := ix.byID[id]
	if !ok {
		return socialrx.Errorf(socialrx.CodeNotFound, "no service %q in the directory", id)
	}
	ix.unlink(ix.docs[slot])
	ix.docs[slot] = nil
	delete(ix.byID, id)
	ix.free = append(ix.free, slot)
	return nil
}

// Get returns a copy of the service with the id. It returns
// [socialrx.CodeNotFound] when there is none.
func (ix *Index) Get(id string) (Service, error) {
	slot, ok := ix.byID[id]
	if !ok {
		return Service{}, socialrx.Errorf(socialrx.CodeNotFound, "no service %q in the directory", id)
	}
	return ix.docs[slot].svc.Clone(), nil
}

func (ix *Index) insert(s Service) {
	d := derive(s)
	if n := len(ix.free); n > 0 {
		d.slot = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.docs[d.slot] = d
	} else {
		d.slot = int32(len(ix.docs))
		ix.docs = append(ix.docs, d)
	}
	ix.byID[s.ID] = d.slot
	ix.link(d)
}

// keys returns the postings keys of a doc with the fields each occurs in.
func (d *doc) keys() map[string]uint32 {
	s := &d.svc
	m := make(map[string]uint32, 64)
	add := func(text string, field uint32) {
		for _, t := range terms(text) {
			m[t] |= field
		}
	}
	add(s.Name, fieldName)
	add(s.Description, fieldText)
	if s.Organization != nil {
		add(s.Organization.Name, fieldText)
	}
	for _, t := range s.taxonomyTerms() {
		add(t.Name, fieldTaxonomy)
		add(t.Term, fieldTaxonomy)
		for _, v := range []string{t.ID, t.Name, t.Term} {
			if v = lower(v); v != "" {
				m[termKey+v] = 0
			}
		}
	}
	for i, n := range needList {
		if d.needs&(1<<uint(i)) != 0 {
			m[needKey+string(n.Code)] = 0
		}
	}
	if d.flags&flagOnline != 0 {
		m[onlineKey] = 0
	}
	if len(d.points) == 0 {
		m[unplacedKey] = 0
	}
	return m
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (ix *Index) link(d *doc) {
	keys := d.keys()
	d.lists = make([]*postings, 0, len(keys))
	for k, f := range keys {
		p := ix.posts[k]
		if p == nil {
			p = &postings{key: k}
			ix.posts[k] = p
		}
		p.add(d.slot, f)
		d.lists = append(d.lists, p)
	}
	for _, c := range d.cells {
		p := ix.cells[c]
		if p == nil {
			p = &postings{}
			ix.cells[c] = p
		}
		p.add(d.slot, 0)
	}
}

func (ix *Index) unlink(d *doc) {
	for _, p := range d.lists {
		p.remove(d.slot)
		if len(p.ids) == 0 {
			delete(ix.posts, p.key)
		}
	}
	d.lists = nil
	for _, c := range d.cells {
		if p := ix.cells[c]; p != nil {
			p.remove(d.slot)
			if len(p.ids) == 0 {
				delete(ix.cells, c)
			}
		}
	}
}

// hit is a search result before paging.
type hit struct {
	d     *doc
	score float64
	hav   float64 // -1: no distance
}

// Search finds services by text, filters and distance, one page at a time.
// It returns [socialrx.CodeInvalid] naming each bad query field (an unknown
// need or enum value, a malformed time, a radius without a point, a page
// size over 100 …).
func (ix *Index) Search(q Query) (SearchResult, error) {
	errs, p := q.check()
	for i, t := range q.TaxonomyTerms {
		if lower(t) == "" {
			errs = append(errs, socialrx.Field("/taxonomy_terms/"+strconv.Itoa(i), "must not be blank"))
		}
	}
	if err := socialrx.Invalid(errs...); err != nil {
		return SearchResult{}, err
	}
	page, per := max(q.Page, 1), q.PerPage
	if per == 0 {
		per = 20
	}
	res := SearchResult{PageNumber: page, PerPage: per, Hits: []Hit{}}

	// Text terms: each must occur; rarer terms weigh more.
	var text []*postings
	var idf []float64
	seen := map[string]bool{}
	for _, t := range terms(q.Text) {
		if seen[t] {
			continue
		}
		seen[t] = true
		pl := ix.posts[t]
		if pl == nil {
			return res, nil
		}
		text = append(text, pl)
		idf = append(idf, math.Log(1+float64(ix.Len())/float64(len(pl.ids))))
	}
	var taxa []*postings
	for _, t := range q.TaxonomyTerms {
		if pl := ix.posts[termKey+lower(t)]; pl != nil {
			taxa = append(taxa, pl)
		}
	}
	if len(q.TaxonomyTerms) > 0 && len(taxa) == 0 {
		return res, nil
	}

	var hits []hit
	ix.candidates(text, taxa, &p, q.Needs, func(d *doc) {
		score := 0.0
		for i, pl := range text {
			f := pl.fields(d.slot)
			if f == 0 {
				return
			}
			score += idf[i] * fieldWeight(f)
		}
		if len(taxa) > 0 && !anyHas(taxa, d.slot) {
			return
		}
		ok, hav := p.keep(d)
		if !ok {
			return
		}
		hits = append(hits, hit{d: d, score: score, hav: hav})
	})

	res.TotalItems = len(hits)
	res.TotalPages = (len(hits) + per - 1) / per
	lo := (page - 1) * per
	if lo >= len(hits) {
		return res, nil
	}
	hi := min(lo+per, len(hits))
	top(hits, hi, compareHits)
	for _, h := range hits[lo:hi] {
		out := Hit{ID: h.d.svc.ID, Name: h.d.svc.Name, Score: math.Round(h.score*1000) / 1000}
		if h.hav >= 0 {
			km := math.Round(kmOf(h.hav)*100) / 100
			out.DistanceKm = &km
		}
		res.Hits = append(res.Hits, out)
	}
	return res, nil
}

func fieldWeight(f uint32) float64 {
	w := 0.0
	if f&fieldName != 0 {
		w += 3
	}
	if f&fieldTaxonomy != 0 {
		w += 2
	}
	if f&fieldText != 0 {
		w++
	}
	return w
}

func anyHas(ls []*postings, slot int32) bool {
	for _, l := range ls {
		if _, ok := l.search(slot); ok {
			return true
		}
	}
	return false
}

// compareHits orders by score (high first), then distance (near first,
// unknown last), then name and id.
func compareHits(a, b hit) int {
	if c := cmp.Compare(b.score, a.score); c != 0 {
		return c
	}
	if c := compareHav(a.hav, b.hav); c != 0 {
		return c
	}
	if c := strings.Compare(a.d.nameKey, b.d.nameKey); c != 0 {
		return c
	}
	return strings.Compare(a.d.svc.ID, b.d.svc.ID)
}

func compareHav(a, b float64) int {
	switch {
	case a == b:
		return 0
	case a < 0:
		return 1
	case b < 0:
		return -1
	}
	return cmp.Compare(a, b)
}

// candidates calls f once for each doc that may match, reading the
// smallest of the text, taxonomy, need and grid lists, or every doc.
func (ix *Index) candidates(text, taxa []*postings, p *prepared, needs []socialrx.Need, f func(*doc)) {
	best := len(ix.docs)
	var lists []*postings
	consider := func(ls []*postings) {
		n := 0
		for _, l := range ls {
			n += len(l.ids)
		}
		if len(ls) > 0 && n < best {
			best, lists = n, ls
		}
	}
	for _, t := range text {
		consider([]*postings{t})
	}
	consider(taxa)
	if len(needs) > 0 {
		var ls []*postings
		for _, n := range needs {
			if l := ix.posts[needKey+string(n)]; l != nil {
				ls = append(ls, l)
			}
		}
		if len(ls) == 0 {
			return
		}
		consider(ls)
	}
	if p.havMax > 0 {
		if ls, ok := ix.gridLists(p); ok {
			if l := ix.posts[onlineKey]; p.online && l != nil {
				ls = append(ls, l)
			}
			if l := ix.posts[unplacedKey]; p.unplaced && l != nil {
				ls = append(ls, l)
			}
			if len(ls) == 0 {
				return
			}
			consider(ls)
		}
	}
	if lists == nil {
		for _, d := range ix.docs {
			if d != nil {
				f(d)
			}
		}
		return
	}
	if len(lists) == 1 {
		for _, v := range lists[0].ids {
			f(ix.docs[v>>fieldBits])
		}
		return
	}
	slots := make([]int32, 0, best)
	for _, l := range lists {
		for _, v := range l.ids {
			slots = append(slots, int32(v>>fieldBits))
		}
	}
	slices.Sort(slots)
	for i, s := range slots {
		if i == 0 || s != slots[i-1] {
			f(ix.docs[s])
		}
	}
}

// gridLists returns the grid cells around the query point.
func (ix *Index) gridLists(p *prepared) ([]*postings, bool) {
	y0, y1, x0, x1, ok := cellRange(p.point, kmOf(p.havMax))
	if !ok {
		return nil, false
	}
	var ls []*postings
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			if l := ix.cells[keyOf(y, x)]; l != nil {
				ls = append(ls, l)
			}
		}
	}
	return ls, true
}

// top puts the first k elements of s, in order, at its front: a heap
// selection, so a broad query does not sort every hit.
func top[T any](s []T, k int, cmp func(a, b T) int) {
	if k >= len(s)/4 {
		slices.SortFunc(s, cmp)
		return
	}
	// Max-heap of the k best so far, worst at the root.
	h := s[:k]
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= k {
				return
			}
			if r := l + 1; r < k && cmp(h[r], h[l]) > 0 {
				l = r
			}
			if cmp(h[l], h[i]) <= 0 {
				return
			}
			h[i], h[l] = h[l], h[i]
			i = l
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := k; i < len(s); i++ {
		if cmp(s[i], h[0]) < 0 {
			h[0], s[i] = s[i], h[0]
			down(0)
		}
	}
	slices.SortFunc(h, cmp)
}

// Page returns a search result as an ORUK service_list page, the services
// in full (EncodeServicePage writes them in list form).
func (ix *Index) Page(r SearchResult) ServicePage {
	p := ServicePage{
		TotalItems: r.TotalItems, TotalPages: r.TotalPages, PageNumber: r.PageNumber,
		Size: len(r.Hits), FirstPage: r.PageNumber <= 1, LastPage: r.PageNumber >= r.TotalPages,
		Empty: r.TotalItems == 0, Contents: make([]Service, 0, len(r.Hits)),
	}
	for _, h := range r.Hits {
		if s, err := ix.Get(h.ID); err == nil {
			p.Contents = append(p.Contents, s)
		}
	}
	return p
}
