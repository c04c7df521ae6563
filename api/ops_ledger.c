/*
 * ops_ledger.c - operations on the tamper-evident log (loandesk/servicing.h):
 * signed checkpoints, full verification, export, inclusion and consistency
 * proofs; and what an auditor runs with no database at all: verification of
 * an export and of a proof.
 *
 * Who may read the whole ledger is core's rule (CORE_ACT_LEDGER_VERIFY:
 * reviewers, managers, auditors), checked by ledger/ inside the operation, so
 * a refusal is recorded by api_run like any other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "digest.h"
#include "json_in.h"
#include "keystore.h"
#include "permission.h"
#include "ledger_events.h"
#include "ledger_verify.h"
#include "loandesk/servicing.h"

typedef struct ledger_args {
    const char *text; /* password or directory */
    uint64_t a, b;
} ledger_args;

static ld_status api_key(void *ctx, const core_pki_key **key, const char **cert, ld_error *err)
{
    return api_signer(ctx, key, cert, err);
}

static ld_status checkpoint_make(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    ledger_checkpoint cp;
    char text[LEDGER_CHECKPOINT_TEXT_MAX], root[2 * sizeof cp.root.bytes + 1];
    char *block = NULL;
    size_t len;
    ld_status st;
    ld_api *api = call->session->api;
    if ((st = ledger_checkpoint_make(
             call->store, call->who, api->unit_open ? &api->unit_start : NULL, api_key, api,
             (int64_t)ledger_event_now(call->store), &block, &cp, err)) != LD_OK ||
        (st = ledger_checkpoint_text(&cp, text, &len, err)) != LD_OK) {
        free(block);
        return st;
    }
    core_hex_encode(cp.root.bytes, sizeof cp.root.bytes, root);
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "size", (int64_t)cp.size);
    cJSON_AddStringToObject(o, "root", root);
    core_json_put_int(o, "time", cp.time);
    cJSON_AddStringToObject(o, "text", text);
    cJSON_AddStringToObject(o, "block", block);
    free(block);
    *out = o;
    return LD_OK;
}

ld_status ld_ledger_checkpoint(ld_session *session, cJSON **out, ld_error *err)
{
    return api_run(session, "ledger.checkpoint", NULL, 0, checkpoint_make, NULL, out, err);
}

/* The ledger's options from the front end's anchor; LD_EUSAGE before any
 * work when there is none. */
static ld_status trust_options(const ld_trust_anchor *anchor, ledger_verify_options *out,
                               ld_error *err)
{
    memset(out, 0, sizeof *out);
    if (anchor == NULL || (anchor->ca_file == NULL && anchor->ca_fingerprint == NULL))
        return LD_FAIL(err, LD_EUSAGE,
                       "a trust anchor is needed: --ca FILE (the CA certificate you hold) or "
                       "--ca-fingerprint SHA256HEX; verification never trusts the CA the data "
                       "carries");
    out->ca_file = anchor->ca_file;
    out->ca_fingerprint = anchor->ca_fingerprint;
    out->since_path = anchor->since_path;
    return LD_OK;
}

static cJSON *report_json(const ledger_verify_report *r, bool loans)
{
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "entries", (int64_t)r->entries);
    core_json_put_int(o, "checkpoints", (int64_t)r->checkpoints);
    core_json_put_int(o, "journal_entries", (int64_t)r->journal_entries);
    if (loans) {
        core_json_put_int(o, "loans", (int64_t)r->loans);
        core_json_put_int(o, "rows", (int64_t)r->rows);
        core_json_put_int(o, "rows_format1", (int64_t)r->rows_format1);
    } else {
        core_json_put_int(o, "documents", (int64_t)r->documents);
    }
    return o;
}

static ld_status ledger_verify_body(api_call *call, void *args, cJSON **out, ld_error *err)
{
    ledger_verify_report r;
    ledger_verify_options o;
    /* Who may verify is decided before what they brought is looked at. */
    ld_status st = core_perm_require(call->who, CORE_ACT_LEDGER_VERIFY, NULL, err);
    if (st == LD_OK && (st = trust_options(args, &o, err)) == LD_OK)
        st = ledger_verify(call->store, call->who, &o, &r, err);
    if (st == LD_OK)
        *out = report_json(&r, true);
    return st;
}

ld_status ld_ledger_verify(ld_session *session, const ld_trust_anchor *anchor, cJSON **out,
                           ld_error *err)
{
    /* A read snapshot, never the write lock: a full verification of a large
     * book takes minutes, and officers, the close of business and backups
     * keep writing meanwhile (what they commit is past the snapshot). */
    return api_run(session, "ledger.verify", NULL, API_READ, ledger_verify_body, (void *)anchor,
                   out, err);
}

