package limits

import (
	"strings"

	"qcity"
)

// A unit is a quantity of something (its kind) per an amount of food (its basis),
// times a power of ten. Units convert exactly, by moving the decimal point, when the
// kinds are equal and the bases overlap: mg/kg ↔ μg/kg ↔ g/100g ↔ %, mg/L ↔ μg/L,
// CFU/g ↔ CFU/100g. Per-gram and per-millilitre units never convert into each other
// (that needs a density), but the GB 29921 spelling "CFU/g(mL)" — per gram for solid
// food, per millilitre for liquid — matches both.
type unitKind uint8

const (
	kindMass     unitKind = iota + 1 // mass of analyte: mg/kg, mg/L, …
	kindCFU                          // colony-forming units
	kindMPN                          // most probable number
	kindPresence                     // presence in a test portion: /25g
	kindVolume                       // volume fraction: %vol
)

// Bases: per mass of food, per volume of food, or either (the "g(mL)" spelling).
const (
	basisMass   = 1
	basisVolume = 2
	basisEither = basisMass | basisVolume
)

type unitInfo struct {
	name  string // canonical spelling
	kind  unitKind
	basis uint8
	exp   int8 // the unit is 10^exp of the family's base unit (mg/kg, mg/L, CFU/g, …)
	arg   any  // name, boxed once: reasons name units without allocating
}

// units lists the units qcity converts, each with the spellings that mean it. The
// canonical spelling comes first. Decisions: ppm and ppb are the mass fractions mg/kg
// and μg/kg, as GB 2763 uses them; "%" is a mass fraction (g/100g), and alcohol
// strength is "%vol", a unit of its own. Counts per 25 g and other non-decimal test
// portions are not converted.
var units = []struct {
	unitInfo
	aliases []string
}{
	{unitInfo{"mg/kg", kindMass, basisMass, 0, nil}, []string{"ppm", "mg/kg(ppm)"}},
	{unitInfo{"μg/g", kindMass, basisMass, 0, nil}, []string{"mcg/g"}},
	{unitInfo{"μg/kg", kindMass, basisMass, -3, nil}, []string{"mcg/kg", "ppb"}},
	{unitInfo{"ng/g", kindMass, basisMass, -3, nil}, nil},
	{unitInfo{"ng/kg", kindMass, basisMass, -6, nil}, nil},
	{unitInfo{"g/kg", kindMass, basisMass, 3, nil}, nil},
	{unitInfo{"mg/g", kindMass, basisMass, 3, nil}, nil},
	{unitInfo{"g/100g", kindMass, basisMass, 4, nil}, []string{"g/100 g"}},
	{unitInfo{"%", kindMass, basisMass, 4, nil}, []string{"%(m/m)", "%(w/w)"}},
	{unitInfo{"mg/100g", kindMass, basisMass, 1, nil}, nil},
	{unitInfo{"μg/100g", kindMass, basisMass, -2, nil}, nil},

	{unitInfo{"mg/L", kindMass, basisVolume, 0, nil}, nil},
	{unitInfo{"μg/mL", kindMass, basisVolume, 0, nil}, nil},
	{unitInfo{"μg/L", kindMass, basisVolume, -3, nil}, nil},
	{unitInfo{"ng/mL", kindMass, basisVolume, -3, nil}, nil},
	{unitInfo{"ng/L", kindMass, basisVolume, -6, nil}, nil},
	{unitInfo{"g/L", kindMass, basisVolume, 3, nil}, nil},
	{unitInfo{"mg/mL", kindMass, basisVolume, 3, nil}, nil},
	{unitInfo{"g/100mL", kindMass, basisVolume, 4, nil}, nil},
	{unitInfo{"mg/100mL", kindMass, basisVolume, 1, nil}, nil},
	{unitInfo{"μg/100mL", kindMass, basisVolume, -2, nil}, nil},

	{unitInfo{"CFU/g", kindCFU, basisMass, 0, nil}, nil},
	{unitInfo{"CFU/mL", kindCFU, basisVolume, 0, nil}, nil},
	{unitInfo{"CFU/g(mL)", kindCFU, basisEither, 0, nil}, []string{"CFU/mL(g)", "CFU/g或mL", "CFU/g(ml)"}},
	{unitInfo{"CFU/100g", kindCFU, basisMass, -2, nil}, nil},
	{unitInfo{"CFU/100mL", kindCFU, basisVolume, -2, nil}, nil},
	{unitInfo{"MPN/g", kindMPN, basisMass, 0, nil}, nil},
	{unitInfo{"MPN/mL", kindMPN, basisVolume, 0, nil}, nil},
	{unitInfo{"MPN/g(mL)", kindMPN, basisEither, 0, nil}, []string{"MPN/mL(g)"}},
	{unitInfo{"MPN/100g", kindMPN, basisMass, -2, nil}, nil},
	{unitInfo{"MPN/100mL", kindMPN, basisVolume, -2, nil}, nil},
	{unitInfo{"MPN/100g(mL)", kindMPN, basisEither, -2, nil}, []string{"MPN/100mL(g)"}},
	{unitInfo{"/25g", kindPresence, basisMass, 0, nil}, nil},
	{unitInfo{"/25mL", kindPresence, basisVolume, 0, nil}, nil},
	{unitInfo{"/25g(mL)", kindPresence, basisEither, 0, nil}, []string{"/25mL(g)"}},

	{unitInfo{"%vol", kindVolume, basisVolume, 0, nil}, []string{"vol%", "%(v/v)", "% vol"}},
}

