/*
 * routes.c - the route table of the HTTP API and its handlers. Each handler
 * reads its path parameters, query and JSON body, calls one operation of the
 * operations API (include/loandesk) and leaves its result as the answer:
 * the same JSON the command line prints with --json. Files the operations
 * read or write (policies, imports, workbooks, exports) live in the server's
 * private folders and never show their paths in an answer.
 */
#include "server_private.h"

#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SESSION_COOKIE "__Host-loandesk_session"

/* ---- Reading a request ----------------------------------------------------- */

static ld_status parse_positive(srv_request *rq, const char *what, const char *text, int64_t min,
                                int64_t *out)
{
    /* Set on every path: a refused value is never read, but an optimising
     * build cannot always see that through its callers. */
    *out = 0;
    char *end = NULL;
    errno = 0;
    long long value = text != NULL ? strtoll(text, &end, 10) : 0;
    if (text == NULL || errno != 0 || end == text || *end != '\0' || value < min)
        return srv_fail(rq, LD_EINVAL, "%s: must be a whole number of at least %lld", what,
                        (long long)min);
    *out = value;
    return LD_OK;
}

ld_status srv_param_id(srv_request *rq, int i, const char *what, int64_t *out)
{
    return parse_positive(rq, what, rq->params[i], 1, out);
}

ld_status srv_body_text(srv_request *rq, const char *name, const char **out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(rq->json, name);
    *out = NULL;
    if (item == NULL || cJSON_IsNull(item))
        return LD_OK;
    if (!cJSON_IsString(item))
        return srv_fail(rq, LD_EINVAL, "%s: must be a string", name);
    *out = item->valuestring;
    return LD_OK;
}

/* A member that is text or a whole number, as text (terms typed as numbers). */
static ld_status body_text_or_number(srv_request *rq, const char *name, char buf[32],
                                     const char **out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(rq->json, name);
    if (cJSON_IsNumber(item)) {
        if (item->valuedouble != (long long)item->valuedouble)
            return srv_fail(rq, LD_EINVAL, "%s: must be a whole number", name);
        snprintf(buf, 32, "%lld", (long long)item->valuedouble);
        *out = buf;
        return LD_OK;
    }
    return srv_body_text(rq, name, out);
}

static ld_status body_bool(srv_request *rq, const char *name, bool *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(rq->json, name);
    *out = false;
    if (item == NULL || cJSON_IsNull(item))
        return LD_OK;
    if (!cJSON_IsBool(item))
        return srv_fail(rq, LD_EINVAL, "%s: must be true or false", name);
    *out = cJSON_IsTrue(item);
    return LD_OK;
}

/* The body as a record: an object, required. */
static ld_status body_record(srv_request *rq, const cJSON **out)
{
    *out = NULL;
    if (rq->json == NULL)
        return srv_fail(rq, LD_EINVAL, "body: a JSON object is required");
    *out = rq->json;
    return LD_OK;
}

static ld_status query_page(srv_request *rq, ld_page *page)
{
    *page = (ld_page){0};
    const char *limit = srv_query(rq, "limit");
    const char *after = srv_query(rq, "after");
    int64_t n = 0;
    ld_status st;
    if (limit != NULL) {
        if ((st = parse_positive(rq, "limit", limit, 1, &n)) != LD_OK)
            return st;
        page->limit = n > 100000 ? 100000 : (int)n;
    }
    if (after != NULL && (st = parse_positive(rq, "after", after, 0, &page->after)) != LD_OK)
        return st;
    return LD_OK;
}

/* ---- Session ------------------------------------------------------------------ */