static ld_status ledger_export_body(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const ledger_args *a = args;
    ledger_verify_report r;
    ld_status st = ledger_export(call->store, call->who, a->text, &r, err);
    if (st != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "dir", a->text);
    core_json_put_int(o, "entries", (int64_t)r.entries);
    core_json_put_int(o, "checkpoints", (int64_t)r.checkpoints);
    *out = o;
    return LD_OK;
}

ld_status ld_ledger_export(ld_session *session, const char *dir, cJSON **out, ld_error *err)
{
    if (dir == NULL)
        return LD_FAIL(err, LD_EUSAGE, "dir: is required");
    ledger_args a = {.text = dir};
    /* A read snapshot, as verify: the export writes files, never the book,
     * and an export of a large log must not hold officers' writes. */
    return api_run(session, "ledger.export", dir, API_READ, ledger_export_body, &a, out, err);
}

ld_status ld_ledger_verify_export(const char *dir, const ld_trust_anchor *anchor, cJSON **out,
                                  ld_error *err)
{
    ledger_verify_report r;
    ledger_verify_options o;
    ld_status st = trust_options(anchor, &o, err);
    if (st != LD_OK)
        return st;
    st = ledger_verify_offline(dir, &o, &r, err);
    if (st == LD_OK)
        *out = report_json(&r, false);
    return st;
}

static ld_status prove_inclusion(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const ledger_args *a = args;
    return ledger_prove_inclusion(call->store, call->who, a->a, a->b, out, err);
}

ld_status ld_ledger_prove_inclusion(ld_session *session, uint64_t index, uint64_t size, cJSON **out,
                                    ld_error *err)
{
    ledger_args a = {.a = index, .b = size};
    return api_run_on(session, "ledger.prove", "entry", (int64_t)index, prove_inclusion, &a, out,
                      err);
}

static ld_status prove_consistency(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const ledger_args *a = args;
    return ledger_prove_consistency(call->store, call->who, a->a, a->b, out, err);
}

ld_status ld_ledger_prove_consistency(ld_session *session, uint64_t old_size, uint64_t new_size,
                                      cJSON **out, ld_error *err)
{
    char subject[64];
    snprintf(subject, sizeof subject, "sizes %llu to %llu", (unsigned long long)old_size,
             (unsigned long long)new_size);
    ledger_args a = {.a = old_size, .b = new_size};
    return api_run(session, "ledger.prove", subject, 0, prove_consistency, &a, out, err);
}

ld_status ld_proof_verify(const cJSON *proof, const ld_trust_anchor *anchor, cJSON **out,
                          ld_error *err)
{
    ledger_verify_options opt;
    ld_status st = trust_options(anchor, &opt, err);
    if (st != LD_OK)
        return st;
    st = ledger_proof_check(proof, &opt, err);
    if (st != LD_OK)
        return st;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(proof, "type");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", cJSON_IsString(type) ? type->valuestring : "");
    cJSON_AddBoolToObject(o, "holds", true);
    *out = o;
    return LD_OK;
}

ld_status ld_proof_verify_file(const char *path, const ld_trust_anchor *anchor, cJSON **out,
                               ld_error *err)
{
    cJSON *proof = NULL;
    ledger_verify_options o;
    ld_status st = trust_options(anchor, &o, err);
    if (st != LD_OK || (st = core_json_parse_file(path, &proof, err)) != LD_OK)
        return st;
    st = ld_proof_verify(proof, anchor, out, err);
    cJSON_Delete(proof);
    return st;
}

typedef struct rotate_args {
    const char *ca_passphrase, *key_passphrase;
} rotate_args;

static ld_status key_rotate(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const rotate_args *a = args;
    ld_api *api = call->session->api;
    char fingerprint[CORE_PKI_HEX_MAX];
    ld_status st;
    /* What was appended before the rotation is signed with the old key. */
    if ((st = api_seal(api, NULL, err)) != LD_OK ||
        (st = core_keystore_rotate_institution(
             call->store, call->who, a->ca_passphrase, api->key_path, a->key_passphrase,
             (time_t)core_store_now(call->store), fingerprint, err)) != LD_OK ||
        (st = ld_api_set_institution_key(api, NULL, a->key_passphrase, err)) != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "fingerprint", fingerprint);
    *out = o;
    return LD_OK;
}

ld_status ld_ledger_key_rotate(ld_session *session, const char *ca_passphrase,
                               const char *new_key_passphrase, cJSON **out, ld_error *err)
{
    if (ca_passphrase == NULL)
        return LD_FAIL(err, LD_EUSAGE,
                       "the CA custodians' passphrase is needed to certify a new institution key");
    rotate_args a = {.ca_passphrase = ca_passphrase, .key_passphrase = new_key_passphrase};
    return api_run(session, "ledger.key_rotate", NULL, 0, key_rotate, &a, out, err);
}
