package registry

import (
	"context"
	"errors"
	"io"
	"strings"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/sheet"
)

// EntityColumns are the columns of entity imports, exports and the import template.
// Chinese headers are the default; English headers and the field names are accepted.
var EntityColumns = []sheet.Column{
	{Field: "uscc", ZH: "统一社会信用代码", EN: "USCC", Aliases: []string{"信用代码", "unified social credit code"}, Required: true, Example: "91440800MA4W12346A"},
	{Field: "name", ZH: "名称", EN: "Name", Aliases: []string{"企业名称", "主体名称", "entity name"}, Required: true, Example: "湛江市霞山区示例食品有限公司"},
	{Field: "entity_type", ZH: "主体类型", EN: "Entity type", Aliases: []string{"类型", "type"}, Required: true, Example: "企业（公司）"},
	{Field: "legal_representative", ZH: "法定代表人", EN: "Legal representative", Aliases: []string{"经营者", "负责人", "operator"}, Required: true, Example: "张三"},
	{Field: "address", ZH: "住所", EN: "Address", Aliases: []string{"地址", "经营场所", "registered address"}, Example: "湛江市霞山区示例路1号"},
	{Field: "region_code", ZH: "行政区划代码", EN: "Region code", Aliases: []string{"行政区划", "区划代码", "region"}, Required: true, Example: "440803"},
	{Field: "industry_code", ZH: "行业代码", EN: "Industry code", Aliases: []string{"国民经济行业代码", "行业", "industry"}, Example: "1492"},
	{Field: "established_on", ZH: "成立日期", EN: "Established on", Aliases: []string{"成立时间", "established", "date of establishment"}, Example: "2018-05-20", Type: sheet.Date},
	{Field: "status", ZH: "登记状态", EN: "Status", Aliases: []string{"状态", "经营状态"}, Example: "存续"},
	{Field: "registered_capital", ZH: "注册资本（万元）", EN: "Registered capital (10k yuan)", Aliases: []string{"注册资本", "registered capital"}, Example: "100", Type: sheet.Number},
	{Field: "former_names", ZH: "曾用名", EN: "Former names", Aliases: []string{"former name"}, Example: "湛江市示例商行；湛江示例贸易有限公司"},
}

// typeByLabel maps the Chinese and English labels of entity types and statuses that
// people type into spreadsheets to their codes.
var typeByLabel = map[string]string{
	"企业（公司）": "company", "企业": "company", "公司": "company", "有限责任公司": "company", "股份有限公司": "company",
	"分支机构": "branch", "分公司": "branch", "合伙企业": "partnership", "个人独资企业": "sole_proprietorship",
	"个体工商户": "individual_business", "个体": "individual_business", "农民专业合作社": "farmer_cooperative",
	"合作社":     "farmer_cooperative",
	"company": "company", "branch": "branch", "partnership": "partnership", "sole proprietorship": "sole_proprietorship",
	"individual business": "individual_business", "farmer cooperative": "farmer_cooperative",
}

var statusByLabel = map[string]string{
	"存续": "active", "在业": "active", "开业": "active", "吊销": "revoked", "注销": "deregistered", "迁出": "moved_out",
	"active": "active", "revoked": "revoked", "licence revoked": "revoked", "deregistered": "deregistered",
	"moved out": "moved_out",
}

func labelToCode(m map[string]string, v string) string {
	v = strings.TrimSpace(v)
	if c, ok := m[v]; ok {
		return c
	}
	if c, ok := m[strings.ToLower(strings.ReplaceAll(v, "_", " "))]; ok {
		return c
	}
	return v
}

