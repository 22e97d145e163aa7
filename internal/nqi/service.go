// Package nqi holds the registers of the city's national quality infrastructure (国家
// 质量基础设施: metrology, standards, conformity assessment) and quality development:
// standards and their local drafters, standardisation pilot projects, benchmarking
// (对标达标), qualifications of labs and legal metrology institutions, measuring
// instruments under compulsory verification, chief quality officers, IP-advantage
// enterprises, brands, the IP pledge-financing risk-compensation fund, rectification
// campaigns, bright kitchens, quality improvement projects and quality events — and
// the city's annual quality report, which assembles the programme's indicators from
// these records, the sampling statistics and the credit records.
package nqi

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/credit"
	"qcity/internal/db"
	"qcity/internal/region"
	"qcity/internal/registry"
	"qcity/internal/sampling"
)

// Service runs the registers and the report.
type Service struct {
	DB           *db.DB
	Clock        qcity.Clock
	Registry     *registry.Service
	Sampling     *sampling.Service // the statistics cube behind the report's pass rates
	Credit       *credit.Service   // the annual report rate
	Jurisdiction *region.Jurisdiction
}

// NewService returns the service.
func NewService(d *db.DB, clock qcity.Clock, reg *registry.Service, smp *sampling.Service, cr *credit.Service, j *region.Jurisdiction) *Service {
	return &Service{DB: d, Clock: clock, Registry: reg, Sampling: smp, Credit: cr, Jurisdiction: j}
}

func (s *Service) today() qcity.Date { return qcity.DateOf(s.Clock.Now()) }

func (s *Service) regions() *region.Catalogue {
	if s.Registry != nil {
		return s.Registry.Regions()
	}
	return region.Default()
}

// inJurisdiction reports whether code is the prefecture or one of its districts and
// counties.
func (s *Service) inJurisdiction(code string) bool {
	if code == s.Jurisdiction.Prefecture.Code {
		return true
	}
	for _, c := range s.Jurisdiction.Counties {
		if c.Code == code {
			return true
		}
	}
	return false
}

// regionPrefix is the prefix of every region code in the jurisdiction: the
// prefecture's four digits, or a municipality's two.
func (s *Service) regionPrefix() string {
	p := s.Jurisdiction.Prefecture
	if p.Level == 1 {
		return p.Code[:2]
	}
	return p.Code[:4]
}

// Prefecture returns the jurisdiction's code.
func (s *Service) Prefecture() string { return s.Jurisdiction.Prefecture.Code }

// CanRead reports whether the actor may read the register at all.
func CanRead(a qcity.Actor, k *Kind) bool {
	return a.IsOfficial() || a.Role == qcity.RoleEnterprise && k.Owner && a.USCC != ""
}

// CanWrite reports whether the actor may enter records in the register at all.
func CanWrite(a qcity.Actor, k *Kind) bool {
	return a.IsOfficial() || a.Role == qcity.RoleEnterprise && k.OwnerWrite && a.USCC != ""
}

// owner returns the USCC of the enterprise a record belongs to: its entity field, or
// its parent's.
func (s *Service) owner(ctx context.Context, r *Record) (string, error) {
	k := r.Kind
	if k.EntityField != "" {
		return r.Str(k.EntityField), nil
	}
	if pk := KindByName(k.Parent); pk != nil && pk.EntityField != "" {
		id, _ := r.Int(k.ParentField().Name)
		p, err := s.get(ctx, s.DB, pk, id)
		if err != nil {
			return "", err
		}
		return p.Str(pk.EntityField), nil
	}
	return "", nil
}

// mayRead checks that the actor may see the record. Returns EFORBIDDEN.
func (s *Service) mayRead(ctx context.Context, a qcity.Actor, r *Record) error {
	k := r.Kind
	if a.IsOfficial() {
		if k.Scoped && !a.CoversRegion(r.Str("region_code")) {
			return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region")
		}
		return nil
	}
	if CanRead(a, k) {
		o, err := s.owner(ctx, r)
		if err != nil {
			return err
		}
		if o != "" && o == a.USCC {
			return nil
		}
	}
	return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
}

// mayWrite checks that the actor may write the record as it will be. Officials write
// records of their region (a county official its own district's; the city's own
// records, in the prefecture's code, belong to the city bureau); enterprises write
// their own records of registers that allow it. Returns EFORBIDDEN.
func (s *Service) mayWrite(ctx context.Context, a qcity.Actor, r *Record) error {
	k := r.Kind
	if a.IsOfficial() {
		if !a.CoversRegion(r.Str("region_code")) {
			return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden_region")
		}
		return nil
	}
	if CanWrite(a, k) {
		o, err := s.owner(ctx, r)
		if err != nil {
			return err
		}
		if o == a.USCC {
			return nil
		}
	}
	return qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
}

