package web

import (
	"net/http"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/auth"
)

// API tokens on the profile page: made, shown once, listed, revoked. Only
// a cookie session reaches these routes (bearer.go closes them to tokens).

// tokensData is the profile's tokens card.
type tokensData struct {
	List   []tokenRow
	Scopes []string
	// Created is the token just made, shown this once (the page is
	// answered directly, never through a redirect, so it is in no URL).
	Created     string
	CreatedName string
}

type tokenRow struct {
	focusflow.APIToken
	Expired bool
}

func (s *Server) tokensCard(r *http.Request, a *authState, created, name string) (tokensData, error) {
	list, err := s.store.APITokens(r.Context(), a.user.ID)
	if err != nil {
		return tokensData{}, err
	}
	d := tokensData{Scopes: focusflow.Scopes, Created: created, CreatedName: name}
	for _, t := range list {
		d.List = append(d.List, tokenRow{APIToken: t, Expired: t.Expired(s.now())})
	}
	return d, nil
}

// newTokenRequest reads the creation form.
func (s *Server) newTokenRequest(r *http.Request, a *authState) (focusflow.NewAPIToken, error) {
	n := focusflow.NewAPIToken{UserID: a.user.ID, Name: r.PostFormValue("name"), Scopes: r.PostForm["scope"]}
	life, err := focusflow.ParseTokenLifetime(r.PostFormValue("expires"))
	if err != nil {
		return n, err
	}
	if life > 0 {
		n.ExpiresAt = s.now().Add(life)
	}
	return n, n.Validate(s.now())
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, a *authState) {
	n, err := s.newTokenRequest(r, a)
	if err == nil && len(r.PostForm["scope"]) == 0 {
		// A form whose boxes are all cleared asks for nothing, not for
		// everything (only the CLI's "no --scope" means all).
		err = focusflow.Invalid("scopes", "Pick at least one scope.")
	}
	if err != nil {
		s.profileFailed(w, r, a, focusflow.ErrorField(err), 0, err)
		return
	}
	raw := auth.NewPAT()
	n.Hash = auth.HashToken(s.tokenKey, raw)
	t, err := s.store.CreateAPIToken(r.Context(), n)
	if err != nil {
		s.profileFailed(w, r, a, "name", 0, err)
		return
	}
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventTokenCreated, UserID: a.user.ID, Login: a.user.Username,
		Detail: tokenLabel(t)}, "")
	s.renderProfileWith(w, r, a, http.StatusCreated, page{Notice: "Token created. Copy it now: it is shown only this once."},
		raw, t.Name)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, a *authState) {
	id, err := idParam(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := s.store.RevokeAPIToken(r.Context(), a.user.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.tokens.drop(t.Hash)
	s.audit(r, focusflow.SecurityEvent{Kind: focusflow.EventTokenRevoked, UserID: a.user.ID, Login: a.user.Username,
		Detail: tokenLabel(t)}, "")
	http.Redirect(w, r, "/profile?notice=token-revoked#tokens-h", http.StatusSeeOther)
}
