package credit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strings"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// Operating statuses reported (Art. 9(2)).
var OperatingStatuses = []string{"operating", "suspended", "liquidating"} // 开业 / 歇业 / 清算

// ReportContents are the mandatory, always-published fields (Art. 9 items 1–6).
type ReportContents struct {
	Address         string `json:"address"`
	Postcode        string `json:"postcode"`
	Phone           string `json:"phone"`
	Email           string `json:"email"`
	OperatingStatus string `json:"operating_status"`
	Investments     string `json:"investments"`      // investments in other firms, equity bought
	Shareholders    string `json:"shareholders"`     // subscribed and paid-in capital: one shareholder per line
	EquityTransfers string `json:"equity_transfers"` // equity transfers (limited-liability companies)
	Websites        string `json:"websites"`         // websites and online shops
}

// OptionalFields are the item-7 fields the enterprise chooses whether to publish.
var OptionalFields = []string{"headcount", "total_assets", "total_liabilities", "guarantees", "owners_equity",
	"revenue", "main_revenue", "total_profit", "net_profit", "tax_paid"}

// Channels of filing.
const (
	ChannelOnline = "online"
	ChannelPaper  = "paper" // individual businesses may file on paper; officials enter it
)

// Report is an annual report (企业年度报告).
type Report struct {
	ID                int64             `json:"id"`
	EntityID          int64             `json:"-"`
	USCC              string            `json:"uscc"`
	Name              string            `json:"name"`
	EntityType        string            `json:"entity_type"`
	Region            string            `json:"region_code"`
	Year              int               `json:"year"`
	FiledOn           qcity.Date        `json:"filed_on"`
	Late              bool              `json:"late"`
	Channel           string            `json:"channel"`
	Publish           bool              `json:"publish"`
	Contents          ReportContents    `json:"contents"`
	Optional          map[string]string `json:"optional"`
	PublishedOptional []string          `json:"published_optional"`
	FiledBy           string            `json:"filed_by"`
	Corrections       []Correction      `json:"corrections"`
	Version           int               `json:"version"`
}

// Correction is one field corrected before 30 June, old and new shown together.
type Correction struct {
	On    qcity.Date `json:"corrected_on"`
	Field string     `json:"field"`
	Old   string     `json:"old"`
	New   string     `json:"new"`
}

// Public returns the report as the public may see it: nothing but the filing for an
// individual business that chose not to publish; the optional fields it publishes.
func (r Report) Public() Report {
	out := r
	out.FiledBy = ""
	out.Optional = map[string]string{}
	if !r.Publish {
		out.Contents, out.Corrections = ReportContents{}, []Correction{}
		return out
	}
	for _, k := range r.PublishedOptional {
		if v, ok := r.Optional[k]; ok {
			out.Optional[k] = v
		}
	}
	out.Corrections = []Correction{}
	for _, c := range r.Corrections {
		if !slices.Contains(OptionalFields, c.Field) || slices.Contains(r.PublishedOptional, c.Field) {
			out.Corrections = append(out.Corrections, c)
		}
	}
	return out
}

// ReportInput is a filing or a correction.
type ReportInput struct {
	USCC            string            `json:"uscc"`
	Year            int               `json:"year"`
	Contents        ReportContents    `json:"contents"`
	Optional        map[string]string `json:"optional"`
	PublishOptional []string          `json:"publish_optional"`
	// Publish: an individual business may choose not to publish (default true).
	Publish *bool `json:"publish"`
}

var (
	postcodeRE = regexp.MustCompile(`^[0-9]{6}$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9][0-9 \-]{5,18}[0-9]$`)
	amountRE   = regexp.MustCompile(`^-?[0-9]{1,13}(\.[0-9]{1,2})?$`)
	countRE    = regexp.MustCompile(`^[0-9]{1,7}$`)
)