// unitIndex maps a canonical spelling, as is, and the unitKey of every spelling to
// the unit.
var unitIndex = func() map[string]*unitInfo {
	m := map[string]*unitInfo{}
	for i := range units {
		u := &units[i].unitInfo
		u.arg = u.name
		m[u.name] = u
		m[unitKey(u.name)] = u
		for _, a := range units[i].aliases {
			m[unitKey(a)] = u
		}
	}
	return m
}()

// unitKey is the lookup form of a unit: ASCII lower case, no spaces, μ as "u".
func unitKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ':
		case r == 'μ':
			b.WriteByte('u')
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lookupUnit returns the unit s names, or nil. s is folded and trimmed.
func lookupUnit(s string) *unitInfo {
	if u, ok := unitIndex[s]; ok {
		return u
	}
	return unitIndex[unitKey(s)]
}

// NormalizeUnit returns the canonical spelling of a unit: "ug/kg", "µg/kg", "μg／kg"
// and "ppb" all give "μg/kg"; "mg/l" gives "mg/L"; "cfu/g" gives "CFU/g". A unit qcity
// does not know is returned trimmed and folded (full-width to ASCII), so two spellings
// of it still compare equal.
func NormalizeUnit(s string) string {
	if u, ok := unitIndex[s]; ok {
		return u.name
	}
	t := trim(fold(s))
	if u := lookupUnit(t); u != nil {
		return u.name
	}
	return t
}

// unitArg returns u as a reason argument, boxed once for the units of the table.
func unitArg(u string) any {
	if i, ok := unitIndex[u]; ok && i.name == u {
		return i.arg
	}
	return u
}

// ConvertUnit converts d from one unit to another of the same family, exactly (units
// differ by powers of ten, so only the decimal point moves): 150 μg/kg is 0.150 mg/kg.
// Equal units, and an empty unit on either side (the item's unit, implied), return d
// unchanged.
//
// Returns EINVALID with key limits.error.unit_unknown for a unit qcity does not know,
// or limits.error.unit_mismatch for units of different families (mg/kg and mg/L,
// mg/kg and CFU/g).
func ConvertUnit(d Decimal, from, to string) (Decimal, error) {
	d, err := convert(d, NormalizeUnit(from), NormalizeUnit(to))
	if err != nil {
		return Decimal{}, err
	}
	return d, nil
}

// convert is ConvertUnit on normalized units, returning the concrete error type so the
// judging path never boxes a nil.
func convert(d Decimal, from, to string) (Decimal, *qcity.Error) {
	if from == to || from == "" || to == "" {
		return d, nil
	}
	k, err := unitShift(from, to)
	if err != nil {
		return Decimal{}, err
	}
	return d.shift(k), nil
}

// unitShift returns the power of ten that converts a value in unit from into unit to.
func unitShift(from, to string) (int, *qcity.Error) {
	f, t := lookupUnit(from), lookupUnit(to)
	if f == nil {
		return 0, qcity.Errorf(qcity.EINVALID, KeyErrUnitUnknown, "unit", clip(from))
	}
	if t == nil {
		return 0, qcity.Errorf(qcity.EINVALID, KeyErrUnitUnknown, "unit", clip(to))
	}
	if f.kind != t.kind || f.basis&t.basis == 0 {
		return 0, qcity.Errorf(qcity.EINVALID, KeyErrUnitMismatch, "from", f.name, "to", t.name)
	}
	return int(f.exp) - int(t.exp), nil
}

// isMicrobialUnit reports whether u counts organisms: CFU, MPN or presence per 25 g.
func isMicrobialUnit(u string) bool {
	if i := lookupUnit(u); i != nil {
		return i.kind == kindCFU || i.kind == kindMPN || i.kind == kindPresence
	}
	return false
}
