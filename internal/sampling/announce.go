package sampling

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/translog"
)

// Announcement is the publication (公告) of a failed sample with the fields Order 15
// Art. 46 lists: food name, specification, brand, date or batch, the failed items,
// the nominal producer and its address, the sampled unit and its address. A re-test
// or objection that overturns the result supersedes it; the row stays, with the date
// and note, so the history shows.
type Announcement struct {
	ID            int64      `json:"id"`
	SampleNo      string     `json:"sample_no"`
	Kind          Kind       `json:"kind"`
	Year          int        `json:"year"`
	PublishedOn   qcity.Date `json:"published_on"`
	Status        string     `json:"status"` // published | superseded
	RetestPending bool       `json:"retest_pending"`
	SupersededOn  qcity.Date `json:"superseded_on"`
	SupersedeNote string     `json:"supersede_note"`
	ProductName   string     `json:"product_name"`
	ProducerName  string     `json:"producer_name"`
	SellerName    string     `json:"seller_name"`
	Content       Notice     `json:"content"`
	// PublicState is the state the tamper-evident log holds for the announcement.
	PublicState AnnouncementState `json:"public_state"`
}

// Notice is the published content of an announcement.
type Notice struct {
	SampleNo        string       `json:"sample_no"`
	Category        string       `json:"category"`
	ProductName     string       `json:"product_name"`
	Specification   string       `json:"specification"`
	Brand           string       `json:"brand"`
	Batch           string       `json:"batch"`
	SampledOn       qcity.Date   `json:"sampled_on"`
	ProducerName    string       `json:"producer_name"`
	ProducerAddress string       `json:"producer_address"`
	SellerName      string       `json:"seller_name"`
	SellerAddress   string       `json:"seller_address"`
	Stage           Stage        `json:"stage"`
	Lab             string       `json:"lab"`
	FailedItems     []FailedItem `json:"failed_items"`
}

// FailedItem is a failed test item as published.
type FailedItem struct {
	Item     string `json:"item"`
	Result   string `json:"result"`
	Unit     string `json:"unit"`
	Limit    string `json:"limit"`
	Standard string `json:"standard"`
}

const (
	AnnouncementPublished  = "published"
	AnnouncementSuperseded = "superseded"
)

