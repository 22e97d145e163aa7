package registry

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/industry"
	"qcity/internal/region"
	"qcity/internal/registry/nameindex"
	"qcity/internal/uscc"
)

// Service runs the registry's workflows: creating, editing, finding, importing and
// exporting entities, their products and the bureau's partner organisations. It keeps
// the in-memory name index in step with the database.
type Service struct {
	DB           *db.DB
	Clock        qcity.Clock
	Validator    *Validator
	Jurisdiction *region.Jurisdiction
	// OrgStatusHook, if set, is called inside the transaction of an organisation edit
	// that changes its status (certification records the approval change and cascades
	// a body's to its certificates).
	OrgStatusHook func(ctx context.Context, tx *db.Tx, before, after Organisation) error

	index *nameindex.Index

	syncMu   sync.Mutex
	syncedTo time.Time // entities updated at or after this time may be missing from the index
}

// NewService returns a registry service. Call LoadIndex before serving searches.
func NewService(d *db.DB, clock qcity.Clock, j *region.Jurisdiction) *Service {
	v := NewValidator()
	return &Service{DB: d, Clock: clock, Validator: v, Jurisdiction: j,
		index: nameindex.New(func(code string) string {
			if c, ok := v.Industries.Get(code); ok {
				return c.Section
			}
			return ""
		})}
}

// Industries returns the GB/T 4754 catalogue the service validates against.
func (s *Service) Industries() *industry.Catalogue { return s.Validator.Industries }

// Regions returns the GB/T 2260 catalogue the service validates against.
func (s *Service) Regions() *region.Catalogue { return s.Validator.Regions }

func docOf(r indexRow) nameindex.Doc {
	var former []string
	if r.Former != "" && r.Former != "[]" {
		json.Unmarshal([]byte(r.Former), &former)
	}
	return nameindex.Doc{ID: r.ID, Name: r.Name, Alt: former, Region: r.Region, Industry: r.Industry,
		Status: r.Status, Type: r.Type}
}

func docOfEntity(e Entity) nameindex.Doc {
	return nameindex.Doc{ID: e.ID, Name: e.Name, Alt: e.FormerNames, Region: e.Region, Industry: e.Industry,
		Status: string(e.Status), Type: string(e.Type)}
}

// syncOverlap re-reads a little of the past on each sync: a row committed by another
// instance may carry an updated_at slightly older than rows this instance already saw.
const syncOverlap = 10 * time.Second

// LoadIndex builds the name index from every entity in the database.
func (s *Service) LoadIndex(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	start := s.Clock.Now().UTC()
	var docs []nameindex.Doc
	if err := scanIndexRows(ctx, s.DB, time.Time{}, func(r indexRow) { docs = append(docs, docOf(r)) }); err != nil {
		return err
	}
	s.index.Build(docs)
	s.syncedTo = start.Add(-syncOverlap)
	return nil
}

// SyncIndex folds into the index the entities changed since the last load or sync, such
// as those written by other qcity instances sharing the database. Safe to run often.
func (s *Service) SyncIndex(ctx context.Context) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	start := s.Clock.Now().UTC()
	err := scanIndexRows(ctx, s.DB, s.syncedTo, func(r indexRow) { s.index.Upsert(docOf(r)) })
	if err != nil {
		return err
	}
	s.syncedTo = start.Add(-syncOverlap)
	return nil
}

// IndexLen returns the number of entities in the name index.
func (s *Service) IndexLen() int { return s.index.Len() }

// CompactIndex merges pending changes into the name index's bulk structure and waits
// for it: after a large batch of writes, so that the merge is not left running.
func (s *Service) CompactIndex() { s.index.Compact() }

func (s *Service) today() qcity.Date { return qcity.DateOf(s.Clock.Now()) }

// canEdit reports whether the actor may write entities of region code.
func canEdit(a qcity.Actor, regionCode string) error {
	if !a.IsOfficial() {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if !a.CoversRegion(regionCode) {
		return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region")
	}
	return nil
}

// CreateEntity registers an entity. Returns EINVALID with field errors for bad input,
// ECONFLICT if the USCC is already registered, EFORBIDDEN if the actor may not register
// entities in that region.
func (s *Service) CreateEntity(ctx context.Context, in EntityInput) (Entity, error) {
	e, errs := s.Validator.Validate(in, s.today())
	if len(errs) > 0 {
		return Entity{}, qcity.Invalid(errs...)
	}
	if err := canEdit(qcity.ActorFrom(ctx), e.Region); err != nil {
		return Entity{}, err
	}
	now := s.Clock.Now().UTC()
	e.CreatedAt, e.UpdatedAt, e.Source = now, now, "manual"
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := insertEntity(ctx, tx, &e); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "entity",
			ObjectID: e.USCC, Region: e.Region, Summary: e.Name, After: e})
	})
	if err != nil {
		return Entity{}, err
	}
	s.index.Upsert(docOfEntity(e))
	return e, nil
}

