package web

import (
	"net/http"

	"github.com/focusflow/focusflow"
)

// The /tags page: the user's tags with their colour and how many tasks
// carry each. Its script renames, recolours, merges and deletes them
// through the JSON API and then fetches this page again for the new list,
// so that a row's markup lives in the template only.

type tagsPageData struct {
	Tags    []focusflow.Tag
	Palette []focusflow.TagColor
}

func (s *Server) tagsPage(w http.ResponseWriter, r *http.Request, a *authState) {
	tags, err := s.store.Tags(r.Context(), a.user.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, "tags", page{Title: "Tags", Data: tagsPageData{Tags: tags, Palette: focusflow.TagPalette}})
}
