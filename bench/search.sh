#!/usr/bin/env bash
# Search's cost (issue 19), side by side with what a Hugo user runs: Hugo, then
# Pagefind's CLI over Hugo's output. On the N-issue bench corpus (default 5,000), with
# outputs on tmpfs, ROUNDS rounds (default 3) alternating, one cold build each:
#   - sitrep build with search (empty output folder)
#   - hugo && npx pagefind --site (empty output folder), timed together
#   - sitrep build with `search = false` (the same corpus)
# each with its peak RSS (GNU time; for the pair, the larger of the two processes).
# Then, on sitrep's output: a build with nothing changed (wall, files written), a build
# after editing one issue (wall, files written), the index's size, and what one query
# costs a reader in Chromium (bench/search_query.mjs: requests and bytes under /pagefind/).
#
#   bench/search.sh [N]          ROUNDS=3 WORK=/tmp/sitrep-search-bench OUTS=/dev/shm/...
# Needs: hyperfine-free; GNU time, npm, python3 (+pip, for Hugo from PyPI), Chromium and
# target/a11y (scripts/test.sh installs puppeteer-core there).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-42}
WORK=$(realpath -m "${WORK:-/tmp/sitrep-search-bench}")
OUTS=$(realpath -m "${OUTS:-/dev/shm/sitrep-search-bench}")
PAGEFIND_VERSION=1.6.0
mkdir -p "$WORK" "$OUTS"

cargo build --release --quiet --bin sitrep --example gen_corpus
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
SITREP="$TARGET/release/sitrep"
# The PyPI package `hugo` ships Hugo's binary (as bench/run.sh uses it).
find_hugo() {
  python3 -c 'import importlib.util, os
spec = importlib.util.find_spec("hugo")
print(next(p for p in (os.path.join(b, "binaries", "hugo") for b in spec.submodule_search_locations) if os.access(p, os.X_OK)))' 2>/dev/null
}
HUGO=${HUGO:-$(find_hugo || true)}
if [ ! -x "$HUGO" ]; then
  python3 -m pip install --quiet hugo
  HUGO=$(find_hugo)
fi
PF="$WORK/pagefind-cli"
if [ "$(cat "$PF/version" 2>/dev/null)" != "$PAGEFIND_VERSION" ]; then
  npm install --prefix "$PF" --no-audit --no-fund --silent "pagefind@$PAGEFIND_VERSION"
  echo "$PAGEFIND_VERSION" >"$PF/version"
fi
PAGEFIND="$PF/node_modules/.bin/pagefind"

C="$WORK/corpus-$N" H="$WORK/hugo-$N" CNS="$WORK/corpus-$N-nosearch"
if [ ! -d "$C" ]; then
  "$TARGET/release/examples/gen_corpus" --issues "$N" --out "$C" --seed "$SEED" --hugo "$H" >/dev/null
fi
rm -rf "$CNS" && cp -r "$C" "$CNS" && sed -i '1i search = false' "$CNS/config.toml"
OUT="$OUTS/sitrep" HOUT="$OUTS/hugo" NSOUT="$OUTS/nosearch"
echo "sitrep $(git rev-parse --short HEAD), $("$HUGO" version | cut -d' ' -f1-2), pagefind $PAGEFIND_VERSION, N=$N, $(nproc) cores"

T=$(mktemp)
timed() { # timed LABEL CMD...: appends "LABEL wall_s peak_kb" to $T
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>&1
  echo "$label $(cat "$WORK/time")" >>"$T"
}
pair() { "$HUGO" --quiet -s "$H" -d "$HOUT" && "$PAGEFIND" --site "$HOUT" --silent; }
for r in $(seq "$ROUNDS"); do
  rm -rf "$OUT"; timed sitrep "$SITREP" build --root "$C" --output "$OUT"
  rm -rf "$HOUT"
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$WORK/hugo-rss" "$HUGO" --quiet -s "$H" -d "$HOUT" >/dev/null 2>&1
  /usr/bin/time -f "%M" -o "$WORK/pf-rss" "$PAGEFIND" --site "$HOUT" --silent >/dev/null 2>&1
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  echo "hugo+pagefind $wall $(cat "$WORK/hugo-rss" "$WORK/pf-rss" | sort -n | tail -1) pagefind-alone $(cat "$WORK/pf-rss")" >>"$T"
  rm -rf "$NSOUT"; timed nosearch "$SITREP" build --root "$CNS" --output "$NSOUT"
  echo "round $r: $(tail -3 "$T" | tr '\n' ';')"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
for label in sitrep hugo+pagefind nosearch; do
  w=$(awk -v l="$label" '$1==l {print $2}' "$T" | median)
  m=$(awk -v l="$label" '$1==l {print $3}' "$T" | median)
  echo "$label: median wall ${w} s, median peak RSS $((m / 1024)) MB"
  eval "W_${label//[+]/_}=$w M_${label//[+]/_}=$m"
done
echo "ratio sitrep / (hugo+pagefind): wall $(echo "scale=2; $W_sitrep / $W_hugo_pagefind" | bc), peak RSS $(echo "scale=2; $M_sitrep / $M_hugo_pagefind" | bc)"
echo "search's cost: $(echo "scale=1; $W_sitrep - $W_nosearch" | bc) s, $(( (M_sitrep - M_nosearch) / 1024 )) MB"

for i in 1 2 3; do
  echo "no-change build: $("$SITREP" build --root "$C" --output "$OUT" 2>&1 | tail -1)"
done
issue="$C/content/issues/$((N / 2)).md"
for i in 1 2 3; do
  python3 - "$issue" "$i" <<'PY'
import re, sys
path, i = sys.argv[1], sys.argv[2]
text = open(path).read()
open(path, "w").write(re.sub(r'(?m)^title = "', f'title = "Edit {i} ', text, count=1))
PY
  echo "one issue edited: $("$SITREP" build --root "$C" --output "$OUT" 2>&1 | tail -1)"
done
files=$(find "$OUT/pagefind" -type f | wc -l)
bytes=$(du -sb "$OUT/pagefind" | cut -f1)
echo "index: $files files, $((bytes / 1048576)) MB, $((bytes / N)) bytes per issue; shards: $(ls -d "$OUT"/pagefind/*/ | grep -c '/[0-9]*/$' | awk '{print $1 + 1}')"
hfiles=$(find "$HOUT/pagefind" -type f | wc -l)
hbytes=$(du -sb "$HOUT/pagefind" | cut -f1)
echo "Pagefind CLI's index of Hugo's pages: $hfiles files, $((hbytes / 1048576)) MB"
echo "sitrep's site:"
node bench/search_query.mjs "$OUT" postmortem kubernetes cloudflare
echo "Hugo + Pagefind's site:"
node bench/search_query.mjs "$HOUT" postmortem kubernetes cloudflare
rm -f "$T"
