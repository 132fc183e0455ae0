package focusflow_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/focusflow/focusflow"
)

// isKindName tells an activity kind's constant (ActTaskAdded) from a
// timer action's (ActionStart).
func isKindName(name string) bool {
	return strings.HasPrefix(name, "Act") && !strings.HasPrefix(name, "Action")
}

// declaredKinds reads the values of the package's Act* string constants
// from its source, in the order declared, so that a kind added without
// being listed in ActivityKinds is caught.
func declaredKinds(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	names, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, n := range names {
		if !strings.HasSuffix(n.Name(), ".go") || strings.HasSuffix(n.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !isKindName(name.Name) || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: activity kinds are string literals", name.Name)
					}
					v, _ := strconv.Unquote(lit.Value)
					kinds = append(kinds, v)
				}
			}
		}
	}
	return kinds
}

func TestActivityKindsListsEveryDeclaredKind(t *testing.T) {
	declared := declaredKinds(t)
	listed := focusflow.ActivityKinds()
	if len(declared) < 20 {
		t.Fatalf("found only %d Act* constants: %v", len(declared), declared)
	}
	slices.Sort(declared)
	sorted := slices.Sorted(slices.Values(listed))
	if !slices.Equal(declared, sorted) {
		t.Errorf("ActivityKinds() = %v\ndeclared Act* constants = %v", sorted, declared)
	}
	if len(slices.Compact(sorted)) != len(listed) {
		t.Errorf("ActivityKinds() lists a kind twice: %v", listed)
	}
}
