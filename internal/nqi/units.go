package nqi

import (
	"math/big"
	"strings"

	"qcity"
	"qcity/internal/limits"
)

// A physical unit of a benchmarking indicator: its dimension and its size in the
// dimension's base unit, as an exact rational (1 h = 3600 s, 1 kWh = 3,600,000 J), so
// conversions never round. Concentration units (mg/kg, g/100g, mg/L, CFU/g …) are not
// here: internal/limits converts them. "%" and "‰" are plain ratios here, since
// benchmarking percentages are efficiencies and shares; "%" against a mass
// concentration falls through to limits, where it is g/100g.
type unit struct {
	name   string // canonical spelling
	dim    string
	factor *big.Rat
}

// units lists the units with their spellings; the canonical one first.
var unitList = []struct {
	dim    string
	factor string
	names  []string
}{
	{"length", "1000", []string{"km", "千米", "公里"}},
	{"length", "1", []string{"m", "米"}},
	{"length", "1/10", []string{"dm", "分米"}},
	{"length", "1/100", []string{"cm", "厘米"}},
	{"length", "1/1000", []string{"mm", "毫米"}},
	{"length", "1/1000000", []string{"μm", "um", "微米"}},
	{"length", "1/1000000000", []string{"nm", "纳米"}},
	{"mass", "1000000", []string{"t", "吨"}},
	{"mass", "1000", []string{"kg", "千克", "公斤"}},
	{"mass", "1", []string{"g", "克"}},
	{"mass", "1/1000", []string{"mg", "毫克"}},
	{"mass", "1/1000000", []string{"μg", "ug", "微克"}},
	{"time", "1", []string{"s", "秒"}},
	{"time", "60", []string{"min", "分钟", "分"}},
	{"time", "3600", []string{"h", "小时", "时"}},
	{"time", "86400", []string{"d", "天", "日"}},
	{"power", "1/1000", []string{"mW", "毫瓦"}},
	{"power", "1", []string{"W", "瓦"}},
	{"power", "1000", []string{"kW", "千瓦"}},
	{"power", "1000000", []string{"MW", "兆瓦"}},
	{"energy", "1", []string{"J", "焦"}},
	{"energy", "1000", []string{"kJ", "千焦"}},
	{"energy", "1000000", []string{"MJ", "兆焦"}},
	{"energy", "3600", []string{"Wh", "W·h", "W.h", "瓦时"}},
	{"energy", "3600000", []string{"kWh", "kW·h", "kW.h", "度", "千瓦时"}},
	{"voltage", "1", []string{"V", "伏"}},
	{"voltage", "1000", []string{"kV", "千伏"}},
	{"voltage", "1/1000", []string{"mV", "毫伏"}},
	{"current", "1", []string{"A", "安"}},
	{"current", "1/1000", []string{"mA", "毫安"}},
	{"current", "1/1000000", []string{"μA", "uA", "微安"}},
	{"frequency", "1", []string{"Hz", "赫兹"}},
	{"frequency", "1000", []string{"kHz"}},
	{"frequency", "1000000", []string{"MHz"}},
	{"pressure", "1", []string{"Pa", "帕"}},
	{"pressure", "1000", []string{"kPa", "千帕"}},
	{"pressure", "1000000", []string{"MPa", "兆帕"}},
	{"pressure", "100000", []string{"bar"}},
	{"force", "1", []string{"N", "牛"}},
	{"force", "1000", []string{"kN", "千牛"}},
	{"volume", "1", []string{"L", "l", "升"}},
	{"volume", "1/1000", []string{"mL", "ml", "毫升", "cm³", "cm3"}},
	{"volume", "1000", []string{"m³", "m3", "立方米"}},
	{"area", "1", []string{"m²", "m2", "平方米"}},
	{"area", "1/10000", []string{"cm²", "cm2", "平方厘米"}},
	{"area", "1/1000000", []string{"mm²", "mm2", "平方毫米"}},
	{"speed", "1", []string{"m/s"}},
	{"speed", "5/18", []string{"km/h"}},
	{"rotation", "1", []string{"r/min", "rpm", "转/分"}},
	{"ratio", "1", []string{"%", "百分比"}},
	{"ratio", "1/10", []string{"‰", "千分比"}},
	{"temperature", "1", []string{"℃", "摄氏度"}},
	{"sound", "1", []string{"dB", "分贝"}},
	{"sound_a", "1", []string{"dB(A)", "dBA"}},
	{"illuminance", "1", []string{"lx", "勒克斯"}},
	{"resistance", "1", []string{"Ω", "ohm", "欧"}},
	{"resistance", "1000", []string{"kΩ"}},
	{"resistance", "1000000", []string{"MΩ"}},
	{"count", "1", []string{"次"}},
}

// unitTable maps the lookup key of every spelling to its unit.
var unitTable = func() map[string]*unit {
	m := map[string]*unit{}
	for _, u := range unitList {
		f, ok := new(big.Rat).SetString(u.factor)
		if !ok {
			panic("nqi: bad unit factor " + u.factor)
		}
		x := &unit{name: u.names[0], dim: u.dim, factor: f}
		for _, n := range u.names {
			m[unitKey(n)] = x
		}
	}
	return m
}()

// unitKey is the lookup form of a unit: no spaces, μ and µ alike. Case matters (mW
// and MW differ) except where both spellings are listed.
func unitKey(s string) string {
	s = strings.ReplaceAll(foldText(s), " ", "")
	return strings.ReplaceAll(s, "µ", "μ")
}

// NormalizeUnit returns the canonical spelling of a unit: "kW.h", "度" and "kWh" give
// "kWh"; "ug/kg" gives "μg/kg" (through internal/limits); an unknown unit comes back
// folded to half-width and trimmed, so two spellings of it still compare equal.
func NormalizeUnit(s string) string {
	s = strings.TrimSpace(foldText(s))
	if s == "" {
		return ""
	}
	if u := unitTable[unitKey(s)]; u != nil {
		return u.name
	}
	return limits.NormalizeUnit(s)
}

// isKnownUnit reports whether qcity converts the unit: it is in the table here or in
// internal/limits.
func isKnownUnit(s string) bool {
	if unitTable[unitKey(s)] != nil {
		return true
	}
	_, err := limits.ConvertUnit(limits.NewDecimal(1, 0), s, "mg/kg")
	return err == nil || qcity.AsError(err).Key != limits.KeyErrUnitUnknown
}
