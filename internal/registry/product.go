package registry

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
)

// Product is a product (产品) an entity makes or sells: what sampling, certification and
// benchmarking records refer to.
type Product struct {
	ID           int64     `json:"id"`
	EntityID     int64     `json:"entity_id"`
	Name         string    `json:"name"`
	Brand        string    `json:"brand"`
	Model        string    `json:"model"` // 规格型号
	Category     string    `json:"category"`
	StandardCode string    `json:"standard_code"` // the standard the product is made to, e.g. GB 2762-2022
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// ProductInput is a product as typed into a form or a JSON body.
type ProductInput struct {
	Name         string `json:"name"`
	Brand        string `json:"brand"`
	Model        string `json:"model"`
	Category     string `json:"category"`
	StandardCode string `json:"standard_code"`
}

func validateProduct(in ProductInput) (Product, []qcity.FieldError) {
	var errs []qcity.FieldError
	p := Product{Name: cleanText(in.Name), Brand: cleanText(in.Brand), Model: cleanText(in.Model),
		Category: cleanText(in.Category), StandardCode: cleanText(in.StandardCode)}
	if n := utf8.RuneCountInString(p.Name); n == 0 {
		errs = append(errs, qcity.Field("name", "registry.required"))
	} else if n > maxNameRunes {
		errs = append(errs, qcity.Field("name", "registry.text_length", "max", maxNameRunes))
	}
	for field, val := range map[string]string{"name": p.Name, "brand": p.Brand, "model": p.Model,
		"category": p.Category, "standard_code": p.StandardCode} {
		if field != "name" && utf8.RuneCountInString(val) > maxNameRunes {
			errs = append(errs, qcity.Field(field, "registry.text_length", "max", maxNameRunes))
		} else if r, pos, ok := badTextRune(val); !ok {
			errs = append(errs, qcity.Field(field, "registry.text_char", "char", displayRune(r), "pos", pos))
		}
	}
	return p, errs
}

// AddProduct records a product of the entity with the given USCC. Returns ENOTFOUND,
// EINVALID, EFORBIDDEN.
func (s *Service) AddProduct(ctx context.Context, code string, in ProductInput) (Product, error) {
	e, err := s.FindEntityByUSCC(ctx, code)
	if err != nil {
		return Product{}, err
	}
	if err := canEdit(qcity.ActorFrom(ctx), e.Region); err != nil {
		return Product{}, err
	}
	p, errs := validateProduct(in)
	if len(errs) > 0 {
		return Product{}, qcity.Invalid(errs...)
	}
	now := s.Clock.Now().UTC()
	p.EntityID, p.CreatedAt, p.UpdatedAt = e.ID, now, now
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO products (entity_id, name, brand, model, category, standard_code,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.EntityID, p.Name, p.Brand, p.Model, p.Category, p.StandardCode, now, now).Scan(&p.ID); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "product",
			ObjectID: strconv.FormatInt(p.ID, 10), Region: e.Region, Summary: e.USCC + " " + p.Name, After: p})
	})
	return p, err
}

// FindProducts lists the products of an entity by name.
func (s *Service) FindProducts(ctx context.Context, entityID int64) ([]Product, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, entity_id, name, brand, model, category, standard_code, created_at, updated_at
		FROM products WHERE entity_id = ? ORDER BY name, id`, entityID)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	out := []Product{}
	for rows.Next() {
		var p Product
		if err := rows.Scan(&p.ID, &p.EntityID, &p.Name, &p.Brand, &p.Model, &p.Category, &p.StandardCode,
			&p.CreatedAt, &p.UpdatedAt); err != nil {
			return nil, qcity.Internal(err)
		}
		p.Name = strings.TrimSpace(p.Name)
		out = append(out, p)
	}
	return out, qcity.Internal(rows.Err())
}
