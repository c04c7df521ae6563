/*
 * ops_reports.c - signed workbooks and their verification
 * (loandesk/reports.h). Who may read what is reports' and core's to say; here
 * a report is one operation: the user's key unlocked, the workbook written,
 * signed and recorded in the ledger, all in one transaction or not at all.
 * Verification against the database is an operation too, so that a refusal
 * is audited; offline verification needs neither a database nor a session.
 */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "json_in.h"
#include "loandesk/reports.h"
#include "report.h"

typedef enum report_kind {
    KIND_INSPECTION,
    KIND_RATING,
    KIND_LEDGER,
    KIND_PORTFOLIO,
    KIND_INVESTIGATION,
    KIND_FIT,
    KIND_COLLECTION,
} report_kind;

static const char *const kind_names[] = {"inspection",    "rating", "ledger",    "portfolio",
                                         "investigation", "fit",    "collection"};

/* What one report call was given; dates still as text, parsed in the body. */
typedef struct report_args {
    report_kind kind;
    int64_t id, inspection_id;
    const char *from, *to; /* ledger; date, since for the portfolio */
    const ld_report_spec *spec;
    const char *key_password;
    const cJSON *fit; /* the fit report of a fit workbook */
} report_args;

/* A date argument, open (absent) as `absent`. */
static ld_status optional_date(const char *field, const char *text, ld_date absent, ld_date *out,
                               ld_error *err)
{
    *out = absent;
    if (text == NULL)
        return LD_OK;
    return ld_date_parse(field, text, out, err);
}

static ld_status options_from(const ld_report_spec *spec, report_options *o, ld_error *err)
{
    memset(o, 0, sizeof *o);
    if (spec->path == NULL || spec->path[0] == '\0')
        return LD_FAIL(err, LD_EUSAGE, "a workbook file name (FILE.xlsx) is required");
    o->path = spec->path;
    if (spec->lang == NULL || strcmp(spec->lang, "zh") == 0)
        o->lang = REPORT_LANG_ZH;
    else if (strcmp(spec->lang, "en") == 0)
        o->lang = REPORT_LANG_EN;
    else
        return LD_FAIL(err, LD_EINVAL, "lang: \"%s\" is not zh or en", spec->lang);
    return LD_OK;
}

static ld_status write_kind(api_call *call, const report_args *a, const report_options *o,
                            report_result *r, ld_error *err)
{
    ld_status st;
    ld_date from, to;
    switch (a->kind) {
    case KIND_INSPECTION:
        return report_inspection_write(call->store, call->who, a->id, a->inspection_id, o, r, err);
    case KIND_RATING:
        return report_rating_write(call->store, call->who, a->id, o, r, err);
    case KIND_INVESTIGATION:
        return report_investigation_write(call->store, call->who, a->id, o, r, err);
    case KIND_LEDGER:
        if ((st = optional_date("from", a->from, INT32_MIN, &from, err)) != LD_OK ||
            (st = optional_date("to", a->to, INT32_MIN, &to, err)) != LD_OK)
            return st;
        return report_ledger_write(call->store, call->who, from, to, o, r, err);
    case KIND_PORTFOLIO:
        if (a->from == NULL)
            return LD_FAIL(err, LD_EUSAGE, "date: the portfolio's date is required");
        if ((st = ld_date_parse("date", a->from, &from, err)) != LD_OK ||
            (st = optional_date("since", a->to, 0, &to, err)) != LD_OK)
            return st;
        return report_portfolio_write(call->store, call->who, from, to, o, r, err);
    case KIND_FIT:
        return report_fit_write(call->store, call->who, a->fit, o, r, err);
    case KIND_COLLECTION:
        return report_collection_write(call->store, call->who, o, r, err);
    }
    return LD_FAIL(err, LD_EINTERNAL, "unknown report kind");
}

