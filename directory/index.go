package directory

import (
	"cmp"
	"math"
	mathbits "math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
)

// Index is an in-memory index of services for search and matching. Put and
// Remove change one service without rebuilding the rest. Search, Match and
// the other readers may run at the same time as each other, but not with
// Put or Remove; guard the index with a sync.RWMutex to share it.
type Index struct {
	docs  []*doc // by slot; nil when free
	hot   []hot  // by slot: what most filters read, packed for speed
	week  []week // by slot: the hours of the week the service runs
	free  []int32
	byID  map[string]int32
	posts map[string]*postings // text terms and "\x00" keys for needs and taxonomy terms
	cells map[cellKey]*postings
}

// hot is the part of a doc that filtering and scoring read, packed in one
// array so that looking at a candidate touches a few bytes, not the doc.
type hot struct {
	needs    uint64
	flags    uint32
	verified int32 // days since 1970-01-01 of the last check; noCheck when never
	// The age range, -1 for no bound.
	minAge, maxAge float32
	stars          float32 // average rating, 0 when none
	// Every schedule holds on the days from validLo to validHi (days since
	// 1970-01-01), so on those days the schedules need not be read.
	validLo, validHi int32
	at               geo   // the first location, when placed
	status           uint8 // bit of the status; 0 for a free slot
	days             uint8 // weekdays any schedule names
	ways             uint8
	bits             uint8 // hotPlaced, hotMulti
}

const (
	hotPlaced = 1 << iota // has coordinates
	hotMulti              // has more than one location with coordinates
)

const noCheck = math.MinInt32

var statusBits = map[Status]uint8{StatusActive: statusActiveBit, StatusInactive: 2, StatusDefunct: 4, StatusTemporarilyClosed: 8}

const statusActiveBit = 1

func hotOf(d *doc) hot {
	h := hot{
		needs: d.needs, flags: d.flags, status: statusBits[d.svc.Status], ways: d.ways,
		minAge: float32(d.minAge), maxAge: float32(d.maxAge), stars: float32(d.stars), verified: noCheck,
		validLo: math.MinInt32 + 1, validHi: math.MaxInt32,
	}
	if !d.verified.IsZero() {
		h.verified = epochDays(d.verified)
	}
	switch {
	case len(d.points) > 1:
		h.bits |= hotPlaced | hotMulti
		h.at = d.points[0]
	case len(d.points) == 1:
		h.bits |= hotPlaced
		h.at = d.points[0]
	}
	for _, ss := range d.sessions {
		h.days |= ss.days
		h.validLo, h.validHi = max(h.validLo, ss.from), min(h.validHi, ss.to)
	}
	return h
}

// epochDays counts the days from 1970-01-01 to d.
func epochDays(d socialrx.Date) int32 { return int32(d.Time().Unix() / 86400) }

// hav returns the haversine from g to slot's nearest location, -1 when it
// has none.
func (ix *Index) hav(slot int32, g geo) float64 {
	h := &ix.hot[slot]
	switch {
	case h.bits&hotPlaced == 0:
		return -1
	case h.bits&hotMulti == 0:
		return g.hav(h.at)
	}
	best := -1.0
	for _, p := range ix.docs[slot].points {
		if v := g.hav(p); best < 0 || v < best {
			best = v
		}
	}
	return best
}

// hasDays reports whether a schedule valid on today names days.
func (ix *Index) hasDays(slot int32, today int32) bool {
	h := &ix.hot[slot]
	if h.days == 0 || today == anyDay || h.validLo <= today && today <= h.validHi {
		return h.days != 0
	}
	return ix.docs[slot].hasDays(today)
}

// week has a bit for each hour of the week (day*24 + hour, Sunday first)
// in which a schedule runs, whatever its validity dates.
type week [3]uint64

func (w *week) set(day time.Weekday, fromHour, toHour int) {
	for h := fromHour; h <= toHour; h++ {
		b := int(day)*24 + h
		w[b/64] |= 1 << (b % 64)
	}
}

func (w *week) meets(v *week) bool { return w[0]&v[0]|w[1]&v[1]|w[2]&v[2] != 0 }

func weekOf(d *doc) week {
	var w week
	for _, ss := range d.sessions {
		from, to := 0, 23
		if ss.opens >= 0 && ss.closes >= 0 {
			from, to = int(ss.opens)/3600, int(ss.closes-1)/3600
		}
		for day := time.Sunday; day <= time.Saturday; day++ {
			if ss.days&(1<<uint(day)) != 0 {
				w.set(day, from, to)
			}
		}
	}
	return w
}

// windows are time windows prepared for the week bits: the hours they
// touch and the hours they cover whole.
type windows struct {
	list         []window
	days         uint8
	touch, whole week
}

