// Package auth holds accounts (users and their roles), browser sessions stored in the
// database (so several qcity instances can share them), login rate limiting, and API
// keys for machine clients. Passwords are hashed with argon2id; session tokens and API
// keys are stored only as SHA-256 hashes.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qcity"
	"qcity/internal/audit"
	"qcity/internal/db"
	"qcity/internal/region"
	"qcity/internal/uscc"
)

// Config holds the session and rate-limit settings.
type Config struct {
	SessionTTL    time.Duration // absolute lifetime of a session
	IdleTimeout   time.Duration // a session unused this long expires
	FailureWindow time.Duration // window for counting failed logins
	MaxFailures   int           // failed logins per username in the window before refusing
	MaxIPFailures int           // failed logins per client address in the window
}

// DefaultConfig is a working day's session, a two-hour idle timeout, and five wrong
// passwords per account (twenty per address) in fifteen minutes.
var DefaultConfig = Config{
	SessionTTL:    12 * time.Hour,
	IdleTimeout:   2 * time.Hour,
	FailureWindow: 15 * time.Minute,
	MaxFailures:   5,
	MaxIPFailures: 20,
}

// Service manages users, sessions and API keys.
type Service struct {
	DB           *db.DB
	Clock        qcity.Clock
	Config       Config
	Jurisdiction *region.Jurisdiction
}

// User is an account.
type User struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Role        qcity.Role `json:"role"`
	Region      string     `json:"region_code,omitempty"`
	USCC        string     `json:"uscc,omitempty"`
	OrgID       int64      `json:"org_id,omitempty"`
	Disabled    bool       `json:"disabled"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Actor returns the actor a request made by u acts as.
func (u User) Actor() qcity.Actor {
	return qcity.Actor{Kind: qcity.ActorUser, ID: u.ID, Name: u.Username, Role: u.Role,
		Region: u.Region, USCC: u.USCC, OrgID: u.OrgID}
}

// NewUser is the input of CreateUser.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Role        qcity.Role
	Region      string // county officials: their district or county
	USCC        string // enterprises: their USCC; labs and certification bodies: their organisation's USCC
}

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9_.\-]{3,32}$`)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// ValidatePassword checks a new password's length.
func ValidatePassword(p string) *qcity.FieldError {
	if n := utf8.RuneCountInString(p); n < MinPasswordLen || len(p) > 256 {
		f := qcity.Field("password", "auth.password_length", "min", MinPasswordLen, "max", 256)
		return &f
	}
	return nil
}

// CreateUser adds an account. Returns EINVALID with field errors for bad input and
// ECONFLICT if the username is taken.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	in.Username = strings.TrimSpace(in.Username)
	in.Region = strings.TrimSpace(in.Region)
	in.USCC = uscc.Normalize(in.USCC)
	var fields []qcity.FieldError
	if !usernameRE.MatchString(in.Username) {
		fields = append(fields, qcity.Field("username", "auth.username_format"))
	}
	if f := ValidatePassword(in.Password); f != nil {
		fields = append(fields, *f)
	}
	if !in.Role.Valid() {
		fields = append(fields, qcity.Field("role", "auth.role_unknown", "role", string(in.Role)))
	}
	var orgID int64
	switch in.Role {
	case qcity.RoleCountyOfficial:
		if in.Region == "" {
			fields = append(fields, qcity.Field("region", "auth.region_required"))
		} else if _, ok := s.Jurisdiction.County(in.Region); !ok {
			fields = append(fields, qcity.Field("region", "region.not_in_jurisdiction", "code", in.Region))
		}
	case qcity.RoleEnterprise, qcity.RoleLab, qcity.RoleCertificationBody:
		if in.USCC == "" {
			fields = append(fields, qcity.Field("uscc", "auth.uscc_required"))
		} else if err := uscc.Validate(in.USCC); err != nil {
			qe := qcity.AsError(err)
			fields = append(fields, qcity.FieldError{Field: "uscc", Key: qe.Key, Args: qe.Args})
		} else if in.Role != qcity.RoleEnterprise {
			kind := "lab"
			if in.Role == qcity.RoleCertificationBody {
				kind = "certification_body"
			}
			err := s.DB.QueryRow(ctx, `SELECT id FROM organisations WHERE kind = ? AND uscc = ?`, kind, in.USCC).Scan(&orgID)
			if errors.Is(err, sql.ErrNoRows) {
				fields = append(fields, qcity.Field("uscc", "auth.organisation_unknown", "uscc", in.USCC))
			} else if err != nil {
				return User{}, qcity.Internal(err)
			}
		}
	}
	if in.Role != qcity.RoleCountyOfficial && in.Region != "" {
		fields = append(fields, qcity.Field("region", "auth.region_only_county"))
	}
	if len(fields) > 0 {
		return User{}, qcity.Invalid(fields...)
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, qcity.Internal(err)
	}
	now := s.Clock.Now().UTC()
	u := User{Username: in.Username, DisplayName: strings.TrimSpace(in.DisplayName), Role: in.Role,
		Region: in.Region, USCC: in.USCC, OrgID: orgID, CreatedAt: now, UpdatedAt: now}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (username, display_name, role, region_code, uscc, org_id,
			password_hash, disabled, created_at, updated_at, password_changed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.DisplayName, string(u.Role), db.NullString(u.Region), db.NullString(u.USCC),
			db.NullInt(u.OrgID), hash, false, now, now, now).Scan(&u.ID)
		if db.IsUniqueViolation(err) {
			return &qcity.Error{Code: qcity.ECONFLICT, Key: "auth.username_taken", Args: map[string]any{"username": u.Username},
				Fields: []qcity.FieldError{qcity.Field("username", "auth.username_taken", "username", u.Username)}}
		}
		if err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionCreate, ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), Region: u.Region, Summary: u.Username, After: u})
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

