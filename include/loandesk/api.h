/*
 * loandesk/api.h - the operations API: the one door every front end (the
 * command line, the HTTP server, the web UI behind it) goes through.
 *
 * A front end opens an ld_api on a database with the clock it wants the books
 * kept by, then obtains an ld_session by logging in (or by resuming a session
 * token). Every user operation is one function taking the session; it checks
 * the role and the customer scope, validates its input, runs in one
 * transaction, appends its ledger events, records a refusal in the audit
 * trail, and returns a JSON document that is exactly what `loandesk ... --json`
 * prints. Nothing below this header is meant for front ends; no front end
 * decides a rule.
 *
 * Ownership: a cJSON document returned through `out` belongs to the caller
 * (cJSON_Delete). A handle or session is used by one thread at a time; a server
 * opens one ld_api per worker thread.
 */
#ifndef LOANDESK_API_H
#define LOANDESK_API_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loandesk/error.h"

typedef struct ld_api ld_api;
typedef struct ld_session ld_session;

/* The clock operations read. business_date ("YYYY-MM-DD") is the day the books
 * are kept on: accrual, value dates, "not in the future" checks, ages; NULL or
 * "" means today's UTC date. wall_now returns Unix seconds for audit instants,
 * ledger times, password age and session expiry (NULL: the system clock); the
 * business date never moves a security rule. */
typedef struct ld_clock {
    const char *business_date;
    int64_t (*wall_now)(void *context);
    void *wall_context;
} ld_clock;

#define LD_SESSION_TOKEN_MAX 65 /* 64 hex characters and the terminator */

/* The version of this library ("1.4.0"). */
const char *ld_api_version(void);

/* LD_OK when text is a real day "YYYY-MM-DD" (1900..2299), else LD_EINVAL
 * naming field: for front ends that take a business date before opening. */
ld_status ld_date_check(const char *field, const char *text, ld_error *err);

/* Opens the database at path (it must exist: LD_ENOTFOUND) with clock (NULL:
 * the system clock). A malformed business date is LD_EINVAL naming
 * "business_date". */
ld_status ld_api_open(const char *path, const ld_clock *clock, ld_api **out, ld_error *err);

/* Creates a new database at path (LD_ESTATE if it already holds users) with its
 * first admin account, the institution's CA and keys, the policy and the
 * product catalogue from the given files; returns the admin's session. */
typedef struct ld_init_spec {
    const char *admin_username;
    const char *admin_full_name;
    const char *admin_password;
    const char *institution;
    const char *policy_path;
    const char *products_path;
    /* Key custody (docs/ledger.md, "Key custody"), never a login password: the CA custodians'
     * passphrase (required; dual control joins two halves before this call),
     * the institution key file to create (NULL: ld_api_default_key_path of
     * the database) and its passphrase (NULL: a plain key file, mode 0600,
     * that only the service account reads). */
    const char *ca_passphrase;
    const char *institution_key_path;
    const char *institution_key_passphrase;
} ld_init_spec;
ld_status ld_api_init(const char *path, const ld_clock *clock, const ld_init_spec *spec,
                      ld_api **api_out, cJSON **out, ld_error *err);

/* Where the institution key file of the database at db_path is kept by
 * default: "<db_path>.institution-key", beside it. Writes at most size bytes
 * into out (NUL-terminated). */
void ld_api_default_key_path(const char *db_path, char *out, size_t size);

/* Tells the handle where the institution key file is and its passphrase
 * (NULL: a plain key file); both are copied. Without this call the default
 * path is used, with no passphrase. Every operation that appends to the log
 * signs a checkpoint over it with that key before it commits, so no entry is
 * ever left unsigned; an operation that appends fails (LD_EPERM) when the key
 * cannot be read. */
ld_status ld_api_set_institution_key(ld_api *api, const char *key_path, const char *passphrase,
                                     ld_error *err);

/* Closes the handle; NULL is harmless. Sessions of it must be freed first. */
void ld_api_close(ld_api *api);

/* Group commit, for a server whose workers each hold a handle. A committer
 * owns writer (a handle the caller opened on the same book, with its
 * institution key set, and closes after ld_committer_stop) and a thread.
 * Once a handle is given a committer, each of its operations that writes is
 * handed to that thread instead of running on the handle's own connection:
 * operations queued meanwhile run one after another in one transaction, each
 * in its own savepoint with every rule it has alone (permission and scope
 * checks, validation, ledger events, its idempotency key, the audit of a
 * refusal), and commit together with one sync and one signed checkpoint. An
 * operation returns only once its batch committed, so success still means
 * durable. Reads and operations that manage their own transactions (close of
 * business, imports) still run on the handle. A handle without a committer,
 * as the command line's, keeps one transaction per operation. */
typedef struct ld_committer ld_committer;
ld_status ld_committer_start(ld_api *writer, ld_committer **out, ld_error *err);

/* Runs the operations still queued, then stops the thread; NULL is harmless.
 * Handles given this committer must not run operations afterwards. */
void ld_committer_stop(ld_committer *committer);

/* Batches committed and operations run so far, and the operations waiting
 * (queued, or in the batch running). */
void ld_committer_counts(ld_committer *committer, uint64_t *batches, uint64_t *operations,
                         size_t *waiting);

/* Gives api's writes to committer (NULL: back to its own transactions). */
void ld_api_set_committer(ld_api *api, ld_committer *committer);

