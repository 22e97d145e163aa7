package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"qcity"
	"qcity/internal/auth"
	"qcity/internal/db"
	"qcity/internal/db/dbtest"
	"qcity/internal/region"
)

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("正确的密码 correct")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q", h)
	}
	h2, _ := auth.HashPassword("正确的密码 correct")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"正确的密码 correct": true, "正确的密码 correcT": false, "": false} {
		if ok, err := auth.VerifyPassword(h, pw); err != nil || ok != want {
			t.Errorf("verify %q: %v %v", pw, ok, err)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=0,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=1,t=1,p=1$!!$aGFzaA"} {
		if _, err := auth.VerifyPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
	if p := auth.RandomPassword(16); len(p) != 16 || strings.ContainsAny(p, "0O1lI") {
		t.Errorf("random password %q", p)
	}
}

func newService(t *testing.T, d *db.DB) (*auth.Service, *qcity.FixedClock) {
	j, _ := region.Default().Jurisdiction("440800")
	clock := &qcity.FixedClock{T: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
	return &auth.Service{DB: d, Clock: clock, Config: auth.DefaultConfig, Jurisdiction: j}, clock
}

func TestAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clock := newService(t, d)
		ctx := qcity.WithActor(context.Background(), qcity.System("test"))
		u, err := s.CreateUser(ctx, auth.NewUser{Username: "xiashan", Password: "first password", Role: qcity.RoleCountyOfficial, Region: "440803"})
		if err != nil {
			t.Fatal(err)
		}
		if a := u.Actor(); a.Region != "440803" || !a.CoversRegion("440803101") || a.CoversRegion("440802") {
			t.Errorf("actor scope: %+v", a)
		}
		if _, err := s.CreateUser(ctx, auth.NewUser{Username: "xiashan", Password: "first password", Role: qcity.RoleCityOfficial}); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("duplicate username: %v", err)
		}
		// Lab accounts must name a registered lab.
		if _, err := s.CreateUser(ctx, auth.NewUser{Username: "lab1", Password: "first password", Role: qcity.RoleLab, USCC: "91440800MA4W12346A"}); qcity.ErrorCode(err) != qcity.EINVALID {
			t.Errorf("lab without organisation: %v", err)
		}
		// Unknown user and wrong password read the same.
		_, e1 := s.Authenticate(ctx, "nobody", "first password", "10.0.0.1")
		_, e2 := s.Authenticate(ctx, "xiashan", "wrong password", "10.0.0.1")
		if qcity.AsError(e1).Key != "auth.login_failed" || qcity.AsError(e2).Key != "auth.login_failed" {
			t.Errorf("errors differ: %v / %v", e1, e2)
		}
		// Two sessions; changing the password keeps the current one only.
		if _, err := s.Authenticate(ctx, "xiashan", "first password", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		tokA, _, _ := s.CreateSession(ctx, u.ID, "10.0.0.1", "a")
		tokB, _, _ := s.CreateSession(ctx, u.ID, "10.0.0.2", "b")
		if err := s.ChangePassword(ctx, u.ID, "first password", "second password", tokA); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, tokA); err != nil {
			t.Errorf("current session ended: %v", err)
		}
		if _, _, err := s.SessionUser(ctx, tokB); qcity.ErrorCode(err) != qcity.EUNAUTHORIZED {
			t.Errorf("other session survived: %v", err)
		}
		if err := s.ChangePassword(ctx, u.ID, "first password", "third password", tokA); qcity.ErrorCode(err) != qcity.EINVALID {
			t.Errorf("wrong old password: %v", err)
		}
		// Disabling ends sessions and refuses logins.
		if err := s.SetUserDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, tokA); qcity.ErrorCode(err) != qcity.EUNAUTHORIZED {
			t.Errorf("disabled user's session: %v", err)
		}
		if _, err := s.Authenticate(ctx, "xiashan", "second password", "10.0.0.1"); qcity.AsError(err).Key != "auth.account_disabled" {
			t.Errorf("disabled login: %v", err)
		}
		// Expired sessions are cleaned up.
		s.SetUserDisabled(ctx, u.ID, false)
		tok, _, _ := s.CreateSession(ctx, u.ID, "", "")
		clock.Advance(auth.DefaultConfig.SessionTTL)
		if err := s.DeleteExpired(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n)
		if n != 0 {
			t.Errorf("%d sessions left after expiry", n)
		}
		if _, _, err := s.SessionUser(ctx, tok); qcity.ErrorCode(err) != qcity.EUNAUTHORIZED {
			t.Errorf("expired session: %v", err)
		}
		// Every change is audited, and the password hash never appears in the log.
		var logged int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'user'`).Scan(&logged)
		var leaks int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%argon2id%' OR before_json LIKE '%argon2id%'`).Scan(&leaks)
		if logged < 6 || leaks != 0 {
			t.Errorf("audit: %d user entries, %d with a password hash", logged, leaks)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := qcity.WithActor(context.Background(), qcity.System("test"))
		key, k, err := s.CreateAPIKey(ctx, auth.APIKeyInput{Name: "交易平台", Role: qcity.RoleAPIClient})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(key, "qck_") || !strings.HasPrefix(key, k.Prefix) || len(key) < 40 {
			t.Errorf("key %q prefix %q", key, k.Prefix)
		}
		got, err := s.APIKeyByToken(ctx, key)
		if err != nil || got.ID != k.ID || got.Actor().Role != qcity.RoleAPIClient || got.Actor().Kind != qcity.ActorAPIKey {
			t.Errorf("lookup: %+v %v", got, err)
		}
		if _, _, err := s.CreateAPIKey(ctx, auth.APIKeyInput{Name: "交易平台", Role: qcity.RoleAPIClient}); qcity.ErrorCode(err) != qcity.ECONFLICT {
			t.Errorf("duplicate live name: %v", err)
		}
		if _, _, err := s.CreateAPIKey(ctx, auth.APIKeyInput{Name: "区县接口", Role: qcity.RoleCountyOfficial}); qcity.ErrorCode(err) != qcity.EINVALID {
			t.Errorf("county key without region: %v", err)
		}
		if _, err := s.RevokeAPIKey(ctx, "交易平台"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APIKeyByToken(ctx, key); qcity.AsError(err).Key != "auth.apikey_revoked" {
			t.Errorf("revoked: %v", err)
		}
		if _, err := s.RevokeAPIKey(ctx, "交易平台"); qcity.ErrorCode(err) != qcity.ENOTFOUND {
			t.Errorf("revoke twice: %v", err)
		}
		// The name is free again once revoked.
		if _, _, err := s.CreateAPIKey(ctx, auth.APIKeyInput{Name: "交易平台", Role: qcity.RoleAPIClient}); err != nil {
			t.Errorf("reuse a revoked name: %v", err)
		}
	})
}
