/*
 * test_session_snapshot.c - resumed sessions in a front end's read snapshot
 * (loandesk/api.h, ld_api_read_begin) and the write of a session's last use
 * (core/session.h, core_session_touch).
 *
 * logout_seen: a session resumed in snapshots, its row then kept by the
 * connection's cache, is refused in the next snapshot after a logout on
 * another handle, and after its row is ended by a plain SQLite connection
 * (another process: the command line); the cache holds only rows of one
 * data version.
 *
 * times_afresh: with nothing written between two snapshots (the cached row
 * serves), the idle time-out is still judged by the clock of the second;
 * the last use due in a snapshot is written when the snapshot ends.
 *
 * refusal_audited: an operation refused inside a snapshot (a session whose
 * password must be changed first) is audited: the snapshot ends first, so
 * the audit row is written and committed.
 *
 * touch_under_lock: while another connection holds the write lock, a last
 * use written recently is skipped at once; one older than
 * CORE_SESSION_TOUCH_STALE_SECONDS waits for the lock and lands, so a storm
 * of writes cannot run an active session into its idle time-out.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_fixture.h"
#include "check.h"
#include "digest.h"
#include "loandesk/origination.h"
#include "session.h"

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"
#define FIXTURE_WALL   1781514000 /* the fixture's clock: 2026-06-15T09:00:00Z */

static char dir[256], db_path[512];
static ld_api *api;  /* the fixture's handle, on its fixed clock */
static ld_api *mine; /* the front end's handle, on the moving clock */
static ld_session *s_admin, *s_off, *s_rev;

static int64_t moving_now = FIXTURE_WALL;
static int64_t moving_wall(void *context)
{
    (void)context;
    return moving_now;
}
static const ld_clock moving = {.business_date = AFX_TODAY, .wall_now = moving_wall};

static void ok(ld_status st, const char *what, const ld_error *err)
{
    if (st != LD_OK)
        afx_die(what, err);
}

/* Runs sql on a plain SQLite connection of its own (as another process
 * would) and returns the first column of its first row (-1 for none). */
