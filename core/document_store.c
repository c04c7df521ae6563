/*
 * document_store.c - the customer archive (document.h): files stored once by
 * their SHA-256 beside the database, the document and check rows, the
 * checklist gates and the archive's verification.
 *
 * A file is written to a temporary name in the archive folder and renamed
 * into place only when the operation's transaction commits
 * (core_store_defer_file), so a reader never sees half a file and a
 * transaction that rolls back leaves no file behind; a file whose name (its
 * hash) is already there, or waits for this commit, is not written again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "application.h"
#include "audit.h"
#include "borrower.h"
#include "digest.h"
#include "document.h"
#include "json_in.h"
#include "permission.h"
#include "policy.h"
#include "private_file.h"
#include "store_sql.h"
#include "text.h"

ld_status core_document_dir(const char *db_path, char *out, size_t size, ld_error *err)
{
    int n = snprintf(out, size, "%s.documents", db_path);
    if (n < 0 || (size_t)n >= size)
        return LD_FAIL(err, LD_EINVAL, "database path: too long for its archive folder");
    return LD_OK;
}

ld_status core_document_store_dir(core_store *store, char *out, size_t size, ld_error *err)
{
    const char *db = sqlite3_db_filename(core_store_db(store), "main");
    if (db == NULL || db[0] == '\0')
        return LD_FAIL(err, LD_ESTATE, "an in-memory database has no document archive");
    return core_document_dir(db, out, size, err);
}

/* The content type by the file's first bytes. */
static const char *sniff(const unsigned char *b, size_t n)
{
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n >= 5 && memcmp(b, "%PDF-", 5) == 0)
        return "application/pdf";
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return "image/jpeg";
    if (n >= 8 && memcmp(b, png, 8) == 0)
        return "image/png";
    return NULL;
}

static ld_status file_path(core_store *store, const char *sha, char *out, size_t size,
                           ld_error *err)
{
    char dir[4096];
    ld_status st = core_document_store_dir(store, dir, sizeof dir, err);
    if (st != LD_OK)
        return st;
    int n = snprintf(out, size, "%s/%s", dir, sha);
    if (n < 0 || (size_t)n >= size)
        return LD_FAIL(err, LD_EINVAL, "database path: too long for its archive folder");
    return LD_OK;
}

/* Writes bytes as the archive's file sha, to come into place when the
 * transaction commits, unless it is there or waiting; *stored says whether
 * this call wrote it. */
static ld_status store_file(core_store *store, const char *sha, const unsigned char *bytes,
                            size_t len, bool *stored, ld_error *err)
{
    char dir[4096], path[4200], tmp[4300];
    ld_status st;
    *stored = false;
    if ((st = core_document_store_dir(store, dir, sizeof dir, err)) != LD_OK ||
        (st = core_private_dir_create(dir, err)) != LD_OK ||
        (st = file_path(store, sha, path, sizeof path, err)) != LD_OK)
        return st;
    struct stat sb;
    if (lstat(path, &sb) == 0 || core_store_file_deferred(store, path))
        return LD_OK; /* already archived: the same bytes, by their hash */
    snprintf(tmp, sizeof tmp, "%s.%ld.part", path, (long)getpid());
    FILE *f = NULL;
    if ((st = core_private_file_create(tmp, &f, err)) != LD_OK)
        return st;
    bool ok = fwrite(bytes, 1, len, f) == len;
    ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok) {
        int e = errno;
        unlink(tmp);
        return LD_FAIL(err, LD_EINTERNAL, "writing the archive file %s: %s", path, strerror(e));
    }
    if ((st = core_store_defer_file(store, tmp, path, err)) != LD_OK) {
        unlink(tmp);
        return st;
    }
    *stored = true;
    return LD_OK;
}

/* Fills the target's borrower (and application) and checks who may edit it. */
static ld_status resolve_target(core_store *store, const core_session *who,
                                const core_doc_target *t, core_action action, int64_t *borrower,
                                ld_error *err)
{
    ld_status st = core_perm_require(who, action, NULL, err);
    if (st != LD_OK)
        return st;
    if (t->kind == CORE_DOC_ON_BORROWER) {
        *borrower = t->borrower_id;
    } else {
        core_application app;
        if ((st = core_application_get(store, t->application_id, &app, err)) != LD_OK)
            return st;
        *borrower = app.borrower_id;
    }
    return core_borrower_require(store, who, *borrower, action, err);
}