// checkReport validates a filing's fields.
func checkReport(in ReportInput, individual bool) (ReportContents, map[string]string, []string, bool, []qcity.FieldError) {
	var errs []qcity.FieldError
	c := in.Contents
	c.Address = checkText(&errs, "address", c.Address, true, 200)
	c.Postcode = strings.TrimSpace(c.Postcode)
	if c.Postcode != "" && !postcodeRE.MatchString(c.Postcode) || c.Postcode == "" && !individual {
		errs = append(errs, qcity.Field("postcode", "credit.postcode_format"))
	}
	c.Phone = strings.TrimSpace(c.Phone)
	if !phoneRE.MatchString(c.Phone) {
		errs = append(errs, qcity.Field("phone", "credit.phone_format"))
	}
	c.Email = strings.TrimSpace(c.Email)
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > 100 {
			errs = append(errs, qcity.Field("email", "credit.email_format"))
		}
	}
	if !slices.Contains(OperatingStatuses, c.OperatingStatus) {
		errs = append(errs, qcity.Field("operating_status", "credit.operating_status"))
	}
	c.Investments = checkText(&errs, "investments", c.Investments, false, 2000)
	c.Shareholders = checkText(&errs, "shareholders", c.Shareholders, false, 4000)
	c.EquityTransfers = checkText(&errs, "equity_transfers", c.EquityTransfers, false, 2000)
	c.Websites = checkText(&errs, "websites", c.Websites, false, 1000)
	opt := map[string]string{}
	for k, v := range in.Optional {
		if !slices.Contains(OptionalFields, k) {
			errs = append(errs, qcity.Field(k, "credit.field_unknown"))
			continue
		}
		v = strings.ReplaceAll(strings.TrimSpace(v), ",", "")
		if v == "" {
			continue
		}
		re := amountRE
		if k == "headcount" {
			re = countRE
		}
		if !re.MatchString(v) {
			errs = append(errs, qcity.Field(k, "credit.number_format"))
			continue
		}
		opt[k] = v
	}
	var pub []string
	for _, k := range in.PublishOptional {
		if !slices.Contains(OptionalFields, k) {
			errs = append(errs, qcity.Field("publish_optional", "credit.field_unknown"))
			break
		}
		if !slices.Contains(pub, k) {
			pub = append(pub, k)
		}
	}
	slices.SortFunc(pub, func(a, b string) int { return slices.Index(OptionalFields, a) - slices.Index(OptionalFields, b) })
	publish := in.Publish == nil || *in.Publish
	if !publish && !individual {
		errs = append(errs, qcity.Field("publish", "credit.publish_required"))
	}
	return c, opt, pub, publish, errs
}

const reportColumns = `r.id, r.entity_id, e.uscc, e.name, e.entity_type, e.region_code, r.year, r.filed_on, r.channel, r.publish,
	r.contents, r.optional, r.published_optional, r.filed_by, r.version`

func scanReport(row interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var contents, optional, pub string
	err := row.Scan(&r.ID, &r.EntityID, &r.USCC, &r.Name, &r.EntityType, &r.Region, &r.Year, &r.FiledOn, &r.Channel, &r.Publish,
		&contents, &optional, &pub, &r.FiledBy, &r.Version)
	unmarshalJSON(contents, &r.Contents)
	r.Optional = map[string]string{}
	unmarshalJSON(optional, &r.Optional)
	unmarshalJSON(pub, &r.PublishedOptional)
	if r.PublishedOptional == nil {
		r.PublishedOptional = []string{}
	}
	r.Late = FiledLate(r.Year, r.FiledOn)
	r.Corrections = []Correction{}
	return r, err
}

