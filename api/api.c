/*
 * api.c - the handle, sessions and the unit of work of the operations API
 * (loandesk/api.h, api_int.h).
 *
 * The handle owns one store connection and the clock injected by its caller;
 * core and ledger read the clock from the store, never from the environment.
 * A session is either the result of a password check in this process (it then
 * holds the password, to unlock the user's signing key when an operation
 * signs) or of a token resumed from the database (it then holds none).
 */
#include "api_int.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "idempotency.h"
#include "json_in.h"
#include "json_text.h"
#include "keystore.h"
#include "ledger_events.h"
#include "trust.h"
#include "policy.h"
#include "rating.h"
#include "user.h"

#define LOANDESK_VERSION "1.4.0"

const char *ld_api_version(void)
{
    return LOANDESK_VERSION;
}

static ld_status clock_from(const ld_clock *clock, core_clock *out, ld_error *err)
{
    core_clock c = {0};
    if (clock != NULL) {
        if (clock->business_date != NULL && clock->business_date[0] != '\0' &&
            ld_date_parse("business_date", clock->business_date, &c.business_date, err) != LD_OK)
            return LD_EINVAL;
        c.wall_now = clock->wall_now;
        c.wall_context = clock->wall_context;
    }
    *out = c;
    return LD_OK;
}

static ld_status txn_began(void *context, ld_error *err);
static ld_status txn_seal(void *context, ld_error *err);

