package feeds

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// versions mirrors the store's per-source versions (store.Store.Versions):
// loaded whole at start, then source by source as changes are announced.
type versions struct {
	mu sync.RWMutex
	m  map[string]time.Time
}

// update records the given versions of names and returns the names whose
// version moved. A name missing from got keeps what it had.
func (v *versions) update(names []string, got map[string]time.Time) []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var moved []string
	for _, n := range names {
		t, ok := got[n]
		if !ok || t.Equal(v.m[n]) {
			continue
		}
		v.m[n] = t
		moved = append(moved, n)
	}
	return moved
}

func (v *versions) replace(m map[string]time.Time) {
	v.mu.Lock()
	v.m = m
	v.mu.Unlock()
}

// validators are a feed's ETag and Last-Modified in one format, derived
// from the data alone: the feed's configuration (its fingerprint), the
// format and the version of each of its sources. Every replica computes the
// same ones from the same store, and none has to render the feed to answer
// a conditional GET.
type validators struct {
	tag          string // without quotes
	lastModified time.Time
}

// validatorsOf computes fc's validators in format f. Last-Modified is the
// newest source version, never after now, in whole seconds; a feed whose
// sources never changed is dated at the epoch, like an empty feed's body.
func (p *Publisher) validatorsOf(fc *feedConf, f Format) validators {
	h := sha256.New()
	h.Write([]byte(fc.fingerprint))
	var buf [9]byte
	buf[0] = byte(f)
	h.Write(buf[:1])
	var newest time.Time
	p.versions.mu.RLock()
	for _, src := range fc.win.sources {
		t := p.versions.m[src]
		if t.After(newest) {
			newest = t
		}
		binary.BigEndian.PutUint64(buf[1:], uint64(t.UnixMilli()))
		h.Write([]byte(src))
		h.Write(buf[:])
	}
	p.versions.mu.RUnlock()
	if newest.IsZero() {
		newest = epoch
	}
	if now := p.now(); newest.After(now) {
		newest = now // a replica's clock ahead of ours: never date the future
	}
	sum := h.Sum(nil)
	return validators{tag: hex.EncodeToString(sum[:16]), lastModified: newest.UTC().Truncate(time.Second)}
}

// Validators returns what a conditional GET of the feed needs, without its
// bodies and without rendering: ETag, GzipETag, Last-Modified, Content-Type
// and Cache-Control. It returns nil for an unknown slug or format.
func (p *Publisher) Validators(slug string, f Format) *Rendered {
	fc := p.state.Load().bySlug[slug]
	if fc == nil || f < 0 || f >= numFormats {
		return nil
	}
	v := p.validatorsOf(fc, f)
	return &Rendered{
		ETag:             `"` + v.tag + `"`,
		GzipETag:         `"` + v.tag + `-gz"`,
		LastModified:     v.lastModified,
		LastModifiedHTTP: v.lastModified.Format(http.TimeFormat),
		ContentType:      f.ContentType(),
		CacheControl:     fc.cacheControl,
		Link:             fc.link[f],
	}
}
