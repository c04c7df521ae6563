/*
 * test_group_commit.c - the committer (loandesk/api.h, group commit) and the
 * store's savepoints beneath it.
 *
 * read_transaction: a write inside a read transaction (which runs no seal)
 * is rolled back at its commit, which fails.
 *
 * savepoint_rows: two operations in one transaction, each in a savepoint, the
 * second rolled back: its row, its log entries and the ledger's record of the
 * rows it changed are gone, the first's stay, and the committed book
 * verifies.
 *
 * batch: worker handles on their own threads give their writes to one
 * committer; the writer is held back by another connection's write lock until
 * every worker has queued, so the operations share batches. Each worker mixes
 * creations that succeed, creations refused to a reviewer (LD_EPERM) and
 * creations whose collateral is refused after the application's row was
 * written (LD_EINVAL). Afterwards: every creation
 * answered done is in the book, nothing else is, each refusal has its audit
 * row and the invalid ones none, an idempotency key raced by two workers ran
 * once, fewer batches than operations committed, and `ledger verify` passes.
 *
 * retention: a batch removes the idempotency answers stored more than a day
 * before its clock, and keeps its own.
 *
 * refusal_outlives_batch: a batch holding a refusal and an operation whose
 * row breaks a foreign key checked at COMMIT fails to commit; the refusal
 * is still answered refused and audited (again, in a transaction of its
 * own), the other is answered failed and left nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>

#include "api_fixture.h"
#include "api_int.h"
#include "check.h"
#include "json_in.h"
#include "loandesk/admin.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"
#include "store_sql.h"

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"
#define WORKERS        8
#define OPS            12

static char dir[256], db_path[512], ca_path[512];
static ld_api *api;
static ld_session *s_admin, *s_off, *s_rev, *s_aud;
static char off_token[LD_SESSION_TOKEN_MAX], rev_token[LD_SESSION_TOKEN_MAX];

static void ok(ld_status st, const char *what, const ld_error *err)
{
    if (st != LD_OK)
        afx_die(what, err);
}

/* One integer from the book, read by a connection of its own. */
static int64_t count(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t n = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

static void verify_book(void)
{
    ld_error err;
    cJSON *out = NULL;
    ld_trust_anchor anchor = {.ca_file = ca_path};
    ld_status st = ld_ledger_verify(s_aud, &anchor, &out, &err);
    if (st != LD_OK)
        fprintf(stderr, "ledger verify: %s\n", err.message);
    CHECK_INT(st, LD_OK);
    cJSON_Delete(out);
}

static void world_close(void)
{
    ld_session *all[] = {s_admin, s_off, s_rev, s_aud};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ld_session_free(all[i]);
    ld_api_close(api);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void book(void)
{
    api = afx_book_new("group", ADMIN_PASSWORD, dir, sizeof dir, db_path, sizeof db_path);
    atexit(world_close);
    ld_error err;
    s_admin = afx_login(api, "admin", ADMIN_PASSWORD);
    afx_user_add(s_admin, "off1", "officer", USER_PASSWORD);
    afx_user_add(s_admin, "rev1", "reviewer", USER_PASSWORD);
    afx_user_add(s_admin, "aud", "auditor", USER_PASSWORD);
    ok(core_store_begin(api->store, &err), "begin", &err);
    if (sqlite3_exec(core_store_db(api->store),
                     "UPDATE app_user SET password_changed_on = '" AFX_TODAY "'", NULL, NULL,
                     NULL) != SQLITE_OK)
        afx_die("dating passwords", NULL);
    ok(core_store_commit(api->store, &err), "commit", &err);
    s_off = afx_login(api, "off1", USER_PASSWORD);
    s_rev = afx_login(api, "rev1", USER_PASSWORD);
    s_aud = afx_login(api, "aud", USER_PASSWORD);
    afx_ca_file(s_aud, dir, ca_path, sizeof ca_path);
    ok(ld_session_token_issue(s_off, off_token, &err), "token", &err);
    ok(ld_session_token_issue(s_rev, rev_token, &err), "token", &err);
}

static int64_t rows_pending(void)
{
    int64_t n = -1;
    ld_error err;
    core_store_query_int(api->store, "SELECT count(*) FROM temp.ld_row_change", 0, &n, &err);
    return n;
}

static void test_savepoint_rows(void)
{
    ld_error err;
    cJSON *zhang = afx_demo_file("borrower-zhang.json"),
          *huaxin = afx_demo_file("borrower-huaxin.json");
    cJSON *out = NULL;
    int64_t entries = count("SELECT count(*) FROM ledger_entry");
    ok(core_store_begin(api->store, &err), "begin", &err);
    ok(core_store_savepoint(api->store, &err), "savepoint", &err);
    CHECK_INT(ld_borrower_add(s_off, zhang, &out, &err), LD_OK);
    cJSON_Delete(out);
    ok(core_store_release(api->store, &err), "release", &err);
    int64_t first = rows_pending();
    CHECK(first > 0);
    ok(core_store_savepoint(api->store, &err), "savepoint", &err);
    out = NULL;
    CHECK_INT(ld_borrower_add(s_off, huaxin, &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK(rows_pending() > first);
    core_store_rollback_to(api->store);
    /* The rolled-back operation's changed rows are no longer recorded. */
    CHECK(core_store_in_transaction(api->store));
    CHECK_INT(rows_pending(), first);
    ok(core_store_commit(api->store, &err), "commit", &err);
    CHECK_INT(rows_pending(), 0);
    CHECK_INT(count("SELECT count(*) FROM borrower"), 1);
    CHECK_INT(count("SELECT count(*) FROM borrower WHERE name = '苏州华鑫精密机械有限公司'"), 0);
    /* One transaction: its entries (event, rows) and one checkpoint over them. */
    CHECK(count("SELECT count(*) FROM ledger_entry") > entries);
    CHECK(count("SELECT count(*) FROM ledger_entry WHERE CAST(body AS TEXT) LIKE '%张伟%'") > 0);
    CHECK_INT(count("SELECT count(*) FROM ledger_entry WHERE CAST(body AS TEXT) LIKE '%华鑫%'"), 0);
    verify_book();
    cJSON_Delete(zhang);
    cJSON_Delete(huaxin);
}

/* A read transaction runs no seal; a write slipped into one must not commit
 * unrecorded and unsigned. */
static void test_read_transaction(void)
{
    ld_error err;
    int64_t entries = count("SELECT count(*) FROM ledger_entry");
    ok(core_store_begin_read(api->store, &err), "begin read", &err);
    CHECK_INT(sqlite3_exec(core_store_db(api->store),
                           "UPDATE borrower SET phone = '13900000000' WHERE id = 1", NULL, NULL,
                           NULL),
              SQLITE_OK);
    CHECK_INT(core_store_commit(api->store, &err), LD_EINTERNAL);
    CHECK(!core_store_in_transaction(api->store));
    CHECK_INT(count("SELECT count(*) FROM borrower WHERE phone = '13900000000'"), 0);
    CHECK_INT(count("SELECT count(*) FROM ledger_entry"), entries);
    CHECK_INT(rows_pending(), 0);
    /* A plain read commits. */
    ok(core_store_begin_read(api->store, &err), "begin read", &err);
    CHECK_INT(core_store_commit(api->store, &err), LD_OK);
    verify_book();
}

/* Borrower 1, for a case run alone (`test_group_commit batch`). */
static void ensure_borrower(void)
{
    ld_error err;
    if (count("SELECT count(*) FROM borrower") == 0) {
        cJSON *zhang = afx_demo_file("borrower-zhang.json"), *out = NULL;
        ok(ld_borrower_add(s_off, zhang, &out, &err), "borrower", &err);
        cJSON_Delete(zhang);
        cJSON_Delete(out);
    }
}

/* ---- The committer under concurrent workers ---- */

static ld_committer *committer;

typedef struct worker {
    int index;
    ld_api *api; /* opened before the workers start (opening migrates: it writes) */
    ld_session *off, *rev;
    int done, refused, invalid, other;
    int64_t ids[OPS];
    int replayed_ok; /* the shared idempotency key: answered */
    int64_t replayed_id;
} worker;

static const char *kind_name[] = {"made", "refused", "invalid"};

static void *work(void *arg)
{
    worker *w = arg;
    ld_error err;
    ld_session *off = w->off, *rev = w->rev;
    cJSON *app = afx_demo_file("app-zhang.json");
    cJSON *bad = cJSON_Duplicate(app, 1);
    /* Its collateral is checked after the application's row was written:
     * only the rollback to its savepoint takes that row away. */
    cJSON_ReplaceItemInObject(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(bad, "collateral"), 0),
        "appraised_value", cJSON_CreateString("-1.00"));
    /* Two workers race one idempotency key: one creation between them. */
    if (w->index < 2) {
        cJSON *out = NULL;
        const char digest[] = "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        cJSON *replay = NULL;
        if (ld_session_idempotency(off, "raced-key-1", digest, &replay, &err) == LD_OK) {
            if (replay != NULL)
                out = replay;
            else if (ld_application_create(off, app, &out, &err) != LD_OK)
                out = NULL;
        }
        if (out != NULL) {
            w->replayed_ok = 1;
            core_json_integer(cJSON_GetObjectItemCaseSensitive(out, "id"), &w->replayed_id);
        } else {
            fprintf(stderr, "worker %d, raced key: %s\n", w->index, err.message);
        }
        cJSON_Delete(out);
    }
    for (int i = 0; i < OPS; i++) {
        int kind = (w->index + i) % 3;
        cJSON *out = NULL;
        ld_status st = kind == 0   ? ld_application_create(off, app, &out, &err)
                       : kind == 1 ? ld_application_create(rev, app, &out, &err)
                                   : ld_application_create(off, bad, &out, &err);
        static const ld_status expected[] = {LD_OK, LD_EPERM, LD_EINVAL};
        if (st != expected[kind]) {
            fprintf(stderr, "worker %d, %s: status %d: %s\n", w->index, kind_name[kind], st,
                    st != LD_OK ? err.message : "");
            w->other++;
        } else if (kind == 0) {
            core_json_integer(cJSON_GetObjectItemCaseSensitive(out, "id"), &w->ids[w->done]);
            w->done++;
        } else if (kind == 1) {
            w->refused++;
        } else {
            w->invalid++;
        }
        cJSON_Delete(out);
    }
    cJSON_Delete(app);
    cJSON_Delete(bad);
    return NULL;
}

static void test_batch(void)
{
    ld_error err;
    ensure_borrower();
    int64_t apps = count("SELECT count(*) FROM application");
    int64_t denied = count("SELECT count(*) FROM audit_event WHERE outcome = 'denied' AND action "
                           "= 'app.create'");
    ld_api *writer = NULL;
    ok(ld_api_open(db_path, &afx_clock, &writer, &err), "writer", &err);
    ok(ld_committer_start(writer, &committer, &err), "committer", &err);
    worker workers[WORKERS] = {0};
    for (int i = 0; i < WORKERS; i++) {
        worker *w = &workers[i];
        w->index = i;
        ok(ld_api_open(db_path, &afx_clock, &w->api, &err), "worker handle", &err);
        ok(ld_session_resume(w->api, off_token, &w->off, &err), "resume", &err);
        ok(ld_session_resume(w->api, rev_token, &w->rev, &err), "resume", &err);
        ld_api_set_committer(w->api, committer);
    }
    /* Another connection holds the write lock until every worker queued:
     * the writer waits in its busy handler, so the first operations meet in
     * the same batches. */
    sqlite3 *holder = NULL;
    if (sqlite3_open(db_path, &holder) != SQLITE_OK ||
        sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        afx_die("holding the write lock", NULL);
    pthread_t threads[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        if (pthread_create(&threads[i], NULL, work, &workers[i]) != 0)
            afx_die("starting a worker", NULL);
    }
    uint64_t batches = 0, operations = 0;
    size_t waiting = 0;
    for (int tries = 0; tries < 300; tries++) {
        ld_committer_counts(committer, &batches, &operations, &waiting);
        if (waiting == WORKERS)
            break;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    CHECK_INT(waiting, WORKERS);
    sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(holder);
    for (int i = 0; i < WORKERS; i++) {
        pthread_join(threads[i], NULL);
        ld_session_free(workers[i].off);
        ld_session_free(workers[i].rev);
        ld_api_close(workers[i].api);
    }
    ld_committer_counts(committer, &batches, &operations, &waiting);
    ld_committer_stop(committer);
    ld_api_close(writer);
    committer = NULL;

    int done = 0, refused = 0, invalid = 0, other = 0, raced = 0;
    int64_t raced_id = 0;
    for (int i = 0; i < WORKERS; i++) {
        done += workers[i].done;
        refused += workers[i].refused;
        invalid += workers[i].invalid;
        other += workers[i].other;
        for (int j = 0; j < workers[i].done; j++) {
            char sql[96];
            snprintf(sql, sizeof sql, "SELECT count(*) FROM application WHERE id = %lld",
                     (long long)workers[i].ids[j]);
            CHECK_INT(count(sql), 1);
        }
        if (workers[i].replayed_ok) {
            raced++;
            if (raced_id != 0)
                CHECK_INT(workers[i].replayed_id, raced_id);
            raced_id = workers[i].replayed_id;
        }
    }
    CHECK_INT(other, 0);
    CHECK_INT(done + refused + invalid, WORKERS * OPS);
    CHECK(done > 0 && refused > 0 && invalid > 0);
    /* Both racers got the one answer; one application was made for them. */
    CHECK_INT(raced, 2);
    CHECK(raced_id > 0);
    CHECK_INT(count("SELECT count(*) FROM application") - apps, done + 1);
    CHECK_INT(count("SELECT count(*) FROM idempotency WHERE key = 'raced-key-1'"), 1);
    /* Every refusal audited inside its batch; an invalid input leaves nothing. */
    CHECK_INT(count("SELECT count(*) FROM audit_event WHERE outcome = 'denied' AND action = "
                    "'app.create'") -
                  denied,
              refused);
    CHECK_INT(operations, WORKERS * OPS + 2);
    CHECK(batches < operations);
    verify_book();
}

/* ---- A batch whose commit fails ---- */

/* An operation that writes a row breaking a foreign key checked only at
 * COMMIT: its savepoint is released, and the batch's commit fails. */
static ld_status orphan_session(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    sqlite3 *db = core_store_db(call->store);
    if (sqlite3_exec(db, "PRAGMA defer_foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db,
                     "INSERT INTO user_session (token_sha256, user_id, created_at, last_used_at, "
                     "expires_at) VALUES ('orphan', 987654321, 0, 0, 0)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return LD_FAIL(err, LD_EINTERNAL, "orphan: %s", sqlite3_errmsg(db));
    *out = cJSON_CreateObject();
    return LD_OK;
}

/* An operation that holds its batch until two more operations are queued
 * behind it, so those two share the next batch. */
static ld_status plug(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)call, (void)err;
    uint64_t batches, operations;
    size_t waiting = 0;
    for (int tries = 0; tries < 500 && waiting < 3; tries++) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
        ld_committer_counts(args, &batches, &operations, &waiting);
    }
    *out = cJSON_CreateObject();
    return LD_OK;
}

typedef struct batch_caller {
    ld_session *session;
    int kind; /* 0: a creation refused to a reviewer, 1: orphan_session, 2: plug */
    ld_status status;
    ld_error err;
} batch_caller;

static void *call_in_batch(void *arg)
{
    batch_caller *b = arg;
    cJSON *out = NULL;
    if (b->kind == 1) {
        b->status = api_commit_in_batch(b->session, "test.orphan", NULL, orphan_session, NULL, &out,
                                        &b->err);
    } else if (b->kind == 2) {
        b->status =
            api_commit_in_batch(b->session, "test.plug", NULL, plug, committer, &out, &b->err);
    } else {
        cJSON *app = afx_demo_file("app-zhang.json");
        b->status = ld_application_create(b->session, app, &out, &b->err);
        cJSON_Delete(app);
    }
    cJSON_Delete(out);
    return NULL;
}

/* A refusal audited inside a batch whose commit then fails is audited again
 * in a transaction of its own, and its caller is still answered refused;
 * the operation that did not commit is answered failed, and none of its
 * rows is in the book. */
static void test_refusal_outlives_batch(void)
{
    ld_error err;
    ensure_borrower();
    int64_t denied = count("SELECT count(*) FROM audit_event WHERE outcome = 'denied' AND action "
                           "= 'app.create'");
    ld_api *writer = NULL, *worker_api = NULL;
    ok(ld_api_open(db_path, &afx_clock, &writer, &err), "writer", &err);
    ok(ld_committer_start(writer, &committer, &err), "committer", &err);
    ok(ld_api_open(db_path, &afx_clock, &worker_api, &err), "worker handle", &err);
    batch_caller callers[3] = {{.kind = 2}, {.kind = 0}, {.kind = 1}};
    ok(ld_session_resume(worker_api, off_token, &callers[0].session, &err), "resume", &err);
    ok(ld_session_resume(worker_api, rev_token, &callers[1].session, &err), "resume", &err);
    ok(ld_session_resume(worker_api, off_token, &callers[2].session, &err), "resume", &err);
    ld_api_set_committer(worker_api, committer);
    /* The plug's batch runs until the other two are queued: they share the
     * next one. */
    uint64_t batches = 0, operations = 0, before = 0;
    size_t waiting = 0;
    ld_committer_counts(committer, &before, &operations, &waiting);
    pthread_t threads[3];
    for (int i = 0; i < 3; i++) {
        if (pthread_create(&threads[i], NULL, call_in_batch, &callers[i]) != 0)
            afx_die("starting a caller", NULL);
        for (int tries = 0; tries < 300 && waiting < (size_t)i + 1; tries++) {
            struct timespec pause = {0, 10 * 1000 * 1000};
            nanosleep(&pause, NULL);
            ld_committer_counts(committer, &batches, &operations, &waiting);
        }
    }
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    ld_committer_counts(committer, &batches, &operations, &waiting);
    CHECK_INT(batches - before, 2);
    CHECK_INT(callers[0].status, LD_OK);
    ld_session *plugged = callers[0].session;
    callers[0] = callers[1];
    callers[1] = callers[2];
    CHECK_INT(callers[0].status, LD_EPERM);
    CHECK(callers[1].status != LD_OK);
    CHECK(strstr(callers[1].err.message, "committing a batch") != NULL);
    CHECK_INT(count("SELECT count(*) FROM user_session WHERE token_sha256 = 'orphan'"), 0);
    CHECK_INT(count("SELECT count(*) FROM audit_event WHERE outcome = 'denied' AND action = "
                    "'app.create'") -
                  denied,
              1);
    for (int i = 0; i < 2; i++)
        ld_session_free(callers[i].session);
    ld_session_free(plugged);
    ld_api_close(worker_api);
    ld_committer_stop(committer);
    ld_api_close(writer);
    committer = NULL;
    verify_book();
}

/* The writer's wall clock, a day and an hour after the fixture's. */
static int64_t day_later(void *context)
{
    (void)context;
    return 1781514000 + 25 * 3600;
}

static void create_with_key(ld_session *session, const char *key)
{
    ld_error err;
    cJSON *app = afx_demo_file("app-zhang.json"), *out = NULL, *replay = NULL;
    char digest[65];
    memset(digest, 'c', 64);
    digest[64] = '\0';
    ok(ld_session_idempotency(session, key, digest, &replay, &err), "idempotency", &err);
    CHECK(replay == NULL);
    CHECK_INT(ld_application_create(session, app, &out, &err), LD_OK);
    cJSON_Delete(out);
    cJSON_Delete(replay);
    cJSON_Delete(app);
}

/* Stored answers are kept a day: a batch committed later removes older ones
 * and keeps its own. */
static void test_retention(void)
{
    ld_error err;
    ensure_borrower();
    create_with_key(s_off, "kept-a-day");
    CHECK_INT(count("SELECT count(*) FROM idempotency WHERE key = 'kept-a-day'"), 1);
    const ld_clock later = {.business_date = AFX_TODAY, .wall_now = day_later};
    ld_api *writer = NULL, *mine = NULL;
    ld_session *off = NULL;
    ok(ld_api_open(db_path, &later, &writer, &err), "writer", &err);
    ok(ld_committer_start(writer, &committer, &err), "committer", &err);
    ok(ld_api_open(db_path, &afx_clock, &mine, &err), "worker", &err);
    ok(ld_session_resume(mine, off_token, &off, &err), "resume", &err);
    ld_api_set_committer(mine, committer);
    create_with_key(off, "a-day-later");
    ld_session_free(off);
    ld_api_close(mine);
    ld_committer_stop(committer);
    ld_api_close(writer);
    committer = NULL;
    CHECK_INT(count("SELECT count(*) FROM idempotency WHERE key = 'kept-a-day'"), 0);
    CHECK_INT(count("SELECT count(*) FROM idempotency WHERE key = 'a-day-later'"), 1);
    CHECK_INT(count("SELECT count(*) FROM idempotency WHERE created_at < 1781514000 + 3600"), 0);
}

int main(int argc, char **argv)
{
    book();
    static const check_case cases[] = {
        {"savepoint_rows", test_savepoint_rows},
        {"read_transaction", test_read_transaction},
        {"batch", test_batch},
        {"retention", test_retention},
        {"refusal_outlives_batch", test_refusal_outlives_batch},
    };
    return CHECK_RUN(argc, argv, cases);
}
