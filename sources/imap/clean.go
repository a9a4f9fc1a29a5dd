package imap

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	xhtml "golang.org/x/net/html"
)

// footerText bounds the text of a block removed as a footer: a block with
// more text than this is content that happens to hold such a link.
const footerText = 300

// cleanHTML returns the newsletter's body without what only makes sense in
// a mail client: tracking pixels, images sent inside the message (cid:
// URLs a feed reader cannot load), the "view in browser" line (its link is
// returned) and the unsubscribe footer. Sanitizing (scripts, handlers) is
// left to the feeds package, as for every source.
func cleanHTML(body string) (content, link string) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		return body, ""
	}
	doc.Find("head, style, script, title, meta, link").Remove()
	doc.Find("img").Each(func(_ int, img *goquery.Selection) {
		src := strings.TrimSpace(img.AttrOr("src", ""))
		if isPixel(img) || strings.HasPrefix(strings.ToLower(src), "cid:") || src == "" {
			parent := img.Parent()
			img.Remove()
			// A paragraph or link that only framed the image goes too.
			if n := goquery.NodeName(parent); (n == "p" || n == "a" || n == "span") &&
				parent.Children().Length() == 0 && strings.TrimSpace(parent.Text()) == "" {
				parent.Remove()
			}
		}
	})
	total := textLen(doc.Find("body"), -1)
	removed := 0 // footers together never take more than half the text
	remove := func(block *goquery.Selection) {
		n := textLen(block, -1)
		if 2*(removed+n) > total {
			return
		}
		removed += n
		block.Remove()
	}
	doc.Find("a").Each(func(_ int, a *goquery.Selection) {
		if a.Parent().Length() == 0 { // already removed with a footer
			return
		}
		text := a.Text() + " " + a.AttrOr("title", "")
		href := strings.TrimSpace(a.AttrOr("href", ""))
		block := blockOf(a, total)
		switch {
		case viewOnline.MatchString(text) || (isShortLink(a) && viewOnline.MatchString(block.Text())):
			if link == "" && isWebLink(href) {
				link = href
			}
			remove(block)
		case unsubscribe.MatchString(text) || strings.Contains(strings.ToLower(href), "unsubscribe"):
			remove(block)
		}
	})
	out, err := doc.Find("body").Html()
	if err != nil {
		return body, link
	}
	return strings.TrimSpace(out), link
}

// isShortLink: a link whose own text is a word or two ("here", "online"),
// for lines like "Trouble reading? Click here to view it in your browser".
func isShortLink(a *goquery.Selection) bool {
	return len(strings.Fields(a.Text())) <= 3
}

// blockOf returns the largest block around a that still reads like a
// footer line: its text is short and it holds at most half of the
// message's text (a short newsletter is never removed whole).
func blockOf(a *goquery.Selection, total int) *goquery.Selection {
	cur := a
	for {
		p := cur.Parent()
		if p.Length() == 0 || goquery.NodeName(p) == "body" || goquery.NodeName(p) == "html" {
			return cur
		}
		n := textLen(p, footerText+1)
		if n > footerText || 2*n > total {
			return cur
		}
		cur = p
	}
}

// textLen counts the non-space bytes of s's text, stopping once past
// limit (negative: no limit): each link of a long hostile message looks
// only at a few hundred bytes around it, so cleaning stays linear.
func textLen(s *goquery.Selection, limit int) int {
	n := 0
	var walk func(*xhtml.Node) bool
	walk = func(node *xhtml.Node) bool {
		if node.Type == xhtml.TextNode {
			for i := 0; i < len(node.Data); i++ {
				if c := node.Data[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
					n++
				}
			}
			return limit < 0 || n <= limit
		}
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	for _, node := range s.Nodes {
		if !walk(node) {
			break
		}
	}
	return n
}

func isWebLink(href string) bool {
	u, err := url.Parse(href)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

var styleSize = regexp.MustCompile(`(?i)(?:^|;)\s*(width|height)\s*:\s*([0-9.]+)\s*px`)

// isPixel reports an image of at most 1x1 pixel (by attributes or inline
// style) or one hidden with display:none: a tracking beacon.
func isPixel(img *goquery.Selection) bool {
	style := strings.ToLower(img.AttrOr("style", ""))
	if strings.Contains(strings.ReplaceAll(style, " ", ""), "display:none") {
		return true
	}
	w, h := dim(img.AttrOr("width", "")), dim(img.AttrOr("height", ""))
	for _, m := range styleSize.FindAllStringSubmatch(style, -1) {
		v := dim(m[2])
		if strings.EqualFold(m[1], "width") {
			w = v
		} else {
			h = v
		}
	}
	return w >= 0 && w <= 1 && h >= 0 && h <= 1
}

// dim reads an HTML dimension ("1", "1px", "0"); -1 when absent or not a
// number.
func dim(s string) float64 {
	s = strings.TrimSuffix(strings.TrimSpace(strings.ToLower(s)), "px")
	if s == "" {
		return -1
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return -1
	}
	return f
}
