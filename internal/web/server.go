// Package web is qcity's front hall: the router, the middleware (request ids, logging,
// authentication by session cookie or API key, CSRF, language, role and region checks),
// the server-rendered UI in Simplified Chinese and English, and the JSON API under
// /api/v1 described by /api/v1/openapi.json.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/certification"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/limits"
	"qcity/internal/locale"
	"qcity/internal/nqi"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/screening"
	"qcity/internal/translog"
)

// Config holds the web settings.
type Config struct {
	BureauName   string // shown in the top bar; defaults to the jurisdiction's name + 市场监督管理局
	SecureCookie bool   // set the Secure flag on cookies (behind HTTPS)
	MaxBodyBytes int64  // JSON and form bodies
	MaxFileBytes int64  // uploads (imports)
	// SyncImportBytes is the largest upload imported while the browser waits; larger
	// files run in the background with a progress page. Default 1 MiB (~10,000 rows).
	SyncImportBytes int64
	// PublicPerMinute limits the public lookups (Route.Limited) an address may make
	// without logging in: that many a minute, in bursts of as many. 0: 120; negative:
	// no limit.
	PublicPerMinute int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client
	// (for the audit log, the login and lookup limits); none: the peer is the client.
	TrustedProxies []netip.Prefix
}

// Server holds the services the handlers use.
type Server struct {
	Config    Config
	DB        *db.DB
	Clock     qcity.Clock
	Log       *slog.Logger
	Auth      *auth.Service
	Registry  *registry.Service
	Sampling  *sampling.Service
	Credit    *credit.Service
	Screening *screening.Service
	NQI       *nqi.Service // quality infrastructure and the annual report; nil: one over the other services
	// Certification is certification oversight (认证监管); nil: one over DB, without
	// QR tokens.
	Certification *certification.Service
	TransLog      *translog.Log     // the tamper-evident public log
	Limits        *limits.Catalogue // the limits catalogue (标准限量库); nil: an unseeded one over DB
	Jurisdiction  *region.Jurisdiction
	// RiskWeight weighs entities in random target draws; nil draws uniformly.
	RiskWeight sampling.RiskWeight
	Locale     *locale.Catalogue

	mux     *http.ServeMux
	routes  []Route
	tmpl    *templates
	metrics *metrics
	ready   func() error
	jobs    *jobs
	apiDoc  []byte       // openapi.json with the generated parts merged in
	limiter *rateLimiter // anonymous public lookups; nil: no limit
}

// Access says who may call a route.
type Access int

const (
	Public        Access = iota // anyone, logged in or not
	Authenticated               // any logged-in user or API key
	Roles                       // only the listed roles
	Users                       // people logged in through the browser (not API keys)
)

// Route is one registered route. Routes are kept so that tests can walk every route
// against every role, and check that the OpenAPI description covers every API route.
type Route struct {
	Method  string
	Pattern string
	Access  Access
	Roles   []qcity.Role
	// NonPublic marks routes that return data not published to everyone; an API key's
	// read of such a route is written to the audit log.
	NonPublic bool
	// CreditQuery marks routes that answer a credit query about an entity: every call,
	// anonymous ones included, is written to the audit log.
	CreditQuery bool
	// Limited marks public lookups that anonymous callers may make only at
	// Config.PublicPerMinute.
	Limited bool
	// MaxUpload is the largest multipart body the route accepts; 0 means
	// Config.MaxFileBytes. tooLarge, if set, answers a body over the limit (a browser
	// form shown again with the error beside its file fields) instead of the error page.
	MaxUpload int64
	tooLarge  http.HandlerFunc
	handler   http.HandlerFunc
}

// API reports whether the route belongs to the JSON API.
func (r Route) API() bool { return strings.HasPrefix(r.Pattern, "/api/") }

// Allows reports whether an actor with role may call the route.
func (r Route) Allows(a qcity.Actor) bool {
	switch r.Access {
	case Public:
		return true
	case Authenticated:
		return a.Authenticated()
	case Users:
		return a.Kind == qcity.ActorUser
	}
	return a.Authenticated() && slices.Contains(r.Roles, a.Role)
}

