package certification

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

// Columns are the columns of a certificates file and its template (下载模板). The
// issuer column is read only from an official's file: a body's file registers
// certificates of that body.
var Columns = []sheet.Column{
	{Field: "number", ZH: "证书编号", EN: "Certificate number", Required: true, Aliases: []string{"证书号", "编号", "cert_no"}, Example: "2024010718000123"},
	{Field: "scheme", ZH: "认证类别", EN: "Scheme", Required: true, Aliases: []string{"认证项目", "类别", "type"}, Example: "强制性产品认证"},
	{Field: "holder", ZH: "获证组织", EN: "Holder", Required: true, Aliases: []string{"委托人", "认证委托人", "组织名称", "holder_name"}, Example: "湛江市霞山区海滨电器有限公司"},
	{Field: "holder_uscc", ZH: "统一社会信用代码", EN: "Holder USCC", Required: true, Aliases: []string{"信用代码", "uscc"}, Example: "91440803MA4W12345X"},
	{Field: "holder_address", ZH: "组织地址", EN: "Address", Aliases: []string{"地址", "注册地址"}, Example: "湛江市霞山区人民大道南 18 号"},
	{Field: "product", ZH: "产品名称", EN: "Product", Aliases: []string{"产品"}, Example: "电饭锅"},
	{Field: "models", ZH: "型号规格", EN: "Models", Aliases: []string{"型号", "规格型号"}, Example: "CFXB40-70 4.0L 220V~ 700W"},
	{Field: "brand", ZH: "商标", EN: "Brand", Aliases: []string{"品牌"}, Example: "海滨"},
	{Field: "manufacturer", ZH: "生产者（制造商）", EN: "Manufacturer", Aliases: []string{"制造商", "生产者"}, Example: "湛江市霞山区海滨电器有限公司"},
	{Field: "factory", ZH: "生产企业", EN: "Factory", Aliases: []string{"生产厂", "工厂"}, Example: "湛江市霞山区海滨电器有限公司"},
	{Field: "scope", ZH: "认证覆盖范围", EN: "Scope", Aliases: []string{"认证范围", "覆盖范围"}, Example: ""},
	{Field: "standard", ZH: "认证依据", EN: "Standard", Aliases: []string{"依据标准", "认证标准"}, Example: "GB 4706.1-2005；GB 4706.19-2008"},
	{Field: "cert_mode", ZH: "认证模式", EN: "Certification mode", Aliases: []string{"模式"}, Example: "型式试验+初始工厂检查+获证后监督"},
	{Field: "issued_on", ZH: "发证日期", EN: "Issued on", Required: true, Aliases: []string{"颁证日期", "发证日"}, Example: "2024-03-01", Type: sheet.Date},
	{Field: "expires_on", ZH: "有效期至", EN: "Expires on", Required: true, Aliases: []string{"证书到期日期", "到期日期"}, Example: "2029-02-28", Type: sheet.Date},
	{Field: "first_issued_on", ZH: "初次发证日期", EN: "First issued on", Aliases: []string{"初次获证日期"}, Example: "2024-03-01", Type: sheet.Date},
	{Field: "issuer", ZH: "认证机构", EN: "Issuer", Aliases: []string{"发证机构", "认证机构批准号"}, Example: "CNCA-R-2002-001"},
}