// ImportResult reports a finished import.
type ImportResult struct {
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// ImportProgress is told how far an import is: the phase ("read", "check", "write") and
// rows done of total (total is 0 while reading, when it is not yet known).
type ImportProgress func(phase string, done, total int)

// maxImportErrors caps the row errors reported for one file.
const maxImportErrors = 1000

// ImportEntities reads a CSV or .xlsx file of entities and registers them all in one
// transaction. Every row is validated first; a file with any bad row (including a
// USCC repeated in the file or already registered) is rejected whole with EINVALID
// listing each row, column and error, and nothing is written. County officials may
// import only entities of their own region.
func (s *Service) ImportEntities(ctx context.Context, r io.Reader, filename string, progress ImportProgress) (ImportResult, error) {
	a := qcity.ActorFrom(ctx)
	if !a.IsOfficial() {
		return ImportResult{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	rd, err := sheet.Open(r, filename, EntityColumns, sheet.Limits{})
	if err != nil {
		return ImportResult{}, err
	}
	today := s.today()
	now := s.Clock.Now().UTC()
	var (
		entities []Entity
		errs     []qcity.FieldError
		nErrs    int
		firstRow = map[string]int{}
		rowOf    []int
	)
	addErr := func(fe qcity.FieldError) {
		nErrs++
		if len(errs) < maxImportErrors {
			errs = append(errs, fe)
		}
	}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ImportResult{}, err
		}
		in := EntityInput{
			USCC: row.Get("uscc"), Name: row.Get("name"), Type: labelToCode(typeByLabel, row.Get("entity_type")),
			LegalRepresentative: row.Get("legal_representative"), Address: row.Get("address"),
			Region: row.Get("region_code"), Industry: row.Get("industry_code"),
			EstablishedOn: row.Get("established_on"), Status: labelToCode(statusByLabel, row.Get("status")),
			RegisteredCapital: row.Get("registered_capital"), FormerNames: splitNames(row.Get("former_names")),
		}
		e, ferrs := s.Validator.Validate(in, today)
		for _, fe := range ferrs {
			fe.Row = row.Line
			addErr(fe)
		}
		if len(ferrs) == 0 && !a.CoversRegion(e.Region) {
			addErr(qcity.FieldError{Row: row.Line, Field: "region_code", Key: "auth.forbidden_region"})
			continue
		}
		if e.USCC != "" {
			if first, dup := firstRow[e.USCC]; dup {
				addErr(qcity.FieldError{Row: row.Line, Field: "uscc", Key: "registry.import_duplicate_in_file",
					Args: map[string]any{"uscc": e.USCC, "first": first}})
				continue
			}
			firstRow[e.USCC] = row.Line
		}
		if len(ferrs) > 0 {
			continue
		}
		e.CreatedAt, e.UpdatedAt, e.Source = now, now, "import"
		entities = append(entities, e)
		rowOf = append(rowOf, row.Line)
		if len(entities)%5000 == 0 {
			progress("read", len(entities), 0)
		}
	}
	total := len(entities)
	progress("read", total, total)

	// Already registered codes are row errors too.
	codes := make([]string, len(entities))
	for i, e := range entities {
		codes[i] = e.USCC
	}
	taken, err := existingUSCCs(ctx, s.DB, codes)
	if err != nil {
		return ImportResult{}, err
	}
	for i, e := range entities {
		if taken[e.USCC] {
			addErr(qcity.FieldError{Row: rowOf[i], Field: "uscc", Key: "registry.uscc_taken", Args: map[string]any{"uscc": e.USCC}})
		}
	}
	progress("check", total, total)
	if nErrs > 0 {
		sortRowErrors(errs)
		qe := &qcity.Error{Code: qcity.EINVALID, Key: "registry.import_rejected", Args: map[string]any{"count": nErrs},
			Fields: errs}
		return ImportResult{}, qe
	}
	if total == 0 {
		return ImportResult{}, qcity.Errorf(qcity.EINVALID, "sheet.no_rows")
	}
	res := ImportResult{Rows: total, SHA256: rd.SHA256()}
	// Stamp the rows when the write starts, as close to the commit as can be known,
	// so other instances' index syncs see them.
	now = s.Clock.Now().UTC()
	for i := range entities {
		entities[i].CreatedAt, entities[i].UpdatedAt = now, now
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := insertEntitiesBulk(ctx, tx, entities, func(done int) { progress("write", done, total) }); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: "entity",
			ObjectID: res.SHA256[:16], Region: a.Region,
			Summary: filename, After: map[string]any{"file": filename, "sha256": res.SHA256, "rows": total,
				"first_uscc": entities[0].USCC, "last_uscc": entities[total-1].USCC}})
	})
	if err != nil {
		return ImportResult{}, err
	}
	s.indexAll(entities)
	return res, nil
}

// indexAll adds freshly inserted entities to the name index.
func (s *Service) indexAll(entities []Entity) {
	for _, e := range entities {
		s.index.Upsert(docOfEntity(e))
	}
}

