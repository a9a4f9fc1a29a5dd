package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/internal/golden"
	"github.com/tributaryfeeds/tributary/sources"
)

func podcastPath(f Format) string {
	return filepath.Join("testdata", "golden", "podcast."+f.String())
}

// podcastMeta is the podcast feed the podcast golden files render.
func podcastMeta(f Format) Meta {
	m := fixtureMeta(f)
	m.Title = "Harbour Radio"
	m.FeedURL = "http://127.0.0.1:8080/feeds/radio." + f.String()
	m.ID = "http://127.0.0.1:8080/feeds/radio"
	m.Image = "https://example.org/logo.png"
	m.TTL = 15 * time.Minute
	return m
}

// podcastItems cover iTunes fields, several enclosures, media:content that
// repeats an enclosure or adds a file, thumbnails, and hostile values.
func podcastItems() []sources.Item {
	return []sources.Item{
		{
			Source: "radio", ID: "ep-12", Link: "https://example.org/ep/12", Title: "Episode 12: the tide <table>",
			Summary:   "<p>Tides &amp; moons.</p>",
			Published: fixtureTime,
			Origin: &sources.Origin{ID: "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6", Title: "Harbour <Radio> & Co\x07",
				Link: "https://radio.example.org/", URL: "https://radio.example.org/feed.xml", Updated: fixtureTime.Add(-time.Hour)},
			Enclosures: []sources.Enclosure{
				{URL: "https://cdn.example.org/ep12.mp3", Type: "audio/mpeg", Length: 5_000_000_000}, // above int32
				{URL: "/ep12.ogg", Type: "audio/ogg", Length: 41_000_000},
			},
			Media: &sources.Media{
				Duration: 3725, Image: "https://example.org/ep12.jpg", Explicit: "false", Episode: 12, Season: 2,
				Author: "Ren Qi & Bo \x07",
				Contents: []sources.MediaContent{
					{URL: "https://cdn.example.org/ep12.mp3", Type: "audio/mpeg", Length: 5_000_000_000},
					{URL: "https://cdn.example.org/ep12.mp4", Type: "video/mp4", Medium: "video", Duration: 3725, Width: 1280, Height: 720},
					{URL: "javascript:alert(1)", Type: "video/mp4"},
				},
				Thumbnails: []sources.Thumbnail{{URL: "https://example.org/ep12-small.jpg", Width: 160, Height: 90}},
			},
		},
		{
			Source: "radio", ID: "ep-11", Link: "https://example.org/ep/11", Title: "Episode 11",
			Published: fixtureTime.Add(-7 * 24 * time.Hour),
			Media: &sources.Media{
				Explicit: "true",
				Contents: []sources.MediaContent{{URL: "https://example.org/photo.png", Medium: "image"}},
			},
		},
		{
			Source: "radio", ID: "notes", Link: "https://example.org/notes", Title: "Show notes without media",
			Published: fixtureTime.Add(-8 * 24 * time.Hour),
		},
	}
}

func TestPodcastGolden(t *testing.T) {
	for _, f := range formats {
		t.Run(f.String(), func(t *testing.T) {
			got, err := Render(podcastMeta(f), podcastItems(), f)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, podcastPath(f), got, *update)
		})
	}
}

// The W3C Feed Validation Service's rules for the two namespaces: the
// namespace URIs it knows, the elements it accepts in an item, and the
// value formats it checks.
var (
	w3cItemElements = map[string]map[string]bool{
		itunesNS: {"author": true, "block": true, "duration": true, "explicit": true, "image": true,
			"isClosedCaptioned": true, "order": true, "subtitle": true, "summary": true, "keywords": true,
			"episode": true, "season": true, "episodeType": true, "title": true},
		mediaNS: {"content": true, "thumbnail": true, "group": true, "title": true, "description": true,
			"keywords": true, "player": true, "credit": true, "copyright": true, "text": true,
			"restriction": true, "rating": true, "category": true, "hash": true},
	}
	w3cDuration = regexp.MustCompile(`^(\d+:)?(\d+:)?\d+$`)
	w3cExplicit = map[string]bool{"yes": true, "no": true, "clean": true, "true": true, "false": true}
	w3cMedium   = map[string]bool{"image": true, "audio": true, "video": true, "document": true, "executable": true}
)

func TestPodcastRSSFollowsW3CNamespaceRules(t *testing.T) {
	body, err := os.ReadFile(podcastPath(RSS))
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	seen := map[string]int{}
	depth, inItem := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if el.Name.Local == "item" && el.Name.Space == "" {
				inItem = true
			}
			ns := el.Name.Space
			if ns != itunesNS && ns != mediaNS {
				if strings.Contains(ns, "itunes") || strings.Contains(ns, "mrss") {
					t.Errorf("element %s in unknown namespace %q", el.Name.Local, ns)
				}
				continue
			}
			seen[ns+" "+el.Name.Local]++
			if inItem && !w3cItemElements[ns][el.Name.Local] {
				t.Errorf("%s:%s is not an item element the validator knows", ns, el.Name.Local)
			}
			checkW3CValue(t, dec, el)
		case xml.EndElement:
			depth--
			if el.Name.Local == "item" {
				inItem = false
			}
		}
	}
	for _, want := range []string{itunesNS + " duration", itunesNS + " image", itunesNS + " explicit",
		itunesNS + " episode", itunesNS + " season", itunesNS + " author", mediaNS + " content", mediaNS + " thumbnail"} {
		if seen[want] == 0 {
			t.Errorf("podcast RSS has no %s", want)
		}
	}
	// Every enclosure and every distinct media:content is a media:content;
	// the unsafe one is dropped: ep-12 has 3, ep-11 has 1.
	if n := seen[mediaNS+" content"]; n != 4 {
		t.Errorf("media:content elements = %d, want 4", n)
	}
	if n := bytes.Count(body, []byte("<enclosure ")); n != 1 {
		t.Errorf("<enclosure> elements = %d, want 1 (RSS allows one per item)", n)
	}
}