ld_status core_document_add(core_store *store, const core_session *who,
                            const core_doc_target *target, const core_doc_input *in, cJSON **out,
                            ld_error *err)
{
    ld_status st;
    int64_t borrower = 0;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = resolve_target(store, who, target, CORE_ACT_CUSTOMER_EDIT, &borrower, err)) != LD_OK)
        return st;
    if ((unsigned)in->type >= CORE_DOC_TYPE_COUNT)
        return LD_FAIL(err, LD_EINVAL, "type: unknown document type");
    if (in->length == 0)
        return LD_FAIL(err, LD_EINVAL, "file: is empty");
    if (in->length > CORE_DOC_MAX_BYTES)
        return LD_FAIL(err, LD_EINVAL,
                       "file: %zu bytes is more than the %d MiB a document may hold", in->length,
                       CORE_DOC_MAX_BYTES / (1024 * 1024));
    const char *content_type = sniff(in->bytes, in->length);
    if (content_type == NULL)
        return LD_FAIL(err, LD_EINVAL,
                       "file: not a PDF, JPEG or PNG file (judged by its content, not its name)");
    if (in->has_expiry && in->expires_on < core_store_today(store)) {
        char d[LD_DATE_TEXT_MAX];
        return LD_FAIL(err, LD_EINVAL, "expires: %s has already passed",
                       ld_date_format(in->expires_on, d));
    }
    if (in->file_name != NULL &&
        core_text_check("file_name", in->file_name, strlen(in->file_name), 0, err) != LD_OK)
        return LD_EINVAL;
    char sha[CORE_SHA256_HEX];
    core_sha256_hex(in->bytes, in->length, sha);
    static const char sql[] =
        "INSERT INTO document (borrower_id, application_id, loan_id, type, sha256, content_type, "
        "size, file_name, expires_on, uploaded_by, uploaded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, borrower);
    if (target->kind != CORE_DOC_ON_BORROWER)
        sqlite3_bind_int64(stmt, 2, target->application_id);
    if (target->kind == CORE_DOC_ON_LOAN)
        sqlite3_bind_int64(stmt, 3, target->loan_id);
    core_store_bind_text(stmt, 4, core_doc_type_name(in->type));
    core_store_bind_text(stmt, 5, sha);
    core_store_bind_text(stmt, 6, content_type);
    sqlite3_bind_int64(stmt, 7, (int64_t)in->length);
    if (in->file_name != NULL)
        core_store_bind_text(stmt, 8, in->file_name);
    if (in->has_expiry)
        sqlite3_bind_int64(stmt, 9, in->expires_on);
    sqlite3_bind_int64(stmt, 10, who->user_id);
    core_store_bind_text(stmt, 11, now);
    int64_t id = 0;
    bool stored = false;
    if ((st = core_store_run_write(store, stmt, "recording the document", &id, err)) != LD_OK ||
        (st = store_file(store, sha, in->bytes, in->length, &stored, err)) != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "id", id);
    core_json_put_int(o, "borrower_id", borrower);
    if (target->kind != CORE_DOC_ON_BORROWER)
        core_json_put_int(o, "application_id", target->application_id);
    if (target->kind == CORE_DOC_ON_LOAN)
        core_json_put_int(o, "loan_id", target->loan_id);
    cJSON_AddStringToObject(o, "type", core_doc_type_name(in->type));
    cJSON_AddStringToObject(o, "sha256", sha);
    cJSON_AddStringToObject(o, "content_type", content_type);
    core_json_put_int(o, "size", (int64_t)in->length);
    if (in->has_expiry)
        core_json_put_date(o, "expires", in->expires_on);
    st = core_audit_record_after(store, who, "doc.add", "document", id, o, err);
    if (st != LD_OK) {
        cJSON_Delete(o);
        return st;
    }
    cJSON_AddBoolToObject(o, "stored", stored);
    *out = o;
    return LD_OK;
}

