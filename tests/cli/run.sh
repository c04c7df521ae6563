#!/usr/bin/env bash
# run.sh - end-to-end tests of the loandesk command line.
#
#   tests/cli/run.sh LOANDESK_BIN SOURCE_DIR [NAME_FRAGMENT]
#
# Builds one database through the command line itself (init, one user of each
# role, borrowers and applications in known states, see "Setup" below), then
# runs every tests/cli/cases/*.case against its own copy of that database, so
# cases cannot disturb each other and the slow logins of the setup happen once.
#
# A case file is a list of lines; '#' starts a comment. Each `run:` line is one
# command, and the expectation lines after it apply to that command:
#   desc: what the case proves (printed on failure)
#   user: NAME            log in as NAME for the following runs (password known)
#   password: TEXT        override the password of the following runs
#   env: NAME=VALUE       extra environment for the following runs
#   stdin: TEXT           a line of standard input for the next run (repeatable)
#   stdin-file: FILE      standard input for the next run from cases/FILE
#   run: ARGS             loandesk ARGS (shell words, quotes allowed); $CASE_DIR,
#                         $DATA and $CA (the book's CA certificate) are expanded
#   exit: N               expected exit code (0 when not given)
#   stdout: TEXT          stdout contains TEXT      (!stdout: must not)
#   stderr: TEXT          stderr contains TEXT      (!stderr: must not)
#   stdout-is: FILE       stdout equals cases/FILE byte for byte
#   unchanged             the database holds exactly what it held before the
#                         run, apart from the audit rows of refused attempts
#   denied: N             the run added exactly N refused-attempt audit rows
#   sql: QUERY => VALUE   the query's single value after the run
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 LOANDESK_BIN SOURCE_DIR [NAME_FRAGMENT]" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(cd "$2" && pwd)
ONLY=${3:-}
CASES=$SRC/tests/cli/cases
export DATA=$CASES

WORK=$(mktemp -d "${TMPDIR:-/tmp}/loandesk-cli.XXXXXX")
[ -z "${LOANDESK_CLI_KEEP:-}" ] && trap 'rm -rf "$WORK"' EXIT

# The sqlite3 tool makes "unchanged" an exact comparison of every table; without
# it (or with LOANDESK_CLI_NO_SQLITE=1) the program's own listings are compared.
have_sqlite=0
command -v sqlite3 >/dev/null 2>&1 && [ -z "${LOANDESK_CLI_NO_SQLITE:-}" ] && have_sqlite=1
# Cases run in parallel (LOANDESK_CLI_JOBS, default: the number of CPUs); each has its own copy.
jobs_max=${LOANDESK_CLI_JOBS:-$(nproc 2>/dev/null || echo 2)}

# Everything runs on one fixed day, so ages and password dates are stable.
export LOANDESK_TODAY=2026-06-15
unset LOANDESK_USER LOANDESK_PASSWORD LOANDESK_NEW_PASSWORD LOANDESK_DB LOANDESK_SESSION

ADMIN_PASSWORD=Admin-pass-2026
# The CA custodians' passphrase (never a login's): init and the admin's user
# add and reset read it, as a custodian would hand it over for the command.
export LOANDESK_CA_PASSPHRASE=Cli-CA-custodians-2026
unset LOANDESK_CA_PASSPHRASE_FILE LOANDESK_CA_PASSPHRASE2 LOANDESK_CA_PASSPHRASE2_FILE
unset LOANDESK_INSTITUTION_KEY LOANDESK_INSTITUTION_KEY_PASSPHRASE_FILE
USER_PASSWORD=User-pass-2026
FIRST_PASSWORD=First-pass-2026
password_of() {
    case $1 in
    admin) echo "$ADMIN_PASSWORD" ;;
    *) echo "$USER_PASSWORD" ;;
    esac
}