// publish records the announcement of a failed sample.
func (s *Service) publish(ctx context.Context, tx *db.Tx, smp *Sample, today qcity.Date, now time.Time) (Announcement, error) {
	items, err := findItems(ctx, tx, smp.ID)
	if err != nil {
		return Announcement{}, err
	}
	n := Notice{SampleNo: smp.SampleNo, ProductName: smp.ProductName, Specification: smp.Specification, Brand: smp.Brand,
		Batch: smp.Batch, SampledOn: smp.SampledOn, ProducerName: smp.ProducerName, SellerName: smp.SellerName,
		Stage: smp.Stage, Lab: smp.LabName, FailedItems: []FailedItem{}}
	if c, ok := s.cats.get(smp.Kind, smp.CategoryCode); ok {
		n.Category = c.Path
	}
	addr := func(id int64) string {
		var a string
		if id != 0 {
			tx.QueryRow(ctx, `SELECT address FROM entities WHERE id = ?`, id).Scan(&a)
		}
		return a
	}
	n.ProducerAddress, n.SellerAddress = addr(smp.ProducerID), addr(smp.SellerID)
	// The failed items of the latest round: the re-test's when one was made.
	last := 1
	for _, it := range items {
		last = max(last, it.Round)
	}
	for _, it := range items {
		if it.Round == last && it.Verdict == VerdictFail {
			n.FailedItems = append(n.FailedItems, FailedItem{Item: it.Item, Result: it.Result, Unit: it.Unit, Limit: it.Limit, Standard: it.Standard})
		}
	}
	a := Announcement{SampleNo: smp.SampleNo, Kind: smp.Kind, Year: smp.Year, PublishedOn: today, Status: AnnouncementPublished,
		RetestPending: inAny(smp.State, StateRetestRequested, StateRetestAccepted, StateRetestLabAssigned),
		ProductName:   smp.ProductName, ProducerName: smp.ProducerName, SellerName: smp.SellerName, Content: n}
	content := marshalJSON(n)
	err = tx.QueryRow(ctx, `INSERT INTO announcements (sample_id, kind, year, published_on, status, retest_pending,
		product_name, producer_name, seller_name, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		smp.ID, string(a.Kind), a.Year, today, a.Status, a.RetestPending, a.ProductName, a.ProducerName, a.SellerName,
		content, now).Scan(&a.ID)
	if err != nil {
		return a, qcity.Internal(err)
	}
	a.PublicState = stateOf(a, content)
	return a, s.logAnnouncement(ctx, tx, "announcement.published", a, content)
}

// AnnouncementState is the public state of an announcement as the tamper-evident log
// records it: its identity, dates and status, and the SHA-256 of the published content.
type AnnouncementState struct {
	SampleNo      string     `json:"sample_no"`
	Kind          Kind       `json:"kind"`
	Year          int        `json:"year"`
	ProductName   string     `json:"product_name"`
	ProducerName  string     `json:"producer_name"`
	SellerName    string     `json:"seller_name"`
	PublishedOn   qcity.Date `json:"published_on"`
	Status        string     `json:"status"`
	SupersededOn  qcity.Date `json:"superseded_on,omitzero"`
	ContentSHA256 string     `json:"content_sha256"`
}

// stateOf is the state the log records for a, whose stored content is content.
func stateOf(a Announcement, content string) AnnouncementState {
	sum := sha256.Sum256([]byte(content))
	return AnnouncementState{SampleNo: a.SampleNo, Kind: a.Kind, Year: a.Year, ProductName: a.ProductName,
		ProducerName: a.ProducerName, SellerName: a.SellerName, PublishedOn: a.PublishedOn, Status: a.Status,
		SupersededOn: a.SupersededOn, ContentSHA256: hex.EncodeToString(sum[:])}
}

// AnnouncementRef is the log ref of an announcement.
func AnnouncementRef(id int64) string { return fmt.Sprintf("announcement/%d", id) }

func (s *Service) logAnnouncement(ctx context.Context, tx *db.Tx, kind string, a Announcement, content string) error {
	if s.Log == nil {
		return nil
	}
	date := a.PublishedOn
	if !a.SupersededOn.IsZero() {
		date = a.SupersededOn
	}
	_, err := s.Log.Append(ctx, tx, translog.Record{Kind: kind, Ref: AnnouncementRef(a.ID), Subject: a.SampleNo, Date: date,
		State: stateOf(a, content)})
	return err
}

func (s *Service) supersedeAnnouncements(ctx context.Context, tx *db.Tx, sampleID int64, on qcity.Date, note string) error {
	if note == "" {
		note = "复检/异议结论推翻原检验结论"
	}
	if _, err := tx.Exec(ctx, `UPDATE announcements SET status = ?, superseded_on = ?, supersede_note = ?
		WHERE sample_id = ? AND status = ?`, AnnouncementSuperseded, on, note, sampleID, AnnouncementPublished); err != nil {
		return qcity.Internal(err)
	}
	rows, err := tx.Query(ctx, `SELECT `+announcementColumns+` FROM announcements a JOIN samples s ON s.id = a.sample_id
		WHERE a.sample_id = ? AND a.status = ? AND a.superseded_on = ? ORDER BY a.id`, sampleID, AnnouncementSuperseded, on)
	if err != nil {
		return qcity.Internal(err)
	}
	var anns []Announcement
	var contents []string
	for rows.Next() {
		a, content, err := scanAnnouncementContent(rows)
		if err != nil {
			rows.Close()
			return qcity.Internal(err)
		}
		anns, contents = append(anns, a), append(contents, content)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return qcity.Internal(err)
	}
	for i, a := range anns {
		if err := s.logAnnouncement(ctx, tx, "announcement.superseded", a, contents[i]); err != nil {
			return err
		}
	}
	return nil
}

// LoggedStates returns the public state of every announcement, by log ref.
func LoggedStates(ctx context.Context, q db.Querier) (map[string][]byte, error) {
	rows, err := q.Query(ctx, `SELECT `+announcementColumns+` FROM announcements a JOIN samples s ON s.id = a.sample_id`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		a, _, err := scanAnnouncementContent(rows)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		b, _ := json.Marshal(a.PublicState)
		out[AnnouncementRef(a.ID)] = b
	}
	return out, qcity.Internal(rows.Err())
}

const announcementColumns = `a.id, s.sample_no, a.kind, a.year, a.published_on, a.status, a.retest_pending, a.superseded_on,
	a.supersede_note, a.product_name, a.producer_name, a.seller_name, a.content`

func scanAnnouncement(row interface{ Scan(...any) error }) (Announcement, error) {
	a, _, err := scanAnnouncementContent(row)
	return a, err
}

func scanAnnouncementContent(row interface{ Scan(...any) error }) (Announcement, string, error) {
	var a Announcement
	var kind, content string
	if err := row.Scan(&a.ID, &a.SampleNo, &kind, &a.Year, &a.PublishedOn, &a.Status, &a.RetestPending, &a.SupersededOn,
		&a.SupersedeNote, &a.ProductName, &a.ProducerName, &a.SellerName, &content); err != nil {
		return Announcement{}, "", err
	}
	a.Kind = Kind(kind)
	json.Unmarshal([]byte(content), &a.Content)
	if a.Content.FailedItems == nil {
		a.Content.FailedItems = []FailedItem{}
	}
	a.PublicState = stateOf(a, content)
	return a, content, nil
}

func findAnnouncementsOf(ctx context.Context, q db.Querier, sampleID int64) ([]Announcement, error) {
	out, err := db.All(ctx, q, scanAnnouncement, `SELECT `+announcementColumns+` FROM announcements a JOIN samples s ON s.id = a.sample_id
		WHERE a.sample_id = ? ORDER BY a.id`, sampleID)
	return out, qcity.Internal(err)
}

// AnnouncementFilter selects announcements on the public page and API.
type AnnouncementFilter struct {
	Kind   string
	Year   int
	Q      string // product, producer or seller name
	Limit  int
	Offset int
}

// FindAnnouncements lists announcements, newest first, superseded ones included (they
// show as superseded). Public.
func (s *Service) FindAnnouncements(ctx context.Context, f AnnouncementFilter) ([]Announcement, int, error) {
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "a.kind = ?"), append(args, f.Kind)
	}
	if f.Year != 0 {
		where, args = append(where, "a.year = ?"), append(args, f.Year)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
		where = append(where, `(a.product_name LIKE ? ESCAPE '\' OR a.producer_name LIKE ? ESCAPE '\' OR a.seller_name LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM announcements a`+w, args...).Scan(&total); err != nil {
		return nil, 0, qcity.Internal(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 20
	}
	rows, err := s.DB.Query(ctx, `SELECT `+announcementColumns+` FROM announcements a JOIN samples s ON s.id = a.sample_id`+w+
		` ORDER BY a.published_on DESC, a.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Announcement{}
	for rows.Next() {
		a, err := scanAnnouncement(rows)
		if err != nil {
			return nil, 0, qcity.Internal(err)
		}
		out = append(out, a)
	}
	return out, total, qcity.Internal(rows.Err())
}

// FindAnnouncement returns one announcement and the others of its sample (its
// history). Returns ENOTFOUND.
func (s *Service) FindAnnouncement(ctx context.Context, id int64) (Announcement, []Announcement, error) {
	a, err := scanAnnouncement(s.DB.QueryRow(ctx, `SELECT `+announcementColumns+` FROM announcements a JOIN samples s ON s.id = a.sample_id WHERE a.id = ?`, id))
	if err != nil {
		if strings.Contains(err.Error(), "no rows") {
			return Announcement{}, nil, qcity.Errorf(qcity.ENOTFOUND, "web.not_found")
		}
		return Announcement{}, nil, qcity.Internal(err)
	}
	var sampleID int64
	s.DB.QueryRow(ctx, `SELECT sample_id FROM announcements WHERE id = ?`, id).Scan(&sampleID)
	hist, err := findAnnouncementsOf(ctx, s.DB, sampleID)
	return a, hist, err
}

// AnnouncementsAbout lists the announcements naming an entity as producer or seller,
// newest first. Public.
func (s *Service) AnnouncementsAbout(ctx context.Context, entityID int64, limit int) ([]Announcement, error) {
	out, err := db.All(ctx, s.DB, scanAnnouncement, `SELECT `+announcementColumns+` FROM announcements a JOIN samples s ON s.id = a.sample_id
		WHERE s.producer_id = ? OR s.seller_id = ? ORDER BY a.published_on DESC, a.id DESC LIMIT ?`, entityID, entityID, limit)
	return out, qcity.Internal(err)
}

// BackfillLog appends the announcements published before the log existed (a database
// upgraded to the schema that brought the log), once: only while the log is empty.
func (s *Service) BackfillLog(ctx context.Context) (int, error) {
	if s.Log == nil {
		return 0, nil
	}
	n := 0
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		h, err := translog.ReadHead(ctx, tx)
		if err != nil || h.Size > 0 {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+announcementColumns+` FROM announcements a JOIN samples s ON s.id = a.sample_id ORDER BY a.id`)
		if err != nil {
			return qcity.Internal(err)
		}
		var recs []translog.Record
		for rows.Next() {
			a, content, err := scanAnnouncementContent(rows)
			if err != nil {
				rows.Close()
				return qcity.Internal(err)
			}
			kind, date := "announcement.published", a.PublishedOn
			if a.Status == AnnouncementSuperseded {
				kind, date = "announcement.superseded", a.SupersededOn
			}
			recs = append(recs, translog.Record{Kind: kind, Ref: AnnouncementRef(a.ID), Subject: a.SampleNo, Date: date, State: stateOf(a, content)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return qcity.Internal(err)
		}
		n = len(recs)
		_, err = s.Log.Append(ctx, tx, recs...)
		return err
	})
	return n, err
}
