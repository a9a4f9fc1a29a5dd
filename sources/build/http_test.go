package build

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

const (
	apiKey   = "key-5f1e9a7c3b"
	session  = "sess-0a9b8c7d6e"
	password = "pw-7c6b5a4d3e"
	proxyPW  = "proxy-pw-1f2e3d"
)

// secrets are what must never appear in an error, warning or log.
var secrets = []string{apiKey, session, password, proxyPW}

const apiBody = `{"posts": [{"id": 1, "title": "Budget passed", "url": "/p/1"}]}`

// guarded answers apiBody only to requests that pass check; otherwise 401
// with challenge (a Basic realm when set).
func guarded(t *testing.T, challenge string, check func(r *http.Request) bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !check(r) {
			if challenge != "" {
				w.Header().Set("WWW-Authenticate", challenge)
			}
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, apiBody)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// sourceFrom parses a configuration of one json source whose http: block
// is given, with env for ${VAR}, and builds it.
func sourceFrom(t *testing.T, url, httpBlock string, env map[string]string) sources.Source {
	t.Helper()
	yaml := fmt.Sprintf(`fetch: {allow_private: true}
sources:
  - name: api
    kind: json
    url: %q
    select: {items: "$.posts[*]", title: "$.title", link: "$.url"}
    http:
%s`, url, httpBlock)
	cfg, err := config.Parse("c.yaml", []byte(yaml), func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s, err := Source(cfg.Sources[0], Client(cfg, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func noSecrets(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s shows the secret %q: %s", what, s, text)
		}
	}
}

// TestHTTPOptions: an API that requires X-Api-Key, one that requires a
// cookie and a Basic-auth realm, each fetched with and without the option.
func TestHTTPOptions(t *testing.T) {
	env := map[string]string{"API_KEY": apiKey, "SESSION": session, "PW": password}
	keyAPI := guarded(t, "", func(r *http.Request) bool { return r.Header.Get("X-Api-Key") == apiKey })
	cookieAPI := guarded(t, "", func(r *http.Request) bool {
		c, err := r.Cookie("session")
		return err == nil && c.Value == session
	})
	basicAPI := guarded(t, `Basic realm="city"`, func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && u == "reader" && p == password
	})
	tests := []struct {
		name, url, block, wrong string
	}{
		{"api key", keyAPI.URL, `      headers: {X-Api-Key: "${API_KEY}", Accept: application/json}`, `      headers: {X-Api-Key: "wrong"}`},
		{"cookie", cookieAPI.URL, `      cookies: {session: "${SESSION}"}`, `      cookies: {session: "stale"}`},
		{"basic auth", basicAPI.URL, `      basic_auth: {username: reader, password: "${PW}"}`, `      basic_auth: {username: reader, password: nope}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := sourceFrom(t, tt.url+"/api", tt.block+"\n", env).Fetch(context.Background(), sources.Request{})
			if err != nil {
				t.Fatalf("with the option: %v", err)
			}
			if len(res.Items) != 1 || res.Items[0].Title != "Budget passed" {
				t.Errorf("items %+v", res.Items)
			}
			_, err = sourceFrom(t, tt.url+"/api", tt.wrong+"\n", env).Fetch(context.Background(), sources.Request{})
			if err == nil || !strings.Contains(err.Error(), "401") {
				t.Errorf("with a wrong value: %v, want a 401", err)
			}
		})
	}
}

// TestHTTPOptionsSecretsStayOut: a failing source's error carries none of
// its secrets, and a redirect to another host does not carry them along.
func TestHTTPOptionsSecretsStayOut(t *testing.T) {
	var mu sync.Mutex
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Api-Key") != "" || r.Header.Get("Cookie") != "" || r.Header.Get("Authorization") != "" {
			leaked = append(leaked, fmt.Sprint(r.Header))
		}
		fmt.Fprint(w, apiBody)
	}))
	defer other.Close()
	otherURL, _ := url.Parse(other.URL)
	// The API redirects to the same server under another host name.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "http://localhost:"+otherURL.Port()+"/api", http.StatusFound)
			return
		}
		// Echo the secrets into the error path: a 403 whose URL carries
		// the API key, as some APIs do in their redirects.
		http.Error(w, "forbidden "+r.Header.Get("X-Api-Key"), http.StatusForbidden)
	}))
	defer api.Close()
	env := map[string]string{"API_KEY": apiKey, "SESSION": session, "PW": password}
	block := `      headers: {X-Api-Key: "${API_KEY}"}
      cookies: {session: "${SESSION}"}
      basic_auth: {username: reader, password: "${PW}"}
`
	_, err := sourceFrom(t, api.URL+"/api?key="+apiKey, block, env).Fetch(context.Background(), sources.Request{})
	if err == nil {
		t.Fatal("a 403 succeeded")
	}
	noSecrets(t, "the error", err.Error())
	res, err := sourceFrom(t, api.URL+"/moved", block, env).Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 {
		t.Errorf("items after the redirect: %+v", res.Items)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(leaked) > 0 {
		t.Errorf("the options followed a redirect to another host: %v", leaked)
	}
}

// TestHTTPProxy: a source with proxy: sends its requests through a forward
// proxy (here one that answers for the origin), with the proxy's
// credentials; a failing proxy's error shows no password.
func TestHTTPProxy(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.String()+" auth="+r.Header.Get("Proxy-Authorization")+" key="+r.Header.Get("X-Api-Key"))
		mu.Unlock()
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, apiBody)
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	env := map[string]string{"PROXY_PW": proxyPW, "API_KEY": apiKey}
	block := fmt.Sprintf(`      headers: {X-Api-Key: "${API_KEY}"}
      proxy: "http://fetcher:${PROXY_PW}@%s"
`, pu.Host)
	// The origin's name does not resolve here: only the proxy can reach it.
	res, err := sourceFrom(t, "http://api.city.invalid/v1/posts", block, env).Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Link != "http://api.city.invalid/p/1" {
		t.Errorf("items %+v", res.Items)
	}
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("fetcher:"+proxyPW))
	mu.Lock()
	got := strings.Join(seen, "\n")
	mu.Unlock()
	if !strings.Contains(got, "GET http://api.city.invalid/v1/posts auth="+wantAuth+" key="+apiKey) {
		t.Errorf("the proxy saw:\n%s", got)
	}
	// A proxy that is down: the error names neither password nor key.
	proxy.Close()
	_, err = sourceFrom(t, "http://api.city.invalid/v1/posts", block, env).Fetch(context.Background(), sources.Request{})
	if err == nil {
		t.Fatal("fetch through a closed proxy succeeded")
	}
	noSecrets(t, "the proxy error", err.Error())
}

// TestFullTextOptionsSameHostOnly: a full-text source sends its options
// with the article pages on its own host, not with those elsewhere.
func TestFullTextOptionsSameHostOnly(t *testing.T) {
	var mu sync.Mutex
	keys := map[string]string{} // page path -> X-Api-Key it arrived with
	article := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys[r.URL.Path] = r.Header.Get("X-Api-Key")
		mu.Unlock()
		fmt.Fprint(w, `<html><body><article><p>The whole article body, long enough to be the main content of the page.</p></article></body></html>`)
	})
	other := httptest.NewServer(article)
	defer other.Close()
	otherURL, _ := url.Parse(other.URL)
	var site *httptest.Server
	site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed.xml" {
			article(w, r)
			return
		}
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>t</title><link>%[1]s/</link>
<item><title>Here</title><link>%[1]s/here</link></item>
<item><title>Elsewhere</title><link>http://localhost:%[2]s/elsewhere</link></item>
</channel></rss>`, site.URL, otherURL.Port())
	}))
	defer site.Close()
	yaml := fmt.Sprintf(`fetch: {allow_private: true}
sources:
  - name: members
    url: %s/feed.xml
    full_text: true
    http: {headers: {X-Api-Key: "${API_KEY}"}}
`, site.URL)
	cfg, err := config.Parse("c.yaml", []byte(yaml), func(string) string { return apiKey })
	if err != nil {
		t.Fatal(err)
	}
	s, err := Source(cfg.Sources[0], Client(cfg, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 2 || !strings.Contains(res.Items[1].Content, "whole article body") {
		t.Fatalf("items %+v warnings %q", res.Items, res.Warnings)
	}
	mu.Lock()
	defer mu.Unlock()
	if keys["/here"] != apiKey || keys["/elsewhere"] != "" {
		t.Errorf("keys sent with the pages: %q", keys)
	}
}
