package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/referral"
)

// system is who the command line acts as.
var system = host.Principal{ID: "socialrx-cli", Role: referral.RoleSystem}

// The exit statuses of import oruk (and of validate on an ORUK feed):
// exitPartial is an import that stored some services but not all that was
// offered, or whose list disagrees with its envelope, or that --max-pages
// stopped. A rejected import (nothing stored) and a refused document exit
// 1, as every other error.
const (
	exitPartial = 3
	// defaultMaxPages is how many pages of a feed import oruk reads unless
	// told otherwise.
	defaultMaxPages = 1000
)

// partialError is the error of a partial import: the run exits 3.
type partialError struct{ error }

// feedPage is one page (or the one document) of an ORUK feed as read.
type feedPage struct {
	// src is where it was read from: the file, or the page's URL.
	src string
	// asked is the page number asked for (0 for the first request).
	asked int
	rep   host.ImportReport
}

// feedRun is what reading a feed page by page found.
type feedRun struct {
	pages []feedPage
	// across are the problems of the pages taken together: a page that is
	// not the one asked for, totals that change, items that do not add
	// up to total_items.
	across []string
	// stopped says why reading stopped before the feed's last page, if
	// it did.
	stopped string
}

// readFeed reads an ORUK document from a file or an http(s) URL, and,
// when it is a page of a list read from a URL, every page after it (by
// the query parameter page, as both ORUK versions number pages from 1),
// up to maxPages. do reads one page's document and says what it holds.
func readFeed(src string, maxPages int, stderr io.Writer, do func(doc []byte) (host.ImportReport, error)) (feedRun, error) {
	var run feedRun
	doc, err := fetch(src)
	if err != nil {
		return run, err
	}
	rep, err := do(doc)
	run.pages = append(run.pages, feedPage{src: src, rep: rep})
	if err != nil || rep.Kind != directory.KindServiceList {
		return run, err
	}
	if !isURL(src) {
		if more(rep.Page, 1) {
			fmt.Fprintf(stderr, "socialrx: %s is one page (%s); to read every page, import from the feed's URL\n", src, rep.Page)
		}
		return run, nil
	}
	first := rep.Page
	read := rep.Page.Items
	for n := 2; more(rep.Page, n-1); n++ {
		if n > maxPages {
			run.stopped = fmt.Sprintf("stopped after %d pages (--max-pages %d); the feed says it has %s: raise --max-pages to read the rest", maxPages, maxPages, pagesSaid(first))
			break
		}
		u, err := pageURL(src, n)
		if err != nil {
			return run, err
		}
		fmt.Fprintf(stderr, "\rpage %d of %s ", n, pagesSaid(first))
		if doc, err = fetch(u); err != nil {
			return run, fmt.Errorf("page %d: %w", n, err)
		}
		rep, err = do(doc)
		run.pages = append(run.pages, feedPage{src: u, asked: n, rep: rep})
		if err != nil && !errors.Is(err, host.ErrNothingImported) {
			return run, fmt.Errorf("page %d (%s): %w", n, u, err)
		}
		if rep.Page == nil {
			return run, fmt.Errorf("page %d (%s): not a page of a service list", n, u)
		}
		if p := rep.Page.PageNumber; p != nil && *p != n {
			run.across = append(run.across, fmt.Sprintf("page %d: the feed answered page=%d with page %d; it may not page by the page parameter", n, n, *p))
			break
		}
		if t, t0 := rep.Page.TotalItems, first.TotalItems; t != nil && t0 != nil && *t != *t0 {
			run.across = append(run.across, fmt.Sprintf("page %d: the total changed from %d to %d items while reading", n, *t0, *t))
		}
		read += rep.Page.Items
	}
	if run.stopped == "" && first.TotalItems != nil && read != *first.TotalItems && len(run.across) == 0 {
		run.across = append(run.across, fmt.Sprintf("the %d pages held %d items, but the first said %d in all", len(run.pages), read, *first.TotalItems))
	}
	return run, nil
}

// more reports whether a feed has a page after page n, by what its
// envelope says: last_page if given, else total_pages; with neither, while
// pages hold items.
func more(e *directory.Envelope, n int) bool {
	switch {
	case e == nil:
		return false
	case e.LastPage != nil:
		return !*e.LastPage
	case e.TotalPages != nil:
		return n < *e.TotalPages
	}
	return e.Items > 0
}

func pagesSaid(e *directory.Envelope) string {
	if e == nil || e.TotalPages == nil {
		return "an unknown number of pages"
	}
	return strconv.Itoa(*e.TotalPages) + " pages"
}

// pageURL is src asking for page n.
func pageURL(src string, n int) (string, error) {
	u, err := url.Parse(src)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func isURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}

// fetch reads a file, or GETs an http(s) URL.
func fetch(src string) ([]byte, error) {
	if !isURL(src) {
		return os.ReadFile(src)
	}
	c := &http.Client{Timeout: 2 * time.Minute}
	res, err := c.Get(src)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", src, res.Status)
	}
	return io.ReadAll(io.LimitReader(res.Body, 512<<20))
}

