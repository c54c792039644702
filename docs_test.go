package socialrx_test

import (
	"go/ast"
	"go/doc"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// isGo reports whether a block of a doc comment is Go: declarations, or
// statements, with any elision (… or ...) read as an expression.
func isGo(code string) bool {
	code = strings.NewReplacer("…", "_", "...", "_").Replace(code)
	fset := token.NewFileSet()
	if _, err := parser.ParseFile(fset, "", "package p\n"+code, 0); err == nil {
		return true
	}
	_, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+code+"\n}", 0)
	return err == nil
}

// No package doc carries Go code, which no compiler checks and which
// drifts from the API it shows; each package doc points to its compiled
// examples (func ExampleX in a _test.go file, run by go test) instead.
// Command lines, tables and config snippets in package docs are not Go
// and stay.
func TestPackageDocsCarryNoUncompiledCode(t *testing.T) {
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != "." && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil || f.Doc == nil {
			return err
		}
		checked++
		var p comment.Parser
		for _, b := range p.Parse(f.Doc.Text()).Content {
			if c, ok := b.(*comment.Code); ok {
				assert.False(t, isGo(c.Text), "%s: the package doc carries Go code no compiler checks; make it an Example in a _test.go file and point to it:\n%s", path, c.Text)
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, checked, 20, "package docs found")
	assert.True(t, isGo("r, err := referral.New(in, now)\nif err != nil { … }"), "the check recognises Go")
	assert.False(t, isGo("socialrx serve --config FILE  run the HTTP API"), "and a command line is not Go")
}

// Every doc link of a package doc ([Name], [Type.Method]) names something
// the package has: the main flows the package docs tell in words, instead
// of code, are held to the API as it is.
func TestPackageDocLinksResolve(t *testing.T) {
	dirs := map[string][]string{}
	require.NoError(t, filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != "." && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dirs[filepath.Dir(path)] = append(dirs[filepath.Dir(path)], path)
		}
		return nil
	}))
	links := 0
	for dir, paths := range dirs {
		fset := token.NewFileSet()
		var files []*ast.File
		for _, path := range paths {
			f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
			require.NoError(t, err)
			files = append(files, f)
		}
		pkg, err := doc.NewFromFiles(fset, files, "example.org/"+dir)
		require.NoError(t, err, dir)
		exists := pkg.Parser()
		every := &comment.Parser{LookupSym: func(recv, name string) bool { return true }}
		var walk func(text []comment.Text)
		walk = func(text []comment.Text) {
			for _, x := range text {
				switch x := x.(type) {
				case *comment.DocLink:
					if x.ImportPath == "" {
						links++
						assert.True(t, exists.LookupSym(x.Recv, x.Name), "%s: the package doc links [%s], which the package does not have", dir, strings.TrimPrefix(x.Recv+"."+x.Name, "."))
					}
				case *comment.Link:
					walk(x.Text)
				}
			}
		}
		for _, b := range every.Parse(pkg.Doc).Content {
			switch b := b.(type) {
			case *comment.Paragraph:
				walk(b.Text)
			case *comment.List:
				for _, it := range b.Items {
					for _, c := range it.Content {
						if p, ok := c.(*comment.Paragraph); ok {
							walk(p.Text)
						}
					}
				}
			}
		}
	}
	assert.Greater(t, links, 50, "doc links checked")
}

// Every Go block in the README is a verbatim run of lines, indentation
// aside, of the .go file the README last linked to before it: a program
// or test that go test builds, so the README cannot show code that no
// longer compiles.
func TestReadmeGoBlocksAreCompiledCode(t *testing.T) {
	b, err := os.ReadFile("README.md")
	require.NoError(t, err)
	link := regexp.MustCompile(`\]\(\./([^)\s]+\.go)\)`)
	blocks := 0
	for rest := string(b); ; {
		i := strings.Index(rest, "```go\n")
		if i < 0 {
			break
		}
		links := link.FindAllStringSubmatch(rest[:i], -1)
		rest = rest[i+len("```go\n"):]
		j := strings.Index(rest, "```\n")
		require.GreaterOrEqual(t, j, 0, "an unclosed Go block in README.md")
		block := strings.Split(strings.TrimSuffix(rest[:j], "\n"), "\n")
		rest = rest[j:]
		blocks++
		require.NotEmpty(t, links, "README Go block %d: no link to the .go file it comes from before it", blocks)
		src := links[len(links)-1][1]
		code, err := os.ReadFile(filepath.FromSlash(src))
		require.NoError(t, err, "README Go block %d names %s", blocks, src)
		assert.True(t, excerptOf(block, strings.Split(string(code), "\n")), "README Go block %d (starting %q) is not, line for line, in %s", blocks, block[0], src)
	}
	assert.Positive(t, blocks, "README.md has Go blocks to check")
}

// excerptOf reports whether block is a run of lines of file with one
// indentation removed from each.
func excerptOf(block, file []string) bool {
	for start := range file {
		indent := file[start][:len(file[start])-len(strings.TrimLeft(file[start], "\t"))]
		if start+len(block) > len(file) {
			return false
		}
		ok := true
		for k, line := range block {
			got := file[start+k]
			if line != "" {
				got = strings.TrimPrefix(got, indent)
			}
			if got != line {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
