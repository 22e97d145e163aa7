package sampling

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/registry"
	"qcity/internal/sheet"
)

// SampleColumns are the columns of sample imports and their template: one row per test
// item, the sample's columns repeated on each of its rows. The field names are those of
// POST /api/v1/samples; Chinese and English headers are accepted too.
var SampleColumns = []sheet.Column{
	{Field: "sample_no", ZH: "样品编号", EN: "Sample number", Aliases: []string{"抽样单编号"}, Required: true, Example: "DC19440800001"},
	{Field: "kind", ZH: "抽检类型", EN: "Kind", Aliases: []string{"类型"}, Required: true, Example: "food"},
	{Field: "level", ZH: "抽检级别", EN: "Level", Aliases: []string{"级别"}, Required: true, Example: "city"},
	{Field: "year", ZH: "年度", EN: "Year", Example: "2019", Type: sheet.Number},
	{Field: "category", ZH: "食品类别", EN: "Category", Aliases: []string{"类别", "产品类别"}, Required: true, Example: "酒类/白酒"},
	{Field: "product_name", ZH: "样品名称", EN: "Product name", Aliases: []string{"产品名称", "食品名称"}, Required: true, Example: "米酒"},
	{Field: "brand", ZH: "商标", EN: "Brand", Aliases: []string{"品牌"}, Example: "示例牌"},
	{Field: "specification", ZH: "规格型号", EN: "Specification", Aliases: []string{"规格"}, Example: "500mL/瓶"},
	{Field: "batch", ZH: "生产日期/批号", EN: "Batch or production date", Aliases: []string{"批号", "生产日期"}, Example: "2019-03-01"},
	{Field: "producer_uscc", ZH: "标称生产者统一社会信用代码", EN: "Producer USCC", Aliases: []string{"生产者统一社会信用代码"}, Example: "91440800MA4W12346A"},
	{Field: "producer_name", ZH: "标称生产者名称", EN: "Producer name", Aliases: []string{"生产者名称"}, Example: "湛江市示例酒业有限公司"},
	{Field: "seller_uscc", ZH: "被抽样单位统一社会信用代码", EN: "Seller USCC", Aliases: []string{"被抽样单位信用代码"}, Example: "92440803MA4W12346M"},
	{Field: "seller_name", ZH: "被抽样单位名称", EN: "Seller name", Aliases: []string{"被抽样单位"}, Example: "霞山区示例商行"},
	{Field: "region_code", ZH: "抽样地区代码", EN: "Region code", Aliases: []string{"行政区划代码"}, Required: true, Example: "440803"},
	{Field: "stage", ZH: "抽样环节", EN: "Stage", Aliases: []string{"环节"}, Required: true, Example: "流通"},
	{Field: "sampled_on", ZH: "抽样日期", EN: "Sampled on", Required: true, Example: "2019-04-02", Type: sheet.Date},
	{Field: "lab", ZH: "检验机构", EN: "Lab", Aliases: []string{"承检机构"}, Example: "湛江市食品检验所"},
	{Field: "item", ZH: "检验项目", EN: "Test item", Aliases: []string{"项目"}, Required: true, Example: "甲醇"},
	{Field: "result", ZH: "检验结果", EN: "Result", Aliases: []string{"结果"}, Required: true, Example: "0.012"},
	{Field: "unit", ZH: "单位", EN: "Unit", Aliases: []string{"计量单位"}, Example: "g/L"},
	{Field: "limit", ZH: "标准值", EN: "Limit", Aliases: []string{"标准要求", "限量"}, Example: "≤0.6"},
	{Field: "comparison", ZH: "判定方法", EN: "Comparison", Aliases: []string{"比较方法"}, Example: "full"},
	{Field: "standard", ZH: "判定依据", EN: "Standard", Aliases: []string{"依据标准"}, Example: "GB 2757-2012"},
	{Field: "lab_verdict", ZH: "单项结论", EN: "Lab verdict", Aliases: []string{"结论", "单项判定"}, Example: "合格"},
}

// sampleFields are the columns that belong to the sample, repeated on each item row.
var sampleFields = []string{"kind", "level", "year", "category", "product_name", "brand", "specification", "batch",
	"producer_uscc", "producer_name", "seller_uscc", "seller_name", "region_code", "stage", "sampled_on", "lab"}

// ImportOptions tunes an import.
type ImportOptions struct {
	DryRun   bool // validate and judge everything, write nothing
	Progress func(phase string, done, total int)
}

