package fulltext

import "sync"

// retrySet remembers the ids of items whose page failed or was skipped, so
// a later fetch tries them again although the store already knows them. It
// holds at most max ids and forgets the oldest first: a source that keeps
// failing costs bounded memory, and what is forgotten keeps its teaser.
type retrySet struct {
	mu    sync.Mutex
	max   int
	ids   map[string]bool
	order []string // insertion order, oldest first; may hold removed ids
}

func newRetrySet(max int) *retrySet {
	return &retrySet{max: max, ids: map[string]bool{}}
}

func (r *retrySet) has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ids[id]
}

func (r *retrySet) add(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids[id] || r.max <= 0 {
		return
	}
	r.ids[id] = true
	r.order = append(r.order, id)
	for len(r.ids) > r.max {
		oldest := r.order[0]
		r.order = r.order[1:]
		delete(r.ids, oldest)
	}
	r.compact()
}

func (r *retrySet) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.ids, id)
	r.compact()
}

// compact drops removed ids from order once they outnumber the live ones,
// so order stays within twice the bound.
func (r *retrySet) compact() {
	if len(r.order) <= 2*len(r.ids)+16 {
		return
	}
	kept := make([]string, 0, len(r.ids))
	for _, id := range r.order {
		if r.ids[id] {
			kept = append(kept, id)
		}
	}
	r.order = kept
}
