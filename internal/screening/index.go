package screening

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"qcity"
	"qcity/internal/uscc"
)

// Purposes a client screens for.
const (
	PurposeProcurement = "procurement" // 政府采购
	PurposeBidding     = "bidding"     // 工程招投标
	PurposeLicensing   = "licensing"   // 行政许可、资质审查
	PurposeHonours     = "honours"     // 评优评先、荣誉称号
	PurposeFinancing   = "financing"   // 融资授信
	PurposeOther       = "other"
)

// Purposes lists the purposes.
var Purposes = []string{PurposeProcurement, PurposeBidding, PurposeLicensing, PurposeHonours, PurposeFinancing, PurposeOther}

// Restriction is one restriction on an entity, as the screening answer gives it.
type Restriction struct {
	List         string         `json:"list"` // abnormal | serious | penalty | barred_person
	Ref          string         `json:"ref"`  // the credit record ("serious/12")
	ReasonKeys   []string       `json:"reason_keys,omitempty"`
	ReasonArgs   map[string]any `json:"-"`
	Reason       string         `json:"reason"` // in Chinese; ReasonKeys give it in any language
	ReasonEN     string         `json:"reason_en"`
	Authority    string         `json:"authority"`
	DecisionNo   string         `json:"decision_no"`
	ListedOn     qcity.Date     `json:"listed_on"`
	EndsOn       qcity.Date     `json:"ends_on"` // last day in force; zero while open-ended
	LegalBasis   string         `json:"legal_basis"`
	LegalBasisEN string         `json:"legal_basis_en"`
	Measure      string         `json:"measure"`
	MeasureEN    string         `json:"measure_en"`
	// Purposes are the purposes the restriction applies to, each with the article and
	// measure that say so.
	Purposes map[string]Basis `json:"-"`
	// Person is set on barred_person restrictions: the barred legal representative.
	Person string `json:"person,omitempty"`
}

// Basis is the legal basis and measure of a restriction for one purpose.
type Basis struct {
	LegalBasis, LegalBasisEN string
	Measure, MeasureEN       string
}

// inForce reports whether r applies on day.
func (r *Restriction) inForce(day qcity.Date) bool {
	return !day.Before(r.ListedOn) && (r.EndsOn.IsZero() || !day.After(r.EndsOn))
}

// Entry is a restricted entity in the index.
type Entry struct {
	EntityID     int64
	USCC         string
	Name         string
	FormerNames  []string
	LegalRep     string
	Restrictions []*Restriction

	name    Name
	formers []Name
	grams   [][]string // unique sorted core bigrams of name and formers, in names() order
}

// Index is the in-memory index of restricted entities: by credit code, by exact name
// keys (current and former names), and by character bigrams of the names' cores for
// similarity candidates. It also holds the barred persons by normalised name. Safe for
// concurrent use; Replace swaps in a rebuilt entry.
type Index struct {
	mu       sync.RWMutex
	byID     map[int64]*Entry
	byCode   map[string]*Entry
	byKey    map[string][]*Entry // exact key → entries (current and former names)
	byLoose  map[string][]*Entry // loose key → entries
	postings map[string][]*Entry // core bigram → entries
	barred   map[string][]*barredPerson
}

type barredPerson struct {
	Name string
	r    *Restriction
	from int64 // entity id the person was barred over
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{byID: map[int64]*Entry{}, byCode: map[string]*Entry{}, byKey: map[string][]*Entry{},
		byLoose: map[string][]*Entry{}, postings: map[string][]*Entry{}, barred: map[string][]*barredPerson{}}
}

// Len is the number of restricted entities.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byID)
}

func (e *Entry) prepare() {
	e.name = ParseName(e.Name)
	e.formers = e.formers[:0]
	for _, f := range e.FormerNames {
		e.formers = append(e.formers, ParseName(f))
	}
	e.grams = e.grams[:0]
	for _, n := range e.names() {
		e.grams = append(e.grams, uniqueBigrams(n.Core))
	}
}

// shared counts the strings two sorted, deduplicated slices have in common.
func shared(a, b []string) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

func (e *Entry) names() []Name { return append([]Name{e.name}, e.formers...) }

