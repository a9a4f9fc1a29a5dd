package fulltext

import (
	"container/list"
	"sync"
)

// cache is a small LRU of link -> extracted page, bounded by entries and by
// body bytes so a long-running process neither refetches nor grows without
// end.
type cache struct {
	mu       sync.Mutex
	max      int
	maxBytes int
	bytes    int
	ll       *list.List // front is most recent; values are *entry
	m        map[string]*list.Element
}

type entry struct {
	link string
	page page
}

func newCache(max, maxBytes int) *cache {
	return &cache{max: max, maxBytes: maxBytes, ll: list.New(), m: map[string]*list.Element{}}
}

func (c *cache) get(link string) (page, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[link]
	if !ok {
		return page{}, false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*entry).page, true
}

func (c *cache) put(link string, p page) {
	if c.max <= 0 || len(p.body) > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[link]; ok {
		c.remove(el)
	}
	c.m[link] = c.ll.PushFront(&entry{link, p})
	c.bytes += len(p.body)
	for c.ll.Len() > c.max || c.bytes > c.maxBytes {
		c.remove(c.ll.Back())
	}
}

func (c *cache) remove(el *list.Element) {
	e := c.ll.Remove(el).(*entry)
	delete(c.m, e.link)
	c.bytes -= len(e.page.body)
}
