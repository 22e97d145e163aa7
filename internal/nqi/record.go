package nqi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"qcity"
)

// Input is a record as typed into a form, sent in a JSON body or read from a row of
// a spreadsheet: field name → text. Every path goes through the same validation.
type Input map[string]string

// Record is one record of a register. Values holds, by field name, a string (text,
// codes, enumerations, USCCs, regions, values, units), an int64 (integers, years,
// amounts in fen, references) or a qcity.Date; an empty optional integer or date is
// nil. Names holds the display names of referenced records: the entity of a USCC
// field, the organisation of an org field, the parent.
type Record struct {
	Kind      *Kind
	ID        int64
	Values    map[string]any
	Names     map[string]string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

func newRecord(k *Kind) *Record {
	return &Record{Kind: k, Values: map[string]any{}, Names: map[string]string{}}
}

// Str returns a text field's value ("" if unset).
func (r *Record) Str(name string) string {
	s, _ := r.Values[name].(string)
	return s
}

// Int returns an integer field's value and whether it is set.
func (r *Record) Int(name string) (int64, bool) {
	n, ok := r.Values[name].(int64)
	return n, ok
}

// IntOr returns an integer field's value, or def if unset.
func (r *Record) IntOr(name string, def int64) int64 {
	if n, ok := r.Int(name); ok {
		return n
	}
	return def
}

// Date returns a date field's value (the zero Date if unset).
func (r *Record) Date(name string) qcity.Date {
	d, _ := r.Values[name].(qcity.Date)
	return d
}

// Set sets a field's value; nil, "" and the zero Date unset optional fields.
func (r *Record) Set(name string, v any) {
	switch x := v.(type) {
	case qcity.Date:
		if x.IsZero() {
			r.Values[name] = nil
			return
		}
	case int:
		v = int64(x)
	}
	r.Values[name] = v
}

// LabelText is the record's name: its label field.
func (r *Record) LabelText() string {
	f := r.Kind.Field(r.Kind.Label)
	return r.Display(f)
}

// Display returns a field's value as text for a list cell or an export: dates as
// YYYY-MM-DD, amounts in yuan with two decimals, enumerations as their code (the
// caller translates them).
func (r *Record) Display(f *Field) string {
	switch v := r.Values[f.Name].(type) {
	case nil:
		return ""
	case string:
		return v
	case qcity.Date:
		return v.String()
	case int64:
		if f.Type == TMoney {
			return FormatYuan(v)
		}
		return strconv.FormatInt(v, 10)
	}
	return ""
}

// Input returns the record as an input, for edit forms and round trips.
func (r *Record) Input() Input {
	in := Input{}
	for i := range r.Kind.Fields {
		f := &r.Kind.Fields[i]
		if f.Input() {
			in[f.Name] = r.Display(f)
		}
	}
	return in
}

// FormatYuan writes an amount in fen as yuan with two decimals: 123456 → "1234.56".
func FormatYuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10) + "." + strconv.FormatInt(100+fen%100, 10)[1:]
	if neg {
		return "-" + s
	}
	return s
}

// MarshalJSON writes the record as one object: id, the fields in the register's
// order, NAME_name for the display names of references, version and timestamps.
// Amounts are strings of yuan ("1234.56"), exact.
func (r *Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	b.WriteString(strconv.FormatInt(r.ID, 10))
	put := func(name string, v any) error {
		b.WriteByte(',')
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		x, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(x)
		return nil
	}
	for i := range r.Kind.Fields {
		f := &r.Kind.Fields[i]
		v := r.Values[f.Name]
		if f.Type == TMoney {
			if n, ok := v.(int64); ok {
				v = FormatYuan(n)
			}
		}
		if err := put(f.Name, v); err != nil {
			return nil, err
		}
		if name, ok := r.Names[f.Name]; ok {
			if err := put(f.Name+"_name", name); err != nil {
				return nil, err
			}
		}
	}
	if err := put("version", r.Version); err != nil {
		return nil, err
	}
	if err := put("created_at", r.CreatedAt); err != nil {
		return nil, err
	}
	if err := put("updated_at", r.UpdatedAt); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// auditView is the record as the audit log stores it: the fields only.
func (r *Record) auditView() map[string]any {
	m := map[string]any{"id": r.ID, "version": r.Version}
	for i := range r.Kind.Fields {
		f := &r.Kind.Fields[i]
		if f.Stored() {
			m[f.Name] = r.Values[f.Name]
		}
	}
	return m
}
