package demo

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/limits"
	"qcity/internal/registry"
	"qcity/internal/sampling"
	"qcity/internal/uscc"
	"qcity/internal/workday"
)

// samplingNow is the clock of the loading tests: the overdue items of 2020 are long
// overdue on it.
var samplingNow = time.Date(2026, 11, 27, 9, 0, 0, 0, qcity.China)

var officialActor = qcity.Actor{Kind: qcity.ActorUser, ID: 1, Name: "市局抽检科", Role: qcity.RoleCityOfficial}

func TestGenerateSamplingDeterministic(t *testing.T) {
	c := defaultCity(t)
	a, err := GenerateSampling(SamplingOptions{Scale: 0.02}, c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateSampling(SamplingOptions{Scale: 0.02, Seed: citySeed(c)}, c)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed gave different inputs")
	}
	other, err := GenerateSampling(SamplingOptions{Scale: 0.02, Seed: 7}, c)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, other) {
		t.Error("seeds 7 and the city's gave the same inputs")
	}
	for _, bad := range []float64{-1, MaxSamplingScale + 1} {
		if _, err := GenerateSampling(SamplingOptions{Scale: bad}, c); err == nil {
			t.Errorf("scale %v accepted", bad)
		}
	}
}

var sampleNoRE = regexp.MustCompile(`^(GC|SC|DC|CP|NC)(18|19|20)4408\d\d\d{6}$`)

