package config_test

import (
	"encoding"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/socialrx/socialrx/plugins/host/cmd/socialrx/config"
)

// fieldPaths are the JSON paths of every field of t, as Help writes them:
// a.b for field b of object a, x[] for the elements of list x, x.* for
// the entries of object x (Help names the key, such as <token id>).
func fieldPaths(t reflect.Type, prefix string) []string {
	marshaler := reflect.TypeFor[json.Marshaler]()
	textMarshaler := reflect.TypeFor[encoding.TextMarshaler]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler) || t.Implements(textMarshaler) {
		return nil
	}
	switch t.Kind() {
	case reflect.Slice:
		return fieldPaths(t.Elem(), prefix+"[]")
	case reflect.Map:
		return append([]string{prefix + ".*"}, fieldPaths(t.Elem(), prefix+".*")...)
	case reflect.Struct:
	default:
		return nil
	}
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		require.NotEmpty(nil, name, "%s has a json name", f.Name)
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		out = append(out, p)
		out = append(out, fieldPaths(f.Type, p)...)
	}
	return out
}

// entries are Help's documented fields: each entry starts at the start of
// a line with its paths (commas between), and runs until the next.
func entries(t *testing.T) map[string]string {
	t.Helper()
	fields := strings.SplitN(config.Help, "\nFields", 2)
	require.Len(t, fields, 2)
	body := strings.SplitN(fields[1], "\n\nA whole config", 2)[0]
	out := map[string]string{}
	var current []string
	for _, line := range strings.Split(body, "\n")[1:] {
		if line == "" || strings.HasPrefix(line, "x.") {
			continue
		}
		if line[0] != ' ' {
			head, _, _ := strings.Cut(line, "  ")
			current = strings.Split(strings.TrimSpace(head), ", ")
		}
		for _, p := range current {
			out[p] += line + "\n"
		}
	}
	return out
}

// Every field of the config, at every depth, has an entry in Help with a
// description and an example, and Help documents no field that does not
// exist: socialrx help config cannot drift from the Config type.
func TestHelpDocumentsEveryField(t *testing.T) {
	paths := fieldPaths(reflect.TypeFor[config.Config](), "")
	require.Greater(t, len(paths), 40)
	docs := entries(t)
	key := regexp.MustCompile(`\.<[a-z ]+>`)
	documented := map[string]bool{}
	for p, text := range docs {
		documented[key.ReplaceAllString(p, ".*")] = true
		assert.Contains(t, text, "e.g.", "%s has an example", p)
		assert.Regexp(t, `^\S+(, \S+)*\s+\S`, text, "%s has a description", p)
	}
	for _, p := range paths {
		assert.True(t, documented[p], "config field %s is documented in help.txt", p)
	}
	for p := range documented {
		assert.Contains(t, paths, p, "help.txt documents %s, which is no config field", p)
	}
}

// The whole config Help shows is one Load accepts.
func TestHelpExampleLoads(t *testing.T) {
	_, example, ok := strings.Cut(config.Help, "\n{\n")
	require.True(t, ok)
	example = "{\n" + example
	path := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(path, []byte(example), 0o600))
	cfg, err := config.Load(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Dir(path), cfg.Dir, "Load takes relative paths from the file's folder")
	assert.Equal(t, "postgres-plugin", cfg.Store.Plugin.Path)
}
