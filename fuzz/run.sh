#!/usr/bin/env bash
# Fuzz sitrep's parsers with cargo-fuzz (libFuzzer), one target after another.
#
#   fuzz/run.sh                  # every target for 600 s each
#   fuzz/run.sh 60               # every target for 60 s each
#   fuzz/run.sh 600 issue        # only `issue`
#
# Needs `cargo install cargo-fuzz`. cargo-fuzz passes nightly-only rustc flags (-Zsanitizer=address,
# sanitizer coverage); RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
#
# Inputs are read from the committed seeds in fuzz/corpus/TARGET and from
# fuzz/corpus-generated/TARGET (git-ignored), and new interesting inputs are written to the latter
# (libFuzzer writes into the first corpus directory). Crashes land in fuzz/artifacts/TARGET/
# (git-ignored); minimise one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin TARGET fuzz/artifacts/TARGET/crash-…
# and keep it in fuzz/regressions/TARGET/.
set -euo pipefail

seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(frontmatter issue markdown feeds)
fi

fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
cd "$fuzz_dir/.."
export RUSTC_BOOTSTRAP=1
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: cargo-fuzz is not installed; install it with: cargo install cargo-fuzz" >&2
    exit 2
fi

status=0
for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus-generated/$target" "fuzz/artifacts/$target"
    echo "=== $target: ${seconds}s, started $(date -u +%FT%TZ)"
    # Issue files run to ~10 KB (the seeds are whole example issues); Markdown snippets are
    # capped at 4 KiB, so that only inputs that are slow for their size trip -timeout.
    case "$target" in
        markdown) max_len=4096 ;;
        *) max_len=16384 ;;
    esac
    # One job (cargo-fuzz's default: one libFuzzer process, no -jobs/-fork), and any single
    # input taking over 10 s counts as a hang.
    if ! cargo fuzz run --jobs 1 "$target" \
        "fuzz/corpus-generated/$target" "fuzz/corpus/$target" \
        -- -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -print_final_stats=1; then
        echo "=== $target: FAILED (crash, hang or out-of-memory; see fuzz/artifacts/$target/)"
        status=1
    fi
    echo "=== $target: finished $(date -u +%FT%TZ)"
done
exit "$status"