// UpdateEntity edits the entity with the given USCC, which cannot change. version is
// the version the editor started from; if someone saved in between, it returns
// ECONFLICT. A change of name moves the old name to the former names (曾用名).
// Returns ENOTFOUND, EINVALID, EFORBIDDEN (outside the actor's region, before or after).
func (s *Service) UpdateEntity(ctx context.Context, code string, in EntityInput, version int) (Entity, error) {
	code = uscc.Normalize(code)
	before, err := findEntityByUSCC(ctx, s.DB, code)
	if err != nil {
		return Entity{}, err
	}
	a := qcity.ActorFrom(ctx)
	if err := canEdit(a, before.Region); err != nil {
		return Entity{}, err
	}
	in.USCC = code
	e, errs := s.Validator.Validate(in, s.today())
	if len(errs) > 0 {
		return Entity{}, qcity.Invalid(errs...)
	}
	if err := canEdit(a, e.Region); err != nil {
		return Entity{}, err
	}
	if e.Name != before.Name && !contains(e.FormerNames, before.Name) {
		e.FormerNames = append([]string{before.Name}, e.FormerNames...)
		if len(e.FormerNames) > maxFormerNames {
			e.FormerNames = e.FormerNames[:maxFormerNames]
		}
	}
	now := s.Clock.Now().UTC()
	e.ID, e.CreatedAt, e.UpdatedAt, e.Source, e.NeedsCheck = before.ID, before.CreatedAt, now, before.Source, before.NeedsCheck
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := updateEntity(ctx, tx, &e, version); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "entity",
			ObjectID: e.USCC, Region: e.Region, Summary: e.Name, Before: before, After: e})
	})
	if err != nil {
		return Entity{}, err
	}
	s.index.Upsert(docOfEntity(e))
	return e, nil
}

// FindEntityByUSCC returns the entity. Returns EINVALID for a malformed code and
// ENOTFOUND if none is registered.
func (s *Service) FindEntityByUSCC(ctx context.Context, code string) (Entity, error) {
	code = uscc.Normalize(code)
	if err := uscc.Validate(code); err != nil {
		return Entity{}, err
	}
	return findEntityByUSCC(ctx, s.DB, code)
}

// EntityFilter selects entities.
type EntityFilter struct {
	Q        string // name fragment (of the current or a former name), or a full USCC
	Region   string
	Industry string // section letter or code prefix
	Status   string
	Type     string
	Limit    int
	Offset   int
}

// MaxPageSize is the largest page FindEntities returns.
const MaxPageSize = 1000

// Validate checks the filter's values, returning EINVALID with field errors.
func (s *Service) validateFilter(f *EntityFilter) error {
	var errs []qcity.FieldError
	f.Q = strings.TrimSpace(f.Q)
	if len([]rune(f.Q)) > 100 {
		errs = append(errs, qcity.Field("q", "registry.text_length", "max", 100))
	}
	if f.Region != "" {
		if d, ok := s.Validator.Regions.Get(f.Region); !ok || d.Level < 1 || d.Level > 3 {
			errs = append(errs, qcity.Field("region", "region.unknown", "code", f.Region))
		}
	}
	if f.Industry != "" {
		f.Industry = strings.ToUpper(f.Industry)
		code := f.Industry
		if len(code) > 1 && code[0] >= 'A' && code[0] <= 'Z' {
			code = code[1:]
		}
		if _, ok := s.Validator.Industries.Get(code); !ok {
			errs = append(errs, qcity.Field("industry", "industry.unknown", "code", f.Industry))
		}
	}
	if f.Status != "" {
		ok := false
		for _, st := range Statuses {
			ok = ok || string(st) == f.Status
		}
		if !ok {
			errs = append(errs, qcity.Field("status", "registry.status_unknown", "value", f.Status))
		}
	}
	if f.Type != "" {
		ok := false
		for _, t := range EntityTypes {
			ok = ok || string(t) == f.Type
		}
		if !ok {
			errs = append(errs, qcity.Field("type", "registry.type_unknown", "value", f.Type))
		}
	}
	if f.Limit < 0 || f.Limit > MaxPageSize {
		errs = append(errs, qcity.Field("limit", "registry.limit_range", "max", MaxPageSize))
	}
	if f.Offset < 0 {
		errs = append(errs, qcity.Field("offset", "registry.offset_range"))
	}
	if len(errs) > 0 {
		return qcity.Invalid(errs...)
	}
	if f.Limit == 0 {
		f.Limit = 20
	}
	return nil
}

