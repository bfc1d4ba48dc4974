package clienttest_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"strings"
	"testing"
)

// The README and the package doc show every method of every client
// interface as api.go declares it, so that they cannot drift apart.
func TestDocsShowTheInterfaces(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "api.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var want []string // "TagUsers(ctx context.Context, tag string, extIDs []string) error"
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			ts, ok := spec.(*ast.TypeSpec)
			if !ok || !strings.HasSuffix(ts.Name.Name, "Client") {
				continue
			}
			it, ok := ts.Type.(*ast.InterfaceType)
			if !ok {
				continue
			}
			want = append(want, "type "+ts.Name.Name+" interface {")
			for _, m := range it.Methods.List {
				var b bytes.Buffer
				if err := printer.Fprint(&b, fset, m.Type); err != nil {
					t.Fatal(err)
				}
				want = append(want, m.Names[0].Name+strings.TrimPrefix(b.String(), "func"))
			}
		}
	}
	if len(want) < 30 {
		t.Fatalf("found %d interface lines in api.go; the parse went wrong", len(want))
	}
	for _, doc := range []struct{ file, indent string }{{"../README.md", "\t"}, {"doc.go", "//\t\t"}} {
		b, err := os.ReadFile(doc.file)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range want {
			if strings.HasPrefix(line, "type ") {
				line = strings.TrimSuffix(line, " {")
			} else {
				line = doc.indent + line + "\n"
			}
			if !bytes.Contains(b, []byte(line)) {
				t.Errorf("%s does not show %q as api.go declares it", doc.file, strings.TrimSpace(line))
			}
		}
	}
}
