#!/usr/bin/env bash
# restore_drill.sh - the restore drill of docs/operations.md: the newest
# archive in a backup folder is verified, restored into a scratch folder, and
# its ledger verified against a checkpoint kept from before, as an auditor;
# then the scratch copy is removed. Nothing touches the live book.
#
#   scripts/restore_drill.sh LOANDESK_BIN BACKUP_DIR CA.pem KEPT_CHECKPOINT
#
# Environment: LOANDESK_BACKUP_KEY_FILE (or LOANDESK_BACKUP_PASSPHRASE_FILE),
# the backup custodians' key; LOANDESK_USER and LOANDESK_PASSWORD, an auditor
# of the book (the restored book has the same accounts). Exit 0 when the
# drill passes; otherwise the failing step's exit code (6: verification).
set -euo pipefail
if [ $# -ne 4 ]; then
    echo "usage: $0 LOANDESK_BIN BACKUP_DIR CA.pem KEPT_CHECKPOINT" >&2
    exit 1
fi
bin=$1 backups=$2 ca=$3 kept=$4
# Names sort by time once ".ldbak" is off ("...Z" before "...Z-02").
newest=$(cd "$backups" && ls -1 loandesk-*.ldbak 2>/dev/null | sed 's/\.ldbak$//' | sort | tail -n 1)
[ -z "$newest" ] || newest=$backups/$newest.ldbak
if [ -z "$newest" ]; then
    echo "restore drill: no archive in $backups" >&2
    exit 4
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/loandesk-drill.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
echo "restore drill: $newest"
"$bin" backup verify "$newest" --ca "$ca" --since "$kept"
"$bin" restore "$newest" --to "$scratch/book.db" --ca "$ca"
LOANDESK_SESSION= "$bin" --db "$scratch/book.db" ledger verify --ca "$ca" --since "$kept"
echo "restore drill: passed; the restored book is the history of the kept checkpoint"
