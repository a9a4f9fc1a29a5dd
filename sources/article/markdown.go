package article

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// frontMatter is the YAML header of a Markdown article. Fields take the
// names static site generators use.
type frontMatter struct {
	Title      string    `yaml:"title"`
	Date       yaml.Node `yaml:"date"`
	Published  yaml.Node `yaml:"published"`
	Author     yaml.Node `yaml:"author"`
	Authors    yaml.Node `yaml:"authors"`
	Email      string    `yaml:"email"`
	Tags       yaml.Node `yaml:"tags"`
	Categories yaml.Node `yaml:"categories"`
	Link       string    `yaml:"link"`
	URL        string    `yaml:"url"`
	Canonical  string    `yaml:"canonical"`
	Place      string    `yaml:"place"`
	Location   string    `yaml:"location"`
	Publisher  string    `yaml:"publisher"`
}

// ParseMarkdown reads a Markdown article: YAML front matter (title, date,
// author, tags, categories) when present, else the first "# " heading as
// the title and a text dateline under it. The body is rendered to HTML; a
// heading that repeats the title is not part of it.
func ParseMarkdown(r io.Reader, loc *time.Location, now time.Time) (*Article, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxDocument))
	if err != nil {
		return nil, fmt.Errorf("read markdown: %w", err)
	}
	lines := splitLines(string(b))
	a := &Article{}
	lines, err = readFrontMatter(lines, a, loc, now)
	if err != nil {
		return nil, err
	}
	lines = markdownHead(lines, a, loc, now)
	blocks := parseBlocks(lines)
	blocks = dropTitleHeading(blocks, a.Title)
	a.HTML = renderBlocks(blocks)
	a.Paragraphs = blockParagraphs(blocks)
	if a.Title == "" || len(a.Paragraphs) == 0 {
		return a, ErrNoArticle
	}
	return a, nil
}

// readFrontMatter parses a leading "---" YAML block into a and returns the
// lines after it.
func readFrontMatter(lines []string, a *Article, loc *time.Location, now time.Time) ([]string, error) {
	if len(lines) == 0 || lines[0] != "---" {
		return lines, nil
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if lines[i] == "---" || lines[i] == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return lines, nil
	}
	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader([]byte(strings.Join(lines[1:end], "\n"))))
	if err := dec.Decode(&fm); err != nil && err != io.EOF {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	a.Title = collapse(fm.Title)
	for _, n := range []yaml.Node{fm.Date, fm.Published} {
		if t, err := ParseDate(n.Value, loc, now); err == nil && n.Kind == yaml.ScalarNode {
			a.Published = t
			break
		}
	}
	for _, n := range []yaml.Node{fm.Author, fm.Authors} {
		for _, s := range nodeStrings(&n) {
			a.Authors = appendAuthors(a.Authors, parseAuthors(s)...)
		}
	}
	a.Authors = attachEmail(a.Authors, strings.TrimSpace(fm.Email))
	a.Categories = appendUnique(nodeStrings(&fm.Tags), nodeStrings(&fm.Categories)...)
	a.Link = firstNonEmpty(fm.Canonical, fm.Link, fm.URL)
	a.Place = firstNonEmpty(fm.Place, fm.Location)
	a.Publisher = strings.TrimSpace(fm.Publisher)
	return lines[end+1:], nil
}

// nodeStrings reads a YAML scalar (comma-separated) or a sequence of
// scalars; an author mapping contributes its name.
func nodeStrings(n *yaml.Node) []string {
	switch n.Kind {
	case yaml.ScalarNode:
		return strList(n.Value)
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			out = appendUnique(out, nodeStrings(c)...)
		}
		return out
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "name" {
				return []string{collapse(n.Content[i+1].Value)}
			}
		}
	}
	return nil
}

// markdownHead takes the title from the first "# " heading when the front
// matter had none, and reads a dateline right under it.
func markdownHead(lines []string, a *Article, loc *time.Location, now time.Time) []string {
	i := 0
	for i < len(lines) && lines[i] == "" {
		i++
	}
	if i == len(lines) || !strings.HasPrefix(lines[i], "# ") {
		return lines
	}
	heading := collapse(strings.TrimRight(lines[i][2:], " #"))
	if a.Title == "" {
		a.Title = inlineText(heading)
	}
	if !strings.EqualFold(inlineText(heading), a.Title) {
		return lines
	}
	j := i + 1
	for j < len(lines) && lines[j] == "" {
		j++
	}
	if j == len(lines) {
		return lines[i+1:]
	}
	d := parseDateline(strings.Trim(inlineText(lines[j]), " *_"), loc, now, a.Publisher)
	if !d.ok {
		return lines[i+1:]
	}
	if a.Published.IsZero() {
		a.Published = d.date
	}
	if len(a.Authors) == 0 {
		a.Authors = d.authors
	}
	a.Place = firstNonEmpty(a.Place, d.place)
	a.Publisher = firstNonEmpty(a.Publisher, d.publisher)
	return lines[j+1:]
}