static ld_status api_new(const char *path, const ld_clock *clock, bool create, ld_api **out,
                         ld_error *err)
{
    core_clock c;
    ld_status st = clock_from(clock, &c, err);
    if (st != LD_OK)
        return st;
    ld_api *api = calloc(1, sizeof *api);
    if (api == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    st = create ? core_store_open(path, &api->store, err)
                : core_store_open_existing(path, &api->store, err);
    if (st != LD_OK) {
        free(api);
        return st;
    }
    char key_path[4096];
    ld_api_default_key_path(path, key_path, sizeof key_path);
    if ((api->key_path = strdup(key_path)) == NULL) {
        core_store_close(api->store);
        free(api);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    api->clock = c;
    core_store_set_clock(api->store, &c);
    if ((st = ledger_events_attach(api->store, err)) != LD_OK) {
        core_store_close(api->store);
        free(api);
        return st;
    }
    core_store_set_seal_hooks(api->store, txn_began, txn_seal, api);
    *out = api;
    return LD_OK;
}

ld_status ld_api_open(const char *path, const ld_clock *clock, ld_api **out, ld_error *err)
{
    return api_new(path, clock, false, out, err);
}

static void signer_forget(ld_api *api)
{
    core_pki_key_free(api->signer);
    free(api->signer_cert);
    api->signer = NULL;
    api->signer_cert = NULL;
}

void ld_api_close(ld_api *api)
{
    if (api == NULL)
        return;
    api_read_release(api);
    signer_forget(api);
    api_password_wipe(api->key_passphrase);
    free(api->key_path);
    core_store_close(api->store);
    free(api);
}

void ld_api_default_key_path(const char *db_path, char *out, size_t size)
{
    snprintf(out, size, "%s.institution-key", db_path);
}

ld_status ld_api_set_institution_key(ld_api *api, const char *key_path, const char *passphrase,
                                     ld_error *err)
{
    char *path = key_path != NULL ? strdup(key_path) : NULL;
    char *pass = passphrase != NULL ? strdup(passphrase) : NULL;
    if ((key_path != NULL && path == NULL) || (passphrase != NULL && pass == NULL)) {
        free(path);
        api_password_wipe(pass);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    signer_forget(api);
    if (path != NULL) {
        free(api->key_path);
        api->key_path = path;
    }
    api_password_wipe(api->key_passphrase);
    api->key_passphrase = pass;
    return LD_OK;
}

ld_status api_signer(ld_api *api, const core_pki_key **key, const char **cert, ld_error *err)
{
    if (api->signer == NULL) {
        ld_status st = core_keystore_institution_signer(
            api->store, api->key_path, api->key_passphrase, &api->signer, &api->signer_cert, err);
        if (st != LD_OK)
            return st;
    }
    *key = api->signer;
    *cert = api->signer_cert;
    return LD_OK;
}

static ld_status seal_key(void *ctx, const core_pki_key **key, const char **cert, ld_error *err)
{
    ld_status st = api_signer(ctx, key, cert, err);
    if (st != LD_OK)
        return ld_error_recode(err, st, "signing the log's new entries");
    return st;
}

ld_status api_seal(ld_api *api, uint64_t *size_out, ld_error *err)
{
    ledger_checkpoint_record newest;
    bool made = false;
    ld_status st =
        ledger_checkpoint_seal(api->store, api->unit_open ? &api->unit_start : NULL, seal_key, api,
                               (int64_t)ledger_event_now(api->store), &made, &newest, err);
    if (st != LD_OK)
        return st;
    if (size_out != NULL)
        *size_out = newest.checkpoint.size;
    ledger_checkpoint_record_clear(&newest);
    return LD_OK;
}

/* Every transaction on the handle's connection notes the log's size when it
 * begins and, last before it commits, signs what it appended (seal hooks,
 * core/store.h): logins, audited refusals and the bodies' own transactions
 * leave no unsigned tail either, and none signs over entries it found
 * unsigned. */
static ld_status txn_began(void *context, ld_error *err)
{
    ld_api *api = context;
    return ledger_store_log_size(api->store, &api->txn_start, err);
}

static ld_status txn_seal(void *context, ld_error *err)
{
    ld_api *api = context;
    ledger_checkpoint_record newest;
    bool made = false;
    ld_status st =
        ledger_checkpoint_seal(api->store, &api->txn_start, seal_key, api,
                               (int64_t)ledger_event_now(api->store), &made, &newest, err);
    if (st == LD_OK)
        ledger_checkpoint_record_clear(&newest);
    return st;
}

static ld_session *session_new(ld_api *api, const core_session *who, const char *password)
{
    ld_session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->api = api;
    s->who = *who;
    if (password != NULL && (s->password = strdup(password)) == NULL) {
        free(s);
        return NULL;
    }
    return s;
}

void api_password_wipe(char *password)
{
    if (password == NULL)
        return;
    OPENSSL_cleanse(password, strlen(password));
    free(password);
}

void ld_text_free(ld_text *text)
{
    if (text == NULL)
        return;
    free(text->data);
    text->data = NULL;
    text->len = text->size = 0;
}

bool ld_json_print(const cJSON *value, ld_text *out)
{
    core_jtext t = {.data = out->data, .size = out->size};
    core_jt_reset(&t);
    if (value != NULL)
        core_jt_value(&t, value);
    out->data = t.data;
    out->size = t.size;
    out->len = value != NULL && !t.failed ? t.len : 0;
    return value != NULL && !t.failed;
}

void ld_json_escape(char *buf, size_t size, size_t *used, const char *text)
{
    core_json_escape(buf, size, used, text);
}

void ld_session_free(ld_session *session)
{
    if (session == NULL)
        return;
    api_password_wipe(session->password);
    OPENSSL_cleanse(session->token, sizeof session->token);
    free(session);
}

ld_status ld_session_login(ld_api *api, const char *username, const char *password,
                           ld_session **out, ld_error *err)
{
    core_session who;
    /* The login itself accepts an expired password; the session then may only
     * change it (api_run refuses everything else). */
    ld_status st = core_user_login(api->store, username, password, true, &who, err);
    if (st != LD_OK)
        return st;
    bool expired = false;
    if ((st = core_user_password_expired(api->store, who.user_id, &expired, err)) != LD_OK)
        return st;
    ld_session *s = session_new(api, &who, password);
    if (s == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    s->must_change_password = expired;
    *out = s;
    return LD_OK;
}

ld_status ld_api_read_begin(ld_api *api, ld_error *err)
{
    api_read_release(api);
    ld_status st = core_store_begin_read(api->store, err);
    if (st == LD_OK)
        api->read_held = true;
    return st;
}

void api_read_release(ld_api *api)
{
    if (api->read_held) {
        api->read_held = false;
        /* Committed rather than rolled back: a rollback drops the
         * configuration read in it, which the next request would read
         * again; and a commit of a read refuses whatever was written. */
        ld_error ignored;
        if (core_store_in_transaction(api->store) &&
            core_store_commit(api->store, &ignored) != LD_OK)
            core_store_rollback(api->store);
    }
    if (api->touch_token[0] != '\0') {
        /* A mark that cannot be written now is written by a later use
         * (core_session_touch), so its failure fails no request. */
        ld_error ignored;
        core_session_touch(api->store, api->touch_token, api->touch_last_used, NULL, &ignored);
        OPENSSL_cleanse(api->touch_token, sizeof api->touch_token);
    }
}

void ld_api_read_end(ld_api *api)
{
    api_read_release(api);
}

const char *ld_session_username(const ld_session *session)
{
    return session->who.username;
}

ld_status ld_session_resume(ld_api *api, const char *token, ld_session **out, ld_error *err)
{
    core_session who;
    bool expired = false;
    int64_t touch_due = -1;
    ld_status st;
    if (api->read_held && core_store_reading(api->store)) {
        /* Inside the front end's snapshot: the check reads in it (or takes
         * the row it read of this token in the same data version), and the
         * last use is written when the snapshot ends. */
        st = core_session_check(api->store, &api->session_cache, token, &who, &expired, &touch_due,
                                err);
        if (st == LD_OK && touch_due >= 0) {
            snprintf(api->touch_token, sizeof api->touch_token, "%s", token);
            api->touch_last_used = touch_due;
        }
    } else {
        /* No transaction of its own: the check is one read, and the rare
         * write of the last use (session_store.c) commits by itself, so
         * resuming takes the write lock only when it writes. */
        st = core_session_resume(api->store, token, &who, &expired, err);
    }
    if (st != LD_OK)
        return st;
    ld_session *s = session_new(api, &who, NULL);
    if (s == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    s->must_change_password = expired;
    snprintf(s->token, sizeof s->token, "%s", token);
    *out = s;
    return LD_OK;
}

ld_status ld_session_token_issue(ld_session *session, char token_out[LD_SESSION_TOKEN_MAX],
                                 ld_error *err)
{
    core_store *store = session->api->store;
    ld_status st = core_store_begin(store, err);
    if (st != LD_OK)
        return st;
    if ((st = core_session_open(store, &session->who, session->token, err)) != LD_OK ||
        (st = core_audit_record(store, &session->who, "session.open", "user", session->who.user_id,
                                NULL, err)) != LD_OK) {
        core_store_rollback(store);
        session->token[0] = '\0';
        return st;
    }
    if ((st = core_store_commit(store, err)) != LD_OK) {
        session->token[0] = '\0';
        return st;
    }
    memcpy(token_out, session->token, LD_SESSION_TOKEN_MAX);
    return LD_OK;
}

ld_status ld_session_logout(ld_session *session, ld_error *err)
{
    if (session->token[0] == '\0')
        return LD_OK;
    core_store *store = session->api->store;
    ld_status st = core_store_begin(store, err);
    if (st != LD_OK)
        return st;
    if ((st = core_session_end(store, session->token, err)) != LD_OK ||
        (st = core_audit_record(store, &session->who, "session.end", "user", session->who.user_id,
                                NULL, err)) != LD_OK) {
        core_store_rollback(store);
        return st;
    }
    if ((st = core_store_commit(store, err)) != LD_OK)
        return st;
    session->token[0] = '\0';
    return LD_OK;
}

ld_status ld_session_whoami(ld_session *session, cJSON **out, ld_error *err)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    char limit[LD_MONEY_TEXT_MAX];
    cJSON_AddStringToObject(o, "username", session->who.username);
    cJSON_AddStringToObject(o, "role", core_role_name(session->who.role));
    cJSON_AddStringToObject(o, "authority_limit",
                            ld_money_format(session->who.authority_limit, limit));
    cJSON_AddBoolToObject(o, "must_change_password", session->must_change_password);
    /* Front ends default their date fields to the day the books are kept on,
     * never to the client's own clock (design.md, business date). */
    char today[LD_DATE_TEXT_MAX];
    cJSON_AddStringToObject(o, "business_date",
                            ld_date_format(core_store_today(session->api->store), today));
    *out = o;
    return LD_OK;
}

/* Records a refused operation. The description is cut to a bounded length;
 * the audit trail escapes what it stores. */
void api_record_refusal(ld_session *session, const char *action, const char *subject,
                        const ld_error *refusal)
{
    char reason[768];
    /* The audit row is a write: a snapshot held for reading ends first. */
    api_read_release(session->api);
    snprintf(reason, sizeof reason, "refused: %s%s%s: %s", action, subject ? " " : "",
             subject ? subject : "", refusal->message);
    /* Inside a batch of the group commit the refusal is part of the batch;
     * otherwise it commits by itself. */
    if (core_store_in_transaction(session->api->store))
        core_audit_record_denial_here(session->api->store, &session->who, action, reason, NULL);
    else
        core_audit_record_denial(session->api->store, &session->who, NULL, action, reason, NULL);
}

static ld_status api_run_once(ld_session *session, const char *action, const char *subject,
                              unsigned flags, api_body body, void *args, cJSON **out,
                              ld_error *err);

ld_status ld_session_idempotency(ld_session *session, const char *key, const char *request_sha256,
                                 cJSON **replay_out, ld_error *err)
{
    ld_session_idempotency_clear(session);
    ld_status st = core_idempotency_key_check(key, err);
    if (st != LD_OK)
        return st;
    if (request_sha256 == NULL || strlen(request_sha256) != 64)
        return LD_FAIL(err, LD_EINVAL, "request_sha256: must be 64 hex characters");
    char *stored = NULL;
    if ((st = core_idempotency_find(session->api->store, session->who.user_id, key, request_sha256,
                                    &stored, err)) != LD_OK)
        return st;
    if (stored != NULL) {
        cJSON *answer = cJSON_Parse(stored);
        free(stored);
        if (answer == NULL)
            return LD_FAIL(err, LD_EINTERNAL, "a stored answer does not parse");
        *replay_out = answer;
        return LD_OK;
    }
    snprintf(session->idempotency_key, sizeof session->idempotency_key, "%s", key);
    snprintf(session->idempotency_request, sizeof session->idempotency_request, "%s",
             request_sha256);
    *replay_out = NULL;
    return LD_OK;
}

void ld_session_idempotency_clear(ld_session *session)
{
    session->idempotency_key[0] = '\0';
    session->idempotency_request[0] = '\0';
}

/* Stores an operation's answer under the session's idempotency key, in the
 * transaction the caller holds. */
static ld_status idempotency_store(ld_session *session, const cJSON *result, ld_error *err)
{
    char *text = result != NULL ? cJSON_PrintUnformatted(result) : strdup("null");
    if (text == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    ld_status st =
        core_idempotency_put(session->api->store, session->who.user_id, session->idempotency_key,
                             session->idempotency_request, text, err);
    free(text);
    return st;
}

/* The body, then the answer stored under the idempotency key when the caller
 * set one (api_run holds the transaction, or opens one for bodies that
 * commit on their own). */
static ld_status run_body(ld_session *session, api_body body, api_call *call, void *args,
                          bool own_transaction, cJSON **result, ld_error *err)
{
    ld_status st = body(call, args, result, err);
    if (st != LD_OK || session->idempotency_key[0] == '\0')
        return st;
    if (!own_transaction)
        return idempotency_store(session, *result, err);
    if ((st = core_store_begin(session->api->store, err)) != LD_OK)
        return st;
    if ((st = idempotency_store(session, *result, err)) != LD_OK) {
        core_store_rollback(session->api->store);
        return st;
    }
    return core_store_commit(session->api->store, err);
}

ld_status api_run_body(ld_session *session, api_body body, api_call *call, void *args,
                       cJSON **result, ld_error *err)
{
    return run_body(session, body, call, args, false, result, err);
}

ld_status api_run(ld_session *session, const char *action, const char *subject, unsigned flags,
                  api_body body, void *args, cJSON **out, ld_error *err)
{
    ld_status st = api_run_once(session, action, subject, flags, body, args, out, err);
    ld_session_idempotency_clear(session);
    return st;
}

static ld_status api_run_once(ld_session *session, const char *action, const char *subject,
                              unsigned flags, api_body body, void *args, cJSON **out, ld_error *err)
{
    core_store *store = session->api->store;
    ld_status st;
    if (session->must_change_password && !(flags & API_PASSWORD_CHANGE)) {
        st = LD_FAIL(err, LD_EPERM,
                     "password expired or set by an admin: change it first (loandesk user "
                     "passwd)");
        api_record_refusal(session, action, subject, err);
        return st;
    }
    api_call call = {.store = store, .who = &session->who, .session = session};
    cJSON *result = NULL;
    bool reads = (flags & API_READ) && session->idempotency_key[0] == '\0';
    if (session->api->read_held) {
        /* A front end's snapshot (ld_api_read_begin): a read runs in it; any
         * other operation ends it and runs as it would alone. */
        if (reads && core_store_reading(store)) {
            st = run_body(session, body, &call, args, false, &result, err);
            if (st != LD_OK) {
                cJSON_Delete(result);
                if (st == LD_EPERM)
                    api_record_refusal(session, action, subject, err);
                return st;
            }
            if (out != NULL)
                *out = result;
            else
                cJSON_Delete(result);
            return LD_OK;
        }
        api_read_release(session->api);
    }
    /* Inside a transaction the caller already holds, the operation is part of
     * it: the caller commits or rolls back, and records a refusal. */
    bool nested = core_store_in_transaction(store);
    bool batched = !nested && session->api->committer != NULL && !reads &&
                   !(flags & (API_NO_TRANSACTION | API_LARGE));
    if (batched) {
        /* A handle with a committer (a server's worker) hands its writes to
         * the committer's batch (group_commit.c), which audits refusals. */
        st = api_commit_in_batch(session, action, subject, body, args, &result, err);
    } else if (nested) {
        st = run_body(session, body, &call, args, false, &result, err);
    } else if (flags & API_NO_TRANSACTION) {
        /* The body commits its own transactions; what it appended is
         * signed in one more. */
        if ((st = ledger_store_log_size(store, &session->api->unit_start, err)) != LD_OK)
            return st;
        session->api->unit_open = true;
        st = run_body(session, body, &call, args, true, &result, err);
        if (st == LD_OK && (st = core_store_begin(store, err)) == LD_OK) {
            if ((st = api_seal(session->api, NULL, err)) == LD_OK)
                st = core_store_commit(store, err);
            else
                core_store_rollback(store);
        }
    } else {
        if (flags & API_LARGE)
            st = core_store_begin_large(store, err);
        else if (reads)
            st = core_store_begin_read(store, err);
        else
            st = core_store_begin(store, err);
        if (st != LD_OK)
            return st;
        /* What this unit appends is signed before it commits; what was
         * there unsigned before it began is not (api_seal). A read appends
         * nothing. */
        if (!reads &&
            (st = ledger_store_log_size(store, &session->api->unit_start, err)) != LD_OK) {
            core_store_rollback(store);
            return st;
        }
        session->api->unit_open = !reads;
        st = run_body(session, body, &call, args, false, &result, err);
        if (st == LD_OK && !reads)
            st = api_seal(session->api, NULL, err);
        if (st == LD_OK)
            st = core_store_commit(store, err);
        else
            core_store_rollback(store);
    }
    if (!nested)
        session->api->unit_open = false;
    if (st != LD_OK) {
        cJSON_Delete(result);
        if (st == LD_EPERM && !nested && !batched)
            api_record_refusal(session, action, subject, err);
        return st;
    }
    if (out != NULL)
        *out = result;
    else
        cJSON_Delete(result);
    return LD_OK;
}

ld_status api_run_on(ld_session *session, const char *action, const char *noun, int64_t id,
                     api_body body, void *args, cJSON **out, ld_error *err)
{
    char subject[64];
    snprintf(subject, sizeof subject, "%s %lld", noun, (long long)id);
    return api_run(session, action, subject, 0, body, args, out, err);
}

ld_status api_key_password(const ld_session *session, const char *key_password, const char **out,
                           ld_error *err)
{
    const char *password = key_password != NULL ? key_password : session->password;
    if (password == NULL)
        return LD_FAIL(err, LD_EUSAGE,
                       "this operation unlocks your signing key: give your password (a resumed "
                       "session does not hold it)");
    *out = password;
    return LD_OK;
}

cJSON *api_result_id(int64_t id, const char *key, const char *value)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddItemToObject(o, "id", core_json_int_item(id));
    if (key != NULL)
        cJSON_AddStringToObject(o, key, value);
    return o;
}

/* The first of a checker's problems as the error, pointing at the command
 * that lists them all. */
static ld_status policy_problems_error(ld_status st, core_policy_problems *problems, ld_error *err)
{
    if (st == LD_EINVAL && problems->count > 0) {
        st = LD_FAIL(err, LD_EINVAL, "policy: %s%s", problems->messages[0],
                     problems->count > 1 ? " (and more: run `loandesk policy check`)" : "");
    }
    core_policy_problems_free(problems);
    return st;
}

/* A new book's policy file is checked before the book's file is made, so a
 * bad policy leaves nothing behind; the message points at `policy check`. */
ld_status api_policy_file_check(const char *path, ld_error *err)
{
    core_policy_problems problems = {0};
    ld_status st = core_policy_model_check_file(path, &problems, err);
    return policy_problems_error(st, &problems, err);
}

typedef struct init_args {
    const ld_init_spec *spec;
    ld_session *session;
} init_args;

ld_status ld_api_init(const char *path, const ld_clock *clock, const ld_init_spec *spec,
                      ld_api **api_out, cJSON **out, ld_error *err)
{
    if (spec->admin_password == NULL)
        return LD_FAIL(err, LD_EUSAGE, "no admin password given");
    ld_status st = api_policy_file_check(spec->policy_path, err);
    if (st != LD_OK)
        return st;
    ld_api *api = NULL;
    if ((st = api_new(path, clock, true, &api, err)) != LD_OK)
        return st;
    core_store *store = api->store;
    core_session admin;
    int64_t now = core_store_now(store);
    bool key_written = false;
    if ((st = core_store_begin(store, err)) != LD_OK)
        goto fail;
    /* A new book: its unit of work starts from an empty log. */
    api->unit_open = true;
    api->unit_start = 0;
    core_keystore_custody custody = {.ca_passphrase = spec->ca_passphrase,
                                     .institution_key_path = spec->institution_key_path,
                                     .institution_passphrase = spec->institution_key_passphrase};
    if (custody.institution_key_path == NULL)
        custody.institution_key_path = api->key_path;
    if ((st = core_user_init_admin(store, spec->admin_username, spec->admin_full_name,
                                   spec->admin_password, &admin, err)) != LD_OK ||
        (st = core_policy_load(store, &admin, spec->policy_path, spec->products_path, err)) !=
            LD_OK ||
        (st = ld_api_set_institution_key(api, spec->institution_key_path,
                                         spec->institution_key_passphrase, err)) != LD_OK ||
        (st = core_keystore_init(store, &admin, &custody, spec->admin_password, spec->institution,
                                 (time_t)now, err)) != LD_OK ||
        !(key_written = true) || (st = api_seal(api, NULL, err)) != LD_OK) {
        core_store_rollback(store);
        goto fail;
    }
    if ((st = core_store_commit(store, err)) != LD_OK)
        goto fail;
    api->unit_open = false;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "database", path);
    cJSON_AddStringToObject(o, "admin", spec->admin_username);
    cJSON_AddStringToObject(o, "institution", spec->institution);
    *api_out = api;
    *out = o;
    return LD_OK;
fail:
    /* A key file written for a book that was never committed certifies
     * nothing: remove it. */
    if (key_written)
        unlink(api->key_path);
    ld_api_close(api);
    return st;
}

ld_status ld_date_check(const char *field, const char *text, ld_error *err)
{
    ld_date day;
    return ld_date_parse(field, text, &day, err);
}
