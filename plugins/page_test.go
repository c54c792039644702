package plugins_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/socialrx/socialrx/plugins"
)

func sized(id string, n int) plugins.Document {
	return plugins.Document{Kind: plugins.KindReferral, ID: id, Data: json.RawMessage(`"` + strings.Repeat("x", n-2) + `"`)}
}

func idsOf(p plugins.Page) []string {
	var out []string
	for _, d := range p.Documents {
		out = append(out, d.ID)
	}
	return out
}

func TestPager(t *testing.T) {
	const third = plugins.MaxPageBytes / 3
	for _, tc := range []struct {
		name  string
		limit int
		docs  []plugins.Document
		want  []string
		next  string
	}{
		{"empty", 10, nil, nil, ""},
		{"all fit", 10, []plugins.Document{sized("a", 10), sized("b", 10)}, []string{"a", "b"}, ""},
		{"limit", 2, []plugins.Document{sized("a", 10), sized("b", 10), sized("c", 10)}, []string{"a", "b"}, "b"},
		{"exactly the budget", 10, []plugins.Document{sized("a", third), sized("b", third), sized("c", plugins.MaxPageBytes-2*third)}, []string{"a", "b", "c"}, ""},
		{"one byte over", 10, []plugins.Document{sized("a", third), sized("b", third), sized("c", plugins.MaxPageBytes-2*third+1)}, []string{"a", "b"}, "b"},
		{"a large one alone", 10, []plugins.Document{sized("a", plugins.MaxPageBytes+1), sized("b", 10)}, []string{"a"}, "a"},
		{"a large one after others", 10, []plugins.Document{sized("a", 10), sized("b", plugins.MaxPageBytes)}, []string{"a"}, "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := plugins.NewPager(tc.limit)
			for _, d := range tc.docs {
				if !pg.Add(d) {
					break
				}
			}
			p := pg.Page()
			assert.NotNil(t, p.Documents, "an empty page lists no documents, not null")
			assert.Equal(t, tc.want, idsOf(p))
			if tc.next == "" {
				assert.Empty(t, p.Next)
			} else {
				assert.Equal(t, plugins.EncodeCursor(tc.next), p.Next)
				assert.False(t, pg.Add(sized("z", 2)), "a complete page takes nothing more")
				assert.Equal(t, tc.want, idsOf(pg.Page()))
			}
		})
	}
}