// schemeLabels maps what files write in the scheme column to schemes.
var schemeLabels = map[string]Scheme{
	"强制性产品认证": SchemeCCC, "CCC": SchemeCCC, "3C": SchemeCCC, "中国强制性认证": SchemeCCC,
	"质量管理体系": SchemeISO9001, "质量管理体系认证": SchemeISO9001, "ISO9001": SchemeISO9001, "QMS": SchemeISO9001,
	"环境管理体系": SchemeISO14001, "环境管理体系认证": SchemeISO14001, "ISO14001": SchemeISO14001, "EMS": SchemeISO14001,
	"职业健康安全管理体系": SchemeISO45001, "职业健康安全管理体系认证": SchemeISO45001, "ISO45001": SchemeISO45001, "OHSMS": SchemeISO45001,
	"食品安全管理体系": SchemeISO22000, "食品安全管理体系认证": SchemeISO22000, "ISO22000": SchemeISO22000, "FSMS": SchemeISO22000,
	"HACCP": SchemeHACCP, "危害分析与关键控制点": SchemeHACCP, "HACCP体系认证": SchemeHACCP,
	"能源管理体系": SchemeISO50001, "能源管理体系认证": SchemeISO50001, "ISO50001": SchemeISO50001, "ENMS": SchemeISO50001,
	"信息安全管理体系": SchemeISO27001, "信息安全管理体系认证": SchemeISO27001, "ISO27001": SchemeISO27001, "ISMS": SchemeISO27001,
	"知识产权管理体系": SchemeGB29490, "知识产权管理体系认证": SchemeGB29490, "GB/T29490": SchemeGB29490, "GBT29490": SchemeGB29490,
	"有机产品": SchemeOrganic, "有机产品认证": SchemeOrganic, "有机": SchemeOrganic,
	"自愿性产品认证": SchemeVoluntary, "自愿性认证": SchemeVoluntary,
}

// SchemeFromLabel reads a scheme from a file's cell: its code (ccc, iso9001 …), or a
// Chinese or English name as bodies write it ("质量管理体系认证", "ISO 9001"). Unknown
// labels come back as they are, for the validator to refuse.
func SchemeFromLabel(s string) string {
	t := strings.TrimSpace(s)
	if _, ok := InfoOf(Scheme(strings.ToLower(t))); ok {
		return strings.ToLower(t)
	}
	key := strings.ToUpper(strings.NewReplacer(" ", "", "　", "", "（", "(", "）", ")", ":", "").Replace(t))
	if i := strings.Index(key, "(ISO"); i > 0 {
		key = key[:i]
	}
	if sc, ok := schemeLabels[key]; ok {
		return string(sc)
	}
	for _, y := range []string{":2015", ":2018", ":2005", ":2013"} {
		if sc, ok := schemeLabels[strings.TrimSuffix(key, strings.ToUpper(y))]; ok {
			return string(sc)
		}
	}
	return t
}

// ImportResult is what an import did.
type ImportResult struct {
	Rows     int    `json:"rows"`
	SHA256   string `json:"sha256"`
	Warnings int    `json:"warnings"`
}

// maxImportErrors bounds the row errors reported.
const maxImportErrors = 200