// FindEntities returns a page of entities matching f, newest first, and the total.
// A Q that is a whole valid USCC finds that entity; any other Q is matched as a
// substring of current and former names, full-width and half-width forms alike.
func (s *Service) FindEntities(ctx context.Context, f EntityFilter) ([]Entity, int, error) {
	if err := s.validateFilter(&f); err != nil {
		return nil, 0, err
	}
	if code := uscc.Normalize(f.Q); len(code) == uscc.Length && uscc.Validate(code) == nil {
		e, err := findEntityByUSCC(ctx, s.DB, code)
		if qcity.ErrorCode(err) == qcity.ENOTFOUND || (err == nil && !matches(e, f)) {
			return []Entity{}, 0, nil
		}
		if err != nil {
			return nil, 0, err
		}
		if f.Offset > 0 {
			return []Entity{}, 1, nil
		}
		return []Entity{e}, 1, nil
	}
	industryFilter := f.Industry
	ids, total := s.index.Search(nameindex.Query{Text: f.Q, Region: f.Region, Industry: industryFilter,
		Status: f.Status, Type: f.Type, Offset: f.Offset, Limit: f.Limit})
	items, err := findEntitiesByIDs(ctx, s.DB, ids)
	if err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

func matches(e Entity, f EntityFilter) bool {
	if f.Region != "" && !strings.HasPrefix(e.Region, f.Region) {
		return false
	}
	if f.Status != "" && string(e.Status) != f.Status {
		return false
	}
	if f.Type != "" && string(e.Type) != f.Type {
		return false
	}
	if f.Industry != "" && !industry.Default().Covers(f.Industry, e.Industry) {
		return false
	}
	return true
}

// Party is a business named on a record from outside the registry's own forms, such as
// the producer or seller of a sample: its credit code and name as the record gives them.
type Party struct {
	USCC string
	Name string
}

// EnsureEntities returns the ids of the parties' entities inside the caller's
// transaction, registering unknown ones flagged for checking (needs_check, source
// "sampling") with the name given and the region of their credit code's registering
// authority (or fallbackRegion when that is not a county). The returned function adds
// the newly registered entities to the name index; call it after the commit.
// Returns EINVALID (field uscc or name, Row = position+1) for a bad code or a missing
// name of an unknown party.
func (s *Service) EnsureEntities(ctx context.Context, tx *db.Tx, parties []Party, fallbackRegion string) (map[string]int64, func(), error) {
	ids := map[string]int64{}
	var codes []string
	seen := map[string]bool{}
	for _, p := range parties {
		if !seen[p.USCC] {
			seen[p.USCC] = true
			codes = append(codes, p.USCC)
		}
	}
	const chunk = 500
	for start := 0; start < len(codes); start += chunk {
		part := codes[start:min(start+chunk, len(codes))]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		rows, err := tx.Query(ctx, `SELECT uscc, id FROM entities WHERE uscc IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, nil, qcity.Internal(err)
		}
		for rows.Next() {
			var c string
			var id int64
			if err := rows.Scan(&c, &id); err != nil {
				rows.Close()
				return nil, nil, qcity.Internal(err)
			}
			ids[c] = id
		}
		rows.Close()
	}
	now := s.Clock.Now().UTC()
	var added []Entity
	for i, p := range parties {
		if _, ok := ids[p.USCC]; ok {
			continue
		}
		code, err := uscc.Parse(p.USCC)
		if err != nil {
			qe := qcity.AsError(err)
			return nil, nil, qcity.Invalid(qcity.FieldError{Row: i + 1, Field: "uscc", Key: qe.Key, Args: qe.Args})
		}
		name := cleanText(p.Name)
		if n := len([]rune(name)); n < 2 || n > maxNameRunes {
			return nil, nil, qcity.Invalid(qcity.FieldError{Row: i + 1, Field: "name", Key: "registry.unknown_party_name", Args: map[string]any{"uscc": p.USCC}})
		}
		if r, pos, ok := badNameRune(name); !ok {
			return nil, nil, qcity.Invalid(qcity.FieldError{Row: i + 1, Field: "name", Key: "registry.name_char", Args: map[string]any{"char": displayRune(r), "pos": pos}})
		}
		regionCode := code.RegionCode
		if d, ok := s.Validator.Regions.Get(regionCode); !ok || d.Level < 2 || d.Level > 3 {
			regionCode = fallbackRegion
		}
		typ := TypeCompany
		switch code.Type {
		case '2':
			typ = TypeIndividualBusiness
		case '3':
			typ = TypeFarmerCooperative
		}
		if code.Authority != '9' {
			typ = TypeCompany // outside market regulation; kept as a company to be checked
		}
		e := Entity{USCC: code.Raw, Name: name, FormerNames: []string{}, Type: typ, Region: regionCode,
			Status: StatusActive, NeedsCheck: true, Source: "sampling", CreatedAt: now, UpdatedAt: now}
		if err := insertEntity(ctx, tx, &e); err != nil {
			return nil, nil, err
		}
		ids[e.USCC] = e.ID
		added = append(added, e)
	}
	if len(added) > 0 {
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "entity",
			Summary: "registered from sampling records, to be checked", After: map[string]any{"count": len(added),
				"first_uscc": added[0].USCC}}); err != nil {
			return nil, nil, err
		}
	}
	return ids, func() { s.indexAll(added) }, nil
}
