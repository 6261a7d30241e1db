#!/usr/bin/env python3
"""Turns the raw data of bench/run.sh (a folder) into the Markdown report on stdout."""

import json
import sys
from statistics import median
from pathlib import Path


def read(path, default=None):
    try:
        return path.read_text().strip()
    except OSError:
        return default


def num(path):
    v = read(path)
    return float(v) if v not in (None, "") else None


def timing(path):
    """(median, min, max) in ms of a hyperfine JSON export, or None."""
    try:
        r = json.loads(path.read_text())["results"][0]
    except (OSError, KeyError, IndexError, ValueError):
        return None
    return r["median"] * 1e3, r["min"] * 1e3, r["max"] * 1e3


def cpu(path):
    """Mean user + system CPU time in ms of a hyperfine JSON export, or None."""
    try:
        r = json.loads(path.read_text())["results"][0]
    except (OSError, KeyError, IndexError, ValueError):
        return None
    return (r["user"] + r["system"]) * 1e3


def pairs(path):
    """From alternating builds ("sitrep 2.31" / "plain 1.60" / "hugo 7.40" lines, seconds):
    the rounds, the sitrep and Hugo medians in ms, the median of the per-round sitrep/Hugo
    ratios, and for `plain` (sitrep with `highlight = false`; absent in older runs) its
    median in ms and median per-round ratio to Hugo, or None."""
    times = {"sitrep": [], "hugo": [], "plain": []}
    for line in (read(path, "") or "").splitlines():
        name, _, value = line.partition(" ")
        try:
            times[name].append(float(value))
        except (KeyError, ValueError):
            continue  # e.g. GNU time's "Command exited with non-zero status"
    n = min(len(times["sitrep"]), len(times["hugo"]))
    if n == 0:
        return None
    s, h = times["sitrep"][:n], times["hugo"][:n]
    plain = times["plain"][:n]
    plain = (median(plain) * 1e3, median([a / b for a, b in zip(plain, h)])) if len(plain) == n else None
    return n, median(s) * 1e3, median(h) * 1e3, median([a / b for a, b in zip(s, h)]), plain


def ms(t):
    if t is None:
        return "—"
    med, lo, hi = t
    return f"{med:,.0f} ({lo:,.0f}–{hi:,.0f})" if med >= 100 else f"{med:,.1f} ({lo:,.1f}–{hi:,.1f})"


def mb(kb):
    return "—" if kb is None else f"{kb / 1024:,.0f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}×"


def verdict(ok):
    return "not measured" if ok is None else ("**pass**" if ok else "**FAIL**")


