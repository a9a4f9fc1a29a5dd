#!/usr/bin/python3
"""Copies documents from gofeed's MIT-licensed test corpus (github.com/mmcdole/gofeed
v1.4.2, testdata/) into docs/gofeed/, keeping those whose every entry carries at
least one field a feed item is made of (a title, link, id, date, summary or
content with a value, enclosure, author name or e-mail, or category term, as
feedparser reads it).
gofeed's per-element unit documents with an entry holding only, say, a
<contributor>, <rights> or <source> are left out: they are not items anyone
publishes. Run from the repository root:

    /usr/bin/python3 testdata/corpus/copy_gofeed.py "$(go env GOMODCACHE)/github.com/mmcdole/gofeed@v1.4.2/testdata"
"""
import os
import shutil
import sys

import feedparser

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "docs", "gofeed")
FIELDS = ("title", "link", "id", "published", "updated", "summary", "enclosures")


def has_item_field(e):
    if any(e.get(k) for k in FIELDS):
        return True
    if any(c.get("value") for c in e.get("content", [])) or any(t.get("term") for t in e.get("tags", [])):
        return True
    a = e.get("author_detail") or {}
    return bool(a.get("name") or a.get("email"))


def keep(path):
    if path.endswith(".json"):
        return True  # JSON Feed documents: feedparser 6.0 cannot read them
    d = feedparser.parse(path)
    return len(d.entries) > 0 and all(has_item_field(e) for e in d.entries)


def main(src):
    picks = [("parser/json", "json-", ["version_json_11_deprecated_author.json"]),
             ("parser/universal", "universal-", ["json10_feed.json", "json11_feed.json"])]
    for sub, prefix in (("parser/rss", "rss-"), ("parser/atom", "atom-")):
        names = sorted(n for n in os.listdir(os.path.join(src, sub))
                       if n.endswith(".xml") and ("item" in n or "entry" in n))
        picks.append((sub, prefix, names))
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    shutil.copy(os.path.join(src, "..", "LICENSE"), os.path.join(OUT, "LICENSE"))
    kept = 0
    for sub, prefix, names in picks:
        for n in names:
            p = os.path.join(src, sub, n)
            if keep(p):
                shutil.copy(p, os.path.join(OUT, prefix + n))
                kept += 1
    for root, _, files in os.walk(OUT):
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    print(f"{kept} documents copied", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