// ImportSummary reports an import.
type ImportSummary struct {
	Samples int    `json:"samples"`
	Items   int    `json:"items"`
	Failed  int    `json:"failed"`  // samples that failed
	Review  int    `json:"review"`  // samples with a lab-verdict disagreement
	DryRun  bool   `json:"dry_run"` // nothing was written
	SHA256  string `json:"sha256"`  // of the file
	Created int    `json:"new_parties"`
}

// maxImportErrors caps the row errors reported for one file.
const maxImportErrors = 1000

type rowGroup struct {
	in        SampleInput
	rows      []int    // spreadsheet row of each item
	firstVals []string // the sample's columns as its first row gives them
}

// ImportSamples reads results from a CSV or .xlsx file, one row per test item, judges
// every item and records all samples in one transaction — or none: any bad row (or a
// sample number already recorded) rejects the file with EINVALID listing each row,
// column and error. Labs import as themselves; officials for their region.
func (s *Service) ImportSamples(ctx context.Context, r io.Reader, filename string, opt ImportOptions) (ImportSummary, error) {
	a := qcity.ActorFrom(ctx)
	if err := canRecord(a); err != nil {
		return ImportSummary{}, err
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	rd, err := sheet.Open(r, filename, SampleColumns, sheet.Limits{MaxBytes: 512 << 20, MaxRows: 5_000_000})
	if err != nil {
		return ImportSummary{}, err
	}
	var errs []qcity.FieldError
	nErrs := 0
	addErr := func(fe qcity.FieldError) {
		nErrs++
		if len(errs) < maxImportErrors {
			errs = append(errs, fe)
		}
	}
	groups := map[string]*rowGroup{}
	var order []string
	nrows := 0
	// Column positions, looked up once: a million rows make the map lookups of Get count.
	col := map[string]int{}
	for _, c := range SampleColumns {
		col[c.Field] = rd.Index(c.Field)
	}
	sampleCols := make([]int, len(sampleFields))
	for i, f := range sampleFields {
		sampleCols[i] = col[f]
	}
	cNo, cItem, cResult, cUnit, cLimit, cCmp, cStd, cLab := col["sample_no"], col["item"], col["result"], col["unit"],
		col["limit"], col["comparison"], col["standard"], col["lab_verdict"]
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ImportSummary{}, err
		}
		nrows++
		v := row.Values
		get := func(f string) string {
			if i := col[f]; i >= 0 && i < len(v) {
				return v[i]
			}
			return ""
		}
		at := func(i int) string {
			if i >= 0 && i < len(v) {
				return v[i]
			}
			return ""
		}
		no := strings.TrimSpace(at(cNo))
		g := groups[no]
		if g == nil {
			g = &rowGroup{firstVals: make([]string, len(sampleCols)), rows: make([]int, 0, 8)}
			g.in = SampleInput{SampleNo: no, Kind: get("kind"), Level: get("level"), Year: json.Number(strings.TrimSpace(get("year"))),
				Category: get("category"), ProductName: get("product_name"), Brand: get("brand"),
				Specification: get("specification"), Batch: get("batch"), ProducerUSCC: get("producer_uscc"),
				ProducerName: get("producer_name"), SellerUSCC: get("seller_uscc"), SellerName: get("seller_name"),
				Region: get("region_code"), Stage: get("stage"), SampledOn: get("sampled_on"), Lab: get("lab"),
				Items: make([]ItemInput, 0, 8)}
			for k, i := range sampleCols {
				g.firstVals[k] = at(i)
			}
			groups[no] = g
			order = append(order, no)
		} else {
			for k, i := range sampleCols {
				if at(i) != g.firstVals[k] {
					addErr(qcity.FieldError{Row: row.Line, Field: sampleFields[k], Key: "sampling.row_mismatch",
						Args: map[string]any{"sample_no": no, "first": g.rows[0]}})
				}
			}
		}
		g.in.Items = append(g.in.Items, ItemInput{Item: at(cItem), Result: at(cResult), Unit: at(cUnit),
			Limit: at(cLimit), Comparison: at(cCmp), Standard: at(cStd), LabVerdict: at(cLab)})
		g.rows = append(g.rows, row.Line)
		if nrows%50000 == 0 {
			progress("read", nrows, 0)
		}
	}
	progress("read", nrows, nrows)
	if nrows == 0 {
		return ImportSummary{}, qcity.Errorf(qcity.EINVALID, "sheet.no_rows")
	}

	var inputs []SampleInput
	var rowsOf [][]int
	for _, no := range order {
		inputs = append(inputs, groups[no].in)
		rowsOf = append(rowsOf, groups[no].rows)
	}
	return s.bulk(ctx, inputs, rowsOf, opt, filename, rd.SHA256(), errs, nErrs)
}

