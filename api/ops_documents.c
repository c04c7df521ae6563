/*
 * ops_documents.c - the customer archive in the operations API
 * (loandesk/care.h): adding a document from a file, the officer's check,
 * showing and listing documents with their standing, the documents about to
 * lapse, and the auditor's verification of the archive. The rules (who may
 * add, the content types, the checklist) are core's (core/document.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api_int.h"
#include "collection.h"
#include "document.h"
#include "json_in.h"
#include "loandesk/care.h"

typedef struct doc_args {
    core_doc_target target;
    core_doc_input input;
    int64_t id;
    bool authentic, legal, valid;
    const char *note;
    int days;
} doc_args;

ld_status ld_document_dir(const char *db_path, char *out, size_t size, ld_error *err)
{
    return core_document_dir(db_path, out, size, err);
}

static ld_status parse_target(const char *text, int64_t id, core_doc_target *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    if (id <= 0)
        return LD_FAIL(err, LD_EINVAL, "target: the id must be a positive number");
    if (text != NULL && strcmp(text, "borrower") == 0) {
        out->kind = CORE_DOC_ON_BORROWER;
        out->borrower_id = id;
    } else if (text != NULL && strcmp(text, "application") == 0) {
        out->kind = CORE_DOC_ON_APPLICATION;
        out->application_id = id;
    } else if (text != NULL && strcmp(text, "loan") == 0) {
        out->kind = CORE_DOC_ON_LOAN;
        out->loan_id = id;
    } else {
        return LD_FAIL(err, LD_EINVAL, "target: must be borrower, application or loan");
    }
    return LD_OK;
}

/* A loan's documents belong to the application it was made from. */
static ld_status resolve_loan(api_call *call, core_doc_target *t, ld_error *err)
{
    if (t->kind != CORE_DOC_ON_LOAN)
        return LD_OK;
    int64_t borrower = 0;
    ld_status st = ledger_loan_parties(call->store, t->loan_id, &t->application_id, &borrower, err);
    if (st == LD_OK && t->application_id == 0)
        st = LD_FAIL(err, LD_ESTATE, "loan %lld was made from no application",
                     (long long)t->loan_id);
    return st;
}

/* Reads the file at path, refusing more than the archive keeps before
 * reading it. */