static cJSON *report_json(const char *kind, const char *path, const report_result *r)
{
    cJSON *j = cJSON_CreateObject();
    if (j == NULL)
        return NULL;
    cJSON_AddStringToObject(j, "kind", kind);
    cJSON_AddStringToObject(j, "file", path);
    cJSON_AddStringToObject(j, "sha256", r->sha256);
    cJSON_AddBoolToObject(j, "signed", r->is_signed);
    if (r->is_signed) {
        char p7s[4096];
        snprintf(p7s, sizeof p7s, "%s.p7s", path);
        cJSON_AddStringToObject(j, "signature", p7s);
        cJSON_AddStringToObject(j, "signer", r->signer);
        cJSON_AddStringToObject(j, "fingerprint", r->fingerprint);
    }
    core_json_put_int(j, "anchor_size", (int64_t)r->anchor_size);
    cJSON_AddStringToObject(j, "anchor_root", r->anchor_root);
    core_json_put_int(j, "rows", r->rows);
    return j;
}

/* The signer is unlocked first: a role that may not sign is refused before
 * anything is read or written. */
static ld_status report_write(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const report_args *a = args;
    report_options o;
    ld_status st = options_from(a->spec, &o, err);
    if (st != LD_OK)
        return st;
    report_signer *signer = NULL;
    if (!a->spec->no_sign) {
        const char *password = NULL;
        if ((st = api_key_password(call->session, a->key_password, &password, err)) != LD_OK ||
            (st = report_signer_open(call->store, call->who, password, &signer, err)) != LD_OK)
            return st;
        o.signer = signer;
    }
    report_result r;
    st = write_kind(call, a, &o, &r, err);
    report_signer_free(signer);
    if (st != LD_OK)
        return st;
    if ((*out = report_json(kind_names[a->kind], o.path, &r)) == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    return LD_OK;
}

static ld_status run_report(ld_session *session, report_args *a, const char *subject, cJSON **out,
                            ld_error *err)
{
    char action[32];
    snprintf(action, sizeof action, "report.%s", kind_names[a->kind]);
    return api_run(session, action, subject, 0, report_write, a, out, err);
}

ld_status ld_report_inspection(ld_session *session, int64_t loan_id, int64_t inspection_id,
                               const ld_report_spec *spec, const char *key_password, cJSON **out,
                               ld_error *err)
{
    char subject[48];
    snprintf(subject, sizeof subject, "loan %lld", (long long)loan_id);
    report_args a = {.kind = KIND_INSPECTION,
                     .id = loan_id,
                     .inspection_id = inspection_id,
                     .spec = spec,
                     .key_password = key_password};
    return run_report(session, &a, subject, out, err);
}

ld_status ld_report_rating(ld_session *session, int64_t app_id, const ld_report_spec *spec,
                           const char *key_password, cJSON **out, ld_error *err)
{
    char subject[48];
    snprintf(subject, sizeof subject, "application %lld", (long long)app_id);
    report_args a = {.kind = KIND_RATING, .id = app_id, .spec = spec, .key_password = key_password};
    return run_report(session, &a, subject, out, err);
}

ld_status ld_report_investigation(ld_session *session, int64_t app_id, const ld_report_spec *spec,
                                  const char *key_password, cJSON **out, ld_error *err)
{
    char subject[48];
    snprintf(subject, sizeof subject, "application %lld", (long long)app_id);
    report_args a = {
        .kind = KIND_INVESTIGATION, .id = app_id, .spec = spec, .key_password = key_password};
    return run_report(session, &a, subject, out, err);
}

ld_status ld_report_ledger(ld_session *session, const char *from, const char *to,
                           const ld_report_spec *spec, const char *key_password, cJSON **out,
                           ld_error *err)
{
    report_args a = {
        .kind = KIND_LEDGER, .from = from, .to = to, .spec = spec, .key_password = key_password};
    return run_report(session, &a, "the loan book", out, err);
}

ld_status ld_report_portfolio(ld_session *session, const char *date, const char *since,
                              const ld_report_spec *spec, const char *key_password, cJSON **out,
                              ld_error *err)
{
    report_args a = {.kind = KIND_PORTFOLIO,
                     .from = date,
                     .to = since,
                     .spec = spec,
                     .key_password = key_password};
    return run_report(session, &a, "the loan book", out, err);
}

ld_status ld_report_fit(ld_session *session, const char *fit_path, const ld_report_spec *spec,
                        const char *key_password, cJSON **out, ld_error *err)
{
    cJSON *fit = NULL;
    ld_status st = core_json_parse_file(fit_path, &fit, err);
    if (st != LD_OK)
        return st;
    report_args a = {.kind = KIND_FIT, .spec = spec, .key_password = key_password, .fit = fit};
    st = run_report(session, &a, fit_path, out, err);
    cJSON_Delete(fit);
    return st;
}

/* ---- Verification -------------------------------------------------------- */

static cJSON *verification_json(const char *path, const report_verification *v)
{
    cJSON *j = cJSON_CreateObject();
    if (j == NULL)
        return NULL;
    cJSON_AddStringToObject(j, "file", path);
    cJSON_AddStringToObject(j, "sha256", v->sha256);
    cJSON_AddStringToObject(j, "signer", v->signer);
    cJSON_AddStringToObject(j, "role", v->signer_role);
    cJSON_AddStringToObject(j, "fingerprint", v->fingerprint);
    core_json_put_int(j, "signing_time", (int64_t)v->signing_time);
    cJSON_AddBoolToObject(j, "in_ledger", v->in_ledger);
    if (v->in_ledger) {
        cJSON_AddStringToObject(j, "kind", v->kind);
        core_json_put_int(j, "ledger_entry", (int64_t)v->ledger_seq);
        core_json_put_int(j, "ledger_time", v->ledger_time);
        core_json_put_int(j, "checkpoint_size", (int64_t)v->checkpoint_size);
    }
    cJSON_AddBoolToObject(j, "sheets_checked", v->sheets_checked);
    cJSON_AddBoolToObject(j, "sheets_in_ledger", v->sheets_in_ledger);
    cJSON_AddBoolToObject(j, "revocation_checked", v->revocation_checked);
    return j;
}

/* Verifies with o (store or not) and builds the result. */
static ld_status verify_with(const report_verify_options *o, cJSON **out, ld_error *err)
{
    report_verification v;
    ld_status st = report_verify(o, &v, err);
    if (st != LD_OK)
        return st;
    if ((*out = verification_json(o->path, &v)) == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    return LD_OK;
}

static report_verify_options verify_options(const ld_verify_spec *spec)
{
    return (report_verify_options){.path = spec->path,
                                   .p7s_path = spec->p7s_path,
                                   .ca_pem_path = spec->ca_pem_path,
                                   .ca_fingerprint = spec->ca_fingerprint,
                                   .export_dir = spec->export_dir};
}

/* Verification changes nothing; it runs in the operation's transaction so
 * that it reads one state of the ledger. */
static ld_status verify_online(api_call *call, void *args, cJSON **out, ld_error *err)
{
    report_verify_options o = verify_options(args);
    o.store = call->store;
    o.who = call->who;
    return verify_with(&o, out, err);
}

ld_status ld_verify(ld_session *session, const ld_verify_spec *spec, cJSON **out, ld_error *err)
{
    if (spec->path == NULL)
        return LD_FAIL(err, LD_EUSAGE, "verify: FILE.xlsx is required");
    return api_run(session, "verify", spec->path, 0, verify_online, (void *)spec, out, err);
}

ld_status ld_verify_offline(const ld_verify_spec *spec, cJSON **out, ld_error *err)
{
    if (spec->path == NULL)
        return LD_FAIL(err, LD_EUSAGE, "verify: FILE.xlsx is required");
    if (spec->ca_pem_path == NULL && (spec->ca_fingerprint == NULL || spec->export_dir == NULL))
        return LD_FAIL(err, LD_EUSAGE,
                       "verify: without a database, the CA certificate (--ca ca.pem) is needed, "
                       "or --ca-fingerprint with a ledger export that carries it");
    report_verify_options o = verify_options(spec);
    return verify_with(&o, out, err);
}

ld_status ld_report_collection(ld_session *session, const ld_report_spec *spec,
                               const char *key_password, cJSON **out, ld_error *err)
{
    report_args a = {.kind = KIND_COLLECTION, .spec = spec, .key_password = key_password};
    return run_report(session, &a, "the collection cases", out, err);
}
