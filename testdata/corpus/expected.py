#!/usr/bin/python3
"""Writes expected/<doc>.json for every document of the fidelity corpus with
an independent parser, Python feedparser (6.x), so that the Go test compares
tributary's output field by field with what another implementation reads.

    /usr/bin/python3 testdata/corpus/expected.py

Each document is parsed as served by the test: from BASE + its path, with
the Content-Type its extension gives. What is recorded per entry, and the
few normalisations applied to feedparser's view (each a documented
behaviour of tributary, see docs/FIDELITY.md):

- title: feedparser's title; an HTML title (title_detail.type text/html or
  xhtml) as text (tags removed, entities decoded once), white space
  collapsed.
- link: entry.link, resolved against the document's URL.
- date: published, else updated, in UTC (RFC 3339), "" when none.
- author: the first author's name, else e-mail, else the author string; the
  feed's author when the entry names none (RFC 4287 inheritance, which
  tributary applies to every format).
- enclosures: the hrefs of entry.enclosures, without those on localhost or
  private addresses (tributary drops them on purpose).

feedparser 6.0 does not read JSON Feed, so JSON Feed documents are read
with Python's json module by the JSON Feed 1.1 spec (jsonfeed_entries):
title, url (else external_url), date_published (else date_modified),
authors[0].name (else the 1.0 author.name; else the feed's), attachments.

corrections.json lists the reviewed cases where feedparser is wrong (for
example it reads "2020/1/10 14:33:00" as 2020-11-01); they are applied last
and each carries its reason.
"""
import html
import html.parser
import ipaddress
import json
import os
import sys
import time
import urllib.parse

import feedparser

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
OUT = os.path.join(HERE, "expected")
BASE = "http://corpus.example/"
TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml", ".json": "application/feed+json"}


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(s):
    p = _Text()
    p.feed(s)
    p.close()
    return "".join(p.parts)


def collapse(s):
    return " ".join((s or "").split())


def title_of(e):
    t = e.get("title", "")
    kind = (e.get("title_detail") or {}).get("type", "text/plain")
    if "html" in kind:
        t = html_to_text(t)
    return collapse(t)


def date_of(e):
    for k in ("published_parsed", "updated_parsed"):
        v = e.get(k)
        if v:
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", v)
    return ""


def person(d):
    if not d:
        return ""
    return collapse(d.get("name") or d.get("email") or "")


def first_author(x):
    # authors[0], not author_detail: feedparser's author_detail is the last
    # <author> of an Atom entry.
    authors = x.get("authors") or []
    first = person(authors[0]) if authors else ""
    return first or person(x.get("author_detail")) or collapse(x.get("author", ""))


def author_of(e, feed):
    return first_author(e) or first_author(feed)


def public(href):
    host = (urllib.parse.urlsplit(href).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost") or not host:
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return True
    return not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def enclosures_of(e):
    return [x.get("href", "") for x in e.get("enclosures", []) if x.get("href") and public(x["href"])]


def feedparser_entries(body, name, ext):
    d = feedparser.parse(body, response_headers={"content-location": BASE + name, "content-type": TYPES[ext]})
    entries = []
    for e in d.entries:
        entries.append({
            "title": title_of(e),
            "link": e.get("link", ""),
            "date": date_of(e),
            "author": author_of(e, d.feed),
            "enclosures": enclosures_of(e),
        })
    return entries, int(bool(d.bozo))


def iso_utc(s):
    from datetime import datetime, timezone
    if not s:
        return ""
    try:
        d = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_author(obj):
    authors = obj.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return collapse(authors[0].get("name", ""))
    a = obj.get("author")
    if isinstance(a, dict):
        return collapse(a.get("name", ""))
    return ""


def jsonfeed_entries(body, base):
    doc = json.loads(body)
    out = []
    for it in doc.get("items") or []:
        link = it.get("url") or it.get("external_url") or ""
        atts = it.get("attachments") if isinstance(it.get("attachments"), list) else []
        out.append({
            "title": collapse(it.get("title", "") if isinstance(it.get("title"), str) else ""),
            "link": urllib.parse.urljoin(base, link) if link else "",
            "date": iso_utc(it.get("date_published") or it.get("date_modified")),
            "author": json_author(it) or json_author(doc),
            "enclosures": [a["url"] for a in atts if isinstance(a, dict) and a.get("url") and public(a["url"])],
        })
    return out


def main():
    with open(os.path.join(HERE, "corrections.json")) as f:
        corrections = json.load(f)
    os.makedirs(OUT, exist_ok=True)
    names = []
    for root, _, files in os.walk(DOCS):
        for fn in files:
            ext = os.path.splitext(fn)[1]
            if ext in TYPES:
                names.append(os.path.relpath(os.path.join(root, fn), DOCS))
    for name in sorted(names):
        with open(os.path.join(DOCS, name), "rb") as f:
            body = f.read()
        ext = os.path.splitext(name)[1]
        if ext == ".json":
            entries, bozo = jsonfeed_entries(body, BASE + name), 0
        else:
            entries, bozo = feedparser_entries(body, name, ext)
        applied = []

        for c in corrections:
            if c["doc"] == name:
                entries[c["entry"]][c["field"]] = c["value"]
                applied.append(c)
        out = {"doc": name, "content_type": TYPES[ext], "bozo": bozo, "entries": entries}
        if applied:
            out["corrections"] = applied
        path = os.path.join(OUT, name + ".json")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(out, f, indent=1, ensure_ascii=False, sort_keys=True)
            f.write("\n")
    print(f"{len(names)} documents", file=sys.stderr)


if __name__ == "__main__":
    main()
