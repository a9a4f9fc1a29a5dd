package server

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tributaryfeeds/tributary/metrics"
)

//go:embed assets/style.css assets/app.js
var assetFS embed.FS

// ContentSecurityPolicy is sent with every HTML page: nothing runs or
// loads but the daemon's own stylesheet and script, and images (an item's
// picture lives on its publisher's server). Upstream text that slipped
// through escaping still could not run.
const ContentSecurityPolicy = "default-src 'none'; style-src 'self'; script-src 'self'; img-src * data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// asset is one embedded file, served with a content hash in its URL so it
// can be cached for good: a new build changes the URL.
type asset struct {
	path         string // /assets/style.css?v=HASH, as pages link it
	body         []byte
	contentType  []string
	etag         []string
	length       []string
	cacheControl []string
}

type assets struct {
	css, js asset
}

func newAssets() assets {
	return assets{
		css: loadAsset("style.css", "text/css; charset=utf-8"),
		js:  loadAsset("app.js", "text/javascript; charset=utf-8"),
	}
}

func loadAsset(name, contentType string) asset {
	body, err := assetFS.ReadFile("assets/" + name)
	if err != nil {
		// Embedded at build time: a missing file is a build defect.
		panic("server: embedded asset " + name + ": " + err.Error())
	}
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:8])
	return asset{
		path:         "/assets/" + name + "?v=" + tag,
		body:         body,
		contentType:  []string{contentType},
		etag:         []string{`"` + tag + `"`},
		length:       []string{strconv.Itoa(len(body))},
		cacheControl: []string{"public, max-age=31536000, immutable"},
	}
}

// serveAsset serves /assets/{name}. The query (the fingerprint) is not
// checked: an old page asking for an old version gets the current one.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) int {
	var a *asset
	switch strings.TrimPrefix(r.URL.Path, "/assets/") {
	case "style.css":
		a = &s.assets.css
	case "app.js":
		a = &s.assets.js
	default:
		return notFound(w)
	}
	h := w.Header()
	h["Etag"] = a.etag
	h["Cache-Control"] = a.cacheControl
	h["X-Content-Type-Options"] = s.static.nosniff
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagListMatches(inm, a.etag[0]) {
		w.WriteHeader(http.StatusNotModified)
		return http.StatusNotModified
	}
	h["Content-Type"] = a.contentType
	h["Content-Length"] = a.length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(a.body) // the client went away; nothing to do
	}
	return http.StatusOK
}

// setPageHeaders adds the headers every HTML page carries.
func setPageHeaders(h http.Header, st *staticHeaders) {
	h["Content-Security-Policy"] = st.csp
	h["Referrer-Policy"] = st.noReferrer
}

// registerReady exports /readyz as the gauge tributary_ready, for the
// not-ready alert of docs/alerts.yml. A second Server on the same registry
// (tests) keeps the first one's gauge.
func (s *Server) registerReady(m *metrics.Metrics) {
	g := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "tributary_ready",
		Help: "1 when /readyz answers 200 (store open, configuration compiled, feeds servable), else 0.",
	}, func() float64 {
		if s.ready() {
			return 1
		}
		return 0
	})
	if err := m.Registry.Register(g); err != nil {
		s.log.Warn("tributary_ready not registered", "err", err)
	}
}
