package web

import (
	"net/http"

	"qcity"
	"qcity/internal/nqi"
)

// nqiRoles says who may call a register's routes: officials always; enterprises read
// their own records of registers with an owner, and enter them where the register
// allows (benchmarking).
func nqiRoles(k *nqi.Kind, write bool) []qcity.Role {
	if (!write && k.Owner) || (write && k.OwnerWrite) {
		return append([]qcity.Role{qcity.RoleEnterprise}, officials...)
	}
	return officials
}

// registerNQIRoutes registers the quality-infrastructure pages and API: the same nine
// pages and four API routes for every register, the report (published) and its
// drill-down (officials), the benchmarking leaders.
func (s *Server) registerNQIRoutes() {
	route := func(method, pattern string, roles []qcity.Role, h http.HandlerFunc) {
		s.handle(method, pattern, Roles, roles, h).NonPublic = true
	}
	official := func(method, pattern string, h http.HandlerFunc) { route(method, pattern, officials, h) }

	// The annual quality report is published: anyone reads it, its printable view and
	// its workbook, as anonymous callers make public lookups (limited per address, since
	// each computes the report). What stands behind a figure is for officials.
	published := func(method, pattern string, h http.HandlerFunc) {
		s.handle(method, pattern, Public, nil, h).Limited = true
	}

	official("GET", "/quality", s.handleQualityHome)
	published("GET", "/quality/report", s.handleQualityReport)
	published("GET", "/quality/report/print", s.handleQualityReportPrint)
	published("GET", "/quality/report/export", s.handleQualityReportExport)
	official("GET", "/quality/report/{key}", s.handleQualityDrill)
	official("GET", "/quality/benchmarks/leaders", s.handleBenchmarkLeaders)
	for _, k := range nqi.Kinds() {
		k := k
		base := "/quality/" + k.Slug
		read, write := nqiRoles(k, false), nqiRoles(k, true)
		route("GET", base, read, func(w http.ResponseWriter, r *http.Request) { s.handleNQIList(w, r, k) })
		route("GET", base+"/export", read, func(w http.ResponseWriter, r *http.Request) { s.handleNQIExport(w, r, k) })
		route("GET", base+"/template", write, func(w http.ResponseWriter, r *http.Request) { s.handleNQITemplate(w, r, k) })
		route("POST", base+"/import", write, func(w http.ResponseWriter, r *http.Request) { s.handleNQIImport(w, r, k) })
		route("GET", base+"/new", write, func(w http.ResponseWriter, r *http.Request) { s.handleNQINew(w, r, k) })
		route("POST", base, write, func(w http.ResponseWriter, r *http.Request) { s.handleNQICreate(w, r, k) })
		route("GET", base+"/{id}", read, func(w http.ResponseWriter, r *http.Request) { s.handleNQIDetail(w, r, k) })
		route("GET", base+"/{id}/edit", write, func(w http.ResponseWriter, r *http.Request) { s.handleNQIEdit(w, r, k) })
		route("POST", base+"/{id}", write, func(w http.ResponseWriter, r *http.Request) { s.handleNQIUpdate(w, r, k) })

		api := "/api/v1/quality/" + k.Slug
		route("GET", api, read, func(w http.ResponseWriter, r *http.Request) { s.handleAPINQIList(w, r, k) })
		s.handle("POST", api, Roles, write, func(w http.ResponseWriter, r *http.Request) { s.handleAPINQICreate(w, r, k) })
		route("GET", api+"/{id}", read, func(w http.ResponseWriter, r *http.Request) { s.handleAPINQIGet(w, r, k) })
		s.handle("PUT", api+"/{id}", Roles, write, func(w http.ResponseWriter, r *http.Request) { s.handleAPINQIUpdate(w, r, k) })
	}
	s.handle("GET", "/api/v1/quality/schema", Public, nil, s.handleAPINQISchema)
	official("GET", "/api/v1/quality/benchmarks/leaders", s.handleAPIBenchmarkLeaders)
	published("GET", "/api/v1/reports/quality", s.handleAPIQualityReport)
	official("GET", "/api/v1/reports/quality/{key}", s.handleAPIQualityDrill)
}
