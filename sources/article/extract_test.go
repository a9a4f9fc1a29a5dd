package article

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// headlinePage repeats its headline inside the article; the body must come
// out without it and without readability's page wrapper.
const headlinePage = `<!DOCTYPE html><html><head><title>Evening edition — The Delta Gazette, local news since 1901</title>
<meta property="og:title" content="Ferry  service resumes after storm">
</head><body><main><article>
<h1>Ferry service resumes after storm</h1>
<p>The ferry between the two harbours ran again on Monday morning after three days in which the storm kept every boat in port and the quays closed to traffic.</p>
<p>The operator said the timetable would be back to normal by Wednesday, once the damaged pontoon at the northern landing had been inspected and repaired by divers.</p>
<p>Passengers with tickets for cancelled crossings can use them on any crossing until the end of the month, or ask for a refund at the harbour office.</p>
</article></main></body></html>`

func TestExtractUnwrapsAndDropsHeadline(t *testing.T) {
	a, err := Extract(context.Background(), []byte(headlinePage), "https://delta-gazette.example/ferry")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"readability-page", `class="page"`, "Ferry service resumes"} {
		if strings.Contains(a.HTML, bad) {
			t.Errorf("HTML keeps %q:\n%s", bad, a.HTML)
		}
	}
	if !strings.Contains(a.HTML, "The ferry between the two harbours") || !strings.Contains(a.HTML, "harbour office") {
		t.Errorf("HTML lost the body:\n%s", a.HTML)
	}
	if a.Title != "Ferry service resumes after storm" {
		t.Errorf("title %q", a.Title)
	}
}

func TestDropHeading(t *testing.T) {
	tests := []struct {
		name, in, title, want string
	}{
		{"h2 equal", `<div><h2>Ferry resumes</h2><p>Text.</p></div>`, "Ferry resumes", `<div><p>Text.</p></div>`},
		{"case and space", `<div><h1>  FERRY
			resumes </h1><p>Text.</p></div>`, "ferry  Resumes", `<div><p>Text.</p></div>`},
		{"nested in empty wrappers", `<div><div> <header><h3>Ferry resumes</h3></header></div><p>Text.</p></div>`, "Ferry resumes",
			`<div><div> <header></header></div><p>Text.</p></div>`},
		{"other heading kept", `<div><h2>Background</h2><p>Text.</p></div>`, "Ferry resumes", `<div><h2>Background</h2><p>Text.</p></div>`},
		{"text before kept", `<div><p>Intro.</p><h2>Ferry resumes</h2></div>`, "Ferry resumes", `<div><p>Intro.</p><h2>Ferry resumes</h2></div>`},
		{"image before kept", `<div><figure><img src="a.jpg"></figure><h2>Ferry resumes</h2></div>`, "Ferry resumes",
			`<div><figure><img src="a.jpg"/></figure><h2>Ferry resumes</h2></div>`},
		{"empty title", `<div><h2></h2><p>Text.</p></div>`, "", `<div><h2></h2><p>Text.</p></div>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes, err := html.ParseFragment(strings.NewReader(tt.in), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
			if err != nil {
				t.Fatal(err)
			}
			DropHeading(nodes[0], tt.title)
			var b strings.Builder
			html.Render(&b, nodes[0])
			if b.String() != tt.want {
				t.Errorf("got  %s\nwant %s", b.String(), tt.want)
			}
		})
	}
}
