package web

import (
	_ "embed"
	"net/http"
)

// openAPI is the hand-written description of the JSON API, to which the server adds
// the generated description of the quality-infrastructure API; a test fails when a
// registered API route is missing from the result.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(s.apiDoc)
}