// New builds the server and its routes. ready reports whether the server can take
// traffic (database reachable, schema current); nil means always.
func New(cfg Config, s Server, ready func() error) (*Server, error) {
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxFileBytes == 0 {
		cfg.MaxFileBytes = 64 << 20
	}
	if cfg.SyncImportBytes == 0 {
		cfg.SyncImportBytes = 1 << 20
	}
	if cfg.PublicPerMinute == 0 {
		cfg.PublicPerMinute = 120
	}
	if cfg.BureauName == "" {
		cfg.BureauName = s.Jurisdiction.Prefecture.Name + "市场监督管理局"
	}
	srv := &s
	srv.Config = cfg
	srv.ready = ready
	srv.jobs = &jobs{}
	if cfg.PublicPerMinute > 0 {
		srv.limiter = newRateLimiter(cfg.PublicPerMinute, cfg.PublicPerMinute, time.Now)
	}
	if srv.Locale == nil {
		srv.Locale = locale.Default()
	}
	if srv.Log == nil {
		srv.Log = slog.New(slog.DiscardHandler)
	}
	if srv.Limits == nil {
		srv.Limits = &limits.Catalogue{DB: srv.DB, Clock: srv.Clock}
	}
	if srv.Certification == nil {
		srv.Certification = certification.NewService(srv.DB, srv.Clock, srv.Registry)
		srv.Certification.Sampling = srv.Sampling
		if err := srv.Certification.Load(context.Background()); err != nil {
			return nil, err
		}
	}
	if srv.NQI == nil {
		srv.NQI = nqi.NewService(srv.DB, srv.Clock, srv.Registry, srv.Sampling, srv.Credit, srv.Jurisdiction)
	}
	t, err := parseTemplates(srv)
	if err != nil {
		return nil, err
	}
	srv.tmpl = t
	srv.metrics = newMetrics(prometheus.NewRegistry(), srv)
	srv.mux = http.NewServeMux()
	srv.registerRoutes()
	paths, schemas := srv.nqiOpenAPI()
	if srv.apiDoc, err = mergeOpenAPI(openAPI, paths, schemas); err != nil {
		return nil, err
	}
	return srv, nil
}

// Routes returns every registered route.
func (s *Server) Routes() []Route { return slices.Clone(s.routes) }

// officials are the roles of the bureau's own staff.
var officials = []qcity.Role{qcity.RoleAdmin, qcity.RoleCityOfficial, qcity.RoleCountyOfficial}

func (s *Server) handle(method, pattern string, access Access, roles []qcity.Role, h http.HandlerFunc) *Route {
	r := Route{Method: method, Pattern: pattern, Access: access, Roles: roles, handler: h}
	s.routes = append(s.routes, r)
	rp := &s.routes[len(s.routes)-1]
	s.mux.Handle(method+" "+pattern, s.guard(rp))
	return rp
}