/* The row of document id: its borrower, and a JSON of it. */
static ld_status read_document(core_store *store, int64_t id, int64_t *borrower, cJSON **out,
                               ld_error *err)
{
    static const char sql[] =
        "SELECT d.id, d.borrower_id, d.application_id, d.loan_id, d.type, d.sha256, "
        "d.content_type, d.size, d.file_name, d.expires_on, u.username, d.uploaded_at "
        "FROM document d JOIN app_user u ON u.id = d.uploaded_by WHERE d.id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        if (rc == SQLITE_DONE)
            return LD_FAIL(err, LD_ENOTFOUND, "document %lld not found", (long long)id);
        return core_store_fail(store, "reading the document", err);
    }
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "id", sqlite3_column_int64(stmt, 0));
    *borrower = sqlite3_column_int64(stmt, 1);
    core_json_put_int(o, "borrower_id", *borrower);
    if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
        core_json_put_int(o, "application_id", sqlite3_column_int64(stmt, 2));
    if (sqlite3_column_type(stmt, 3) != SQLITE_NULL)
        core_json_put_int(o, "loan_id", sqlite3_column_int64(stmt, 3));
    cJSON_AddStringToObject(o, "type", (const char *)sqlite3_column_text(stmt, 4));
    cJSON_AddStringToObject(o, "sha256", (const char *)sqlite3_column_text(stmt, 5));
    cJSON_AddStringToObject(o, "content_type", (const char *)sqlite3_column_text(stmt, 6));
    core_json_put_int(o, "size", sqlite3_column_int64(stmt, 7));
    if (sqlite3_column_type(stmt, 8) != SQLITE_NULL)
        cJSON_AddStringToObject(o, "file_name", (const char *)sqlite3_column_text(stmt, 8));
    if (sqlite3_column_type(stmt, 9) != SQLITE_NULL)
        core_json_put_date(o, "expires", (ld_date)sqlite3_column_int64(stmt, 9));
    cJSON_AddStringToObject(o, "uploaded_by", (const char *)sqlite3_column_text(stmt, 10));
    cJSON_AddStringToObject(o, "uploaded_at", (const char *)sqlite3_column_text(stmt, 11));
    sqlite3_reset(stmt);
    *out = o;
    return LD_OK;
}

ld_status core_document_check(core_store *store, const core_session *who, int64_t id,
                              bool authentic, bool legal, bool valid, const char *note, cJSON **out,
                              ld_error *err)
{
    ld_status st;
    int64_t borrower = 0;
    cJSON *doc = NULL;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_CUSTOMER_EDIT, NULL, err)) != LD_OK ||
        (st = read_document(store, id, &borrower, &doc, err)) != LD_OK)
        return st;
    cJSON_Delete(doc);
    if ((st = core_borrower_require(store, who, borrower, CORE_ACT_CUSTOMER_EDIT, err)) != LD_OK)
        return st;
    bool has_note = note != NULL && note[0] != '\0';
    if (has_note && core_text_check("note", note, strlen(note), CORE_TEXT_REASON, err) != LD_OK)
        return LD_EINVAL;
    if (has_note && strlen(note) > CORE_DOC_NOTE_MAX)
        return LD_FAIL(err, LD_EINVAL, "note: at most %d bytes", CORE_DOC_NOTE_MAX);
    if (!(authentic && legal && valid) && !has_note)
        return LD_FAIL(err, LD_EINVAL,
                       "note: a document that fails its check needs a note saying why");
    static const char sql[] = "INSERT INTO document_check (document_id, authentic, legal, valid, "
                              "note, checked_by, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_int(stmt, 2, authentic);
    sqlite3_bind_int(stmt, 3, legal);
    sqlite3_bind_int(stmt, 4, valid);
    if (has_note)
        core_store_bind_text(stmt, 5, note);
    sqlite3_bind_int64(stmt, 6, who->user_id);
    core_store_bind_text(stmt, 7, now);
    int64_t check_id = 0;
    if ((st = core_store_run_write(store, stmt, "recording the check", &check_id, err)) != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "id", id);
    core_json_put_int(o, "check_id", check_id);
    cJSON_AddBoolToObject(o, "authentic", authentic);
    cJSON_AddBoolToObject(o, "legal", legal);
    cJSON_AddBoolToObject(o, "valid", valid);
    cJSON_AddBoolToObject(o, "passed", authentic && legal && valid);
    if (has_note)
        cJSON_AddStringToObject(o, "note", note);
    st = core_audit_record_after(store, who, "doc.check", "document", id, o, err);
    if (st != LD_OK) {
        cJSON_Delete(o);
        return st;
    }
    *out = o;
    return LD_OK;
}