static void set_session_cookie(srv_request *rq, const char *token)
{
    if (token == NULL)
        snprintf(rq->set_cookie, sizeof rq->set_cookie,
                 SESSION_COOKIE "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
    else
        snprintf(rq->set_cookie, sizeof rq->set_cookie,
                 SESSION_COOKIE "=%s; Path=/; Secure; HttpOnly; SameSite=Strict", token);
}

/* Issues a token for a session just authenticated and answers with who it is,
 * the CSRF token and, for a machine client, the bearer token. */
static ld_status answer_new_session(srv_request *rq, ld_session *session, bool bearer)
{
    char token[LD_SESSION_TOKEN_MAX];
    ld_status st = ld_session_token_issue(session, token, &rq->err);
    if (st != LD_OK || (st = ld_session_whoami(session, &rq->result, &rq->err)) != LD_OK)
        return st;
    char csrf[65];
    srv_csrf_token(token, csrf);
    cJSON_AddStringToObject(rq->result, "csrf_token", csrf);
    if (bearer)
        cJSON_AddStringToObject(rq->result, "token", token);
    else
        set_session_cookie(rq, token);
    return LD_OK;
}

static ld_status h_login(srv_request *rq)
{
    const char *username, *password, *mode;
    ld_status st;
    if ((st = srv_body_text(rq, "username", &username)) != LD_OK ||
        (st = srv_body_text(rq, "password", &password)) != LD_OK ||
        (st = srv_body_text(rq, "mode", &mode)) != LD_OK)
        return st;
    if (username == NULL || username[0] == '\0')
        return srv_fail(rq, LD_EINVAL, "username: is required");
    if (password == NULL)
        return srv_fail(rq, LD_EINVAL, "password: is required");
    if (mode != NULL && strcmp(mode, "cookie") != 0 && strcmp(mode, "bearer") != 0)
        return srv_fail(rq, LD_EINVAL, "mode: must be cookie or bearer");
    ld_session *session = NULL;
    ld_status login = ld_session_login(rq->api, username, password, &session, &rq->err);
    if (login == LD_EINTERNAL) {
        /* A login runs beside the server's writes; one that found the
         * database busy past its time-out (a long signing operation holds
         * it) waits for the write turn and tries once more. A busy database
         * refused the attempt before it was counted. */
        srv_write_turn(rq->srv, true);
        login = ld_session_login(rq->api, username, password, &session, &rq->err);
        srv_write_turn(rq->srv, false);
    }
    if (login != LD_OK) {
        /* One answer for every failure: an unknown name, a wrong password, a
         * locked or deactivated account look alike. */
        if (rq->err.code == LD_EINTERNAL)
            return LD_EINTERNAL;
        rq->status = 401;
        return srv_fail(rq, LD_EPERM, "login failed: unknown user or wrong password");
    }
    snprintf(rq->username, sizeof rq->username, "%s", username);
    /* A session presented with the login ends: every login gets a new token. */
    if (rq->token[0] != '\0') {
        ld_session *old = NULL;
        ld_error ignored;
        if (ld_session_resume(rq->api, rq->token, &old, &ignored) == LD_OK) {
            ld_session_logout(old, &ignored);
            ld_session_free(old);
        }
    }
    bool bearer = mode != NULL && strcmp(mode, "bearer") == 0;
    if ((st = answer_new_session(rq, session, bearer)) == LD_EINTERNAL) {
        srv_write_turn(rq->srv, true);
        cJSON_Delete(rq->result);
        rq->result = NULL;
        st = answer_new_session(rq, session, bearer);
        srv_write_turn(rq->srv, false);
    }
    ld_session_free(session);
    return st;
}

static ld_status h_whoami(srv_request *rq)
{
    ld_status st = ld_session_whoami(rq->session, &rq->result, &rq->err);
    if (st == LD_OK) {
        char csrf[65];
        srv_csrf_token(rq->token, csrf);
        cJSON_AddStringToObject(rq->result, "csrf_token", csrf);
    }
    return st;
}

static ld_status h_logout(srv_request *rq)
{
    ld_status st = ld_session_logout(rq->session, &rq->err);
    if (st != LD_OK)
        return st;
    set_session_cookie(rq, NULL);
    rq->result = cJSON_CreateObject();
    cJSON_AddBoolToObject(rq->result, "logged_out", true);
    return LD_OK;
}

static ld_status h_password_change(srv_request *rq)
{
    const char *current, *next;
    ld_status st;
    if ((st = srv_body_text(rq, "current_password", &current)) != LD_OK ||
        (st = srv_body_text(rq, "new_password", &next)) != LD_OK)
        return st;
    if (current == NULL)
        return srv_fail(rq, LD_EINVAL, "current_password: is required");
    if (next == NULL)
        return srv_fail(rq, LD_EINVAL, "new_password: is required");
    /* The current password is checked as a login is, failures counted. */
    ld_session *fresh = NULL;
    if (ld_session_login(rq->api, rq->username, current, &fresh, &rq->err) != LD_OK)
        return rq->err.code == LD_EINTERNAL
                   ? LD_EINTERNAL
                   : srv_fail(rq, LD_EPERM, "current_password: does not match");
    cJSON *changed = NULL;
    if ((st = ld_user_passwd(fresh, NULL, next, current, &changed, &rq->err)) != LD_OK) {
        ld_session_free(fresh);
        return st;
    }
    cJSON_Delete(changed);
    ld_session_free(fresh);
    /* The new password's session replaces the old one. */
    if ((st = ld_session_login(rq->api, rq->username, next, &fresh, &rq->err)) != LD_OK)
        return st;
    st = answer_new_session(rq, fresh, !rq->cookie_auth);
    ld_session_free(fresh);
    if (st == LD_OK)
        ld_session_logout(rq->session, &rq->err);
    return st;
}

/* ---- Accounts, the CA, the policy ----------------------------------------------- */

static ld_status h_user_list(srv_request *rq)
{
    return ld_user_list(rq->session, &rq->result, &rq->err);
}

static ld_status h_user_add(srv_request *rq)
{
    ld_user_spec spec = {0};
    const char *key_password;
    ld_status st;
    if ((st = srv_body_text(rq, "username", &spec.username)) != LD_OK ||
        (st = srv_body_text(rq, "full_name", &spec.full_name)) != LD_OK ||
        (st = srv_body_text(rq, "role", &spec.role)) != LD_OK ||
        (st = srv_body_text(rq, "authority_limit", &spec.authority_limit)) != LD_OK ||
        (st = srv_body_text(rq, "password", &spec.password)) != LD_OK ||
        (st = srv_body_text(rq, "key_password", &key_password)) != LD_OK)
        return st;
    /* The CA key answers to its custodians' passphrase, never to a login's
     * (docs/ledger.md, "Key custody"); only signing roles need it. */
    return ld_user_add(rq->session, &spec, key_password, &rq->result, &rq->err);
}

static ld_status h_user_reset(srv_request *rq)
{
    const char *password, *key_password;
    ld_status st;
    if ((st = srv_body_text(rq, "new_password", &password)) != LD_OK ||
        (st = srv_body_text(rq, "key_password", &key_password)) != LD_OK)
        return st;
    if (password == NULL)
        return srv_fail(rq, LD_EINVAL, "new_password: is required");
    if (key_password == NULL)
        return srv_fail(rq, LD_EINVAL, "key_password: your password, to unlock the CA key");
    return ld_user_passwd(rq->session, rq->params[0], password, key_password, &rq->result,
                          &rq->err);
}

static ld_status h_user_unlock(srv_request *rq)
{
    return ld_user_unlock(rq->session, rq->params[0], &rq->result, &rq->err);
}

static ld_status h_user_revoke(srv_request *rq)
{
    return ld_user_revoke(rq->session, rq->params[0], &rq->result, &rq->err);
}

static ld_status h_roles(srv_request *rq)
{
    return ld_permission_table(&rq->result, &rq->err);
}

static ld_status h_ca_cert(srv_request *rq)
{
    return ld_pki_ca_cert(rq->session, &rq->result, &rq->err);
}

/* Writes member name of the body (an object) to a private file in the work
 * folder; *path_out "" when the member is absent. */
static ld_status body_to_file(srv_request *rq, const char *name, char path_out[PATH_MAX])
{
    path_out[0] = '\0';
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(rq->json, name);
    if (item == NULL || cJSON_IsNull(item))
        return LD_OK;
    if (!cJSON_IsObject(item))
        return srv_fail(rq, LD_EINVAL, "%s: must be a JSON object", name);
    char *text = cJSON_PrintUnformatted(item);
    if (text == NULL)
        return srv_fail(rq, LD_EINTERNAL, "out of memory");
    char suffix[33];
    if (!srv_random_hex(16, suffix)) {
        free(text);
        return srv_fail(rq, LD_EINTERNAL, "no randomness");
    }
    snprintf(path_out, PATH_MAX, "%s/%s-%s.json", srv_work_dir(rq->srv), name, suffix);
    ld_status st = srv_write_file(path_out, text, strlen(text), &rq->err);
    free(text);
    if (st != LD_OK)
        path_out[0] = '\0';
    return st;
}

static ld_status h_policy_load(srv_request *rq)
{
    char policy[PATH_MAX] = "", products[PATH_MAX] = "";
    ld_status st = body_to_file(rq, "policy", policy);
    if (st == LD_OK && (st = body_to_file(rq, "products", products)) == LD_OK) {
        if (policy[0] == '\0' && products[0] == '\0')
            st = srv_fail(rq, LD_EINVAL, "policy: give a policy, a products catalogue or both");
        else
            st = ld_policy_load(rq->session, policy[0] ? policy : NULL,
                                products[0] ? products : NULL, &rq->result, &rq->err);
    }
    if (policy[0] != '\0')
        unlink(policy);
    if (products[0] != '\0')
        unlink(products);
    return st;
}

static ld_status h_policy_check(srv_request *rq)
{
    const cJSON *record;
    ld_status st = body_record(rq, &record);
    if (st != LD_OK)
        return st;
    cJSON *wrapper = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(wrapper, "policy", (cJSON *)record);
    cJSON *saved = rq->json;
    rq->json = wrapper;
    char path[PATH_MAX];
    st = body_to_file(rq, "policy", path);
    rq->json = saved;
    cJSON_Delete(wrapper);
    if (st != LD_OK)
        return st;
    st = ld_policy_check(path, &rq->result, &rq->err);
    unlink(path);
    return st;
}

/* ---- Borrowers ---------------------------------------------------------------- */

static ld_status h_borrower_add(srv_request *rq)
{
    const cJSON *record;
    ld_status st = body_record(rq, &record);
    return st != LD_OK ? st : ld_borrower_add(rq->session, record, &rq->result, &rq->err);
}

static ld_status h_borrower_list(srv_request *rq)
{
    ld_page page;
    ld_status st = query_page(rq, &page);
    if (st != LD_OK)
        return st;
    ld_borrower_filter filter = {
        .name = srv_query(rq, "name"),
        .id_number = srv_query(rq, "id_number"),
        .credit_code = srv_query(rq, "credit_code"),
    };
    return ld_borrower_list(rq->session, &filter, &page, &rq->result, &rq->err);
}

typedef ld_status (*show_fn)(ld_session *, int64_t, cJSON **, ld_error *);
typedef ld_status (*update_fn)(ld_session *, int64_t, const cJSON *, cJSON **, ld_error *);

/* A record with its ETag. */
static ld_status show_tagged(srv_request *rq, const char *what, show_fn show)
{
    int64_t id;
    ld_status st = srv_param_id(rq, 0, what, &id);
    if (st != LD_OK || (st = show(rq->session, id, &rq->result, &rq->err)) != LD_OK)
        return st;
    rq->etag_of_answer = true; /* the same digest srv_etag_of gives, of the bytes sent */
    return LD_OK;
}

/* An update checked against If-Match: the record as it stands is read, its
 * ETag compared and the change made while the request holds the server's
 * write turn (http.c), so no other write of the server comes between the
 * check and the change and two clients holding one ETag cannot both write. */
static ld_status update_tagged(srv_request *rq, const char *what, show_fn show, update_fn update)
{
    int64_t id;
    const cJSON *changes;
    ld_status st;
    if ((st = srv_param_id(rq, 0, what, &id)) != LD_OK || (st = body_record(rq, &changes)) != LD_OK)
        return st;
    const char *if_match = srv_query_header(rq, "If-Match");
    if (if_match == NULL) {
        rq->status = 428;
        return srv_fail(rq, LD_ESTATE, "if_match: send the ETag of the record you read");
    }
    cJSON *current = NULL;
    if ((st = show(rq->session, id, &current, &rq->err)) == LD_OK) {
        char etag[40];
        srv_etag_of(current, etag);
        cJSON_Delete(current);
        if (strcmp(if_match, "*") != 0 && strcmp(if_match, etag) != 0) {
            rq->status = 412;
            st = srv_fail(rq, LD_ESTATE,
                          "if_match: the %s changed since you read it; read it again", what);
        } else if ((st = update(rq->session, id, changes, &rq->result, &rq->err)) == LD_OK &&
                   show(rq->session, id, &current, &rq->err) == LD_OK) {
            srv_etag_of(current, rq->etag);
            cJSON_Delete(current);
        }
    }
    return st;
}

static ld_status h_borrower_show(srv_request *rq)
{
    return show_tagged(rq, "borrower", ld_borrower_show);
}

static ld_status h_borrower_update(srv_request *rq)
{
    return update_tagged(rq, "borrower", ld_borrower_show, ld_borrower_update);
}

static ld_status h_borrower_assign(srv_request *rq)
{
    int64_t id;
    const char *officer;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "borrower", &id)) != LD_OK ||
        (st = srv_body_text(rq, "officer", &officer)) != LD_OK)
        return st;
    return ld_borrower_assign(rq->session, id, officer, &rq->result, &rq->err);
}

static ld_status blocklist(srv_request *rq, bool on)
{
    int64_t id;
    const char *reason;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "borrower", &id)) != LD_OK ||
        (st = srv_body_text(rq, "reason", &reason)) != LD_OK)
        return st;
    return ld_borrower_blocklist(rq->session, id, on, reason, &rq->result, &rq->err);
}

static ld_status h_borrower_block(srv_request *rq)
{
    return blocklist(rq, true);
}

static ld_status h_borrower_unblock(srv_request *rq)
{
    return blocklist(rq, false);
}

/* ---- Applications ---------------------------------------------------------------- */

static ld_status h_app_create(srv_request *rq)
{
    const cJSON *record;
    ld_status st = body_record(rq, &record);
    return st != LD_OK ? st : ld_application_create(rq->session, record, &rq->result, &rq->err);
}

static ld_status h_app_list(srv_request *rq)
{
    ld_page page;
    ld_status st = query_page(rq, &page);
    if (st != LD_OK)
        return st;
    ld_application_filter filter = {
        .state = srv_query(rq, "state"),
        .officer = srv_query(rq, "officer"),
        .product = srv_query(rq, "product"),
        .from = srv_query(rq, "from"),
        .to = srv_query(rq, "to"),
        .grade = srv_query(rq, "grade"),
        .min_amount = srv_query(rq, "min_amount"),
        .max_amount = srv_query(rq, "max_amount"),
        .returned = srv_query(rq, "returned"),
        .referred = srv_query(rq, "referred"),
    };
    const char *borrower = srv_query(rq, "borrower_id");
    if (borrower != NULL &&
        (st = parse_positive(rq, "borrower_id", borrower, 1, &filter.borrower_id)) != LD_OK)
        return st;
    return ld_application_list(rq->session, &filter, &page, &rq->result, &rq->err);
}

