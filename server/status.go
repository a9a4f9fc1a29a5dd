package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/scheduler"
)

// jsonTime encodes as RFC 3339 in UTC, or null when zero, so that "never
// fetched" is not mistaken for the year 1.
type jsonTime time.Time

// MarshalJSON implements json.Marshaler.
func (t jsonTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + tt.UTC().Format(time.RFC3339) + `"`), nil
}

type sourceJSON struct {
	Name                string   `json:"name"`
	Kind                string   `json:"kind"`
	Schedule            string   `json:"schedule"`
	Items               int      `json:"items"`
	LastFetch           jsonTime `json:"last_fetch"`
	LastSuccess         jsonTime `json:"last_success"`
	LastError           string   `json:"last_error"`
	ConsecutiveFailures int      `json:"consecutive_failures"`
	NextRun             jsonTime `json:"next_run"`
	// Health is failing, stale, healthy or pending; Stale repeats it as a
	// flag for simple checks.
	Health      string   `json:"health"`
	Stale       bool     `json:"stale"`
	Expect      string   `json:"expect"` // sources[].expect, "" when unset
	LastNewItem jsonTime `json:"last_new_item"`
}

func sourceJSONOf(st scheduler.SourceStatus) sourceJSON {
	return sourceJSON{
		Name: st.Name, Kind: st.Kind, Schedule: st.Schedule, Items: st.Items,
		LastFetch: jsonTime(st.LastFetch), LastSuccess: jsonTime(st.LastSuccess),
		LastError: st.LastError, ConsecutiveFailures: st.Failures, NextRun: jsonTime(st.NextRun),
		Health: st.Health.String(), Stale: st.Health == scheduler.Stale,
		Expect: compactDuration(st.Expect), LastNewItem: jsonTime(st.LastNewItem),
	}
}

type feedJSON struct {
	Slug    string   `json:"slug"`
	Title   string   `json:"title"`
	Items   int      `json:"items"`
	Updated jsonTime `json:"updated"`
	// Merges are the feed's near-duplicate merges (near_duplicates), so
	// that false positives can be seen; absent when there are none.
	Merges []feeds.Merge `json:"merges,omitempty"`
}

// storeJSON is the store's write health.
type storeJSON struct {
	OK           bool     `json:"ok"`
	FailingSince jsonTime `json:"failing_since"`
	Problem      string   `json:"problem,omitempty"`
	WriteErrors  int64    `json:"write_errors"`
}

type statusJSON struct {
	Store   storeJSON    `json:"store"`
	Sources []sourceJSON `json:"sources"`
	Feeds   []feedJSON   `json:"feeds"`
}

// sourceStatus asks the scheduler for every source's status.
func (s *Server) sourceStatus(r *http.Request) ([]scheduler.SourceStatus, error) {
	if s.sources == nil {
		return nil, nil
	}
	return s.sources.Status(r.Context())
}

func (s *Server) statusDocument(r *http.Request) (statusJSON, error) {
	srcs, err := s.sourceStatus(r)
	if err != nil {
		return statusJSON{}, err
	}
	infos := s.currentInfos(r.Context())
	h := s.health.Status()
	doc := statusJSON{
		Store:   storeJSON{OK: h.OK, FailingSince: jsonTime(h.Since), Problem: h.Problem, WriteErrors: h.Failures},
		Sources: make([]sourceJSON, 0, len(srcs)), Feeds: make([]feedJSON, 0, len(infos)),
	}
	for _, st := range srcs {
		doc.Sources = append(doc.Sources, sourceJSONOf(st))
	}
	for _, in := range infos {
		doc.Feeds = append(doc.Feeds, feedJSON{Slug: in.Slug, Title: in.Title, Items: in.Items, Updated: jsonTime(in.Updated), Merges: in.Merges})
	}
	return doc, nil
}

func (s *Server) serveStatusJSON(w http.ResponseWriter, r *http.Request) int {
	doc, err := s.statusDocument(r)
	if err != nil {
		return s.internalError(w, r, "source status", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return s.internalError(w, r, "encode status", err)
	}
	return s.writeBody(w, s.static.contentTypeJSON, buf.Bytes())
}

// internalError logs err with what failed and answers a bare 500: the
// details may name hosts or paths that are not the client's business.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, what string, err error) int {
	s.log.ErrorContext(r.Context(), what, slog.String("path", r.URL.Path), slog.Any("err", err))
	http.Error(w, "500 internal server error", http.StatusInternalServerError)
	return http.StatusInternalServerError
}