// TestGenerateSamplingRecords checks the records one by one: numbers, parties, labs,
// samplers, dates, and that qcity's judge reads every result as the generator meant.
func TestGenerateSamplingRecords(t *testing.T) {
	c := defaultCity(t)
	const scale = 0.25
	inputs, err := GenerateSampling(SamplingOptions{Scale: scale}, c)
	if err != nil {
		t.Fatal(err)
	}
	entities := map[string]*registry.Entity{}
	for i := range c.Entities {
		entities[c.Entities[i].USCC] = &c.Entities[i]
	}
	labs := map[string]bool{}
	for _, o := range c.Organisations {
		if o.Kind == registry.OrgLab && o.Status == registry.OrgValid {
			labs[o.Name] = true
		}
	}
	type bucket struct {
		kind  string
		year  int
		level string
	}
	judged, failed := map[bucket]int{}, map[bucket]int{}
	nos := map[string]bool{}
	items, disagreements, outside := 0, 0, 0
	failCats, failItems := map[string]bool{}, map[string]bool{}
	for _, in := range inputs {
		if !sampleNoRE.MatchString(in.SampleNo) || nos[in.SampleNo] {
			t.Fatalf("sample number %q malformed or repeated", in.SampleNo)
		}
		nos[in.SampleNo] = true
		on, err := qcity.ParseDate(in.SampledOn)
		if err != nil || in.Year.String() != in.SampledOn[:4] || !workday.Default().IsWorkingDay(on) {
			t.Fatalf("%s: sampled on %q, year %s", in.SampleNo, in.SampledOn, in.Year)
		}
		if in.SampleNo[2:4] != in.SampledOn[2:4] || in.SampleNo[4:10] != in.Region {
			t.Errorf("%s: number does not match year %s and region %s", in.SampleNo, in.SampledOn, in.Region)
		}
		if len(in.Samplers) != 2 || in.Samplers[0] == in.Samplers[1] || in.Samplers[0] == "" {
			t.Errorf("%s: samplers %v", in.SampleNo, in.Samplers)
		}
		if !labs[in.Lab] {
			t.Errorf("%s: lab %q is not a valid lab of the city", in.SampleNo, in.Lab)
		}
		seller := entities[in.SellerUSCC]
		if seller == nil || seller.Status != registry.StatusActive || seller.Name != in.SellerName || seller.Region != in.Region ||
			!seller.EstablishedOn.Before(on) {
			t.Fatalf("%s: seller %s %s is not an active entity of region %s established before %s", in.SampleNo, in.SellerUSCC,
				in.SellerName, in.Region, in.SampledOn)
		}
		if in.ProducerUSCC != "" {
			if p := entities[in.ProducerUSCC]; p != nil {
				if p.Status != registry.StatusActive || !p.EstablishedOn.Before(on) || p.Name != in.ProducerName {
					t.Errorf("%s: producer %s not active before %s", in.SampleNo, p.Name, in.SampledOn)
				}
			} else {
				outside++
				if err := uscc.Validate(in.ProducerUSCC); err != nil || strings.HasPrefix(in.ProducerUSCC[2:], "4408") || in.ProducerName == "" {
					t.Errorf("%s: outside producer %s %s: %v", in.SampleNo, in.ProducerUSCC, in.ProducerName, err)
				}
			}
		}
		switch sampling.Stage(in.Stage) {
		case sampling.StageProduction, sampling.StagePlanting:
			if in.ProducerUSCC != in.SellerUSCC {
				t.Errorf("%s: sampled at the %s of %s, produced by %s", in.SampleNo, in.Stage, in.SellerName, in.ProducerName)
			}
		case sampling.StageCatering:
			if !strings.HasPrefix(entities[in.SellerUSCC].Industry, "62") {
				t.Errorf("%s: catering sample at %s (%s)", in.SampleNo, in.SellerName, entities[in.SellerUSCC].Industry)
			}
		}
		if len(in.Items) < 2 || len(in.Items) > 6 {
			t.Errorf("%s: %d items", in.SampleNo, len(in.Items))
		}
		items += len(in.Items)
		fails, dis := false, false
		for _, it := range in.Items {
			j, err := limits.JudgeItem(it.Result, it.Unit, it.Limit, it.Comparison, it.LabVerdict)
			if err != nil {
				t.Fatalf("%s %s: %q against %q (%s): %v", in.SampleNo, it.Item, it.Result, it.Limit, it.Unit, err)
			}
			if j.Verdict == limits.Fail {
				fails = true
				failCats[in.Kind+" "+in.Category] = true
				failItems[it.Item] = true
			}
			dis = dis || j.Disagrees
		}
		if dis {
			disagreements++
		}
		b := bucket{in.Kind, on.Year, in.Level}
		judged[b]++
		if fails {
			failed[b]++
		}
	}
	for _, f := range samplingFigures {
		b := bucket{string(f.Kind), f.Year, string(f.Level)}
		extra := 0
		for _, o := range overturns {
			if o.Kind == f.Kind && o.Year == f.Year && o.Level == f.Level {
				extra++
			}
		}
		if judged[b] != scaled(f.Judged, scale) || failed[b] != scaled(f.Judged-f.Passed, scale)+extra {
			t.Errorf("%v: %d judged, %d failed; want %d and %d", b, judged[b], failed[b], scaled(f.Judged, scale),
				scaled(f.Judged-f.Passed, scale)+extra)
		}
	}
	if avg := float64(items) / float64(len(inputs)); avg < 3 || avg > 5 {
		t.Errorf("%.2f items per sample, want 3 to 5", avg)
	}
	if want := len(inputs) / disagreementOdds; disagreements < want/3 || disagreements > 3*want+3 {
		t.Errorf("%d samples with a disagreeing lab verdict, want about %d", disagreements, want)
	}
	if len(failCats) < 40 || len(failItems) < 40 {
		t.Errorf("failures in %d categories and %d items only", len(failCats), len(failItems))
	}
	if outside < len(inputs)/50 {
		t.Errorf("%d samples with producers from outside the city", outside)
	}
}