/* The application as the operations API writes it as text: the server's
 * most frequent read, answered without a tree (same record, same checks). */
static ld_status h_app_show(srv_request *rq)
{
    int64_t id;
    ld_status st = srv_param_id(rq, 0, "application", &id);
    if (st != LD_OK)
        return st;
    if ((st = ld_application_show_text(rq->session, id, &rq->text, &rq->err)) == LD_OK)
        st = srv_answer_text(rq);
    return st;
}

static ld_status h_app_update(srv_request *rq)
{
    return update_tagged(rq, "application", ld_application_show, ld_application_update);
}

/* The operations that take the application (or loan) id alone. */
static ld_status on_id(srv_request *rq, const char *what, show_fn fn)
{
    int64_t id;
    ld_status st = srv_param_id(rq, 0, what, &id);
    return st != LD_OK ? st : fn(rq->session, id, &rq->result, &rq->err);
}

static ld_status h_app_file(srv_request *rq)
{
    return on_id(rq, "application", ld_application_file);
}

static ld_status h_app_submit(srv_request *rq)
{
    return on_id(rq, "application", ld_application_submit);
}

static ld_status h_app_rate(srv_request *rq)
{
    return on_id(rq, "application", ld_application_rate);
}

static ld_status h_app_authority(srv_request *rq)
{
    return on_id(rq, "application", ld_application_authority);
}

static ld_status h_app_schedule(srv_request *rq)
{
    int64_t id;
    ld_status st = srv_param_id(rq, 0, "application", &id);
    return st != LD_OK ? st
                       : ld_application_schedule(rq->session, id, srv_query(rq, "start"),
                                                 &rq->result, &rq->err);
}

static ld_status h_products(srv_request *rq)
{
    return ld_product_list(rq->session, &rq->result, &rq->err);
}

static ld_status h_rating_show(srv_request *rq)
{
    return on_id(rq, "application", ld_rating_show);
}

static ld_status h_rating_override(srv_request *rq)
{
    int64_t id;
    const char *grade, *reason;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "application", &id)) != LD_OK ||
        (st = srv_body_text(rq, "grade", &grade)) != LD_OK ||
        (st = srv_body_text(rq, "reason", &reason)) != LD_OK)
        return st;
    return ld_rating_override(rq->session, id, grade, reason, &rq->result, &rq->err);
}

static ld_status h_app_approve(srv_request *rq)
{
    int64_t id;
    ld_approval terms = {0};
    char term[32];
    ld_status st;
    if ((st = srv_param_id(rq, 0, "application", &id)) != LD_OK ||
        (st = srv_body_text(rq, "amount", &terms.amount)) != LD_OK ||
        (st = body_text_or_number(rq, "term_months", term, &terms.term_months)) != LD_OK ||
        (st = srv_body_text(rq, "rate", &terms.rate)) != LD_OK ||
        (st = srv_body_text(rq, "fee_method", &terms.fee_method)) != LD_OK ||
        (st = srv_body_text(rq, "fee", &terms.fee)) != LD_OK ||
        (st = srv_body_text(rq, "reason", &terms.reason)) != LD_OK)
        return st;
    return ld_application_approve(rq->session, id, &terms, &rq->result, &rq->err);
}

typedef ld_status (*reason_fn)(ld_session *, int64_t, const char *, cJSON **, ld_error *);

/* The operations that take an id and a reason. */
static ld_status with_reason(srv_request *rq, const char *what, reason_fn fn)
{
    int64_t id;
    const char *reason;
    ld_status st;
    if ((st = srv_param_id(rq, 0, what, &id)) != LD_OK ||
        (st = srv_body_text(rq, "reason", &reason)) != LD_OK)
        return st;
    return fn(rq->session, id, reason, &rq->result, &rq->err);
}

static ld_status h_app_reject(srv_request *rq)
{
    return with_reason(rq, "application", ld_application_reject);
}

static ld_status h_app_withdraw(srv_request *rq)
{
    return with_reason(rq, "application", ld_application_withdraw);
}

static ld_status h_app_return(srv_request *rq)
{
    return with_reason(rq, "application", ld_application_return);
}

static ld_status h_app_refer(srv_request *rq)
{
    return with_reason(rq, "application", ld_application_refer);
}

typedef ld_status (*part_fn)(ld_session *, int64_t, const cJSON *, cJSON **, ld_error *);

/* The operations that take an id and a record. */
static ld_status with_record(srv_request *rq, const char *what, part_fn fn)
{
    int64_t id;
    const cJSON *record;
    ld_status st;
    if ((st = srv_param_id(rq, 0, what, &id)) != LD_OK || (st = body_record(rq, &record)) != LD_OK)
        return st;
    return fn(rq->session, id, record, &rq->result, &rq->err);
}

static ld_status h_guarantor_add(srv_request *rq)
{
    return with_record(rq, "application", ld_guarantor_add);
}

static ld_status h_guarantor_list(srv_request *rq)
{
    return on_id(rq, "application", ld_guarantor_list);
}

static ld_status h_collateral_add(srv_request *rq)
{
    return with_record(rq, "application", ld_collateral_add);
}

static ld_status h_collateral_list(srv_request *rq)
{
    return on_id(rq, "application", ld_collateral_list);
}

static ld_status h_investigation_add(srv_request *rq)
{
    return with_record(rq, "application", ld_investigation_add);
}

/* ---- Loans ------------------------------------------------------------------------ */

static ld_status h_loan_disburse(srv_request *rq)
{
    int64_t id;
    const char *date, *contract;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "application", &id)) != LD_OK ||
        (st = srv_body_text(rq, "date", &date)) != LD_OK ||
        (st = srv_body_text(rq, "contract_no", &contract)) != LD_OK)
        return st;
    return ld_loan_disburse(rq->session, id, date, contract, &rq->result, &rq->err);
}

static ld_status h_loan_list(srv_request *rq)
{
    ld_page page;
    ld_status st = query_page(rq, &page);
    if (st != LD_OK)
        return st;
    ld_loan_filter filter = {
        .state = srv_query(rq, "state"),
        .category = srv_query(rq, "category"),
        .min_dpd = srv_query(rq, "min_dpd"),
        .officer = srv_query(rq, "officer"),
        .product = srv_query(rq, "product"),
        .maturing_before = srv_query(rq, "maturing_before"),
    };
    const char *borrower = srv_query(rq, "borrower_id");
    if (borrower != NULL &&
        (st = parse_positive(rq, "borrower_id", borrower, 1, &filter.borrower_id)) != LD_OK)
        return st;
    return ld_loan_list(rq->session, &filter, &page, &rq->result, &rq->err);
}

static ld_status h_loan_show(srv_request *rq)
{
    const char *date = srv_query(rq, "date");
    if (date == NULL)
        return on_id(rq, "loan", ld_loan_show);
    int64_t id;
    ld_status st = srv_param_id(rq, 0, "loan", &id);
    return st != LD_OK ? st : ld_loan_show_at(rq->session, id, date, &rq->result, &rq->err);
}

static ld_status h_loan_repay(srv_request *rq)
{
    int64_t id;
    ld_repayment r = {0};
    ld_status st;
    if ((st = srv_param_id(rq, 0, "loan", &id)) != LD_OK ||
        (st = srv_body_text(rq, "amount", &r.amount)) != LD_OK ||
        (st = srv_body_text(rq, "date", &r.date)) != LD_OK ||
        (st = body_bool(rq, "backdated", &r.backdated)) != LD_OK ||
        (st = srv_body_text(rq, "reason", &r.reason)) != LD_OK)
        return st;
    return ld_loan_repay(rq->session, id, &r, &rq->result, &rq->err);
}

static ld_status h_loan_history(srv_request *rq)
{
    int64_t id;
    ld_status st = srv_param_id(rq, 0, "loan", &id);
    return st != LD_OK ? st
                       : ld_loan_history(rq->session, id, srv_query(rq, "from"),
                                         srv_query(rq, "to"), &rq->result, &rq->err);
}

static ld_status h_loan_repay_reverse(srv_request *rq)
{
    int64_t id, repayment;
    const char *reason;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "loan", &id)) != LD_OK ||
        (st = srv_param_id(rq, 1, "repayment", &repayment)) != LD_OK ||
        (st = srv_body_text(rq, "reason", &reason)) != LD_OK)
        return st;
    return ld_loan_repay_reverse(rq->session, id, repayment, reason, &rq->result, &rq->err);
}

static ld_status h_loan_settle(srv_request *rq)
{
    int64_t id;
    const char *date;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "loan", &id)) != LD_OK ||
        (st = srv_body_text(rq, "date", &date)) != LD_OK)
        return st;
    return ld_loan_settle(rq->session, id, date, &rq->result, &rq->err);
}

static ld_status h_loan_classify(srv_request *rq)
{
    int64_t id;
    const char *category, *reason;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "loan", &id)) != LD_OK ||
        (st = srv_body_text(rq, "category", &category)) != LD_OK ||
        (st = srv_body_text(rq, "reason", &reason)) != LD_OK)
        return st;
    return ld_loan_classify(rq->session, id, category, reason, &rq->result, &rq->err);
}