func (s *Server) registerRoutes() {
	pub := func(method, pattern string, h http.HandlerFunc) { s.handle(method, pattern, Public, nil, h) }
	// lookup: public, and limited for anonymous callers (Config.PublicPerMinute).
	lookup := func(method, pattern string, h http.HandlerFunc) {
		s.handle(method, pattern, Public, nil, h).Limited = true
	}
	official := func(method, pattern string, h http.HandlerFunc) {
		s.handle(method, pattern, Roles, officials, h).NonPublic = true
	}
	admin := func(method, pattern string, h http.HandlerFunc) {
		s.handle(method, pattern, Roles, []qcity.Role{qcity.RoleAdmin}, h).NonPublic = true
	}
	user := func(method, pattern string, h http.HandlerFunc) { s.handle(method, pattern, Users, nil, h) }

	// Operations.
	pub("GET", "/healthz", s.handleHealthz)
	pub("GET", "/readyz", s.handleReadyz)
	pub("GET", "/metrics", s.handleMetrics)
	pub("GET", "/static/", s.handleStatic)

	// Public portal.
	pub("GET", "/{$}", s.handleHome)
	pub("GET", "/lang", s.handleLang)
	pub("GET", "/login", s.handleLoginForm)
	pub("POST", "/login", s.handleLogin)
	user("POST", "/logout", s.handleLogout)
	user("GET", "/account", s.handleAccount)
	user("POST", "/account/password", s.handlePasswordChange)
	lookup("GET", "/search", s.handlePublicSearch)
	lookup("GET", "/e/{uscc}", s.handlePublicEntity)

	// Officials' workspace.
	official("GET", "/entities", s.handleEntityList)
	official("GET", "/entities/export", s.handleEntityExport)
	official("GET", "/entities/new", s.handleEntityNew)
	official("POST", "/entities", s.handleEntityCreate)
	official("GET", "/entities/import", s.handleImportForm)
	official("GET", "/entities/import/template", s.handleImportTemplate)
	official("POST", "/entities/import", s.handleImport)
	official("GET", "/entities/import/jobs/{job}", s.handleImportJob)
	official("GET", "/entities/{uscc}", s.handleEntityDetail)
	official("GET", "/entities/{uscc}/edit", s.handleEntityEdit)
	official("POST", "/entities/{uscc}", s.handleEntityUpdate)
	official("POST", "/entities/{uscc}/products", s.handleProductCreate)
	official("GET", "/organisations", s.handleOrgList)
	official("GET", "/organisations/export", s.handleOrgExport)
	official("GET", "/organisations/new", s.handleOrgNew)
	official("POST", "/organisations", s.handleOrgCreate)
	official("GET", "/organisations/{id}/edit", s.handleOrgEdit)
	official("POST", "/organisations/{id}", s.handleOrgUpdate)
	official("GET", "/audit", s.handleAuditList)
	official("GET", "/audit/export", s.handleAuditExport)
	admin("GET", "/admin/users", s.handleUserList)
	admin("POST", "/admin/users", s.handleUserCreate)
	admin("POST", "/admin/users/{id}/disable", s.handleUserDisable)
	admin("POST", "/admin/users/{id}/enable", s.handleUserEnable)
	admin("GET", "/admin/apikeys", s.handleAPIKeyList)
	admin("POST", "/admin/apikeys", s.handleAPIKeyCreate)
	admin("POST", "/admin/apikeys/{id}/revoke", s.handleAPIKeyRevoke)

	// Sampling inspection.
	labsAndOfficials := append([]qcity.Role{qcity.RoleLab}, officials...)
	involved := append([]qcity.Role{qcity.RoleLab, qcity.RoleEnterprise}, officials...)
	nonPublic := func(method, pattern string, roles []qcity.Role, h http.HandlerFunc) {
		s.handle(method, pattern, Roles, roles, h).NonPublic = true
	}
	nonPublic("GET", "/sampling", involved, s.handleSampleList)
	official("GET", "/sampling/worklist", s.handleWorklist)
	official("GET", "/sampling/worklist/export", s.handleWorklistExport)
	official("GET", "/sampling/export", s.handleSampleExport)
	nonPublic("GET", "/sampling/new", labsAndOfficials, s.handleSampleNew)
	nonPublic("POST", "/sampling", labsAndOfficials, s.handleSampleCreate)
	nonPublic("GET", "/sampling/import", labsAndOfficials, s.handleSampleImportForm)
	nonPublic("GET", "/sampling/import/template", labsAndOfficials, s.handleSampleTemplate)
	nonPublic("POST", "/sampling/import", labsAndOfficials, s.handleSampleImport)
	nonPublic("GET", "/sampling/import/jobs/{job}", labsAndOfficials, s.handleSampleImportJob)
	official("GET", "/sampling/plans", s.handlePlanList)
	official("GET", "/sampling/plans/export", s.handlePlanExport)
	nonPublic("GET", "/sampling/tasks", labsAndOfficials, s.handleTaskList)
	nonPublic("GET", "/sampling/tasks/export", labsAndOfficials, s.handleTaskExport)
	official("GET", "/sampling/plans/new", s.handlePlanNew)
	official("POST", "/sampling/plans", s.handlePlanCreate)
	official("GET", "/sampling/plans/{id}", s.handlePlanDetail)
	official("POST", "/sampling/plans/{id}/draw", s.handlePlanDraw)
	official("POST", "/sampling/officers", s.handleOfficerCreate)
	official("GET", "/sampling/categories", s.handleCategoryList)
	official("POST", "/sampling/categories", s.handleCategorySave)
	official("GET", "/limits", s.handleLimitList)
	official("GET", "/limits/export", s.handleLimitExport)
	official("GET", "/limits/template", s.handleLimitTemplate)
	official("POST", "/limits/import", s.handleLimitImport)
	official("GET", "/limits/new", s.handleLimitNew)
	official("POST", "/limits", s.handleLimitCreate)
	official("GET", "/dashboard", s.handleDashboard)
	official("GET", "/dashboard/export", s.handleDashboardExport)
	nonPublic("GET", "/sampling/{no}", involved, s.handleSampleDetail)
	nonPublic("POST", "/sampling/{no}/steps", involved, s.handleSampleStep)
	pub("GET", "/announcements", s.handleAnnouncementList)
	pub("GET", "/announcements/{id}", s.handleAnnouncementDetail)

	// Credit UI.
	// The public portal (信用信息公示): search, profiles, the lists and the log.
	lookup("GET", "/credit", s.handleCreditSearch)
	profile := s.handle("GET", "/credit/{uscc}", Public, nil, s.handleCreditProfile)
	profile.CreditQuery, profile.Limited = true, true
	pub("GET", "/lists/abnormal", s.handlePublicAbnormalList)
	pub("GET", "/lists/abnormal/export", s.handlePublicAbnormalExport)
	pub("GET", "/lists/serious", s.handlePublicSeriousList)
	pub("GET", "/lists/serious/export", s.handlePublicSeriousExport)
	pub("GET", "/lists/penalties", s.handlePublicPenaltyList)
	pub("GET", "/lists/penalties/export", s.handlePublicPenaltyExport)
	pub("GET", "/log", s.handleLogPage)
	pub("GET", "/log/{index}", s.handleLogRecord)
	// The enterprise portal (我的信用); an official of the entity's region may act for
	// it (?uscc=) where the credit service allows.
	creditParties := append([]qcity.Role{qcity.RoleEnterprise}, officials...)
	nonPublic("GET", "/my/credit", creditParties, s.handleMyCredit)
	nonPublic("GET", "/my/reports/new", creditParties, s.handleMyReportNew)
	nonPublic("POST", "/my/reports", creditParties, s.handleMyReportFile)
	nonPublic("GET", "/my/reports/{year}/edit", creditParties, s.handleMyReportEdit)
	nonPublic("POST", "/my/reports/{year}", creditParties, s.handleMyReportCorrect)
	nonPublic("GET", "/my/repairs/new", creditParties, s.handleMyRepairNew)
	upload := s.handle("POST", "/my/repairs", Roles, creditParties, s.handleMyRepairCreate)
	upload.NonPublic, upload.MaxUpload, upload.tooLarge = true, credit.MaxTotalBytes+1<<20, s.handleMyRepairTooLarge
	nonPublic("POST", "/my/abnormal/{id}/objection", creditParties, s.handleMyObjection)
	nonPublic("GET", "/credit/documents/{id}", creditParties, s.handleCreditDocument)
	// The officials' workspace (信用监管).
	official("GET", "/credit/reports", s.handleCreditReports)
	official("GET", "/credit/reports/export", s.handleUnfiledExport)
	official("GET", "/credit/reports/paper", s.handlePaperReportNew)
	official("POST", "/credit/reports/paper", s.handlePaperReportFile)
	official("GET", "/credit/abnormal", s.handleAbnormalWork)
	official("GET", "/credit/abnormal/export", s.handleAbnormalExport)
	official("POST", "/credit/abnormal/confirm", s.handleAbnormalConfirm)
	official("POST", "/credit/abnormal", s.handleAbnormalCreate)
	official("POST", "/credit/abnormal/{id}/objection", s.handleAbnormalObjectionDecide)
	official("GET", "/credit/serious", s.handleSeriousWork)
	official("GET", "/credit/serious/export", s.handleSeriousExport)
	official("GET", "/credit/serious/new", s.handleSeriousNew)
	official("POST", "/credit/serious", s.handleSeriousCreate)
	official("GET", "/credit/serious/{id}", s.handleSeriousDetail)
	official("POST", "/credit/serious/{id}/steps", s.handleSeriousStep)
	official("GET", "/credit/penalties", s.handlePenaltyWork)
	official("GET", "/credit/penalties/export", s.handlePenaltyExport)
	official("GET", "/credit/penalties/new", s.handlePenaltyNew)
	official("POST", "/credit/penalties", s.handlePenaltyCreate)
	official("GET", "/credit/penalties/{id}", s.handlePenaltyDetail)
	official("POST", "/credit/penalties/{id}/annul", s.handlePenaltyAnnul)
	official("POST", "/credit/penalties/{id}/credit-china", s.handlePenaltyCreditChina)
	official("GET", "/credit/repairs", s.handleRepairWork)
	official("GET", "/credit/repairs/export", s.handleRepairExport)
	official("GET", "/credit/repairs/{id}", s.handleRepairDetail)
	official("POST", "/credit/repairs/{id}/decision", s.handleRepairDecide)
	official("GET", "/credit/risk", s.handleRiskPage)
	official("GET", "/credit/risk/export", s.handleRiskExport)
	admin("GET", "/admin/credit", s.handleCreditConfig)
	admin("POST", "/admin/credit", s.handleCreditConfigSave)

	// Screening (信用核查) for officials and procurement staff; public verification.
	screenUsers := append([]qcity.Role{qcity.RoleAPIClient}, officials...)
	nonPublic("GET", "/screening", screenUsers, s.handleScreeningPage)
	nonPublic("POST", "/screening", screenUsers, s.handleScreeningRun)
	nonPublic("GET", "/screening/template", screenUsers, s.handleScreeningTemplate)
	nonPublic("POST", "/screening/decisions", screenUsers, s.handleScreeningDecision)
	nonPublic("POST", "/screening/decisions/{id}/revoke", screenUsers, s.handleScreeningDecisionRevoke)
	nonPublic("GET", "/screening/{id}", screenUsers, s.handleScreeningResult)
	nonPublic("GET", "/screening/{id}/export", screenUsers, s.handleScreeningExport)
	nonPublic("GET", "/screening/{id}/certificate", screenUsers, s.handleScreeningCertificatePrint)
	lookup("GET", "/verify", s.handleScreeningVerify)

	// JSON API.
	pub("GET", "/api/v1/openapi.json", s.handleOpenAPI)
	pub("GET", "/api/v1/uscc/{code}", s.handleAPIUSCC)
	pub("GET", "/api/v1/regions", s.handleAPIRegions)
	pub("GET", "/api/v1/industries", s.handleAPIIndustries)
	lookup("GET", "/api/v1/entities", s.handleAPIEntityList)
	lookup("GET", "/api/v1/entities/{uscc}", s.handleAPIEntity)
	official("GET", "/api/v1/entities/export", s.handleEntityExport)
	s.handle("POST", "/api/v1/entities", Roles, officials, s.handleAPIEntityCreate)
	s.handle("PUT", "/api/v1/entities/{uscc}", Roles, officials, s.handleAPIEntityUpdate)
	pub("GET", "/api/v1/entities/{uscc}/products", s.handleAPIProductList)
	s.handle("POST", "/api/v1/entities/{uscc}/products", Roles, officials, s.handleAPIProductCreate)
	pub("GET", "/api/v1/organisations", s.handleAPIOrgList)
	pub("GET", "/api/v1/organisations/{id}", s.handleAPIOrg)
	s.handle("POST", "/api/v1/organisations", Roles, officials, s.handleAPIOrgCreate)
	s.handle("PUT", "/api/v1/organisations/{id}", Roles, officials, s.handleAPIOrgUpdate)
	official("GET", "/api/v1/audit", s.handleAPIAudit)
	nonPublic("POST", "/api/v1/samples", labsAndOfficials, s.handleAPISampleCreate)
	nonPublic("GET", "/api/v1/samples", involved, s.handleAPISampleList)
	nonPublic("GET", "/api/v1/samples/{no}", involved, s.handleAPISample)
	nonPublic("POST", "/api/v1/samples/{no}/steps", involved, s.handleAPISampleStep)
	official("GET", "/api/v1/sampling/worklist", s.handleAPIWorklist)
	pub("GET", "/api/v1/sampling/stats", s.handleAPIStats)
	pub("GET", "/api/v1/sampling/categories", s.handleAPICategories)
	pub("GET", "/api/v1/limits", s.handleAPILimitList)
	s.handle("POST", "/api/v1/limits", Roles, officials, s.handleAPILimitCreate)
	official("GET", "/api/v1/sampling/plans", s.handleAPIPlans)
	official("POST", "/api/v1/sampling/plans", s.handleAPIPlanCreate)
	official("GET", "/api/v1/sampling/plans/{id}", s.handleAPIPlan)
	official("POST", "/api/v1/sampling/plans/{id}/draw", s.handleAPIPlanDraw)
	pub("GET", "/api/v1/announcements", s.handleAPIAnnouncements)
	pub("GET", "/api/v1/announcements/{id}", s.handleAPIAnnouncement)
	s.handle("GET", "/api/v1/me", Authenticated, nil, s.handleAPIMe)

	// Credit API.
	entAndOfficials := append([]qcity.Role{qcity.RoleEnterprise}, officials...)
	s.handle("GET", "/api/v1/entities/{uscc}/credit", Public, nil, s.handleAPICreditProfile).CreditQuery = true
	pub("GET", "/api/v1/lists/abnormal", s.handleAPIAbnormalList)
	pub("GET", "/api/v1/lists/serious", s.handleAPISeriousList)
	pub("GET", "/api/v1/penalties", s.handleAPIPenaltyList)
	// Public, but officials of the region and the enterprise itself read the private
	// parts (unpublished figures, who filed): an API key's read is audited.
	s.handle("GET", "/api/v1/annual-reports/{uscc}/{year}", Public, nil, s.handleAPIReport).NonPublic = true
	nonPublic("POST", "/api/v1/annual-reports", entAndOfficials, s.handleAPIReportFile)
	nonPublic("PUT", "/api/v1/annual-reports", entAndOfficials, s.handleAPIReportCorrect)
	official("GET", "/api/v1/credit/report-rate", s.handleAPIReportRate)
	official("GET", "/api/v1/credit/unfiled", s.handleAPIUnfiled)
	official("GET", "/api/v1/credit/risk/{uscc}", s.handleAPIRisk)
	official("GET", "/api/v1/lists/abnormal/proposals", s.handleAPIProposals)
	official("POST", "/api/v1/lists/abnormal/proposals/confirm", s.handleAPIConfirmProposals)
	official("POST", "/api/v1/lists/abnormal", s.handleAPIAbnormalCreate)
	nonPublic("POST", "/api/v1/lists/abnormal/{id}/objection", entAndOfficials, s.handleAPIAbnormalObjection)
	official("POST", "/api/v1/lists/serious", s.handleAPISeriousPropose)
	official("POST", "/api/v1/lists/serious/{id}/steps", s.handleAPISeriousStep)
	official("POST", "/api/v1/penalties", s.handleAPIPenaltyCreate)
	official("POST", "/api/v1/penalties/{id}/annul", s.handleAPIPenaltyAnnul)
	nonPublic("POST", "/api/v1/repairs", entAndOfficials, s.handleAPIRepairCreate)
	nonPublic("GET", "/api/v1/repairs", entAndOfficials, s.handleAPIRepairs)
	nonPublic("GET", "/api/v1/repairs/{id}", entAndOfficials, s.handleAPIRepair)
	official("POST", "/api/v1/repairs/{id}/decision", s.handleAPIRepairDecide)
	pub("GET", "/api/v1/log/key", s.handleAPILogKey)
	pub("GET", "/api/v1/log/checkpoint", s.handleAPILogCheckpoint)
	pub("GET", "/api/v1/log/records", s.handleAPILogRecords)
	pub("GET", "/api/v1/log/proof/inclusion", s.handleAPILogInclusion)
	pub("GET", "/api/v1/log/proof/consistency", s.handleAPILogConsistency)

	// Screening API.
	screeners := append([]qcity.Role{qcity.RoleAPIClient}, officials...)
	nonPublic("POST", "/api/v1/screening", screeners, s.handleAPIScreen)
	nonPublic("GET", "/api/v1/screening/history", screeners, s.handleAPIScreeningHistory)
	nonPublic("GET", "/api/v1/screening/changes", screeners, s.handleAPIScreeningChanges)
	nonPublic("GET", "/api/v1/screening/decisions", screeners, s.handleAPIDecisions)
	nonPublic("POST", "/api/v1/screening/decisions", screeners, s.handleAPIDecisionCreate)
	nonPublic("POST", "/api/v1/screening/decisions/{id}/revoke", screeners, s.handleAPIDecisionRevoke)
	nonPublic("GET", "/api/v1/screening/subscriptions", screeners, s.handleAPISubscriptions)
	nonPublic("POST", "/api/v1/screening/subscriptions", screeners, s.handleAPISubscriptionCreate)
	nonPublic("POST", "/api/v1/screening/subscriptions/{id}/cancel", screeners, s.handleAPISubscriptionCancel)
	nonPublic("GET", "/api/v1/screening/subscriptions/{id}/deliveries", screeners, s.handleAPIDeliveries)
	lookup("GET", "/api/v1/screening/certificates/{code}", s.handleAPIScreeningCertificate)
	nonPublic("GET", "/api/v1/screening/{id}", screeners, s.handleAPIScreening)

	s.registerCertRoutes()

	// Quality infrastructure (质量基础) and the annual quality report.
	s.registerNQIRoutes()

	s.mux.Handle("/", s.guard(&Route{Pattern: "/", Access: Public, handler: s.handleNotFound}))
}

// ServeHTTP runs the middleware chain and the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.serve(w, r)
}
