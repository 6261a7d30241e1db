#!/usr/bin/env bash
# Output stage, old binary against new, N=5,000: BENCHMARKS.md "the output swapped whole".
# Usage: put the two release binaries at /tmp/oldsitrep and /tmp/newsitrep, the corpus at
# /tmp/corpus-5000 (examples/gen_corpus.rs), then: bash bench/output_swap.sh
# old vs new output stage at N=5000: fresh build, unchanged rebuild, every-page-changed rebuild.
set -u
C=/tmp/corpus-5000
t() { local s=$(date +%s.%N); "$@" > /dev/null 2>&1; local e=$(date +%s.%N); echo "$e - $s" | bc; }
cfg_title() { sed -i "s/^title = .*/title = \"$1\"/" $C/config.toml; }
for round in 1 2 3 4 5; do
  order="old new"; [ $((round % 2)) = 0 ] && order="new old"
  for v in $order; do
    B=/tmp/${v}sitrep; O=/dev/shm/bench-out-$v
    rm -rf $O /dev/shm/.bench-out-$v.*; cfg_title "Bench A"
    fresh=$(t $B build --root $C --output $O)
    same=$(t $B build --root $C --output $O)
    cfg_title "Bench B"
    changed=$(t $B build --root $C --output $O)
    echo "$v round=$round fresh=$fresh unchanged=$same allchanged=$changed"
  done
done
cfg_title "Bench A"