func findReport(ctx context.Context, q db.Querier, entityID int64, year int) (Report, error) {
	r, err := scanReport(q.QueryRow(ctx, `SELECT `+reportColumns+` FROM annual_reports r JOIN entities e ON e.id = r.entity_id
		WHERE r.entity_id = ? AND r.year = ?`, entityID, year))
	if errors.Is(err, sql.ErrNoRows) {
		return r, qcity.Errorf(qcity.ENOTFOUND, "credit.report_not_found", "year", year)
	}
	if err != nil {
		return r, qcity.Internal(err)
	}
	rows, err := q.Query(ctx, `SELECT corrected_on, field, old_value, new_value FROM annual_report_corrections
		WHERE report_id = ? ORDER BY id`, r.ID)
	if err != nil {
		return r, qcity.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Correction
		if err := rows.Scan(&c.On, &c.Field, &c.Old, &c.New); err != nil {
			return r, qcity.Internal(err)
		}
		r.Corrections = append(r.Corrections, c)
	}
	return r, qcity.Internal(rows.Err())
}

// checkFiler checks who may file for p: the enterprise online, or an official entering
// an individual business's paper filing.
func checkFiler(a qcity.Actor, p party) (string, error) {
	if err := canActFor(a, p); err != nil {
		return "", err
	}
	if a.Role == qcity.RoleEnterprise {
		return ChannelOnline, nil
	}
	if !p.natural() {
		return "", qcity.Errorf(qcity.EFORBIDDEN, "credit.paper_individual_only")
	}
	return ChannelPaper, nil
}

