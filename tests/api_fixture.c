/*
 * api_fixture.c - the shared setup of the operations API's tests
 * (api_fixture.h).
 */
#include "api_fixture.h"

#include <sqlite3.h>

#include "api_int.h"
#include "store_sql.h"

#include "loandesk/admin.h"
#include "loandesk/care.h"
#include "loandesk/servicing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOANDESK_SOURCE_DIR
#error "LOANDESK_SOURCE_DIR must name the source tree (policy files)"
#endif

static int64_t fixed_wall(void *context)
{
    (void)context;
    return 1781514000; /* 2026-06-15T09:00:00Z */
}

const ld_clock afx_clock = {.business_date = AFX_TODAY, .wall_now = fixed_wall};

void afx_die(const char *what, const ld_error *err)
{
    fprintf(stderr, "setup: %s: %s\n", what, err != NULL ? err->message : "");
    exit(99);
}

ld_api *afx_book_new(const char *name, const char *admin_password, char *dir_out, size_t dir_size,
                     char *db_out, size_t db_size)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir_out, dir_size, "%s/loandesk-%s.XXXXXX", tmp != NULL ? tmp : "/tmp", name);
    if (mkdtemp(dir_out) == NULL)
        afx_die("mkdtemp", NULL);
    snprintf(db_out, db_size, "%s/loandesk.db", dir_out);
    ld_init_spec spec = {.admin_username = "admin",
                         .admin_full_name = "Administrator",
                         .admin_password = admin_password,
                         .institution = "Test Bank",
                         .policy_path = LOANDESK_SOURCE_DIR "/policy/default.json",
                         .products_path = LOANDESK_SOURCE_DIR "/policy/products.json",
                         .ca_passphrase = AFX_CA_PASSPHRASE};
    ld_error err;
    ld_api *api = NULL;
    cJSON *out = NULL;
    if (ld_api_init(db_out, &afx_clock, &spec, &api, &out, &err) != LD_OK)
        afx_die("init", &err);
    cJSON_Delete(out);
    return api;
}

ld_session *afx_login(ld_api *api, const char *username, const char *password)
{
    ld_error err;
    ld_session *s = NULL;
    if (ld_session_login(api, username, password, &s, &err) != LD_OK)
        afx_die(username, &err);
    return s;
}

void afx_ca_file(ld_session *session, const char *dir, char *out, size_t size)
{
    ld_error err;
    cJSON *o = NULL;
    if (ld_pki_ca_cert(session, &o, &err) != LD_OK)
        afx_die("CA certificate", &err);
    snprintf(out, size, "%s/ca.pem", dir);
    FILE *f = fopen(out, "w");
    if (f == NULL)
        afx_die("writing ca.pem", NULL);
    fputs(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "pem")), f);
    fclose(f);
    cJSON_Delete(o);
}

void afx_documents(ld_session *officer, int64_t app_id)
{
    static char pdf[300];
    if (pdf[0] == '\0') {
        const char *tmp = getenv("TMPDIR");
        snprintf(pdf, sizeof pdf, "%s/loandesk-afx-%ld.pdf", tmp != NULL ? tmp : "/tmp",
                 (long)getpid());
        FILE *f = fopen(pdf, "wb");
        if (f == NULL || fputs("%PDF-1.4\n%fixture document\n", f) < 0 || fclose(f) != 0)
            afx_die("writing the fixture's PDF", NULL);
    }
    ld_error err;
    cJSON *list = NULL;
    if (ld_document_list(officer, "application", app_id, &list, &err) != LD_OK)
        afx_die("the application's checklist", &err);
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(list, "checklist"))
    {
        const char *type = cJSON_GetObjectItemCaseSensitive(item, "type")->valuestring;
        const char *required = cJSON_GetObjectItemCaseSensitive(item, "required")->valuestring;
        const char *standing = cJSON_GetObjectItemCaseSensitive(item, "standing")->valuestring;
        if (strcmp(required, "none") == 0 || strcmp(standing, "ok") == 0)
            continue;
        bool own = strcmp(cJSON_GetObjectItemCaseSensitive(item, "belongs_to")->valuestring,
                          "borrower") == 0;
        ld_document_spec spec = {.target = own ? "borrower" : "application",
                                 .target_id = app_id,
                                 .type = type,
                                 .path = pdf};
        if (own)
            spec.target_id =
                (int64_t)cJSON_GetObjectItemCaseSensitive(list, "borrower_id")->valuedouble;
        cJSON *out = NULL;
        if (ld_document_add(officer, &spec, &out, &err) != LD_OK)
            afx_die("adding a document", &err);
        int64_t id = (int64_t)cJSON_GetObjectItemCaseSensitive(out, "id")->valuedouble;
        cJSON_Delete(out);
        out = NULL;
        if (ld_document_check(officer, id, true, true, true, NULL, &out, &err) != LD_OK)
            afx_die("checking a document", &err);
        cJSON_Delete(out);
    }
    cJSON_Delete(list);
}

cJSON *afx_demo_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, LOANDESK_SOURCE_DIR "/scripts/demo/%s", name);
    cJSON *doc = NULL;
    ld_error err;
    if (ld_json_read_file(path, &doc, &err) != LD_OK)
        afx_die(name, &err);
    return doc;
}

void afx_user_add(ld_session *admin, const char *name, const char *role, const char *password)
{
    ld_error err;
    cJSON *out = NULL;
    ld_user_spec spec = {.username = name, .full_name = name, .role = role, .password = password};
    if (ld_user_add(admin, &spec, AFX_CA_PASSPHRASE, &out, &err) != LD_OK)
        afx_die("adding a user", &err);
    cJSON_Delete(out);
}

void afx_passwords_replaced(ld_api *api)
{
    ld_error err;
    if (core_store_begin(api->store, &err) != LD_OK)
        afx_die("dating the passwords", &err);
    if (sqlite3_exec(core_store_db(api->store),
                     "UPDATE app_user SET password_changed_on = '" AFX_TODAY "'", NULL, NULL,
                     NULL) != SQLITE_OK)
        afx_die("dating the passwords", NULL);
    if (api_seal(api, NULL, &err) != LD_OK || core_store_commit(api->store, &err) != LD_OK)
        afx_die("dating the passwords", &err);
}
