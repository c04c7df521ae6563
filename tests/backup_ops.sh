#!/usr/bin/env bash
# backup_ops.sh - the operations of docs/operations.md, tried as written: the
# systemd service's ExecStart line and the cron line (scripts/systemd/), with
# their paths pointed at a scratch book, run nightly three times with a
# retention of two; then the restore drill (scripts/restore_drill.sh) against
# a checkpoint kept before the backups.
#   tests/backup_ops.sh LOANDESK_BIN SOURCE_DIR
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/loandesk-ops.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

export LOANDESK_DB=$work/srv/loandesk.db
mkdir -p "$work/srv" "$work/etc" "$work/creds"
export LOANDESK_CA_PASSPHRASE=Ops-test-CA-custodians
(cd "$src" && LOANDESK_PASSWORD=Admin-pass-2026 "$bin" init >/dev/null)
# Accounts: "backup", the dedicated admin of the nightly job; a manager who
# keeps a checkpoint; an auditor who runs the drill. Each sets their own password.
for who in backup:admin mgr:manager aud:auditor; do
    name=${who%%:*} role=${who#*:}
    LOANDESK_PASSWORD=Admin-pass-2026 LOANDESK_NEW_PASSWORD=First-pass-2026 \
        "$bin" --user admin user add --username "$name" --name "$name" --role "$role" >/dev/null
    LOANDESK_PASSWORD=First-pass-2026 LOANDESK_NEW_PASSWORD="$name-Pass-2026" \
        "$bin" --user "$name" user passwd >/dev/null
done
LOANDESK_PASSWORD=aud-Pass-2026 "$bin" --user aud pki ca-cert >"$work/ca.pem"
LOANDESK_PASSWORD=mgr-Pass-2026 "$bin" --user mgr ledger checkpoint >"$work/kept.checkpoint"
mkdir -p "$LOANDESK_DB.documents/2026"
echo "contract" >"$LOANDESK_DB.documents/2026/c1.txt"
"$bin" backup keygen --out "$work/creds/backup.key" >/dev/null
printf 'backup-Pass-2026\n' >"$work/creds/backup-password"
cp "$work/creds/backup.key" "$work/etc/backup.key"
cp "$work/creds/backup-password" "$work/etc/backup-password"
chmod 600 "$work/etc/backup.key"

# The service: its ExecStart, with the unit's Environment= values.
unit=$src/scripts/systemd/loandesk-backup.service
exec_line=$(sed -n 's/^ExecStart=//p' "$unit" | sed "s|/usr/local/bin/loandesk|$bin|")
service_run() {
    env -i PATH=/usr/bin:/bin CREDENTIALS_DIRECTORY="$work/creds" LOANDESK_DB="$LOANDESK_DB" \
        LOANDESK_BACKUP_DIR="$work/backups" LOANDESK_BACKUP_KEEP=2 \
        bash -c "$exec_line"
}
# The cron line: its command, after the five time fields and the user.
cron=$(grep -v '^#' "$src/scripts/systemd/loandesk-backup.cron" | cut -d' ' -f7- |
    sed -e "s|/usr/local/bin/loandesk|$bin|" -e "s|/srv/loandesk/loandesk.db|$LOANDESK_DB|" \
        -e "s|/etc/loandesk|$work/etc|g" -e "s|/srv/backups/loandesk|$work/backups|" \
        -e "s|/var/log/loandesk/backup.log|$work/backup.log|")
cron_run() { env -i PATH=/usr/bin:/bin sh -c "$cron"; }

service_run >"$work/night1.out"
cron_run
service_run >"$work/night3.out"
grep -q "backup written" "$work/night1.out" || fail "the service wrote no backup"
grep -q "backup written" "$work/backup.log" || fail "the cron line wrote no backup"
grep -q "removed older backup" "$work/night3.out" || fail "the third night removed nothing"
count=$(ls -1 "$work/backups" | grep -c '^loandesk-.*\.ldbak$')
[ "$count" -eq 2 ] || fail "$count archives kept, not 2"
[ "$(stat -c %a "$work/backups")" = 700 ] || fail "backup folder not 0700"
for f in "$work"/backups/*.ldbak; do
    [ "$(stat -c %a "$f")" = 600 ] || fail "$f not 0600"
done

# The drill, as an auditor, with the backup custodians' key.
LOANDESK_BACKUP_KEY_FILE=$work/etc/backup.key LOANDESK_USER=aud LOANDESK_PASSWORD=aud-Pass-2026 \
    "$src/scripts/restore_drill.sh" "$bin" "$work/backups" "$work/ca.pem" \
    "$work/kept.checkpoint" >"$work/drill.out" || { cat "$work/drill.out"; fail "drill"; }
grep -q "restore drill: passed" "$work/drill.out" || fail "the drill did not pass"
# A checkpoint kept after the book moved on is not the restored history: the
# drill must refuse it (exit 6), which is what makes the passing drill mean
# something.
LOANDESK_PASSWORD=Admin-pass-2026 "$bin" --user admin policy load \
    --policy "$src/policy/default.json" >/dev/null
LOANDESK_PASSWORD=mgr-Pass-2026 "$bin" --user mgr ledger checkpoint >"$work/later.checkpoint"
set +e
LOANDESK_BACKUP_KEY_FILE=$work/etc/backup.key LOANDESK_USER=aud LOANDESK_PASSWORD=aud-Pass-2026 \
    "$src/scripts/restore_drill.sh" "$bin" "$work/backups" "$work/ca.pem" \
    "$work/later.checkpoint" >/dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 6 ] || fail "a drill against a later checkpoint gave exit $rc, not 6"
echo "backup_ops: ok"
