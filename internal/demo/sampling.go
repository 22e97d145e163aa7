package demo

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"

	"qcity"
	"qcity/internal/sampling"
)

// Sampling records of the demo city: three years (2018–2020) of food sampling
// (食品安全抽检), product supervision sampling (产品质量监督抽查) and agricultural
// product monitoring (农产品质量安全监测), generated record by record so that the 2019
// statistics the application computes from them are the programme's figures. Nothing
// is stored as a total: the counts below are the numbers of records the generator
// makes pass and fail, and the statistics count those records (sampling.Cube).
//
// # Figures (at Scale 1)
//
// samplingFigures holds, per kind, year and level, the samples judged and passed once
// the workflow has run (re-tests and objections that overturn a failure count as
// passes, as the statistics count them):
//
//   - food 2019: 31,451 judged, 31,008 passed (98.59%): national 600/594, provincial
//     3,100/3,061, city 9,850/9,719, county 17,901/17,634. 2018: 29,660/29,160 (98.31%);
//     2020: 33,270/32,871 (98.80%).
//   - products 2019: 1,250 judged, 1,165 passed (93.20%). 2018: 1,180/1,095 (92.80%);
//     2020: 1,380/1,296 (93.91%).
//   - agricultural monitoring 2019: national 180/177 (98.33%), provincial 600/585
//     (97.50%), city 1,400/1,361 (97.21%), county 2,900/2,806 (96.76%); 2018 and 2020
//     a little lower and higher.
//
// Food is mostly sampled by the city and the counties; national and provincial
// sampling done in 湛江 is a few per cent. At other scales every count is scaled and
// rounded, so the rates are close to, not exactly, the figures.
//
// # Records
//
// Every sample has a category of internal/sampling/data/categories.csv, a product
// name, a specification, a brand and batch where the product has them, two samplers,
// a lab of the city (CMA labs, the city's institutes, the counties' farm-produce
// stations), a sampled unit and often a nominal producer drawn from the city's active
// entities of a fitting GB/T 4754 class that existed on the sampling date (sellers in
// the sample's county; producers anywhere), and 3 to 5 items (3.7 on average) with
// results, units, limits as labs write them, the judgement basis and the lab's
// verdict. Some nominal producers come from outside the city (广州, 佛山, 顺德, 中山,
// 晋江, 仁怀 …): valid USCCs with those regions' codes, registered on loading and
// flagged for checking. Sample numbers read DC19440803000123: GC (national), SC
// (provincial) or DC (city and county) for food, CP for products and NC for
// agricultural monitoring, the year, the county's code and a sequence in sampling
// order.
//
// Failures fall on (category, item) pairs weighted to the national and Guangdong
// shares by cause (foodFails, agriFails, productFails); failing values are the values
// published in announcements (data/failures_from_announcements.csv, a copy of
// ../shared/data/limits) where one exists for the item, else multiples of the limit.
// About one sample in 2,000 carries a lab verdict that disagrees with qcity's
// judgement (a value on the limit called a failure, a value just above it called a
// pass), so it waits in review.
//
// # Determinism
//
// GenerateSampling draws from one PCG source seeded by SamplingOptions.Seed, with
// integer weights, and reads no clock and no file: the same seed, scale and city give
// the same inputs. LoadSampling's dates and choices derive from the sample numbers.

// SamplingOptions control GenerateSampling.
type SamplingOptions struct {
	// Seed chooses the records; 0 means a seed derived from the city, so one city
	// always gets the same sampling.
	Seed uint64
	// Scale multiplies every count: 1 is full size, with the 2019 figures exact;
	// tests use small scales such as 0.02, where the figures are approximate. 0 means 1.
	Scale float64
}

// MaxSamplingScale bounds SamplingOptions.Scale.
const MaxSamplingScale = 10

// samplingYears are the years generated.
var samplingYears = []int{2018, 2019, 2020}

// figure is the number of samples of a kind, year and level judged and passed once
// the workflow has run.
type figure struct {
	Kind           sampling.Kind
	Year           int
	Level          sampling.Level
	Judged, Passed int
}