/* For a handle that threads take turns on (a server's write pool, whose
 * threads mostly wait for their batch): an operation of api calls
 * release(context) once its write is queued for the committer, before it
 * waits, and take(context) when the batch has answered, before it touches
 * api again; meanwhile api is not used by the operation, and another
 * thread may run on it. Both NULL: none (the default). */
void ld_api_set_batch_wait(ld_api *api, void (*release)(void *), void (*take)(void *),
                           void *context);

/* Authenticates (PBKDF2, once). A wrong password, an unknown user, a locked or
 * deactivated account are LD_EPERM, and counted and audited. A password that
 * is too old or was set by an admin gives a session that may only change its
 * password (ld_user_passwd); every other call is refused until then. */
ld_status ld_session_login(ld_api *api, const char *username, const char *password,
                           ld_session **out, ld_error *err);

/* A session from a token issued earlier by ld_session_token_issue: checked
 * afresh (ended, idle, too old, account locked or revoked: LD_EPERM). */
ld_status ld_session_resume(ld_api *api, const char *token, ld_session **out, ld_error *err);

/* One snapshot for a front end's read request: after ld_api_read_begin,
 * ld_session_resume and the operations that only read run on api in one
 * read transaction, until ld_api_read_end. The session check then keeps
 * what it read of a token while nothing in the database changes (a logout,
 * a password change, a lock committed by any connection is seen by the
 * next check), and the write of a session's last use waits for
 * ld_api_read_end. An operation that writes, or one refused (its refusal
 * is audited), ends the snapshot first and runs as it would alone. */
ld_status ld_api_read_begin(ld_api *api, ld_error *err);
void ld_api_read_end(ld_api *api);

/* The session's user name (for a front end's log). */
const char *ld_session_username(const ld_session *session);

/* Issues a bearer token for this session so later calls (other processes, a
 * server's requests) can resume it without the password. */
ld_status ld_session_token_issue(ld_session *session, char token_out[LD_SESSION_TOKEN_MAX],
                                 ld_error *err);

/* Ends the session's token, if it has one (logout). The session stays usable
 * in this process until freed. */
ld_status ld_session_logout(ld_session *session, ld_error *err);

/* ---- Exactly-once writes ------------------------------------------------- */

#define LD_IDEMPOTENCY_KEY_MAX 129 /* 128 printable ASCII characters and the terminator */

/* For a front end whose clients retry (an HTTP Idempotency-Key): ties the
 * session's next operation to key, the client's name for one request, and
 * request_sha256 (64 hex characters), the digest of the request it names.
 * When the key is already stored for this user and request_sha256 matches,
 * *replay_out is the answer that operation gave (the caller runs nothing);
 * a different request_sha256 is LD_ESTATE naming "idempotency_key". Else
 * *replay_out is NULL and the answer of the next operation that succeeds is
 * stored under the key in that operation's own transaction, so it exists
 * exactly when the operation committed (close of business, which commits
 * day by day, stores it after its last day). Two requests racing with one
 * key: the second to commit is rolled back (LD_ESTATE) and a retry replays
 * the first's answer. A failed operation stores nothing: it changed nothing,
 * so a retry runs it again. The tie ends with the next operation, or with
 * ld_session_idempotency_clear. LD_EINVAL for a key that is not 1 to 128
 * printable characters. */
ld_status ld_session_idempotency(ld_session *session, const char *key, const char *request_sha256,
                                 cJSON **replay_out, ld_error *err);
void ld_session_idempotency_clear(ld_session *session);

/* Who the session is: {"username", "role", "authority_limit", "must_change_password"}. */
ld_status ld_session_whoami(ld_session *session, cJSON **out, ld_error *err);

/* Frees the session (and wipes the password it holds to unlock the user's
 * signing key). NULL is harmless. */
void ld_session_free(ld_session *session);

/* JSON text a read writes (ld_application_show_text): the bytes
 * cJSON_PrintUnformatted gives for the document the read's cJSON form
 * returns, data NUL-terminated and len bytes long. A front end keeps one and
 * hands it to call after call (the server keeps one with each request it
 * reuses), so its memory is reused; start it zeroed ({0}) and release it
 * with ld_text_free. */
typedef struct ld_text {
    char *data;
    size_t len;
    size_t size;
} ld_text;
void ld_text_free(ld_text *text);

/* value's text into out (its memory reused), the bytes
 * cJSON_PrintUnformatted gives: for what a front end sends of a tree the
 * operations API answered. false: out of memory (out->len is 0). */
bool ld_json_print(const cJSON *value, ld_text *out);

/* Appends text to buf (size bytes, *used of them taken) as the inside of a
 * JSON string, escaped as the operations API's JSON escapes it; cut, never
 * inside an escape, when buf is full; buf stays NUL-terminated. For what a
 * front end writes as JSON itself (a log line, a printed tree). */
void ld_json_escape(char *buf, size_t size, size_t *used, const char *text);

/* The permission table: {"roles": [...], "actions": [{"action", "reach":
 * {role: "no" | "own" | "under_review" | "all"}}]}. "own": customers assigned
 * to the officer; "under_review": customers with an application past draft.
 * Needs no session: it is the rule, not data. */
ld_status ld_permission_table(cJSON **out, ld_error *err);

#endif
