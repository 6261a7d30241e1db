#!/usr/bin/env bash
# Profiles one sitrep build of a synthetic corpus (default N=1000) with valgrind:
#   callgrind (instructions, exclusive and inclusive) and massif (heap at its peak).
#
#   bench/profile.sh [N]        # WORK=/tmp/sitrep-prof by default
#
# Uses the release binary (Cargo.toml's release profile has debug = "line-tables-only",
# so functions and lines resolve). Takes a few minutes at N=1000: valgrind runs the
# program ~50x slower and on one core.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
SEED=${SEED:-42}
WORK=$(realpath -m "${WORK:-/tmp/sitrep-prof}")
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }

cargo build --release --quiet --bin sitrep --example gen_corpus
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
mkdir -p "$WORK"
cp "$TARGET/release/sitrep" "$WORK/sitrep"
"$TARGET/release/examples/gen_corpus" --issues "$N" --out "$WORK/corpus-$N" --seed "$SEED"

rm -rf "$WORK/out-cg" "$WORK/out-ms"
valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" \
    "$WORK/sitrep" build --root "$WORK/corpus-$N" --output "$WORK/out-cg" 2>"$WORK/callgrind.log"
valgrind --tool=massif --threshold=2.0 --massif-out-file="$WORK/massif.out" \
    "$WORK/sitrep" build --root "$WORK/corpus-$N" --output "$WORK/out-ms" 2>"$WORK/massif.log"

set +o pipefail  # head closes the pipes early
strip_paths() { sed -E 's#/root/.cargo/registry/src/index.crates.io-[0-9a-f]+/##; s#/rustc/[0-9a-f]+/##'; }
echo "## callgrind, exclusive (self) instructions"
callgrind_annotate "$WORK/callgrind.out" | grep -E '^ *[0-9,]+ \(' | strip_paths | head -30
echo
echo "## callgrind, inclusive"
callgrind_annotate --inclusive=yes "$WORK/callgrind.out" | grep -E '^ *[0-9,]+ \(' | strip_paths \
    | grep -E 'sitrep::|tera::|syntect::|pulldown_cmark::html|toml::de|escape_html|onig::' | head -40
echo
echo "## massif, heap at its peak by pipeline stage"
python3 bench/massif_peak.py "$WORK/massif.out"
