package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/locale"
	"qcity/internal/region"
	"qcity/internal/sampling"
)

// itemVerdict is one judged item in the answer to POST /api/v1/samples.
type itemVerdict struct {
	Item       string `json:"item"`
	Verdict    string `json:"verdict"`
	Reason     string `json:"reason"`
	ReasonEN   string `json:"reason_en"`
	ReasonKey  string `json:"reason_key"`
	Disagrees  bool   `json:"lab_verdict_disagrees"`
	LabVerdict string `json:"lab_verdict"`
}

func (s *Server) itemVerdicts(items []sampling.Item) []itemVerdict {
	out := make([]itemVerdict, 0, len(items))
	for _, it := range items {
		out = append(out, itemVerdict{Item: it.Item, Verdict: it.Verdict, ReasonKey: it.ReasonKey,
			Reason: s.Locale.T(locale.ZH, it.ReasonKey, it.ReasonArgs), ReasonEN: s.Locale.T(locale.EN, it.ReasonKey, it.ReasonArgs),
			Disagrees: it.Disagrees, LabVerdict: it.LabVerdict})
	}
	return out
}

// handleAPISampleCreate records a sample with its results: 201 with the verdicts.
func (s *Server) handleAPISampleCreate(w http.ResponseWriter, r *http.Request) {
	var in sampling.SampleInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	smp, err := s.Sampling.CreateSample(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/samples/"+url.PathEscape(smp.SampleNo))
	s.writeJSON(w, r, http.StatusCreated, map[string]any{"sample_no": smp.SampleNo, "verdict": smp.Verdict,
		"state": smp.State, "next_step": smp.NextStep, "due_on": smp.DueOn, "disagreements": smp.Disagreements,
		"items": s.itemVerdicts(smp.Items)})
}

func sampleFilterOf(r *http.Request) (sampling.SampleFilter, error) {
	q := r.URL.Query()
	f := sampling.SampleFilter{Kind: strings.TrimSpace(q.Get("kind")), Level: strings.TrimSpace(q.Get("level")),
		Region: strings.TrimSpace(q.Get("region")), Category1: strings.TrimSpace(q.Get("category")),
		State: strings.TrimSpace(q.Get("state")), Verdict: strings.TrimSpace(q.Get("verdict")), Q: q.Get("q"),
		Overdue: q.Get("overdue") == "1"}
	var errs []qcity.FieldError
	f.Limit, f.Offset, errs = pageOf(q, 20)
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			errs = append(errs, qcity.Field("year", "sampling.year_range"))
		}
		f.Year = n
	}
	if f.Limit > 1000 {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", 1000))
	}
	if f.Kind != "" && !validKindText(f.Kind) {
		errs = append(errs, qcity.Field("kind", "sampling.kind_unknown", "value", f.Kind))
	}
	if len([]rune(f.Q)) > 100 {
		errs = append(errs, qcity.Field("q", "registry.text_length", "max", 100))
	}
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	return f, nil
}

func validKindText(k string) bool {
	for _, x := range sampling.Kinds {
		if string(x) == k {
			return true
		}
	}
	return false
}

