package nqi_test

import (
	"testing"

	"qcity/internal/locale"
	"qcity/internal/nqi"
)

// Every label the registers and the report build at run time is in both catalogues.
func TestLocaleKeys(t *testing.T) {
	c := locale.Default()
	var keys []string
	for _, k := range nqi.Kinds() {
		keys = append(keys, "nqi.kind."+k.Name, "nqi.kind_intro."+k.Name)
		for i := range k.Fields {
			f := &k.Fields[i]
			keys = append(keys, "nqi.f."+k.Name+"."+f.Name)
			for _, o := range f.Options() {
				keys = append(keys, "nqi.enum."+f.Enum+"."+o)
			}
		}
		for _, ef := range k.Filters {
			keys = append(keys, "nqi.filter."+ef.Name)
			for _, o := range ef.Options {
				keys = append(keys, "nqi.filter."+ef.Name+"."+o)
			}
		}
	}
	for _, l := range []string{"international", "national", "industry", "local", "group", "enterprise", "foreign"} {
		keys = append(keys, "nqi.enum.std_level_any."+l)
	}
	for _, key := range nqi.IndicatorKeys {
		keys = append(keys, "nqi.report."+key, "nqi.report_def."+key)
	}
	for _, u := range []string{"%", "batch", "standard", "project", "organisation", "enterprise", "record"} {
		keys = append(keys, nqi.UnitLabelKey(u))
	}
	for _, s := range []string{"quality", "infrastructure", "development", "credit"} {
		keys = append(keys, "nqi.report.section."+s)
	}
	for _, key := range keys {
		for _, l := range locale.Langs {
			if !c.Has(l, key) {
				t.Errorf("%s missing in %s", key, l)
			}
		}
	}
}
