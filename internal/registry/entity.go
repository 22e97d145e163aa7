// Package registry is the registry of market entities (市场主体): companies, individual
// businesses, farmer cooperatives, branches and other forms, with their products, and
// the organisations the bureau works with: testing labs (检验检测机构), certification
// bodies (认证机构) and legal metrology institutions (法定计量技术机构).
package registry

import (
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"qcity"
	"qcity/internal/industry"
	"qcity/internal/region"
	"qcity/internal/uscc"
)

// EntityType is the legal form of a market entity (市场主体类型).
type EntityType string

const (
	TypeCompany            EntityType = "company"             // 公司/企业法人
	TypeBranch             EntityType = "branch"              // 分支机构
	TypePartnership        EntityType = "partnership"         // 合伙企业
	TypeSoleProprietorship EntityType = "sole_proprietorship" // 个人独资企业
	TypeIndividualBusiness EntityType = "individual_business" // 个体工商户
	TypeFarmerCooperative  EntityType = "farmer_cooperative"  // 农民专业合作社
)

// EntityTypes lists the types in display order.
var EntityTypes = []EntityType{TypeCompany, TypeBranch, TypePartnership, TypeSoleProprietorship,
	TypeIndividualBusiness, TypeFarmerCooperative}

// uscc type digit (position 2 under authority 9, GB 32100) each entity type must carry.
func (t EntityType) usccType() byte {
	switch t {
	case TypeIndividualBusiness:
		return '2'
	case TypeFarmerCooperative:
		return '3'
	}
	return '1'
}

// Status is the registration status (登记状态).
type Status string

const (
	StatusActive       Status = "active"       // 存续
	StatusRevoked      Status = "revoked"      // 吊销
	StatusDeregistered Status = "deregistered" // 注销
	StatusMovedOut     Status = "moved_out"    // 迁出
)

// Statuses lists the statuses in display order.
var Statuses = []Status{StatusActive, StatusRevoked, StatusDeregistered, StatusMovedOut}