# ---- Setup -----------------------------------------------------------------
# users: admin; off1, off2 (officers); rev1 (reviewer, 1,000,000.00);
#        rev2 (reviewer, 50,000.00); mgr (manager); aud (auditor)
# borrower 1 Zhang San (off1), 2 Li Si (off1), 3 Wang Wu (off2)
# app 1: borrower 1, draft, 100000.00 PCL 24 months annuity, no investigation
# app 2: borrower 2, submitted
# app 3: borrower 2, rated (by rev1)
# app 4: borrower 3, draft (off2's customer)
# documents: 1-3 the ID cards of borrowers 1-3, 4-7 the signed contracts of
#            apps 1-4, each checked by its officer (the PCL checklist)
BASE=$WORK/base.db
setup_step() {
    local user=$1
    shift
    local out
    if ! out=$(LOANDESK_DB=$BASE LOANDESK_USER=$user \
        LOANDESK_PASSWORD=${SETUP_PASSWORD:-$(password_of "$user")} \
        LOANDESK_NEW_PASSWORD=${SETUP_NEW_PASSWORD:-$USER_PASSWORD} "$BIN" "$@" 2>&1 \
        <"${SETUP_STDIN:-/dev/null}"); then
        echo "setup failed: loandesk $*" >&2
        echo "$out" >&2
        exit 1
    fi
}
person() { # name id
    printf '{"kind": "individual", "name": "%s", "id_number": "%s", "phone": "13800138000",
 "address": "1 Chang'"'"'an Ave, Beijing", "employer": "Acme", "years_employed": 6,
 "monthly_income": "30000.00", "existing_debt": "0.00"}\n' "$1" "$2"
}
setup() {
    LOANDESK_DB=$BASE LOANDESK_PASSWORD=$ADMIN_PASSWORD "$BIN" init --admin admin >/dev/null ||
        {
            echo "setup failed: init" >&2
            exit 1
        }
    # The CA certificate an auditor holds from outside the system: every
    # verification takes it (--ca $CA), never the one in the data.
    LOANDESK_DB=$BASE LOANDESK_USER=admin LOANDESK_PASSWORD=$ADMIN_PASSWORD "$BIN" pki ca-cert \
        >"$WORK/ca.pem" </dev/null || {
        echo "setup failed: pki ca-cert" >&2
        exit 1
    }
    export CA=$WORK/ca.pem
    # The admin gives a first password; each user replaces it at first use.
    SETUP_NEW_PASSWORD=$FIRST_PASSWORD setup_step admin user add --username off1 --name "Officer One" --role officer
    SETUP_NEW_PASSWORD=$FIRST_PASSWORD setup_step admin user add --username off2 --name "Officer Two" --role officer
    SETUP_NEW_PASSWORD=$FIRST_PASSWORD setup_step admin user add --username rev1 --name "Reviewer One" --role reviewer
    SETUP_NEW_PASSWORD=$FIRST_PASSWORD setup_step admin user add --username rev2 --name "Reviewer Two" --role reviewer --limit 50000.00
    SETUP_NEW_PASSWORD=$FIRST_PASSWORD setup_step admin user add --username mgr --name "Manager" --role manager
    SETUP_NEW_PASSWORD=$FIRST_PASSWORD setup_step admin user add --username aud --name "Auditor" --role auditor
    local u
    for u in off1 off2 rev1 rev2 mgr aud; do
        SETUP_PASSWORD=$FIRST_PASSWORD setup_step "$u" user passwd
    done
    person "Zhang San" 11010519900501123X >"$WORK/b1.json"
    person "Li Si" 110105198503032223 >"$WORK/b2.json"
    person "Wang Wu" 110105197502023216 >"$WORK/b3.json"
    setup_step off1 borrower add --json "$WORK/b1.json"
    setup_step off1 borrower add --json "$WORK/b2.json"
    setup_step off2 borrower add --json "$WORK/b3.json"
    local app=(--product PCL --amount 100000.00 --term-months 24 --method annuity --purpose "home renovation")
    local inv=(--site-visit-date 2026-06-01 --operations "salaried, stable" --assets-liabilities "owns a flat"
        --repayment-capacity "payment is 15% of income" --conclusion "recommend")
    setup_step off1 app create --borrower-id 1 "${app[@]}"
    setup_step off1 app create --borrower-id 2 "${app[@]}"
    setup_step off1 app create --borrower-id 2 "${app[@]}"
    setup_step off2 app create --borrower-id 3 "${app[@]}"
    printf '%%PDF-1.4\n%%id card\n' >"$WORK/id.pdf"
    printf '%%PDF-1.4\n%%signed contract\n' >"$WORK/contract.pdf"
    local target officer
    for target in "borrower 1 off1" "borrower 2 off1" "borrower 3 off2"; do
        set -- $target
        setup_step "$3" doc add borrower "$2" --type id_card --file "$WORK/id.pdf" --expires 2036-06-01
    done
    for target in "1 off1" "2 off1" "3 off1" "4 off2"; do
        set -- $target
        setup_step "$2" doc add application "$1" --type signed_contract --file "$WORK/contract.pdf"
    done
    for target in "1 off1" "2 off1" "3 off2" "4 off1" "5 off1" "6 off1" "7 off2"; do
        set -- $target
        setup_step "$2" doc check "$1" --authentic yes --legal yes --valid yes
    done
    setup_step off1 investigation add 2 "${inv[@]}"
    setup_step off1 investigation add 3 "${inv[@]}"
    setup_step off1 app submit 2
    setup_step off1 app submit 3
    setup_step rev1 rate 3
    # One login per user for all cases: each case's copy of the database holds
    # these sessions, so a step that names only its user presents the token
    # instead of paying the password hash again. Steps that give a password
    # (login cases) still log in with it.
    mkdir -p "$WORK/tokens"
    for u in admin off1 off2 rev1 rev2 mgr aud; do
        LOANDESK_DB=$BASE LOANDESK_USER=$u LOANDESK_PASSWORD=$(password_of "$u") "$BIN" login \
            >"$WORK/tokens/$u" </dev/null || {
            echo "setup failed: login $u" >&2
            exit 1
        }
    done
    if [ "$have_sqlite" = 1 ]; then
        sqlite3 "$BASE" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
    fi
}

