package auth

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/uscc"
)

// APIKey is a machine client's credential, sent as "Authorization: Bearer <key>". Only
// the SHA-256 of the key is stored; Prefix (the key's first characters) identifies it
// in lists.
type APIKey struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Role       qcity.Role `json:"role"`
	Region     string     `json:"region_code,omitempty"`
	OrgID      int64      `json:"org_id,omitempty"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// keyPrefix marks qcity keys so secret scanners and people recognise them.
const keyPrefix = "qck_"

// APIKeyRoles are the roles a key may carry: machine clients of the bureau's partners
// (api_client), the bureau's own integrations (city or county official), labs' systems
// reporting results (lab, bound to a registered lab) and certification bodies' systems
// registering certificates (certification_body, bound to a registered body). Keys
// never carry admin.
var APIKeyRoles = []qcity.Role{qcity.RoleAPIClient, qcity.RoleCityOfficial, qcity.RoleCountyOfficial, qcity.RoleLab,
	qcity.RoleCertificationBody}

// APIKeyInput is a new key: its name, role, the region of a county official's key and
// the USCC of a lab key's lab or a certification body key's body.
type APIKeyInput struct {
	Name   string
	Role   qcity.Role
	Region string
	USCC   string
}

// Actor returns the actor a request authenticated by k acts as.
func (k APIKey) Actor() qcity.Actor {
	return qcity.Actor{Kind: qcity.ActorAPIKey, ID: k.ID, Name: k.Name, Role: k.Role, Region: k.Region, OrgID: k.OrgID}
}

// CreateAPIKey makes a key and returns it in clear text, the only time it is shown.
// Returns EINVALID for a bad name, role or region, ECONFLICT for a name in use.
func (s *Service) CreateAPIKey(ctx context.Context, in APIKeyInput) (string, APIKey, error) {
	name, role := strings.TrimSpace(in.Name), in.Role
	regionCode := strings.TrimSpace(in.Region)
	var fields []qcity.FieldError
	if n := utf8.RuneCountInString(name); n < 2 || n > 64 {
		fields = append(fields, qcity.Field("name", "auth.apikey_name_length"))
	}
	allowed := false
	for _, r := range APIKeyRoles {
		allowed = allowed || r == role
	}
	if !allowed {
		fields = append(fields, qcity.Field("role", "auth.apikey_role", "role", string(role)))
	}
	if role == qcity.RoleCountyOfficial {
		if _, ok := s.Jurisdiction.County(regionCode); !ok {
			fields = append(fields, qcity.Field("region", "region.not_in_jurisdiction", "code", regionCode))
		}
	} else if regionCode != "" {
		fields = append(fields, qcity.Field("region", "auth.region_only_county"))
	}
	var orgID int64
	if role == qcity.RoleLab || role == qcity.RoleCertificationBody {
		code := uscc.Normalize(in.USCC)
		kind := map[bool]string{true: "lab", false: "certification_body"}[role == qcity.RoleLab]
		err := s.DB.QueryRow(ctx, `SELECT id FROM organisations WHERE kind = ? AND uscc = ?`, kind, code).Scan(&orgID)
		if errors.Is(err, sql.ErrNoRows) {
			fields = append(fields, qcity.Field("uscc", "auth.organisation_unknown", "uscc", code))
		} else if err != nil {
			return "", APIKey{}, qcity.Internal(err)
		}
	}
	if len(fields) > 0 {
		return "", APIKey{}, qcity.Invalid(fields...)
	}
	var exists int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM api_keys WHERE name = ? AND revoked_at IS NULL`, name).Scan(&exists); err != nil {
		return "", APIKey{}, qcity.Internal(err)
	}
	if exists > 0 {
		return "", APIKey{}, &qcity.Error{Code: qcity.ECONFLICT, Key: "auth.apikey_name_taken", Args: map[string]any{"name": name},
			Fields: []qcity.FieldError{qcity.Field("name", "auth.apikey_name_taken", "name", name)}}
	}
	key := keyPrefix + randomToken()
	now := s.Clock.Now().UTC()
	k := APIKey{Name: name, Role: role, Region: regionCode, OrgID: orgID, Prefix: key[:len(keyPrefix)+6], CreatedAt: now,
		CreatedBy: qcity.ActorFrom(ctx).Name}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO api_keys (name, role, region_code, org_id, prefix, key_hash, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, k.Name, string(k.Role), db.NullString(k.Region), db.NullInt(k.OrgID), k.Prefix,
			hashToken(key), now, k.CreatedBy).Scan(&k.ID); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "api_key",
			ObjectID: strconv.FormatInt(k.ID, 10), Region: k.Region, Summary: k.Name, After: k})
	})
	if err != nil {
		return "", APIKey{}, err
	}
	return key, k, nil
}

