package plugins

// MaxPageBytes is the most document data, the sum of the lengths of the
// Data of its documents, that one page of [Store.List] holds: a list of
// large records stays well within a gRPC message (4 MiB by default) and
// the memory of whoever reads it. A document larger than that comes alone
// on its page.
const MaxPageBytes = 1 << 20

// Pager makes one page of [Store.List] from the documents a store finds
// for a query, offered in ID order: it takes at most limit documents and
// at most [MaxPageBytes] of their data, and sets Next when it refuses one.
// A store offers up to limit+1 documents, so that a full page knows there
// is more; a store that reads documents lazily stops at the first refused.
type Pager struct {
	limit int
	bytes int
	page  Page
}

// NewPager returns a pager for pages of at most limit documents (the
// limit [Query.Check] returns).
func NewPager(limit int) *Pager {
	return &Pager{limit: limit, page: Page{Documents: []Document{}}}
}

// Add offers the next document. It reports whether the page took it;
// once it refuses one, the page is complete, its Next continues before the
// refused document, and every later offer is refused too.
func (p *Pager) Add(d Document) bool {
	n := len(p.page.Documents)
	switch {
	case p.page.Next != "":
		return false
	case n == p.limit || n > 0 && p.bytes+len(d.Data) > MaxPageBytes:
		p.page.Next = EncodeCursor(p.page.Documents[n-1].ID)
		return false
	}
	p.page.Documents = append(p.page.Documents, d)
	p.bytes += len(d.Data)
	return true
}

// Page returns the page made so far.
func (p *Pager) Page() Page { return p.page }
