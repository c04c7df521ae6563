#!/usr/bin/env bash
# The whole flow of loandesk on a fresh database in demo/: accounts for every
# role, borrowers, applications with guarantors, collateral and pre-loan
# investigations, rating, four-eyes approval and rejection, and the audit trail.
# Ends by saying what it made and how to go on by hand.
# Then serves the demo book over HTTP at http://127.0.0.1:8080 in the
# foreground (Ctrl-C stops it), unless --no-serve is given.
set -euo pipefail
serve=true
for arg in "$@"; do
    case $arg in
    --no-serve) serve=false ;;
    *) echo "usage: scripts/demo.sh [--no-serve]" >&2; exit 1 ;;
    esac
done
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null

root=$(pwd)
L="$root/build/loandesk"
D="$root/scripts/demo"
rm -rf demo
mkdir -p demo
export LOANDESK_DB="$root/demo/loandesk.db"
# The book is kept in memory while the demo runs (a commit is an fsync on
# disk, and the portfolio below makes tens of thousands), and copied to
# demo/loandesk.db at the end.
scratch=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    scratch=$(mktemp -d /dev/shm/loandesk-demo.XXXXXX)
    trap 'rm -rf "$scratch"' EXIT
    export LOANDESK_DB="$scratch/loandesk.db"
fi
unset LOANDESK_TODAY LOANDESK_SESSION

ADMIN_PW=Admin2026pass
declare -A PW=([chen]=Chen2026pass [liu]=Liu2026pass [wang]=Wang2026pass
               [zhao]=Zhao2026pass [sun]=Sun2026pass)

step() { printf '\n== %s\n' "$*"; }
as() { local who=$1; shift; LOANDESK_USER=$who LOANDESK_PASSWORD=${PW[$who]} "$L" "$@"; }
admin() { LOANDESK_USER=admin LOANDESK_PASSWORD=$ADMIN_PW "$L" "$@"; }
# Runs a command that must be refused, and shows the refusal.
refused() {
    local rc=0
    "$@" || rc=$?
    [ "$rc" -ne 0 ] || { echo "expected a refusal"; exit 1; }
    echo "(refused as expected, exit code $rc)"
}

step "initialise the database, the institution's CA and the admin account"
# The CA key is guarded by its two custodians' passphrase halves (dual
# control), each read from a file of its own, never from the command line or
# any login; the institution key that signs the ledger goes to a key file
# beside the database that only this account reads (docs/ledger.md).
umask 077
printf '%s\n' 'custodian-one-2026' >demo/ca-half-1
printf '%s\n' 'custodian-two-2026' >demo/ca-half-2
export LOANDESK_CA_PASSPHRASE_FILE="$root/demo/ca-half-1" LOANDESK_CA_PASSPHRASE2_FILE="$root/demo/ca-half-2"
LOANDESK_PASSWORD=$ADMIN_PW "$L" init --admin admin --institution "示范商业银行"
ls -l "$LOANDESK_DB.institution-key"
# The auditor takes the CA certificate (or its fingerprint) once, from outside
# the data every verification checks.
admin pki ca-cert >demo/ca.pem
openssl x509 -in demo/ca.pem -outform DER | sha256sum | cut -d' ' -f1 >demo/ca.fingerprint

step "accounts for every role"
# The admin gives each a first password; each replaces it at first use.
FIRST_PW=First-pass-2026
LOANDESK_NEW_PASSWORD=$FIRST_PW admin user add --username chen --name 陈晓 --role officer
LOANDESK_NEW_PASSWORD=$FIRST_PW admin user add --username liu --name 刘洋 --role officer
LOANDESK_NEW_PASSWORD=$FIRST_PW admin user add --username wang --name 王敏 --role reviewer
LOANDESK_NEW_PASSWORD=$FIRST_PW admin user add --username zhao --name 赵强 --role manager
LOANDESK_NEW_PASSWORD=$FIRST_PW admin user add --username sun --name 孙丽 --role auditor
echo "-- a first password must be changed before anything else:"
refused env LOANDESK_USER=chen LOANDESK_PASSWORD=$FIRST_PW "$L" borrower list
for who in chen liu wang zhao sun; do
    LOANDESK_USER=$who LOANDESK_PASSWORD=$FIRST_PW LOANDESK_NEW_PASSWORD=${PW[$who]} "$L" user passwd
