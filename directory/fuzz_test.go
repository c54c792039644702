package directory_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx"
	"github.com/socialrx/socialrx/directory"
)

// seeds are the fuzz seed corpus: the official examples, a service with
// every extension, and documents broken in the ways feeds break.
func seeds(f *testing.F) [][]byte {
	sf := readTestdata(f, "examples/service_full.json")
	ext, err := directory.EncodeService(full())
	require.NoError(f, err)
	return [][]byte{
		sf, ext,
		readTestdata(f, "examples/service_list.json"),
		readTestdata(f, "examples/organization_full.json"),
		[]byte(`{}`), []byte(`null`), []byte(`{"id":"00000000-0000-4000-8000-000000000001","name":"x","status":"active"}`),
		edit(f, sf, func(m map[string]any) { m["url"] = "not a url"; m["email"] = "@" }),
		edit(f, sf, func(m map[string]any) {
			obj(m, "schedules", 0)["byday"] = "1MO,-1FR"
			obj(m, "schedules", 0)["freq"] = "MONTHLY"
		}),
		edit(f, sf, func(m map[string]any) {
			obj(m, "schedules", 0)["opens_at"] = "24:00"
			m["minimum_age"] = json.Number("1e400")
		}),
		edit(f, sf, func(m map[string]any) { obj(m, "schedules", 0)["interval"] = 1.5; m["status"] = "Active" }),
		[]byte(`{"contents":[{"id":"00000000-0000-4000-8000-000000000001","name":"x","status":"active"},1,null]}`),
	}
}

// FuzzDecodeService: whatever DecodeService accepts exports to a document
// the official schema and ours accept, and reads back the same; whatever
// it refuses, it refuses as invalid with the fields named.
func FuzzDecodeService(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	oruk := official(f, "service.json")
	f.Fuzz(func(t *testing.T, doc []byte) {
		s, err := directory.DecodeService(doc)
		if err != nil {
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			require.NotEmpty(t, socialrx.ErrorFields(err))
			return
		}
		out, err := directory.EncodeService(s)
		require.NoError(t, err)
		require.NoError(t, oruk.Validate(out), "%s", out)
		require.NoError(t, directory.Validate(out), "%s", out)
		back, err := directory.DecodeService(out)
		require.NoError(t, err)
		require.Equal(t, s, back)
		ix, err := directory.NewIndex(s)
		require.NoError(t, err)
		_, err = ix.Search(directory.Query{Text: s.Name})
		require.NoError(t, err)
	})
}

// FuzzDecodeServicePage: a page decodes to good services and reasons for
// the rest, and exports to a page the official schemas accept.
func FuzzDecodeServicePage(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	page := officialPage(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, skipped, err := directory.DecodeServicePage(doc)
		if err != nil {
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			require.NotEmpty(t, socialrx.ErrorFields(err))
			return
		}
		for _, s := range skipped {
			require.NotEmpty(t, s.Fields)
		}
		out, err := directory.EncodeServicePage(p)
		require.NoError(t, err)
		require.NoError(t, page.Validate(out), "%s", out)
	})
}

// FuzzDecodeOrganization: as FuzzDecodeService, for organizations.
func FuzzDecodeOrganization(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	oruk := official(f, "organization.json")
	f.Fuzz(func(t *testing.T, doc []byte) {
		o, err := directory.DecodeOrganization(doc)
		if err != nil {
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			require.NotEmpty(t, socialrx.ErrorFields(err))
			return
		}
		out, err := directory.EncodeOrganization(o)
		require.NoError(t, err)
		require.NoError(t, oruk.Validate(out), "%s", out)
		back, err := directory.DecodeOrganization(out)
		require.NoError(t, err)
		require.Equal(t, o, back)
	})
}

// FuzzDecodeFeed: whatever the document, of either ORUK version, the feed
// reader refuses it as invalid naming fields, or returns services that
// export to documents the official schema accepts, with every skipped
// service's fields named.
func FuzzDecodeFeed(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	for _, name := range []string{"services_page1.json", "services_page2.json", "variants.json"} {
		f.Add(readV1(f, "examples/"+name))
	}
	f.Add([]byte(`{"totalElements":1,"content":[{"id":1,"name":"x","organization":{"id":"o","name":"o","url":"u"},"regular_schedules":[{"weekday":"Funday"}]}]}`))
	f.Add([]byte(`{"services":[{"id":"a","name":"n","eligibilitys":[{"minimum_age":"x"}]}],"url":"http://x"}`))
	oruk := official(f, "service.json")
	f.Fuzz(func(t *testing.T, doc []byte) {
		feed, err := directory.DecodeFeed(doc, "")
		if err != nil {
			require.Equal(t, socialrx.CodeInvalid, socialrx.ErrorCode(err), "%v", err)
			require.NotEmpty(t, socialrx.ErrorFields(err))
			return
		}
		for _, s := range feed.Skipped {
			require.NotEmpty(t, s.Fields)
		}
		for _, s := range feed.Services {
			out, err := directory.EncodeService(s)
			require.NoError(t, err)
			require.NoError(t, oruk.Validate(out), "%s", out)
		}
	})
}
