package screening

import (
	"net/netip"
	"testing"
)

// A webhook may reach only public addresses: not the bureau's networks, nor the cloud's
// metadata services (169.254.169.254; Alibaba Cloud's 100.100.100.200 in the
// carrier-grade NAT range), nor private addresses written in another form.
func TestWebhookAddressPublic(t *testing.T) {
	for _, c := range []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true}, {"114.114.114.114", true}, {"2400:3200::1", true},
		{"127.0.0.1", false}, {"10.1.2.3", false}, {"172.16.0.1", false}, {"192.168.1.1", false},
		{"169.254.169.254", false}, {"100.100.100.200", false}, {"100.64.0.1", false},
		{"0.0.0.0", false}, {"0.1.2.3", false}, {"255.255.255.255", false}, {"224.0.0.1", false},
		{"198.18.0.1", false}, {"192.0.0.8", false}, {"240.0.0.1", false},
		{"::1", false}, {"::", false}, {"fd00::1", false}, {"fe80::1", false}, {"ff02::1", false},
		{"::ffff:127.0.0.1", false}, {"::ffff:10.0.0.1", false}, {"::ffff:100.100.100.200", false},
		{"64:ff9b::a00:1", false}, {"64:ff9b:1::a00:1", false}, {"2002:a00:1::1", false}, {"2001::1", false},
		{"::127.0.0.1", false},
	} {
		if got := publicAddr(netip.MustParseAddr(c.addr)); got != c.public {
			t.Errorf("%s: public %v, want %v", c.addr, got, c.public)
		}
	}
}