func (s *Server) handleAPISampleList(w http.ResponseWriter, r *http.Request) {
	f, err := sampleFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.Sampling.FindSamples(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPISample(w http.ResponseWriter, r *http.Request) {
	d, err := s.Sampling.FindSample(r.Context(), r.PathValue("no"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, s.sampleJSON(d))
}

// sampleJSON adds the rendered reasons to a sample's items.
func (s *Server) sampleJSON(d sampling.Detail) sampling.Detail {
	for i := range d.Items {
		d.Items[i].ReasonText = s.Locale.T(locale.ZH, d.Items[i].ReasonKey, d.Items[i].ReasonArgs)
	}
	return d
}

func (s *Server) handleAPISampleStep(w http.ResponseWriter, r *http.Request) {
	var in sampling.StepInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	d, err := s.Sampling.ApplyStep(r.Context(), r.PathValue("no"), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, s.sampleJSON(d))
}

// statsFilterOf reads the statistics filters shared by the API and the dashboard.
func statsFilterOf(q url.Values, defaultYear int) (sampling.StatsFilter, error) {
	f := sampling.StatsFilter{Kind: sampling.Kind(strings.TrimSpace(q.Get("kind"))), Level: sampling.Level(strings.TrimSpace(q.Get("level"))),
		Region: strings.TrimSpace(q.Get("region")), Category1: strings.TrimSpace(q.Get("category")),
		Stage: sampling.Stage(strings.TrimSpace(q.Get("stage"))), Group: strings.TrimSpace(q.Get("group")), Year: defaultYear}
	var errs []qcity.FieldError
	if f.Kind != "" && !validKindText(string(f.Kind)) {
		errs = append(errs, qcity.Field("kind", "sampling.kind_unknown", "value", string(f.Kind)))
	}
	if f.Level != "" {
		ok := false
		for _, l := range sampling.Levels {
			ok = ok || l == f.Level
		}
		if !ok {
			errs = append(errs, qcity.Field("level", "sampling.level_unknown", "value", string(f.Level)))
		}
	}
	if f.Group != "" {
		ok := false
		for _, g := range sampling.Groups {
			ok = ok || g == f.Group
		}
		if !ok {
			errs = append(errs, qcity.Field("group", "sampling.group_unknown", "value", f.Group, "groups", strings.Join(sampling.Groups, ", ")))
		}
	}
	for _, p := range []struct {
		name     string
		dst      *int
		min, max int
	}{{"year", &f.Year, 2000, 2100}, {"quarter", &f.Quarter, 1, 4}, {"month", &f.Month, 1, 12}} {
		v := strings.TrimSpace(q.Get(p.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < p.min || n > p.max {
			errs = append(errs, qcity.Field(p.name, "sampling.param_range", "name", p.name, "min", p.min, "max", p.max))
			continue
		}
		*p.dst = n
	}
	if f.Region != "" {
		if d, ok := region.Default().Get(f.Region); !ok || d.Level > 3 {
			errs = append(errs, qcity.Field("region", "region.unknown", "code", f.Region))
		}
	}
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	return f, nil
}

// statsJSON is a statistics answer: rows and total, each with judged, passed, failed
// and pass_rate.
type statsJSON struct {
	Rows  []statsRowJSON `json:"rows"`
	Total statsRowJSON   `json:"total"`
}

type statsRowJSON struct {
	Key      string  `json:"key,omitempty"`
	Label    string  `json:"label,omitempty"`
	Judged   int64   `json:"judged"`
	Passed   int64   `json:"passed"`
	Failed   int64   `json:"failed"`
	PassRate float64 `json:"pass_rate"`
}

func (s *Server) stats(f sampling.StatsFilter, lang locale.Lang) statsJSON {
	rows, total := s.Sampling.Stats.Query(f)
	out := statsJSON{Rows: make([]statsRowJSON, 0, len(rows)),
		Total: statsRowJSON{Judged: total.Judged, Passed: total.Passed, Failed: total.Failed, PassRate: total.PassRate()}}
	for _, r := range rows {
		out.Rows = append(out.Rows, statsRowJSON{Key: r.Key, Label: s.statsLabel(f, r.Key, lang), Judged: r.Judged,
			Passed: r.Passed, Failed: r.Failed, PassRate: r.PassRate()})
	}
	return out
}

// statsLabel names a statistics key for people: district names, category names, levels.
func (s *Server) statsLabel(f sampling.StatsFilter, key string, lang locale.Lang) string {
	switch f.Group {
	case sampling.GroupRegion:
		if d, ok := s.Registry.Regions().Get(key); ok {
			return d.Name
		}
	case sampling.GroupCategory:
		kind := f.Kind
		if kind == "" {
			kind = sampling.KindFood
		}
		for _, c := range s.Sampling.Categories(kind) {
			if c.Code == key {
				return c.Name
			}
		}
	case sampling.GroupLevel:
		return s.Locale.T(lang, "sampling.level."+key, nil)
	case sampling.GroupStage:
		return s.Locale.T(lang, "sampling.stage."+key, nil)
	case sampling.GroupLab:
		if id, err := strconv.ParseInt(key, 10, 64); err == nil {
			if o, err := s.Registry.FindOrganisationByID(context.Background(), id); err == nil {
				return o.Name
			}
		}
	}
	return key
}

func (s *Server) handleAPIStats(w http.ResponseWriter, r *http.Request) {
	f, err := statsFilterOf(r.URL.Query(), 0)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, s.stats(f, reqFrom(r.Context()).Lang))
}

func announcementFilterOf(r *http.Request) (sampling.AnnouncementFilter, error) {
	q := r.URL.Query()
	f := sampling.AnnouncementFilter{Kind: strings.TrimSpace(q.Get("kind")), Q: q.Get("q")}
	var errs []qcity.FieldError
	f.Limit, f.Offset, errs = pageOf(q, 20)
	if f.Limit > 1000 {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", 1000))
	}
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			errs = append(errs, qcity.Field("year", "sampling.year_range"))
		}
		f.Year = n
	}
	if f.Kind != "" && !validKindText(f.Kind) {
		errs = append(errs, qcity.Field("kind", "sampling.kind_unknown", "value", f.Kind))
	}
	if len(errs) > 0 {
		return f, qcity.Invalid(errs...)
	}
	return f, nil
}

func (s *Server) handleAPIAnnouncements(w http.ResponseWriter, r *http.Request) {
	f, err := announcementFilterOf(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, total, err := s.Sampling.FindAnnouncements(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPIAnnouncement(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a, hist, err := s.Sampling.FindAnnouncement(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"announcement": a, "history": hist})
}

func (s *Server) handleAPICategories(w http.ResponseWriter, r *http.Request) {
	kind := sampling.Kind(strings.TrimSpace(r.URL.Query().Get("kind")))
	if kind != "" && !validKindText(string(kind)) {
		s.renderError(w, r, qcity.Invalid(qcity.Field("kind", "sampling.kind_unknown", "value", string(kind))))
		return
	}
	items := s.Sampling.Categories(kind)
	if items == nil {
		items = []sampling.Category{}
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": len(items), "items": items})
}

func (s *Server) handleAPIPlans(w http.ResponseWriter, r *http.Request) {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	plans, err := s.Sampling.FindPlans(r.Context(), year)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": len(plans), "items": plans})
}

func (s *Server) handleAPIPlanCreate(w http.ResponseWriter, r *http.Request) {
	var in sampling.PlanInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := s.Sampling.CreatePlan(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, p)
}

func (s *Server) handleAPIPlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p, err := s.Sampling.FindPlan(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tasks, err := s.Sampling.FindTasks(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"plan": p, "tasks": tasks})
}

func (s *Server) handleAPIPlanDraw(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	tasks, err := s.Sampling.DrawTasks(r.Context(), id, s.RiskWeight)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, map[string]any{"tasks": tasks})
}

func (s *Server) handleAPIWorklist(w http.ResponseWriter, r *http.Request) {
	items, total, err := s.Sampling.Worklist(r.Context(), 10, 200)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}