/* The checks of document id, oldest first. */
static ld_status read_checks(core_store *store, int64_t id, cJSON *into, ld_error *err)
{
    static const char sql[] =
        "SELECT c.id, c.authentic, c.legal, c.valid, c.note, u.username, c.checked_at "
        "FROM document_check c JOIN app_user u ON u.id = c.checked_by "
        "WHERE c.document_id = ? ORDER BY c.id";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    cJSON *list = cJSON_AddArrayToObject(into, "checks");
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *c = cJSON_CreateObject();
        core_json_put_int(c, "id", sqlite3_column_int64(stmt, 0));
        cJSON_AddBoolToObject(c, "authentic", sqlite3_column_int(stmt, 1));
        cJSON_AddBoolToObject(c, "legal", sqlite3_column_int(stmt, 2));
        cJSON_AddBoolToObject(c, "valid", sqlite3_column_int(stmt, 3));
        if (sqlite3_column_type(stmt, 4) != SQLITE_NULL)
            cJSON_AddStringToObject(c, "note", (const char *)sqlite3_column_text(stmt, 4));
        cJSON_AddStringToObject(c, "checked_by", (const char *)sqlite3_column_text(stmt, 5));
        cJSON_AddStringToObject(c, "checked_at", (const char *)sqlite3_column_text(stmt, 6));
        cJSON_AddItemToArray(list, c);
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "reading the checks", err);
}

ld_status core_document_show(core_store *store, const core_session *who, int64_t id, cJSON **out,
                             ld_error *err)
{
    ld_status st;
    int64_t borrower = 0;
    cJSON *doc = NULL;
    if ((st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err)) != LD_OK ||
        (st = read_document(store, id, &borrower, &doc, err)) != LD_OK)
        return st;
    if ((st = core_borrower_require(store, who, borrower, CORE_ACT_CUSTOMER_READ, err)) != LD_OK ||
        (st = read_checks(store, id, doc, err)) != LD_OK) {
        cJSON_Delete(doc);
        return st;
    }
    *out = doc;
    return LD_OK;
}

/* ---- Standing of a document and the checklist ------------------------------------ */

typedef enum doc_standing {
    DOC_MISSING,
    DOC_EXPIRED,
    DOC_FAILED,
    DOC_UNCHECKED,
    DOC_OK,
} doc_standing;

static const char *const standing_names[] = {"missing", "expired", "failed", "unchecked", "ok"};

/* The SQL of a document's standing on ?today: ok when its latest check passed
 * and it has not lapsed. Columns: id, standing (doc_standing), expires_on. */
#define STANDING_SQL                                                                               \
    "SELECT d.id, CASE"                                                                            \
    " WHEN d.expires_on IS NOT NULL AND d.expires_on < ?1 THEN 1"                                  \
    " WHEN c.id IS NULL THEN 3"                                                                    \
    " WHEN c.authentic = 1 AND c.legal = 1 AND c.valid = 1 THEN 4 ELSE 2 END, d.expires_on "       \
    "FROM document d LEFT JOIN document_check c ON c.id = (SELECT max(id) FROM document_check"     \
    " WHERE document_id = d.id) "

/* The best standing of a document of type that counts for application app_id
 * of borrower (its own, or the borrower's not attached to any application). */
static ld_status best_standing(core_store *store, int64_t app_id, int64_t borrower,
                               core_doc_type type, doc_standing *out, int64_t *doc_id,
                               ld_error *err)
{
    static const char sql[] =
        STANDING_SQL "WHERE d.borrower_id = ?2 AND d.type = ?3 AND (d.application_id = ?4 OR"
                     " (d.application_id IS NULL AND d.loan_id IS NULL))";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, core_store_today(store));
    sqlite3_bind_int64(stmt, 2, borrower);
    core_store_bind_text(stmt, 3, core_doc_type_name(type));
    sqlite3_bind_int64(stmt, 4, app_id);
    *out = DOC_MISSING;
    *doc_id = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        doc_standing s = (doc_standing)sqlite3_column_int(stmt, 1);
        if (*doc_id == 0 || s > *out) {
            *out = s;
            *doc_id = sqlite3_column_int64(stmt, 0);
        }
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "reading the documents", err);
}

