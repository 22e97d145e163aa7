package demo

import (
	"context"
	"errors"
	"math/rand/v2"

	"qcity"
	"qcity/internal/region"
	"qcity/internal/registry"
)

// Limits and defaults of Options.
const (
	DefaultSeed     = 1
	DefaultEntities = 20000
	MaxEntities     = 1000000
)

// Options control Generate.
type Options struct {
	// Seed chooses the city: the same seed, options and jurisdiction give the same
	// city, byte for byte. 0 means DefaultSeed.
	Seed uint64
	// Entities is the number of market entities, 1 to MaxEntities; 0 means
	// DefaultEntities.
	Entities int
	// Today is the generator's "today": establishment dates fall before it and
	// organisations' certificates are valid or expired relative to it. Required;
	// Generate never reads the clock.
	Today qcity.Date
}

// City is a generated city: market entities and the organisations the bureau works
// with. Records have no ID, Source or timestamps; the registry assigns those on
// loading. Every other field is filled as a real registry would fill it, already in
// the canonical form registry.Validator produces.
type City struct {
	Entities      []registry.Entity
	Organisations []registry.Organisation
}

// Generate builds a synthetic city in jurisdiction j. It is pure: it reads no clock, no
// file and no global random state, so the same opts and j always give the same City.
// Entities are ordered by establishment date, oldest first, as a registry that
// numbered records on registration would hold them.
//
// Returns EINVALID (key demo.entities_range, arguments min and max) if opts.Entities is
// negative or above MaxEntities, and EINVALID (key demo.today_invalid, argument first:
// the earliest year allowed, 1994) if opts.Today is zero or in 1993 or earlier.
func Generate(opts Options, j *region.Jurisdiction) (*City, error) {
	if opts.Seed == 0 {
		opts.Seed = DefaultSeed
	}
	if opts.Entities == 0 {
		opts.Entities = DefaultEntities
	}
	if opts.Entities < 0 || opts.Entities > MaxEntities {
		return nil, qcity.Errorf(qcity.EINVALID, "demo.entities_range", "min", 1, "max", MaxEntities)
	}
	if opts.Today.IsZero() || opts.Today.Year <= firstYear {
		return nil, qcity.Errorf(qcity.EINVALID, "demo.today_invalid", "first", firstYear+1)
	}
	if j == nil || len(j.Counties) == 0 {
		return nil, qcity.Internal(errors.New("demo: the jurisdiction has no counties"))
	}
	g, err := newGenerator(opts, j)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	city := &City{}
	if city.Organisations, err = g.organisations(); err != nil {
		return nil, qcity.Internal(err)
	}
	if city.Entities, err = g.entities(opts.Entities); err != nil {
		return nil, qcity.Internal(err)
	}
	return city, nil
}

// Load registers the city through the registry service: the organisations first, then
// the entities in one transaction, reporting progress as the registry inserts them.
// Both are validated as any bulk input is. Load updates the city's records in place
// with the IDs, sources and timestamps the registry gives them. The entities are
// recorded with source "demo"; nothing but records is stored (no totals).
//
// Returns what registry.Service.BulkCreateOrganisations and BulkCreateEntities return:
// EINVALID if a record does not validate, ECONFLICT if one is already registered.
func Load(ctx context.Context, svc *registry.Service, city *City, progress func(done, total int)) error {
	if city == nil {
		return qcity.Internal(errors.New("demo: nil city"))
	}
	if err := svc.BulkCreateOrganisations(ctx, city.Organisations, "demo"); err != nil {
		return err
	}
	return svc.BulkCreateEntities(ctx, city.Entities, "demo", progress)
}

// newRand returns the generator's random source: PCG seeded from the seed alone. The
// second word is fixed so seeds 1, 2, 3 … still give unrelated streams.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x71C17D3E_6D6F2D31))
}
