package app

import (
	"net"
	"strings"
)

// proxies are the trusted reverse proxies' networks.
type proxies []*net.IPNet

func parseProxies(cidrs []string) proxies {
	var out proxies
	for _, c := range cidrs {
		if _, n, err := net.ParseCIDR(c); err == nil { // validated with the config
			out = append(out, n)
		}
	}
	return out
}

func (p proxies) trusted(ip net.IP) bool {
	for _, n := range p {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// ClientAddr is the address a request comes from: the peer's, unless the
// peer is a trusted proxy (server.trusted_proxies); then the nearest address
// in X-Forwarded-For that is not itself a trusted proxy. A client cannot
// choose its address by sending the header: entries left of the first
// untrusted one, which the client wrote, are never read.
func (a *App) ClientAddr(peer, forwardedFor string) string {
	return clientAddr(a.proxies, peer, forwardedFor)
}

func clientAddr(trusted proxies, peer, forwardedFor string) string {
	ip := net.ParseIP(peer)
	if ip == nil || !trusted.trusted(ip) || forwardedFor == "" {
		return peer
	}
	hops := strings.Split(forwardedFor, ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := net.ParseIP(strings.TrimSpace(hops[i]))
		if hop == nil {
			return ip.String() // a malformed hop: the last trusted address it passed
		}
		if !trusted.trusted(hop) {
			return hop.String()
		}
		ip = hop
	}
	return ip.String()
}