// BulkCreate records many samples with their results in one transaction, as an import
// does, for trusted bulk sources such as the demo city: every sample is validated and
// judged; any error rejects all (EINVALID, Row = the sample's 1-based position).
func (s *Service) BulkCreate(ctx context.Context, inputs []SampleInput, opt ImportOptions) (ImportSummary, error) {
	if err := canRecord(qcity.ActorFrom(ctx)); err != nil {
		return ImportSummary{}, err
	}
	rowsOf := make([][]int, len(inputs))
	for i := range inputs {
		rows := make([]int, max(1, len(inputs[i].Items)))
		for k := range rows {
			rows[k] = i + 1
		}
		rowsOf[i] = rows
	}
	return s.bulk(ctx, inputs, rowsOf, opt, "bulk", "", nil, 0)
}

// bulk validates, judges and stores samples; rowsOf gives each sample's rows (its first
// row for sample-level errors, one per item for item errors).
func (s *Service) bulk(ctx context.Context, inputs []SampleInput, rowsOf [][]int, opt ImportOptions, filename, sha string,
	errs []qcity.FieldError, nErrs int) (ImportSummary, error) {
	a := qcity.ActorFrom(ctx)
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	addErr := func(fe qcity.FieldError) {
		nErrs++
		if len(errs) < maxImportErrors {
			errs = append(errs, fe)
		}
	}
	rowOf := map[string]int{}
	for i, in := range inputs {
		no := strings.TrimSpace(in.SampleNo)
		if first, dup := rowOf[no]; dup && len(rowsOf[i]) > 0 {
			addErr(qcity.FieldError{Row: rowsOf[i][0], Field: "sample_no", Key: "sampling.sample_no_repeated", Args: map[string]any{"sample_no": no, "first": first}})
		} else if len(rowsOf[i]) > 0 {
			rowOf[no] = rowsOf[i][0]
		}
	}

	// Samples are judged on every core in chunks while this goroutine writes the
	// chunks already judged, in order, inside one transaction: the database work
	// overlaps the judging. The first bad row stops the writing (the judging goes on,
	// to report every error) and the transaction is rolled back: all or nothing.
	today := s.today()
	const chunkSize = 1000
	nChunks := (len(inputs) + chunkSize - 1) / chunkSize
	type chunk struct {
		ok   []checked
		errs []qcity.FieldError
		err  error
		done chan struct{}
	}
	chunks := make([]chunk, nChunks)
	for i := range chunks {
		chunks[i].done = make(chan struct{})
	}
	var next atomic.Int64
	stop := make(chan struct{})
	defer close(stop)
	// One core is left to the writer, the slowest stage.
	workers := max(1, min(runtime.GOMAXPROCS(0)-1, nChunks))
	for w := 0; w < workers; w++ {
		go func() {
			lb := &labs{s: s} // a lab cache per worker
			for {
				k := int(next.Add(1)) - 1
				if k >= nChunks {
					return
				}
				select {
				case <-stop:
					return
				default:
				}
				ch := &chunks[k]
				for i := k * chunkSize; i < min((k+1)*chunkSize, len(inputs)); i++ {
					c, ferrs, err := s.check(ctx, inputs[i], lb, today)
					if err != nil {
						ch.err = err
						break
					}
					rows := rowsOf[i]
					for _, fe := range ferrs {
						fe.Row = rows[0]
						if strings.HasPrefix(fe.Field, "items[") {
							// items[i].field → the item's own row and column
							idx, rest, _ := strings.Cut(strings.TrimPrefix(fe.Field, "items["), "].")
							if n, err := strconv.Atoi(idx); err == nil && n < len(rows) {
								fe.Row, fe.Field = rows[n], rest
							}
						}
						ch.errs = append(ch.errs, fe)
					}
					if len(ferrs) == 0 {
						s.finish(&c, today)
						ch.ok = append(ch.ok, c)
					}
				}
				close(ch.done)
			}
		}()
	}

	sum := ImportSummary{DryRun: opt.DryRun, SHA256: sha}
	now := s.Clock.Now().UTC()
	var indexNew []func()
	// What the statistics need of each stored sample, kept small: the checked samples
	// themselves can go once written.
	type counted struct {
		key     cubeKey
		verdict string
		items   []Item
	}
	var all []counted
	keep := func(cs []checked) {
		for i := range cs {
			all = append(all, counted{keyOf(&cs[i].Sample), cs[i].Verdict, cs[i].items})
		}
	}
	errBad := errors.New("rows rejected") // rolls the transaction back
	write := func(tx *db.Tx) error {
		var stmts stmtCache
		defer stmts.close()
		written := 0
		for k := range chunks {
			ch := &chunks[k]
			select {
			case <-ch.done:
			case <-ctx.Done():
				return ctx.Err()
			}
			if ch.err != nil {
				return ch.err
			}
			for _, fe := range ch.errs {
				addErr(fe)
			}
			for _, c := range ch.ok {
				sum.Items += len(c.items)
				if c.Verdict == VerdictFail {
					sum.Failed++
				}
				if c.State == StateReview {
					sum.Review++
				}
			}
			sum.Samples += len(ch.ok)
			progress("check", min((k+1)*chunkSize, len(inputs)), len(inputs))
			// Sample numbers already recorded are row errors too.
			nos := make([]string, len(ch.ok))
			for i := range ch.ok {
				nos[i] = ch.ok[i].SampleNo
			}
			var q db.Querier = s.DB
			if tx != nil {
				q = tx
			}
			taken, err := existingSampleNos(ctx, q, nos)
			if err != nil {
				return err
			}
			for _, no := range nos {
				if taken[no] {
					addErr(qcity.FieldError{Row: rowOf[no], Field: "sample_no", Key: "sampling.sample_no_taken", Args: map[string]any{"sample_no": no}})
				}
			}
			if nErrs > 0 || tx == nil {
				// Keep judging to list every error, or to count a dry run.
				continue
			}
			var ps []registry.Party
			for i := range ch.ok {
				ps = append(ps, parties(&ch.ok[i])...)
			}
			ids, idx, err := s.Registry.EnsureEntities(ctx, tx, ps, s.Jurisdiction.Prefecture.Code)
			if err != nil {
				qe := qcity.AsError(err)
				if qe.Code == qcity.EINVALID && len(qe.Fields) > 0 {
					// Name the row of the sample whose party was bad.
					f := &qe.Fields[0]
					if f.Row > 0 && f.Row <= len(ps) {
						bad := ps[f.Row-1].USCC
						for _, c := range ch.ok {
							if c.producer.USCC == bad || c.seller.USCC == bad {
								f.Row = rowOf[c.SampleNo]
								f.Field = map[bool]string{true: "producer_name", false: "seller_name"}[c.producer.USCC == bad]
								break
							}
						}
					}
				}
				return err
			}
			indexNew = append(indexNew, idx)
			for i := range ch.ok {
				c := &ch.ok[i]
				c.ProducerID, c.SellerID = ids[c.producer.USCC], ids[c.seller.USCC]
				c.CreatedAt, c.UpdatedAt = now, now
				c.RecordedBy, c.RecordedRole = a.Name, string(a.Role)
			}
			if err := bulkInsert(ctx, tx, ch.ok, &stmts); err != nil {
				return err
			}
			for i := range ch.ok {
				if err := s.notifyFailed(ctx, tx, ch.ok[i].Sample, today); err != nil {
					return err
				}
			}
			keep(ch.ok)
			written += len(ch.ok)
			ch.ok = nil
			progress("write", written, len(inputs))
		}
		if nErrs > 0 {
			return errBad
		}
		if tx == nil {
			return nil
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: "sample", ObjectID: sum.SHA256[:min(16, len(sum.SHA256))],
			Region: a.Region, Summary: filename, After: map[string]any{"file": filename, "sha256": sum.SHA256,
				"samples": sum.Samples, "items": sum.Items, "failed": sum.Failed}})
	}
	var err error
	if opt.DryRun {
		err = write(nil)
	} else {
		err = s.DB.InTx(ctx, write)
	}
	if errors.Is(err, errBad) || (err == nil && nErrs > 0) {
		sortRowErrors(errs)
		return ImportSummary{}, &qcity.Error{Code: qcity.EINVALID, Key: "sampling.import_rejected",
			Args: map[string]any{"count": nErrs, "shown": len(errs)}, Fields: errs}
	}
	if err != nil {
		return ImportSummary{}, err
	}
	if opt.DryRun {
		return sum, nil
	}
	for _, f := range indexNew {
		f()
	}
	for _, c := range all {
		s.Stats.Add(c.key, c.verdict, c.items)
	}
	return sum, nil
}

