package json

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/tributaryfeeds/tributary/config"
	"github.com/tributaryfeeds/tributary/sources"
)

// pagedAPI serves /api?page=N with two items each and a next link from
// links; a page listed in fail answers 500. It counts requests per page.
type pagedAPI struct {
	*httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	links map[string]string // page -> next page ("" for none)
	fail  map[string]bool
}

func newPagedAPI(t *testing.T, links map[string]string, fail ...string) *pagedAPI {
	a := &pagedAPI{hits: map[string]int{}, links: links, fail: map[string]bool{}}
	for _, f := range fail {
		a.fail[f] = true
	}
	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		a.mu.Lock()
		a.hits[page]++
		a.mu.Unlock()
		if a.fail[page] {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		next := "null"
		if n := a.links[page]; n != "" {
			next = fmt.Sprintf("%q", "/api?page="+n)
		}
		fmt.Fprintf(w, `{"items": [{"id": "%[1]s-1", "title": "Item %[1]s.1", "url": "/a/%[1]s/1"},
			{"id": "%[1]s-2", "title": "Item %[1]s.2", "url": "/a/%[1]s/2"}], "next": %[2]s}`, page, next)
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *pagedAPI) hit(page string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hits[page]
}

func fetchPaged(t *testing.T, a *pagedAPI, pages int) *sources.Result {
	t.Helper()
	s, err := New(Options{
		URL:    a.URL + "/api?page=1",
		Select: compile(t, config.Select{Items: "$.items[*]", Title: "$.title", Link: "$.url", ID: "$.id"}),
		Next:   nextPath(t, "$.next"), Pages: pages,
		Client: sources.NewClient(sources.ClientOptions{}),
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Fetch(context.Background(), sources.Request{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func ids(items []sources.Item) string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return strings.Join(out, " ")
}

func TestPagination(t *testing.T) {
	t.Run("follows next up to pages", func(t *testing.T) {
		a := newPagedAPI(t, map[string]string{"1": "2", "2": "3", "3": "4"})
		res := fetchPaged(t, a, 3)
		if got := ids(res.Items); got != "1-1 1-2 2-1 2-2 3-1 3-2" {
			t.Errorf("items %s", got)
		}
		if a.hit("4") != 0 || len(res.Pages) != 3 || len(res.Warnings) != 0 {
			t.Errorf("page 4 hits %d, %d pages, warnings %q", a.hit("4"), len(res.Pages), res.Warnings)
		}
		if m := res.Matches; len(m) == 0 || m[0] != (sources.Match{Selector: "items", Count: 6}) {
			t.Errorf("summed matches %+v", m)
		}
	})
	t.Run("a loop stops the walk", func(t *testing.T) {
		a := newPagedAPI(t, map[string]string{"1": "2", "2": "1"})
		res := fetchPaged(t, a, 10)
		if got := ids(res.Items); got != "1-1 1-2 2-1 2-2" {
			t.Errorf("items %s", got)
		}
		if a.hit("1") != 1 || a.hit("2") != 1 || len(res.Warnings) != 0 {
			t.Errorf("hits 1:%d 2:%d, warnings %q", a.hit("1"), a.hit("2"), res.Warnings)
		}
	})
	t.Run("a failing page 3 keeps pages 1 and 2", func(t *testing.T) {
		a := newPagedAPI(t, map[string]string{"1": "2", "2": "3", "3": "4"}, "3")
		res := fetchPaged(t, a, 5)
		if got := ids(res.Items); got != "1-1 1-2 2-1 2-2" {
			t.Errorf("items %s", got)
		}
		if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "page 3: GET ") ||
			!strings.Contains(res.Warnings[0], "500") || !strings.Contains(res.Warnings[0], "kept the items of pages 1 to 2") {
			t.Errorf("warnings %q", res.Warnings)
		}
		if a.hit("4") != 0 {
			t.Error("the walk went on past the failing page")
		}
	})
	t.Run("pages 1 reads one page", func(t *testing.T) {
		a := newPagedAPI(t, map[string]string{"1": "2"})
		res := fetchPaged(t, a, 1)
		if got := ids(res.Items); got != "1-1 1-2" || a.hit("2") != 0 {
			t.Errorf("items %s, page 2 hits %d", got, a.hit("2"))
		}
	})
}