func (ws *windows) add(w window) {
	ws.list = append(ws.list, w)
	ws.days |= 1 << uint(w.day)
	ws.touch.set(w.day, int(w.from)/3600, int(w.to-1)/3600)
	for h := int(w.from) / 3600; h <= int(w.to-1)/3600; h++ {
		if int32(h*3600) >= w.from && int32((h+1)*3600) <= w.to {
			ws.whole.set(w.day, h, h)
		}
	}
}

// runsIn reports whether a schedule valid on today overlaps a window. The
// week bits settle most cases: no shared hour means no; a session in an
// hour a window covers whole, with every schedule valid today, means yes.
func (ix *Index) runsIn(slot int32, ws *windows, today int32) bool {
	h := &ix.hot[slot]
	if h.days&ws.days == 0 || !ix.week[slot].meets(&ws.touch) {
		return false
	}
	if (today == anyDay || h.validLo <= today && today <= h.validHi) && ix.week[slot].meets(&ws.whole) {
		return true
	}
	return ix.docs[slot].runsIn(ws.list, today)
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

// add puts slot on the list with fields, or adds fields to its posting;
// it reports whether the posting is new.
func (p *postings) add(slot int32, fields uint32) bool {
	v := uint32(slot)<<fieldBits | fields
	n := len(p.ids)
	switch {
	case n == 0 || int32(p.ids[n-1]>>fieldBits) < slot:
		p.ids = append(p.ids, v)
		return true
	case int32(p.ids[n-1]>>fieldBits) == slot:
		p.ids[n-1] |= fields
		return false
	}
	i, ok := p.search(slot)
	if ok {
		p.ids[i] |= fields
		return false
	}
	p.ids = slices.Insert(p.ids, i, v)
	return true
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
	langKey     = "\x00l:"
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
		hot:   make([]hot, 0, len(services)),
		week:  make([]week, 0, len(services)),
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
		ix.hot[slot], ix.week[slot] = hotOf(d), weekOf(d)
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
	ix.hot[slot], ix.week[slot] = hot{}, week{}
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
		ix.hot[d.slot], ix.week[d.slot] = hotOf(d), weekOf(d)
	} else {
		d.slot = int32(len(ix.docs))
		ix.docs = append(ix.docs, d)
		ix.hot = append(ix.hot, hotOf(d))
		ix.week = append(ix.week, weekOf(d))
	}
	ix.byID[s.ID] = d.slot
	ix.link(d)
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// link puts d on the postings lists of its terms (with the fields each
// occurs in), needs, taxonomy terms and grid cells.
func (ix *Index) link(d *doc) {
	s := &d.svc
	d.lists = make([]*postings, 0, 48)
	addKey := func(k []byte, field uint32) {
		p := ix.posts[string(k)]
		if p == nil {
			key := string(k)
			p = &postings{key: key}
			ix.posts[key] = p
		}
		if p.add(d.slot, field) {
			d.lists = append(d.lists, p)
		}
	}
	var buf []byte
	addText := func(text string, field uint32) {
		buf = eachTerm(text, buf, func(t []byte) { addKey(t, field) })
	}
	addText(s.Name, fieldName)
	addText(s.Description, fieldText)
	if s.Organization != nil {
		addText(s.Organization.Name, fieldText)
	}
	var key []byte
	for _, t := range s.taxonomyTerms() {
		addText(t.Name, fieldTaxonomy)
		addText(t.Term, fieldTaxonomy)
		for _, v := range []string{t.ID, t.Name, t.Term} {
			if v = lower(v); v != "" {
				key = append(append(key[:0], termKey...), v...)
				addKey(key, 0)
			}
		}
	}
	for i, n := range needList {
		if d.needs&(1<<uint(i)) != 0 {
			key = append(append(key[:0], needKey...), n.Code...)
			addKey(key, 0)
		}
	}
	for _, l := range d.langs {
		key = append(append(key[:0], langKey...), l...)
		addKey(key, 0)
	}
	if d.flags&flagOnline != 0 {
		addKey([]byte(onlineKey), 0)
	}
	if len(d.points) == 0 {
		addKey([]byte(unplacedKey), 0)
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
	slot  int32
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
	res := SearchResult{PageNumber: max(q.Page, 1), PerPage: q.PerPage, Hits: []Hit{}}
	if res.PerPage == 0 {
		res.PerPage = 20
	}

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
	// Lists every hit must be on: the text terms, then the language.
	must := text
	if p.lang != "" {
		pl := ix.posts[langKey+p.lang]
		if pl == nil {
			return res, nil
		}
		must = append(must[:len(must):len(must)], pl)
	}
	sources := make([][]*postings, 0, len(must)+3)
	for _, l := range must {
		sources = append(sources, []*postings{l})
	}
	if len(taxa) > 0 {
		sources = append(sources, taxa)
	}

	page, per := res.PageNumber, res.PerPage
	top := best{k: min(page*per, ix.Len())}
	total := 0
	cursors := make([]cursor, len(must))
	for i, pl := range must {
		cursors[i] = cursor{ids: pl.ids}
	}
	ix.candidates(sources, &p, q.Needs, func(slot int32) {
		if !p.pre(&ix.hot[slot]) {
			return
		}
		score := 0.0
		for i := range cursors {
			f, ok := cursors[i].seek(slot)
			if !ok {
				return
			}
			if i < len(text) {
				score += idf[i] * fieldWeight(f)
			}
		}
		if len(taxa) > 0 && !anyHas(taxa, slot) {
			return
		}
		if p.slow && !p.post(ix.docs[slot]) {
			return
		}
		if len(p.windows.list) > 0 && !ix.runsIn(slot, &p.windows, p.today) {
			return
		}
		hav := -1.0
		if p.hasNear {
			hav = ix.hav(slot, p.near)
			if !p.within(&ix.hot[slot], hav) {
				return
			}
		}
		total++
		top.push(hit{d: ix.docs[slot], slot: slot, score: score, hav: hav})
	})

	res.TotalItems = total
	res.TotalPages = (total + per - 1) / per
	hits := top.sorted()
	for _, h := range hits[min((page-1)*per, len(hits)):] {
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

// candidates calls f once for each slot that may match, in ascending
// order. Every match is on at least one list of each source, of the needs'
// lists and, with a radius, of the grid's; candidates reads the smallest
// of these unions, or every slot.
func (ix *Index) candidates(sources [][]*postings, p *prepared, needs []socialrx.Need, f func(slot int32)) {
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
	for _, src := range sources {
		consider(src)
	}
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
	switch {
	case lists == nil:
		for slot, h := range ix.hot {
			if h.status != 0 {
				f(int32(slot))
			}
		}
	case len(lists) == 1:
		for _, v := range lists[0].ids {
			f(int32(v >> fieldBits))
		}
	default:
		// A bit set unions the lists and yields each slot once, in order.
		set := make([]uint64, (len(ix.docs)+63)/64)
		for _, l := range lists {
			for _, v := range l.ids {
				s := v >> fieldBits
				set[s/64] |= 1 << (s % 64)
			}
		}
		for w, bits := range set {
			for bits != 0 {
				b := bits & -bits
				f(int32(w*64 + mathbits.TrailingZeros64(bits)))
				bits ^= b
			}
		}
	}
}

// cursor walks a postings list forward, for candidates in ascending order.
type cursor struct {
	ids []uint32
	i   int
}

// seek returns the fields of slot's posting and whether the list has one;
// slots must come in ascending order.
func (c *cursor) seek(slot int32) (uint32, bool) {
	ids, lo := c.ids, c.i
	if lo >= len(ids) {
		return 0, false
	}
	if int32(ids[lo]>>fieldBits) < slot {
		// Gallop: ids[lo] < slot; find hi with ids[hi] >= slot, or the end.
		step, hi := 1, lo+1
		for hi < len(ids) && int32(ids[hi]>>fieldBits) < slot {
			lo = hi
			step <<= 1
			hi = lo + step
		}
		hi = min(hi, len(ids))
		for lo+1 < hi {
			mid := int(uint(lo+hi) >> 1)
			if int32(ids[mid]>>fieldBits) < slot {
				lo = mid
			} else {
				hi = mid
			}
		}
		lo = hi
	}
	c.i = lo
	if lo < len(ids) && int32(ids[lo]>>fieldBits) == slot {
		return ids[lo] & (1<<fieldBits - 1), true
	}
	return 0, false
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

// best keeps the k best hits pushed, worst at the root of a heap, so that
// a broad query neither keeps nor sorts every hit.
type best struct {
	k int
	h []hit
}

func (b *best) push(x hit) {
	h := b.h
	if len(h) < b.k {
		h = append(h, x)
		for i := len(h) - 1; i > 0; {
			up := (i - 1) / 2
			if compareHits(h[i], h[up]) <= 0 {
				break
			}
			h[i], h[up] = h[up], h[i]
			i = up
		}
		b.h = h
		return
	}
	if len(h) == 0 || compareHits(x, h[0]) >= 0 {
		return
	}
	h[0] = x
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		if r := l + 1; r < len(h) && compareHits(h[r], h[l]) > 0 {
			l = r
		}
		if compareHits(h[l], h[i]) <= 0 {
			break
		}
		h[i], h[l] = h[l], h[i]
		i = l
	}
}

// sorted returns the hits kept, best first.
func (b *best) sorted() []hit {
	slices.SortFunc(b.h, compareHits)
	return b.h
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