const userColumns = `id, username, display_name, role, COALESCE(region_code, ''), COALESCE(uscc, ''),
	COALESCE(org_id, 0), disabled, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	var role string
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &role, &u.Region, &u.USCC, &u.OrgID,
		&u.Disabled, &u.CreatedAt, &u.UpdatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return User{}, err
	}
	u.Role = qcity.Role(role)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

// FindUserByID returns the user. Returns ENOTFOUND if there is none.
func (s *Service) FindUserByID(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, qcity.Errorf(qcity.ENOTFOUND, "auth.user_not_found")
	}
	if err != nil {
		return User{}, qcity.Internal(err)
	}
	return u, nil
}

// FindUsers lists all accounts by username.
func (s *Service) FindUsers(ctx context.Context) ([]User, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, qcity.Internal(err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, qcity.Internal(err)
		}
		out = append(out, u)
	}
	return out, qcity.Internal(rows.Err())
}

// CountUsers returns how many accounts exist.
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, qcity.Internal(err)
	}
	return n, nil
}

// SetUserDisabled disables or enables an account; disabling ends its sessions.
func (s *Service) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	before, err := s.FindUserByID(ctx, id)
	if err != nil {
		return err
	}
	now := s.Clock.Now().UTC()
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, disabled, now, id); err != nil {
			return qcity.Internal(err)
		}
		if disabled {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return qcity.Internal(err)
			}
		}
		after := before
		after.Disabled, after.UpdatedAt = disabled, now
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), Region: before.Region, Summary: before.Username,
			Before: before, After: after})
	})
}

// ChangePassword sets a new password after checking the old one, and ends the user's
// other sessions. Returns EINVALID for a wrong old password or a too-short new one.
func (s *Service) ChangePassword(ctx context.Context, userID int64, oldPassword, newPassword, keepSessionToken string) error {
	var hash string
	if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&hash); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return qcity.Errorf(qcity.ENOTFOUND, "auth.user_not_found")
		}
		return qcity.Internal(err)
	}
	ok, err := VerifyPassword(hash, oldPassword)
	if err != nil {
		return qcity.Internal(err)
	}
	if !ok {
		return qcity.Invalid(qcity.Field("old_password", "auth.old_password_wrong"))
	}
	if f := ValidatePassword(newPassword); f != nil {
		f.Field = "new_password"
		return qcity.Invalid(*f)
	}
	newHash, err := HashPassword(newPassword)
	if err != nil {
		return qcity.Internal(err)
	}
	now := s.Clock.Now().UTC()
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?`,
			newHash, now, now, userID); err != nil {
			return qcity.Internal(err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, userID, hashToken(keepSessionToken)); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Summary: "password changed"})
	})
}

// SetPassword replaces a user's password without the old one (the command line, as the
// operator of the machine), ending all of the user's sessions.
func (s *Service) SetPassword(ctx context.Context, username, password string) error {
	if f := ValidatePassword(password); f != nil {
		return qcity.Invalid(*f)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return qcity.Internal(err)
	}
	now := s.Clock.Now().UTC()
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ?`, username).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return qcity.Errorf(qcity.ENOTFOUND, "auth.user_not_found")
			}
			return qcity.Internal(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?`,
			hash, now, now, id); err != nil {
			return qcity.Internal(err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return qcity.Internal(err)
		}
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionUpdate, ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), Summary: "password reset"})
	})
}