// FileReport files the report for a year: from 1 January of the next year; a filing
// after 30 June is late (补报) and does not by itself remove an abnormal listing (the
// enterprise applies for removal). A pending listing proposal for the year is
// withdrawn, since there is no longer anything to list for.
func (s *Service) FileReport(ctx context.Context, in ReportInput) (Report, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	actor := qcity.ActorFrom(ctx)
	p, err := findParty(ctx, s.DB, in.USCC)
	if err != nil {
		if qcity.ErrorCode(err) == qcity.ENOTFOUND {
			return Report{}, qcity.Invalid(qcity.Field("uscc", "registry.entity_not_found", "uscc", in.USCC))
		}
		return Report{}, err
	}
	channel, err := checkFiler(actor, p)
	if err != nil {
		return Report{}, err
	}
	c, opt, pub, publish, errs := checkReport(in, p.natural())
	switch {
	case in.Year < 2013 || in.Year > today.Year:
		errs = append(errs, qcity.Field("year", "credit.report_year"))
	case today.Before(ReportWindowOpens(in.Year)):
		errs = append(errs, qcity.Field("year", "credit.report_window", "date", ReportWindowOpens(in.Year).String()))
	case p.Type == "branch":
		errs = append(errs, qcity.Field("uscc", "credit.report_branch"))
	case p.EstablishedOn.After(qcity.NewDate(in.Year, 12, 31)):
		errs = append(errs, qcity.Field("year", "credit.report_not_due", "year", in.Year))
	}
	if len(errs) > 0 {
		return Report{}, qcity.Invalid(errs...)
	}
	r := Report{EntityID: p.ID, USCC: p.USCC, Name: p.Name, EntityType: p.Type, Region: p.Region, Year: in.Year, FiledOn: today,
		Late: FiledLate(in.Year, today), Channel: channel, Publish: publish, Contents: c, Optional: opt, PublishedOptional: pub,
		FiledBy: actor.Name, Corrections: []Correction{}, Version: 1}
	if r.PublishedOptional == nil {
		r.PublishedOptional = []string{}
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO annual_reports (entity_id, year, filed_on, channel, publish, contents, optional,
			published_optional, filed_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.EntityID, r.Year, r.FiledOn, r.Channel, r.Publish, marshal(r.Contents), marshal(r.Optional), marshal(r.PublishedOptional),
			r.FiledBy, now, now).Scan(&r.ID)
		if db.IsUniqueViolation(err) {
			return qcity.Errorf(qcity.ECONFLICT, "credit.report_exists", "year", r.Year)
		}
		if err != nil {
			return qcity.Internal(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE abnormal_listings SET state = ?, updated_at = ?, version = version + 1
			WHERE entity_id = ? AND reason = ? AND report_year = ? AND state = ?`,
			StateWithdrawn, now, r.EntityID, ReasonAnnualReport, r.Year, StateProposed); err != nil {
			return qcity.Internal(err)
		}
		if err := audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "annual_report",
			ObjectID: fmt.Sprintf("%s/%d", r.USCC, r.Year), Region: r.Region, Summary: fmt.Sprintf("%d年度报告 %s", r.Year, r.USCC), After: r}); err != nil {
			return err
		}
		return s.finish(ctx, tx, nil, r.USCC)
	})
	return r, err
}

// CorrectReport corrects a filed report; allowed up to 30 June of the filing year
// (Art. 12). Each changed field keeps its old and new value.
func (s *Service) CorrectReport(ctx context.Context, in ReportInput) (Report, error) {
	today, now := s.today(), s.Clock.Now().UTC()
	actor := qcity.ActorFrom(ctx)
	p, err := findParty(ctx, s.DB, in.USCC)
	if err != nil {
		return Report{}, err
	}
	if _, err := checkFiler(actor, p); err != nil {
		return Report{}, err
	}
	if today.After(ReportDeadline(in.Year)) {
		return Report{}, qcity.Errorf(qcity.ECONFLICT, "credit.correction_closed", "date", ReportDeadline(in.Year).String())
	}
	c, opt, pub, publish, errs := checkReport(in, p.natural())
	if len(errs) > 0 {
		return Report{}, qcity.Invalid(errs...)
	}
	var r Report
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if r, err = findReport(ctx, tx, p.ID, in.Year); err != nil {
			return err
		}
		before := r
		var changes []Correction
		add := func(field, old, new string) {
			if old != new {
				changes = append(changes, Correction{On: today, Field: field, Old: old, New: new})
			}
		}
		add("address", r.Contents.Address, c.Address)
		add("postcode", r.Contents.Postcode, c.Postcode)
		add("phone", r.Contents.Phone, c.Phone)
		add("email", r.Contents.Email, c.Email)
		add("operating_status", r.Contents.OperatingStatus, c.OperatingStatus)
		add("investments", r.Contents.Investments, c.Investments)
		add("shareholders", r.Contents.Shareholders, c.Shareholders)
		add("equity_transfers", r.Contents.EquityTransfers, c.EquityTransfers)
		add("websites", r.Contents.Websites, c.Websites)
		for _, k := range OptionalFields {
			add(k, r.Optional[k], opt[k])
		}
		add("published_optional", strings.Join(r.PublishedOptional, ","), strings.Join(pub, ","))
		add("publish", fmt.Sprint(r.Publish), fmt.Sprint(publish))
		if len(changes) == 0 {
			return qcity.Errorf(qcity.EINVALID, "credit.correction_empty")
		}
		for _, ch := range changes {
			if _, err := tx.Exec(ctx, `INSERT INTO annual_report_corrections (report_id, corrected_on, field, old_value, new_value,
				corrected_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, ch.On, ch.Field, ch.Old, ch.New, actor.Name, now); err != nil {
				return qcity.Internal(err)
			}
		}
		r.Contents, r.Optional, r.PublishedOptional, r.Publish = c, opt, pub, publish
		if r.PublishedOptional == nil {
			r.PublishedOptional = []string{}
		}
		r.Corrections = append(r.Corrections, changes...)
		if _, err := tx.Exec(ctx, `UPDATE annual_reports SET contents = ?, optional = ?, published_optional = ?, publish = ?,
			updated_at = ?, version = version + 1 WHERE id = ?`, marshal(r.Contents), marshal(r.Optional), marshal(r.PublishedOptional),
			r.Publish, now, r.ID); err != nil {
			return qcity.Internal(err)
		}
		r.Version++
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "annual_report",
			ObjectID: fmt.Sprintf("%s/%d", r.USCC, r.Year), Region: r.Region, Summary: fmt.Sprintf("更正%d年度报告", r.Year),
			Before: before, After: r})
	})
	return r, err
}

