package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestParsePrefixes(t *testing.T) {
	got, err := parsePrefixes(" 10.0.0.0/8, 127.0.0.1 ,::1, 192.168.1.7/24,")
	if err != nil || fmt.Sprint(got) != "[10.0.0.0/8 127.0.0.1/32 ::1/128 192.168.1.0/24]" {
		t.Errorf("parsePrefixes: %v, %v", got, err)
	}
	if got, err := parsePrefixes(""); err != nil || len(got) != 0 {
		t.Errorf("empty: %v, %v", got, err)
	}
	for _, bad := range []string{"10.0.0", "10.0.0.0/33", "proxy.local", "10.0.0.1,,x"} {
		if _, err := parsePrefixes(bad); err == nil || !strings.Contains(err.Error(), "不是 IP 地址或网段") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// serve refuses a bad value before opening anything, as bad usage (exit 2).
	if _, _, err := run(t, t.TempDir()+"/x.db", "", "serve", "--trusted-proxies", "proxy.local"); err == nil ||
		!strings.Contains(err.Error(), "--trusted-proxies") || exitCode(err) != 2 {
		t.Errorf("serve with a bad --trusted-proxies: %v (exit %d)", err, exitCode(err))
	}
}
