/*
 * ops_admin.c - accounts, the CA certificate and the policy in force
 * (loandesk/admin.h). Each operation is a body run by api_run, so a refusal
 * is audited and a failure changes nothing: an account is never left without
 * the certificate its role signs with, nor a password changed without its key
 * re-encrypted, nor a policy in force that `policy check` refuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "json_in.h"
#include "keystore.h"
#include "loandesk/admin.h"
#include "policy.h"
#include "rating.h"
#include "user.h"

/* Those who sign workbooks hold a signing certificate: the roles that write
 * customer files and decisions (docs/design.md, "Roles"). Auditors and admins
 * change nothing they would sign. */
static bool role_signs(core_role role)
{
    return role == CORE_ROLE_OFFICER || role == CORE_ROLE_REVIEWER || role == CORE_ROLE_MANAGER;
}

/* Whose password unlocks a key: signers their own, the admin who created
 * the institution's CA and signing key (init) those. */
static bool holds_keys(core_role role)
{
    return role_signs(role); /* an admin holds no key: the CA's has custodians */
}

typedef struct user_args {
    const ld_user_spec *spec;
    const char *username;
    const char *password;
    const char *key_password;
} user_args;

/* Runs an operation on the account named username, which the audit row of a
 * refusal names ("user NAME"). */
static ld_status run_on_user(ld_session *session, const char *action, const char *username,
                             unsigned flags, api_body body, user_args *a, cJSON **out,
                             ld_error *err)
{
    char subject[96];
    snprintf(subject, sizeof subject, "user %s", username != NULL ? username : "");
    return api_run(session, action, subject, flags, body, a, out, err);
}

/* A required text argument: front ends other than the command line may leave
 * one out. */
