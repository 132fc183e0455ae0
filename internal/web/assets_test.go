package web

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// servedImport matches a static import's specifier in a served module.
var servedImport = regexp.MustCompile(`(?:\bfrom\s*|\bimport\s*)['"]([^'"\s]+)['"]`)

// TestModuleImportsResolve checks the embedded modules as served: every
// import names a hashed URL that is served, none is left relative (the
// browser would ask for an unhashed name, which is a 404).
func TestModuleImportsResolve(t *testing.T) {
	t.Parallel()
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	entry, err := a.url("js/dashboard.js")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(u string)
	walk = func(u string) {
		if seen[u] {
			return
		}
		seen[u] = true
		f, ok := a.byHashed[strings.TrimPrefix(u, "/static/")]
		if !ok {
			t.Errorf("%s is imported but not served", u)
			return
		}
		for _, m := range servedImport.FindAllStringSubmatch(string(f.body), -1) {
			if !strings.HasPrefix(m[1], "/static/") {
				t.Errorf("%s imports %q, not a hashed URL", u, m[1])
				continue
			}
			walk(m[1])
		}
	}
	walk(entry)
	if len(seen) < 2 {
		t.Errorf("dashboard.js imports nothing: %v", seen)
	}
}

func TestModuleHashCoversImports(t *testing.T) {
	t.Parallel()
	files := func(leaf string) fstest.MapFS {
		return fstest.MapFS{
			"js/main.js":     {Data: []byte("import { b } from './b.js';\nimport './lib/c.js';\nb();\n")},
			"js/b.js":        {Data: []byte("import { c } from \"./lib/c.js\";\nexport const b = () => c;\n")},
			"js/lib/c.js":    {Data: []byte(leaf)},
			"css/app.css":    {Data: []byte("body{}")},
			"js/imported.js": {Data: []byte("const source = { imported: 'Imported' }; // from the server\n")},
		}
	}
	before, err := loadAssetsFS(files("export const c = 1;\n"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := loadAssetsFS(files("export const c = 2;\n"))
	if err != nil {
		t.Fatal(err)
	}
	main, _ := before.url("js/main.js")
	c, _ := before.url("js/lib/c.js")
	b, _ := before.url("js/b.js")
	body := string(before.byHashed[strings.TrimPrefix(main, "/static/")].body)
	want := "import { b } from '" + b + "';\nimport '" + c + "';\nb();\n"
	if body != want {
		t.Errorf("main.js served as\n%s\nwant\n%s", body, want)
	}
	for _, name := range []string{"js/main.js", "js/b.js", "js/lib/c.js"} {
		u1, _ := before.url(name)
		u2, _ := after.url(name)
		if u1 == u2 {
			t.Errorf("%s keeps its URL %s after a module it depends on changed", name, u1)
		}
	}
	for _, name := range []string{"css/app.css", "js/imported.js"} {
		u1, _ := before.url(name)
		u2, _ := after.url(name)
		if u1 != u2 {
			t.Errorf("%s renamed (%s → %s) though it depends on nothing that changed", name, u1, u2)
		}
	}
}

func TestModuleImportErrors(t *testing.T) {
	t.Parallel()
	for name, fsys := range map[string]fstest.MapFS{
		"missing": {"js/a.js": {Data: []byte("import { x } from './nope.js';\n")}},
		"outside": {"js/a.js": {Data: []byte("import { x } from '../../x.js';\n")}},
		"cycle": {
			"js/a.js": {Data: []byte("import { b } from './b.js';\nexport const a = 1;\n")},
			"js/b.js": {Data: []byte("import { a } from './a.js';\nexport const b = 2;\n")},
		},
	} {
		if _, err := loadAssetsFS(fsys); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
