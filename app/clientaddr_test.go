package app

import "testing"

// TestClientAddr: X-Forwarded-For counts only behind a trusted proxy, and
// then only the hops the proxies added.
func TestClientAddr(t *testing.T) {
	trusted := parseProxies([]string{"10.0.0.0/8", "192.168.1.5/32"})
	cases := []struct{ name, peer, xff, want string }{
		{"direct, no header", "203.0.113.7", "", "203.0.113.7"},
		{"direct, a forged header", "203.0.113.7", "198.51.100.1", "203.0.113.7"},
		{"behind the proxy", "10.1.2.3", "198.51.100.1", "198.51.100.1"},
		{"a forged hop left of the real one", "10.1.2.3", "1.1.1.1, 198.51.100.1", "198.51.100.1"},
		{"two proxies", "192.168.1.5", "198.51.100.1, 10.9.9.9", "198.51.100.1"},
		{"the proxy without a header", "10.1.2.3", "", "10.1.2.3"},
		{"a malformed hop", "10.1.2.3", "garbage", "10.1.2.3"},
		{"only proxies", "10.1.2.3", "10.4.4.4", "10.4.4.4"},
		{"IPv6 client", "10.1.2.3", "2001:db8::1", "2001:db8::1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := clientAddr(trusted, c.peer, c.xff); got != c.want {
				t.Fatalf("clientAddr(%q, %q) = %q, want %q", c.peer, c.xff, got, c.want)
			}
		})
	}
	if got := clientAddr(nil, "10.1.2.3", "198.51.100.1"); got != "10.1.2.3" {
		t.Fatalf("no trusted proxies: %q", got)
	}
}