// FindReport returns one report: whole to the enterprise and officials of its region,
// as published to everyone else.
func (s *Service) FindReport(ctx context.Context, code string, year int) (Report, error) {
	p, err := findParty(ctx, s.DB, code)
	if err != nil {
		return Report{}, err
	}
	r, err := findReport(ctx, s.DB, p.ID, year)
	if err != nil {
		return r, err
	}
	if !mayViewPrivate(qcity.ActorFrom(ctx), p.USCC, p.Region) {
		r = r.Public()
	}
	return r, nil
}

// ReportsOf lists an entity's reports, newest first (public view unless allowed more).
func (s *Service) ReportsOf(ctx context.Context, entityID int64, private bool) ([]Report, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+reportColumns+` FROM annual_reports r JOIN entities e ON e.id = r.entity_id
		WHERE r.entity_id = ? ORDER BY r.year DESC`, entityID)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, qcity.Internal(err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, qcity.Internal(err)
	}
	for i := range out {
		full, err := findReport(ctx, s.DB, entityID, out[i].Year)
		if err != nil {
			return nil, err
		}
		out[i] = full
		if !private {
			out[i] = full.Public()
		}
	}
	return out, nil
}

// RateFilter selects the annual report rate.
type RateFilter struct {
	Year   int
	AsOf   qcity.Date // filings up to and including this day count; zero = today
	Region string
	Group  string // region | type | industry
}

// RateRow is one row of the annual report rate: filed ÷ due, in percent to two
// decimals; on time = filed by 30 June (自然年报率), late = filed after (补报).
type RateRow struct {
	Key        string  `json:"key"`
	Due        int     `json:"due"`
	Filed      int     `json:"filed"`
	OnTime     int     `json:"on_time"`
	Late       int     `json:"late"`
	Rate       float64 `json:"rate"`
	OnTimeRate float64 `json:"on_time_rate"`
	Rank       int     `json:"rank,omitempty"`
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)*10000/float64(d)) / 100
}

// ReportRate computes the rate for a year as of a date, grouped; region rows are
// ranked by rate (ties by count filed). Total is the whole selection.
func (s *Service) ReportRate(ctx context.Context, f RateFilter) ([]RateRow, RateRow, error) {
	if f.Year < 2013 || f.Year > 2100 {
		return nil, RateRow{}, qcity.Invalid(qcity.Field("year", "credit.report_year"))
	}
	if f.AsOf.IsZero() {
		f.AsOf = s.today()
	}
	var group string
	switch f.Group {
	case "", "region":
		f.Group, group = "region", "SUBSTR(e.region_code, 1, 6)"
	case "type":
		group = "e.entity_type"
	case "industry":
		group = "e.industry_code"
	default:
		return nil, RateRow{}, qcity.Invalid(qcity.Field("group", "credit.group_unknown"))
	}
	yearEnd := qcity.NewDate(f.Year, 12, 31)
	rows, err := s.DB.Query(ctx, `SELECT `+group+`, COUNT(*),
		SUM(CASE WHEN r.filed_on <= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.filed_on <= ? AND r.filed_on <= ? THEN 1 ELSE 0 END)
		FROM entities e LEFT JOIN annual_reports r ON r.entity_id = e.id AND r.year = ?
		WHERE e.entity_type <> 'branch' AND e.established_on <= ? AND (e.status = 'active' OR e.status_changed_on > ?)
		  AND e.region_code LIKE ?
		GROUP BY `+group, f.AsOf, f.AsOf, ReportDeadline(f.Year), f.Year, yearEnd, yearEnd, f.Region+"%")
	if err != nil {
		return nil, RateRow{}, qcity.Internal(err)
	}
	defer rows.Close()
	byKey := map[string]*RateRow{}
	var total RateRow
	for rows.Next() {
		var key string
		var due int
		var filed, onTime sql.NullInt64
		if err := rows.Scan(&key, &due, &filed, &onTime); err != nil {
			return nil, RateRow{}, qcity.Internal(err)
		}
		if f.Group == "industry" && s.Registry != nil {
			if c, ok := s.Registry.Industries().Get(key); ok {
				key = c.Section
			}
		}
		r := byKey[key]
		if r == nil {
			r = &RateRow{Key: key}
			byKey[key] = r
		}
		r.Due += due
		r.Filed += int(filed.Int64)
		r.OnTime += int(onTime.Int64)
		total.Due += due
		total.Filed += int(filed.Int64)
		total.OnTime += int(onTime.Int64)
	}
	if err := rows.Err(); err != nil {
		return nil, RateRow{}, qcity.Internal(err)
	}
	out := make([]RateRow, 0, len(byKey))
	for _, r := range byKey {
		r.Late = r.Filed - r.OnTime
		r.Rate, r.OnTimeRate = pct(r.Filed, r.Due), pct(r.OnTime, r.Due)
		out = append(out, *r)
	}
	total.Key, total.Late = "total", total.Filed-total.OnTime
	total.Rate, total.OnTimeRate = pct(total.Filed, total.Due), pct(total.OnTime, total.Due)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	if f.Group == "region" {
		ranked := slices.Clone(out)
		sort.SliceStable(ranked, func(i, j int) bool {
			if ranked[i].Rate != ranked[j].Rate {
				return ranked[i].Rate > ranked[j].Rate
			}
			return ranked[i].Filed > ranked[j].Filed
		})
		rank := map[string]int{}
		for i, r := range ranked {
			rank[r.Key] = i + 1
		}
		for i := range out {
			out[i].Rank = rank[out[i].Key]
		}
	}
	return out, total, nil
}