done
admin user list
echo "-- the admin's own password change leaves the CA to its custodians; user add still works:"
LOANDESK_NEW_PASSWORD=Admin2026pass-new admin user passwd
ADMIN_PW=Admin2026pass-new
LOANDESK_NEW_PASSWORD=$FIRST_PW admin user add --username qian --name 钱敏 --role reviewer
# The CA halves go back to their custodians: nothing below needs them.
unset LOANDESK_CA_PASSPHRASE_FILE LOANDESK_CA_PASSPHRASE2_FILE

# The portfolio's life is played out over 2026: files are taken in May, loans
# disbursed on 25 May, and the books closed month by month to 25 November.
# LOANDESK_TODAY is the business date the system works on.
export LOANDESK_TODAY=2026-05-20

step "officers register borrowers"
as chen borrower add --json "$D/borrower-zhang.json"
as chen borrower add --json "$D/borrower-huaxin.json"
as liu borrower add --json "$D/borrower-wang.json"
as chen borrower list
echo "-- another officer may not read chen's customer:"
refused as liu borrower show 1

step "applications with guarantors, collateral and pre-loan investigations"
as chen app create --json "$D/app-zhang.json"
as chen app create --json "$D/app-huaxin.json"
as liu app create --json "$D/app-wang.json"

step "the customer archive: each product's checklist, documents stored once by SHA-256, checked"
# Scans as the officers receive them (PDF, JPEG or PNG: judged by content).
for f in id-zhang id-wang licence-huaxin articles-huaxin accounts-huaxin bank-huaxin \
    consent-huaxin contract-1 contract-2; do
    printf '%%PDF-1.4\n%% %s\n%%%%EOF\n' "$f" >"demo/$f.pdf"
done
echo "-- submission is refused while the checklist's documents are missing:"
refused as chen app submit 1
as chen doc add borrower 1 --type id_card --file demo/id-zhang.pdf --expires 2036-03-01
as chen doc add borrower 2 --type business_licence --file demo/licence-huaxin.pdf --expires 2026-06-10
as chen doc add borrower 2 --type articles --file demo/articles-huaxin.pdf
as chen doc add borrower 2 --type financial_statements --file demo/accounts-huaxin.pdf
as chen doc add application 2 --type bank_statements --file demo/bank-huaxin.pdf
as chen doc add application 2 --type guarantor_consent --file demo/consent-huaxin.pdf
as liu doc add borrower 3 --type id_card --file demo/id-wang.pdf --expires 2031-09-30
echo "-- the same file again is recorded, not stored twice:"
as chen doc add borrower 1 --type other --file demo/id-zhang.pdf
echo "-- each document is checked for authenticity, legality and validity:"
for doc in 1 2 3 4 5 6 8; do as chen doc check $doc --authentic yes --legal yes --valid yes; done
as liu doc check 7 --authentic yes --legal yes --valid yes --note "原件已核对"
as chen doc list application 2
echo "-- the business licence lapses within 30 days:"
as chen doc expiring
for app in 1 2; do as chen app submit $app; done
as liu app submit 3
as chen app show 2

step "rating: scorecard, grade, recommended terms and reason codes"
as chen rate 1
as wang rate 2
as wang rate 3
as wang rating show 2 --json >demo/rating-2.json
echo "full rating of application 2 written to demo/rating-2.json"

step "four-eyes approval within authority"
echo "-- the officer who prepared the file may not approve it:"
refused as chen app approve 1
as wang app approve 1
echo "-- 5,000,000.00 is above the reviewer's authority of 1,000,000.00:"
refused as wang app approve 2
as zhao app approve 2 --reason "授信额度内，担保充足"
as wang app reject 3 --reason "负债收入比过高，第一还款来源不足"
as zhao app list

step "disbursement (manager): loans with their repayment schedules"
# Every command that appends to the log signs a checkpoint over it with the
# institution key file: the manager needs nobody's password.
export LOANDESK_TODAY=2026-05-25
echo "-- disbursement needs the signed contract (借款合同), checked:"
refused as zhao loan disburse 1 --date 2026-05-25
as chen doc add application 1 --type signed_contract --file demo/contract-1.pdf
as chen doc add application 2 --type signed_contract --file demo/contract-2.pdf
as chen doc check 9 --authentic yes --legal yes --valid yes
as chen doc check 10 --authentic yes --legal yes --valid yes
as zhao loan disburse 1 --date 2026-05-25
as zhao loan disburse 2 --date 2026-05-25
echo "-- disbursing a rejected application is refused:"
refused as zhao loan disburse 3 --date 2026-05-25