# ---- Checks ----------------------------------------------------------------
# What "the database holds": every table but the refusals, which a refused
# command is meant to leave behind.
snapshot() {
    local db=$1
    if [ "$have_sqlite" = 1 ]; then
        # A refusal's audit row is also recorded in the ledger, by an entry of
        # its own, signed by a checkpoint of its own: those entries (and the
        # tree nodes and checkpoints they add) are left out, every other entry
        # is compared byte for byte.
        sqlite3 "$db" .dump | grep -v "^INSERT INTO audit_event.*'denied'" |
            grep -v "^INSERT INTO user_session" | grep -v "^INSERT INTO ledger_entry" |
            grep -v "^INSERT INTO ledger_node" | grep -v "^INSERT INTO ledger_checkpoint"
        sqlite3 "$db" "SELECT hex(body) FROM ledger_entry WHERE NOT (CAST(body AS TEXT) LIKE
            '{%\"rows\":[[\"audit_event\",%' AND instr(CAST(body AS TEXT), '\"denied\"') > 0
            AND instr(CAST(body AS TEXT), ']],[') = 0) ORDER BY seq"
    else
        # Without the sqlite3 tool: what the program itself shows a manager,
        # the accounts an admin sees, and how many changes the trail holds.
        local u
        for u in "borrower list --json" "app list --json"; do
            LOANDESK_DB=$db LOANDESK_USER=mgr LOANDESK_PASSWORD=$USER_PASSWORD "$BIN" $u
        done
        LOANDESK_DB=$db LOANDESK_USER=admin LOANDESK_PASSWORD=$ADMIN_PASSWORD "$BIN" user list --json
        LOANDESK_DB=$db LOANDESK_USER=admin LOANDESK_PASSWORD=$ADMIN_PASSWORD "$BIN" audit list \
            --limit 100000 --json | grep -c '"outcome":.*"ok"'
    fi
}
denial_count() {
    if [ "$have_sqlite" = 1 ]; then
        sqlite3 "$1" "SELECT count(*) FROM audit_event WHERE outcome = 'denied'"
    else
        LOANDESK_DB=$1 LOANDESK_USER=admin LOANDESK_PASSWORD=$ADMIN_PASSWORD "$BIN" audit list \
            --limit 100000 --json | grep -c '"denied"'
    fi
}

