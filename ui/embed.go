// Package ui holds FocusFlow's templates and static files, embedded in the
// binary so that everything is served from our own origin (no CDN), which
// lets the Content Security Policy forbid every other host.
package ui

import "embed"

// Templates are html/template files: base.html plus one file per page.
//
//go:embed templates
var Templates embed.FS

// Static files are served under /static/ with content-hashed names.
//
//go:embed static
var Static embed.FS

// ServiceWorker is the source of /sw.js. It is served from the site root,
// not under /static/, because a worker controls only the paths below its
// own URL; the server puts the list of hashed shell files in front of it.
//
//go:embed sw.js
var ServiceWorker []byte
