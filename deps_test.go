package main

import (
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// minimumVersions are the lowest versions of dependencies with a published
// vulnerability fixed (govulncheck in CI checks the rest where it can reach
// its database).
var minimumVersions = map[string]string{
	"github.com/valyala/fasthttp": "v1.70.0", // GO-2026-4950
}

// TestNoKnownVulnerableDependencies: the binary is built with at least the
// fixed version of every dependency in minimumVersions.
func TestNoKnownVulnerableDependencies(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build information in the test binary")
	}
	found := map[string]string{}
	for _, d := range info.Deps {
		v := d.Version
		if d.Replace != nil {
			v = d.Replace.Version
		}
		found[d.Path] = v
	}
	for path, min := range minimumVersions {
		v, ok := found[path]
		if !ok {
			t.Errorf("%s is not a dependency any more: drop it from minimumVersions", path)
			continue
		}
		if older(v, min) {
			t.Errorf("%s %s has a known vulnerability; use %s or later", path, v, min)
		}
	}
}

// older compares vMAJOR.MINOR.PATCH versions (pre-release suffixes count as
// the release they precede).
func older(v, than string) bool {
	parse := func(s string) [3]int {
		var out [3]int
		s, _, _ = strings.Cut(strings.TrimPrefix(s, "v"), "-")
		for i, part := range strings.SplitN(s, ".", 3) {
			out[i], _ = strconv.Atoi(part)
		}
		return out
	}
	a, b := parse(v), parse(than)
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
