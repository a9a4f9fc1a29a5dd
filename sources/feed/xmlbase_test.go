package feed

import "testing"

func TestXMLBaseSteps(t *testing.T) {
	p := parseOne(t, `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://s.example/a/b/"><title>A</title><id>urn:a</id>
<entry xml:base="../c/"><id>urn:1</id><title>1</title><link xml:base="d/" href="e?x=1#f"/></entry>
<entry xml:base="/posts/"><id>urn:2</id><title>2</title><link href="./post-2"/><link rel="enclosure" type="audio/mpeg" href="../media/2.mp3"/></entry>
<entry xml:base="https://other.example/x/"><id>urn:3</id><title>3</title><link href="//cdn.example/y"/></entry>
</feed>`, "")
	want := []string{"https://s.example/a/c/d/e?x=1#f", "https://s.example/posts/post-2", "https://cdn.example/y"}
	for i, it := range p.Items {
		if it.Link != want[i] {
			t.Errorf("entry %d: link %q, want %q", i, it.Link, want[i])
		}
	}
	if e := p.Items[1].Enclosures; len(e) != 1 || e[0].URL != "https://s.example/media/2.mp3" {
		t.Errorf("enclosure = %+v", e)
	}
}