ld_status core_document_gate(core_store *store, int64_t app_id, const char *product_code,
                             int64_t borrower_id, core_doc_stage stage, const char *verb,
                             ld_error *err)
{
    const core_product *product;
    ld_status st = core_product_get(store, "product", product_code, &product, err);
    if (st != LD_OK)
        return st;
    for (int i = 0; i < product->documents.count; i++) {
        const core_doc_requirement *r = &product->documents.items[i];
        if (r->stage == CORE_DOC_STAGE_NONE || r->stage > stage)
            continue;
        doc_standing s;
        int64_t doc = 0;
        if ((st = best_standing(store, app_id, borrower_id, (core_doc_type)r->type, &s, &doc,
                                err)) != LD_OK)
            return st;
        if (s == DOC_OK)
            continue;
        const char *name = core_doc_type_name((core_doc_type)r->type);
        const char *zh = core_doc_type_label_zh((core_doc_type)r->type);
        switch (s) {
        case DOC_MISSING:
            return LD_FAIL(err, LD_ESTATE,
                           "cannot %s application %lld: the required document %s (%s) is missing "
                           "(loandesk doc add)",
                           verb, (long long)app_id, name, zh);
        case DOC_UNCHECKED:
            return LD_FAIL(err, LD_ESTATE,
                           "cannot %s application %lld: the required document %s (%s), document "
                           "%lld, is not checked (loandesk doc check)",
                           verb, (long long)app_id, name, zh, (long long)doc);
        case DOC_FAILED:
            return LD_FAIL(err, LD_ESTATE,
                           "cannot %s application %lld: the required document %s (%s), document "
                           "%lld, failed its check",
                           verb, (long long)app_id, name, zh, (long long)doc);
        case DOC_EXPIRED:
            return LD_FAIL(err, LD_ESTATE,
                           "cannot %s application %lld: the required document %s (%s), document "
                           "%lld, has expired",
                           verb, (long long)app_id, name, zh, (long long)doc);
        case DOC_OK:
            break;
        }
    }
    return LD_OK;
}

/* Appends the documents the query (bound by the caller, STANDING_SQL form
 * with the document's columns read back by id) returns. */
static ld_status list_rows(core_store *store, sqlite3_stmt *stmt, cJSON *list, ld_error *err)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(stmt, 0), borrower = 0;
        doc_standing s = (doc_standing)sqlite3_column_int(stmt, 1);
        cJSON *doc = NULL;
        ld_status st = read_document(store, id, &borrower, &doc, err);
        if (st != LD_OK) {
            sqlite3_reset(stmt);
            return st;
        }
        cJSON_AddStringToObject(doc, "standing", standing_names[s]);
        cJSON_AddItemToArray(list, doc);
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "listing documents", err);
}

static ld_status checklist_standing(core_store *store, const core_application *app, cJSON *into,
                                    ld_error *err)
{
    const core_product *product;
    ld_status st = core_product_get(store, "product", app->product_code, &product, err);
    if (st != LD_OK)
        return st;
    cJSON *list = cJSON_AddArrayToObject(into, "checklist");
    for (int i = 0; i < product->documents.count; i++) {
        const core_doc_requirement *r = &product->documents.items[i];
        doc_standing s;
        int64_t doc = 0;
        if ((st = best_standing(store, app->id, app->borrower_id, (core_doc_type)r->type, &s, &doc,
                                err)) != LD_OK)
            return st;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "type", core_doc_type_name((core_doc_type)r->type));
        cJSON_AddStringToObject(c, "name_zh", core_doc_type_label_zh((core_doc_type)r->type));
        cJSON_AddStringToObject(c, "required", core_doc_stage_name((core_doc_stage)r->stage));
        cJSON_AddStringToObject(c, "belongs_to",
                                core_doc_type_on_borrower((core_doc_type)r->type) ? "borrower"
                                                                                  : "application");
        cJSON_AddStringToObject(c, "standing", standing_names[s]);
        if (doc != 0)
            core_json_put_int(c, "document_id", doc);
        cJSON_AddItemToArray(list, c);
    }
    return LD_OK;
}