static int64_t sql_int(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t n = -1;
    if (sqlite3_open(db_path, &db) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
            n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
}

static int64_t last_used(const char *token)
{
    char digest[CORE_SHA256_HEX], sql[200];
    core_sha256_hex(token, strlen(token), digest);
    snprintf(sql, sizeof sql, "SELECT last_used_at FROM user_session WHERE token_sha256 = '%s'",
             digest);
    return sql_int(sql);
}

/* A new token of session (a new session row, last used at the fixture's time). */
static void new_token(ld_session *session, char token[LD_SESSION_TOKEN_MAX])
{
    ld_error err;
    ok(ld_session_token_issue(session, token, &err), "token", &err);
}

/* Resumes token on mine inside a snapshot of its own; the status. */
static ld_status resume_in_snapshot(const char *token)
{
    ld_error err;
    ld_session *s = NULL;
    ok(ld_api_read_begin(mine, &err), "read begin", &err);
    ld_status st = ld_session_resume(mine, token, &s, &err);
    ld_session_free(s);
    ld_api_read_end(mine);
    return st;
}

static void world_close(void)
{
    ld_session_free(s_admin);
    ld_session_free(s_off);
    ld_session_free(s_rev);
    ld_api_close(mine);
    ld_api_close(api);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void book(void)
{
    api =
        afx_book_new("session-snapshot", ADMIN_PASSWORD, dir, sizeof dir, db_path, sizeof db_path);
    atexit(world_close);
    s_admin = afx_login(api, "admin", ADMIN_PASSWORD);
    afx_user_add(s_admin, "off1", "officer", USER_PASSWORD);
    afx_user_add(s_admin, "rev1", "reviewer", USER_PASSWORD);
    /* Passwords set today, so no session must change its password first. */
    if (sql_int("UPDATE app_user SET password_changed_on = '" AFX_TODAY "' RETURNING 1") != 1)
        afx_die("dating passwords", NULL);
    s_off = afx_login(api, "off1", USER_PASSWORD);
    s_rev = afx_login(api, "rev1", USER_PASSWORD);
    ld_error err;
    ok(ld_api_open(db_path, &moving, &mine, &err), "front end handle", &err);
}

static void test_logout_seen(void)
{
    char token[LD_SESSION_TOKEN_MAX];
    new_token(s_off, token);
    moving_now = FIXTURE_WALL + 1;
    CHECK_INT(resume_in_snapshot(token), LD_OK);
    CHECK_INT(resume_in_snapshot(token), LD_OK);
    ld_error err;
    ld_session *other = NULL;
    ok(ld_session_resume(api, token, &other, &err), "resume elsewhere", &err);
    ok(ld_session_logout(other, &err), "logout", &err);
    ld_session_free(other);
    CHECK_INT(resume_in_snapshot(token), LD_EPERM);

    /* Ended by another process's connection. */
    char second[LD_SESSION_TOKEN_MAX], digest[CORE_SHA256_HEX], sql[200];
    new_token(s_off, second);
    CHECK_INT(resume_in_snapshot(second), LD_OK);
    CHECK_INT(resume_in_snapshot(second), LD_OK);
    core_sha256_hex(second, strlen(second), digest);
    snprintf(sql, sizeof sql,
             "UPDATE user_session SET ended = 1 WHERE token_sha256 = '%s' RETURNING 1", digest);
    CHECK_INT(sql_int(sql), 1);
    CHECK_INT(resume_in_snapshot(second), LD_EPERM);

    /* The account locked by another process's connection. */
    char third[LD_SESSION_TOKEN_MAX];
    new_token(s_rev, third);
    CHECK_INT(resume_in_snapshot(third), LD_OK);
    CHECK_INT(sql_int("UPDATE app_user SET locked = 1 WHERE username = 'rev1' RETURNING 1"), 1);
    CHECK_INT(resume_in_snapshot(third), LD_EPERM);
    CHECK_INT(sql_int("UPDATE app_user SET locked = 0 WHERE username = 'rev1' RETURNING 1"), 1);
    CHECK_INT(resume_in_snapshot(third), LD_OK);
}

static void test_times_afresh(void)
{
    char token[LD_SESSION_TOKEN_MAX];
    new_token(s_off, token);
    int64_t start = last_used(token);
    CHECK(start > 0);
    /* Not yet due: nothing written. */
    moving_now = start + CORE_SESSION_TOUCH_SECONDS - 1;
    CHECK_INT(resume_in_snapshot(token), LD_OK);
    CHECK_INT(last_used(token), start);
    /* Due: written when the snapshot ends. */
    int64_t used = start + CORE_SESSION_TOUCH_SECONDS + 5;
    moving_now = used;
    CHECK_INT(resume_in_snapshot(token), LD_OK);
    CHECK_INT(last_used(token), used);
    /* Read again, then kept: nothing is written before the next check. */
    moving_now = used + 1;
    CHECK_INT(resume_in_snapshot(token), LD_OK);
    moving_now = used + CORE_SESSION_IDLE_SECONDS + 1;
    CHECK_INT(resume_in_snapshot(token), LD_EPERM);
    CHECK_INT(last_used(token), used);
}

static void test_refusal_audited(void)
{
    char token[LD_SESSION_TOKEN_MAX];
    new_token(s_rev, token);
    moving_now = FIXTURE_WALL + 2;
    /* A password too old: the session may do nothing but change it, and
     * every other operation is refused and audited. */
    CHECK_INT(sql_int("UPDATE app_user SET password_changed_on = '2000-01-01' WHERE username = "
                      "'rev1' RETURNING 1"),
              1);
    int64_t denied = sql_int("SELECT count(*) FROM audit_event WHERE outcome = 'denied'");
    ld_error err;
    ld_session *s = NULL;
    cJSON *out = NULL;
    ok(ld_api_read_begin(mine, &err), "read begin", &err);
    ok(ld_session_resume(mine, token, &s, &err), "resume", &err);
    CHECK_INT(ld_application_show(s, 1, &out, &err), LD_EPERM);
    cJSON_Delete(out);
    out = NULL;
    /* A second read after the refusal runs in a transaction of its own. */
    CHECK_INT(ld_application_show(s, 1, &out, &err), LD_EPERM);
    cJSON_Delete(out);
    ld_session_free(s);
    ld_api_read_end(mine);
    CHECK_INT(sql_int("SELECT count(*) FROM audit_event WHERE outcome = 'denied'") - denied, 2);
    CHECK_INT(sql_int("UPDATE app_user SET password_changed_on = '" AFX_TODAY
                      "' WHERE username = 'rev1' RETURNING 1"),
              1);
}

/* Gives the write lock back after a pause. */
static void *release_later(void *arg)
{
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    sqlite3_exec(arg, "ROLLBACK", NULL, NULL, NULL);
    return NULL;
}

static void test_touch_under_lock(void)
{
    char token[LD_SESSION_TOKEN_MAX];
    new_token(s_off, token);
    int64_t start = last_used(token);
    sqlite3 *holder = NULL;
    if (sqlite3_open(db_path, &holder) != SQLITE_OK ||
        sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        afx_die("holding the write lock", NULL);
    ld_error err;
    ld_session *s = NULL;
    /* Due, and recent: skipped while the lock is held; the call is served. */
    moving_now = start + 60;
    CHECK_INT(ld_session_resume(mine, token, &s, &err), LD_OK);
    ld_session_free(s);
    s = NULL;
    CHECK_INT(last_used(token), start);
    /* Older than the staleness bound: waits for the lock and lands. */
    int64_t stale = start + CORE_SESSION_TOUCH_STALE_SECONDS + 1;
    moving_now = stale;
    pthread_t releaser;
    if (pthread_create(&releaser, NULL, release_later, holder) != 0)
        afx_die("starting the releaser", NULL);
    CHECK_INT(ld_session_resume(mine, token, &s, &err), LD_OK);
    ld_session_free(s);
    pthread_join(releaser, NULL);
    sqlite3_close(holder);
    CHECK_INT(last_used(token), stale);
    CHECK(CORE_SESSION_TOUCH_STALE_SECONDS < CORE_SESSION_IDLE_SECONDS / 2);
}

int main(int argc, char **argv)
{
    book();
    static const check_case cases[] = {
        {"logout_seen", test_logout_seen},
        {"times_afresh", test_times_afresh},
        {"refusal_audited", test_refusal_audited},
        {"touch_under_lock", test_touch_under_lock},
    };
    return CHECK_RUN(argc, argv, cases);
}
