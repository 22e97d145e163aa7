package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"qcity"
	"qcity/internal/certification"
)

const certUsage = `usage:
  qcity cert verify-token TOKEN|URL --key KEY|FILE   check a certificate's QR token offline
  qcity cert key [--db …]                            print the QR tokens' public key
  qcity cert import [--db …] FILE                    register certificates from .xlsx/.csv (with an issuer column)`

// runCert runs the certification commands.
func (m *Main) runCert(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{certUsage}
	}
	switch args[0] {
	case "verify-token":
		return m.certVerifyToken(args[1:])
	case "key":
		var c common
		fs := m.flags("cert key", &c)
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		a, err := m.open(ctx, c, false)
		if err != nil {
			return err
		}
		defer a.Close()
		key, err := a.cert.TokenKey()
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, key)
		return nil
	case "import":
		var c common
		fs := m.flags("cert import", &c)
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return usageError{certUsage}
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return usageError{err.Error()}
		}
		defer f.Close()
		a, err := m.open(ctx, c, false)
		if err != nil {
			return err
		}
		defer a.Close()
		res, err := a.cert.ImportCertificates(qcity.WithActor(ctx, qcity.System("qcity cert import")), f, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "imported %d certificates from %s (sha256 %s); %d warning(s)\n", res.Rows, fs.Arg(0), res.SHA256, res.Warnings)
		return nil
	}
	return usageError{certUsage}
}

// certVerifyToken checks a token against a verifier key, with no database and no
// network: what an inspector's laptop or a buyer's script does with a scanned QR code.
// It prints what the token says and exits 0, or fails with the reason (exit 2).
func (m *Main) certVerifyToken(args []string) error {
	fs := flag.NewFlagSet("cert verify-token", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	key := fs.String("key", "", "the verifier key (name+hash+keydata, from GET /api/v1/certificates/key) or a file holding it")
	// The token may come before or after the flag.
	var token string
	rest := args
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		token, rest = rest[0], rest[1:]
	}
	if err := parse(fs, rest); err != nil {
		return err
	}
	if token == "" && fs.NArg() == 1 {
		token = fs.Arg(0)
	} else if fs.NArg() > 0 || token == "" {
		return usageError{certUsage}
	}
	if *key == "" {
		return usageError{"--key is required: the QR tokens' public key (GET /api/v1/certificates/key, or `qcity cert key`)"}
	}
	vkey := *key
	if !strings.Contains(vkey, "+") {
		b, err := os.ReadFile(vkey)
		if err != nil {
			return usageError{"--key: " + err.Error()}
		}
		vkey = strings.TrimSpace(string(b))
	}
	v, err := certification.NewVerifier(vkey)
	if err != nil {
		return usageError{"--key: " + err.Error()}
	}
	t, err := v.Verify(certification.TokenFromText(token))
	if err != nil {
		var te *certification.TokenError
		if errors.As(err, &te) {
			return te.QError()
		}
		return err
	}
	fmt.Fprintf(m.Stdout, "token verified (key %08x)\n  certificate %s\n  holder USCC %s\n  valid %s to %s\n  issuer      %s\n",
		v.KeyHash(), t.Number, t.USCC, t.IssuedOn, t.ExpiresOn, t.Issuer)
	fmt.Fprintln(m.Stdout, "The token proves what the certificate said when it was printed; its live status (suspension, revocation) is online at the address in the QR code.")
	return nil
}
