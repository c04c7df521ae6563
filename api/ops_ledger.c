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

#include "api_int.h"
#include "digest.h"
#include "json_in.h"
#include "ledger_verify.h"
#include "loandesk/servicing.h"

typedef struct ledger_args {
    const char *text; /* password or directory */
    uint64_t a, b;
} ledger_args;

static ld_status checkpoint_make(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const ledger_args *a = args;
    ledger_checkpoint cp;
    char text[LEDGER_CHECKPOINT_TEXT_MAX], root[2 * sizeof cp.root.bytes + 1];
    size_t len;
    ld_status st;
    if ((st = ledger_checkpoint_make(call->store, call->who, a->text, &cp, err)) != LD_OK ||
        (st = ledger_checkpoint_text(&cp, text, &len, err)) != LD_OK)
        return st;
    core_hex_encode(cp.root.bytes, sizeof cp.root.bytes, root);
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "size", (int64_t)cp.size);
    cJSON_AddStringToObject(o, "root", root);
    core_json_put_int(o, "time", cp.time);
    cJSON_AddStringToObject(o, "text", text);
    *out = o;
    return LD_OK;
}

ld_status ld_ledger_checkpoint(ld_session *session, const char *institution_password, cJSON **out,
                               ld_error *err)
{
    if (institution_password == NULL)
        return LD_FAIL(err, LD_EUSAGE, "the institution key's password is needed");
    ledger_args a = {.text = institution_password};
    return api_run(session, "ledger.checkpoint", NULL, 0, checkpoint_make, &a, out, err);
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
    }
    return o;
}

static ld_status ledger_verify_body(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    ledger_verify_report r;
    ld_status st = ledger_verify(call->store, call->who, &r, err);
    if (st == LD_OK)
        *out = report_json(&r, true);
    return st;
}

ld_status ld_ledger_verify(ld_session *session, cJSON **out, ld_error *err)
{
    return api_run(session, "ledger.verify", NULL, 0, ledger_verify_body, NULL, out, err);
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
    return api_run(session, "ledger.export", dir, 0, ledger_export_body, &a, out, err);
}

ld_status ld_ledger_verify_export(const char *dir, cJSON **out, ld_error *err)
{
    ledger_verify_report r;
    ld_status st = ledger_verify_offline(dir, &r, err);
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

ld_status ld_proof_verify(const cJSON *proof, cJSON **out, ld_error *err)
{
    ld_status st = ledger_proof_check(proof, err);
    if (st != LD_OK)
        return st;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(proof, "type");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", cJSON_IsString(type) ? type->valuestring : "");
    cJSON_AddBoolToObject(o, "holds", true);
    *out = o;
    return LD_OK;
}

ld_status ld_proof_verify_file(const char *path, cJSON **out, ld_error *err)
{
    cJSON *proof = NULL;
    ld_status st = core_json_parse_file(path, &proof, err);
    if (st != LD_OK)
        return st;
    st = ld_proof_verify(proof, out, err);
    cJSON_Delete(proof);
    return st;
}