// Replace puts the entries of the given entities into the index, dropping those of
// the ids that have no entry any more (no restriction left).
func (ix *Index) Replace(ids []int64, entries []*Entry) {
	for _, e := range entries {
		e.prepare()
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, id := range ids {
		if old, ok := ix.byID[id]; ok {
			ix.removeLocked(old)
		}
	}
	for _, e := range entries {
		if old, ok := ix.byID[e.EntityID]; ok {
			ix.removeLocked(old)
		}
		ix.addLocked(e)
	}
}

func without(list []*Entry, e *Entry) []*Entry {
	return slices.DeleteFunc(list, func(x *Entry) bool { return x == e })
}

func (ix *Index) addLocked(e *Entry) {
	ix.byID[e.EntityID] = e
	ix.byCode[e.USCC] = e
	for _, n := range e.names() {
		if n.Empty() {
			continue
		}
		ix.byKey[n.Key()] = append(ix.byKey[n.Key()], e)
		ix.byLoose[n.LooseKey()] = append(ix.byLoose[n.LooseKey()], e)
		for _, g := range uniqueBigrams(n.Core) {
			ix.postings[g] = append(ix.postings[g], e)
		}
	}
	for _, r := range e.Restrictions {
		if r.List == "barred_person" && r.Person != "" {
			k := NormalizePerson(r.Person)
			ix.barred[k] = append(ix.barred[k], &barredPerson{Name: r.Person, r: r, from: e.EntityID})
		}
	}
}

func (ix *Index) removeLocked(e *Entry) {
	delete(ix.byID, e.EntityID)
	if ix.byCode[e.USCC] == e {
		delete(ix.byCode, e.USCC)
	}
	for _, n := range e.names() {
		if n.Empty() {
			continue
		}
		if l := without(ix.byKey[n.Key()], e); len(l) > 0 {
			ix.byKey[n.Key()] = l
		} else {
			delete(ix.byKey, n.Key())
		}
		if l := without(ix.byLoose[n.LooseKey()], e); len(l) > 0 {
			ix.byLoose[n.LooseKey()] = l
		} else {
			delete(ix.byLoose, n.LooseKey())
		}
		for _, g := range uniqueBigrams(n.Core) {
			if l := without(ix.postings[g], e); len(l) > 0 {
				ix.postings[g] = l
			} else {
				delete(ix.postings, g)
			}
		}
	}
	for k, list := range ix.barred {
		list = slices.DeleteFunc(list, func(b *barredPerson) bool { return b.from == e.EntityID })
		if len(list) == 0 {
			delete(ix.barred, k)
		} else {
			ix.barred[k] = list
		}
	}
}

func uniqueBigrams(s string) []string {
	g := bigrams(s)
	slices.Sort(g)
	return slices.Compact(g)
}

// Subject is one party a client asks about.
type Subject struct {
	Ref                 string `json:"ref"`
	USCC                string `json:"uscc"`
	Name                string `json:"name"`
	LegalRepresentative string `json:"legal_representative"`
}

// Statuses of a subject.
const (
	StatusClear      = "clear"
	StatusRestricted = "restricted"
	StatusReview     = "review"
)

// Result is the answer about one subject.
type Result struct {
	Ref          string         `json:"ref"`
	Status       string         `json:"status"`
	Match        *MatchInfo     `json:"match"`
	Restrictions []*Restriction `json:"restrictions"`
	Notes        []Note         `json:"notes,omitempty"`
}

// MatchInfo is the restricted entity a subject matched, with the evidence.
type MatchInfo struct {
	EntityID int64     `json:"-"`
	USCC     string    `json:"uscc"`
	Name     string    `json:"name"`
	Score    float64   `json:"score"`
	Features []Feature `json:"features"`
}

// Note explains something about the answer: a bad code, a suppressed match. Text and
// TextEN are filled from Key and Args by the caller that has the catalogues.
type Note struct {
	Key    string         `json:"key"`
	Args   map[string]any `json:"-"`
	Text   string         `json:"text"`
	TextEN string         `json:"text_en"`
}

// Suppressed reports whether the client marked entityID a false positive for a
// subject's name key.
type Suppressed func(subjectKey string, entityID int64) bool

// Check screens one subject for a purpose on day. Matching goes by credit code first:
// a valid code names the entity, restricted or not, and settles it; a code with a
// wrong check character sends the subject to review and matching goes on by name. By
// name: an exact normalised name (or former name) match is taken; a match short of
// that by a region written on one side only, or a similar name, goes to review. A
// legal representative given is compared too, and barred persons are flagged.
func (ix *Index) Check(s Subject, purpose string, day qcity.Date, suppressed Suppressed) Result {
	return ix.CheckWith(s, purpose, day, suppressed, nil)
}

// Register answers whether a valid credit code is on the register and who its legal
// representative is there.
type Register func(code string) (legalRep string, ok bool)

// CheckWith is Check with the register at hand (nil: every valid code is taken as
// registered). A valid code that is on no register does not settle it: the subject is
// matched by name as well, to review at most (the restricted entity found has another
// code), and a note says so. A subject given by a registered code is also checked for
// a barred legal representative on the register.
func (ix *Index) CheckWith(s Subject, purpose string, day qcity.Date, suppressed Suppressed, reg Register) Result {
	res := Result{Ref: s.Ref, Status: StatusClear, Restrictions: []*Restriction{}}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	code := uscc.Normalize(s.USCC)
	codeOK, unregistered := false, false
	registeredRep := ""
	if code != "" {
		if err := uscc.Validate(code); err != nil {
			res.Status = StatusReview
			res.Notes = append(res.Notes, codeNote(err))
		} else {
			codeOK = true
			e, restricted := ix.byCode[code]
			if restricted {
				registeredRep = e.LegalRep
			} else if reg != nil {
				rep, ok := reg(code)
				registeredRep, unregistered = rep, !ok
				if unregistered {
					res.Notes = append(res.Notes, Note{Key: "screening.code_unregistered", Args: map[string]any{"uscc": code}})
				}
			}
			if restricted {
				res.Match = &MatchInfo{EntityID: e.EntityID, USCC: e.USCC, Name: e.Name, Score: 1,
					Features: []Feature{{Feature: "code_exact", Score: 1, Detail: "统一社会信用代码一致 / same credit code"}}}
				if s.LegalRepresentative != "" {
					if _, f, ok := personScore(s.LegalRepresentative, e.LegalRep); ok {
						res.Match.Features = append(res.Match.Features, f)
					}
				}
				ix.apply(&res, e, purpose, day, true)
			}
		}
	}
	if (!codeOK || unregistered) && strings.TrimSpace(s.Name) != "" {
		ix.matchName(&res, s, purpose, day, suppressed, unregistered)
	}
	ix.checkBarred(&res, s.LegalRepresentative, purpose, day)
	if registeredRep != "" && NormalizePerson(registeredRep) != NormalizePerson(s.LegalRepresentative) {
		ix.checkBarred(&res, registeredRep, purpose, day)
	}
	return res
}

// apply adds the restrictions of e in force for purpose and sets the status.
func (ix *Index) apply(res *Result, e *Entry, purpose string, day qcity.Date, certain bool) {
	for _, r := range e.Restrictions {
		if r.List == "barred_person" || !r.inForce(day) {
			continue
		}
		b, ok := r.Purposes[purpose]
		if !ok {
			continue
		}
		rr := *r
		rr.LegalBasis, rr.LegalBasisEN, rr.Measure, rr.MeasureEN = b.LegalBasis, b.LegalBasisEN, b.Measure, b.MeasureEN
		res.Restrictions = append(res.Restrictions, &rr)
	}
	if len(res.Restrictions) == 0 {
		return
	}
	if certain && res.Status != StatusReview {
		res.Status = StatusRestricted
	} else {
		res.Status = StatusReview
	}
}

// maxSimilarCandidates bounds the names scored for one similarity search.
const maxSimilarCandidates = 5000

// candidate is a name-match candidate with its best score.
type candidate struct {
	e     *Entry
	score float64
	f     Feature
}

// matchName matches the subject by name; uncertain caps the answer at review.
func (ix *Index) matchName(res *Result, s Subject, purpose string, day qcity.Date, suppressed Suppressed, uncertain bool) {
	subj := ParseName(s.Name)
	if subj.Empty() {
		return
	}
	cands := map[*Entry]*candidate{}
	consider := func(e *Entry) {
		if _, ok := cands[e]; ok {
			return
		}
		best := &candidate{e: e}
		for i, n := range e.names() {
			sc, f := scoreNames(subj, n, i > 0)
			if sc > best.score {
				best.score, best.f = sc, f
			}
		}
		cands[e] = best
	}
	for _, e := range ix.byKey[subj.Key()] {
		consider(e)
	}
	for _, e := range ix.byLoose[subj.LooseKey()] {
		consider(e)
	}
	// Similar names. Similarity ≥ Review needs Dice ≥ Review, hence c ≥ R·|a|/(2−R)
	// shared bigrams out of the subject's |a|: a candidate must hold at least one of the
	// subject's |a|−k+1 rarest bigrams (k that bound). Only their posting lists are read.
	sorted := uniqueBigrams(subj.Core)
	if len(sorted) > 0 && len(cands) == 0 {
		k := int(math.Ceil(Review * float64(len(sorted)) / (2 - Review)))
		byRarity := slices.Clone(sorted)
		slices.SortFunc(byRarity, func(a, b string) int { return len(ix.postings[a]) - len(ix.postings[b]) })
		seen := 0
	rare:
		for _, g := range byRarity[:max(1, len(byRarity)-k+1)] {
			for _, e := range ix.postings[g] {
				if seen++; seen > maxSimilarCandidates {
					break rare
				}
				for _, eg := range e.grams {
					if shared(sorted, eg) >= k {
						consider(e)
						break
					}
				}
			}
		}
	}
	var best *candidate
	for _, c := range cands {
		if s.LegalRepresentative != "" {
			if d, f, ok := personScore(s.LegalRepresentative, c.e.LegalRep); ok {
				c.score += d
				c.f.Detail += "; " + f.Detail
			}
		}
		if c.score < Review {
			continue
		}
		if suppressed != nil && suppressed(subj.Key(), c.e.EntityID) {
			res.Notes = append(res.Notes, Note{Key: "screening.suppressed", Args: map[string]any{"name": c.e.Name}})
			continue
		}
		if best == nil || c.score > best.score || c.score == best.score && c.e.EntityID < best.e.EntityID {
			best = c
		}
	}
	if best == nil {
		return
	}
	feats := []Feature{best.f}
	if s.LegalRepresentative != "" {
		if _, f, ok := personScore(s.LegalRepresentative, best.e.LegalRep); ok {
			feats = append(feats, f)
		}
	}
	res.Match = &MatchInfo{EntityID: best.e.EntityID, USCC: best.e.USCC, Name: best.e.Name, Score: round3(min(best.score, 1)), Features: feats}
	ix.apply(res, best.e, purpose, day, best.score >= Match && !uncertain)
}

// checkBarred flags a legal representative barred from the role.
func (ix *Index) checkBarred(res *Result, person string, purpose string, day qcity.Date) {
	if person == "" {
		return
	}
	for _, b := range ix.barred[NormalizePerson(person)] {
		if !b.r.inForce(day) {
			continue
		}
		basis, ok := b.r.Purposes[purpose]
		if !ok {
			continue
		}
		rr := *b.r
		rr.LegalBasis, rr.LegalBasisEN, rr.Measure, rr.MeasureEN = basis.LegalBasis, basis.LegalBasisEN, basis.Measure, basis.MeasureEN
		res.Restrictions = append(res.Restrictions, &rr)
		if res.Status == StatusClear {
			// Names are not unique: the same name is a lead for a person to check.
			res.Status = StatusReview
		}
	}
}

// codeNote explains a bad credit code exactly (the expected check character, the
// forbidden letter and its position, the length).
func codeNote(err error) Note {
	qe := qcity.AsError(err)
	return Note{Key: qe.Key, Args: qe.Args}
}

// Restricted returns the entries, by credit code, for listings.
func (ix *Index) Restricted() []*Entry {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]*Entry, 0, len(ix.byID))
	for _, e := range ix.byID {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].USCC < out[j].USCC })
	return out
}
