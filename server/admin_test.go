package server

import (
	"reflect"
	"testing"
)

func TestAdminAuth(t *testing.T) {
	const token = "s3cret-token"
	tests := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"no header", "POST", "/admin/sources/world-wire/refresh", "", 401},
		{"wrong scheme", "POST", "/admin/sources/world-wire/refresh", "Basic " + token, 401},
		{"no credentials", "POST", "/admin/sources/world-wire/refresh", "Bearer", 401},
		{"wrong token", "POST", "/admin/sources/world-wire/refresh", "Bearer nope", 401},
		{"token prefix", "POST", "/admin/sources/world-wire/refresh", "Bearer s3cret", 401},
		{"right token", "POST", "/admin/sources/world-wire/refresh", "Bearer " + token, 202},
		{"scheme case", "POST", "/admin/sources/world-wire/refresh", "bearer " + token, 202},
		{"unknown source", "POST", "/admin/sources/nope/refresh", "Bearer " + token, 404},
		{"unknown unauthenticated", "POST", "/admin/sources/nope/refresh", "", 401},
		{"wrong method", "GET", "/admin/sources/world-wire/refresh", "Bearer " + token, 405},
		{"bad path", "POST", "/admin/sources//refresh", "Bearer " + token, 404},
		{"other path", "POST", "/admin/sources/world-wire", "Bearer " + token, 404},
		{"status", "GET", "/admin/status", "Bearer " + token, 200},
		{"status unauthenticated", "GET", "/admin/status", "", 401},
		{"status post", "POST", "/admin/status", "Bearer " + token, 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, token)
			w := fx.do(tt.method, tt.path, "Authorization", tt.auth)
			if w.Code != tt.want {
				t.Fatalf("code %d, want %d", w.Code, tt.want)
			}
			if got := w.Header().Get("WWW-Authenticate"); (tt.want == 401) != (got == "Bearer") {
				t.Errorf("WWW-Authenticate %q", got)
			}
			wantAllow := map[string]string{"wrong method": "POST", "status post": "GET, HEAD"}[tt.name]
			if got := w.Header().Get("Allow"); got != wantAllow {
				t.Errorf("Allow %q, want %q", got, wantAllow)
			}
			var wantRefreshed []string
			if tt.want == 202 {
				wantRefreshed = []string{"world-wire"}
			}
			if !reflect.DeepEqual(fx.sources.refreshed, wantRefreshed) {
				t.Errorf("refreshed %v, want %v", fx.sources.refreshed, wantRefreshed)
			}
		})
	}
}

func TestAdminDisabledAndHotReload(t *testing.T) {
	fx := newFixture(t, "")
	w := fx.do("POST", "/admin/sources/world-wire/refresh", "Authorization", "Bearer ")
	if w.Code != 404 {
		t.Fatalf("admin disabled: %d, want 404", w.Code)
	}
	fx.srv.SetAdminToken("new")
	if w := fx.do("POST", "/admin/sources/world-wire/refresh", "Authorization", "Bearer new"); w.Code != 202 {
		t.Fatalf("after SetAdminToken: %d", w.Code)
	}
	fx.srv.SetAdminToken("")
	if w := fx.do("POST", "/admin/sources/world-wire/refresh", "Authorization", "Bearer new"); w.Code != 404 {
		t.Fatalf("after clearing the token: %d", w.Code)
	}
}

func TestAdminStatusMatchesPublic(t *testing.T) {
	fx := newFixture(t, "t")
	a := fx.do("GET", "/admin/status", "Authorization", "Bearer t")
	b := fx.do("GET", "/status.json")
	if a.Code != 200 || b.Code != 200 {
		t.Fatalf("codes %d and %d, want 200", a.Code, b.Code)
	}
	if a.Body.String() != b.Body.String() {
		t.Fatalf("admin status differs:\n%s\n%s", a.Body.String(), b.Body.String())
	}
}
