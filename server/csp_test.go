package server

import (
	"strings"
	"testing"
)

// TestSecurityHeaders: every rendered page carries the strict CSP (no
// script but the daemon's own, no inline script), and feed responses carry
// nosniff.
func TestSecurityHeaders(t *testing.T) {
	fx := newFixture(t, "")
	for _, p := range []string{"/", "/status"} {
		w := fx.do("GET", p)
		csp := w.Header().Get("Content-Security-Policy")
		if w.Code != 200 || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self';") ||
			strings.Contains(csp, "unsafe") || !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "base-uri 'none'") {
			t.Errorf("%s: code %d, Content-Security-Policy %q", p, w.Code, csp)
		}
		if strings.Contains(w.Body.String(), "<script>") {
			t.Errorf("%s has an inline script the policy would block", p)
		}
	}
	for _, p := range []string{"/feeds/world.atom", "/feeds/world.rss", "/feeds/world.json", "/feeds/world"} {
		for _, enc := range []string{"", "gzip"} {
			w := fx.do("GET", p, "Accept-Encoding", enc)
			if w.Code != 200 || w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s (%q): code %d, X-Content-Type-Options %q", p, enc, w.Code, w.Header().Get("X-Content-Type-Options"))
			}
		}
	}
}
