package schema

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// CheckEnums fails t unless, for the package in the working directory, the
// enum types given by their zero values are exactly the package's types with
// an EnumValues method, and for each: the string constants declared with that
// type equal its EnumValues (same set, no duplicates), and the JSON Schema the
// socialrx reflector makes for the type enumerates exactly EnumValues, in order.
func CheckEnums(t testing.TB, zeros ...any) {
	t.Helper()
	checkEnums(t, ".", zeros...)
}

// checkEnums is CheckEnums for the package in dir.
func checkEnums(t testing.TB, dir string, zeros ...any) {
	t.Helper()
	src, err := readEnums(dir)
	if err != nil {
		t.Fatalf("CheckEnums: %v", err)
		return
	}
	given := map[string]bool{}
	for _, z := range zeros {
		rt := reflect.TypeOf(z)
		if rt != nil && rt.Kind() == reflect.Pointer {
			rt = rt.Elem()
		}
		switch {
		case rt == nil || rt.Kind() != reflect.String || rt.Name() == "":
			t.Errorf("CheckEnums: %T is not a named string type", z)
			continue
		case rt.PkgPath() != src.pkgPath:
			t.Errorf("CheckEnums: %v is not a type of package %s", rt, src.pkgPath)
			continue
		case given[rt.Name()]:
			t.Errorf("CheckEnums: %v is given twice", rt)
			continue
		}
		given[rt.Name()] = true
		if !src.enums[rt.Name()] {
			t.Errorf("%v has no EnumValues method", rt)
			continue
		}
		checkEnum(t, rt, src.consts[rt.Name()])
	}
	for _, name := range slices.Sorted(maps.Keys(src.enums)) {
		if !given[name] {
			t.Errorf("%s.%s has an EnumValues method but was not passed to CheckEnums", src.pkgName, name)
		}
	}
	for _, p := range src.problems {
		t.Errorf("%s", p)
	}
}

// checkEnum compares one enum type's EnumValues with its constants and its
// reflected schema.
func checkEnum(t testing.TB, rt reflect.Type, consts []enumConst) {
	t.Helper()
	var vals []string
	switch {
	case rt.Implements(enumerType):
		vals = reflect.Zero(rt).Interface().(enumer).EnumValues()
	case reflect.PointerTo(rt).Implements(enumerType):
		vals = reflect.New(rt).Interface().(enumer).EnumValues()
	default:
		t.Errorf("%v has no EnumValues method", rt)
		return
	}
	listed := map[string]bool{}
	for _, v := range vals {
		if listed[v] {
			t.Errorf("%v.EnumValues lists %q twice", rt, v)
		}
		listed[v] = true
	}
	declared := map[string]string{} // value → constant
	for _, c := range consts {
		if other, dup := declared[c.value]; dup {
			t.Errorf("%s: %s and %s are both %q", c.pos, other, c.name, c.value)
			continue
		}
		declared[c.value] = c.name
		if !listed[c.value] {
			t.Errorf("%s: %v.EnumValues does not list the constant %s (%q)", c.pos, rt, c.name, c.value)
		}
	}
	for _, v := range vals {
		if _, ok := declared[v]; !ok {
			t.Errorf("%v.EnumValues lists %q, which no constant of type %v declares", rt, v, rt)
		}
	}

	s := Reflector().Reflect(reflect.Zero(rt).Interface())
	var enum []string
	for _, e := range s.Enum {
		enum = append(enum, fmt.Sprint(e))
	}
	if s.Type != "string" || !slices.Equal(enum, vals) {
		t.Errorf("the JSON Schema of %v is a %q enumerating %q; EnumValues is %q", rt, s.Type, enum, vals)
	}
}

// enumConst is a string constant declared with an enum type.
type enumConst struct {
	name, value string
	pos         token.Position
}

// enumSource is what the source of a package says about its enums.
type enumSource struct {
	pkgPath, pkgName string
	// enums are the types with an EnumValues method.
	enums map[string]bool
	// consts are the string constants of each type, in source order.
	consts map[string][]enumConst
	// problems are constants of enum types whose value could not be read.
	problems []string
}

// constDecl is one constant as declared: its type (explicit, or "" when
// the value gives it) and its value expression.
type constDecl struct {
	typ  string
	expr ast.Expr
	pos  token.Pos
}