var samplingFigures = []figure{
	{sampling.KindFood, 2018, sampling.LevelNational, 540, 534},
	{sampling.KindFood, 2018, sampling.LevelProvincial, 2860, 2822},
	{sampling.KindFood, 2018, sampling.LevelCity, 9120, 8972},
	{sampling.KindFood, 2018, sampling.LevelCounty, 17140, 16832},
	{sampling.KindFood, 2019, sampling.LevelNational, 600, 594},
	{sampling.KindFood, 2019, sampling.LevelProvincial, 3100, 3061},
	{sampling.KindFood, 2019, sampling.LevelCity, 9850, 9719},
	{sampling.KindFood, 2019, sampling.LevelCounty, 17901, 17634},
	{sampling.KindFood, 2020, sampling.LevelNational, 620, 614},
	{sampling.KindFood, 2020, sampling.LevelProvincial, 3240, 3204},
	{sampling.KindFood, 2020, sampling.LevelCity, 10400, 10281},
	{sampling.KindFood, 2020, sampling.LevelCounty, 19010, 18772},

	{sampling.KindProduct, 2018, sampling.LevelNational, 40, 37},
	{sampling.KindProduct, 2018, sampling.LevelProvincial, 200, 185},
	{sampling.KindProduct, 2018, sampling.LevelCity, 600, 558},
	{sampling.KindProduct, 2018, sampling.LevelCounty, 340, 315},
	{sampling.KindProduct, 2019, sampling.LevelNational, 50, 47},
	{sampling.KindProduct, 2019, sampling.LevelProvincial, 240, 224},
	{sampling.KindProduct, 2019, sampling.LevelCity, 640, 597},
	{sampling.KindProduct, 2019, sampling.LevelCounty, 320, 297},
	{sampling.KindProduct, 2020, sampling.LevelNational, 60, 57},
	{sampling.KindProduct, 2020, sampling.LevelProvincial, 260, 245},
	{sampling.KindProduct, 2020, sampling.LevelCity, 700, 656},
	{sampling.KindProduct, 2020, sampling.LevelCounty, 360, 338},

	{sampling.KindAgri, 2018, sampling.LevelNational, 160, 156},
	{sampling.KindAgri, 2018, sampling.LevelProvincial, 560, 543},
	{sampling.KindAgri, 2018, sampling.LevelCity, 1300, 1256},
	{sampling.KindAgri, 2018, sampling.LevelCounty, 2700, 2598},
	{sampling.KindAgri, 2019, sampling.LevelNational, 180, 177},
	{sampling.KindAgri, 2019, sampling.LevelProvincial, 600, 585},
	{sampling.KindAgri, 2019, sampling.LevelCity, 1400, 1361},
	{sampling.KindAgri, 2019, sampling.LevelCounty, 2900, 2806},
	{sampling.KindAgri, 2020, sampling.LevelNational, 200, 197},
	{sampling.KindAgri, 2020, sampling.LevelProvincial, 640, 626},
	{sampling.KindAgri, 2020, sampling.LevelCity, 1500, 1463},
	{sampling.KindAgri, 2020, sampling.LevelCounty, 3100, 3011},
}

// overturn is a failure that a re-test or an objection overturns in LoadSampling:
// the generator makes one more sample of its kind, year and level fail at first, so
// that the passes come out as samplingFigures says once it is overturned.
type overturn struct {
	Kind     sampling.Kind
	Year     int
	Level    sampling.Level
	Scenario scenario
}

var overturns = []overturn{
	{sampling.KindFood, 2018, sampling.LevelCity, scRetestOverturned},
	{sampling.KindFood, 2018, sampling.LevelCounty, scObjectionUpheld},
	{sampling.KindFood, 2019, sampling.LevelCity, scRetestOverturned},
	{sampling.KindFood, 2019, sampling.LevelCity, scObjectionUpheld},
	{sampling.KindFood, 2019, sampling.LevelCounty, scRetestOverturnedAfterAnnouncement},
	{sampling.KindFood, 2020, sampling.LevelCity, scRetestOverturnedAfterAnnouncement},
	{sampling.KindFood, 2020, sampling.LevelCounty, scObjectionUpheld},
	{sampling.KindProduct, 2019, sampling.LevelCity, scRetestOverturned},
	{sampling.KindAgri, 2020, sampling.LevelCounty, scRetestOverturned},
}

// scaled returns round(n × scale).
func scaled(n int, scale float64) int {
	if scale == 1 {
		return n
	}
	return int(math.Round(float64(n) * scale))
}

// GenerateSampling builds the sample inputs of 2018–2020 for the city: samples with
// their items, results, limits and lab verdicts, ordered by sampling date. It is pure
// and deterministic for the seed, the scale and the city.
//
// Scale is a programmer's setting, not user input: a negative scale or one above
// MaxSamplingScale is an internal error, as is a city without labs or without
// entities established before 2018 to sample.
func GenerateSampling(opts SamplingOptions, city *City) ([]sampling.SampleInput, error) {
	if city == nil {
		return nil, qcity.Internal(errors.New("demo: nil city"))
	}
	if opts.Scale == 0 {
		opts.Scale = 1
	}
	if opts.Scale < 0 || opts.Scale > MaxSamplingScale || math.IsNaN(opts.Scale) {
		return nil, qcity.Internal(fmt.Errorf("demo: sampling scale %v outside (0, %d]", opts.Scale, MaxSamplingScale))
	}
	if opts.Seed == 0 {
		opts.Seed = citySeed(city)
	}
	g, err := newSamplingGen(opts.Seed, city)
	if err != nil {
		return nil, err
	}
	return g.generate(opts.Scale)
}

// citySeed derives a seed from the city's records, so that the sampling of a city is
// fixed without asking for its seed again.
func citySeed(city *City) uint64 {
	h := fnv.New64a()
	for i, e := range city.Entities {
		if i == 64 {
			break
		}
		h.Write([]byte(e.USCC))
	}
	for _, o := range city.Organisations {
		h.Write([]byte(o.USCC))
	}
	if s := h.Sum64(); s != 0 {
		return s
	}
	return DefaultSeed
}
