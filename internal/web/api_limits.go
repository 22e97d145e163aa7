package web

import (
	"net/http"

	"qcity/internal/limits"
)

// handleAPILimitList lists catalogued limits. Standards are public, so anyone may read
// the catalogue: ?q= (analyte or food), standard=, status=, kind=, limit=, offset=.
func (s *Server) handleAPILimitList(w http.ResponseWriter, r *http.Request) {
	f, err := limitFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.Limits.Find(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

// handleAPILimitCreate adds a limit to the catalogue: 201 with the entry.
func (s *Server) handleAPILimitCreate(w http.ResponseWriter, r *http.Request) {
	var in limits.EntryInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	e, err := s.Limits.Create(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, e)
}