static ld_status require_text(const char *field, const char *value, ld_error *err)
{
    if (value == NULL || value[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "%s: required", field);
    return LD_OK;
}

static cJSON *username_result(const char *username)
{
    cJSON *o = cJSON_CreateObject();
    if (o != NULL)
        cJSON_AddStringToObject(o, "username", username);
    return o;
}

static ld_status user_add(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const ld_user_spec *in = ((const user_args *)args)->spec;
    core_user_spec spec = {.username = in->username,
                           .full_name = in->full_name,
                           .authority_limit = -1,
                           .password = in->password};
    ld_status st;
    if ((st = require_text("username", in->username, err)) != LD_OK ||
        (st = require_text("name", in->full_name, err)) != LD_OK ||
        (st = require_text("password", in->password, err)) != LD_OK ||
        (st = core_role_parse("role", in->role, &spec.role, err)) != LD_OK)
        return st;
    if (in->authority_limit != NULL &&
        (st = ld_money_parse_nonneg("limit", in->authority_limit, &spec.authority_limit, err)) !=
            LD_OK)
        return st;
    int64_t id = 0;
    if ((st = core_user_add(call->store, call->who, &spec, &id, err)) != LD_OK)
        return st;
    bool signs = role_signs(spec.role);
    if (signs) {
        const char *ca_passphrase = ((const user_args *)args)->key_password;
        if (ca_passphrase == NULL)
            return LD_FAIL(err, LD_EUSAGE,
                           "a %s signs workbooks: issuing the certificate needs the CA "
                           "custodians' passphrase (LOANDESK_CA_PASSPHRASE)",
                           core_role_name(spec.role));
        if ((st = core_keystore_issue_user(call->store, call->who, ca_passphrase, id, spec.password,
                                           (time_t)core_store_now(call->store), err)) != LD_OK)
            return st;
    }
    cJSON *o = api_result_id(id, "username", spec.username);
    if (o == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    cJSON_AddStringToObject(o, "role", core_role_name(spec.role));
    cJSON_AddBoolToObject(o, "signing_certificate", signs);
    *out = o;
    return LD_OK;
}

ld_status ld_user_add(ld_session *session, const ld_user_spec *spec, const char *key_password,
                      cJSON **out, ld_error *err)
{
    user_args a = {.spec = spec, .key_password = key_password};
    return run_on_user(session, "user.add", spec->username, 0, user_add, &a, out, err);
}

static ld_status user_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    return core_user_list(call->store, call->who, out, err);
}

ld_status ld_user_list(ld_session *session, cJSON **out, ld_error *err)
{
    return api_run(session, "user.list", NULL, 0, user_list, NULL, out, err);
}

/* The owner's change re-encrypts their keys from the old password to the new
 * one; a session resumed from a token proved no password, so the old one is
 * checked first. */
static ld_status change_own(api_call *call, const user_args *a, ld_error *err)
{
    const core_session *who = call->who;
    const char *old_password = NULL;
    ld_status st;
    if ((st = api_key_password(call->session, a->key_password, &old_password, err)) != LD_OK ||
        (call->session->password == NULL &&
         (st = core_user_password_check(call->store, who->user_id, old_password, err)) != LD_OK) ||
        (st = core_user_set_password(call->store, who, NULL, a->password, err)) != LD_OK)
        return st;
    if (!holds_keys(who->role))
        return LD_OK;
    /* Only the user's own signing key follows their password; the CA and
     * institution keys are held apart from every login. */
    return core_keystore_rekey_user(call->store, who->user_id, old_password, a->password, err);
}

/* An admin's reset retires the key nobody else can unlock, issues a new one
 * under the temporary password and ends the user's sessions. */
static ld_status reset_other(api_call *call, const user_args *a, ld_error *err)
{
    const core_session *who = call->who;
    int64_t id = 0;
    ld_status st;
    /* A session that must change its password may change that one only. */
    if (call->session->must_change_password)
        return LD_FAIL(err, LD_EPERM,
                       "permission denied: change your own password before setting another's");
    if ((st = core_user_set_password(call->store, who, a->username, a->password, err)) != LD_OK ||
        (st = core_user_id(call->store, a->username, &id, err)) != LD_OK ||
        (st = core_keystore_reissue_user(call->store, who, a->key_password, id, a->password,
                                         (time_t)core_store_now(call->store), err)) != LD_OK)
        return st;
    return core_session_end_all(call->store, id, err);
}

static ld_status user_passwd(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const user_args *a = args;
    const core_session *who = call->who;
    bool own = a->username == NULL || strcmp(a->username, who->username) == 0;
    ld_status st;
    if ((st = require_text("new password", a->password, err)) != LD_OK ||
        (st = own ? change_own(call, a, err) : reset_other(call, a, err)) != LD_OK)
        return st;
    cJSON *o = username_result(own ? who->username : a->username);
    if (o == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    cJSON_AddBoolToObject(o, "must_change", !own);
    *out = o;
    return LD_OK;
}

ld_status ld_user_passwd(ld_session *session, const char *username, const char *new_password,
                         const char *key_password, cJSON **out, ld_error *err)
{
    user_args a = {.username = username, .password = new_password, .key_password = key_password};
    bool own = username == NULL || strcmp(username, session->who.username) == 0;
    ld_status st = run_on_user(session, "user.passwd", own ? session->who.username : username,
                               API_PASSWORD_CHANGE, user_passwd, &a, out, err);
    /* The session goes on with the new password: it unlocks the key now. */
    if (st == LD_OK && own) {
        session->must_change_password = false;
        if (session->password != NULL) {
            char *copy = strdup(new_password);
            if (copy != NULL) {
                api_password_wipe(session->password);
                session->password = copy;
            }
        }
    }
    return st;
}

static ld_status user_unlock(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const user_args *a = args;
    ld_status st;
    if ((st = require_text("username", a->username, err)) != LD_OK ||
        (st = core_user_unlock(call->store, call->who, a->username, err)) != LD_OK)
        return st;
    if ((*out = username_result(a->username)) == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    return LD_OK;
}

ld_status ld_user_unlock(ld_session *session, const char *username, cJSON **out, ld_error *err)
{
    user_args a = {.username = username};
    return run_on_user(session, "user.unlock", username, 0, user_unlock, &a, out, err);
}

/* A revoked account is ended everywhere at once: its sessions would be
 * refused at their next use anyway, this makes it so in the table too. */
static ld_status user_revoke(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const user_args *a = args;
    int64_t now = core_store_now(call->store), id = 0;
    ld_status st;
    if ((st = require_text("username", a->username, err)) != LD_OK ||
        (st = core_user_revoke(call->store, call->who, a->username, (time_t)now, err)) != LD_OK ||
        (st = core_user_id(call->store, a->username, &id, err)) != LD_OK ||
        (st = core_session_end_all(call->store, id, err)) != LD_OK)
        return st;
    cJSON *o = username_result(a->username);
    if (o == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    core_json_put_int(o, "revoked_at", now);
    *out = o;
    return LD_OK;
}

ld_status ld_user_revoke(ld_session *session, const char *username, cJSON **out, ld_error *err)
{
    user_args a = {.username = username};
    return run_on_user(session, "user.revoke", username, 0, user_revoke, &a, out, err);
}

static ld_status pki_ca_cert(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    char *pem = NULL;
    ld_status st = core_keystore_ca_cert(call->store, &pem, err);
    if (st != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || cJSON_AddStringToObject(o, "pem", pem) == NULL) {
        cJSON_Delete(o);
        free(pem);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    free(pem);
    *out = o;
    return LD_OK;
}

ld_status ld_pki_ca_cert(ld_session *session, cJSON **out, ld_error *err)
{
    return api_run(session, "pki.ca_cert", NULL, 0, pki_ca_cert, NULL, out, err);
}

typedef struct policy_args {
    const char *policy_path;
    const char *products_path;
} policy_args;

static void add_path(cJSON *o, const char *key, const char *path)
{
    if (path != NULL)
        cJSON_AddStringToObject(o, key, path);
    else
        cJSON_AddNullToObject(o, key);
}

/* The store parses the policy with the one policy parser (the full checker
 * of `policy check`) before it keeps it; a refusal rolls the load back. */
static ld_status policy_load(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const policy_args *a = args;
    if (a->policy_path == NULL && a->products_path == NULL)
        return LD_FAIL(err, LD_EUSAGE, "give a policy file, a product file or both");
    ld_status st = core_policy_load(call->store, call->who, a->policy_path, a->products_path, err);
    if (st != LD_OK)
        return st;
    const char *text = NULL, *sha256 = NULL;
    if (a->policy_path != NULL &&
        (st = core_policy_document(call->store, &text, &sha256, err)) != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    add_path(o, "policy", a->policy_path);
    add_path(o, "products", a->products_path);
    if (sha256 != NULL)
        cJSON_AddStringToObject(o, "policy_sha256", sha256);
    *out = o;
    return LD_OK;
}

ld_status ld_policy_load(ld_session *session, const char *policy_path, const char *products_path,
                         cJSON **out, ld_error *err)
{
    policy_args a = {.policy_path = policy_path, .products_path = products_path};
    return api_run(session, "policy.load", policy_path != NULL ? policy_path : products_path, 0,
                   policy_load, &a, out, err);
}

static ld_status policy_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    const char *text = NULL, *sha256 = NULL;
    const core_policy_model *model = NULL;
    cJSON *document = NULL;
    ld_status st;
    if ((st = core_policy_document(call->store, &text, &sha256, err)) != LD_OK ||
        (st = core_policy_model_get(call->store, &model, err)) != LD_OK ||
        (st = core_json_parse(text, strlen(text), "policy", &document, err)) != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL ||
        cJSON_AddStringToObject(o, "version", core_policy_model_version(model)) == NULL ||
        cJSON_AddStringToObject(o, "sha256", sha256) == NULL) {
        cJSON_Delete(o);
        cJSON_Delete(document);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    cJSON_AddItemToObject(o, "policy", document);
    *out = o;
    return LD_OK;
}

ld_status ld_policy_show(ld_session *session, cJSON **out, ld_error *err)
{
    return api_run(session, "policy.show", NULL, API_READ, policy_show, NULL, out, err);
}

static ld_status product_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    return core_product_catalog_json(call->store, out, err);
}

ld_status ld_product_list(ld_session *session, cJSON **out, ld_error *err)
{
    return api_run(session, "product.list", NULL, API_READ, product_list, NULL, out, err);
}