// TestSamplingCauses: food failures fall on causes in about the national shares,
// pesticide residues first.
func TestSamplingCauses(t *testing.T) {
	inputs, err := GenerateSampling(SamplingOptions{Scale: 0.5}, defaultCity(t))
	if err != nil {
		t.Fatal(err)
	}
	cd, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	causeOf := map[string]cause{}
	for _, c := range cd.cats[sampling.KindFood] {
		for _, it := range c.Items {
			causeOf[it.Name] = it.Cause
		}
	}
	count := map[cause]int{}
	total := 0
	for _, in := range inputs {
		if in.Kind != string(sampling.KindFood) {
			continue
		}
		for _, it := range in.Items {
			if j, _ := limits.JudgeItem(it.Result, it.Unit, it.Limit, "", ""); j.Verdict == limits.Fail {
				count[causeOf[it.Item]]++
				total++
			}
		}
	}
	want := map[cause]int{causePesticide: 370, causeMicrobe: 150, causeAdditive: 135, causeMetal: 110, causeVetDrug: 110,
		causeOrganic: 65, causeQuality: 45, causeToxin: 15}
	for c, w := range want {
		got := count[c] * 1000 / total
		if got < w*7/10-5 || got > w*13/10+5 {
			t.Errorf("%s: %d‰ of failed items, want about %d‰", causeNames[c], got, w)
		}
	}
	for c := range count {
		if count[c] > count[causePesticide] {
			t.Errorf("%s fails more often than pesticide residues", causeNames[c])
		}
	}
}

// TestSamplingValues draws many passing and failing results for every item of the
// catalogue and judges them.
func TestSamplingValues(t *testing.T) {
	g, err := newSamplingGen(3, defaultCity(t))
	if err != nil {
		t.Fatal(err)
	}
	cd, _ := loadCatalogue()
	for _, k := range sampling.Kinds {
		for _, c := range cd.cats[k] {
			var all []*itemSpec
			all = append(all, c.Items...)
			for _, p := range c.Products {
				all = append(all, p.Items...)
			}
			for _, it := range all {
				for range 40 {
					for _, fail := range []bool{false, true} {
						v := g.passValue(it)
						if fail {
							v = g.failValue(it, c.Products[0].Name)
						}
						j, err := limits.JudgeItem(v, it.Unit, it.Limit, "", "")
						if err != nil || (j.Verdict == limits.Fail) != fail {
							t.Fatalf("%s %s: %q against %q (%s): %v %v, want fail=%v", c.Key, it.Name, v, it.Limit, it.Unit, j.Verdict, err, fail)
						}
					}
				}
			}
		}
	}
	for _, v := range []int64{0, 9, 999, 1000, 1234, 31000, 99999, 5_000_000} {
		if got := parseCount(countText(v)); got > v || got < v*9/10 {
			t.Errorf("countText(%d) = %s reads %d", v, countText(v), got)
		}
	}
	if stdFor(stdPesticides, 2019, 8, 14) != "GB 2763-2016" || stdFor(stdPesticides, 2019, 8, 15) != "GB 2763-2019" ||
		stdFor(stdVet, 2020, 4, 1) != "GB 31650-2019" || stdFor(stdBanned, 2019, 12, 31) != "农业部公告第235号" {
		t.Error("stdFor picks the wrong edition")
	}
}

// TestSamplingReportDates: results are recorded within the legal time for reports (25
// working days for food and farm produce, 30 days for products), after sampling.
func TestSamplingReportDates(t *testing.T) {
	inputs, err := GenerateSampling(SamplingOptions{Scale: 0.05}, defaultCity(t))
	if err != nil {
		t.Fatal(err)
	}
	cal := workday.Default()
	l := &loader{cal: cal, today: qcity.DateOf(samplingNow)}
	for i := range inputs {
		in := &inputs[i]
		on, _ := qcity.ParseDate(in.SampledOn)
		rep := l.reportedOn(in)
		limit := cal.AddWorkingDays(on, 25)
		if in.Kind == string(sampling.KindProduct) {
			limit = cal.AddCalendarDays(on, 30)
		}
		if !rep.After(on) || rep.After(limit) || !cal.IsWorkingDay(rep) {
			t.Fatalf("%s sampled %s reported %s (limit %s)", in.SampleNo, on, rep, limit)
		}
	}
}

