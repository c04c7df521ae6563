#!/usr/bin/env bash
# Close of business against a baseline build, side by side: runs the baseline's
# bench_cob and this build's in turn, RUNS times each over the same number of
# loans, and prints the median of each (wall clock and processor time of the
# timed close) and their ratio. Target: this build within 10 % of the baseline.
#   bench/cob_baseline.sh BASE_BENCH_COB NEW_BENCH_COB [LOANS] [RUNS] [DB_DIR]
# The baseline is bench_cob built from an earlier commit, e.g.
#   git worktree add /tmp/base COMMIT && cmake -S /tmp/base -B /tmp/base/build \
#     -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build /tmp/base/build --target bench_cob
set -euo pipefail
base=$1
new=$2
loans=${3:-1000000}
runs=${4:-3}
dir=${5:-/tmp}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A wall cpu
for ((i = 1; i <= runs; i++)); do
    for side in base new; do
        bin=$base
        [ "$side" = new ] && bin=$new
        out=$("$bin" "$loans" "$dir/bench_cob_$side.db")
        w=$(printf '%s\n' "$out" | awk '$1 == "cob:" { print $5 }')
        c=$(printf '%s\n' "$out" | awk '/^cob processor time:/ { print $4 }')
        printf 'run %d %-4s cob %s s, processor %s s\n' "$i" "$side" "$w" "$c"
        wall[$side]+="$w "
        cpu[$side]+="$c "
    done
done
rm -f "$dir"/bench_cob_base.db* "$dir"/bench_cob_new.db*
bw=$(tr ' ' '\n' <<<"${wall[base]}" | grep . | median)
nw=$(tr ' ' '\n' <<<"${wall[new]}" | grep . | median)
bc=$(tr ' ' '\n' <<<"${cpu[base]}" | grep . | median)
nc=$(tr ' ' '\n' <<<"${cpu[new]}" | grep . | median)
awk -v l="$loans" -v r="$runs" -v bw="$bw" -v nw="$nw" -v bc="$bc" -v nc="$nc" 'BEGIN {
    printf "close of business over %d loans, median of %d runs each\n", l, r
    printf "  baseline: %.2f s (processor %.2f s)\n", bw, bc
    printf "  this:     %.2f s (processor %.2f s)\n", nw, nc
    printf "  ratio this / baseline: %.3f wall, %.3f processor (target <= 1.10): %s\n", nw / bw,
        nc / bc, (nc / bc <= 1.10 ? "within" : "OVER")
}'
