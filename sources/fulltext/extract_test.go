package fulltext

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in  string
		keep, cut []string
	}{
		{
			name: "widgets by class and id",
			in: `<p>Body text that is long enough to be the article itself.</p>
				<div class="Share-Bar">share</div><div id="comments-list">c</div><ul class="related">r</ul>
				<div class="newsletter">n</div><span class="promo">p</span><div class="social">s</div>`,
			keep: []string{"Body text"},
			cut:  []string{"share", ">c<", ">r<", ">n<", ">p<", ">s<"},
		},
		{
			name: "article under an unlucky class is kept",
			in: `<div class="post has-comments"><p>The whole article lives here, with plenty of text.</p>
				<div class="comment">Nice!</div></div>`,
			keep: []string{"The whole article lives here"},
			cut:  []string{"Nice!"},
		},
		{
			name: "junk tags",
			in:   `<p>Text</p><script>x()</script><style>p{}</style><nav>n</nav><aside>a</aside><footer>f</footer><form><input></form>`,
			keep: []string{"<p>Text</p>"},
			cut:  []string{"x()", "p{}", "<nav", "<aside", "<footer", "<form", "<input"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			body := doc.Find("body")
			clean(body)
			got, _ := body.Html()
			for _, s := range tt.keep {
				if !strings.Contains(got, s) {
					t.Errorf("lost %q: %s", s, got)
				}
			}
			for _, s := range tt.cut {
				if strings.Contains(got, s) {
					t.Errorf("kept %q: %s", s, got)
				}
			}
		})
	}
}