// samplingDB is a database with a generated city loaded, and the services over it.
type samplingDB struct {
	d    *db.DB
	reg  *registry.Service
	svc  *sampling.Service
	city *City
	ctx  context.Context
}

func newSamplingDB(t *testing.T, entities int) *samplingDB {
	t.Helper()
	d := dbtest.SQLite(t)
	j := zhanjiang(t)
	clock := &qcity.FixedClock{T: samplingNow}
	s := &samplingDB{d: d, reg: registry.NewService(d, clock, j), ctx: qcity.WithActor(context.Background(), qcity.System("demo test"))}
	s.svc = sampling.NewService(d, clock, s.reg, j)
	if err := s.reg.LoadIndex(s.ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.Load(s.ctx); err != nil {
		t.Fatal(err)
	}
	city, err := Generate(Options{Seed: 1, Entities: entities, Today: qcity.DateOf(samplingNow)}, j)
	if err != nil {
		t.Fatal(err)
	}
	if err := Load(s.ctx, s.reg, city, nil); err != nil {
		t.Fatal(err)
	}
	s.city = city
	return s
}

// checkCubeRebuilt compares the service's statistics, kept up to date by the loading,
// with statistics rebuilt from the database.
func checkCubeRebuilt(t *testing.T, s *samplingDB) map[sampling.StatsFilter]sampling.Count {
	t.Helper()
	before := map[sampling.StatsFilter]sampling.Count{}
	for _, k := range sampling.Kinds {
		for _, y := range samplingYears {
			for _, lv := range append([]sampling.Level{""}, sampling.Levels...) {
				f := sampling.StatsFilter{Kind: k, Year: y, Level: lv}
				_, before[f] = s.svc.Stats.Query(f)
			}
		}
	}
	fresh := sampling.NewCube()
	if err := fresh.Rebuild(s.ctx, s.d); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.Stats.Rebuild(s.ctx, s.d); err != nil {
		t.Fatal(err)
	}
	for f, c := range before {
		if _, got := fresh.Query(f); got != c {
			t.Errorf("%+v: cube %+v, rebuilt from the database %+v", f, c, got)
		}
		if _, got := s.svc.Stats.Query(f); got != c {
			t.Errorf("%+v: cube %+v, svc.Stats.Rebuild %+v", f, c, got)
		}
	}
	return before
}

// states counts the loaded samples by state.
func states(t *testing.T, s *samplingDB) map[sampling.State]int {
	t.Helper()
	ctx := qcity.WithActor(context.Background(), officialActor)
	out := map[sampling.State]int{}
	for _, st := range []sampling.State{sampling.StateReview, sampling.StateFailed, sampling.StateServed, sampling.StateRetestLabAssigned,
		sampling.StateOverturned, sampling.StateUpheld, sampling.StateClosed, sampling.StateRectifying, sampling.StateRetestRequested,
		sampling.StateRetestAccepted, sampling.StateRetestRefused, sampling.StateRecheckFailed, sampling.StateProvAnnounced, sampling.StateSuspended} {
		_, n, err := s.svc.FindSamples(ctx, sampling.SampleFilter{State: string(st), Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		out[st] = n
	}
	return out
}

func superseded(t *testing.T, s *samplingDB) (total, sup int) {
	t.Helper()
	for off := 0; ; off += 1000 {
		list, n, err := s.svc.FindAnnouncements(context.Background(), sampling.AnnouncementFilter{Limit: 1000, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		total = n
		for _, a := range list {
			if a.Status == sampling.AnnouncementSuperseded {
				sup++
			}
		}
		if len(list) == 0 || off+len(list) >= n {
			return total, sup
		}
	}
}

// TestLoadSamplingSmall loads a small sampling into SQLite and checks that the
// statistics come from the records, and the workflow reached its stages.
func TestLoadSamplingSmall(t *testing.T) {
	s := newSamplingDB(t, 4000)
	inputs, err := GenerateSampling(SamplingOptions{Scale: 0.05}, s.city)
	if err != nil {
		t.Fatal(err)
	}
	var lastDone, lastTotal int
	if err := LoadSampling(s.ctx, s.svc, inputs, func(done, total int) {
		if done < lastDone || done > total {
			t.Errorf("progress(%d, %d) after %d", done, total, lastDone)
		}
		lastDone, lastTotal = done, total
	}); err != nil {
		t.Fatal(err)
	}
	if lastDone != lastTotal || lastTotal <= len(inputs) {
		t.Errorf("progress ended at %d of %d for %d samples", lastDone, lastTotal, len(inputs))
	}
	counts := checkCubeRebuilt(t, s)
	n := 0
	for _, y := range samplingYears {
		for _, k := range sampling.Kinds {
			n += int(counts[sampling.StatsFilter{Kind: k, Year: y}].Judged)
		}
	}
	if n != len(inputs) {
		t.Errorf("%d samples judged in the statistics, %d generated", n, len(inputs))
	}
	for f, want := range map[sampling.StatsFilter]float64{{Kind: "food", Year: 2019}: 98.59, {Kind: "product", Year: 2019}: 93.2,
		{Kind: "agri", Year: 2019}: 97.0, {Kind: "food", Year: 2018}: 98.3, {Kind: "food", Year: 2020}: 98.8} {
		if got := counts[f].PassRate(); got < want-2 || got > want+2 {
			t.Errorf("%+v: pass rate %.2f, want about %.2f", f, got, want)
		}
	}
	st := states(t, s)
	for _, want := range []sampling.State{sampling.StateReview, sampling.StateServed, sampling.StateOverturned, sampling.StateClosed} {
		if st[want] == 0 {
			t.Errorf("no sample in state %s: %v", want, st)
		}
	}
	if _, sup := superseded(t, s); sup == 0 {
		t.Error("no superseded announcement")
	}
	// Producers from outside the city are registered, flagged for checking.
	local := map[string]bool{}
	for _, e := range s.city.Entities {
		local[e.USCC] = true
	}
	checked := 0
	for _, in := range inputs {
		if in.ProducerUSCC == "" || local[in.ProducerUSCC] || checked == 3 {
			continue
		}
		e, err := s.reg.FindEntityByUSCC(s.ctx, in.ProducerUSCC)
		if err != nil || !e.NeedsCheck || e.Source != "sampling" || e.Name != in.ProducerName || e.Region != in.ProducerUSCC[2:8] {
			t.Errorf("outside producer %s %s: %+v, %v", in.ProducerUSCC, in.ProducerName, e, err)
		}
		checked++
	}
	if checked == 0 {
		t.Error("no producer from outside the city")
	}
	// Loading the same inputs again conflicts instead of duplicating.
	if err := LoadSampling(s.ctx, s.svc, inputs[:10], nil); qcity.ErrorCode(err) != qcity.EINVALID {
		t.Errorf("second load: %v, want EINVALID (sample numbers taken)", err)
	}
}

// TestLoadSamplingFull loads the full three years and checks the 2019 figures exactly.
func TestLoadSamplingFull(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 113,000 samples (about 20 s)")
	}
	s := newSamplingDB(t, DefaultEntities)
	start := time.Now()
	inputs, err := GenerateSampling(SamplingOptions{}, s.city)
	if err != nil {
		t.Fatal(err)
	}
	gen := time.Since(start)
	items := 0
	for _, in := range inputs {
		items += len(in.Items)
	}
	start = time.Now()
	if err := LoadSampling(s.ctx, s.svc, inputs, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d samples with %d items: generated in %s, loaded in %s", len(inputs), items, gen.Round(time.Millisecond),
		time.Since(start).Round(time.Millisecond))

	counts := checkCubeRebuilt(t, s)
	food := counts[sampling.StatsFilter{Kind: "food", Year: 2019}]
	if food.Judged != 31451 || food.Passed != 31008 || food.PassRate() != 98.59 {
		t.Errorf("food 2019: %+v, rate %.2f; want 31,451 judged, 31,008 passed, 98.59%%", food, food.PassRate())
	}
	if p := counts[sampling.StatsFilter{Kind: "product", Year: 2019}]; p.PassRate() != 93.20 {
		t.Errorf("products 2019: %+v, rate %.2f; want 93.20%%", p, p.PassRate())
	}
	for _, lv := range sampling.Levels {
		if a := counts[sampling.StatsFilter{Kind: "agri", Year: 2019, Level: lv}]; a.Judged == 0 || a.PassRate() < 96 {
			t.Errorf("agricultural monitoring 2019 %s: %+v, rate %.2f; want at least 96%%", lv, a, a.PassRate())
		}
	}
	for _, f := range samplingFigures {
		c := counts[sampling.StatsFilter{Kind: f.Kind, Year: f.Year, Level: f.Level}]
		if c.Judged != int64(f.Judged) || c.Passed != int64(f.Passed) {
			t.Errorf("%s %d %s: %+v, want %d/%d", f.Kind, f.Year, f.Level, c, f.Judged, f.Passed)
		}
	}
	for _, k := range sampling.Kinds {
		for _, y := range samplingYears {
			c := counts[sampling.StatsFilter{Kind: k, Year: y}]
			t.Logf("%s %d: %d judged, %d passed, %.2f%%", k, y, c.Judged, c.Passed, c.PassRate())
		}
	}

	// Failures spread over categories and items.
	cats, _ := s.svc.Stats.Query(sampling.StatsFilter{Year: 2019, Group: sampling.GroupCategory})
	itemRows, _ := s.svc.Stats.Query(sampling.StatsFilter{Year: 2019, Group: sampling.GroupItem})
	failing := func(rows []sampling.StatsRow) int {
		n := 0
		for _, r := range rows {
			if r.Failed > 0 {
				n++
			}
		}
		return n
	}
	if failing(cats) < 10 || failing(itemRows) < 20 {
		t.Errorf("2019 failures in %d top-level categories and %d items; want at least 10 and 20", failing(cats), failing(itemRows))
	}

	st := states(t, s)
	t.Logf("states: %v", st)
	for _, want := range []sampling.State{sampling.StateReview, sampling.StateServed, sampling.StateRetestLabAssigned,
		sampling.StateOverturned, sampling.StateUpheld, sampling.StateClosed, sampling.StateFailed, sampling.StateRectifying} {
		if st[want] == 0 {
			t.Errorf("no sample in state %s", want)
		}
	}
	if st[sampling.StateOverturned] != len(overturns) {
		t.Errorf("%d overturned, want %d", st[sampling.StateOverturned], len(overturns))
	}
	official := qcity.WithActor(context.Background(), officialActor)
	overdue, n, err := s.svc.FindSamples(official, sampling.SampleFilter{Overdue: true, Limit: 1000})
	if err != nil || n == 0 {
		t.Fatalf("overdue: %d, %v", n, err)
	}
	for _, o := range overdue {
		if o.Year != 2020 {
			t.Errorf("%s of %d is overdue (%s due %s)", o.SampleNo, o.Year, o.NextStep, o.DueOn)
		}
	}
	t.Logf("%d overdue samples", n)
	total, sup := superseded(t, s)
	if sup == 0 {
		t.Error("no superseded announcement")
	}
	t.Logf("%d announcements, %d superseded", total, sup)

	// Every stage is in the events: a few samples' histories.
	var steps []string
	for _, o := range overdue {
		d, err := s.svc.FindSample(official, o.SampleNo)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range d.Events {
			if !slices.Contains(steps, string(e.Step)) {
				steps = append(steps, string(e.Step))
			}
		}
	}
	for _, want := range []string{"register", "report", "serve_notice", "request_retest", "accept_retest", "assign_retest_lab", "record_retest"} {
		if !slices.Contains(steps, want) {
			t.Errorf("no %s among the overdue samples' events %v", want, steps)
		}
	}
}
