#!/usr/bin/env bash
# The ledger log against a baseline build, side by side: runs the baseline's
# bench_log and this build's in turn, RUNS times each over the same entries,
# and prints the median of each for the append rate (batches of 10,000 per
# transaction, WAL, synchronous=FULL) and log hashing against bare SHA-256,
# with their ratio, and this build's command of one entry without and with
# its signed checkpoint (a baseline without checkpoints has no such figure:
# the command without one is what every command cost there). Target: appends
# within 10 % of the baseline.
#   bench/log_baseline.sh BASE_BENCH_LOG NEW_BENCH_LOG [ENTRIES] [RUNS] [DB_DIR]
# The baseline is bench_log built from an earlier commit, e.g.
#   git worktree add /tmp/base COMMIT && cmake -S /tmp/base -B /tmp/base/build \
#     -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build /tmp/base/build --target bench_log
set -euo pipefail
base=$1
new=$2
entries=${3:-1000000}
runs=${4:-3}
dir=${5:-/tmp}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A rate hash plain sealed seal
for ((i = 1; i <= runs; i++)); do
    for side in base new; do
        bin=$base
        [ "$side" = new ] && bin=$new
        out=$("$bin" "$entries" 3 "$dir/bench_log_$side.db" 2>/dev/null)
        r=$(printf '%s\n' "$out" | awk '$1 == "append:" { print $8 }')
        h=$(printf '%s\n' "$out" | awk '/^verify \/ bare ratio:/ { print $5 }')
        load=$(cut -d' ' -f1 /proc/loadavg)
        printf 'run %d %-4s append %s entries/s, log hashing %s x bare SHA-256 (wall); load average %s\n' \
            "$i" "$side" "$r" "$h" "$load"
        rate[$side]+="$r "
        hash[$side]+="$h "
        if [ "$side" = new ]; then
            p=$(printf '%s\n' "$out" | awk '/^command of one entry/ { for (k = 1; k <= NF; k++) if ($k == "ms") { print $(k - 1); exit } }')
            s=$(printf '%s\n' "$out" | awk '/^command of one entry/ { n = 0; for (k = 1; k <= NF; k++) if ($k == "ms" && ++n == 2) { print $(k - 1); exit } }')
            c=$(printf '%s\n' "$out" | awk '/of which the checkpoint itself:/ { print $6 }')
            plain[$side]+="$p "
            sealed[$side]+="$s "
            seal[$side]+="$c "
            printf '         command of one entry: %s ms without a checkpoint, %s ms with one, of which the checkpoint %s ms\n' \
                "$p" "$s" "$c"
        fi
    done
done
rm -f "$dir"/bench_log_base.db* "$dir"/bench_log_new.db*
m() { tr ' ' '\n' <<<"$1" | grep . | median; }
awk -v e="$entries" -v r="$runs" -v br="$(m "${rate[base]}")" -v nr="$(m "${rate[new]}")" \
    -v bh="$(m "${hash[base]}")" -v nh="$(m "${hash[new]}")" -v p="$(m "${plain[new]}")" \
    -v s="$(m "${sealed[new]}")" -v c="$(m "${seal[new]}")" 'BEGIN {
    printf "ledger log, %d entries, median of %d runs each, run alternately\n", e, r
    printf "  append, baseline: %.0f entries/s; this: %.0f entries/s; ratio %.3f (target >= 0.90): %s\n",
        br, nr, nr / br, (nr / br >= 0.90 ? "within" : "BELOW")
    printf "  log hashing / bare SHA-256 (wall), baseline: %.3f; this: %.3f\n", bh, nh
    printf "  command of one entry, this build: %.3f ms without its checkpoint, %.3f ms with (%+.3f ms);\n", p, s, s - p
    printf "  the checkpoint itself (root, ECDSA P-256 signature, its row): %.3f ms a command\n", c
}'