def main():
    raw = Path(sys.argv[1])
    meta = {}
    for line in read(raw / "meta.env", "").splitlines():
        k, _, v = line.partition("=")
        meta[k] = v
    sizes = [int(n) for n in meta.get("sizes", "").split()]

    rows = {}
    for n in sizes:
        d = raw / str(n)
        rows[n] = {
            "sitrep": timing(d / "sitrep.json"),
            "hugo": timing(d / "hugo.json"),
            "floor": timing(d / "floor.json"),
            "noop": timing(d / "noop.json"),
            "cpu_sitrep": cpu(d / "sitrep.json"),
            "cpu_hugo": cpu(d / "hugo.json"),
            "cpu_floor": cpu(d / "floor.json"),
            "rss_sitrep": num(d / "rss-sitrep"),
            "rss_hugo": num(d / "rss-hugo"),
            "files_sitrep": num(d / "files-sitrep"),
            "files_hugo": num(d / "files-hugo"),
            "html_sitrep": num(d / "html-sitrep"),
            "html_hugo": num(d / "html-hugo"),
            "out_sitrep": num(d / "out-bytes-sitrep"),
            "out_hugo": num(d / "out-bytes-hugo"),
            "corpus": num(d / "corpus-bytes"),
            "noop_written": num(d / "noop-written"),
            "floor_summary": read(d / "floor-summary.txt", ""),
            "highlight": read(d / "highlight.txt", ""),
            "pairs": pairs(d / "pairs.txt"),
        }

    def med(n, key):
        t = rows.get(n, {}).get(key)
        return t[0] if t else None

    out = []
    p = out.append
    p(f"# sitrep benchmark results, {meta.get('date', '?')}")
    p("")
    if meta.get("note"):
        p(f"> **Note:** {meta['note']}")
        p("")
    p(f"Command: `{meta.get('command', '').strip()}`  ")
    p(f"hyperfine: {meta.get('runs')} runs after {meta.get('warmup')} warm-up per measurement; "
      f"times are the median (min–max) wall-clock in ms. Corpus seed {meta.get('seed')}.")
    p("")
    p("## Machine and versions")
    p("")
    p("| | |")
    p("| --- | --- |")
    p(f"| CPU | {meta.get('cpu')} |")
    p(f"| cores (`nproc`) | {meta.get('nproc')} |")
    p(f"| memory (`free -g`) | {meta.get('mem')} |")
    p(f"| kernel | {meta.get('kernel')} |")
    p(f"| load average at start / end | {meta.get('load_start')} / {meta.get('load_end')} |")
    if meta.get('outputs'):
        p(f"| build outputs written to | {meta.get('outputs')} |")
    p(f"| sitrep | git {meta.get('sitrep')} |")
    p(f"| rustc | {meta.get('rustc')} |")
    p(f"| Hugo | {meta.get('hugo')} |")
    p(f"| hyperfine | {meta.get('hyperfine')} |")
    p("")
    p("## Wall time")
    p("")
    p("| N | sitrep build | Hugo build | sitrep / Hugo | floor | sitrep / floor | sitrep per issue | no-change rebuild |")
    p("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        r = rows[n]
        s = med(n, "sitrep")
        per = "—" if s is None else f"{s * 1000 / n:,.0f} µs"
        p(f"| {n:,} | {ms(r['sitrep'])} | {ms(r['hugo'])} | {fmt_ratio(ratio(s, med(n, 'hugo')))} "
          f"| {ms(r['floor'])} | {fmt_ratio(ratio(s, med(n, 'floor')))} | {per} | {ms(r['noop'])} |")
    p("")
    p("CPU time (user + system, mean over the runs; less sensitive than wall time to other load on the machine):")
    p("")
    p("| N | sitrep CPU | Hugo CPU | sitrep / Hugo CPU | floor CPU |")
    p("| ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        r = rows[n]

        def c(v):
            return "—" if v is None else f"{v:,.0f}"

        p(f"| {n:,} | {c(r['cpu_sitrep'])} | {c(r['cpu_hugo'])} "
          f"| {fmt_ratio(ratio(r['cpu_sitrep'], r['cpu_hugo']))} | {c(r['cpu_floor'])} |")
    p("")
    if any(rows[n]["pairs"] for n in sizes):
        p("sitrep and Hugo alternating (one build of each per round, fresh output folders; the "
          "ratio is the median of the per-round ratios, so slow drift of the machine largely cancels):")
        p("")
        p("| N | rounds | sitrep | Hugo | sitrep / Hugo | sitrep, `highlight = false` | its ratio to Hugo |")
        p("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for n in sizes:
            pr = rows[n]["pairs"]
            if pr:
                k, s_ms, h_ms, r, plain = pr
                pl = f"{plain[0]:,.0f} | {fmt_ratio(plain[1])}" if plain else "— | —"
                p(f"| {n:,} | {k} | {s_ms:,.0f} | {h_ms:,.0f} | {fmt_ratio(r)} | {pl} |")
        p("")
        p("`highlight = false` is the same corpus with fenced code left as plain text (a config "
          "option): how much of the build syntax highlighting is. The targets use the default, "
          "highlighted build.")
        p("")
    p("## Memory and output")
    p("")
    p("| N | corpus (MB) | sitrep peak RSS (MB) | Hugo peak RSS (MB) | sitrep / Hugo RSS | sitrep files (HTML) | Hugo files (HTML) | sitrep output (MB) | Hugo output (MB) | files written by no-change rebuild |")
    p("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        r = rows[n]

        def files(k):
            f, h = r[f"files_{k}"], r[f"html_{k}"]
            return "—" if f is None else f"{f:,.0f} ({h:,.0f})"

        def size(b):
            return "—" if b is None else f"{b / 1e6:,.1f}"

        nw = r["noop_written"]
        p(f"| {n:,} | {size(r['corpus'])} | {mb(r['rss_sitrep'])} | {mb(r['rss_hugo'])} "
          f"| {fmt_ratio(ratio(r['rss_sitrep'], r['rss_hugo']))} | {files('sitrep')} | {files('hugo')} "
          f"| {size(r['out_sitrep'])} | {size(r['out_hugo'])} | {'—' if nw is None else f'{nw:.0f}'} |")
    p("")
    for n in sizes:
        if rows[n]["floor_summary"]:
            summary = rows[n]["floor_summary"].removeprefix("floor: ")
            p(f"- floor N={n:,}: {summary}")
    for n in sizes:
        if rows[n]["highlight"]:
            p(f"- highlighting alone N={n:,} (one thread, `examples/highlight.rs`): {rows[n]['highlight']}")
    ex = timing(raw / "example.json")
    p(f"- example site (`sitrep build --root . --output /tmp/...`), cold: {ms(ex)} ms")
    p("")

    # Targets from the performance issue.
    def r5(key_a, key_b, n=5000):
        return ratio(med(n, key_a), med(n, key_b))

    t5 = r5("sitrep", "hugo")
    t10 = r5("sitrep", "hugo", 10000)

    def alternating(n):
        pr = rows.get(n, {}).get("pairs")
        return f" (alternating: {fmt_ratio(pr[3])})" if pr else ""

    per1 = med(1000, "sitrep")
    per10 = med(10000, "sitrep")
    scale = None if per1 is None or per10 is None else (per10 / 10000) / (per1 / 1000)
    rss5 = ratio(rows.get(5000, {}).get("rss_sitrep"), rows.get(5000, {}).get("rss_hugo"))
    fl5 = r5("sitrep", "floor")
    noop = [rows[n]["noop_written"] for n in sizes if rows[n]["noop_written"] is not None]
    p("## Targets")
    p("")
    p("| target | measured | verdict |")
    p("| --- | --- | --- |")
    p(f"| N=5000 full build ≤ 0.25 × Hugo | {fmt_ratio(t5)}{alternating(5000)} | {verdict(None if t5 is None else t5 <= 0.25)} |")
    p(f"| N=10000 full build ≤ 0.25 × Hugo | {fmt_ratio(t10)}{alternating(10000)} | {verdict(None if t10 is None else t10 <= 0.25)} |")
    p(f"| N=10000 per-issue time ≤ 1.2 × N=1000's | {fmt_ratio(scale)} | {verdict(None if scale is None else scale <= 1.2)} |")
    p(f"| N=5000 peak RSS ≤ 0.25 × Hugo | {fmt_ratio(rss5)} | {verdict(None if rss5 is None else rss5 <= 0.25)} |")
    p(f"| N=5000 full build ≤ 3 × floor | {fmt_ratio(fl5)} | {verdict(None if fl5 is None else fl5 <= 3)} |")
    p(f"| no-change build writes 0 files | {', '.join(f'{v:.0f}' for v in noop) or '—'} | "
      f"{verdict(None if not noop else all(v == 0 for v in noop))} |")
    p(f"| example site cold build ≤ 100 ms | {'—' if ex is None else f'{ex[0]:.1f} ms'} | "
      f"{verdict(None if ex is None else ex[0] <= 100)} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
