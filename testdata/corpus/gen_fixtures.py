#!/usr/bin/env python3
"""Writes the hand-made, real-world-shaped documents of the fidelity corpus
into docs/. Each mimics a publisher or a failure class of issue 14 (podcast
hosts, .NET, WordPress, YouTube, newspapers, JSON Feed, several encodings,
ill-formed documents). Deterministic: run it again and nothing changes.

    python3 testdata/corpus/gen_fixtures.py
"""
import json
import os
import random
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "docs")
rnd = random.Random(14)
T0 = datetime(2024, 5, 17, 6, 30, tzinfo=timezone.utc)


def write(name, text, encoding="utf-8", bom=b""):
    with open(os.path.join(DOCS, name), "wb") as f:
        f.write(bom + text.encode(encoding))


def rfc822(d):
    return d.strftime("%a, %d %b %Y %H:%M:%S +0000")


def iso(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


WORDS = ("harbour council budget ferry schedule storm warning library reopening tram line "
         "extension festival postponed river flood vote school election market prices "
         "hospital wing museum exhibit bridge repair summit talks rail strike").split()


def phrase(n):
    return " ".join(rnd.choice(WORDS) for _ in range(n)).capitalize()


# 1. A podcast whose every episode links to the show's page (issue 14: 131
# episodes, 10 kept).
def podcast():
    items = []
    for i in range(131, 0, -1):
        d = T0 - timedelta(days=7 * (131 - i))
        size = 20_000_000 + i * 123_457
        items.append(f"""    <item>
      <title>Episode {i}: {phrase(3)}</title>
      <link>https://shows.example.com/harbour-hour</link>
      <guid isPermaLink="false">hh-{i:04d}-{rnd.randrange(16**8):08x}</guid>
      <pubDate>{rfc822(d)}</pubDate>
      <description><![CDATA[<p>{phrase(12)}.</p>]]></description>
      <enclosure url="https://media.example.com/harbour-hour/hh{i:04d}.mp3" length="{size}" type="audio/mpeg"/>
      <itunes:author>Harbour Hour</itunes:author>
      <itunes:duration>{40 + i % 20}:{i % 60:02d}</itunes:duration>
      <itunes:episode>{i}</itunes:episode>
    </item>""")
    write("podcast-show-links.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>The Harbour Hour</title>
    <link>https://shows.example.com/harbour-hour</link>
    <atom:link href="https://feeds.example.com/harbour-hour.rss" rel="self" type="application/rss+xml"/>
    <description>Weekly news from the harbour.</description>
    <language>en</language>
    <itunes:author>Harbour Hour</itunes:author>
    <itunes:image href="https://media.example.com/harbour-hour/cover.jpg"/>
{chr(10).join(items)}
  </channel>
</rss>
""")


# 2. A site whose 99 items all link to one news page (issue 14: 1 kept).
def news_one_page():
    items = []
    for i in range(99):
        d = T0 - timedelta(hours=3 * i)
        items.append(f"""<item>
<title>{phrase(5)}</title>
<link>https://www.city.example.gov/news/latest.aspx</link>
<guid isPermaLink="false">{900000 + i}</guid>
<dc:creator>Press Office</dc:creator>
<dc:date>{d.strftime('%Y-%m-%dT%H:%M:%S+00:00')}</dc:date>
<description>{phrase(14)}.</description>
</item>""")
    write("news-one-page.xml", f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>City News</title>
<link>https://www.city.example.gov/news/</link>
<description>News releases</description>
{chr(10).join(items)}
</channel>
</rss>
""")


# 3. A blog whose permalinks differ only by #fragment (issue 14: 41 lost).
def blog_fragments():
    entries = []
    for i in range(41, 0, -1):
        d = T0 - timedelta(days=41 - i, hours=i)
        title = f"Note {i}: on &lt;em&gt;{rnd.choice(WORDS)}&lt;/em&gt; and {rnd.choice(WORDS)}" if i % 5 == 0 else f"Note {i}: {phrase(4)}"
        ttype = ' type="html"' if i % 5 == 0 else ""
        entries.append(f"""  <entry>
    <title{ttype}>{title}</title>
    <link rel="alternate" type="text/html" href="https://notes.example.net/2024/weeknotes#note-{i}"/>
    <id>tag:notes.example.net,2024:note-{i}</id>
    <published>{iso(d)}</published>
    <updated>{iso(d + timedelta(minutes=5))}</updated>
    <author><name>Rosa Marchetti</name><uri>https://notes.example.net/</uri></author>
    <content type="html">&lt;p&gt;{phrase(20)}.&lt;/p&gt;</content>
  </entry>""")
    write("blog-fragments.atom", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Weeknotes</title>
  <link rel="alternate" type="text/html" href="https://notes.example.net/"/>
  <link rel="self" type="application/atom+xml" href="https://notes.example.net/feed.atom"/>
  <id>tag:notes.example.net,2024:feed</id>
  <updated>{iso(T0)}</updated>
{chr(10).join(entries)}
</feed>
""")


# 4. A feed written by .NET's SyndicationFeed: a10:link, a10:updated,
# a10:author, GUIDs that are not permalinks.
def dotnet():
    items = []
    for i in range(12):
        d = T0 - timedelta(days=i, minutes=17 * i)
        items.append(f"""<item><guid isPermaLink="false">{rnd.randrange(10**5, 10**6)}</guid><link>https://dev.example.io/blog/post-{i}</link><a10:author><a10:name>Team {i % 3}</a10:name></a10:author><title>{phrase(4)} in .NET {6 + i % 3}</title><description>{phrase(10)}</description><a10:updated>{d.strftime('%Y-%m-%dT%H:%M:%S+00:00')}</a10:updated></item>""" if i % 4 == 0 else
                     f"""<item><guid isPermaLink="false">{rnd.randrange(10**5, 10**6)}</guid><a10:link href="https://dev.example.io/blog/post-{i}"/><a10:author><a10:name>Team {i % 3}</a10:name></a10:author><title>{phrase(4)} in .NET {6 + i % 3}</title><description>{phrase(10)}</description><a10:updated>{d.strftime('%Y-%m-%dT%H:%M:%S+00:00')}</a10:updated></item>""")
    write("dotnet-a10.xml", f"""<?xml version="1.0" encoding="utf-8"?><rss xmlns:a10="http://www.w3.org/2005/Atom" version="2.0"><channel><title>Dev Blog</title><link>https://dev.example.io/blog</link><description>Engineering notes</description><a10:id>https://dev.example.io/blog</a10:id>{''.join(items)}</channel></rss>""")


# 5. A YouTube channel feed: media:group with media:title, yt: ids.
def youtube():
    entries = []
    for i in range(15):
        vid = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") for _ in range(11))
        d = T0 - timedelta(days=2 * i, hours=i)
        title = f"{phrase(3)} | Live &lt;{i}&gt;" if i % 4 == 0 else phrase(5)
        entries.append(f""" <entry>
  <id>yt:video:{vid}</id>
  <yt:videoId>{vid}</yt:videoId>
  <yt:channelId>UCabcdefghijklmnopqrstuv</yt:channelId>
  <title>{title}</title>
  <link rel="alternate" href="https://www.youtube.example/watch?v={vid}"/>
  <author>
   <name>Harbour TV</name>
   <uri>https://www.youtube.example/channel/UCabcdefghijklmnopqrstuv</uri>
  </author>
  <published>{d.strftime('%Y-%m-%dT%H:%M:%S+00:00')}</published>
  <updated>{(d + timedelta(hours=2)).strftime('%Y-%m-%dT%H:%M:%S+00:00')}</updated>
  <media:group>
   <media:title>{title}</media:title>
   <media:content url="https://www.youtube.example/v/{vid}?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="https://i1.ytimg.example/vi/{vid}/hqdefault.jpg" width="480" height="360"/>
   <media:description>{phrase(15)}</media:description>
   <media:community><media:starRating count="{i * 7}" average="5.00" min="1" max="5"/><media:statistics views="{i * 1000}"/></media:community>
  </media:group>
 </entry>""")
    write("youtube-channel.atom", f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.example/feeds/videos.xml?channel_id=UCabcdefghijklmnopqrstuv"/>
 <id>yt:channel:abcdefghijklmnopqrstuv</id>
 <yt:channelId>abcdefghijklmnopqrstuv</yt:channelId>
 <title>Harbour TV</title>
 <link rel="alternate" href="https://www.youtube.example/channel/UCabcdefghijklmnopqrstuv"/>
 <author>
  <name>Harbour TV</name>
  <uri>https://www.youtube.example/channel/UCabcdefghijklmnopqrstuv</uri>
 </author>
 <published>2015-03-01T10:00:00+00:00</published>
{chr(10).join(entries)}
</feed>
""")


# 6. WordPress: dc:creator in CDATA (free text included), ?p= GUIDs.
def wordpress():
    creators = ["Ana Souza", "@lawnchairapp", "Donna Lu (now) and Christopher Knaus (earlier)", "admin",
                "Guardian staff and agencies", "Jo Bloggs", "R. & J. Smith", "Li Wei", "M. O'Neill", "Team"]
    items = []
    for i, c in enumerate(creators):
        d = T0 - timedelta(hours=11 * i)
        title = ["History of the &lt;blink&gt; tag", "Why x &lt; y matters", "AT&amp;T and the &lt;T&gt; template",
                 "&lt;b&gt;Bold&lt;/b&gt; moves in the council", "Caf\u00e9 society", "Q&amp;A: the ferry timetable",
                 "\u201cQuoted\u201d headline \u2014 with dashes", "Tom &amp; Jerry &amp;amp; friends", "5 &gt; 3, says report",
                 "Plain title"][i]
        items.append(f"""		<item>
		<title>{title}</title>
		<link>https://blog.example.org/{2024}/05/post-{i}/</link>
		<comments>https://blog.example.org/2024/05/post-{i}/#respond</comments>
		<dc:creator><![CDATA[{c}]]></dc:creator>
		<pubDate>{rfc822(d)}</pubDate>
		<category><![CDATA[News]]></category>
		<guid isPermaLink="false">https://blog.example.org/?p={1000 + i}</guid>
		<description><![CDATA[{phrase(12)} [&#8230;]]]></description>
		<content:encoded><![CDATA[<p>{phrase(30)}</p>]]></content:encoded>
		<wfw:commentRss>https://blog.example.org/2024/05/post-{i}/feed/</wfw:commentRss>
		<slash:comments>{i}</slash:comments>
		</item>""")
    write("wordpress.xml", f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>Example Blog</title>
	<atom:link href="https://blog.example.org/feed/" rel="self" type="application/rss+xml" />
	<link>https://blog.example.org</link>
	<description>Just another WordPress site</description>
	<lastBuildDate>{rfc822(T0)}</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>
	hourly	</sy:updatePeriod>
	<sy:updateFrequency>
	1	</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.5.3</generator>
{chr(10).join(items)}
	</channel>
</rss>
""")


HEADLINES = ['Caf\u00e9 r\u00e9ouvre \u00e0 Z\u00fcrich', 'Stra\u00dfenbahn f\u00e4hrt wieder', 'Se\u00f1ales de recuperaci\u00f3n',
             '\u0141\u00f3d\u017a: nowy most', 'Na\u00efve caf\u00e9 cr\u00e8me']


def small_news(title, n, decl):
    items = []
    for i in range(n):
        d = T0 - timedelta(hours=5 * i)
        items.append(f"""  <item>
    <title>{HEADLINES[i % 5]} {i}</title>
    <link>https://nouvelles.example.fr/article/{i}</link>
    <guid>https://nouvelles.example.fr/article/{i}</guid>
    <pubDate>{rfc822(d)}</pubDate>
    <author>redaction@nouvelles.example.fr (R\u00e9daction)</author>
    <description>R\u00e9sum\u00e9 {i}.</description>
  </item>""")
    return f"""{decl}
<rss version="2.0">
<channel>
  <title>{title}</title>
  <link>https://nouvelles.example.fr/</link>
  <description>Actualit\u00e9s</description>
{chr(10).join(items)}
</channel>
</rss>
"""


# 7. UTF-16 and UTF-32 with a byte-order mark.
def unicode_docs():
    for name, enc, bom, label in [
        ("utf16le-bom.xml", "utf-16-le", b"\xff\xfe", "UTF-16"),
        ("utf16be-bom.xml", "utf-16-be", b"\xfe\xff", "UTF-16"),
        ("utf32le-bom.xml", "utf-32-le", b"\xff\xfe\x00\x00", "UTF-32"),
        ("utf32be-bom.xml", "utf-32-be", b"\x00\x00\xfe\xff", "UTF-32"),
    ]:
        write(name, small_news("Nouvelles " + label, 5, f'<?xml version="1.0" encoding="{label}"?>'), enc, bom)


# 8. ISO-8859-1 declared, bytes UTF-8 (a mislabel); and real ISO-8859-1.
def latin1():
    doc = small_news("Caf\u00e9 Nouvelles", 8, '<?xml version="1.0" encoding="ISO-8859-1"?>')
    write("latin1-declared-utf8-bytes.xml", doc)
    real = small_news("Caf\u00e9 Latin", 5, '<?xml version="1.0" encoding="ISO-8859-1"?>')
    real = real.replace("\u0141\u00f3d\u017a", "Lodz")  # not in Latin-1
    write("latin1-real.xml", real, "iso-8859-1")


# 9. JSON Feed: one mistyped field, big attachments.
def jsonfeeds():
    items = []
    for i in range(84):
        d = T0 - timedelta(hours=i)
        it = {"id": f"https://video.example.tv/e/{i}", "url": f"https://video.example.tv/e/{i}",
              "title": f"{phrase(4)} <{i}>" if i % 10 == 0 else phrase(5),
              "content_html": f"<p>{phrase(15)}</p>", "date_published": d.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
              "authors": [{"name": "Video Desk", "url": "https://video.example.tv/desk"}],
              "tags": ["video", "news"]}
        if i % 3 == 0:
            it["attachments"] = [{"url": f"https://cdn.video.example.tv/e/{i}.mp4", "mime_type": "video/mp4",
                                  "size_in_bytes": 2_500_000_000 + i * 1_000_003}]
        items.append(it)
    items[41]["tags"] = "a,b"  # the mistyped field
    write("jsonfeed-mistyped-tags.json", json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Video Desk",
        "home_page_url": "https://video.example.tv/", "feed_url": "https://video.example.tv/feed.json",
        "items": items}, indent=2, ensure_ascii=False))
    link_only = []
    for i in range(6):
        d = T0 - timedelta(days=i)
        it = {"id": str(700 + i), "url": f"https://links.example.com/l/{i}", "date_published": d.strftime("%Y-%m-%dT%H:%M:%SZ")}
        if i % 2:
            it["external_url"] = f"https://elsewhere.example.net/story/{i}"
        link_only.append(it)
    write("jsonfeed-link-only.json", json.dumps({
        "version": "https://jsonfeed.org/version/1", "title": "Links", "home_page_url": "https://links.example.com/",
        "author": {"name": "Link Bot"}, "items": link_only}, indent=1))


def rss_items(n, prefix, host):
    out = []
    for i in range(n):
        d = T0 - timedelta(hours=i)
        out.append(f"""<item><title>{prefix} {i}: {phrase(3)}</title><link>https://{host}/s/{i}</link><guid>https://{host}/s/{i}</guid><pubDate>{rfc822(d)}</pubDate><description>{phrase(8)}</description></item>""")
    return out


# 10. Ill-formed XML that forgiving parsers still read.
def illformed():
    head = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Wire</title><link>https://wire.example.com/</link><description>Wire</description>\n'
    items = rss_items(20, "Wire", "wire.example.com")
    write("illformed-missing-end.xml", head + "\n".join(items) + "\n</channel>\n")
    items = rss_items(10, "Cut", "cut.example.com")
    last = items[-1].replace("<description>", "<description><![CDATA[<p>").replace("</description></item>", "")
    write("illformed-unterminated-cdata.xml", head + "\n".join(items[:-1] + [last]))
    items = rss_items(10, "Trunc", "trunc.example.com")
    write("illformed-truncated-tag.xml", head + "\n".join(items[:-1]) + "\n" + items[-1][:-4])
    items = rss_items(15, "Ext", "ext.example.com")
    write("unclosed-extension.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Ext</title><link>https://ext.example.com/</link><description>d</description>\n<itunes:category text="News">\n' + "\n".join(items) + "\n</channel></rss>\n")


# 11. Nested xml:base, gemini alternates, self links, author titles, e-mails.
def atom_links():
    entries = []
    for i in range(6):
        entries.append(f"""<entry xml:base="/posts/"><id>tag:site.example,2024:{i}</id><title>Post {i}</title><link href="post-{i}"/><link rel="enclosure" type="image/png" length="{1000 + i}" href="../media/p{i}.png"/><updated>{iso(T0 - timedelta(days=i))}</updated><author><name>Ed {i}</name></author></entry>""")
    write("xmlbase-nested.atom", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://site.example/posts/"><title>Based</title><id>tag:site.example,2024:feed</id><updated>{iso(T0)}</updated><link href="./"/>
{chr(10).join(entries)}
</feed>
""")
    entries = []
    for i in range(5):
        entries.append(f"""<entry><id>urn:uuid:00000000-0000-4000-8000-00000000000{i}</id><title>Capsule {i}</title>
<link rel="self" href="https://smol.example.net/self/{i}.xml"/>
<link rel="alternate" type="text/gemini" href="gemini://smol.example.net/log/{i}.gmi"/>
<link rel="alternate" type="text/html" href="https://smol.example.net/log/{i}.html"/>
<updated>{iso(T0 - timedelta(days=i))}</updated></entry>""")
    write("gemini-alternates.atom", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Smol log</title><id>https://smol.example.net/</id><updated>{iso(T0)}</updated><author><name>smol</name></author>
{chr(10).join(entries)}
</feed>
""")
    entries = []
    emails = [e.replace('<', '&lt;').replace('>', '&gt;') for e in ["mailto:desk@paper.example.com", "desk@paper.example.com?subject=Tip", "Tips <tips@paper.example.com>", "not-an-address", "ed@paper.example.com"]]
    for i in range(5):
        entries.append(f"""<entry><id>https://paper.example.com/a/{i}</id><title type="text">Column {i}: 1 &lt; 2</title><link href="https://paper.example.com/a/{i}"/><updated>{iso(T0 - timedelta(hours=i))}</updated>
<author><name>Columnist {i}</name><title>Senior writer</title><email>{emails[i]}</email></author><summary>{phrase(8)}</summary></entry>""")
    write("atom-author-title.atom", f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Paper</title><id>https://paper.example.com/</id><updated>{iso(T0)}</updated>
{chr(10).join(entries)}
</feed>
""")


# 12. Dates in forms that parsers misread or reject.
def dates():
    forms = ["2018-01-06T08:00", "Sat Oct 06 2018 00:00:00 GMT", "2020/1/10 14:33:00", "Tue, 10 Jun 2003 04:00:00 GMT",
             "Wed, 02 Oct 2002 08:00:00 EST", "2024-02-29T23:59:59+01:00", "Mon, 6 May 2024 9:05:00 +0200",
             "2019-07-04", "Thu, 01 Jan 1970 00:00:00 GMT"]
    items = [f"<item><title>Dated {i}</title><link>https://dates.example.org/{i}</link><pubDate>{f}</pubDate></item>" for i, f in enumerate(forms)]
    write("dates-odd.xml", '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Dates</title><link>https://dates.example.org/</link><description>d</description>\n' + "\n".join(items) + "\n</channel></rss>\n")


# 13. Items with neither title nor content; media:title; private enclosures.
def enclosure_only():
    items = []
    for i in range(8):
        d = T0 - timedelta(days=i)
        mt = f"<media:title>Clip {i} from the archive</media:title>" if i % 2 else ""
        items.append(f"""<item><guid isPermaLink="false">clip-{i}</guid><pubDate>{rfc822(d)}</pubDate>{mt}<enclosure url="https://audio.example.org/clips/clip%20{i}.mp3" length="{30000 + i}" type="audio/mpeg"/></item>""")
    write("enclosure-only.xml", '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Clips</title><link>https://audio.example.org/</link><description>Clips</description>\n' + "\n".join(items) + "\n</channel></rss>\n")
    hosts = ["http://localhost/secret.mp3", "http://127.0.0.1:8080/a.mp3", "http://192.168.1.20/b.mp3", "http://[::1]/c.mp3", "https://cdn.example.org/ok.mp3"]
    items = [f"""<item><title>Local {i}</title><link>https://local.example.org/{i}</link><pubDate>{rfc822(T0 - timedelta(hours=i))}</pubDate><enclosure url="{h}" length="{100 + i}" type="audio/mpeg"/></item>""" for i, h in enumerate(hosts)]
    write("private-enclosures.xml", '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Local</title><link>https://local.example.org/</link><description>d</description>\n' + "\n".join(items) + "\n</channel></rss>\n")


# 14. Atom 0.3 and RSS 1.0 as old publishers still write them.
def old_formats():
    entries = "\n".join(f"""<entry><title>Legacy {i}</title><link rel="alternate" type="text/html" href="https://old.example.org/{i}.html"/><id>tag:old.example.org,2005:{i}</id><issued>{iso(T0 - timedelta(days=30 * i))}</issued><modified>{iso(T0 - timedelta(days=30 * i))}</modified><author><name>Old Timer</name></author><content type="text/html" mode="escaped">&lt;p&gt;{phrase(6)}&lt;/p&gt;</content></entry>""" for i in range(6))
    write("atom03.atom", f"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title><link rel="alternate" type="text/html" href="https://old.example.org/"/><modified>{iso(T0)}</modified>
{entries}
</feed>
""")
    items = "\n".join(f"""<item rdf:about="https://rdf.example.org/{i}"><title>RDF {i}: {phrase(3)}</title><link>https://rdf.example.org/{i}</link><dc:date>{iso(T0 - timedelta(hours=7 * i))}</dc:date><dc:creator>Slashdot-like Desk</dc:creator><description>{phrase(9)}</description></item>""" for i in range(10))
    write("rss10-rdf.xml", f"""<?xml version="1.0" encoding="ISO-8859-1"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example.org/"><title>RDF Site</title><link>https://rdf.example.org/</link><description>d</description></channel>
{items}
</rdf:RDF>
""")


if __name__ == "__main__":
    os.makedirs(DOCS, exist_ok=True)
    for f in (podcast, news_one_page, blog_fragments, dotnet, youtube, wordpress, unicode_docs, latin1,
              jsonfeeds, illformed, atom_links, dates, enclosure_only, old_formats):
        f()