static ld_status h_loan_write_off(srv_request *rq)
{
    return with_reason(rq, "loan", ld_loan_write_off);
}

static ld_status h_inspection_add(srv_request *rq)
{
    return with_record(rq, "loan", ld_inspection_add);
}

static ld_status h_inspection_show(srv_request *rq)
{
    int64_t loan, inspection = 0;
    ld_status st = srv_param_id(rq, 0, "loan", &loan);
    if (st == LD_OK && strcmp(rq->params[1], "latest") != 0)
        st = srv_param_id(rq, 1, "inspection", &inspection);
    if (st != LD_OK)
        return st;
    return ld_inspection_show(rq->session, loan, inspection, &rq->result, &rq->err);
}

static ld_status h_inspection_due(srv_request *rq)
{
    return ld_inspection_due(rq->session, srv_query(rq, "date"), &rq->result, &rq->err);
}

/* ---- Close of business, the journal, the log --------------------------------------- */

static ld_status h_cob(srv_request *rq)
{
    ld_cob_options o = {0};
    ld_status st = srv_body_text(rq, "date", &o.date);
    if (st != LD_OK)
        return st;
    /* Signed with the institution key file beside the database: no one's
     * password. */
    return ld_cob_run(rq->session, &o, &rq->result, &rq->err);
}

static ld_status h_trial_balance(srv_request *rq)
{
    return ld_journal_trial_balance(rq->session, srv_query(rq, "date"), &rq->result, &rq->err);
}

static ld_status h_checkpoint(srv_request *rq)
{
    return ld_ledger_checkpoint(rq->session, &rq->result, &rq->err);
}

/* The auditor's trust anchor: the CA certificate's SHA-256 fingerprint, never
 * a CA the server would pick for them. */
static ld_trust_anchor query_anchor(srv_request *rq)
{
    return (ld_trust_anchor){.ca_fingerprint = srv_query(rq, "ca_fingerprint")};
}

static ld_status h_ledger_verify(srv_request *rq)
{
    ld_trust_anchor anchor = query_anchor(rq);
    return ld_ledger_verify(rq->session, &anchor, &rq->result, &rq->err);
}

static ld_status query_size(srv_request *rq, const char *name, int64_t min, uint64_t *out)
{
    const char *text = srv_query(rq, name);
    int64_t value = 0;
    *out = 0;
    if (text == NULL)
        return min > 0 ? srv_fail(rq, LD_EINVAL, "%s: is required", name) : LD_OK;
    ld_status st = parse_positive(rq, name, text, 0, &value);
    if (st == LD_OK)
        *out = (uint64_t)value;
    return st;
}

static ld_status h_prove_inclusion(srv_request *rq)
{
    uint64_t index, size;
    ld_status st;
    if ((st = query_size(rq, "index", 1, &index)) != LD_OK ||
        (st = query_size(rq, "size", 0, &size)) != LD_OK)
        return st;
    return ld_ledger_prove_inclusion(rq->session, index, size, &rq->result, &rq->err);
}

static ld_status h_prove_consistency(srv_request *rq)
{
    uint64_t from, to;
    ld_status st;
    if ((st = query_size(rq, "from", 1, &from)) != LD_OK ||
        (st = query_size(rq, "to", 1, &to)) != LD_OK)
        return st;
    return ld_ledger_prove_consistency(rq->session, from, to, &rq->result, &rq->err);
}

static ld_status h_proof_verify(srv_request *rq)
{
    const cJSON *proof;
    ld_status st = body_record(rq, &proof);
    ld_trust_anchor anchor = query_anchor(rq);
    return st != LD_OK ? st : ld_proof_verify(proof, &anchor, &rq->result, &rq->err);
}

static ld_status h_ledger_export(srv_request *rq)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/export-XXXXXX", srv_work_dir(rq->srv));
    if (mkdtemp(dir) == NULL)
        return srv_fail(rq, LD_EINTERNAL, "cannot make an export folder");
    cJSON *summary = NULL;
    ld_status st = ld_ledger_export(rq->session, dir, &summary, &rq->err);
    cJSON_Delete(summary);
    if (st == LD_OK && (st = srv_tar_dir(dir, &rq->raw, &rq->raw_len, &rq->err)) == LD_OK) {
        rq->raw_type = "application/x-tar";
        snprintf(rq->raw_name, sizeof rq->raw_name, "ledger-export.tar");
    }
    srv_remove_dir(dir);
    return st;
}

/* ---- Reports ------------------------------------------------------------------------- */

/* The caller's own folder of workbooks: a workbook is downloaded only by
 * whoever generated it. */
static ld_status user_reports_dir(srv_request *rq, char out[PATH_MAX])
{
    for (const char *p = rq->username; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '.') ||
            (p == rq->username && *p == '.'))
            return srv_fail(rq, LD_EINTERNAL, "a user name unfit for a folder name");
    if (rq->username[0] == '\0')
        return srv_fail(rq, LD_EINTERNAL, "no user");
    snprintf(out, PATH_MAX, "%s/%s", srv_reports_dir(rq->srv), rq->username);
    if (mkdir(out, 0700) != 0 && errno != EEXIST)
        return srv_fail(rq, LD_EINTERNAL, "cannot make the reports folder");
    return LD_OK;
}

static ld_status h_report_generate(srv_request *rq)
{
    const char *kind, *key_password, *lang;
    bool no_sign;
    ld_status st;
    if ((st = srv_body_text(rq, "kind", &kind)) != LD_OK ||
        (st = srv_body_text(rq, "key_password", &key_password)) != LD_OK ||
        (st = srv_body_text(rq, "lang", &lang)) != LD_OK ||
        (st = body_bool(rq, "no_sign", &no_sign)) != LD_OK)
        return st;
    if (kind == NULL)
        return srv_fail(rq, LD_EINVAL,
                        "kind: one of rating, inspection, ledger, portfolio, collection, fit");
    char dir[PATH_MAX], path[PATH_MAX], name[33];
    if ((st = user_reports_dir(rq, dir)) != LD_OK)
        return st;
    if (!srv_random_hex(16, name))
        return srv_fail(rq, LD_EINTERNAL, "no randomness");
    ld_report_spec spec = {.path = path, .lang = lang, .no_sign = no_sign};
    const cJSON *item;
    int64_t id = 0, inspection = 0;
    if (strcmp(kind, "rating") == 0 || strcmp(kind, "inspection") == 0) {
        const char *key = kind[0] == 'r' ? "application_id" : "loan_id";
        item = cJSON_GetObjectItemCaseSensitive(rq->json, key);
        if (!cJSON_IsNumber(item) || item->valuedouble < 1)
            return srv_fail(rq, LD_EINVAL, "%s: a record id is required", key);
        id = (int64_t)item->valuedouble;
        item = cJSON_GetObjectItemCaseSensitive(rq->json, "inspection_id");
        if (cJSON_IsNumber(item))
            inspection = (int64_t)item->valuedouble;
    }
    snprintf(path, sizeof path, "%s/%s-%s.xlsx", dir, kind, name);
    if (strcmp(kind, "fit") == 0) {
        /* The fit report as POST /api/v1/rating/fit answered it. */
        char fit[PATH_MAX];
        if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(rq->json, "fit_report")))
            return srv_fail(rq, LD_EINVAL, "fit_report: the answer of a scorecard fit is required");
        if ((st = body_to_file(rq, "fit_report", fit)) != LD_OK)
            return st;
        st = ld_report_fit(rq->session, fit, &spec, key_password, &rq->result, &rq->err);
        unlink(fit);
        return st;
    }
    if (strcmp(kind, "rating") == 0)
        return ld_report_rating(rq->session, id, &spec, key_password, &rq->result, &rq->err);
    if (strcmp(kind, "inspection") == 0)
        return ld_report_inspection(rq->session, id, inspection, &spec, key_password, &rq->result,
                                    &rq->err);
    const char *from, *to, *date, *since;
    if ((st = srv_body_text(rq, "from", &from)) != LD_OK ||
        (st = srv_body_text(rq, "to", &to)) != LD_OK ||
        (st = srv_body_text(rq, "date", &date)) != LD_OK ||
        (st = srv_body_text(rq, "since", &since)) != LD_OK)
        return st;
    if (strcmp(kind, "ledger") == 0)
        return ld_report_ledger(rq->session, from, to, &spec, key_password, &rq->result, &rq->err);
    if (strcmp(kind, "portfolio") == 0)
        return ld_report_portfolio(rq->session, date, since, &spec, key_password, &rq->result,
                                   &rq->err);
    if (strcmp(kind, "collection") == 0)
        return ld_report_collection(rq->session, &spec, key_password, &rq->result, &rq->err);
    return srv_fail(rq, LD_EINVAL,
                    "kind: one of rating, inspection, ledger, portfolio, collection, fit");
}

/* Where to download what a report wrote. */
static void present_report(srv_request *rq)
{
    srv_scrub_paths(rq->srv, rq->result);
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(rq->result, "file");
    if (!cJSON_IsString(file))
        return;
    char url[200];
    snprintf(url, sizeof url, "/api/v1/reports/%s", file->valuestring);
    cJSON_AddStringToObject(rq->result, "download", url);
    if (cJSON_GetObjectItemCaseSensitive(rq->result, "signature") != NULL) {
        snprintf(url, sizeof url, "/api/v1/reports/%s/signature", file->valuestring);
        cJSON_AddStringToObject(rq->result, "signature_download", url);
    }
}