step "a loan book worth analysing: 2,000 borrowers from the generator, lent month by month"
# Officer 周婷 takes over a book of two years: applications generated as of
# October 2024 (bench_gen), imported, then played forward month by month
# from November 2024 through the operations API (demo_book): repayments on the
# 10th, new loans rated, approved within authority and disbursed, the close of
# business at each month's end, three loans in a hundred falling into arrears, and
# loans 180 days past due written off each quarter. May to November 2026 run
# beside the walkthrough's loans, whose close of business closes them too.
# The CA custodians unlock the CA once more, for the new officer's certificate.
LOANDESK_CA_PASSPHRASE_FILE="$root/demo/ca-half-1" LOANDESK_CA_PASSPHRASE2_FILE="$root/demo/ca-half-2" \
    LOANDESK_NEW_PASSWORD=$FIRST_PW admin user add --username zhou --name 周婷 --role officer
PW[zhou]=Zhou2026pass
LOANDESK_USER=zhou LOANDESK_PASSWORD=$FIRST_PW LOANDESK_NEW_PASSWORD=${PW[zhou]} "$L" user passwd
"$root/build/bench_gen" --count 2000 --seed 2026 --today 2024-10-31 --out demo/portfolio.jsonl
LOANDESK_TODAY=2024-11-01 as zhou import demo/portfolio.jsonl
export DEMO_OFFICER=zhou DEMO_OFFICER_PW=${PW[zhou]} DEMO_REVIEWER=wang DEMO_REVIEWER_PW=${PW[wang]}
export DEMO_MANAGER=zhao DEMO_MANAGER_PW=${PW[zhao]}
book() { "$root/build/demo_book" --db "$LOANDESK_DB" --per-month 30 "$@"; }
book --from 2024-11 --to 2026-04
book --from 2026-05 --to 2026-05 --no-cob

step "six months of repayments and close of business"
# 张伟 pays every month; 华鑫 pays its interest until August, then stops.
for month in 06 07 08 09 10 11; do
    book --from 2026-$month --to 2026-$month --no-cob >/dev/null
    day=2026-$month-25
    export LOANDESK_TODAY=$day
    as chen loan repay 1 --amount 9000.00 --date "$day" >/dev/null
    if [ "$month" -le 08 ]; then
        as chen loan repay 2 --amount 17100.00 --date "$day" >/dev/null
    fi
    case $month in 06|09|11) end=$day ;; 07|08|10) end=2026-$month-31 ;; esac
    [ "$month" = 11 ] && end=2026-11-25
    [ "$month" = 06 ] && end=2026-06-30
    [ "$month" = 09 ] && end=2026-09-30
    export LOANDESK_TODAY=$end
    as zhao --quiet cob --date "$end"
    case $month in
    06) LOANDESK_TODAY=2026-06-08 as chen inspection add 1 --json "$D/inspection-zhang-first.json" ;;
    09) LOANDESK_TODAY=2026-09-30 as chen inspection add 2 --json "$D/inspection-huaxin-special.json" ;;
    esac
done
as chen loan show 2
echo "-- a repayment dated before the last close of business needs --backdated and a reason:"
refused as chen loan repay 1 --amount 100.00 --date 2026-11-01

step "the books: trial balance on 2026-11-25"
as sun journal trial-balance --date 2026-11-25

step "post-loan inspections due"
as chen inspection due --date 2026-11-25

step "signed workbooks: inspection, rating, loan ledger, portfolio"
as chen report inspection 2 -o demo/inspection-loan-2.xlsx
as chen report inspection 2 --lang en -o demo/inspection-loan-2-en.xlsx
as chen report investigation 2 -o demo/investigation-app-2.xlsx
as chen report investigation 1 --lang en -o demo/investigation-app-1-en.xlsx
as wang report rating 2 -o demo/rating-app-2.xlsx
as wang report rating 2 --lang en -o demo/rating-app-2-en.xlsx
# November's ledger: every loan on the books in the month, its journal lines.
as zhao report ledger --from 2026-11-01 --to 2026-11-25 -o demo/ledger-2026-11.xlsx
as zhao report ledger --from 2026-11-01 --to 2026-11-25 --lang en -o demo/ledger-2026-11-en.xlsx
# The portfolio over the last year: migration since 2025-11-25.
as zhao report portfolio --date 2026-11-25 --since 2025-11-25 -o demo/portfolio-2026-11-25.xlsx
as zhao report portfolio --date 2026-11-25 --since 2025-11-25 --lang en \
    -o demo/portfolio-2026-11-25-en.xlsx