// Authenticate checks a username and password. Failures are rate limited per username
// and per client address; every attempt is recorded and audited. Returns EUNAUTHORIZED
// for wrong credentials (the same error whether or not the user exists) and ETOOMANY
// when the limit is reached.
func (s *Service) Authenticate(ctx context.Context, username, password, ip string) (User, error) {
	now := s.Clock.Now().UTC()
	username = strings.TrimSpace(username)
	if len(username) > 64 || len(password) > 256 {
		return User{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.login_failed")
	}
	if err := s.checkRate(ctx, username, ip, now); err != nil {
		return User{}, err
	}
	var hash string
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = ?`, username), &hash)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return User{}, qcity.Internal(err)
	}
	if !found {
		hash = dummyHash
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return User{}, qcity.Internal(err)
	}
	ok = ok && found
	if ok && u.Disabled {
		ok = false
	}
	werr := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO login_attempts (username, ip, at, success) VALUES (?, ?, ?, ?)`,
			username, ip, now, ok); err != nil {
			return qcity.Internal(err)
		}
		actx := ctx
		rec := audit.Record{Action: audit.ActionLoginFailed, ObjectType: "user", ObjectID: username, Summary: username}
		if ok {
			actx = qcity.WithActor(ctx, u.Actor())
			rec = audit.Record{Action: audit.ActionLogin, ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10),
				Region: u.Region, Summary: username}
		}
		return audit.Write(actx, tx, now, rec)
	})
	if werr != nil {
		return User{}, werr
	}
	if !ok {
		if found && u.Disabled {
			return User{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.account_disabled")
		}
		return User{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.login_failed")
	}
	return u, nil
}

func (s *Service) checkRate(ctx context.Context, username, ip string, now time.Time) error {
	since := now.Add(-s.Config.FailureWindow)
	// Failures for the account count since its last successful login.
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM login_attempts WHERE username = ? AND at >= ? AND NOT success
		AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE username = ? AND success), ?)`,
		username, since, username, since).Scan(&n)
	if err != nil {
		return qcity.Internal(err)
	}
	minutes := int(s.Config.FailureWindow / time.Minute)
	if n >= s.Config.MaxFailures {
		return qcity.Errorf(qcity.ETOOMANY, "auth.too_many_attempts", "minutes", minutes)
	}
	if ip != "" {
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM login_attempts WHERE ip = ? AND at >= ? AND NOT success`,
			ip, since).Scan(&n); err != nil {
			return qcity.Internal(err)
		}
		if n >= s.Config.MaxIPFailures {
			return qcity.Errorf(qcity.ETOOMANY, "auth.too_many_attempts", "minutes", minutes)
		}
	}
	return nil
}

// Session is a browser session.
type Session struct {
	UserID     int64
	CSRFToken  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a session for the user and returns the cookie token (which is
// not stored) and the session.
func (s *Service) CreateSession(ctx context.Context, userID int64, ip, userAgent string) (string, Session, error) {
	now := s.Clock.Now().UTC()
	token := randomToken()
	sess := Session{UserID: userID, CSRFToken: randomToken(), CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.Config.SessionTTL)}
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at,
		expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		hashToken(token), userID, sess.CSRFToken, now, now, sess.ExpiresAt, ip, strings.ToValidUTF8(userAgent, ""))
	if err != nil {
		return "", Session{}, qcity.Internal(err)
	}
	return token, sess, nil
}

// touchInterval limits how often a session's last-seen time is written.
const touchInterval = time.Minute

// SessionUser returns the live session for a cookie token and its user. Returns
// EUNAUTHORIZED for an unknown, expired or idle session, or a disabled user.
func (s *Service) SessionUser(ctx context.Context, token string) (Session, User, error) {
	if token == "" || len(token) > 100 {
		return Session{}, User{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.session_expired")
	}
	now := s.Clock.Now().UTC()
	id := hashToken(token)
	var sess Session
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.role,
		COALESCE(u.region_code, ''), COALESCE(u.uscc, ''), COALESCE(u.org_id, 0), u.disabled, u.created_at,
		u.updated_at, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, id),
		&sess.CSRFToken, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.session_expired")
	}
	if err != nil {
		return Session{}, User{}, qcity.Internal(err)
	}
	sess.UserID = u.ID
	if u.Disabled || !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.Config.IdleTimeout {
		s.DB.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, id)
		return Session{}, User{}, qcity.Errorf(qcity.EUNAUTHORIZED, "auth.session_expired")
	}
	if now.Sub(sess.LastSeenAt) >= touchInterval {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, now, id); err != nil {
			return Session{}, User{}, qcity.Internal(err)
		}
		sess.LastSeenAt = now
	}
	return sess, u, nil
}

// Logout ends the session of token and audits it.
func (s *Service) Logout(ctx context.Context, token string) error {
	now := s.Clock.Now().UTC()
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashToken(token))
		if err != nil {
			return qcity.Internal(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		a := qcity.ActorFrom(ctx)
		return audit.Write(ctx, tx, now, audit.Record{Action: audit.ActionLogout, ObjectType: "user",
			ObjectID: strconv.FormatInt(a.ID, 10), Region: a.Region, Summary: a.Name})
	})
}

// DeleteExpired removes expired sessions and login attempts older than a day; it runs
// periodically.
func (s *Service) DeleteExpired(ctx context.Context) error {
	now := s.Clock.Now().UTC()
	if _, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`,
		now, now.Add(-s.Config.IdleTimeout)); err != nil {
		return qcity.Internal(err)
	}
	if _, err := s.DB.Exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, now.Add(-24*time.Hour)); err != nil {
		return qcity.Internal(err)
	}
	return nil
}
