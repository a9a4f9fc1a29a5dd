package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tributaryfeeds/tributary/scheduler"
	"github.com/tributaryfeeds/tributary/sources"
	"github.com/tributaryfeeds/tributary/store"
)

// sourceView is a source as the status pages show it.
type sourceView struct {
	Name, Kind, Schedule string
	Link                 string // its own status page
	Health               string
	Items                int
	LastFetch            when
	LastSuccess          when
	LastNew              when
	NextRun              when
	LastError            string
	Failures             int
	Expect               string // "2 days"; empty without expect
	Quiet                string // how long since the last new item: "3 days"
}

func (s *Server) sourceView(st scheduler.SourceStatus, now time.Time) sourceView {
	v := sourceView{
		Name: st.Name, Kind: st.Kind, Schedule: st.Schedule, Link: s.sourceURL(st.Name),
		Health: st.Health.String(), Items: st.Items,
		LastFetch: whenOf(st.LastFetch, now), LastSuccess: whenOf(st.LastSuccess, now),
		LastNew: whenOf(st.LastNewItem, now), NextRun: whenOf(st.NextRun, now),
		// The scheduler's "fetch NAME: " prefix says what the row says.
		LastError: strings.TrimPrefix(st.LastError, "fetch "+st.Name+": "), Failures: st.Failures, Expect: span(st.Expect),
	}
	if !st.LastNewItem.IsZero() {
		v.Quiet = strings.TrimSuffix(relative(st.LastNewItem, now), " ago")
	}
	return v
}

func (s *Server) sourceURL(name string) string {
	return s.basePath + "/status/sources/" + name
}

// byHealth orders sources problems first, keeping config order within
// each group.
func byHealth(list []scheduler.SourceStatus) []scheduler.SourceStatus {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b scheduler.SourceStatus) int { return cmp.Compare(a.Health.Rank(), b.Health.Rank()) })
	return out
}

type healthCount struct {
	Health string
	N      int
}

func (s *Server) serveStatusHTML(w http.ResponseWriter, r *http.Request) int {
	srcs, err := s.sourceStatus(r)
	if err != nil {
		return s.internalError(w, r, "source status", err)
	}
	now := s.now()
	data := struct {
		Page     pageBase
		Counts   []healthCount
		Problems int
		Sources  []sourceView
		Feeds    []feedLinks
		Store    store.HealthStatus
	}{Page: s.pageBase("status"), Feeds: s.feedLinks(s.currentInfos(r.Context()), now), Store: s.health.Status()}
	n := map[scheduler.Health]int{}
	for _, st := range byHealth(srcs) {
		n[st.Health]++
		data.Sources = append(data.Sources, s.sourceView(st, now))
	}
	for _, h := range []scheduler.Health{scheduler.Failing, scheduler.Stale, scheduler.Healthy, scheduler.Pending} {
		if n[h] > 0 || h != scheduler.Pending {
			data.Counts = append(data.Counts, healthCount{Health: h.String(), N: n[h]})
		}
	}
	data.Problems = n[scheduler.Failing] + n[scheduler.Stale]
	return s.renderHTML(w, r, s.pages.status, data)
}

// fetchView is one recorded fetch on a source's page.
type fetchView struct {
	At          when
	Outcome     string // ok, not_modified, error: the badge class
	OutcomeText string
	Row         string // the row's health colour
	Status      int
	New         int
	Updated     int
	Took        string
	Error       string
	Warnings    []string
	Matches     []sources.Match
}

func fetchViewOf(f store.Fetch, now time.Time) fetchView {
	v := fetchView{
		At: whenOf(f.At, now), Outcome: f.Outcome, Status: f.Status, New: f.New, Updated: f.Updated,
		Took: took(f.Duration), Error: strings.TrimPrefix(f.Error, "fetch "+f.Source+": "), Warnings: f.Warnings, Matches: f.Matches,
	}
	switch f.Outcome {
	case "ok":
		v.OutcomeText, v.Row = "ok", "healthy"
	case "not_modified":
		v.OutcomeText, v.Row = "not modified", "pending"
	default:
		v.Outcome, v.OutcomeText, v.Row = "error", "error", "failing"
	}
	return v
}

// fetchJSON is one recorded fetch in /status/sources/{name}.json.
type fetchJSON struct {
	At         jsonTime        `json:"at"`
	Outcome    string          `json:"outcome"`
	HTTPStatus int             `json:"http_status"`
	New        int             `json:"new"`
	Updated    int             `json:"updated"`
	DurationMS int64           `json:"duration_ms"`
	Error      string          `json:"error"`
	Warnings   []string        `json:"warnings"`
	Matches    []sources.Match `json:"matches"`
}

// serveSource serves /status/sources/{name} and its .json twin.
func (s *Server) serveSource(w http.ResponseWriter, r *http.Request, rest string) int {
	name, asJSON := strings.CutSuffix(rest, ".json")
	if name == "" || strings.Contains(name, "/") || s.sources == nil {
		return notFound(w)
	}
	srcs, err := s.sourceStatus(r)
	if err != nil {
		return s.internalError(w, r, "source status", err)
	}
	i := slices.IndexFunc(srcs, func(st scheduler.SourceStatus) bool { return st.Name == name })
	if i < 0 {
		return notFound(w)
	}
	history, err := s.sources.History(r.Context(), name)
	if errors.Is(err, scheduler.ErrUnknownSource) {
		return notFound(w) // removed by a reload in between
	}
	if err != nil {
		return s.internalError(w, r, "fetch history", err)
	}
	if asJSON {
		return s.serveSourceJSON(w, r, srcs[i], history)
	}
	now := s.now()
	data := struct {
		Page    pageBase
		Source  sourceView
		Fetches []fetchView
		Keep    int
		JSON    string
	}{Page: s.pageBase("status"), Source: s.sourceView(srcs[i], now), Keep: store.FetchHistory, JSON: s.sourceURL(name) + ".json"}
	for _, f := range history {
		data.Fetches = append(data.Fetches, fetchViewOf(f, now))
	}
	return s.renderHTML(w, r, s.pages.source, data)
}

func (s *Server) serveSourceJSON(w http.ResponseWriter, r *http.Request, st scheduler.SourceStatus, history []store.Fetch) int {
	doc := struct {
		Source  sourceJSON  `json:"source"`
		Fetches []fetchJSON `json:"fetches"`
	}{Source: sourceJSONOf(st), Fetches: make([]fetchJSON, 0, len(history))}
	for _, f := range history {
		fj := fetchJSON{
			At: jsonTime(f.At), Outcome: f.Outcome, HTTPStatus: f.Status, New: f.New, Updated: f.Updated,
			DurationMS: f.Duration.Milliseconds(), Error: f.Error, Warnings: f.Warnings, Matches: f.Matches,
		}
		// Lists are always lists, so clients need no null checks.
		if fj.Warnings == nil {
			fj.Warnings = []string{}
		}
		if fj.Matches == nil {
			fj.Matches = []sources.Match{}
		}
		doc.Fetches = append(doc.Fetches, fj)
	}
	return s.writeJSON(w, r, doc)
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, doc any) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return s.internalError(w, r, "encode json", err)
	}
	return s.writeBody(w, s.static.contentTypeJSON, buf.Bytes())
}

// compactDuration writes a duration as config does: "48h", "90m", "45s".
func compactDuration(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	out := d.String()
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}
