/*
 * session.h - who is acting: roles (docs/design.md, "Roles") and the authenticated
 * session every core function takes. A session is only ever produced by
 * core_user_login (or core_user_init_admin for the very first user), so holding
 * one means the password was checked.
 */
#ifndef LD_SESSION_H
#define LD_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "ld_error.h"
#include "money.h"

typedef enum core_role {
    CORE_ROLE_OFFICER,
    CORE_ROLE_REVIEWER,
    CORE_ROLE_MANAGER,
    CORE_ROLE_AUDITOR,
    CORE_ROLE_ADMIN,
} core_role;

#define CORE_ROLE_COUNT   5
#define CORE_USERNAME_MAX 64

typedef struct core_session {
    int64_t user_id;
    char username[CORE_USERNAME_MAX];
    core_role role;
    ld_money authority_limit; /* largest amount this user may approve (fen) */
} core_session;

/* Sessions that serve many calls (session_store.c). A token is 64 lower-case
 * hex characters; only its SHA-256 is stored. */
#define CORE_SESSION_TOKEN_MAX     65
#define CORE_SESSION_IDLE_SECONDS  (30 * 60)      /* ends after 30 minutes unused */
#define CORE_SESSION_MAX_SECONDS   (12 * 60 * 60) /* and 12 hours after login at most */
#define CORE_SESSION_TOUCH_SECONDS 15             /* the last use is written at most this often */
/* A last use this old is written even when that means waiting for another
 * connection's write lock (a server's stream of batches): well under the
 * idle time-out, so a session in use never runs into it. */
#define CORE_SESSION_TOUCH_STALE_SECONDS (5 * 60)

struct core_store;

/* Opens a session for who (already authenticated) in the caller's transaction
 * and writes its bearer token. */
ld_status core_session_open(struct core_store *store, const core_session *who,
                            char token_out[CORE_SESSION_TOKEN_MAX], ld_error *err);

/* The session of token, checked afresh: LD_EPERM when the token is unknown,
 * ended, idle too long or too old, or its account is locked or deactivated.
 * *password_expired tells whether the password must be changed before anything
 * else (too old, or set by an admin). Marks the session used, at most once
 * in CORE_SESSION_TOUCH_SECONDS; in autocommit that write commits by itself. */
ld_status core_session_resume(struct core_store *store, const char *token, core_session *out,
                              bool *password_expired, ld_error *err);

/* What a session check read of one token, kept to answer the next check of
 * it without reading again while nothing in the database changed. */
#define CORE_SESSION_CACHE_SLOTS 16
typedef struct core_session_row {
    char digest[65]; /* the token's SHA-256; "" for an empty slot */
    core_session who;
    int64_t last_used, expires;
    bool ended, locked, active;
    char changed_on[16];
} core_session_row;

/* A connection's cache of session rows. Its rule: it holds only rows read
 * in transactions of one data version (core_store_data_version); the first
 * check in a transaction of another version empties it, so a logout, an
 * expiry written, a password change, a lock or a deactivation, committed by
 * any connection of any process, is seen by the next check. The times
 * (idle, absolute, password age) are judged afresh on every check. Zeroed
 * is empty. Belongs to one connection; not shared between threads. */
typedef struct core_session_cache {
    bool valid;
    uint32_t data_version;
    core_session_row rows[CORE_SESSION_CACHE_SLOTS];
} core_session_cache;

/* The session of token checked as core_session_resume checks it, inside the
 * caller's read transaction (core_store_begin_read), writing nothing: when
 * its last use is due to be written, *touch_due gets the last use read (else
 * -1), and the caller writes it with core_session_touch once the transaction
 * has ended. cache may be NULL (read every time). */
ld_status core_session_check(struct core_store *store, core_session_cache *cache, const char *token,
                             core_session *out, bool *password_expired, int64_t *touch_due,
                             ld_error *err);

/* Writes the last use of token's session (read as last_used) now, outside a
 * transaction. While another connection holds the write lock the mark is
 * skipped at once when the one written is younger than
 * CORE_SESSION_TOUCH_STALE_SECONDS (the next use marks it), and waited for
 * otherwise (up to the busy time-out), so a storm of writes cannot keep an
 * active session from being marked until it times out. *written (may be
 * NULL) tells whether the mark landed. */
ld_status core_session_touch(struct core_store *store, const char *token, int64_t last_used,
                             bool *written, ld_error *err);

/* Ends one session (logout); an unknown token is no error. */
ld_status core_session_end(struct core_store *store, const char *token, ld_error *err);

/* Ends every session of a user (password changed, account revoked). */
ld_status core_session_end_all(struct core_store *store, int64_t user_id, ld_error *err);

const char *core_role_name(core_role role);
ld_status core_role_parse(const char *field, const char *text, core_role *out, ld_error *err);

#endif