// Entity is a market entity (市场主体).
type Entity struct {
	ID                  int64      `json:"id"`
	USCC                string     `json:"uscc"`
	Name                string     `json:"name"`
	FormerNames         []string   `json:"former_names"`
	Type                EntityType `json:"entity_type"`
	LegalRepresentative string     `json:"legal_representative"`
	Address             string     `json:"address"`
	Region              string     `json:"region_code"`
	Industry            string     `json:"industry_code"`
	EstablishedOn       qcity.Date `json:"established_on"`
	Status              Status     `json:"status"`
	// RegisteredCapital is in 万元 (ten thousand yuan), as a decimal string.
	RegisteredCapital string    `json:"registered_capital"`
	NeedsCheck        bool      `json:"needs_check"`
	Source            string    `json:"source"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	Version           int       `json:"version"`
}

// EntityInput is an entity as typed into a form, a JSON body or an import row: every
// value a string, validated by Validate.
type EntityInput struct {
	USCC                string   `json:"uscc"`
	Name                string   `json:"name"`
	FormerNames         []string `json:"former_names"`
	Type                string   `json:"entity_type"`
	LegalRepresentative string   `json:"legal_representative"`
	Address             string   `json:"address"`
	Region              string   `json:"region_code"`
	Industry            string   `json:"industry_code"`
	EstablishedOn       string   `json:"established_on"`
	Status              string   `json:"status"`
	RegisteredCapital   string   `json:"registered_capital"`
}

// Input returns e as an input, for edit forms.
func (e Entity) Input() EntityInput {
	return EntityInput{USCC: e.USCC, Name: e.Name, FormerNames: e.FormerNames, Type: string(e.Type),
		LegalRepresentative: e.LegalRepresentative, Address: e.Address, Region: e.Region,
		Industry: e.Industry, EstablishedOn: e.EstablishedOn.String(), Status: string(e.Status),
		RegisteredCapital: e.RegisteredCapital}
}

// Validator checks entity input against the reference catalogues. Its zero value is not
// usable; see NewValidator.
type Validator struct {
	Regions    *region.Catalogue
	Industries *industry.Catalogue
}

// NewValidator returns a validator over the embedded catalogues.
func NewValidator() *Validator {
	return &Validator{Regions: region.Default(), Industries: industry.Default()}
}

// Limits of entity fields.
const (
	maxNameRunes    = 100
	maxFormerNames  = 20
	maxRepRunes     = 50
	maxAddressRunes = 200
)

// Validate checks in and returns the entity it describes, or the field errors. today is
// the current date, which an establishment date may not be after. Checks are pure: the
// uniqueness of the USCC is the store's job.
func (v *Validator) Validate(in EntityInput, today qcity.Date) (Entity, []qcity.FieldError) {
	var errs []qcity.FieldError
	add := func(field, key string, args ...any) { errs = append(errs, qcity.Field(field, key, args...)) }
	e := Entity{
		USCC:                uscc.Normalize(in.USCC),
		Name:                cleanText(in.Name),
		Type:                EntityType(strings.TrimSpace(in.Type)),
		LegalRepresentative: cleanText(in.LegalRepresentative),
		Address:             cleanText(in.Address),
		Region:              strings.TrimSpace(in.Region),
		Industry:            strings.ToUpper(strings.TrimSpace(in.Industry)),
		Status:              Status(strings.TrimSpace(in.Status)),
		RegisteredCapital:   strings.TrimSpace(in.RegisteredCapital),
		FormerNames:         []string{},
	}

	typeOK := false
	for _, t := range EntityTypes {
		typeOK = typeOK || e.Type == t
	}
	switch {
	case e.Type == "":
		add("entity_type", "registry.required")
	case !typeOK:
		add("entity_type", "registry.type_unknown", "value", string(e.Type))
	}

	var code uscc.Code
	var usccErr error
	if e.USCC == "" {
		add("uscc", "registry.required")
	} else if code, usccErr = uscc.Parse(e.USCC); usccErr != nil {
		qe := qcity.AsError(usccErr)
		errs = append(errs, qcity.FieldError{Field: "uscc", Key: qe.Key, Args: qe.Args})
	} else if code.Authority != '9' {
		// GB 32100: market entities are registered by market regulation (authority 9).
		add("uscc", "registry.uscc_not_market", "char", string(code.Authority))
	} else if typeOK && code.Type != e.Type.usccType() {
		add("uscc", "registry.uscc_type_mismatch", "char", string(code.Type))
	}

	checkName := func(field, name string) {
		n := utf8.RuneCountInString(name)
		switch {
		case n == 0:
			add(field, "registry.required")
		case n < 2 || n > maxNameRunes:
			add(field, "registry.name_length", "min", 2, "max", maxNameRunes)
		default:
			if r, pos, ok := badNameRune(name); !ok {
				add(field, "registry.name_char", "char", displayRune(r), "pos", pos)
			}
		}
	}
	checkName("name", e.Name)
	if len(in.FormerNames) > maxFormerNames {
		add("former_names", "registry.too_many_former_names", "max", maxFormerNames)
	} else {
		for _, f := range in.FormerNames {
			f = cleanText(f)
			if f == "" {
				continue
			}
			checkName("former_names", f)
			if f != e.Name && !contains(e.FormerNames, f) {
				e.FormerNames = append(e.FormerNames, f)
			}
		}
	}

	if n := utf8.RuneCountInString(e.LegalRepresentative); n == 0 {
		add("legal_representative", "registry.required")
	} else if n > maxRepRunes {
		add("legal_representative", "registry.text_length", "max", maxRepRunes)
	} else if r, pos, ok := badNameRune(e.LegalRepresentative); !ok {
		add("legal_representative", "registry.name_char", "char", displayRune(r), "pos", pos)
	}
	if n := utf8.RuneCountInString(e.Address); n > maxAddressRunes {
		add("address", "registry.text_length", "max", maxAddressRunes)
	} else if r, pos, ok := badTextRune(e.Address); !ok {
		add("address", "registry.text_char", "char", displayRune(r), "pos", pos)
	}

	if e.Region == "" {
		add("region_code", "registry.required")
	} else if d, ok := v.Regions.Get(e.Region); !ok || d.Level < 2 || d.Level > 3 {
		add("region_code", "region.unknown", "code", e.Region)
	}

	if e.Industry != "" {
		// Accept "C1391" as well as "1391": drop a section letter before digits.
		if len(e.Industry) > 1 && e.Industry[0] >= 'A' && e.Industry[0] <= 'Z' && e.Industry[1] >= '0' && e.Industry[1] <= '9' {
			e.Industry = e.Industry[1:]
		}
		if _, ok := v.Industries.Get(e.Industry); !ok {
			add("industry_code", "industry.unknown", "code", in.Industry)
		}
	}

	if s := strings.TrimSpace(in.EstablishedOn); s != "" {
		d, err := qcity.ParseDate(s)
		switch {
		case err != nil:
			add("established_on", "registry.date_format", "value", s)
		case d.Year < 1949:
			add("established_on", "registry.date_too_early")
		case d.After(today):
			add("established_on", "registry.date_future", "today", today.String())
		default:
			e.EstablishedOn = d
		}
	}

	if e.Status == "" {
		e.Status = StatusActive
	} else {
		ok := false
		for _, s := range Statuses {
			ok = ok || e.Status == s
		}
		if !ok {
			add("status", "registry.status_unknown", "value", string(e.Status))
		}
	}

	if e.RegisteredCapital != "" {
		c, ok := parseCapital(e.RegisteredCapital)
		if !ok {
			add("registered_capital", "registry.capital_format", "value", e.RegisteredCapital)
		} else {
			e.RegisteredCapital = c
		}
	}
	return e, errs
}

// parseCapital checks a registered capital in 万元: a non-negative decimal with at most
// six decimal places and twelve integer digits, returned in canonical form.
func parseCapital(s string) (string, bool) {
	s = strings.ReplaceAll(s, ",", "")
	if s == "" || len(s) > 24 || strings.ContainsAny(s, "eE+-") {
		return "", false
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" || len(intPart) > 12 || len(frac) > 6 {
		return "", false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 {
		return "", false
	}
	out := r.FloatString(len(frac))
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	return out, true
}

// cleanText trims a single-line text value and collapses runs of white space.
func cleanText(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// badNameRune finds the first character a name may not contain: control characters and
// the markup, quoting and statement characters < > { } [ ] " ' ` \ ; = | that no
// registered Chinese name uses (企业名称登记管理规定 Art. 7 allows Chinese characters,
// and in practice letters, digits and a few marks such as （）·、&-.).
func badNameRune(s string) (rune, int, bool) {
	pos := 0
	for _, r := range s {
		pos++
		if unicode.IsControl(r) || strings.ContainsRune("<>{}[]\"'`\\;=|$%^*~#@!?", r) || r == utf8.RuneError {
			return r, pos, false
		}
	}
	return 0, 0, true
}

// badTextRune finds the first character free text may not contain: control characters,
// angle brackets and invalid UTF-8.
func badTextRune(s string) (rune, int, bool) {
	pos := 0
	for _, r := range s {
		pos++
		if unicode.IsControl(r) || r == '<' || r == '>' || r == utf8.RuneError {
			return r, pos, false
		}
	}
	return 0, 0, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// displayRune shows a character in an error message: itself when printable, else its
// code point (U+0007), so invisible characters can be found.
func displayRune(r rune) string {
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}