// readEnums reads the non-test Go files of the package in dir that the
// current build context selects.
func readEnums(dir string) (*enumSource, error) {
	pkgPath, err := importPath(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	src := &enumSource{pkgPath: pkgPath, enums: map[string]bool{}, consts: map[string][]enumConst{}}
	decls := map[string]constDecl{}
	var order []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, name); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		src.pkgName = f.Name.Name
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.Name == "EnumValues" && d.Recv != nil && len(d.Recv.List) == 1 {
					if n := receiverName(d.Recv.List[0].Type); n != "" {
						src.enums[n] = true
					}
				}
			case *ast.GenDecl:
				if d.Tok != token.CONST {
					continue
				}
				// A spec with neither type nor values repeats the one before.
				var typ ast.Expr
				var values []ast.Expr
				for _, spec := range d.Specs {
					vs := spec.(*ast.ValueSpec)
					if vs.Type != nil || len(vs.Values) > 0 {
						typ, values = vs.Type, vs.Values
					}
					for i, id := range vs.Names {
						if id.Name == "_" || i >= len(values) {
							continue
						}
						c := constDecl{expr: values[i], pos: id.Pos()}
						if typ != nil {
							// A type of another package is none of ours.
							c.typ = cmp.Or(identName(typ), ".")
						}
						decls[id.Name] = c
						order = append(order, id.Name)
					}
				}
			}
		}
	}

	if src.pkgName == "" {
		return nil, fmt.Errorf("no Go files in %s", dir)
	}
	r := constReader{decls: decls, done: map[string]constant.Value{}, types: map[string]string{}}
	for _, name := range order {
		typ := r.typeOf(name, 0)
		if !src.enums[typ] {
			continue
		}
		pos := fset.Position(decls[name].pos)
		v := r.value(name, 0)
		if v == nil || v.Kind() != constant.String {
			src.problems = append(src.problems, fmt.Sprintf("%s: cannot read the string value of the constant %s of type %s", pos, name, typ))
			continue
		}
		src.consts[typ] = append(src.consts[typ], enumConst{name: name, value: constant.StringVal(v), pos: pos})
	}
	return src, nil
}

// constReader works out the types and values of a package's constants.
type constReader struct {
	decls map[string]constDecl
	done  map[string]constant.Value
	types map[string]string
}

// maxConstDepth bounds the chains of constants defined by other constants
// (and breaks cycles, which the compiler would refuse anyway).
const maxConstDepth = 100

// typeOf returns the name of the constant's type in this package, or "".
func (r *constReader) typeOf(name string, depth int) string {
	if t, ok := r.types[name]; ok {
		return t
	}
	d, ok := r.decls[name]
	if !ok || depth > maxConstDepth {
		return ""
	}
	t := d.typ
	if t == "" {
		t = r.exprType(d.expr, depth+1)
	}
	r.types[name] = t
	return t
}

// exprType returns the type a constant expression gives an untyped
// declaration: a conversion's, or another constant's.
func (r *constReader) exprType(e ast.Expr, depth int) string {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return r.exprType(e.X, depth)
	case *ast.Ident:
		return r.typeOf(e.Name, depth)
	case *ast.CallExpr:
		if len(e.Args) == 1 {
			return identName(e.Fun)
		}
	case *ast.BinaryExpr:
		if t := r.exprType(e.X, depth); t != "" {
			return t
		}
		return r.exprType(e.Y, depth)
	}
	return ""
}

// value returns the constant's value, or nil when it cannot be read.
func (r *constReader) value(name string, depth int) constant.Value {
	if v, ok := r.done[name]; ok {
		return v
	}
	d, ok := r.decls[name]
	if !ok || depth > maxConstDepth {
		return nil
	}
	v := r.eval(d.expr, depth+1)
	r.done[name] = v
	return v
}

// eval evaluates string literals, other constants, parentheses,
// conversions and string concatenation.
func (r *constReader) eval(e ast.Expr, depth int) constant.Value {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			if s, err := strconv.Unquote(e.Value); err == nil {
				return constant.MakeString(s)
			}
		}
	case *ast.ParenExpr:
		return r.eval(e.X, depth)
	case *ast.Ident:
		return r.value(e.Name, depth)
	case *ast.CallExpr:
		if len(e.Args) == 1 && identName(e.Fun) != "" {
			return r.eval(e.Args[0], depth)
		}
	case *ast.BinaryExpr:
		x, y := r.eval(e.X, depth), r.eval(e.Y, depth)
		if e.Op == token.ADD && x != nil && y != nil && x.Kind() == constant.String && y.Kind() == constant.String {
			return constant.BinaryOp(x, token.ADD, y)
		}
	}
	return nil
}

// receiverName returns T for a receiver of type T or *T.
func receiverName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	return identName(e)
}

// identName returns the name of an identifier, or "".
func identName(e ast.Expr) string {
	if p, ok := e.(*ast.ParenExpr); ok {
		return identName(p.X)
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// importPath returns the import path of the package in dir, from the
// module path in the nearest go.mod above it.
func importPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for root := abs; ; {
		b, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err == nil {
			mod := modulePath(b)
			if mod == "" {
				return "", fmt.Errorf("%s: no module directive", filepath.Join(root, "go.mod"))
			}
			rel, err := filepath.Rel(root, abs)
			if err != nil {
				return "", err
			}
			if rel == "." {
				return mod, nil
			}
			return mod + "/" + filepath.ToSlash(rel), nil
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", fmt.Errorf("no go.mod above %s", abs)
		}
		root = parent
	}
}

// modulePath returns the path of a go.mod's module directive.
func modulePath(gomod []byte) string {
	for _, line := range strings.Split(string(gomod), "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest = strings.TrimSpace(rest)
			if i := strings.Index(rest, "//"); i >= 0 {
				rest = strings.TrimSpace(rest[:i])
			}
			if p, err := strconv.Unquote(rest); err == nil {
				return p
			}
			return rest
		}
	}
	return ""
}
