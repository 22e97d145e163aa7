package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo city's certificates through the real program, and the offline check of a QR
// token: `qcity cert verify-token TOKEN --key KEY` exits 0 for a good token and fails
// with the reason for a tampered or truncated one, or one checked against another key.
func TestCertDemoAndVerifyToken(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "qcity.db")
	s := serve(t, dbPath, "--demo", "--demo-entities", "400", "--demo-sampling", "0")
	if !strings.Contains(s.out.String(), "Demo certificates loaded: ") {
		t.Errorf("no certificate summary in the startup output:\n%s", s.out.String())
	}
	st, list := getJSON(t, s.url+"/api/v1/certificates?status=valid&limit=1", "")
	if st != 200 || list["total"].(float64) < 50 {
		t.Fatalf("demo certificates: %d %v", st, list)
	}
	number := list["items"].([]any)[0].(map[string]any)["number"].(string)
	st, tok := getJSON(t, s.url+"/api/v1/certificates/"+number+"/token", "")
	if st != 200 {
		t.Fatalf("token: %d %v", st, tok)
	}
	token, link := tok["token"].(string), tok["url"].(string)
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}

	// The public key, printed by `qcity cert key`, is the one the server publishes.
	key, _, err := run(t, dbPath, "", "cert", "key")
	if err != nil {
		t.Fatal(err)
	}
	key = strings.TrimSpace(key)
	keyFile := filepath.Join(t.TempDir(), "cert.pub")
	if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{key, keyFile} {
		for _, tk := range []string{token, link} {
			out, _, err := run(t, "", "", "cert", "verify-token", tk, "--key", k)
			if err != nil || !strings.Contains(out, "token verified") || !strings.Contains(out, number) {
				t.Errorf("verify-token %.20s… --key %.20s…: %v\n%s", tk, k, err, out)
			}
		}
	}
	// Flag before the token works too.
	if _, _, err := run(t, "", "", "cert", "verify-token", "--key", key, token); err != nil {
		t.Errorf("--key first: %v", err)
	}
	// Tampered, truncated, wrong key, no key: each fails with a reason.
	b := []byte(token)
	b[len(b)/3] ^= 0x01
	other := filepath.Join(t.TempDir(), "other.db")
	otherKey, _, err := run(t, other, "", "cert", "key")
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct{ name, token, key string }{
		{"tampered", string(b), key},
		{"truncated", token[:len(token)-5], key},
		{"another city's key", token, strings.TrimSpace(otherKey)},
		{"garbage", "not-a-token", key},
	}
	for _, tc := range bad {
		out, _, err := run(t, "", "", "cert", "verify-token", tc.token, "--key", tc.key)
		if err == nil {
			t.Errorf("%s: verified\n%s", tc.name, out)
		} else if strings.TrimSpace(err.Error()) == "" || exitCode(err) != 2 {
			t.Errorf("%s: exit %d, reason %q", tc.name, exitCode(err), err)
		}
	}
	if _, _, err := run(t, "", "", "cert", "verify-token", token); err == nil {
		t.Error("no --key: verified")
	}
}
