/*
 * api_int.h - what the operation files of the operations API share: the handle,
 * the session, and api_run, the unit of work every operation goes through.
 *
 * An operation is written as a body that receives the open store and the
 * authenticated core session inside a transaction, and api_run wraps it:
 *   1. a session whose password must be changed may do nothing else;
 *   2. BEGIN IMMEDIATE (or the large-transaction variant for bulk imports);
 *   3. the body: permission and scope checks (in core, below every front end),
 *      validation, writes, ledger events (attached to the store at open);
 *   4. COMMIT when the body succeeds, else ROLLBACK, so a failure changes
 *      nothing; a refusal (LD_EPERM) is then recorded in the audit trail in a
 *      transaction of its own, with the action and a bounded description.
 */
#ifndef LD_API_INT_H
#define LD_API_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loandesk/api.h"
#include "pki.h"
#include "session.h"
#include "store.h"

struct ld_api {
    core_store *store;
    core_clock clock;
    char *key_path;          /* the institution key file */
    char *key_passphrase;    /* NULL: a plain key file */
    core_pki_key *signer;    /* the institution key, read on first use */
    char *signer_cert;       /* its certificate */
    bool unit_open;          /* inside api_run's unit of work (or init's) */
    uint64_t unit_start;     /* the log's size when that unit began */
    uint64_t txn_start;      /* the log's size when the current transaction began */
    ld_committer *committer; /* NULL: this handle commits its own writes */
    /* ld_api_set_batch_wait: around the wait for a batch's answer. */
    void (*batch_release)(void *);
    void (*batch_take)(void *);
    void *batch_context;
    /* ld_api_read_begin: the read transaction a front end holds, the
     * session rows read in it, and the last use to write when it ends. */
    bool read_held;
    core_session_cache session_cache;
    char touch_token[LD_SESSION_TOKEN_MAX]; /* "" when none is due */
    int64_t touch_last_used;
};

/* Ends the read transaction a front end holds on api (ld_api_read_begin),
 * if any, and writes the session's last use when one is due. */
void api_read_release(ld_api *api);

struct ld_session {
    ld_api *api;
    core_session who;
    bool must_change_password; /* only ld_user_passwd until changed */
    char *password;            /* the login's, to unlock the signing key; NULL when resumed */
    char token[LD_SESSION_TOKEN_MAX]; /* "" until issued or resumed */
    /* ld_session_idempotency: the key and request digest the next operation's
     * answer is stored under; "" when none. */
    char idempotency_key[LD_IDEMPOTENCY_KEY_MAX];
    char idempotency_request[65];
};

/* What a body works with. */
typedef struct api_call {
    core_store *store;
    const core_session *who;
    ld_session *session;
} api_call;

typedef ld_status (*api_body)(api_call *call, void *args, cJSON **out, ld_error *err);

enum api_flags {
    API_LARGE = 1u << 0,           /* one transaction of many megabytes (import) */
    API_PASSWORD_CHANGE = 1u << 1, /* allowed while the password must be changed */
    API_NO_TRANSACTION = 1u << 2,  /* the body manages its own transactions (cob) */
    API_READ = 1u << 3,            /* the body only reads: a deferred transaction, no write lock */
};

/* Runs body as one operation named action ("app.approve") for session;
 * subject describes its target for the audit row of a refusal ("application 3",
 * may be NULL). */
ld_status api_run(ld_session *session, const char *action, const char *subject, unsigned flags,
                  api_body body, void *args, cJSON **out, ld_error *err);

/* api_run on a record: the subject is "noun id" ("loan 3"). */
ld_status api_run_on(ld_session *session, const char *action, const char *noun, int64_t id,
                     api_body body, void *args, cJSON **out, ld_error *err);

/* The body of an operation inside the caller's transaction, its answer
 * stored under the session's idempotency key when one is set. */
ld_status api_run_body(ld_session *session, api_body body, api_call *call, void *args,
                       cJSON **result, ld_error *err);

/* Audits a refused operation (action, subject) with the refusal's message. */
void api_record_refusal(ld_session *session, const char *action, const char *subject,
                        const ld_error *refusal);

/* Runs an operation in the next batch of the session's handle's committer
 * (group_commit.c) and waits until that batch committed or failed. */
ld_status api_commit_in_batch(ld_session *session, const char *action, const char *subject,
                              api_body body, void *args, cJSON **result, ld_error *err);

/* The password that unlocks the session user's signing key: key_password when
 * given, else the login's; LD_EUSAGE naming what is missing for a resumed
 * session. */
ld_status api_key_password(const ld_session *session, const char *key_password, const char **out,
                           ld_error *err);

/* Covers every log entry appended in the current unit of work with a signed
 * checkpoint (trust.h, ledger_checkpoint_seal), reading the institution key
 * on first use; *size_out (may be NULL) gets the newest checkpoint's size.
 * api_run calls it before every commit. Entries that were in the log,
 * unsigned, before the unit began are never signed over (LD_EVERIFY). */
ld_status api_seal(ld_api *api, uint64_t *size_out, ld_error *err);

/* The institution key and certificate, read on first use (LD_EPERM when the
 * key file cannot be read). */
ld_status api_signer(ld_api *api, const core_pki_key **key, const char **cert, ld_error *err);

/* LD_EINVAL naming the first problem when the policy file at path does not
 * pass the full checker (the one `policy check` runs). */
ld_status api_policy_file_check(const char *path, ld_error *err);

/* Wipes and frees a password the session held; NULL is harmless. */
void api_password_wipe(char *password);

/* A small JSON object {"id": id, key: value} many operations return. */
cJSON *api_result_id(int64_t id, const char *key, const char *value);

#endif