/* The path of the caller's workbook named in the path: a name a report of
 * this server could have ("KIND-HEX.xlsx"), nothing else. */
static ld_status report_path(srv_request *rq, char path[PATH_MAX])
{
    const char *name = rq->params[0];
    size_t n = strlen(name);
    bool ok = n > 38 && n < 64 && strcmp(name + n - 5, ".xlsx") == 0;
    for (size_t i = 0; ok && i < n - 5; i++)
        ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
             name[i] == '-';
    if (!ok)
        return srv_fail(rq, LD_ENOTFOUND, "report: no such workbook");
    char dir[PATH_MAX];
    ld_status st = user_reports_dir(rq, dir);
    if (st != LD_OK)
        return st;
    snprintf(path, PATH_MAX, "%s/%s", dir, name);
    if (access(path, R_OK) != 0)
        return srv_fail(rq, LD_ENOTFOUND, "report: no such workbook of yours");
    return LD_OK;
}

static ld_status send_file(srv_request *rq, const char *path, const char *type, const char *name)
{
    ld_status st = srv_read_file(path, (size_t)1 << 30, &rq->raw, &rq->raw_len, &rq->err);
    if (st != LD_OK)
        return st == LD_ENOTFOUND ? srv_fail(rq, LD_ENOTFOUND, "report: not found") : st;
    rq->raw_type = type;
    snprintf(rq->raw_name, sizeof rq->raw_name, "%s", name);
    return LD_OK;
}

static ld_status h_report_download(srv_request *rq)
{
    char path[PATH_MAX];
    ld_status st = report_path(rq, path);
    if (st != LD_OK)
        return st;
    return send_file(rq, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     rq->params[0]);
}

static ld_status h_report_signature(srv_request *rq)
{
    char path[PATH_MAX], p7s[PATH_MAX + 8], name[140];
    ld_status st = report_path(rq, path);
    if (st != LD_OK)
        return st;
    snprintf(p7s, sizeof p7s, "%s.p7s", path);
    snprintf(name, sizeof name, "%s.p7s", rq->params[0]);
    if (access(p7s, R_OK) != 0)
        return srv_fail(rq, LD_ENOTFOUND, "report: this workbook is not signed");
    return send_file(rq, p7s, "application/pkcs7-signature", name);
}

static ld_status h_report_verify(srv_request *rq)
{
    char path[PATH_MAX];
    ld_status st = report_path(rq, path);
    if (st != LD_OK)
        return st;
    ld_verify_spec spec = {.path = path, .ca_fingerprint = srv_query(rq, "ca_fingerprint")};
    return ld_verify(rq->session, &spec, &rq->result, &rq->err);
}

/* Writes the base64 text of the body's field name into a new file in the
 * server's work folder (a browser sends files as base64 in JSON). */
static ld_status base64_to_file(srv_request *rq, const char *name, const char *ext,
                                char path_out[PATH_MAX])
{
    path_out[0] = '\0';
    const char *text;
    ld_status st = srv_body_text(rq, name, &text);
    if (st != LD_OK)
        return st;
    if (text == NULL)
        return srv_fail(rq, LD_EINVAL, "%s: is required (the file in base64)", name);
    size_t n = strlen(text);
    if (n == 0 || n % 4 != 0 || n > INT_MAX)
        return srv_fail(rq, LD_EINVAL, "%s: must be the file in base64", name);
    unsigned char *bytes = malloc(n / 4 * 3 + 1);
    if (bytes == NULL)
        return srv_fail(rq, LD_EINTERNAL, "out of memory");
    int len = EVP_DecodeBlock(bytes, (const unsigned char *)text, (int)n);
    if (len < 0) {
        free(bytes);
        return srv_fail(rq, LD_EINVAL, "%s: must be the file in base64", name);
    }
    /* EVP_DecodeBlock counts the padding's bytes too. */
    for (size_t i = n; i > 0 && text[i - 1] == '=' && len > 0; i--)
        len--;
    char suffix[33];
    if (!srv_random_hex(16, suffix)) {
        free(bytes);
        return srv_fail(rq, LD_EINTERNAL, "no randomness");
    }
    snprintf(path_out, PATH_MAX, "%s/upload-%s%s", srv_work_dir(rq->srv), suffix, ext);
    st = srv_write_file(path_out, bytes, (size_t)len, &rq->err);
    free(bytes);
    if (st != LD_OK)
        path_out[0] = '\0';
    return st;
}

/* A workbook and its signature uploaded by the browser, verified as
 * `loandesk verify` does: against the institution's CA and the ledger. */
static ld_status h_workbook_verify(srv_request *rq)
{
    char book[PATH_MAX] = "", sig[PATH_MAX] = "", ca[PATH_MAX] = "";
    ld_status st = base64_to_file(rq, "workbook", ".xlsx", book);
    if (st == LD_OK)
        st = base64_to_file(rq, "signature", ".xlsx.p7s", sig);
    /* The trust anchor is the auditor's: the CA certificate they upload, or
     * its fingerprint; never one the server would pick. */
    const char *ca_text = NULL;
    if (st == LD_OK && (st = srv_body_text(rq, "ca", &ca_text)) == LD_OK && ca_text != NULL)
        st = base64_to_file(rq, "ca", ".pem", ca);
    if (st == LD_OK) {
        ld_verify_spec spec = {.path = book,
                               .p7s_path = sig,
                               .ca_pem_path = ca[0] != '\0' ? ca : NULL,
                               .ca_fingerprint = srv_query(rq, "ca_fingerprint")};
        st = ld_verify(rq->session, &spec, &rq->result, &rq->err);
    }
    if (book[0] != '\0')
        unlink(book);
    if (sig[0] != '\0')
        unlink(sig);
    if (ca[0] != '\0')
        unlink(ca);
    return st;
}

/* ---- Documents (the customer archive) ---------------------------------------------------- */

static ld_status body_id(srv_request *rq, const char *name, int64_t *out)
{
    char buf[32];
    const char *text = NULL;
    ld_status st = body_text_or_number(rq, name, buf, &text);
    return st != LD_OK ? st : parse_positive(rq, name, text, 1, out);
}

/* A document uploaded as base64 in the body's "file", stored as `doc add`
 * stores it, under the name the browser gave it ("file_name") rather than
 * the temporary file's. */
static ld_status h_doc_add(srv_request *rq)
{
    ld_document_spec d = {0};
    char path[PATH_MAX] = "";
    ld_status st;
    if ((st = srv_body_text(rq, "target", &d.target)) != LD_OK ||
        (st = body_id(rq, "target_id", &d.target_id)) != LD_OK ||
        (st = srv_body_text(rq, "type", &d.type)) != LD_OK ||
        (st = srv_body_text(rq, "expires", &d.expires)) != LD_OK ||
        (st = srv_body_text(rq, "file_name", &d.file_name)) != LD_OK ||
        (st = base64_to_file(rq, "file", "", path)) != LD_OK)
        return st;
    d.path = path;
    if (d.file_name == NULL)
        d.file_name = ""; /* the temporary file's name would mean nothing to people */
    st = ld_document_add(rq->session, &d, &rq->result, &rq->err);
    unlink(path);
    return st;
}

static ld_status h_doc_check(srv_request *rq)
{
    int64_t id;
    bool authentic, legal, valid;
    const char *note;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "document", &id)) != LD_OK ||
        (st = body_bool(rq, "authentic", &authentic)) != LD_OK ||
        (st = body_bool(rq, "legal", &legal)) != LD_OK ||
        (st = body_bool(rq, "valid", &valid)) != LD_OK ||
        (st = srv_body_text(rq, "note", &note)) != LD_OK)
        return st;
    return ld_document_check(rq->session, id, authentic, legal, valid, note, &rq->result, &rq->err);
}

static ld_status h_doc_show(srv_request *rq)
{
    return on_id(rq, "document", ld_document_show);
}

static ld_status h_doc_list(srv_request *rq)
{
    int64_t id;
    ld_status st = parse_positive(rq, "target_id", srv_query(rq, "target_id"), 1, &id);
    return st != LD_OK
               ? st
               : ld_document_list(rq->session, srv_query(rq, "target"), id, &rq->result, &rq->err);
}

static ld_status h_doc_expiring(srv_request *rq)
{
    int64_t days = -1;
    const char *text = srv_query(rq, "days");
    ld_status st = text != NULL ? parse_positive(rq, "days", text, 0, &days) : LD_OK;
    if (st == LD_OK && days > 3660)
        st = srv_fail(rq, LD_EINVAL, "days: must be 0 to 3660");
    return st != LD_OK ? st : ld_document_expiring(rq->session, (int)days, &rq->result, &rq->err);
}

static ld_status h_doc_verify(srv_request *rq)
{
    return ld_document_verify(rq->session, &rq->result, &rq->err);
}

/* ---- Collection (清收) ---------------------------------------------------------------------- */

static ld_status h_collection_show(srv_request *rq)
{
    return on_id(rq, "case", ld_collection_show);
}

static ld_status h_collection_action(srv_request *rq)
{
    return with_record(rq, "case", ld_collection_action);
}

static ld_status h_collection_promise(srv_request *rq)
{
    int64_t id;
    const char *amount, *date;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "case", &id)) != LD_OK ||
        (st = srv_body_text(rq, "amount", &amount)) != LD_OK ||
        (st = srv_body_text(rq, "date", &date)) != LD_OK)
        return st;
    return ld_collection_promise(rq->session, id, amount, date, &rq->result, &rq->err);
}

