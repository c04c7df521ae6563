#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz for a while each and reports what
# they found. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# (default 300 seconds, every target; targets are named as in tests/fuzz, e.g.
# money, policy, verify_offline). Builds build-fuzz with clang first.
#
# New corpus entries are kept between runs in build-fuzz/fuzz-work/long/TARGET
# (the committed seeds in tests/fuzz/corpus/TARGET are only read); inputs that
# crash land in build-fuzz/fuzz-work/crashes/TARGET-crash-* (or -leak-,
# -timeout-, -oom-). Exits 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=300
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
all=(money date ident json_in policy csv canonical_json checkpoint proof verify_offline)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

command -v clang >/dev/null || { echo "fuzz.sh: clang is needed (scripts/setup.sh installs it)"; exit 1; }
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DLOANDESK_FUZZ=ON >/dev/null
cmake --build build-fuzz --target fuzz -j2 >/dev/null

work=build-fuzz/fuzz-work
mkdir -p "$work/crashes"
crashed=()
for t in "${targets[@]}"; do
    [ -d "tests/fuzz/corpus/$t" ] || { echo "fuzz.sh: no target $t (have: ${all[*]})"; exit 1; }
    mkdir -p "$work/long/$t"
    log="$work/$t.log"
    rc=0
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "build-fuzz/fuzz/fuzz_$t" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$work/crashes/$t-" "$work/long/$t" "tests/fuzz/corpus/$t" \
        >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    printf '%-16s %10s runs %8s exec/s  %-10s corpus %s files\n' "$t" "${execs:-?}" \
        "${rate:-?}" "${cov:-}" "$(find "$work/long/$t" -type f | wc -l)"
    if [ "$rc" -ne 0 ]; then
        crashed+=("$t")
        echo "  CRASH in $t (exit $rc), log $log:"
        grep -E 'ERROR:|runtime error|property does not hold|SUMMARY' "$log" | head -5 | sed 's/^/    /'
        grep -oE "Test unit written to .*" "$log" | sed 's/^/    /'
    fi
done
if [ ${#crashed[@]} -gt 0 ]; then
    echo "crashes in: ${crashed[*]} (inputs in $work/crashes/)"
    exit 1
fi
echo "no crashes"