ld_status core_document_list(core_store *store, const core_session *who,
                             const core_doc_target *target, cJSON **out, ld_error *err)
{
    ld_status st;
    int64_t borrower = 0;
    if ((st = resolve_target(store, who, target, CORE_ACT_CUSTOMER_READ, &borrower, err)) != LD_OK)
        return st;
    static const char by_borrower[] = STANDING_SQL "WHERE d.borrower_id = ?2 ORDER BY d.id";
    static const char by_app[] = STANDING_SQL
        "WHERE d.borrower_id = ?2 AND (d.application_id = ?3 OR (d.application_id IS NULL AND"
        " d.loan_id IS NULL)) ORDER BY d.id";
    static const char by_loan[] = STANDING_SQL "WHERE d.loan_id = ?3 ORDER BY d.id";
    const char *sql = target->kind == CORE_DOC_ON_BORROWER      ? by_borrower
                      : target->kind == CORE_DOC_ON_APPLICATION ? by_app
                                                                : by_loan;
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, core_store_today(store));
    sqlite3_bind_int64(stmt, 2, borrower);
    if (target->kind != CORE_DOC_ON_BORROWER)
        sqlite3_bind_int64(
            stmt, 3, target->kind == CORE_DOC_ON_LOAN ? target->loan_id : target->application_id);
    cJSON *o = cJSON_CreateObject();
    core_json_put_int(o, "borrower_id", borrower);
    cJSON *list = cJSON_AddArrayToObject(o, "documents");
    if ((st = list_rows(store, stmt, list, err)) != LD_OK) {
        cJSON_Delete(o);
        return st;
    }
    if (target->kind == CORE_DOC_ON_APPLICATION) {
        core_application app;
        if ((st = core_application_get(store, target->application_id, &app, err)) != LD_OK ||
            (st = checklist_standing(store, &app, o, err)) != LD_OK) {
            cJSON_Delete(o);
            return st;
        }
        core_json_put_int(o, "application_id", app.id);
    }
    *out = o;
    return LD_OK;
}

ld_status core_document_expiring(core_store *store, const core_session *who, int days, cJSON **out,
                                 ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err);
    if (st != LD_OK)
        return st;
    if (days < 0 || days > 3660)
        return LD_FAIL(err, LD_EINVAL, "days: must be 0 to 3660");
    core_sql q;
    core_sql_init(&q);
    core_sql_add_int(&q,
                     "SELECT d.id, d.expires_on - ?, d.expires_on FROM document d JOIN borrower b"
                     " ON b.id = d.borrower_id WHERE d.expires_on IS NOT NULL",
                     core_store_today(store));
    core_sql_add_int(&q, " AND d.expires_on <= ?", core_store_today(store) + days);
    core_sql_add_customer_scope(&q, who, false);
    core_sql_add(&q, " ORDER BY d.expires_on, d.id LIMIT 1000");
    sqlite3_stmt *stmt = NULL;
    if ((st = core_sql_prepare(store, &q, &stmt, err)) != LD_OK)
        return st;
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(stmt, 0), borrower = 0;
        int64_t left = sqlite3_column_int64(stmt, 1);
        cJSON *doc = NULL;
        if ((st = read_document(store, id, &borrower, &doc, err)) != LD_OK)
            break;
        core_json_put_int(doc, "days_left", left);
        cJSON_AddBoolToObject(doc, "lapsed", left < 0);
        cJSON_AddItemToArray(list, doc);
    }
    sqlite3_finalize(stmt);
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "listing expiring documents", err);
    if (st != LD_OK) {
        cJSON_Delete(list);
        return st;
    }
    *out = list;
    return LD_OK;
}

/* The SHA-256 of the file at path, streamed; false when it cannot be read. */
static bool hash_file(const char *path, char hex[CORE_SHA256_HEX], int64_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    unsigned char *buf = malloc(CORE_DOC_MAX_BYTES + 1);
    bool ok = buf != NULL;
    size_t n = ok ? fread(buf, 1, CORE_DOC_MAX_BYTES + 1, f) : 0;
    ok = ok && !ferror(f);
    fclose(f);
    if (ok) {
        core_sha256_hex(buf, n, hex);
        *size = (int64_t)n;
    }
    free(buf);
    return ok;
}