// bulkInsert writes samples and their items with multi-row INSERTs.
func bulkInsert(ctx context.Context, tx *db.Tx, all []checked, stmt *stmtCache) error {
	const sampleBatch = 400
	// On SQLite the transaction holds the only write lock, so ids can be given out
	// from the current maximum, sparing RETURNING; PostgreSQL's sequence hands them out.
	var nextID int64
	explicit := tx.Dialect() == db.SQLite
	if explicit {
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM samples`).Scan(&nextID); err != nil {
			return qcity.Internal(err)
		}
	}
	for start := 0; start < len(all); start += sampleBatch {
		batch := all[start:min(start+sampleBatch, len(all))]
		var b strings.Builder
		if explicit {
			b.WriteString(`INSERT INTO samples (id, ` + sampleInsertCols + `) VALUES `)
		} else {
			b.WriteString(`INSERT INTO samples (` + sampleInsertCols + `) VALUES `)
		}
		args := make([]any, 0, len(batch)*(sampleInsertN+1))
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", sampleInsertN), ", ") + ")"
		if explicit {
			row = "(?, " + row[1:]
		}
		for i := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
			if explicit {
				nextID++
				batch[i].ID = nextID
				args = append(args, nextID)
			}
			args = sampleArgs(args, &batch[i].Sample)
		}
		if explicit {
			if _, err := stmt.exec(ctx, tx, b.String(), args); err != nil {
				if db.IsUniqueViolation(err) {
					return qcity.Errorf(qcity.ECONFLICT, "sampling.import_conflict")
				}
				return qcity.Internal(err)
			}
		} else if err := insertReturning(ctx, tx, stmt, b.String()+" RETURNING id", args, batch); err != nil {
			return err
		}
		// The items of this batch.
		items := make([]any, 0, 500*itemCols)
		n := 0
		var ib strings.Builder
		flush := func() error {
			if n == 0 {
				return nil
			}
			if _, err := stmt.exec(ctx, tx, ib.String(), items); err != nil {
				return qcity.Internal(err)
			}
			items, n = items[:0], 0
			ib.Reset()
			return nil
		}
		for j := range batch {
			for k := range batch[j].items {
				if n == 0 {
					ib.WriteString(itemInsert)
				} else {
					ib.WriteString(", ")
				}
				ib.WriteString(itemRow)
				items = itemArgs(items, batch[j].ID, &batch[j].items[k])
				n++
				if n == 500 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

func existingSampleNos(ctx context.Context, q db.Querier, nos []string) (map[string]bool, error) {
	found := map[string]bool{}
	const chunk = 500
	for start := 0; start < len(nos); start += chunk {
		part := nos[start:min(start+chunk, len(nos))]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		rows, err := q.Query(ctx, `SELECT sample_no FROM samples WHERE sample_no IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, args...)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		for rows.Next() {
			var c string
			rows.Scan(&c)
			found[c] = true
		}
		rows.Close()
	}
	return found, nil
}

