package sources

import (
	"math/bits"
	"strings"
	"testing"
)

const wire = `Harbour authorities said on Tuesday that the new wind farm off the northern coast
will begin delivering power to the grid next spring, two years after construction started, and
that the turbines will supply electricity to about forty thousand homes in the region.`

func sim(a, b uint64) float64 { return 1 - float64(bits.OnesCount64(a^b))/64 }

func TestSimHash(t *testing.T) {
	base := &Item{Title: "Wind farm to open next spring", Content: "<p>" + wire + "</p>"}
	republished := &Item{Title: "Wind farm to open next spring", Summary: `<div class="x"><p>` +
		strings.Replace(wire, "on Tuesday", "on Tuesday morning", 1) + `</p><p>Reporting by Ren Qi.</p></div>`}
	other := &Item{Title: "Library reopens after repairs", Content: `<p>The city library reopened its doors
		on Monday after eighteen months of repairs to the roof, the reading rooms and the old archive,
		with longer opening hours and a new children's section on the ground floor.</p>`}
	short := &Item{Title: "Breaking", Summary: "<p>More soon.</p>"}

	a, b, c := SimHash(base), SimHash(republished), SimHash(other)
	if a == 0 || b == 0 || c == 0 {
		t.Fatalf("hashes %x %x %x: want all set", a, b, c)
	}
	if s := sim(a, b); s < 0.8 {
		t.Errorf("republished copy similarity %.2f, want >= 0.8", s)
	}
	if s := sim(a, c); s > 0.75 {
		t.Errorf("unrelated story similarity %.2f, want <= 0.75", s)
	}
	if got := SimHash(short); got != 0 {
		t.Errorf("short item hashed %x, want 0 (too little text)", got)
	}
	// Tags and case do not matter; the same text hashes the same.
	plain := &Item{Title: "WIND FARM to open next spring", Content: strings.ToUpper(wire)}
	if SimHash(plain) != a {
		t.Error("markup or case changed the hash")
	}
}

func FuzzSimHash(f *testing.F) {
	f.Add("title", "<p>"+wire+"</p>")
	f.Add("", "<a href='x'>unclosed <b")
	f.Fuzz(func(t *testing.T, title, body string) {
		it := &Item{Title: title, Content: body}
		if SimHash(it) != SimHash(it) {
			t.Fatal("not deterministic")
		}
	})
}

// BenchmarkSimHash hashes a typical article: a title and 5 KB of HTML, of
// which the first 250 words count.
func BenchmarkSimHash(b *testing.B) {
	it := &Item{Title: "Wind farm to open next spring", Content: strings.Repeat("<p>"+wire+"</p>\n", 12)}
	b.SetBytes(int64(len(it.Content)))
	b.ReportAllocs()
	for b.Loop() {
		SimHash(it)
	}
}
