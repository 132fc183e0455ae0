package web

import (
	"net/http"

	"github.com/focusflow/focusflow"
)

// mePatch is a change to the settings /api/v1/me shows; absent or null
// fields stay as they are.
type mePatch struct {
	Timezone     *string `json:"timezone"`
	TimeFormat   *string `json:"time_format"`
	CarryForward *bool   `json:"carry_forward_auto"`
}

// apiUpdateMe changes the settings /api/v1/me shows, checked as the
// profile page checks them, and answers with the user as /api/v1/me does.
func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request, a *authState) {
	var in mePatch
	err := decodeJSON(r, &in)
	if err == nil && in.Timezone != nil {
		err = focusflow.ValidateTimezone(*in.Timezone)
	}
	if err == nil && in.TimeFormat != nil {
		err = focusflow.ValidateTimeFormat(*in.TimeFormat)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set := focusflow.UserSettings{Timezone: in.Timezone, TimeFormat: in.TimeFormat, CarryForward: in.CarryForward}
	if set != (focusflow.UserSettings{}) {
		err = s.saveSettings(r, a.user.ID, set)
	}
	var u *focusflow.User
	if err == nil {
		u, err = s.store.User(r.Context(), a.user.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, meJSON(u))
}
