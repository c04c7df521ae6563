/*
 * doc_fixture.c - the checklist's documents for tests (doc_fixture.h).
 */
#include "doc_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "application.h"
#include "document.h"
#include "policy.h"
#include "store_sql.h"

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "setup: %s: %s\n", what, err != NULL ? err->message : "failed");
    exit(99);
}

/* An in-memory book: the rows a file-backed one would get. */
static void add_rows(core_store *store, const core_session *officer, int64_t borrower,
                     int64_t app_id, core_doc_type type)
{
    char app[32], sql[640];
    if (core_doc_type_on_borrower(type))
        snprintf(app, sizeof app, "NULL");
    else
        snprintf(app, sizeof app, "%lld", (long long)app_id);
    snprintf(sql, sizeof sql,
             "INSERT INTO document (borrower_id, application_id, type, sha256, content_type, "
             "size, uploaded_by, uploaded_at) VALUES (%lld, %s, '%s', "
             "'0000000000000000000000000000000000000000000000000000000000000000', "
             "'application/pdf', 9, %lld, '2026-06-15T09:00:00Z');"
             "INSERT INTO document_check (document_id, authentic, legal, valid, checked_by, "
             "checked_at) VALUES (last_insert_rowid(), 1, 1, 1, %lld, '2026-06-15T09:00:00Z')",
             (long long)borrower, app, core_doc_type_name(type), (long long)officer->user_id,
             (long long)officer->user_id);
    ld_error err;
    if (core_store_exec(store, sql, &err) != LD_OK)
        die("document rows", &err);
}

void dfx_complete(core_store *store, const core_session *officer, int64_t app_id)
{
    static const unsigned char pdf[] = "%PDF-1.4\n%fixture\n";
    ld_error err;
    bool own = !core_store_in_transaction(store);
    if (own && core_store_begin(store, &err) != LD_OK)
        die("begin", &err);
    core_application app;
    const core_product *product;
    if (core_application_get(store, app_id, &app, &err) != LD_OK ||
        core_product_get(store, "product", app.product_code, &product, &err) != LD_OK)
        die("the application's product", &err);
    char dir[4096];
    bool archive = core_document_store_dir(store, dir, sizeof dir, &err) == LD_OK;
    for (int i = 0; i < product->documents.count; i++) {
        const core_doc_requirement *r = &product->documents.items[i];
        if (r->stage == CORE_DOC_STAGE_NONE)
            continue;
        core_doc_type type = (core_doc_type)r->type;
        if (!archive) {
            add_rows(store, officer, app.borrower_id, app_id, type);
            continue;
        }
        core_doc_target target = {.kind = core_doc_type_on_borrower(type) ? CORE_DOC_ON_BORROWER
                                                                          : CORE_DOC_ON_APPLICATION,
                                  .borrower_id = app.borrower_id,
                                  .application_id = app_id};
        core_doc_input in = {.type = type, .bytes = pdf, .length = sizeof pdf - 1};
        cJSON *out = NULL;
        if (core_document_add(store, officer, &target, &in, &out, &err) != LD_OK)
            die("adding a document", &err);
        int64_t id = (int64_t)cJSON_GetObjectItemCaseSensitive(out, "id")->valuedouble;
        cJSON_Delete(out);
        out = NULL;
        if (core_document_check(store, officer, id, true, true, true, NULL, &out, &err) != LD_OK)
            die("checking a document", &err);
        cJSON_Delete(out);
    }
    if (own && core_store_commit(store, &err) != LD_OK)
        die("commit", &err);
}