failures=0
passed=0
skipped_sql=0
case_failed=0
fail() {
    echo "  $*"
    case_failed=1
}

# Runs one step and checks its expectations; state in globals below.
step_pending=0
step_args=""
step_user=""
step_password=""
step_stdin=""
step_env=()
expectations=()
run_step() {
    [ "$step_pending" = 0 ] && return
    local dir=$1 db=$1/db
    local before_dump="" before_denied=0 needs_dump=0 needs_denied=0 e
    for e in "${expectations[@]}"; do
        case $e in
        unchanged) needs_dump=1 ;;
        denied:*) needs_denied=1 ;;
        esac
    done
    [ "$needs_dump" = 1 ] && before_dump=$(snapshot "$db")
    [ "$needs_denied" = 1 ] && before_denied=$(denial_count "$db")
    local -a args
    eval "args=($step_args)"
    local password=$step_password
    [ -z "$password" ] && [ -n "$step_user" ] && password=$(password_of "$step_user")
    local stdin_file=$dir/stdin
    printf '%s' "$step_stdin" >"$stdin_file"
    local rc
    (
        export LOANDESK_DB=$db
        [ -n "$step_user" ] && export LOANDESK_USER=$step_user
        [ -n "$password" ] && export LOANDESK_PASSWORD=$password
        if [ -z "$step_password" ] && [ -n "$step_user" ] && [ -s "$WORK/tokens/$step_user" ]; then
            LOANDESK_SESSION=$(cat "$WORK/tokens/$step_user")
            export LOANDESK_SESSION
        fi
        export LOANDESK_NEW_PASSWORD=New-pass-2026x
        for kv in "${step_env[@]}"; do export "${kv?}"; done
        cd "$dir" && exec "$BIN" "${args[@]}"
    ) <"$stdin_file" >"$dir/stdout" 2>"$dir/stderr"
    rc=$?
    local expected_exit=0 text
    for e in "${expectations[@]}"; do
        case $e in
        exit:*) expected_exit=${e#exit:} ;;
        esac
    done
    if [ "$rc" != "$expected_exit" ]; then
        fail "loandesk $step_args: exit $rc, expected $expected_exit"
    fi
    for e in "${expectations[@]}"; do
        text=${e#*:}
        case $e in
        stdout:*) grep -qF -- "$text" "$dir/stdout" || fail "loandesk $step_args: stdout lacks \"$text\"" ;;
        stderr:*) grep -qF -- "$text" "$dir/stderr" || fail "loandesk $step_args: stderr lacks \"$text\"" ;;
        '!stdout:'*) ! grep -qF -- "$text" "$dir/stdout" || fail "loandesk $step_args: stdout has \"$text\"" ;;
        '!stderr:'*) ! grep -qF -- "$text" "$dir/stderr" || fail "loandesk $step_args: stderr has \"$text\"" ;;
        stdout-is:*)
            if ! cmp -s "$CASES/$text" "$dir/stdout"; then
                fail "loandesk $step_args: stdout differs from $text:"
                diff "$CASES/$text" "$dir/stdout" | head -10 | sed 's/^/    /'
            fi
            ;;
        unchanged)
            if [ "$(snapshot "$db")" != "$before_dump" ]; then
                fail "loandesk $step_args: the database changed:"
                diff <(echo "$before_dump") <(snapshot "$db") | head -10 | sed 's/^/    /'
            fi
            ;;
        denied:*)
            local now
            now=$(denial_count "$db")
            [ $((now - before_denied)) = "$text" ] ||
                fail "loandesk $step_args: $((now - before_denied)) refusals recorded, expected $text"
            ;;
        sql:*)
            if [ "$have_sqlite" = 1 ]; then
                local query=${text%% => *} want=${text##* => } got
                got=$(sqlite3 "$db" "$query")
                [ "$got" = "$want" ] || fail "sql $query: got \"$got\", expected \"$want\""
            else
                skipped_sql=$((skipped_sql + 1))
            fi
            ;;
        esac
    done
    if [ "$case_failed" = 1 ]; then
        sed 's/^/    stdout| /' "$dir/stdout" | head -15
        sed 's/^/    stderr| /' "$dir/stderr" | head -8
    fi
    step_pending=0
    step_args=""
    step_stdin=""
    expectations=()
}