// Get returns one record. Returns ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, k *Kind, id int64) (*Record, error) {
	a := qcity.ActorFrom(ctx)
	if !CanRead(a, k) {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	r, err := s.get(ctx, s.DB, k, id)
	if err != nil {
		return nil, err
	}
	if err := s.mayRead(ctx, a, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Find returns a page of the records the actor may see and their total.
// Returns EFORBIDDEN for an actor who may not read the register.
func (s *Service) Find(ctx context.Context, k *Kind, f Filter) ([]*Record, int, error) {
	a := qcity.ActorFrom(ctx)
	if !CanRead(a, k) {
		return nil, 0, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	return s.find(ctx, k, f, a)
}

// Create enters a record. Returns EINVALID with errors beside fields, ECONFLICT for a
// taken natural key, EFORBIDDEN.
func (s *Service) Create(ctx context.Context, k *Kind, in Input) (*Record, error) {
	a := qcity.ActorFrom(ctx)
	if !CanWrite(a, k) {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	var out *Record
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, errs, err := s.validate(ctx, tx, newLookups(), k, in, nil)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return qcity.Invalid(errs...)
		}
		if err := s.mayWrite(ctx, a, r); err != nil {
			return err
		}
		if err := s.checkUnique(ctx, tx, r, nil); err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		stamp(r, now, now)
		if err := insertRecord(ctx, tx, r); err != nil {
			return err
		}
		if err := s.afterWrite(ctx, tx, r); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: k.Object,
			ObjectID: strconv.FormatInt(r.ID, 10), Region: r.Str("region_code"), Summary: r.LabelText(),
			After: r.auditView()}); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.DB, k, out.ID)
}

// Update edits a record. version is the version the editor started from; if the
// record changed since, it returns ECONFLICT. A field left out of in keeps its value.
// Returns ENOTFOUND, EINVALID, ECONFLICT, EFORBIDDEN (before or after the edit).
func (s *Service) Update(ctx context.Context, k *Kind, id int64, in Input, version int) (*Record, error) {
	a := qcity.ActorFrom(ctx)
	if !CanWrite(a, k) {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.get(ctx, tx, k, id)
		if err != nil {
			return err
		}
		if err := s.mayWrite(ctx, a, before); err != nil {
			return err
		}
		r, errs, err := s.validate(ctx, tx, newLookups(), k, in, before)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return qcity.Invalid(errs...)
		}
		r.ID = id
		if err := s.mayWrite(ctx, a, r); err != nil {
			return err
		}
		if err := s.checkUnique(ctx, tx, r, nil); err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		stamp(r, now, before.CreatedAt)
		if err := updateRecord(ctx, tx, r, version); err != nil {
			return err
		}
		if err := s.afterWrite(ctx, tx, r); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: k.Object,
			ObjectID: strconv.FormatInt(id, 10), Region: r.Str("region_code"), Summary: r.LabelText(),
			Before: before.auditView(), After: r.auditView()})
	})
	if err != nil {
		return nil, err
	}
	return s.get(ctx, s.DB, k, id)
}

// afterWrite lets the register recompute what depends on the record: a child's
// parent (an instrument's next due date after a verification) or the record itself.
func (s *Service) afterWrite(ctx context.Context, tx *db.Tx, r *Record) error {
	if r.Kind.after == nil {
		return nil
	}
	id := r.ID
	if pf := r.Kind.ParentField(); pf != nil {
		id, _ = r.Int(pf.Name)
	}
	return r.Kind.after(ctx, tx, s, id)
}

// checkUnique reports a taken natural key as a conflict beside its field; seen holds
// the keys of records entered earlier in the same batch.
func (s *Service) checkUnique(ctx context.Context, q db.Querier, r *Record, seen map[string]bool) error {
	k := r.Kind
	for _, key := range k.Unique {
		var conds []string
		var args []any
		sig := ""
		complete := true
		for _, name := range key {
			f := k.Field(name)
			v := dbValue(r, f)
			if v == nil || v == "" {
				complete = false
				break
			}
			conds = append(conds, name+" = ?")
			args = append(args, v)
			sig += "\x00" + r.Display(f)
		}
		if !complete {
			continue
		}
		field := key[len(key)-1]
		conflict := &qcity.Error{Code: qcity.ECONFLICT, Key: "nqi.error.duplicate",
			Fields: []qcity.FieldError{qcity.Field(field, "nqi.error.duplicate")}}
		if seen != nil {
			sig = joinKey(key) + sig
			if seen[sig] {
				return conflict
			}
			seen[sig] = true
		}
		q2 := `SELECT COUNT(*) FROM ` + k.Name + ` WHERE ` + joinAnd(conds)
		if r.ID != 0 {
			q2 += " AND id <> ?"
			args = append(args, r.ID)
		}
		var n int
		if err := q.QueryRow(ctx, q2, args...).Scan(&n); err != nil {
			return qcity.Internal(err)
		}
		if n > 0 {
			return conflict
		}
	}
	return nil
}