// ImportCertificates registers the certificates of a .xlsx or .csv file (Columns)
// all or nothing: every row is validated as RegisterCertificate validates a form (a
// number repeated in the file or already registered included), and a file with any
// bad row is refused with the row and column of each error. A body imports its own
// certificates; a city official names the issuer in each row. Returns EINVALID with
// row errors, ETOOLARGE, EFORBIDDEN.
func (s *Service) ImportCertificates(ctx context.Context, r io.Reader, filename string) (ImportResult, error) {
	a := qcity.ActorFrom(ctx)
	if a.Role != qcity.RoleCertificationBody && !isCityOfficial(a) {
		return ImportResult{}, qcity.Errorf(qcity.EFORBIDDEN, "auth.forbidden")
	}
	rd, err := sheet.Open(r, filename, Columns, sheet.Limits{MaxBytes: 16 << 20, MaxRows: 100_000, MaxCellRunes: 2000})
	if err != nil {
		return ImportResult{}, err
	}
	today, now := s.today(), s.Clock.Now().UTC()
	var errs []qcity.FieldError
	nErrs := 0
	addErr := func(fe qcity.FieldError) {
		nErrs++
		if len(errs) < maxImportErrors {
			errs = append(errs, fe)
		}
	}
	var certs []Certificate
	warnings := 0
	firstRow := map[string]int{}
	bodies := map[string]bodyEntry{}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ImportResult{}, err
		}
		in := CertificateInput{Number: row.Get("number"), Scheme: SchemeFromLabel(row.Get("scheme")), HolderName: row.Get("holder"),
			HolderUSCC: row.Get("holder_uscc"), HolderAddress: row.Get("holder_address"), Product: row.Get("product"),
			Models: row.Get("models"), Brand: row.Get("brand"), Manufacturer: row.Get("manufacturer"), Factory: row.Get("factory"),
			Scope: row.Get("scope"), Standard: row.Get("standard"), CertMode: row.Get("cert_mode"), IssuedOn: row.Get("issued_on"),
			ExpiresOn: row.Get("expires_on"), FirstIssuedOn: row.Get("first_issued_on"), Body: row.Get("issuer")}
		key := in.Body
		if a.Role == qcity.RoleCertificationBody {
			key = ""
		}
		body, cached := bodies[key]
		c, warns, ferrs, err := s.prepare(ctx, s.DB, in, &body, today)
		if err != nil {
			return ImportResult{}, err
		}
		if !cached && body.ID != 0 {
			bodies[key] = body
		}
		warnings += len(warns)
		for _, fe := range ferrs {
			fe.Row = row.Line
			addErr(fe)
		}
		if c.Number != "" {
			if first, dup := firstRow[c.Number]; dup {
				addErr(qcity.FieldError{Row: row.Line, Field: "number", Key: "cert.import_duplicate", Args: map[string]any{"number": c.Number, "first": first}})
				continue
			}
			firstRow[c.Number] = row.Line
		}
		if len(ferrs) > 0 {
			continue
		}
		c.Source = "import"
		certs = append(certs, c)
	}
	if nErrs == 0 && len(certs) == 0 {
		return ImportResult{}, qcity.Invalid(qcity.Field("file", "cert.import_empty"))
	}
	// Numbers already registered are row errors too.
	if nErrs == 0 {
		for i := 0; i < len(certs); i += 500 {
			chunk := certs[i:min(i+500, len(certs))]
			args := make([]any, len(chunk))
			for k, c := range chunk {
				args[k] = c.Number
			}
			rows, err := s.DB.Query(ctx, `SELECT number FROM certificates WHERE number IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
			if err != nil {
				return ImportResult{}, qcity.Internal(err)
			}
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					rows.Close()
					return ImportResult{}, qcity.Internal(err)
				}
				addErr(qcity.FieldError{Row: firstRow[n], Field: "number", Key: "cert.number_taken", Args: map[string]any{"number": n}})
			}
			rows.Close()
		}
	}
	if nErrs > 0 {
		e := qcity.Invalid(errs...)
		e.Key, e.Args = "cert.import_rejected", map[string]any{"errors": nErrs, "shown": len(errs)}
		return ImportResult{}, e
	}
	res := ImportResult{Rows: len(certs), SHA256: rd.SHA256(), Warnings: warnings}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		for i := range certs {
			if err := s.insert(ctx, tx, &certs[i], today, today, now); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: "certificate", ObjectID: res.SHA256,
			Summary: "导入认证证书 " + filename, After: res})
	})
	if err != nil {
		return ImportResult{}, err
	}
	for _, b := range bodies {
		s.index.addBody(b)
	}
	for i := range certs {
		s.index.put(entryOf(certs[i]))
	}
	return res, nil
}

// ExportColumns are the columns of a certificate list exported to Excel.
var ExportColumns = []sheet.Column{
	{Field: "number", ZH: "证书编号", EN: "Certificate number"},
	{Field: "scheme", ZH: "认证类别", EN: "Scheme"},
	{Field: "holder", ZH: "获证组织", EN: "Holder"},
	{Field: "holder_uscc", ZH: "统一社会信用代码", EN: "Holder USCC"},
	{Field: "scope", ZH: "认证范围/产品", EN: "Scope / product"},
	{Field: "standard", ZH: "认证依据", EN: "Standard"},
	{Field: "issuer", ZH: "认证机构", EN: "Issuer"},
	{Field: "issued_on", ZH: "发证日期", EN: "Issued on", Type: sheet.Date},
	{Field: "expires_on", ZH: "有效期至", EN: "Expires on", Type: sheet.Date},
	{Field: "status", ZH: "证书状态", EN: "Status"},
}
