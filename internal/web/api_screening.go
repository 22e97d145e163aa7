package web

import (
	"net/http"
	"strconv"
	"strings"

	"qcity"
	"qcity/internal/locale"
	"qcity/internal/screening"
)

// The screening API (联合惩戒信用核查) for procurement and bidding platforms.

// localize fills the Chinese and English texts of results from their keys.
func (s *Server) localize(results []screening.Result) {
	for i := range results {
		r := &results[i]
		for _, x := range r.Restrictions {
			if len(x.ReasonKeys) > 0 {
				var zh, en []string
				for _, k := range x.ReasonKeys {
					zh, en = append(zh, s.Locale.T(locale.ZH, k, x.ReasonArgs)), append(en, s.Locale.T(locale.EN, k, x.ReasonArgs))
				}
				x.Reason, x.ReasonEN = strings.Join(zh, "；"), strings.Join(en, "; ")
			}
		}
		for j := range r.Notes {
			n := &r.Notes[j]
			n.Text, n.TextEN = s.Locale.T(locale.ZH, n.Key, n.Args), s.Locale.T(locale.EN, n.Key, n.Args)
		}
	}
}

func (s *Server) handleAPIScreen(w http.ResponseWriter, r *http.Request) {
	var req screening.Request
	if err := decodeJSON(r, &req); err != nil {
		s.renderError(w, r, err)
		return
	}
	sc, err := s.Screening.Screen(r.Context(), req)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.localize(sc.Results)
	s.writeJSON(w, r, http.StatusOK, sc)
}

func (s *Server) handleAPIScreeningHistory(w http.ResponseWriter, r *http.Request) {
	limit, offset, errs := pageOf(r.URL.Query(), 50)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, total, err := s.Screening.History(r.Context(), limit, offset)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"total": total, "items": items})
}

func (s *Server) handleAPIScreening(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sc, _, err := s.Screening.Find(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.localize(sc.Results)
	s.writeJSON(w, r, http.StatusOK, sc)
}

func (s *Server) handleAPIScreeningCertificate(w http.ResponseWriter, r *http.Request) {
	c, err := s.Screening.Certificate(r.Context(), r.PathValue("code"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, c)
}

func (s *Server) handleAPIDecisionCreate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SubjectName string `json:"subject_name"`
		EntityUSCC  string `json:"entity_uscc"`
		Note        string `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	d, err := s.Screening.MarkFalsePositive(r.Context(), in.SubjectName, in.EntityUSCC, in.Note)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, d)
}

func (s *Server) handleAPIDecisions(w http.ResponseWriter, r *http.Request) {
	items, err := s.Screening.Decisions(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) handleAPIDecisionRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.Screening.RevokeDecision(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"revoked": id})
}

func (s *Server) handleAPISubscriptionCreate(w http.ResponseWriter, r *http.Request) {
	var in screening.SubscriptionInput
	if err := decodeJSON(r, &in); err != nil {
		s.renderError(w, r, err)
		return
	}
	sub, err := s.Screening.Subscribe(r.Context(), in)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, sub)
}

func (s *Server) handleAPISubscriptions(w http.ResponseWriter, r *http.Request) {
	items, err := s.Screening.Subscriptions(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) handleAPISubscriptionCancel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.Screening.Unsubscribe(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"cancelled": id})
}

func (s *Server) handleAPIDeliveries(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	items, err := s.Screening.Deliveries(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"items": items})
}

func (s *Server) handleAPIScreeningChanges(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var cursor int64
	if v := q.Get("cursor"); v != "" {
		c, err := strconv.ParseInt(v, 10, 64)
		if err != nil || c < 0 {
			s.renderError(w, r, qcity.Invalid(qcity.Field("cursor", "translog.param", "name", "cursor")))
			return
		}
		cursor = c
	}
	limit, _, errs := pageOf(q, 100)
	if len(errs) > 0 {
		s.renderError(w, r, qcity.Invalid(errs...))
		return
	}
	items, next, err := s.Screening.Changes(r.Context(), cursor, limit)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]any{"changes": items, "next_cursor": next})
}