const apiKeyColumns = `id, name, role, COALESCE(region_code, ''), COALESCE(org_id, 0), prefix, created_at, created_by, revoked_at, last_used_at`

func scanAPIKey(row interface{ Scan(...any) error }) (APIKey, error) {
	var k APIKey
	var role string
	var revoked, used sql.NullTime
	if err := row.Scan(&k.ID, &k.Name, &role, &k.Region, &k.OrgID, &k.Prefix, &k.CreatedAt, &k.CreatedBy, &revoked, &used); err != nil {
		return APIKey{}, err
	}
	k.Role = qcity.Role(role)
	k.CreatedAt = k.CreatedAt.UTC()
	if revoked.Valid {
		t := revoked.Time.UTC()
		k.RevokedAt = &t
	}
	if used.Valid {
		t := used.Time.UTC()
		k.LastUsedAt = &t
	}
	return k, nil
}

// APIKeyByToken returns the live key for a Bearer token. Returns EUNAUTHORIZED for an
// unknown or revoked key.
func (s *Service) APIKeyByToken(ctx context.Context, token string) (APIKey, error) {
	if !strings.HasPrefix(token, keyPrefix) || len(token) > 100 {
		return APIKey{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.apikey_invalid")
	}
	k, err := scanAPIKey(s.DB.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE key_hash = ?`, hashToken(token)))
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.apikey_invalid")
	}
	if err != nil {
		return APIKey{}, qcity.Internal(err)
	}
	if k.RevokedAt != nil {
		return APIKey{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.apikey_revoked")
	}
	now := s.Clock.Now().UTC()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= touchInterval {
		if _, err := s.DB.Exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, now, k.ID); err != nil {
			return APIKey{}, qcity.Internal(err)
		}
	}
	return k, nil
}

// FindAPIKeys lists every key, newest first.
func (s *Service) FindAPIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+apiKeyColumns+` FROM api_keys ORDER BY id DESC`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		out = append(out, k)
	}
	return out, qcity.Internal(rows.Err())
}

// RevokeAPIKey revokes the key with the given id, or the live key with the given name.
// Returns ENOTFOUND if there is none.
func (s *Service) RevokeAPIKey(ctx context.Context, idOrName string) (APIKey, error) {
	now := s.Clock.Now().UTC()
	var k APIKey
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if id, perr := strconv.ParseInt(idOrName, 10, 64); perr == nil {
			k, err = scanAPIKey(tx.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE id = ? AND revoked_at IS NULL`, id))
		} else {
			k, err = scanAPIKey(tx.QueryRow(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE name = ? AND revoked_at IS NULL`, idOrName))
		}
		if errors.Is(err, sql.ErrNoRows) {
			return qcity.Errorf(qcity.ENOTFOUND, "auth.apikey_not_found", "key", idOrName)
		}
		if err != nil {
			return qcity.Internal(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, now, k.ID); err != nil {
			return qcity.Internal(err)
		}
		before := k
		k.RevokedAt = &now
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionRevoke, ObjectType: "api_key",
			ObjectID: strconv.FormatInt(k.ID, 10), Region: k.Region, Summary: k.Name, Before: before, After: k})
	})
	return k, err
}
