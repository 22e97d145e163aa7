package limits

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"strings"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// The seed of the catalogue: copies of the limit files in /work/shared/data/limits
// (see its README), embedded so that a new installation starts with them.
//
//go:embed data/*.csv
var seedFS embed.FS

// seedFiles are the embedded files, loaded in this order.
var seedFiles = []string{"gb2762_2022_contaminants.csv", "limits_from_announcements.csv", "pesticide_mrls_superseded_versions.csv"}

// seedStandard is what qcity records about a standard named in the seed files: its
// code and edition as catalogued, its standing, and when it was in force. Validity
// dates are those of the standards' own texts (实施日期); a superseded edition ends the
// day before its direct successor took effect. Dates not known for certain are left
// empty rather than guessed.
type seedStandard struct {
	code, edition string
	status        Status
	from, to      string
}

var seedStandards = map[string]seedStandard{
	// Current (the README's "current" files and standards not marked superseded).
	"GB 2762-2022":  {"GB 2762", "2022", StatusCurrent, "2023-06-30", ""},
	"GB 2763-2021":  {"GB 2763", "2021", StatusCurrent, "2021-09-03", ""},
	"GB 19300-2014": {"GB 19300", "2014", StatusCurrent, "", ""},
	"GB 2730-2015":  {"GB 2730", "2015", StatusCurrent, "", ""},
	"GB 7099-2015":  {"GB 7099", "2015", StatusCurrent, "", ""},
	"农业部公告第2292号":   {"农业部公告第2292号", "", StatusCurrent, "", ""},
	"农业部公告第560号":    {"农业部公告第560号", "", StatusCurrent, "", ""},
	"农业农村部公告第250号":  {"农业农村部公告第250号", "", StatusCurrent, "", ""},
	"原食药总局/农业部/卫计委公告2015年第11号": {"原食药总局/农业部/卫计委公告2015年第11号", "", StatusCurrent, "", ""},

	// Superseded. GB 2763-2019 took effect on 2020-02-15 and was replaced by GB 2763-2021
	// (2021-09-03); GB 2763-2016 (2017-06-18) by GB 2763-2019; GB 26130-2010 (2011-04-01)
	// was merged into GB 2763-2012 (2013-03-01); GB 2762-2012 (2013-06-01) was replaced
	// by GB 2762-2017 (2017-09-17), itself replaced by GB 2762-2022; GB 29921-2013
	// (2014-07-01) by GB 29921-2021 (2021-11-22); 农业部公告第235号 by GB 31650-2019
	// (2020-04-01) and 农业农村部公告第250号.
	"GB 2763-2019":  {"GB 2763", "2019", StatusSuperseded, "2020-02-15", "2021-09-02"},
	"GB 2763-2016":  {"GB 2763", "2016", StatusSuperseded, "2017-06-18", "2020-02-14"},
	"GB 26130-2010": {"GB 26130", "2010", StatusSuperseded, "2011-04-01", "2013-02-28"},
	"GB 2762-2012":  {"GB 2762", "2012", StatusSuperseded, "2013-06-01", "2017-09-16"},
	"GB 29921-2013": {"GB 29921", "2013", StatusSuperseded, "2014-07-01", "2021-11-21"},
	"农业部公告第235号":    {"农业部公告第235号", "", StatusSuperseded, "", "2020-03-31"},

	// Unconfirmed: the page gave the limit but no standard, or no edition of it.
	"GB 2760 (version not stated)": {"GB 2760", "", StatusUnconfirmed, "", ""},
	"(standard not named on page)": {"", "", StatusUnconfirmed, "", ""},
}

// seedEntries reads the embedded files into validated entries.
func seedEntries() ([]Entry, error) {
	var out []Entry
	for _, name := range seedFiles {
		b, err := seedFS.ReadFile("data/" + name)
		if err != nil {
			return nil, err
		}
		recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("limits: %s: %w", name, err)
		}
		for i, r := range recs[1:] {
			row := map[string]string{}
			for j, h := range recs[0] {
				row[h] = r[j]
			}
			std, ok := seedStandards[row["standard"]]
			if !ok {
				return nil, fmt.Errorf("limits: %s line %d: standard %q has no entry in seedStandards", name, i+2, row["standard"])
			}
			e, errs := validate(EntryInput{StandardCode: std.code, StandardEdition: std.edition, Status: string(std.status),
				Analyte: row["analyte_cn"], AnalyteEN: row["analyte_en"], Food: row["food_cn"], FoodEN: row["food_en"],
				Limit: row["limit"], Unit: row["unit"], ValidFrom: std.from, ValidTo: std.to, Note: row["note"],
				Source: row["source"]}, nil)
			if len(errs) > 0 {
				return nil, fmt.Errorf("limits: %s line %d: %v", name, i+2, qcity.Invalid(errs...))
			}
			if e.Kind != row["limit_kind"] {
				return nil, fmt.Errorf("limits: %s line %d: %q parses as %s, the file says %s", name, i+2, row["limit"], e.Kind, row["limit_kind"])
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// seedLockID is the PostgreSQL advisory lock held while seeding, so that instances
// starting together seed once.
const seedLockID = 7243021602

// Seed loads the embedded limit files into an empty catalogue, in one transaction with
// one audit record, and returns how many entries it added: 0 when the catalogue already
// has entries, so officials' edits are never overwritten.
func (c *Catalogue) Seed(ctx context.Context) (int, error) {
	if n, err := countEntries(ctx, c.DB); err != nil || n > 0 {
		return 0, err
	}
	entries, err := seedEntries()
	if err != nil {
		return 0, qcity.Internal(err)
	}
	now := c.now().UTC()
	added := 0
	err = c.DB.InTx(ctx, func(tx *db.Tx) error {
		if tx.Dialect() == db.Postgres {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(seedLockID)); err != nil {
				return qcity.Internal(err)
			}
		}
		if n, err := countEntries(ctx, tx); err != nil || n > 0 {
			return err
		}
		counts := map[Status]int{}
		for i := range entries {
			e := &entries[i]
			e.CreatedAt, e.UpdatedAt, e.Version = now, now, 1
			if err := insertEntry(ctx, tx, e); err != nil {
				return err
			}
			counts[e.Status]++
		}
		added = len(entries)
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionImport, ObjectType: "limit",
			ObjectID: "seed", Summary: "limits catalogue seeded from the embedded limit files",
			After: map[string]any{"files": seedFiles, "rows": added, "current": counts[StatusCurrent],
				"superseded": counts[StatusSuperseded], "unconfirmed": counts[StatusUnconfirmed]}})
	})
	if err != nil {
		return 0, err
	}
	c.invalidate()
	return added, nil
}