static ld_status h_collection_recover(srv_request *rq)
{
    int64_t id, guarantor;
    const char *amount, *date;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "case", &id)) != LD_OK ||
        (st = body_id(rq, "guarantor_id", &guarantor)) != LD_OK ||
        (st = srv_body_text(rq, "amount", &amount)) != LD_OK ||
        (st = srv_body_text(rq, "date", &date)) != LD_OK)
        return st;
    return ld_collection_recover(rq->session, id, guarantor, amount, date, &rq->result, &rq->err);
}

/* ---- Visits, complaints, churn --------------------------------------------------------------- */

static ld_status h_visit_add(srv_request *rq)
{
    return with_record(rq, "borrower", ld_visit_add);
}

static ld_status h_visit_list(srv_request *rq)
{
    return on_id(rq, "borrower", ld_visit_list);
}

static ld_status h_complaint_add(srv_request *rq)
{
    return with_record(rq, "borrower", ld_complaint_add);
}

typedef ld_status (*complaint_fn)(ld_session *, int64_t, const char *, cJSON **, ld_error *);

static ld_status complaint_text(srv_request *rq, const char *name, complaint_fn fn)
{
    int64_t id;
    const char *text;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "complaint", &id)) != LD_OK ||
        (st = srv_body_text(rq, name, &text)) != LD_OK)
        return st;
    return fn(rq->session, id, text, &rq->result, &rq->err);
}

static ld_status h_complaint_assign(srv_request *rq)
{
    return complaint_text(rq, "to", ld_complaint_assign);
}

static ld_status h_complaint_respond(srv_request *rq)
{
    return complaint_text(rq, "response", ld_complaint_respond);
}

static ld_status h_complaint_close(srv_request *rq)
{
    return complaint_text(rq, "feedback", ld_complaint_close);
}

/* A query flag: absent or "false" is false, "true" true. */
static ld_status query_flag(srv_request *rq, const char *name, bool *out)
{
    const char *v = srv_query(rq, name);
    *out = v != NULL && strcmp(v, "true") == 0;
    if (v != NULL && !*out && strcmp(v, "false") != 0)
        return srv_fail(rq, LD_EINVAL, "%s: must be true or false", name);
    return LD_OK;
}

static ld_status h_complaint_list(srv_request *rq)
{
    bool all, overdue;
    ld_status st;
    if ((st = query_flag(rq, "all", &all)) != LD_OK ||
        (st = query_flag(rq, "overdue", &overdue)) != LD_OK)
        return st;
    return ld_complaint_list(rq->session, all, overdue, &rq->result, &rq->err);
}

static ld_status h_collection_list(srv_request *rq)
{
    bool all;
    ld_status st = query_flag(rq, "all", &all);
    return st != LD_OK ? st : ld_collection_list(rq->session, all, &rq->result, &rq->err);
}

static ld_status h_churn_list(srv_request *rq)
{
    return ld_churn_list(rq->session, &rq->result, &rq->err);
}

/* ---- Audit, import, tools ---------------------------------------------------------------- */

static ld_status h_audit(srv_request *rq)
{
    ld_audit_filter filter = {.entity = srv_query(rq, "entity"),
                              .username = srv_query(rq, "username")};
    int64_t n;
    ld_status st;
    const char *id = srv_query(rq, "entity_id");
    if (id != NULL && (st = parse_positive(rq, "entity_id", id, 1, &filter.entity_id)) != LD_OK)
        return st;
    const char *limit = srv_query(rq, "limit");
    if (limit != NULL) {
        if ((st = parse_positive(rq, "limit", limit, 1, &n)) != LD_OK)
            return st;
        filter.limit = n > 100000 ? 100000 : (int)n;
    }
    return ld_audit_list(rq->session, &filter, &rq->result, &rq->err);
}

static ld_status h_import(srv_request *rq)
{
    if (rq->body_len == 0)
        return srv_fail(rq, LD_EINVAL, "body: JSON Lines, one record a line");
    char path[PATH_MAX], suffix[33];
    if (!srv_random_hex(16, suffix))
        return srv_fail(rq, LD_EINTERNAL, "no randomness");
    snprintf(path, sizeof path, "%s/import-%s.jsonl", srv_work_dir(rq->srv), suffix);
    ld_status st = srv_write_file(path, rq->body, rq->body_len, &rq->err);
    if (st != LD_OK)
        return st;
    st = ld_import(rq->session, path, &rq->result, &rq->err);
    unlink(path);
    return st;
}

static ld_status h_schedule(srv_request *rq)
{
    const cJSON *terms;
    ld_status st = body_record(rq, &terms);
    return st != LD_OK ? st : ld_schedule_preview(terms, &rq->result, &rq->err);
}

static ld_status h_openapi(srv_request *rq)
{
    rq->result = server_openapi();
    return rq->result != NULL ? LD_OK : srv_fail(rq, LD_EINTERNAL, "out of memory");
}

/* ---- Credit reports ------------------------------------------------------------ */

static ld_status h_credit_report_list(srv_request *rq)
{
    return on_id(rq, "borrower", ld_credit_report_list);
}

static ld_status h_credit_report_add(srv_request *rq)
{
    int64_t id;
    const cJSON *record;
    ld_status st;
    if ((st = srv_param_id(rq, 0, "borrower", &id)) != LD_OK ||
        (st = body_record(rq, &record)) != LD_OK)
        return st;
    return ld_credit_report_add(rq->session, id, record, &rq->result, &rq->err);
}

/* {"credit_reports": [...]}: the same list `credit import` reads from a file. */
static ld_status h_credit_report_import(srv_request *rq)
{
    const cJSON *record;
    ld_status st = body_record(rq, &record);
    if (st != LD_OK)
        return st;
    static const char *const known[] = {"credit_reports", NULL};
    for (const cJSON *item = record->child; item != NULL; item = item->next)
        if (strcmp(item->string, known[0]) != 0)
            return srv_fail(rq, LD_EINVAL, "%s: is not a known field", item->string);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(record, "credit_reports");
    if (!cJSON_IsArray(list))
        return srv_fail(rq, LD_EINVAL, "credit_reports: a JSON array of reports is required");
    return ld_credit_report_import(rq->session, list, &rq->result, &rq->err);
}

/* ---- Scorecard fitting ------------------------------------------------------------ */

/* A private file of the work folder named for what it holds. */
static ld_status work_file(srv_request *rq, const char *what, const char *ext, char path[PATH_MAX])
{
    char suffix[33];
    if (!srv_random_hex(16, suffix))
        return srv_fail(rq, LD_EINTERNAL, "no randomness");
    snprintf(path, PATH_MAX, "%s/%s-%s.%s", srv_work_dir(rq->srv), what, suffix, ext);
    return LD_OK;
}

/* Fits a scorecard on the CSV of the body (query: target, kind, min_iv) into
 * the policy in force, as `rating fit --base` on that policy does: the
 * answer is the fit report (`rating fit --json`), with the fitted policy as
 * "fitted_policy" for `policy check` and `policy load`. Nothing is stored. */
static ld_status h_rating_fit(srv_request *rq)
{
    if (rq->body_len == 0)
        return srv_fail(rq, LD_EINVAL, "body: the data as CSV with a header row");
    const char *target = srv_query(rq, "target");
    if (target == NULL || target[0] == '\0')
        return srv_fail(rq, LD_EINVAL, "target: the 0/1 outcome column is required");
    char data[PATH_MAX] = "", base[PATH_MAX] = "", fitted[PATH_MAX] = "";
    cJSON *in_force = NULL, *policy = NULL;
    char *text = NULL;
    ld_status st;
    if ((st = work_file(rq, "fit-data", "csv", data)) != LD_OK ||
        (st = srv_write_file(data, rq->body, rq->body_len, &rq->err)) != LD_OK ||
        (st = ld_policy_show(rq->session, &in_force, &rq->err)) != LD_OK)
        goto out;
    text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(in_force, "policy"));
    if (text == NULL) {
        st = srv_fail(rq, LD_EINTERNAL, "out of memory");
        goto out;
    }
    if ((st = work_file(rq, "fit-base", "json", base)) != LD_OK ||
        (st = srv_write_file(base, text, strlen(text), &rq->err)) != LD_OK ||
        (st = work_file(rq, "fit-policy", "json", fitted)) != LD_OK)
        goto out;
    ld_fit_spec spec = {.data_path = data,
                        .target = target,
                        .out_path = fitted,
                        .base_policy = base,
                        .kind = srv_query(rq, "kind"),
                        .min_iv = srv_query(rq, "min_iv")};
    if ((st = ld_rating_fit(rq->session, &spec, &rq->result, &rq->err)) != LD_OK ||
        (st = ld_json_read_file(fitted, &policy, &rq->err)) != LD_OK)
        goto out;
    cJSON_DeleteItemFromObjectCaseSensitive(rq->result, "out");
    cJSON_AddItemToObject(rq->result, "fitted_policy", policy);
    policy = NULL;
out:
    free(text);
    cJSON_Delete(in_force);
    cJSON_Delete(policy);
    if (data[0] != '\0')
        unlink(data);
    if (base[0] != '\0')
        unlink(base);
    if (fitted[0] != '\0')
        unlink(fitted);
    return st;
}

static ld_status h_policy_show(srv_request *rq)
{
    return ld_policy_show(rq->session, &rq->result, &rq->err);
}