func sortRowErrors(errs []qcity.FieldError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Row < errs[j-1].Row; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// insertReturning runs a multi-row INSERT … RETURNING id and sets the samples' ids.
func insertReturning(ctx context.Context, tx *db.Tx, stmt *stmtCache, q string, args []any, batch []checked) error {
	rows, err := stmt.query(ctx, tx, q, args)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return qcity.Errorf(qcity.ECONFLICT, "sampling.import_conflict")
		}
		return qcity.Internal(err)
	}
	i := 0
	for rows.Next() {
		if err := rows.Scan(&batch[i].ID); err != nil {
			rows.Close()
			return qcity.Internal(err)
		}
		i++
	}
	if err := rows.Close(); err != nil {
		return qcity.Internal(err)
	}
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	if i != len(batch) {
		return qcity.Internal(errors.New("sampling: bulk insert returned fewer ids than rows"))
	}
	return nil
}

// stmtCache keeps the prepared statements of a bulk insert: full batches repeat the same
// statement text, so preparing it once saves parsing it for every batch.
type stmtCache struct {
	m map[string]*sql.Stmt
}

const stmtCacheMax = 8

func (c *stmtCache) stmt(ctx context.Context, tx *db.Tx, q string) (*sql.Stmt, error) {
	if st, ok := c.m[q]; ok {
		return st, nil
	}
	if len(c.m) >= stmtCacheMax {
		return nil, nil
	}
	st, err := tx.Prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[q] = st
	return st, nil
}

func (c *stmtCache) query(ctx context.Context, tx *db.Tx, q string, args []any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return tx.Query(ctx, q, args...)
	}
	return st.QueryContext(ctx, tx.Args(args)...)
}

func (c *stmtCache) exec(ctx context.Context, tx *db.Tx, q string, args []any) (sql.Result, error) {
	st, err := c.stmt(ctx, tx, q)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return tx.Exec(ctx, q, args...)
	}
	return st.ExecContext(ctx, tx.Args(args)...)
}

func (c *stmtCache) close() {
	for _, st := range c.m {
		st.Close()
	}
}