// Unfiled is an entity that owes a report it has not filed.
type Unfiled struct {
	USCC          string     `json:"uscc"`
	Name          string     `json:"name"`
	EntityType    string     `json:"entity_type"`
	Region        string     `json:"region_code"`
	EstablishedOn qcity.Date `json:"established_on"`
	Listed        bool       `json:"abnormal_listed"`
}

// FindUnfiled lists who owed the report for year and had not filed it by asOf.
func (s *Service) FindUnfiled(ctx context.Context, year int, asOf qcity.Date, region string, limit, offset int) ([]Unfiled, int, error) {
	if year < 2013 || year > 2100 {
		return nil, 0, qcity.Invalid(qcity.Field("year", "credit.report_year"))
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	yearEnd := qcity.NewDate(year, 12, 31)
	cond := `FROM entities e WHERE e.entity_type <> 'branch' AND e.established_on <= ?
		AND (e.status = 'active' OR e.status_changed_on > ?) AND e.region_code LIKE ?
		AND NOT EXISTS (SELECT 1 FROM annual_reports r WHERE r.entity_id = e.id AND r.year = ? AND r.filed_on <= ?)`
	args := []any{yearEnd, yearEnd, region + "%", year, asOf}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) `+cond, args...).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	limit, offset = pageBounds(limit, offset)
	rows, err := s.DB.Query(ctx, `SELECT e.uscc, e.name, e.entity_type, e.region_code, e.established_on,
		EXISTS (SELECT 1 FROM abnormal_listings a WHERE a.entity_id = e.id AND a.reason = 'annual_report' AND a.report_year = ? AND a.state = 'listed') `+
		cond+` ORDER BY e.region_code, e.uscc LIMIT ? OFFSET ?`, append(append([]any{year}, args...), limit, offset)...)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Unfiled{}
	for rows.Next() {
		var u Unfiled
		if err := rows.Scan(&u.USCC, &u.Name, &u.EntityType, &u.Region, &u.EstablishedOn, &u.Listed); err != nil {
			return nil, 0, qcity.Internal(err)
		}
		out = append(out, u)
	}
	return out, total, qcity.Internal(rows.Err())
}
