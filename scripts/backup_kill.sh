#!/usr/bin/env bash
# backup_kill.sh - a backup killed with SIGKILL at a random moment never
# leaves an archive that claims to be complete.
#
#   scripts/backup_kill.sh LOANDESK_BIN [TRIALS] [BORROWERS] [BENCH_GEN_BIN]
#
# Makes a book (init, an officer, BORROWERS imported lines from bench_gen when
# given, so that a backup takes a while), times one whole backup, then runs
# TRIALS backups (default 20), each killed with SIGKILL after a random delay
# within that time. After each: either no file has the archive's name, or it
# passes `backup verify` (it was complete before the kill). A partial file
# left under its temporary name claims nothing; `backup verify` is run on it
# too and must refuse it (exit 6) unless the kill fell after its last byte
# was written and before the rename (then it verifies). Last,
# one more backup removes the partial files the killed runs left, and no
# plaintext copy of the book exists anywhere (a backup makes none; earlier
# versions made one beside the book or in /dev/shm). Exit 0 when all of
# this holds.
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
trials=${2:-20}
borrowers=${3:-0}
gen=${4:-}
[ -z "$gen" ] || gen=$(cd "$(dirname "$gen")" && pwd)/$(basename "$gen")
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/loandesk-kill.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

export LOANDESK_DB=$work/book.db
export LOANDESK_PASSWORD=Admin-pass-2026
export LOANDESK_CA_PASSPHRASE=Kill-test-CA-custodians
(cd "$src" && "$bin" init >/dev/null)
"$bin" backup keygen --out "$work/backup.key" >/dev/null
export LOANDESK_BACKUP_KEY_FILE=$work/backup.key
"$bin" --user admin pki ca-cert >"$work/ca.pem"
if [ "$borrowers" -gt 0 ] && [ -n "$gen" ]; then
    LOANDESK_NEW_PASSWORD=Officer-pass-2026 "$bin" --user admin user add --username off \
        --name Officer --role officer >/dev/null
    LOANDESK_PASSWORD=Officer-pass-2026 LOANDESK_NEW_PASSWORD=Officer-pass-2027 \
        "$bin" --user off user passwd >/dev/null
    "$gen" --count "$borrowers" --out "$work/gen.jsonl"
    LOANDESK_PASSWORD=Officer-pass-2027 "$bin" --user off import "$work/gen.jsonl" >/dev/null
    rm -f "$work/gen.jsonl"
fi
# One login for every trial: the kills fall in the copy, not in PBKDF2.
export LOANDESK_SESSION=$("$bin" --user admin login | tail -n 1)

now_ms() { date +%s%3N; }
start=$(now_ms)
"$bin" backup --out "$work/timing.ldbak" >/dev/null
span=$(($(now_ms) - start))
[ "$span" -ge 1 ] || span=1
rm -f "$work/timing.ldbak"
echo "one backup of $(stat -c %s "$work/book.db") bytes takes ${span} ms; $trials trials"

complete=0 nothing=0 partial=0 unnamed=0 pids=""
for i in $(seq 1 "$trials"); do
    archive=$work/t$i.ldbak
    delay=$((RANDOM % (span + span / 4 + 1)))
    "$bin" backup --out "$archive" >/dev/null 2>&1 &
    pid=$!
    pids="$pids $pid"
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ -e "$archive" ]; then
        if ! "$bin" backup verify "$archive" --ca "$work/ca.pem" >/dev/null 2>&1; then
            echo "FAIL trial $i: $archive has its final name but does not verify" >&2
            exit 1
        fi
        complete=$((complete + 1))
    else
        nothing=$((nothing + 1))
    fi
    for left in "$work"/.t"$i".ldbak.partial-*; do
        [ -e "$left" ] || continue
        partial=$((partial + 1))
        set +e
        "$bin" backup verify "$left" --ca "$work/ca.pem" >/dev/null 2>&1
        rc=$?
        set -e
        if [ "$rc" -eq 0 ]; then
            unnamed=$((unnamed + 1))
        elif [ "$rc" -ne 6 ]; then
            echo "FAIL trial $i: the partial $left was not refused (exit $rc, not 6)" >&2
            exit 1
        fi
    done
done
echo "killed: $nothing left no archive ($partial partial files: $((partial - unnamed)) refused by verify, $unnamed written whole but not yet renamed), $complete had finished and verify"
if [ $((nothing)) -eq 0 ]; then
    echo "FAIL: no kill fell before a backup finished; nothing was tested" >&2
    exit 1
fi
"$bin" backup --out "$work/after.ldbak" >/dev/null
if ls -A "$work" | grep -q -- '\.backup-work-\|\.partial-'; then
    echo "FAIL: the next backup left what killed runs made:" >&2
    ls -A "$work" >&2
    exit 1
fi
# No plaintext copy of the book in memory (/dev/shm) either.
for pid in $pids; do
    if [ -e "/dev/shm/loandesk-backup-work-$pid" ]; then
        echo "FAIL: /dev/shm/loandesk-backup-work-$pid of a killed run is still there" >&2
        exit 1
    fi
done
echo "backup_kill: ok"
