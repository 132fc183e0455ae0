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
