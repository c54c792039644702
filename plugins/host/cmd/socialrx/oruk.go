package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/socialrx/socialrx/directory"
	"github.com/socialrx/socialrx/plugins/host"
	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
	"github.com/socialrx/socialrx/referral"
)

// system is who the command line acts as.
var system = host.Principal{ID: "socialrx-cli", Role: referral.RoleSystem}

// importORUK imports an ORUK document from a file or an http(s) URL,
// drawing a progress bar on stderr.
func importORUK(args []string, stdout, stderr io.Writer) error {
	cfg, rest, err := loadConfig(flag.NewFlagSet("import oruk", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{fmt.Errorf("import oruk needs one FILE or URL")}
	}
	doc, err := fetch(rest[0])
	if err != nil {
		return err
	}
	rt, err := config.Open(cfg, nil)
	if err != nil {
		return err
	}
	defer rt.Close()
	bar := progressBar(stderr)
	rep, err := rt.Service.ImportORUK(context.Background(), system, doc, bar)
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d services and %d organizations; skipped %d\n", rep.Imported, rep.Organizations, len(rep.Skipped))
	for _, s := range rep.Skipped {
		fmt.Fprintf(stdout, "skipped: %v\n", s)
	}
	return nil
}

// fetch reads a file, or GETs an http(s) URL.
func fetch(src string) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
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

// progressBar draws done/total on w, redrawing the line in place.
func progressBar(w io.Writer) func(done, total int) {
	last := -1
	return func(done, total int) {
		pct := 100 * done / max(total, 1)
		if pct == last {
			return
		}
		last = pct
		n := pct / 4
		fmt.Fprintf(w, "\r[%s%s] %3d%% %d/%d", strings.Repeat("#", n), strings.Repeat(" ", 25-n), pct, done, total)
	}
}

// exportORUK prints every active service as one ORUK service_list page.
func exportORUK(args []string, stdout io.Writer) error {
	cfg, _, err := loadConfig(flag.NewFlagSet("export oruk", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
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
func importPostcodes(args []string, stdout, stderr io.Writer) error {
	cfg, rest, err := loadConfig(flag.NewFlagSet("import postcodes", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{fmt.Errorf("import postcodes needs one CSV FILE")}
	}
	f, err := os.Open(rest[0])
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