// splitNames splits a cell of former names on Chinese or ASCII semicolons or commas.
func splitNames(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' || r == '，' || r == ',' || r == '\n' })
	out := f[:0]
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func sortRowErrors(errs []qcity.FieldError) {
	// Insertion into row order; errors arrive nearly sorted (only the "already
	// registered" pass appends out of order).
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Row < errs[j-1].Row; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// ExportEntities writes the entities matching f (all pages) as .xlsx rows in the
// language lang, and records the export in the audit log.
func (s *Service) ExportEntities(ctx context.Context, w io.Writer, f EntityFilter, lang string, label func(key string) string) (int, error) {
	const maxExport = 200_000
	f.Offset, f.Limit = 0, MaxPageSize
	first, total, err := s.FindEntities(ctx, f)
	if err != nil {
		return 0, err
	}
	if total > maxExport {
		return 0, qcity.Errorf(qcity.ETOOLARGE, "registry.export_too_large", "max", maxExport, "count", total)
	}
	n := 0
	var werr error
	err = sheet.WriteXLSX(w, "市场主体", EntityColumns, lang, func(yield func([]string) bool) {
		page := first
		for {
			for _, e := range page {
				n++
				if !yield([]string{e.USCC, e.Name, label("registry.type." + string(e.Type)), e.LegalRepresentative,
					e.Address, e.Region, e.Industry, e.EstablishedOn.String(), label("registry.status." + string(e.Status)),
					e.RegisteredCapital, strings.Join(e.FormerNames, "；")}) {
					return
				}
			}
			if len(page) < f.Limit || n >= total {
				return
			}
			f.Offset += f.Limit
			page, _, werr = s.FindEntities(ctx, f)
			if werr != nil {
				return
			}
		}
	})
	if werr != nil {
		return 0, werr
	}
	if err != nil {
		return 0, qcity.Internal(err)
	}
	now := s.Clock.Now().UTC()
	err = audit.Write(ctx, s.DB, now, audit.Record{Action: audit.ActionExport, ObjectType: "entity",
		Region: qcity.ActorFrom(ctx).Region, Summary: "entities export",
		After: map[string]any{"filter": f, "rows": n}})
	return n, err
}

// BulkCreateEntities registers many entities in one transaction, for trusted bulk
// sources such as the demo city. Every entity is validated as a form would be; any
// invalid one rejects the whole batch with EINVALID (Row = its 1-based position).
// source is recorded on each entity; one audit record covers the batch.
func (s *Service) BulkCreateEntities(ctx context.Context, es []Entity, source string, progress func(done, total int)) error {
	if len(es) == 0 {
		return nil
	}
	today := s.today()
	now := s.Clock.Now().UTC()
	var errs []qcity.FieldError
	for i := range es {
		e, ferrs := s.Validator.Validate(es[i].Input(), today)
		for _, fe := range ferrs {
			fe.Row = i + 1
			if len(errs) < maxImportErrors {
				errs = append(errs, fe)
			}
		}
		e.NeedsCheck = es[i].NeedsCheck
		e.CreatedAt, e.UpdatedAt = now, now
		if !es[i].CreatedAt.IsZero() {
			e.CreatedAt, e.UpdatedAt = es[i].CreatedAt, es[i].CreatedAt
		}
		e.Source = source
		es[i] = e
	}
	if len(errs) > 0 {
		return &qcity.Error{Code: qcity.EINVALID, Key: "registry.import_rejected", Args: map[string]any{"count": len(errs)}, Fields: errs}
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := insertEntitiesBulk(ctx, tx, es, func(done int) { progress(done, len(es)) }); err != nil {
			return err
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: "entity",
			Summary: source, After: map[string]any{"source": source, "rows": len(es),
				"first_uscc": es[0].USCC, "last_uscc": es[len(es)-1].USCC}})
	})
	if err != nil {
		return err
	}
	s.indexAll(es)
	return nil
}

// BulkCreateOrganisations registers many organisations in one transaction, validating
// each; one audit record covers the batch.
func (s *Service) BulkCreateOrganisations(ctx context.Context, os []Organisation, source string) error {
	now := s.Clock.Now().UTC()
	var errs []qcity.FieldError
	for i := range os {
		o, ferrs := s.Validator.ValidateOrganisation(os[i].Input())
		for _, fe := range ferrs {
			fe.Row = i + 1
			errs = append(errs, fe)
		}
		o.CreatedAt, o.UpdatedAt = now, now
		os[i] = o
	}
	if len(errs) > 0 {
		return &qcity.Error{Code: qcity.EINVALID, Key: "registry.import_rejected", Args: map[string]any{"count": len(errs)}, Fields: errs}
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		for i := range os {
			if err := insertOrganisation(ctx, tx, &os[i]); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: "organisation",
			Summary: source, After: map[string]any{"source": source, "rows": len(os)}})
	})
}