run_case() {
    local file=$1 name dir line key value
    name=$(basename "$file" .case)
    dir=$WORK/$name
    mkdir -p "$dir"
    cp "$BASE" "$dir/db"
    [ -f "$BASE-wal" ] && cp "$BASE-wal" "$dir/db-wal"
    cp "$BASE.institution-key" "$dir/db.institution-key"
    [ -d "$BASE.documents" ] && cp -a "$BASE.documents" "$dir/db.documents"
    export CASE_DIR=$dir
    case_failed=0
    step_pending=0
    step_args=""
    step_user=""
    step_password=""
    step_stdin=""
    step_env=()
    expectations=()
    local desc=""
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line#"${line%%[![:space:]]*}"}
        [ -z "$line" ] && continue
        case $line in
        '#'*) continue ;;
        unchanged)
            expectations+=("unchanged")
            continue
            ;;
        esac
        key=${line%%:*}
        value=${line#*:}
        value=${value# }
        case $key in
        desc) desc=$value ;;
        user)
            run_step "$dir"
            step_user=$value
            step_password=""
            ;;
        password)
            run_step "$dir"
            step_password=$value
            ;;
        env)
            run_step "$dir"
            step_env+=("$value")
            ;;
        stdin)
            run_step "$dir"
            step_stdin+="$value"$'\n'
            ;;
        stdin-file)
            run_step "$dir"
            step_stdin+=$(cat "$CASES/$value")$'\n'
            ;;
        run)
            run_step "$dir"
            step_args=$value
            step_pending=1
            ;;
        exit | stdout | stderr | '!stdout' | '!stderr' | stdout-is | denied | sql)
            expectations+=("$key:$value")
            ;;
        *) fail "$name: unknown line \"$line\"" ;;
        esac
    done <"$file"
    run_step "$dir"
    if [ "$case_failed" = 1 ]; then
        echo "FAIL $name${desc:+ ($desc)}"
        echo fail >"$dir/result"
    else
        echo "ok   $name"
        echo ok >"$dir/result"
    fi
    echo "$skipped_sql" >"$dir/skipped"
}

setup
names=()
for file in "$CASES"/*.case; do
    name=$(basename "$file" .case)
    [ -n "$ONLY" ] && [[ $name != *"$ONLY"* ]] && continue
    names+=("$name")
    mkdir -p "$WORK/$name"
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
        wait -n
    done
    run_case "$file" >"$WORK/$name.log" 2>&1 &
done
wait
for name in "${names[@]}"; do
    cat "$WORK/$name.log"
    if [ "$(cat "$WORK/$name/result" 2>/dev/null)" = ok ]; then
        passed=$((passed + 1))
    else
        failures=$((failures + 1))
    fi
    skipped_sql=$((skipped_sql + $(cat "$WORK/$name/skipped" 2>/dev/null || echo 0)))
done
echo "$((passed + failures)) cases, $failures failed"
[ "$skipped_sql" -gt 0 ] && echo "($skipped_sql sql checks skipped: no sqlite3 tool)"
[ "$failures" -eq 0 ]
