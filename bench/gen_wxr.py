#!/usr/bin/env python3
"""Writes a WordPress export (WXR 1.2) of N link-digest posts for `sitrep import`'s
measurement: python3 bench/gen_wxr.py 1000 > /tmp/export.xml"""
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
HOSTS = ["https://www.theregister.com/", "https://krebsonsecurity.com/",
         "https://sre.google/", "https://blog.rust-lang.org/"]

print('<?xml version="1.0" encoding="UTF-8" ?>')
print('<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">')
print('<channel><title>Bench</title><link>https://bench.example.org</link>')
print('<wp:base_site_url>https://bench.example.org</wp:base_site_url>')
for n in range(1, N + 1):
    day = 1 + n % 28
    links = "".join(
        f'<h3><a href="{HOSTS[(n + i) % 4]}">Story {i} of issue {n}</a></h3>\n'
        f'<p>Commentary on story {i}, with <em>emphasis</em> and a <a href="/archive/{n}/">relative link</a>.</p>\n'
        f'<blockquote><p>A quoted passage from story {i}, long enough to look like a real quote.</p></blockquote>\n'
        f'<p>Author {i} — Publisher {i}</p>\n'
        for i in range(10))
    outages = "".join(f'<li><a href="https://www.githubstatus.com/">Service {i}</a><ul><li>Down for {i} minutes.</li></ul></li>' for i in range(3))
    body = (f"Editorial of issue {n}.\n\n<p><strong>A message from our sponsor, Acme:</strong></p>\n"
            f'<p>Acme pages you. <a href="https://www.pagerduty.com/">Try it</a>.</p>\n'
            f"{links}<h3>Outages</h3><ul>{outages}</ul>")
    print(f"""<item><title><![CDATA[Bench Issue #{n}]]></title>
<guid isPermaLink="false">https://bench.example.org/?p={n}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_date><![CDATA[2016-{1 + n % 12:02d}-{day:02d} 10:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2016-{1 + n % 12:02d}-{day:02d} 14:00:00]]></wp:post_date_gmt>
<wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="ops"><![CDATA[Ops]]></category></item>""")
print("</channel></rss>")