func joinKey(key []string) string {
	s := ""
	for _, k := range key {
		s += k + ","
	}
	return s
}

func joinAnd(conds []string) string {
	s := ""
	for i, c := range conds {
		if i > 0 {
			s += " AND "
		}
		s += c
	}
	return s
}

// BulkCreate enters many records of one register in one transaction, for the demo
// and other trusted bulk sources: every record is validated as a form's would be, and
// any invalid one rejects the whole batch with EINVALID, each error carrying Row (the
// record's 1-based position). One audit record covers the batch. The records are
// returned with their ids.
func (s *Service) BulkCreate(ctx context.Context, k *Kind, ins []Input, source string) ([]*Record, error) {
	return s.bulkCreate(ctx, k, ins, source, nil, nil)
}

// bulkCreate is BulkCreate with the spreadsheet line of each input (nil: positions)
// and errors already found while reading the file.
func (s *Service) bulkCreate(ctx context.Context, k *Kind, ins []Input, source string, lines []int, early []qcity.FieldError) ([]*Record, error) {
	a := qcity.ActorFrom(ctx)
	if !CanWrite(a, k) {
		return nil, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if len(ins) == 0 {
		return nil, qcity.Errorf(qcity.EINVALID, "sheet.no_rows")
	}
	var out []*Record
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		lk := newLookups()
		seen := map[string]bool{}
		errs := append([]qcity.FieldError(nil), early...)
		nErrs := len(early)
		// A field already wrong in the file (an unknown parent) is not reported twice.
		known := map[string]bool{}
		for _, fe := range early {
			known[strconv.Itoa(fe.Row)+"/"+fe.Field] = true
		}
		now := s.Clock.Now().UTC()
		recs := make([]*Record, 0, len(ins))
		for i, in := range ins {
			row := i + 1
			if lines != nil {
				row = lines[i]
			}
			r, ferrs, err := s.validate(ctx, tx, lk, k, in, nil)
			if err != nil {
				return err
			}
			if len(ferrs) == 0 {
				if err := s.mayWrite(ctx, a, r); err != nil {
					qe := qcity.AsError(err)
					if qe.Code != qcity.EFORBIDDEN {
						return err
					}
					ferrs = append(ferrs, qcity.Field(regionFieldOf(k), qe.Key))
				}
			}
			if len(ferrs) == 0 {
				if err := s.checkUnique(ctx, tx, r, seen); err != nil {
					qe := qcity.AsError(err)
					if qe.Code != qcity.ECONFLICT {
						return err
					}
					ferrs = append(ferrs, qe.Fields...)
				}
			}
			for _, fe := range ferrs {
				if known[strconv.Itoa(row)+"/"+fe.Field] {
					continue
				}
				nErrs++
				if len(errs) < maxImportErrors {
					fe.Row = row
					errs = append(errs, fe)
				}
			}
			stamp(r, now, now)
			recs = append(recs, r)
		}
		if nErrs > 0 {
			sortRowErrors(errs)
			return &qcity.Error{Code: qcity.EINVALID, Key: "nqi.error.import_rejected", Args: map[string]any{"count": nErrs}, Fields: errs}
		}
		parents := map[int64]bool{}
		for _, r := range recs {
			if err := insertRecord(ctx, tx, r); err != nil {
				return err
			}
			id := r.ID
			if pf := k.ParentField(); pf != nil {
				id, _ = r.Int(pf.Name)
			}
			parents[id] = true
		}
		if k.after != nil {
			for id := range parents {
				if err := k.after(ctx, tx, s, id); err != nil {
					return err
				}
			}
		}
		out = recs
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: k.Object,
			Region: a.Region, Summary: source, After: map[string]any{"source": source, "rows": len(recs),
				"first_id": recs[0].ID, "last_id": recs[len(recs)-1].ID}})
	})
	return out, err
}

// regionFieldOf names the field a region refusal is shown beside.
func regionFieldOf(k *Kind) string {
	switch {
	case k.Region == RegionInput:
		return "region_code"
	case k.EntityField != "":
		return k.EntityField
	case k.ParentField() != nil:
		return k.ParentField().Name
	}
	for i := range k.Fields {
		if k.Fields[i].Type == TOrg {
			return k.Fields[i].Name
		}
	}
	return "region_code"
}

// maxImportErrors caps the row errors reported for one file.
const maxImportErrors = 1000

// sortRowErrors puts row errors in row order (stable, so a row's errors keep their
// field order).
func sortRowErrors(errs []qcity.FieldError) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Row < errs[j].Row })
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