/* ---- The table ------------------------------------------------------------------------- */

#define P    SRV_PUBLIC
#define H    SRV_HASH
#define O    SRV_ONCE
#define PAGE "limit,after"

const srv_route srv_routes[] = {
    {"POST", "/api/v1/session", h_login, P | H, 201,
     "Log in: a session cookie, or a bearer token with mode bearer", NULL, "username,password,mode",
     NULL},
    {"GET", "/api/v1/session", h_whoami, 0, 200, "Who the session is, with its CSRF token", NULL,
     NULL, NULL},
    {"DELETE", "/api/v1/session", h_logout, 0, 200, "Log out: the session ends on the server", NULL,
     NULL, NULL},
    {"POST", "/api/v1/session/password", h_password_change, H, 200,
     "Change your password (a new session replaces this one)", NULL,
     "current_password,new_password", NULL},
    {"GET", "/api/v1/users", h_user_list, 0, 200, "Every account", NULL, NULL, NULL},
    {"POST", "/api/v1/users", h_user_add, H | O, 201, "Add an account (admin)", NULL,
     "username,full_name,role,authority_limit,password,key_password", NULL},
    {"POST", "/api/v1/users/{username}/password", h_user_reset, H | O, 200,
     "Set a temporary password (admin)", NULL, "new_password,key_password", NULL},
    {"POST", "/api/v1/users/{username}/unlock", h_user_unlock, O, 200, "Unlock an account (admin)",
     NULL, "", NULL},
    {"POST", "/api/v1/users/{username}/revoke", h_user_revoke, O, 200,
     "Deactivate an account (admin)", NULL, "", NULL},
    {"GET", "/api/v1/roles", h_roles, P, 200, "The permission table", NULL, NULL, NULL},
    {"GET", "/api/v1/products", h_products, 0, 200, "The product catalogue in force", NULL, NULL,
     NULL},
    {"GET", "/api/v1/pki/ca-cert", h_ca_cert, 0, 200, "The institution's CA certificate", NULL,
     NULL, NULL},
    {"POST", "/api/v1/policy", h_policy_load, O, 200,
     "Put a policy and/or product catalogue in force (admin)", NULL, "policy,products", NULL},
    {"GET", "/api/v1/policy", h_policy_show, 0, 200, "The policy in force, with its SHA-256", NULL,
     NULL, NULL},
    {"POST", "/api/v1/rating/fit", h_rating_fit, SRV_LARGE | SRV_RAW_BODY, 200,
     "Fit a scorecard on CSV outcomes into the policy in force: the fit report and the fitted "
     "policy (nothing stored)",
     "target,kind,min_iv", NULL, NULL},
    {"POST", "/api/v1/policy/check", h_policy_check, 0, 200, "Check a policy document", NULL, "",
     NULL},
    {"GET", "/api/v1/borrowers", h_borrower_list, 0, 200, "Borrowers you may see, paged",
     "name,id_number,credit_code," PAGE, NULL, NULL},
    {"POST", "/api/v1/borrowers", h_borrower_add, O, 201, "Register a borrower", NULL, "", NULL},
    {"GET", "/api/v1/borrowers/{id}/credit-reports", h_credit_report_list, 0, 200,
     "A borrower's credit reports, newest first", NULL, NULL, NULL},
    {"POST", "/api/v1/borrowers/{id}/credit-reports", h_credit_report_add, O, 201,
     "Add a credit bureau report to a customer's file", NULL, "", NULL},
    {"POST", "/api/v1/credit-reports/import", h_credit_report_import, O, 200,
     "Add every report of a list (each with its borrower_id), all or nothing", NULL,
     "credit_reports", NULL},
    {"GET", "/api/v1/borrowers/{id}", h_borrower_show, 0, 200, "A borrower's file (with ETag)",
     NULL, NULL, NULL},
    {"PATCH", "/api/v1/borrowers/{id}", h_borrower_update, SRV_IF_MATCH, 200,
     "Change a borrower's fields (If-Match required)", NULL, "", NULL},
    {"POST", "/api/v1/borrowers/{id}/assign", h_borrower_assign, O, 200,
     "Move a customer to another officer (manager)", NULL, "officer", NULL},
    {"POST", "/api/v1/borrowers/{id}/blocklist", h_borrower_block, O, 200, "Blocklist a customer",
     NULL, "reason", NULL},
    {"POST", "/api/v1/borrowers/{id}/unblock", h_borrower_unblock, O, 200,
     "Clear a customer's blocklist flag", NULL, "reason", NULL},
    {"GET", "/api/v1/applications", h_app_list, 0, 200, "Applications you may see, paged",
     "state,borrower_id,officer,product,from,to,grade,min_amount,max_amount,returned,"
     "referred," PAGE,
     NULL, NULL},
    {"POST", "/api/v1/applications", h_app_create, O, 201, "Create a draft application", NULL, "",
     NULL},
    {"GET", "/api/v1/applications/{id}", h_app_show, 0, 200, "An application (with ETag)", NULL,
     NULL, NULL},
    {"PATCH", "/api/v1/applications/{id}", h_app_update, SRV_IF_MATCH, 200,
     "Change a draft (If-Match required)", NULL, "", NULL},
    {"GET", "/api/v1/applications/{id}/file", h_app_file, 0, 200, "An application's whole file",
     NULL, NULL, NULL},
    {"GET", "/api/v1/applications/{id}/authority", h_app_authority, 0, 200,
     "Your approval authority for it: limit, amount, what is left", NULL, NULL, NULL},
    {"GET", "/api/v1/applications/{id}/schedule", h_app_schedule, 0, 200,
     "Its repayment schedule at the rate the policy gives it (approved, rated or indicative)",
     "start", NULL, NULL},
    {"POST", "/api/v1/applications/{id}/submit", h_app_submit, O, 200, "Submit a draft for review",
     NULL, "", NULL},
    {"POST", "/api/v1/applications/{id}/rating", h_app_rate, O, 200, "Rate a submitted application",
     NULL, "", NULL},
    {"GET", "/api/v1/applications/{id}/rating", h_rating_show, 0, 200,
     "The latest rating with its overrides", NULL, NULL, NULL},
    {"POST", "/api/v1/applications/{id}/rating/override", h_rating_override, O, 200,
     "Override the grade with a reason", NULL, "grade,reason", NULL},
    {"POST", "/api/v1/applications/{id}/approve", h_app_approve, O, 200,
     "Approve within your authority", NULL, "amount,term_months,rate,fee_method,fee,reason", NULL},
    {"POST", "/api/v1/applications/{id}/reject", h_app_reject, O, 200, "Reject with a reason", NULL,
     "reason", NULL},
    {"POST", "/api/v1/applications/{id}/withdraw", h_app_withdraw, O, 200,
     "Withdraw before a decision", NULL, "reason", NULL},
    {"POST", "/api/v1/applications/{id}/return", h_app_return, O, 200,
     "Send back to the officer for more information, with a reason", NULL, "reason", NULL},
    {"POST", "/api/v1/applications/{id}/refer", h_app_refer, O, 200,
     "Refer a rated application to a manager, with a reason (reviewer)", NULL, "reason", NULL},
    {"GET", "/api/v1/applications/{id}/guarantors", h_guarantor_list, 0, 200,
     "Guarantors with capacity", NULL, NULL, NULL},
    {"POST", "/api/v1/applications/{id}/guarantors", h_guarantor_add, O, 201,
     "Add a guarantor to a draft", NULL, "", NULL},
    {"GET", "/api/v1/applications/{id}/collateral", h_collateral_list, 0, 200,
     "Collateral with LTV caps", NULL, NULL, NULL},
    {"POST", "/api/v1/applications/{id}/collateral", h_collateral_add, O, 201,
     "Add collateral to a draft", NULL, "", NULL},
    {"POST", "/api/v1/applications/{id}/investigations", h_investigation_add, O, 201,
     "Record a pre-loan investigation", NULL, "", NULL},
    {"POST", "/api/v1/applications/{id}/loan", h_loan_disburse, O, 201,
     "Disburse an approved application (manager)", NULL, "date,contract_no", NULL},
    {"GET", "/api/v1/loans", h_loan_list, 0, 200, "The loan ledger, paged",
     "state,category,min_dpd,officer,product,maturing_before,borrower_id," PAGE, NULL, NULL},
    {"GET", "/api/v1/loans/{id}", h_loan_show, 0, 200,
     "A loan: balances, schedule, repayments; with date, as it stood at the end of that day",
     "date", NULL, NULL},
    {"GET", "/api/v1/loans/{id}/history", h_loan_history, 0, 200,
     "The loan day by day: accrual, penalty, compound, payments, DPD, category, provision",
     "from,to", NULL, NULL},
    {"POST", "/api/v1/loans/{id}/repayments", h_loan_repay, O, 201, "Record a repayment", NULL,
     "amount,date,backdated,reason", NULL},
    {"POST", "/api/v1/loans/{id}/repayments/{repayment}/reverse", h_loan_repay_reverse, O, 200,
     "Reverse a repayment entered wrongly (manager): the loan recomputed from its value date", NULL,
     "reason", NULL},
    {"POST", "/api/v1/loans/{id}/settle", h_loan_settle, O, 200, "Settle: full payoff on a date",
     NULL, "date", NULL},
    {"POST", "/api/v1/loans/{id}/classify", h_loan_classify, O, 200,
     "Classify worse than the DPD floor", NULL, "category,reason", NULL},
    {"POST", "/api/v1/loans/{id}/write-off", h_loan_write_off, O, 200,
     "Write off a loss loan (manager)", NULL, "reason", NULL},
    {"POST", "/api/v1/loans/{id}/inspections", h_inspection_add, O, 201,
     "Record a post-loan inspection", NULL, "", NULL},
    {"GET", "/api/v1/loans/{id}/inspections/{inspection}", h_inspection_show, 0, 200,
     "An inspection (or latest)", NULL, NULL, NULL},
    {"GET", "/api/v1/inspections/due", h_inspection_due, 0, 200, "Loans whose inspection is due",
     "date", NULL, NULL},
    {"POST", "/api/v1/cob", h_cob, H | O, 200, "Close of business (manager)", NULL, "date", NULL},
    {"GET", "/api/v1/journal/trial-balance", h_trial_balance, 0, 200, "The journal's trial balance",
     "date", NULL, NULL},
    {"POST", "/api/v1/ledger/checkpoints", h_checkpoint, H | O, 201,
     "The newest signed checkpoint, signing what is pending (manager)", NULL, "", NULL},
    {"GET", "/api/v1/ledger/verify", h_ledger_verify, 0, 200,
     "Verify the log, checkpoints, journal and balances under the CA you hold", "ca_fingerprint",
     NULL, NULL},
    {"GET", "/api/v1/ledger/proofs/inclusion", h_prove_inclusion, 0, 200, "An inclusion proof",
     "index,size", NULL, NULL},
    {"GET", "/api/v1/ledger/proofs/consistency", h_prove_consistency, 0, 200, "A consistency proof",
     "from,to", NULL, NULL},
    {"POST", "/api/v1/ledger/proofs/verify", h_proof_verify, P, 200,
     "Check a proof and its signed checkpoint under the CA you hold", "ca_fingerprint", "", NULL},
    {"GET", "/api/v1/ledger/export", h_ledger_export, 0, 200,
     "The log as a tar archive (entries.jsonl, checkpoints, consistency, institution.pem, ca.pem)",
     NULL, NULL, NULL},
    {"POST", "/api/v1/reports", h_report_generate, H | O, 201, "Write a (signed) workbook", NULL,
     "kind,application_id,loan_id,inspection_id,from,to,date,since,fit_report,lang,no_sign,"
     "key_password",
     present_report},
    {"GET", "/api/v1/reports/{name}", h_report_download, 0, 200, "Download a workbook you wrote",
     NULL, NULL, NULL},
    {"GET", "/api/v1/reports/{name}/signature", h_report_signature, 0, 200,
     "Download its detached CMS signature (.p7s)", NULL, NULL, NULL},
    {"POST", "/api/v1/reports/{name}/verify", h_report_verify, 0, 200,
     "Verify a workbook you wrote against the ledger, under the CA you hold", "ca_fingerprint", "",
     NULL},
    {"POST", "/api/v1/workbooks/verify", h_workbook_verify, 0, 200,
     "Verify an uploaded workbook and its signature against the ledger, under the CA you hold "
     "(the CA certificate uploaded as ca, or ca_fingerprint)",
     "ca_fingerprint", "workbook,signature,ca", NULL},
    {"POST", "/api/v1/documents", h_doc_add, O | SRV_LARGE, 201,
     "Add a document (PDF, JPEG or PNG, base64 in file) to a borrower, application or loan", NULL,
     "target,target_id,type,expires,file_name,file", NULL},
    {"GET", "/api/v1/documents", h_doc_list, 0, 200,
     "The documents of a borrower, application or loan; an application's checklist",
     "target,target_id", NULL, NULL},
    {"GET", "/api/v1/documents/{id}", h_doc_show, 0, 200, "A document and its checks", NULL, NULL,
     NULL},
    {"POST", "/api/v1/documents/{id}/check", h_doc_check, O, 201,
     "Record the officer's check of a document", NULL, "authentic,legal,valid,note", NULL},
    {"GET", "/api/v1/archive/expiring", h_doc_expiring, 0, 200,
     "Documents lapsing within days (default 30) or lapsed", "days", NULL, NULL},
    {"GET", "/api/v1/archive/verify", h_doc_verify, 0, 200,
     "Every archived file against its recorded SHA-256", NULL, NULL, NULL},
    {"GET", "/api/v1/collection", h_collection_list, 0, 200,
     "Collection cases (清收), most days past due first; all=true adds closed ones", "all", NULL,
     NULL},
    {"GET", "/api/v1/collection/{id}", h_collection_show, 0, 200,
     "A collection case: stages, actions, promises, recoveries", NULL, NULL, NULL},
    {"POST", "/api/v1/collection/{id}/actions", h_collection_action, O, 201,
     "Record a collection action", NULL, "", NULL},
    {"POST", "/api/v1/collection/{id}/promises", h_collection_promise, O, 201,
     "Record a promise to pay", NULL, "amount,date", NULL},
    {"POST", "/api/v1/collection/{id}/recoveries", h_collection_recover, O, 201,
     "Record a guarantor's payment as a repayment of the loan", NULL, "guarantor_id,amount,date",
     NULL},
    {"POST", "/api/v1/borrowers/{id}/visits", h_visit_add, O, 201, "Record a visit (走访)", NULL,
     "", NULL},
    {"GET", "/api/v1/borrowers/{id}/visits", h_visit_list, 0, 200, "A customer's visits", NULL,
     NULL, NULL},
    {"POST", "/api/v1/borrowers/{id}/complaints", h_complaint_add, O, 201,
     "Record a complaint (投诉), due by the policy's deadline", NULL, "", NULL},
    {"GET", "/api/v1/complaints", h_complaint_list, 0, 200,
     "Open complaints, soonest deadline first; overdue=true: past their deadline", "all,overdue",
     NULL, NULL},
    {"POST", "/api/v1/complaints/{id}/assign", h_complaint_assign, O, 200,
     "Give a complaint to another user (manager)", NULL, "to", NULL},
    {"POST", "/api/v1/complaints/{id}/respond", h_complaint_respond, O, 200,
     "Record the response to a complaint", NULL, "response", NULL},
    {"POST", "/api/v1/complaints/{id}/close", h_complaint_close, O, 200,
     "Close an answered complaint with the customer's feedback", NULL, "feedback", NULL},
    {"GET", "/api/v1/churn", h_churn_list, 0, 200,
     "Churn warning (流失预警): settled without a new application, or prepaying sharply", NULL,
     NULL, NULL},
    {"GET", "/api/v1/audit", h_audit, 0, 200, "The audit trail, newest first",
     "entity,entity_id,username,limit", NULL, NULL},
    {"POST", "/api/v1/import", h_import, O | SRV_LARGE | SRV_RAW_BODY, 200,
     "Import JSON Lines in one transaction", NULL, NULL, NULL},
    {"POST", "/api/v1/schedule", h_schedule, P, 200, "Repayment schedule calculator", NULL,
     "principal,rate,term,method,start,period", NULL},
    {"GET", "/api/v1/openapi.json", h_openapi, P, 200, "This document", NULL, NULL, NULL},
};

