#!/usr/bin/env bash
# The editing loop's latency: `sitrep serve` on an N-issue synthetic corpus, one issue
# edited EDITS times, and the rebuild time serve itself logs after each debounced event
# ("Rebuilt in X ms": from the event to the new site being served from memory).
#
#   bench/serve_edit.sh [N]      # default N=1000, EDITS=20
#   SITREP=/path/to/sitrep bench/serve_edit.sh   # time another build of sitrep
#
# Prints each rebuild line, then the median and max, and the server's resident memory
# after the edits (VmRSS, and its peak VmHWM), and how long after each save the search
# index caught up. Targets at N=1000: page ≤ 50 ms (issue 5), index ≤ 3 s (issue 19).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
EDITS=${EDITS:-20}
SEED=${SEED:-42}
WORK=$(realpath -m "${WORK:-/tmp/sitrep-serve-bench}")
PORT=${PORT:-18999}

cargo build --release --quiet --bin sitrep --example gen_corpus
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
rm -rf "$WORK" && mkdir -p "$WORK"
"$TARGET/release/examples/gen_corpus" --issues "$N" --out "$WORK/site" --seed "$SEED" >/dev/null
issue="$WORK/site/content/issues/$((N / 2)).md"

"${SITREP:-$TARGET/release/sitrep}" serve --root "$WORK/site" --port "$PORT" >"$WORK/serve.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "^Serving" "$WORK/serve.log" && break; sleep 0.1; done
grep -q "^Serving" "$WORK/serve.log" || { cat "$WORK/serve.log"; exit 1; }

for _ in $(seq 200); do grep -q "^Search index and data files" "$WORK/serve.log" && break; sleep 0.1; done
: >"$WORK/index-latency"
for i in $(seq "$EDITS"); do
  indexed=$(grep -c "^Search index and data files" "$WORK/serve.log" || true)
  edited_at=$(date +%s%N)
  # Rewritten in place, as most editors save (sed -i would write a temporary file
  # and rename it, which serve treats as a possible folder change and rescans for).
  python3 - "$issue" "$i" <<'PY'
import re, sys
path, i = sys.argv[1], sys.argv[2]
with open(path, "r+") as f:
    text = re.sub(r"(?m)^title = .*$", f'title = "Edited title number {i}"', f.read(), count=1)
    f.seek(0)
    f.write(text)
    f.truncate()
PY
  served=""
  for _ in $(seq 100); do
    if curl -sf "http://127.0.0.1:$PORT/issues/$((N / 2))/" | grep -q "Edited title number $i"; then
      served=yes && break
    fi
    sleep 0.05
  done
  [ -n "$served" ] || { echo "edit $i not served"; cat "$WORK/serve.log"; exit 1; }
  # The search index follows in the background: from the save to its swap.
  for _ in $(seq 200); do
    if [ "$(grep -c "^Search index and data files" "$WORK/serve.log" || true)" -gt "$indexed" ]; then
      echo $(( ($(date +%s%N) - edited_at) / 1000000 )) >>"$WORK/index-latency"
      break
    fi
    sleep 0.05
  done
  sleep 0.3
done

# What the server holds after the edits (every page, parsed issues, index entries).
rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
peak=$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")

grep "^Rebuilt" "$WORK/serve.log"
grep -o "^Rebuilt in [0-9]*" "$WORK/serve.log" | awk '{print $3}' | sort -n | awk -v n="$N" -v rss="$rss" -v peak="$peak" '
  { t[NR] = $1 } END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "serve, N=%d: %d edits, median rebuild %s ms, max %s ms; RSS %s MB (peak %s MB)\n", n, NR, m, t[NR], rss, peak }'
sort -n "$WORK/index-latency" | awk '{ t[NR] = $1 } END {
    if (NR == 0) { print "search index: never updated"; exit }
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "search index after an edit (save to swap, 50 ms polling): %d edits, median %s ms, max %s ms\n", NR, m, t[NR] }'