// outcome is the outcome of a whole run, over all its pages.
func (r feedRun) outcome() host.ImportOutcome {
	imported, skipped, envelope := 0, 0, len(r.across)
	for _, p := range r.pages {
		imported += p.rep.Imported
		skipped += len(p.rep.Skipped)
		envelope += len(p.rep.Envelope)
	}
	switch {
	case imported == 0 && skipped > 0:
		return host.ImportRejected
	case skipped > 0 || envelope > 0 || r.stopped != "":
		return host.ImportPartial
	}
	return host.ImportComplete
}

// print writes what the run found: each page's refused services and
// envelope problems at their pointers, the problems across pages, and
// what an ORUK 1.x feed could not carry, grouped by field.
func (r feedRun) print(w io.Writer) {
	where := func(p feedPage) string {
		if len(r.pages) == 1 {
			return ""
		}
		return fmt.Sprintf("page %d (%s): ", max(p.asked, 1), p.src)
	}
	for _, p := range r.pages {
		for _, s := range p.rep.Skipped {
			fmt.Fprintf(w, "skipped: %s%v\n", where(p), s)
		}
		for _, f := range p.rep.Envelope {
			fmt.Fprintf(w, "envelope: %s%s: %s\n", where(p), f.Path, f.Rule)
		}
	}
	for _, a := range r.across {
		fmt.Fprintf(w, "feed: %s\n", a)
	}
	type group struct {
		path, rule string
		n          int
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, p := range r.pages {
		for _, f := range p.rep.Conversion {
			path := itemIndex.ReplaceAllString(f.Path, "/${1}/*")
			rule := f.Rule
			if strings.Contains(rule, "is not a UUID") {
				rule = "the id is not a UUID; imported as a UUID made from it (the same on every import)"
			}
			key := path + "\x00" + rule
			if g := byKey[key]; g != nil {
				g.n++
				continue
			}
			byKey[key] = &group{path, rule, 1}
			groups = append(groups, byKey[key])
		}
	}
	if len(groups) > 0 {
		fmt.Fprintln(w, "converted from ORUK 1.x to 3.0; what was not carried as given:")
		slices.SortStableFunc(groups, func(a, b *group) int { return strings.Compare(a.path, b.path) })
		for _, g := range groups {
			fmt.Fprintf(w, "  %s: %s (%d×)\n", g.path, g.rule, g.n)
		}
	}
}

// itemIndex matches the index of an item of a list (and of a service's
// lists) in a pointer, so that notes about the same field group.
var itemIndex = regexp.MustCompile(`/(content|contents|services|[a-z_]+s)/[0-9]+`)

// importORUK imports an ORUK document from a file or an http(s) URL,
// drawing a progress bar on stderr; a list read from a URL is followed
// page by page. See the exit statuses above.
func importORUK(fs *flag.FlagSet) runFunc {
	loadConfig := configFlag(fs)
	maxPages := fs.Int("max-pages", defaultMaxPages, "read at most `N` pages of a paged feed")
	allowPartial := fs.Bool("allow-partial", false, "exit 0 when some services were imported but others refused")
	return func(args []string, stdout, stderr io.Writer) error {
		if *maxPages < 1 {
			return usageError{errors.New("--max-pages must be 1 or more")}
		}
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		return importFeed(cfg, args[0], *maxPages, *allowPartial, stdout, stderr)
	}
}

func importFeed(cfg config.Config, src string, maxPages int, allowPartial bool, stdout, stderr io.Writer) error {
	rt, err := config.Open(cfg, nil)
	if err != nil {
		return err
	}
	defer rt.Close()
	bar := progressBar(stderr)
	done := 0
	total := 0
	run, err := readFeed(src, maxPages, stderr, func(doc []byte) (host.ImportReport, error) {
		rep, err := rt.Service.ImportORUK(context.Background(), system, doc, func(d, n int) {
			if total == 0 {
				total = n
			}
			bar(done+d, max(total, done+n))
		})
		if rep.Page != nil && rep.Page.TotalItems != nil && total < *rep.Page.TotalItems {
			total = *rep.Page.TotalItems
		}
		done += rep.Imported
		return rep, err
	})
	fmt.Fprintln(stderr)
	run.print(stdout)
	if err != nil && !errors.Is(err, host.ErrNothingImported) {
		return err
	}
	imported, orgs, skipped := 0, 0, 0
	for _, p := range run.pages {
		imported, orgs, skipped = imported+p.rep.Imported, orgs+p.rep.Organizations, skipped+len(p.rep.Skipped)
	}
	version := ""
	if v := run.pages[0].rep.Version; v != "" {
		version = " (ORUK " + v + ")"
	}
	outcome := run.outcome()
	pages := "1 page"
	if len(run.pages) > 1 {
		pages = strconv.Itoa(len(run.pages)) + " pages"
	}
	fmt.Fprintf(stdout, "imported %d services and %d organizations from %s%s; skipped %d; outcome %s\n",
		imported, orgs, pages, version, skipped, outcome)
	if run.stopped != "" {
		fmt.Fprintln(stderr, "socialrx: "+run.stopped)
	}
	switch {
	case outcome == host.ImportRejected:
		return errors.New("nothing imported: every service offered was refused")
	case outcome == host.ImportPartial && !allowPartial:
		return partialError{errors.New("partly imported (see above); --allow-partial accepts that")}
	}
	return nil
}

// orukTypes are the types validate --type checks ORUK documents (of
// either version) as, without importing them.
var orukTypes = map[string]directory.FeedKind{
	"oruk-service-list": directory.KindServiceList,
	"oruk-service":      directory.KindService,
	"oruk-organization": directory.KindOrganization,
}

// validateORUK checks an ORUK feed (following a URL's pages) as import
// oruk would read it, storing nothing; it prints every problem at its
// pointer. It returns whether the feed is valid: no refused service, no
// envelope problem.
func validateORUK(src string, kind directory.FeedKind, maxPages int, stdout, stderr io.Writer) (bool, error) {
	run, err := readFeed(src, maxPages, stderr, func(doc []byte) (host.ImportReport, error) {
		return host.CheckORUK(doc, kind)
	})
	if err != nil && !errors.Is(err, host.ErrNothingImported) {
		var se *socialrx.Error
		if !errors.As(err, &se) || len(se.Fields) == 0 {
			return false, err
		}
		for _, f := range se.Fields {
			fmt.Fprintf(stdout, "%s: %s: %s\n", src, pointer(f.Path), f.Rule)
		}
		return false, nil
	}
	var buf strings.Builder
	run.print(&buf)
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if line != "" {
			fmt.Fprintf(stdout, "%s: %s", src, line)
		}
	}
	n := 0
	for _, p := range run.pages {
		n += p.rep.Imported
	}
	if run.stopped != "" {
		fmt.Fprintf(stdout, "%s: %s\n", src, run.stopped)
	}
	ok := run.outcome() == host.ImportComplete
	if ok {
		fmt.Fprintf(stdout, "%s: valid ORUK %s %s: %d services in %d pages\n", src, run.pages[0].rep.Version, run.pages[0].rep.Kind, n, len(run.pages))
	}
	return ok, nil
}

