package translog

import (
	"testing"
)

// The parsers of what a verifier reads from a server never panic, and what they
// accept renders back to itself.
func FuzzParseCheckpoint(f *testing.F) {
	f.Add("qcity/440800\n12\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
	f.Add("x\n-1\n\n")
	f.Add("qcity/440800\n1\nshort\n\u2014 sig\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCheckpoint(s)
		if err != nil {
			return
		}
		c2, err := ParseCheckpoint(c.Text())
		if err != nil || c2 != c {
			t.Fatalf("round trip of %q: %+v → %q → %+v %v", s, c, c.Text(), c2, err)
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"v":1,"kind":"abnormal.listed","ref":"abnormal/1","subject":"X","date":"2026-07-08","state":{"uscc":"X"}}`))
	f.Add([]byte(`{"v":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Decode(b)
		if err != nil {
			return
		}
		if e.V != 1 || e.Kind == "" || e.Ref == "" {
			t.Fatalf("Decode accepted %q as %+v", b, e)
		}
	})
}

func FuzzDecodeProof(f *testing.F) {
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Add("@@")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := DecodeProof([]string{s})
		if err != nil {
			return
		}
		if got := EncodeProof(p); got[0] != s {
			t.Fatalf("round trip of %q gave %q", s, got[0])
		}
	})
}
