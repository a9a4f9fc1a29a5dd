package feeds

import (
	"encoding/json"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/sources"
)

// validityItems are the item shapes issue 14 found producing invalid output.
func validityItems() []sources.Item {
	d := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	return []sources.Item{
		{Source: "pod", ID: "ep-1", Published: d, // enclosure-only episode
			Enclosures: []sources.Enclosure{{URL: "https://cdn.example.org/shows/episode%2042.mp3", Type: "audio/mpeg", Length: 3 << 30}}},
		{Source: "json", ID: "link-only", Link: "https://example.org/a/b/", Published: d.Add(-time.Hour)},
		{Source: "json", ID: "nothing-at-all", Published: d.Add(-2 * time.Hour)},
		{Source: "mail", ID: "mailto", Link: "https://example.org/m", Title: "Mail", Published: d.Add(-3 * time.Hour),
			Authors: []sources.Author{
				{Name: "Desk", Email: "mailto:desk@example.org?subject=Hello"},
				{Email: "not an address"},
				{Name: "Jo", Email: "Jo <jo@example.org>"},
			}},
		{Source: "pod", ID: "local", Link: "https://example.org/l", Title: "Local", Published: d.Add(-4 * time.Hour),
			Image: "http://127.0.0.1/i.png",
			Enclosures: []sources.Enclosure{
				{URL: "http://localhost/secret.mp3", Type: "audio/mpeg"},
				{URL: "http://[::1]:8080/a.mp3"},
				{URL: "http://10.1.2.3/a.mp3"},
				{URL: "http://2130706433/a.mp3"},
				{URL: "http://169.254.169.254/latest/meta-data"},
				{URL: "https://media.example.org/ok.mp3", Type: "audio/mpeg", Length: 10},
			}},
	}
}

func TestRenderValidForEveryItem(t *testing.T) {
	items := validityItems()
	for _, f := range formats {
		body, err := Render(fixtureMeta(f), items, f)
		if err != nil {
			t.Fatal(err)
		}
		var errs []string
		switch f {
		case RSS:
			errs = checkRSS(body)
		case Atom:
			errs = checkAtom(body)
		case JSON:
			errs = checkJSONFeed(body)
		}
		for _, e := range errs {
			t.Errorf("%s: %s", f, e)
		}
		s := string(body)
		for _, leak := range []string{"localhost", "127.0.0.1/i.png", "[::1]", "10.1.2.3", "2130706433", "169.254", "mailto:", "subject=", "<email>not an address"} {
			if strings.Contains(s, leak) {
				t.Errorf("%s output contains %q", f, leak)
			}
		}
		if !strings.Contains(s, "media.example.org/ok.mp3") {
			t.Errorf("%s lost the public enclosure", f)
		}
	}
}

func TestRenderFallbackTitles(t *testing.T) {
	body, err := Render(fixtureMeta(JSON), validityItems(), JSON)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Items []struct {
			ID          string `json:"id"`
			Title       string `json:"title"`
			ContentText string `json:"content_text"`
			Authors     []struct {
				Name string `json:"name"`
			} `json:"authors"`
			Attachments []map[string]any `json:"attachments"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ep-1":           "episode 42.mp3",
		"link-only":      "example.org/a/b",
		"nothing-at-all": "nothing-at-all",
		"mailto":         "Mail",
	}
	for _, it := range doc.Items {
		if w, ok := want[it.ID]; ok && it.Title != w {
			t.Errorf("%s: title %q, want %q", it.ID, it.Title, w)
		}
		if it.ID == "ep-1" {
			if len(it.Attachments) != 1 || it.Attachments[0]["size_in_bytes"] != float64(3<<30) {
				t.Errorf("attachments = %v, want size_in_bytes %d", it.Attachments, int64(3<<30))
			}
		}
		if it.ID == "mailto" {
			var names []string
			for _, a := range it.Authors {
				names = append(names, a.Name)
			}
			if strings.Join(names, "|") != "Desk|not an address|Jo" {
				t.Errorf("authors = %v", names)
			}
		}
	}
	atom, err := Render(fixtureMeta(Atom), validityItems(), Atom)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"<email>desk@example.org</email>", "<email>jo@example.org</email>"} {
		if !strings.Contains(string(atom), w) {
			t.Errorf("atom lacks %s", w)
		}
	}
}

func TestAddrSpec(t *testing.T) {
	tests := []struct{ in, want string }{
		{"desk@example.org", "desk@example.org"},
		{"mailto:desk@example.org", "desk@example.org"},
		{"MAILTO:desk@example.org?subject=Hi%20there", "desk@example.org"},
		{"Jane Doe <jane@example.org>", "jane@example.org"},
		{"jane@example.org (Jane Doe)", "jane@example.org"},
		{"@lawnchairapp", ""},
		{"not an address", ""},
		{"a@localhost", ""},
		{`"quoted local"@example.org`, ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := addrSpec(tt.in); got != tt.want {
			t.Errorf("addrSpec(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPublicURL(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"https://media.example.org/a.mp3", true},
		{"http://93.184.216.34/a.mp3", true},
		{"http://localhost/a", false},
		{"http://LOCALHOST./a", false},
		{"http://app.localhost/a", false},
		{"http://127.0.0.2/a", false},
		{"http://[::1]/a", false},
		{"http://[::ffff:127.0.0.1]/a", false},
		{"http://192.168.1.1/a", false},
		{"http://[fe80::1]/a", false},
		{"http://0.0.0.0/a", false},
		{"http://2130706433/a", false},
		{"http://0x7f.1/a", false},
		{"http://example.123/a", false},
	}
	for _, tt := range tests {
		if got := publicURL(tt.in); got != tt.want {
			t.Errorf("publicURL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestGoldenOutputsPassChecks(t *testing.T) {
	for f, check := range map[Format]func([]byte) []string{RSS: checkRSS, Atom: checkAtom, JSON: checkJSONFeed} {
		body, err := Render(fixtureMeta(f), fixtureItems(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range check(body) {
			t.Errorf("%s: %s", f, e)
		}
	}
}

func FuzzAddrSpec(f *testing.F) {
	for _, s := range []string{"desk@example.org", "mailto:a@b.org?subject=x", "Jo <jo@example.org>", "@x", `"a b"@c.org`, "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := addrSpec(s)
		if got == "" {
			return
		}
		if a, err := mail.ParseAddress(got); err != nil || a.Address != got || a.Name != "" {
			t.Fatalf("addrSpec(%q) = %q, not a bare address (%v)", s, got, err)
		}
		if addrSpec(got) != got {
			t.Fatalf("addrSpec not idempotent on %q", got)
		}
	})
}
