// Package api holds FocusFlow's OpenAPI 3.1 description, embedded so the
// binary serves the same document the repository keeps.
package api

import _ "embed"

// OpenAPI is the OpenAPI 3.1 document of the JSON API.
//
//go:embed openapi.json
var OpenAPI []byte
