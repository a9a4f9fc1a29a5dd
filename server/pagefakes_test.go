package server

import (
	"context"
	"fmt"
	"time"

	"github.com/tributaryfeeds/tributary/feeds"
	"github.com/tributaryfeeds/tributary/scheduler"
	"github.com/tributaryfeeds/tributary/store"
)

// testNow is the pages' clock in the fixture: an hour after testModified.
var testNow = testModified.Add(time.Hour)

// hostileTitle must show as text and run nothing.
const hostileTitle = `<img src=x onerror="document.title='pwned'">`

// fakePages gives "world" three items, newest first, one with a hostile
// title, and "empty" none.
func fakePages(infos []feeds.Info) map[string]*feeds.Page {
	return map[string]*feeds.Page{
		"world": {Info: infos[0], LastModified: testModified, Entries: []feeds.PageEntry{
			{Title: "Summit opens in Geneva", Link: "https://news.example/summit", Date: testModified.Add(-3 * time.Hour),
				Source: "world-wire", Author: "Anna Berg", Summary: "Delegates from forty countries arrived.",
				Image: "https://news.example/summit.jpg"},
			{Title: hostileTitle, Link: "https://news.example/hostile", Date: testModified.Add(-26 * time.Hour),
				Source: "hostile", Summary: `<script>alert(1)</script>`},
			{Title: "Trade talks & tariffs", Link: "https://other.example/story?id=7&x=1", Date: testModified.Add(-72 * time.Hour),
				Source: "world-wire"},
		}},
		"empty": {Info: infos[1]},
	}
}

func (ff *fakeFeeds) Page(_ context.Context, slug string) (*feeds.Page, error) {
	return ff.pages[slug], nil
}

func (fs *fakeSources) History(_ context.Context, name string) ([]store.Fetch, error) {
	for _, st := range fs.status {
		if st.Name == name {
			return fs.history[name], fs.err
		}
	}
	return nil, fmt.Errorf("history %q: %w", name, scheduler.ErrUnknownSource)
}