const size_t srv_route_count = sizeof srv_routes / sizeof srv_routes[0];

/* Matches path against pattern segment by segment; "{x}" takes one segment. */
static bool pattern_match(const char *pattern, const char *path, char params[SRV_PARAMS_MAX][130],
                          int *count)
{
    int n = 0;
    while (*pattern != '\0' && *path != '\0') {
        if (*pattern != '/' || *path != '/')
            return false;
        pattern++;
        path++;
        const char *pend = strchr(pattern, '/');
        const char *send = strchr(path, '/');
        size_t plen = pend != NULL ? (size_t)(pend - pattern) : strlen(pattern);
        size_t slen = send != NULL ? (size_t)(send - path) : strlen(path);
        if (plen > 0 && pattern[0] == '{') {
            if (slen == 0 || slen >= 130 || n >= SRV_PARAMS_MAX)
                return false;
            memcpy(params[n], path, slen);
            params[n][slen] = '\0';
            n++;
        } else if (plen != slen || strncmp(pattern, path, plen) != 0) {
            return false;
        }
        pattern += plen;
        path += slen;
    }
    if (*pattern != '\0' || *path != '\0')
        return false;
    *count = n;
    return true;
}

const srv_route *srv_route_match(const char *method, const char *path,
                                 char params[SRV_PARAMS_MAX][130], int *param_count,
                                 bool *method_known)
{
    *method_known = false;
    /* Every pattern begins with "/api/v1/" and a name (test_http_routes
     * holds them to it): a path that does not, matches none, and a pattern
     * whose name begins with another byte than the path's is passed over
     * without reading the rest. */
    if (strncmp(path, SRV_API_PREFIX, sizeof SRV_API_PREFIX - 1) != 0)
        return NULL;
    char lead = path[sizeof SRV_API_PREFIX - 1];
    for (size_t i = 0; i < srv_route_count; i++) {
        if (srv_routes[i].pattern[sizeof SRV_API_PREFIX - 1] != lead ||
            !pattern_match(srv_routes[i].pattern, path, params, param_count))
            continue;
        if (strcmp(srv_routes[i].method, method) == 0)
            return &srv_routes[i];
        *method_known = true;
    }
    return NULL;
}

bool server_route_exists(const char *method, const char *path)
{
    char params[SRV_PARAMS_MAX][130];
    int count;
    bool known;
    return srv_route_match(method, path, params, &count, &known) != NULL;
}
