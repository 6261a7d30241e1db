#!/usr/bin/env bash
# The data files' cost (issue 21's "≤ +10 % at N=5,000"): cold builds into an empty
# folder on /dev/shm, binaries alternating, ROUNDS rounds (default 5); wall time, CPU
# time (user + system) and peak RSS of each.
# Usage: bash bench/data_cost.sh CORPUS_OLD BIN_OLD CORPUS BIN_A [BIN_B …]
# (the binary from before issue 21 rejects `publish_future`, so it gets its own copy
# of the corpus without that line).
set -u
old_corpus=$1 old_bin=$2 corpus=$3; shift 3
rounds=${ROUNDS:-5}
for round in $(seq "$rounds"); do
  bins=("$old_bin" "$@")
  (( round % 2 == 0 )) && bins=($(printf '%s\n' "${bins[@]}" | tac))
  for bin in "${bins[@]}"; do
    root=$corpus; [[ $bin == "$old_bin" ]] && root=$old_corpus
    out=/dev/shm/data-cost-out; rm -rf "$out" /dev/shm/.data-cost-out.*
    /usr/bin/time -f "%e %M %U %S" -o /tmp/data-cost-time "$bin" build --root "$root" --output "$out" > /dev/null 2>&1
    read -r secs kb user sys < /tmp/data-cost-time
    echo "round=$round bin=$(basename "$bin") wall=${secs}s cpu=$(echo "$user + $sys" | bc)s peak=$((kb / 1024))MB"
  done
done