ld_status core_document_verify(core_store *store, const core_session *who, cJSON **out,
                               ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err);
    if (st != LD_OK)
        return st;
    static const char sql[] = "SELECT sha256, count(*), min(id), max(size) FROM document "
                              "GROUP BY sha256 ORDER BY min(id)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    cJSON *o = cJSON_CreateObject();
    cJSON *problems = cJSON_CreateArray();
    int64_t files = 0, documents = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *sha = (const char *)sqlite3_column_text(stmt, 0);
        char path[4200], hex[CORE_SHA256_HEX];
        int64_t size = 0;
        files++;
        documents += sqlite3_column_int64(stmt, 1);
        if ((st = file_path(store, sha, path, sizeof path, err)) != LD_OK)
            break;
        const char *problem = NULL;
        if (!hash_file(path, hex, &size))
            problem = "missing";
        else if (strcmp(hex, sha) != 0)
            problem = "changed";
        if (problem != NULL) {
            cJSON *p = cJSON_CreateObject();
            cJSON_AddStringToObject(p, "sha256", sha);
            core_json_put_int(p, "document_id", sqlite3_column_int64(stmt, 2));
            cJSON_AddStringToObject(p, "problem", problem);
            cJSON_AddItemToArray(problems, p);
        }
    }
    sqlite3_reset(stmt);
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "reading the archive", err);
    if (st != LD_OK) {
        cJSON_Delete(o);
        cJSON_Delete(problems);
        return st;
    }
    core_json_put_int(o, "files", files);
    core_json_put_int(o, "documents", documents);
    cJSON_AddBoolToObject(o, "ok", cJSON_GetArraySize(problems) == 0);
    cJSON_AddItemToObject(o, "problems", problems);
    *out = o;
    return LD_OK;
}

ld_status core_document_export(core_store *store, const core_session *who, const char *dir,
                               cJSON **out, ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err);
    if (st != LD_OK)
        return st;
    char into[4096];
    int n = snprintf(into, sizeof into, "%s/documents", dir);
    if (n < 0 || (size_t)n >= sizeof into)
        return LD_FAIL(err, LD_EINVAL, "dir: too long");
    if ((st = core_private_dir_create(dir, err)) != LD_OK ||
        (st = core_private_dir_create(into, err)) != LD_OK)
        return st;
    static const char sql[] = "SELECT DISTINCT sha256 FROM document ORDER BY sha256";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    int64_t files = 0;
    int rc;
    unsigned char *buf = NULL;
    while (st == LD_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *sha = (const char *)sqlite3_column_text(stmt, 0);
        char from[4200], to[4200];
        if ((st = file_path(store, sha, from, sizeof from, err)) != LD_OK)
            break;
        snprintf(to, sizeof to, "%s/%s", into, sha);
        FILE *f = fopen(from, "rb");
        if (f == NULL) {
            st = LD_FAIL(err, LD_EVERIFY, "the archive has no file %s (doc verify)", sha);
            break;
        }
        if (buf == NULL && (buf = malloc(CORE_DOC_MAX_BYTES + 1)) == NULL) {
            fclose(f);
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
            break;
        }
        size_t len = fread(buf, 1, CORE_DOC_MAX_BYTES + 1, f);
        fclose(f);
        char hex[CORE_SHA256_HEX];
        core_sha256_hex(buf, len, hex);
        if (strcmp(hex, sha) != 0) {
            st = LD_FAIL(err, LD_EVERIFY, "the archived file %s has changed (doc verify)", sha);
            break;
        }
        FILE *w = NULL;
        if ((st = core_private_file_create(to, &w, err)) != LD_OK)
            break;
        bool ok = fwrite(buf, 1, len, w) == len;
        if (fclose(w) != 0 || !ok)
            st = LD_FAIL(err, LD_EINTERNAL, "writing %s", to);
        files++;
    }
    free(buf);
    sqlite3_reset(stmt);
    if (st != LD_OK)
        return st;
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading the archive", err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "dir", into);
    core_json_put_int(o, "files", files);
    *out = o;
    return LD_OK;
}