// pointer shows the root pointer as "/".
func pointer(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// progressBar draws done/total on w, redrawing the line in place.
func progressBar(w io.Writer) func(done, total int) {
	last := -1
	return func(done, total int) {
		pct := min(100*done/max(total, 1), 100)
		if pct == last {
			return
		}
		last = pct
		n := pct / 4
		fmt.Fprintf(w, "\r[%s%s] %3d%% %d/%d", strings.Repeat("#", n), strings.Repeat(" ", 25-n), pct, done, total)
	}
}

// exportORUK prints every active service as one ORUK service_list page.
func exportORUK(fs *flag.FlagSet) runFunc {
	loadConfig := configFlag(fs)
	return func(_ []string, stdout, _ io.Writer) error {
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		return exportServices(cfg, stdout)
	}
}

func exportServices(cfg config.Config, stdout io.Writer) error {
	rt, err := config.Open(cfg, nil)
	if err != nil {
		return err
	}
	defer rt.Close()
	pg, err := rt.Service.ORUKServices(context.Background(), host.ORUKQuery{Page: 1, PerPage: 100})
	if err != nil {
		return err
	}
	if pg.TotalPages > 1 {
		all := pg
		for p := 2; p <= pg.TotalPages; p++ {
			next, err := rt.Service.ORUKServices(context.Background(), host.ORUKQuery{Page: p, PerPage: 100})
			if err != nil {
				return err
			}
			all.Contents = append(all.Contents, next.Contents...)
		}
		pg = all
	}
	pg.Size, pg.TotalPages, pg.PageNumber, pg.FirstPage, pg.LastPage = len(pg.Contents), 1, 1, true, true
	b, err := directory.EncodeServicePage(pg)
	if err != nil {
		return err
	}
	_, err = stdout.Write(append(b, '\n'))
	return err
}

// importPostcodes loads postcode centroids from a CSV file (the ONS
// Postcode Directory, or any postcode,latitude,longitude CSV), so that the
// ORUK API's postcode and proximity parameters work.
func importPostcodes(fs *flag.FlagSet) runFunc {
	loadConfig := configFlag(fs)
	return func(args []string, stdout, stderr io.Writer) error {
		cfg, err := loadConfig()
		if err != nil {
			return err
		}
		return loadPostcodes(cfg, args[0], stdout, stderr)
	}
}

func loadPostcodes(cfg config.Config, file string, stdout, stderr io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rt, err := config.Open(cfg, nil)
	if err != nil {
		return err
	}
	defer rt.Close()
	rep, err := rt.Service.ImportPostcodes(context.Background(), system, f, func(rows int) {
		if rows%10000 == 0 {
			fmt.Fprintf(stderr, "\r%d rows", rows)
		}
	})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d postcodes; %d without coordinates; %d bad rows\n", rep.Imported, rep.NoCoordinates, rep.BadRows)
	for _, b := range rep.Bad {
		fmt.Fprintf(stdout, "bad row %s: %s\n", strings.TrimPrefix(b.Path, "/"), b.Rule)
	}
	return nil
}
