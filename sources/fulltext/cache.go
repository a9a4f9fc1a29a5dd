package fulltext

import (
	"container/list"
	"sync"
)

// cache is a small LRU of link -> extracted body, bounded by entries and by
// bytes so a long-running process neither refetches nor grows without end.
type cache struct {
	mu       sync.Mutex
	max      int
	maxBytes int
	bytes    int
	ll       *list.List // front is most recent; values are *entry
	m        map[string]*list.Element
}

type entry struct {
	link, body string
}

func newCache(max, maxBytes int) *cache {
	return &cache{max: max, maxBytes: maxBytes, ll: list.New(), m: map[string]*list.Element{}}
}

func (c *cache) get(link string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[link]
	if !ok {
		return "", false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*entry).body, true
}

func (c *cache) put(link, body string) {
	if c.max <= 0 || len(body) > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[link]; ok {
		c.remove(el)
	}
	c.m[link] = c.ll.PushFront(&entry{link, body})
	c.bytes += len(body)
	for c.ll.Len() > c.max || c.bytes > c.maxBytes {
		c.remove(c.ll.Back())
	}
}

func (c *cache) remove(el *list.Element) {
	e := c.ll.Remove(el).(*entry)
	delete(c.m, e.link)
	c.bytes -= len(e.body)
}
