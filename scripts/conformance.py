#!/usr/bin/env python3
"""Check that sites built by sitrep are accepted by other people's software.

Our Rust tests check what we meant to write; this checks what readers get. Every feed
must parse cleanly in feedparser (the parser behind many feed readers) and every HTML
page must pass the W3C Nu HTML Checker (vnu.jar, the W3C's release from the vnu-jar npm package;
it needs `java`). scripts/test.sh runs it over the example site and every fixture site.

Usage: python3 scripts/conformance.py OUT_DIR [OUT_DIR...]
It needs feedparser (and java plus vnu.jar, see VNU_JAR); without them it re-runs itself in the venv
target/conformance-venv that scripts/test.sh creates.

Things that are not what one would guess:
- feedparser 6.0 cannot read JSON Feed (it calls feed.json malformed XML), so feed.json
  is checked here against the required fields of the JSON Feed 1.1 spec instead.
- feedparser turns an escaped `&lt;script&gt;` title into `<script>` and silently strips
  a raw, unescaped <script> element, so the escaping check reads the feed's XML itself:
  a title must be plain text (no child elements) and no <script> element may appear.
- vnu.jar is run directly, once per site, with JSON output, so errors are counted exactly;
  warnings are listed but allowed. No message is ignored.
"""

import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

try:
    import feedparser
except ImportError as err:
    VENV = Path(__file__).resolve().parent.parent / "target" / "conformance-venv"
    if (VENV / "bin" / "python").exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(VENV / "bin" / "python", [str(VENV / "bin" / "python"), *sys.argv])
    sys.exit(f"conformance: {err}; run scripts/test.sh once to create {VENV}")

FEED_NAMES = ("rss.xml", "atom.xml", "feed.json")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")
# The W3C's own build of the Nu HTML Checker, as published on npm (package vnu-jar).
VNU_JAR = Path(os.environ.get("VNU_JAR") or Path(__file__).resolve().parent.parent
               / "target/vnu/node_modules/vnu-jar/build/dist/vnu.jar")
PAGES_PER_JAVA_RUN = 500  # stays far below the OS limit on command-line length


def local_name(tag):
    return tag.rsplit("}", 1)[-1]


def read_xml_feed(data):
    """Return (format, entries, problems) for an RSS or Atom feed."""
    parsed = feedparser.parse(data)
    if parsed.bozo:
        return parsed.version or "xml", [], [f"feedparser: {parsed.bozo_exception!r}"]
    problems = []
    for el in ET.fromstring(data).iter():
        if local_name(el.tag) == "script":
            problems.append("raw <script> element: some text was not escaped")
        elif local_name(el.tag) == "title" and len(el) and el.get("type") != "xhtml":
            problems.append(f"title {''.join(el.itertext())!r} holds raw markup "
                            f"<{local_name(el[0].tag)}>: it was not escaped")
    entries = [{k: e.get(k) for k in ("title", "link", "id")} for e in parsed.entries]
    return parsed.version, entries, problems


def read_json_feed(data):
    """Return (format, entries, problems) for a JSON Feed 1.1 document."""
    try:
        feed = json.loads(data)
    except ValueError as err:
        return "json", [], [f"not valid JSON: {err}"]
    if not isinstance(feed, dict):
        return "json", [], ["top level is not an object"]
    problems = []
    if feed.get("version") != JSON_FEED_VERSION:
        problems.append(f"version is {feed.get('version')!r}, not {JSON_FEED_VERSION!r}")
    if not feed.get("title"):
        problems.append("feed has no title")
    items = feed.get("items")
    if not isinstance(items, list):
        return "json", [], problems + ["items is missing or not a list"]
    entries = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            problems.append(f"item {n} is not an object")
            continue
        if not isinstance(item.get("id"), str):
            problems.append(f"item {n}: id must be a string")
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"item {n}: has neither content_html nor content_text")
        for key in ("date_published", "date_modified"):
            if key in item and not RFC3339.match(str(item[key])):
                problems.append(f"item {n}: {key} {item[key]!r} is not RFC 3339")
        entries.append({"title": item.get("title"), "link": item.get("url"),
                        "id": item.get("id")})
    return "json1.1", entries, problems


def check_feed(path, site):
    """Print a one-line summary of one feed; return its problems."""
    read = read_json_feed if path.suffix == ".json" else read_xml_feed
    kind, entries, problems = read(path.read_bytes())
    if path.parent == site and not entries:
        problems.append("the site's main feed has no entries")
    for n, entry in enumerate(entries, 1):
        missing = [k for k in ("title", "link", "id") if not entry[k]]
        if missing:
            name = entry["title"] or entry["id"] or entry["link"] or "?"
            problems.append(f"entry {n} ({name}) lacks {', '.join(missing)}")
    status = "ok" if not problems else f"{len(problems)} problem(s)"
    print(f"  feed {path.relative_to(site)}: {kind}, {len(entries)} entries, {status}")
    return [f"{path}: {p}" for p in problems]


def check_html(pages):
    """Run the Nu HTML Checker on pages; return (errors, Counter of warnings)."""
    errors, warnings = [], Counter()
    for start in range(0, len(pages), PAGES_PER_JAVA_RUN):
        batch = [str(p) for p in pages[start:start + PAGES_PER_JAVA_RUN]]
        cmd = ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--asciiquotes"]
        try:
            proc = subprocess.run(cmd + batch, capture_output=True, text=True)
            messages = json.loads(proc.stdout)["messages"]
        except FileNotFoundError:
            return ["java not found: the HTML checker needs a Java runtime"], warnings
        except (ValueError, KeyError):
            return [f"vnu.jar gave no report (exit {proc.returncode}): "
                    f"{proc.stderr.strip()[-2000:]}"], warnings
        for m in messages:
            if m.get("type") == "info":
                if m.get("subType") == "warning":
                    warnings[m.get("message", "?")] += 1
                continue
            where = m.get("url", "?").removeprefix("file:")
            extract = " ".join(m.get("extract", "").split())
            errors.append(f"{where}:{m.get('lastLine', '?')}: {m.get('type')}: "
                          f"{m.get('message', '?')} [near: {extract}]")
        if proc.returncode != 0 and not errors:
            errors.append(f"vnu.jar exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    return errors, warnings


def check_site(site):
    """Check one built site; return (failures, feeds checked, pages validated)."""
    print(f"== {site}")
    if not site.is_dir():
        print(f"  FAIL {site}: not a directory")
        return [f"{site}: not a directory"], 0, 0
    failures = []
    feeds = sorted(p for name in FEED_NAMES for p in site.rglob(name))
    for feed in feeds:
        failures += check_feed(feed, site)
    pages = sorted(site.rglob("*.html"))
    if not pages:
        failures.append(f"{site}: no HTML pages at all")
    else:
        started = time.monotonic()
        errors, warnings = check_html(pages)
        failures += errors
        print(f"  html: {len(pages)} pages, {len(errors)} errors, "
              f"{sum(warnings.values())} warnings ({time.monotonic() - started:.1f}s)")
        for message, count in warnings.most_common():
            print(f"    warning ({count}x): {message}")
    for failure in failures:
        print(f"  FAIL {failure}")
    return failures, len(feeds), len(pages)


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        sys.exit(__doc__)
    passed = failed = feeds = pages = 0
    for arg in argv:
        failures, site_feeds, site_pages = check_site(Path(arg))
        feeds += site_feeds
        pages += site_pages
        passed += not failures
        failed += bool(failures)
    print(f"conformance: {feeds} feeds checked, {pages} HTML pages validated")
    print(f"conformance: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
