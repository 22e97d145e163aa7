package web_test

// Who may call the quality-infrastructure routes, written out by hand and added to the
// access table of TestEveryRouteEveryRole: officials everywhere; enterprises read
// their own records of the registers that belong to them (benchmarking, instruments,
// chief quality officers, IP, brands, bright kitchens) and enter their own
// benchmarking; the register descriptions and the annual quality report (not what
// stands behind its figures) are public.
func init() {
	type reg struct {
		slug        string
		read, write []string
	}
	regs := []reg{
		{"standards", officials, officials}, {"standard-drafters", officials, officials},
		{"pilot-projects", officials, officials},
		{"benchmarks", entOfficials, entOfficials}, {"benchmark-indicators", entOfficials, entOfficials},
		{"qualifications", officials, officials},
		{"instruments", entOfficials, officials}, {"verifications", entOfficials, officials},
		{"quality-officers", entOfficials, officials}, {"cqo-trainings", entOfficials, officials},
		{"ip-enterprises", entOfficials, officials}, {"brands", entOfficials, officials},
		{"fund-loans", officials, officials}, {"fund-compensations", officials, officials},
		{"campaigns", officials, officials}, {"campaign-inspections", officials, officials},
		{"bright-kitchens", entOfficials, officials},
		{"improvement-projects", officials, officials}, {"improvement-indicators", officials, officials},
		{"quality-events", officials, officials}, {"event-activities", officials, officials},
		{"event-participants", officials, officials},
	}
	for _, r := range regs {
		ui, api := "/quality/"+r.slug, "/api/v1/quality/"+r.slug
		for route, who := range map[string][]string{
			"GET " + ui: r.read, "GET " + ui + "/export": r.read, "GET " + ui + "/template": r.write,
			"POST " + ui + "/import": r.write, "GET " + ui + "/new": r.write, "POST " + ui: r.write,
			"GET " + ui + "/{id}": r.read, "GET " + ui + "/{id}/edit": r.write, "POST " + ui + "/{id}": r.write,
			"GET " + api: r.read, "POST " + api: r.write, "GET " + api + "/{id}": r.read, "PUT " + api + "/{id}": r.write,
		} {
			access[route] = who
		}
	}
	for route, who := range map[string][]string{
		"GET /quality": officials, "GET /quality/report": everyone, "GET /quality/report/print": everyone,
		"GET /quality/report/export": everyone, "GET /quality/report/{key}": officials,
		"GET /quality/benchmarks/leaders": officials,
		"GET /api/v1/quality/schema":      everyone, "GET /api/v1/quality/benchmarks/leaders": officials,
		"GET /api/v1/reports/quality": everyone, "GET /api/v1/reports/quality/{key}": officials,
	} {
		access[route] = who
	}
}