func checkW3CValue(t *testing.T, dec *xml.Decoder, el xml.StartElement) {
	t.Helper()
	attr := func(name string) string {
		for _, a := range el.Attr {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	integer := func(name string) {
		if v := attr(name); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
				t.Errorf("%s %s=%q is not a non-negative integer", el.Name.Local, name, v)
			}
		}
	}
	text := func() string {
		var s string
		if err := dec.DecodeElement(&s, &el); err != nil {
			t.Fatal(err)
		}
		return s
	}
	switch el.Name.Space + " " + el.Name.Local {
	case itunesNS + " duration":
		if v := text(); !w3cDuration.MatchString(v) {
			t.Errorf("itunes:duration %q", v)
		}
	case itunesNS + " explicit":
		if v := text(); !w3cExplicit[v] {
			t.Errorf("itunes:explicit %q", v)
		}
	case itunesNS + " episode", itunesNS + " season":
		if v := text(); !regexp.MustCompile(`^[1-9]\d*$`).MatchString(v) {
			t.Errorf("itunes:%s %q is not a positive integer", el.Name.Local, v)
		}
	case itunesNS + " image":
		if v := attr("href"); !strings.HasPrefix(v, "https://") || !(strings.HasSuffix(v, ".jpg") || strings.HasSuffix(v, ".png")) {
			t.Errorf("itunes:image href %q: the validator wants an absolute .jpg or .png", v)
		}
	case mediaNS + " content":
		if v := attr("url"); !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			t.Errorf("media:content url %q is not absolute http(s)", v)
		}
		if v := attr("medium"); v != "" && !w3cMedium[v] {
			t.Errorf("media:content medium %q", v)
		}
		for _, a := range []string{"fileSize", "duration", "width", "height"} {
			integer(a)
		}
	case mediaNS + " thumbnail":
		if attr("url") == "" {
			t.Error("media:thumbnail without url")
		}
		integer("width")
		integer("height")
	}
}

func TestPodcastValidates(t *testing.T) {
	requireTool(t, "/usr/bin/python3", "-c", "import feedparser")
	const script = `import sys, json, feedparser
d = feedparser.parse(sys.argv[1])
e = d.entries[0]
print(json.dumps({"bozo": int(bool(d.bozo)), "exc": repr(d.get("bozo_exception")), "n": len(d.entries),
  "duration": e.get("itunes_duration"), "media": len(e.get("media_content", [])),
  "thumbs": len(e.get("media_thumbnail", [])), "enclosures": [l.get("href") for l in e.get("links", []) if l.get("rel") == "enclosure"]}))`
	for _, f := range []Format{RSS, Atom} {
		out, err := exec.Command("/usr/bin/python3", "-c", script, podcastPath(f)).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, out)
		}
		var got struct {
			Bozo       int
			Exc        string
			N          int
			Duration   string
			Media      int
			Thumbs     int
			Enclosures []string
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%s: %v\n%s", f, err, out)
		}
		if got.Bozo != 0 || got.N != 3 {
			t.Errorf("%s: feedparser bozo=%d (%s), entries=%d", f, got.Bozo, got.Exc, got.N)
		}
		wantEnc := 3 // both enclosures and the extra video
		if f == RSS {
			wantEnc = 1 // feedparser reads <enclosure> only
			if got.Duration != "01:02:05" || got.Media != 3 || got.Thumbs != 1 {
				t.Errorf("rss: duration %q, media:content %d, thumbnails %d", got.Duration, got.Media, got.Thumbs)
			}
		}
		if len(got.Enclosures) != wantEnc {
			t.Errorf("%s: enclosures %v, want %d", f, got.Enclosures, wantEnc)
		}
	}
	requireTool(t, "jing")
	if out, err := exec.Command("jing", "-c", filepath.Join("testdata", "atom.rnc"), podcastPath(Atom)).CombinedOutput(); err != nil {
		t.Fatalf("jing: %v\n%s", err, out)
	}
}

func TestPodcastJSONAttachments(t *testing.T) {
	body, err := os.ReadFile(podcastPath(JSON))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Icon  string `json:"icon"`
		Items []struct {
			Image       string
			Attachments []map[string]any `json:"attachments"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Icon != "https://example.org/logo.png" {
		t.Errorf("icon = %q", doc.Icon)
	}
	atts := doc.Items[0].Attachments
	if len(atts) != 3 {
		t.Fatalf("attachments = %v, want 3", atts)
	}
	// size_in_bytes above 2^31 survives; the first file carries the episode's duration.
	if atts[0]["size_in_bytes"] != float64(5_000_000_000) || atts[0]["duration_in_seconds"] != float64(3725) {
		t.Errorf("first attachment = %v", atts[0])
	}
	if atts[1]["url"] != "https://example.org/ep12.ogg" || atts[1]["mime_type"] != "audio/ogg" {
		t.Errorf("relative enclosure = %v, want it resolved against the item's link", atts[1])
	}
	if _, ok := atts[2]["size_in_bytes"]; ok {
		t.Errorf("unknown size written: %v", atts[2])
	}
	for _, a := range atts {
		if _, ok := a["size"]; ok {
			t.Errorf("attachment has gorilla's %q: %v", "size", a)
		}
	}
	if got := doc.Items[1].Attachments; len(got) != 1 || got[0]["mime_type"] != "application/octet-stream" {
		t.Errorf("image media:content without type = %v", got)
	}
	if doc.Items[2].Attachments != nil {
		t.Errorf("item without media has attachments %v", doc.Items[2].Attachments)
	}
}
