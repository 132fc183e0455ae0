package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/focusflow/focusflow/ui"
)

// assets serves the embedded static files under content-hashed names
// (app.css → app.3f9a1c2b.css) so that browsers and CDNs may keep them for a
// year: a changed file gets a new name. ES modules import each other by
// relative path in the source; those paths are rewritten to hashed URLs.
type assets struct {
	byName   map[string]string // "css/app.css" → "/static/css/app.3f9a1c2b.css"
	byHashed map[string]asset  // "css/app.3f9a1c2b.css" → content
}

type asset struct {
	body []byte
	mime string
}

func loadAssets() (*assets, error) {
	sub, err := fs.Sub(ui.Static, "static")
	if err != nil {
		return nil, err
	}
	return loadAssetsFS(sub)
}

// loadAssetsFS fingerprints every file of fsys; names are slash paths
// relative to its root ("css/app.css").
func loadAssetsFS(fsys fs.FS) (*assets, error) {
	l := assetLoader{fsys: fsys, a: &assets{byName: map[string]string{}, byHashed: map[string]asset{}},
		linking: map[string]bool{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		_, err = l.add(p)
		return err
	})
	return l.a, err
}

// extraTypes are types of static files that Go's own table lacks (a slim
// container has no system table to add them).
var extraTypes = map[string]string{".wav": "audio/wav"}

type assetLoader struct {
	fsys    fs.FS
	a       *assets
	linking map[string]bool // modules whose imports are being resolved
}

// add fingerprints one file and returns its URL. A module is hashed after
// its relative imports are rewritten to their hashed URLs, so a change to
// any module it depends on renames it too: a browser holding a cached
// module never pairs it with an import it has not seen.
func (l *assetLoader) add(name string) (string, error) {
	if u, ok := l.a.byName[name]; ok {
		return u, nil
	}
	body, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		return "", err
	}
	ext := path.Ext(name)
	if ext == ".js" {
		if body, err = l.linkImports(name, body); err != nil {
			return "", err
		}
	}
	sum := sha256.Sum256(body)
	hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	ct := extraTypes[ext]
	if ct == "" {
		ct = mime.TypeByExtension(ext)
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	if strings.HasPrefix(ct, "text/") && !strings.Contains(ct, "charset") {
		ct += "; charset=utf-8"
	}
	l.a.byName[name] = "/static/" + hashed
	l.a.byHashed[hashed] = asset{body: body, mime: ct}
	return l.a.byName[name], nil
}

// relativeImport matches the specifier of a static import or re-export by
// relative path: import { x } from './day.js', import './app.js'.
var relativeImport = regexp.MustCompile(`(\bfrom\s*|\bimport\s*)(['"])(\.\.?/[^'"\s]+)(['"])`)

// linkImports replaces the relative import specifiers of a module with the
// hashed URLs of the files they name, since only hashed names are served.
// An import of a missing file, or a cycle of imports, is an error.
func (l *assetLoader) linkImports(name string, body []byte) ([]byte, error) {
	if l.linking[name] {
		return nil, fmt.Errorf("import cycle through %q", name)
	}
	l.linking[name] = true
	defer delete(l.linking, name)
	var out bytes.Buffer
	last := 0
	for _, m := range relativeImport.FindAllSubmatchIndex(body, -1) {
		target := path.Join(path.Dir(name), string(body[m[6]:m[7]]))
		if _, err := fs.Stat(l.fsys, target); err != nil {
			return nil, fmt.Errorf("%s imports %q: %w", name, body[m[6]:m[7]], err)
		}
		u, err := l.add(target)
		if err != nil {
			return nil, err
		}
		out.Write(body[last:m[6]])
		out.WriteString(u)
		last = m[7]
	}
	out.Write(body[last:])
	return out.Bytes(), nil
}

// url returns the hashed URL of a static file; templates call it as
// {{asset "css/app.css"}}. An unknown name is a programming error.
func (a *assets) url(name string) (string, error) {
	u, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("unknown asset %q", name)
	}
	return u, nil
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	f, ok := s.assets.byHashed[name]
	if !ok {
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.mime)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