echo "-- stock OpenSSL verifies each signature against the CA:"
for f in demo/*.xlsx; do
    openssl cms -verify -binary -inform DER -in "$f.p7s" -content "$f" -CAfile demo/ca.pem \
        -out /dev/null 2>&1 | sed "s|^|$f: |"
done
echo "-- loandesk verify checks signature, CA chain, revocation and the ledger entry:"
as sun verify demo/inspection-loan-2.xlsx --ca demo/ca.pem
cp demo/rating-app-2.xlsx demo/tampered.xlsx
printf 'x' | dd of=demo/tampered.xlsx bs=1 seek=200 conv=notrunc 2>/dev/null
cp demo/rating-app-2.xlsx.p7s demo/tampered.xlsx.p7s
echo "-- one changed byte:"
refused as sun verify demo/tampered.xlsx --ca demo/ca.pem
rm -f demo/tampered.xlsx demo/tampered.xlsx.p7s

step "the ledger: checkpoint, verify under the auditor's CA, export, verify the export offline"
echo "-- the auditor keeps a checkpoint; later verifications prove the log still extends it:"
as zhao ledger checkpoint | tee demo/kept-checkpoint
as sun ledger verify --ca demo/ca.pem --since demo/kept-checkpoint
echo "-- the archive: every stored document matches the SHA-256 the ledger holds:"
as sun doc verify
echo "-- verification never trusts the CA the data carries: without an anchor it will not start:"
refused as sun ledger verify
as sun ledger export --out "$root/demo/ledger-export"
echo "-- offline, with nothing but the export and the CA fingerprint the auditor holds:"
(cd /tmp && env -u LOANDESK_DB -u LOANDESK_USER -u LOANDESK_PASSWORD \
    "$L" ledger verify --offline "$root/demo/ledger-export" \
    --ca-fingerprint "$(cat "$root/demo/ca.fingerprint")" --since "$root/demo/kept-checkpoint")
as sun verify demo/rating-app-2.xlsx --ca demo/ca.pem --ledger-export demo/ledger-export
as sun ledger prove --entry 3 >demo/proof-entry-3.json
"$L" ledger verify-proof demo/proof-entry-3.json --ca demo/ca.pem

step "the audit trail (auditor)"
as sun audit list --limit 12

# The book kept in memory goes to demo/loandesk.db, which later steps use.
if [ -n "$scratch" ]; then
    sqlite3 "$LOANDESK_DB" ".backup '$root/demo/loandesk.db'"
    cp -p "$LOANDESK_DB.institution-key" "$root/demo/loandesk.db.institution-key"
    # The customer archive goes with its database (docs/care.md).
    cp -a "$LOANDESK_DB.documents" "$root/demo/loandesk.db.documents"
    export LOANDESK_DB="$root/demo/loandesk.db"
    rm -rf "$scratch"
    trap - EXIT
fi

cat <<EOF2

== done
Database:      demo/loandesk.db
CA certificate: demo/ca.pem (fingerprint in demo/ca.fingerprint)
Keys:          demo/loandesk.db.institution-key (institution key, 0600); CA key in the database
               under the custodians' passphrase halves demo/ca-half-1 and demo/ca-half-2
Kept checkpoint: demo/kept-checkpoint
Rating:        demo/rating-2.json
Ledger export: demo/ledger-export/ (entries.jsonl, checkpoints, consistency, institution.pem, ca.pem)
Proof:         demo/proof-entry-3.json
Workbooks:     demo/*.xlsx, each with its signature demo/*.xlsx.p7s
Accounts (user / password / role):
  admin / $ADMIN_PW / admin
  chen / ${PW[chen]} / officer
  liu / ${PW[liu]} / officer
  zhou / ${PW[zhou]} / officer (the generated book)
  wang / ${PW[wang]} / reviewer
  zhao / ${PW[zhao]} / manager
  sun / ${PW[sun]} / auditor
Go on by hand, e.g.:
  export LOANDESK_DB=demo/loandesk.db LOANDESK_USER=chen LOANDESK_PASSWORD=${PW[chen]}
  build/loandesk app list
  build/loandesk help
EOF2

if $serve; then
    cat <<EOF3

== the HTTP API (docs/http.md) on the demo book, as of $LOANDESK_TODAY
URL:  http://127.0.0.1:8080/api/v1/   (the routes: http://127.0.0.1:8080/api/v1/openapi.json)
Log in with any account above, e.g.:
  curl -s -X POST http://127.0.0.1:8080/api/v1/session -H 'Content-Type: application/json' \\
       -d '{"username":"chen","password":"${PW[chen]}","mode":"bearer"}'
Ctrl-C stops the server.
EOF3
    exec "$L" serve --listen 127.0.0.1:8080 --reports-dir "$root/demo/http-reports"
fi
