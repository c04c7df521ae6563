/*
 * test_archive_export.c - offline verification of the customer archive's copy
 * in a ledger export (`ledger export --archive`, then `ledger verify
 * --offline`): every archived file is checked against the SHA-256 the log
 * recorded for its document, so a changed, swapped in, missing or stray file
 * is exit 6 naming it, while the untouched export verifies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_fixture.h"
#include "api_int.h"
#include "check.h"
#include "loandesk/care.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"
#include "store_sql.h"

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"

static char dir[256], db_path[300], ca_path[300], export_dir[400];
static char sha[2][65];
static ld_api *api;
static ld_session *s_admin, *s_off, *s_aud;

static void world_close(void)
{
    ld_session_free(s_admin);
    ld_session_free(s_off);
    ld_session_free(s_aud);
    ld_api_close(api);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        afx_die("writing a file", NULL);
}

/* A book with one borrower holding two archived PDFs, and its export with
 * the archive's copy. */
static void world(void)
{
    if (api != NULL)
        return;
    api = afx_book_new("archive-export", ADMIN_PASSWORD, dir, sizeof dir, db_path, sizeof db_path);
    s_admin = afx_login(api, "admin", ADMIN_PASSWORD);
    afx_user_add(s_admin, "off1", "officer", USER_PASSWORD);
    afx_user_add(s_admin, "aud", "auditor", USER_PASSWORD);
    ld_error err;
    /* Passwords as their owners set them, so that nobody must change one. */
    afx_passwords_replaced(api);
    s_off = afx_login(api, "off1", USER_PASSWORD);
    s_aud = afx_login(api, "aud", USER_PASSWORD);
    atexit(world_close);
    afx_ca_file(s_aud, dir, ca_path, sizeof ca_path);
    cJSON *b = cJSON_Parse("{\"kind\": \"individual\", \"name\": \"Zhao Liu\", \"id_number\": "
                           "\"11010519800301001X\", \"phone\": \"13800138000\", \"address\": \"9 "
                           "Ring Rd\", \"employer\": \"Acme\", \"years_employed\": 8, "
                           "\"monthly_income\": \"60000.00\", \"existing_debt\": \"0.00\"}");
    cJSON *out = NULL;
    if (ld_borrower_add(s_off, b, &out, &err) != LD_OK)
        afx_die("borrower", &err);
    cJSON_Delete(b);
    int64_t borrower = (int64_t)cJSON_GetObjectItemCaseSensitive(out, "id")->valuedouble;
    cJSON_Delete(out);
    static const char *const types[] = {"id_card", "income_proof"};
    for (int i = 0; i < 2; i++) {
        char path[400], text[100];
        snprintf(path, sizeof path, "%s/paper%d.pdf", dir, i);
        int n = snprintf(text, sizeof text, "%%PDF-1.7\n%%paper %d\n", i);
        write_file(path, text, (size_t)n);
        ld_document_spec d = {"borrower", borrower, types[i], path, NULL, NULL};
        if (ld_document_add(s_off, &d, &out, &err) != LD_OK)
            afx_die("document", &err);
        snprintf(sha[i], sizeof sha[i], "%s",
                 cJSON_GetObjectItemCaseSensitive(out, "sha256")->valuestring);
        cJSON_Delete(out);
    }
    snprintf(export_dir, sizeof export_dir, "%s/export", dir);
    if (ld_ledger_export(s_aud, export_dir, &out, &err) != LD_OK)
        afx_die("export", &err);
    cJSON_Delete(out);
    if (ld_document_export(s_aud, export_dir, &out, &err) != LD_OK)
        afx_die("archive export", &err);
    cJSON_Delete(out);
}

static void copy_export(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, name);
    char cmd[1000];
    snprintf(cmd, sizeof cmd, "rm -rf %s && cp -r %s %s", out, export_dir, out);
    if (system(cmd) != 0)
        afx_die("copying the export", NULL);
}

static ld_status verify(const char *path, cJSON **out, ld_error *err)
{
    ld_trust_anchor anchor = {.ca_file = ca_path};
    *out = NULL;
    return ld_ledger_verify_export(path, &anchor, out, err);
}

static void the_untouched_copy_verifies_file_by_file(void)
{
    world();
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(verify(export_dir, &out, &err), LD_OK);
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(out, "documents");
    CHECK(cJSON_IsNumber(files) && files->valueint == 2);
    cJSON_Delete(out);
}

static void a_changed_file_is_named(void)
{
    world();
    char e[500], path[700];
    copy_export("changed", e, sizeof e);
    snprintf(path, sizeof path, "%s/documents/%s", e, sha[0]);
    write_file(path, "%PDF-1.7\n%forged\n", 17);
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(verify(e, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, sha[0]);
    CHECK_CONTAINS(err.message, "was changed");
    cJSON_Delete(out);
}

static void a_missing_file_names_its_document(void)
{
    world();
    char e[500], path[700];
    copy_export("missing", e, sizeof e);
    snprintf(path, sizeof path, "%s/documents/%s", e, sha[1]);
    CHECK_INT(unlink(path), 0);
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(verify(e, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, sha[1]);
    CHECK_CONTAINS(err.message, "missing from the export");
    CHECK_CONTAINS(err.message, "paper1.pdf");
    cJSON_Delete(out);
}

/* A file the log never recorded, even one named by its own true hash. */
static void a_stray_file_is_named(void)
{
    world();
    char e[500], path[800];
    copy_export("stray", e, sizeof e);
    static const char text[] = "%PDF-1.7\n%slipped in\n";
    char hex[65];
    /* Named by its true SHA-256, so only the log can tell it was never
     * archived. */
    snprintf(path, sizeof path, "%s/stray.pdf", dir);
    write_file(path, text, sizeof text - 1);
    char cmd[900];
    snprintf(cmd, sizeof cmd, "sha256sum %s", path);
    FILE *s = popen(cmd, "r");
    CHECK(s != NULL && fgets(hex, sizeof hex, s) != NULL);
    if (s != NULL)
        pclose(s);
    snprintf(path, sizeof path, "%s/documents/%s", e, hex);
    write_file(path, text, sizeof text - 1);
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(verify(e, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, hex);
    CHECK_CONTAINS(err.message, "never recorded");
    cJSON_Delete(out);
}

/* One recorded file put in the other's place: its name is a recorded hash,
 * its content is not that hash. */
static void a_swapped_file_is_named(void)
{
    world();
    char e[500], a[700], b[700];
    copy_export("swapped", e, sizeof e);
    snprintf(a, sizeof a, "%s/documents/%s", e, sha[0]);
    snprintf(b, sizeof b, "%s/documents/%s", e, sha[1]);
    char cmd[1500];
    snprintf(cmd, sizeof cmd, "cp %s %s", b, a);
    CHECK_INT(system(cmd), 0);
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(verify(e, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, sha[0]);
    cJSON_Delete(out);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"the_untouched_copy_verifies_file_by_file", the_untouched_copy_verifies_file_by_file},
        {"a_changed_file_is_named", a_changed_file_is_named},
        {"a_missing_file_names_its_document", a_missing_file_names_its_document},
        {"a_stray_file_is_named", a_stray_file_is_named},
        {"a_swapped_file_is_named", a_swapped_file_is_named},
    };
    return CHECK_RUN(argc, argv, cases);
}