static ld_status read_document_file(const char *path, unsigned char **out, size_t *len,
                                    ld_error *err)
{
    if (path == NULL || path[0] == '\0')
        return LD_FAIL(err, LD_EUSAGE, "file: is required");
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return LD_FAIL(err, errno == ENOENT ? LD_ENOTFOUND : LD_EINVAL, "file: %s: %s", path,
                       strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return LD_FAIL(err, LD_EINVAL, "file: %s is not a regular file", path);
    }
    if (sb.st_size > CORE_DOC_MAX_BYTES) {
        fclose(f);
        return LD_FAIL(err, LD_EINVAL,
                       "file: %lld bytes is more than the %d MiB a document may hold",
                       (long long)sb.st_size, CORE_DOC_MAX_BYTES / (1024 * 1024));
    }
    unsigned char *buf = malloc((size_t)sb.st_size + 1);
    if (buf == NULL) {
        fclose(f);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    size_t n = fread(buf, 1, (size_t)sb.st_size + 1, f);
    bool bad = ferror(f) != 0 || n > (size_t)CORE_DOC_MAX_BYTES;
    fclose(f);
    if (bad) {
        free(buf);
        return LD_FAIL(err, LD_EINVAL, "file: %s could not be read whole", path);
    }
    *out = buf;
    *len = n;
    return LD_OK;
}

static ld_status doc_add(api_call *call, void *args, cJSON **out, ld_error *err)
{
    doc_args *a = args;
    ld_status st = resolve_loan(call, &a->target, err);
    if (st != LD_OK)
        return st;
    return core_document_add(call->store, call->who, &a->target, &a->input, out, err);
}

ld_status ld_document_add(ld_session *session, const ld_document_spec *spec, cJSON **out,
                          ld_error *err)
{
    doc_args a = {0};
    ld_status st = parse_target(spec->target, spec->target_id, &a.target, err);
    if (st == LD_OK && spec->type == NULL)
        st = LD_FAIL(err, LD_EUSAGE, "type: is required");
    if (st == LD_OK)
        st = core_doc_type_parse("type", spec->type, &a.input.type, err);
    if (st == LD_OK && spec->expires != NULL) {
        st = ld_date_parse("expires", spec->expires, &a.input.expires_on, err);
        a.input.has_expiry = true;
    }
    unsigned char *bytes = NULL;
    if (st == LD_OK)
        st = read_document_file(spec->path, &bytes, &a.input.length, err);
    if (st != LD_OK)
        return st;
    a.input.bytes = bytes;
    const char *slash = strrchr(spec->path, '/');
    if (spec->file_name == NULL)
        a.input.file_name = slash != NULL ? slash + 1 : spec->path;
    else if (spec->file_name[0] != '\0')
        a.input.file_name = spec->file_name;
    char subject[64];
    snprintf(subject, sizeof subject, "%s %lld", spec->target, (long long)spec->target_id);
    st = api_run(session, "doc.add", subject, 0, doc_add, &a, out, err);
    free(bytes);
    return st;
}

static ld_status doc_check(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const doc_args *a = args;
    return core_document_check(call->store, call->who, a->id, a->authentic, a->legal, a->valid,
                               a->note, out, err);
}

ld_status ld_document_check(ld_session *session, int64_t id, bool authentic, bool legal, bool valid,
                            const char *note, cJSON **out, ld_error *err)
{
    doc_args a = {.id = id, .authentic = authentic, .legal = legal, .valid = valid, .note = note};
    return api_run_on(session, "doc.check", "document", id, doc_check, &a, out, err);
}

static ld_status doc_show(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const doc_args *a = args;
    return core_document_show(call->store, call->who, a->id, out, err);
}

ld_status ld_document_show(ld_session *session, int64_t id, cJSON **out, ld_error *err)
{
    doc_args a = {.id = id};
    return api_run_on(session, "doc.show", "document", id, doc_show, &a, out, err);
}

static ld_status doc_list(api_call *call, void *args, cJSON **out, ld_error *err)
{
    doc_args *a = args;
    ld_status st = resolve_loan(call, &a->target, err);
    if (st != LD_OK)
        return st;
    return core_document_list(call->store, call->who, &a->target, out, err);
}

ld_status ld_document_list(ld_session *session, const char *target, int64_t target_id, cJSON **out,
                           ld_error *err)
{
    doc_args a = {0};
    ld_status st = parse_target(target, target_id, &a.target, err);
    if (st != LD_OK)
        return st;
    char subject[64];
    snprintf(subject, sizeof subject, "%s %lld", target, (long long)target_id);
    return api_run(session, "doc.list", subject, API_READ, doc_list, &a, out, err);
}

static ld_status doc_expiring(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const doc_args *a = args;
    return core_document_expiring(call->store, call->who, a->days, out, err);
}

ld_status ld_document_expiring(ld_session *session, int days, cJSON **out, ld_error *err)
{
    doc_args a = {.days = days < 0 ? 30 : days};
    return api_run(session, "doc.expiring", NULL, API_READ, doc_expiring, &a, out, err);
}

static ld_status doc_verify(api_call *call, void *args, cJSON **out, ld_error *err)
{
    (void)args;
    return core_document_verify(call->store, call->who, out, err);
}

ld_status ld_document_verify(ld_session *session, cJSON **out, ld_error *err)
{
    cJSON *o = NULL;
    ld_status st = api_run(session, "doc.verify", NULL, API_READ, doc_verify, NULL, &o, err);
    if (st != LD_OK)
        return st;
    *out = o;
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "problems"), 0);
    if (first == NULL)
        return LD_OK;
    int64_t doc = 0;
    core_json_integer(cJSON_GetObjectItemCaseSensitive(first, "document_id"), &doc);
    return LD_FAIL(err, LD_EVERIFY,
                   "the archive does not match the ledger: %d file(s) missing or changed, the "
                   "first that of document %lld (%s)",
                   cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "problems")),
                   (long long)doc, cJSON_GetObjectItemCaseSensitive(first, "problem")->valuestring);
}

typedef struct export_args {
    const char *dir;
} export_args;

static ld_status doc_export(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const export_args *a = args;
    return core_document_export(call->store, call->who, a->dir, out, err);
}

ld_status ld_document_export(ld_session *session, const char *dir, cJSON **out, ld_error *err)
{
    if (dir == NULL)
        return LD_FAIL(err, LD_EUSAGE, "dir: is required");
    export_args a = {dir};
    return api_run(session, "doc.export", dir, API_READ, doc_export, &a, out, err);
}
