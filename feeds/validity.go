package feeds

import (
	"net/mail"
	"net/netip"
	"net/url"
	"path"
	"strings"

	"github.com/tributaryfeeds/tributary/sources"
)

// This file holds what keeps every output item valid whatever the upstream
// gave: a title when the item has none, authors whose <email> is an
// addr-spec, and no enclosure pointing at the reader's own machine.

// fallbackTitle is a title for an item that has none: the start of its text,
// else the file name of its first enclosure (enclosure-only podcast
// episodes), else its link without the scheme, else its id. RSS needs a
// title or a description (ItemMustContainTitleOrDescription) and Atom an
// atom:title, and readers list items by title.
func fallbackTitle(e *entry) string {
	if t := sources.TitleFromText(e.content); t != "" {
		return t
	}
	if t := sources.TitleFromText(e.summary); t != "" {
		return t
	}
	for _, enc := range e.enclosures {
		if u, err := url.Parse(enc.URL); err == nil {
			if name, err := url.PathUnescape(path.Base(u.Path)); err == nil && name != "/" && name != "." && strings.TrimSpace(name) != "" {
				return xmlClean(strings.TrimSpace(name))
			}
		}
	}
	if e.link != "" {
		if u, err := url.Parse(e.link); err == nil {
			return strings.TrimSuffix(u.Host+u.EscapedPath(), "/")
		}
	}
	if e.id != "" && !hashID(e.id) {
		return e.id
	}
	return "Untitled"
}

// addrSpec returns the bare address of s (an e-mail as an upstream wrote
// it: "mailto:a@b.org", "a@b.org?subject=Hi", "Jane <a@b.org>") when it has
// one, else "". Atom's <email> and RSS's <author> take an addr-spec only.
func addrSpec(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= len("mailto:") && strings.EqualFold(s[:len("mailto:")], "mailto:") {
		s = s[len("mailto:"):]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return ""
	}
	// ParseAddress accepts quoted local parts and domain literals; keep the
	// plain dot-atom form readers and validators expect.
	local, domain, ok := strings.Cut(a.Address, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(a.Address, " \"[]\\<>(),;:") || !strings.Contains(domain, ".") {
		return ""
	}
	return a.Address
}

// publicURL reports whether an absolute URL may be published as a media
// link: not one on the reader's own machine or network (localhost, loopback,
// private, link-local or unspecified address literals), which an upstream
// can only have written by mistake or to probe its readers.
func publicURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "" || host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
			ip.IsLinkLocalMulticast() || ip.IsUnspecified() || ip.IsMulticast())
	}
	// A name whose last label is a number is an IPv4 address in another
	// form (2130706433, 0x7f.1, 127.1) to resolvers and browsers; no real
	// top-level domain is numeric.
	last := host[strings.LastIndexByte(host, '.')+1:]
	if last != "" && (strings.Trim(last, "0123456789") == "" || strings.HasPrefix(last, "0x")) {
		return false
	}
	return true
}

// hashID reports whether id is a hex SHA-256, the id a source derives for
// an item without GUID or link: no title for a reader.
func hashID(id string) bool {
	if len(id) != 64 {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
