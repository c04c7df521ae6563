#!/usr/bin/env bash
# layering.sh - checks from the built static libraries that dependencies point
# down only (docs/design.md, "Architecture"): core uses no other module; rating
# and ledger use core only, never each other. A library breaks the rule when
# it refers to a symbol that only a library it may not use defines.
#
# usage: scripts/layering.sh NM core=LIB rating=LIB ledger=LIB reports=LIB api=LIB
# Exit 0 when every library keeps to its layer; 1, listing each offending
# symbol and where it is defined, otherwise.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 NM MODULE=LIBRARY..." >&2
    exit 2
fi
nm_tool=$1
shift

declare -A lib
for pair in "$@"; do
    lib[${pair%%=*}]=${pair#*=}
done

# Which modules each module may use (itself included).
declare -A allowed=(
    [core]="core"
    [rating]="rating core"
    [ledger]="ledger core"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for module in "${!lib[@]}"; do
    if [ ! -f "${lib[$module]}" ]; then
        echo "layering: ${lib[$module]} (the $module library) does not exist" >&2
        exit 2
    fi
    "$nm_tool" -g --defined-only "${lib[$module]}" 2>/dev/null |
        awk 'NF >= 3 { print $3 }' | sort -u >"$work/$module.defined"
done

status=0
for module in "${!allowed[@]}"; do
    [ -n "${lib[$module]:-}" ] || continue
    "$nm_tool" -g -u "${lib[$module]}" 2>/dev/null | awk '{ print $NF }' | sort -u \
        >"$work/$module.undefined"
    # What the module's own layer and those below it define is fine.
    cat /dev/null >"$work/ok"
    for below in ${allowed[$module]}; do
        [ -f "$work/$below.defined" ] && cat "$work/$below.defined" >>"$work/ok"
    done
    sort -u -o "$work/ok" "$work/ok"
    comm -23 "$work/$module.undefined" "$work/ok" >"$work/$module.outside"
    for other in "${!lib[@]}"; do
        case " ${allowed[$module]} " in *" $other "*) continue ;; esac
        comm -12 "$work/$module.outside" "$work/$other.defined" >"$work/hits"
        while read -r symbol; do
            echo "layering: $module refers to $symbol, defined in $other" >&2
            status=1
        done <"$work/hits"
    done
done
[ "$status" -eq 0 ] && echo "layering: core uses no other module; rating and ledger use core only"
exit "$status"
