package feeds

import (
	"strings"

	"github.com/tributaryfeeds/tributary/config"
)

// Hubs returns the WebSub hubs public feeds advertise: the built-in hub
// (server.websub.builtin) first, then server.websub.hubs.
func Hubs(cfg *config.Config) []string {
	var out []string
	if cfg.Server.WebSub.Builtin {
		out = append(out, strings.TrimRight(cfg.Server.BaseURL, "/")+"/websub")
	}
	return append(out, cfg.Server.WebSub.Hubs...)
}

// linkHeader is the Link header value advertising hubs and self (WebSub
// 4), built once per configuration; "" without hubs.
func linkHeader(hubs []string, self string) string {
	if len(hubs) == 0 {
		return ""
	}
	var b strings.Builder
	for _, h := range hubs {
		b.WriteString("<" + h + `>; rel="hub", `)
	}
	b.WriteString("<" + self + `>; rel="self"`)
	return b.String()
}
