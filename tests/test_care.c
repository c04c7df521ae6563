/*
 * test_care.c - the customer archive through the operations API
 * (loandesk/care.h): each gate (submission, approval, disbursement) refused
 * while a required document is missing, unchecked, failed or lapsed, naming
 * it; files stored once by content; content types judged by their bytes; the
 * auditor's verification catching a changed or missing file (exit 6); the
 * list of documents about to lapse; who may add, check and read; and the
 * ledger verifying with the archive's rows in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_fixture.h"
#include "api_int.h"
#include "check.h"
#include "digest.h"
#include "document.h"
#include "ident.h"
#include "loandesk/care.h"
#include "money.h"
#include "loandesk/origination.h"
#include "loandesk/reports.h"
#include "loandesk/servicing.h"
#include "store_sql.h"
#include "user.h"

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"
#define TODAY          AFX_TODAY

static char dir[256], db_path[300], ca_path[300];
static ld_api *api;
static ld_session *s_admin, *s_off1, *s_off2, *s_rev1, *s_mgr, *s_aud;
static int serial;

static void add_user(const char *name, core_role role)
{
    ld_error err;
    core_user_spec spec = {name, name, role, -1, USER_PASSWORD};
    int64_t id;
    if (core_user_add(api->store, &s_admin->who, &spec, &id, &err) != LD_OK)
        afx_die("adding a user", &err);
}

static void world_close(void)
{
    ld_session *all[] = {s_admin, s_off1, s_off2, s_rev1, s_mgr, s_aud};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ld_session_free(all[i]);
    ld_api_close(api);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void world(void)
{
    if (api != NULL)
        return;
    api = afx_book_new("care", ADMIN_PASSWORD, dir, sizeof dir, db_path, sizeof db_path);
    ld_error err;
    s_admin = afx_login(api, "admin", ADMIN_PASSWORD);
    if (core_store_begin(api->store, &err) != LD_OK)
        afx_die("begin", &err);
    add_user("off1", CORE_ROLE_OFFICER);
    add_user("off2", CORE_ROLE_OFFICER);
    add_user("rev1", CORE_ROLE_REVIEWER);
    add_user("mgr", CORE_ROLE_MANAGER);
    add_user("aud", CORE_ROLE_AUDITOR);
    if (sqlite3_exec(core_store_db(api->store),
                     "UPDATE app_user SET password_changed_on = '" TODAY "'", NULL, NULL,
                     NULL) != SQLITE_OK ||
        core_store_commit(api->store, &err) != LD_OK)
        afx_die("dating the passwords", &err);
    s_off1 = afx_login(api, "off1", USER_PASSWORD);
    s_off2 = afx_login(api, "off2", USER_PASSWORD);
    s_rev1 = afx_login(api, "rev1", USER_PASSWORD);
    s_mgr = afx_login(api, "mgr", USER_PASSWORD);
    s_aud = afx_login(api, "aud", USER_PASSWORD);
    afx_ca_file(s_aud, dir, ca_path, sizeof ca_path);
    atexit(world_close);
}

static int64_t id_of(cJSON *o)
{
    int64_t id = (int64_t)cJSON_GetObjectItemCaseSensitive(o, "id")->valuedouble;
    cJSON_Delete(o);
    return id;
}

/* A file in the test's folder holding text (len bytes). */
static const char *file_with(const char *name, const char *text, size_t len)
{
    static char path[8][400];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, 400, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        afx_die("writing a file", NULL);
    return p;
}

static const char *pdf(const char *name, const char *tag)
{
    char text[200];
    int n = snprintf(text, sizeof text, "%%PDF-1.7\n%%%s\n", tag);
    return file_with(name, text, (size_t)n);
}

/* A new customer of officer with a draft of product (with its
 * investigation); *borrower_out gets the customer. */
static int64_t draft(ld_session *officer, const char *product, const char *amount,
                     int64_t *borrower_out)
{
    ld_error err;
    char first17[18], id[19];
    snprintf(first17, sizeof first17, "11010519800301%03d", ++serial);
    memcpy(id, first17, 17);
    id[17] = core_resident_id_check_char(first17);
    id[18] = '\0';
    cJSON *b = cJSON_Parse("{\"kind\": \"individual\", \"name\": \"Zhao Liu\", \"phone\": "
                           "\"13800138000\", \"address\": \"9 Ring Rd\", \"employer\": \"Acme\", "
                           "\"years_employed\": 8, \"monthly_income\": \"60000.00\", "
                           "\"existing_debt\": \"0.00\"}");
    cJSON_AddStringToObject(b, "id_number", id);
    cJSON *out = NULL;
    if (ld_borrower_add(officer, b, &out, &err) != LD_OK)
        afx_die("borrower", &err);
    cJSON_Delete(b);
    int64_t borrower = id_of(out);
    char json[640];
    snprintf(json, sizeof json,
             "{\"borrower_id\": %lld, \"product\": \"%s\", \"amount\": \"%s\", "
             "\"term_months\": 24, \"method\": \"annuity\", \"purpose\": \"shop fit-out\", "
             "\"investigation\": {\"site_visit_date\": \"2025-12-20\", \"operations\": \"ok\", "
             "\"assets_liabilities\": \"ok\", \"repayment_capacity\": \"ok\", \"conclusion\": "
             "\"ok\"}}",
             (long long)borrower, product, amount);
    cJSON *a = cJSON_Parse(json);
    if (ld_application_create(officer, a, &out, &err) != LD_OK)
        afx_die("application", &err);
    cJSON_Delete(a);
    *borrower_out = borrower;
    return id_of(out);
}

static int64_t add_doc(ld_session *s, const char *target, int64_t id, const char *type,
                       const char *path, const char *expires)
{
    ld_document_spec d = {target, id, type, path, expires, NULL};
    ld_error err;
    cJSON *out = NULL;
    ld_status st = ld_document_add(s, &d, &out, &err);
    if (st != LD_OK) {
        fprintf(stderr, "doc add: %s\n", err.message);
        CHECK_INT(st, LD_OK);
        return 0;
    }
    return id_of(out);
}

static void pass(ld_session *s, int64_t doc)
{
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_document_check(s, doc, true, true, true, NULL, &out, &err), LD_OK);
    cJSON_Delete(out);
}

static int files_in_archive(void)
{
    char path[400];
    snprintf(path, sizeof path, "%s.documents", db_path);
    char cmd[500];
    snprintf(cmd, sizeof cmd, "ls %s | wc -l", path);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p != NULL) {
        char line[32];
        if (fgets(line, sizeof line, p) != NULL)
            n = (int)strtol(line, NULL, 10);
        pclose(p);
    }
    return n;
}

#define EXPECT_ERR(call, code, text)                                                               \
    do {                                                                                           \
        ld_status st_ = (call);                                                                    \
        CHECK_INT(st_, (code));                                                                    \
        if (st_ != LD_OK)                                                                          \
            CHECK_CONTAINS(err.message, (text));                                                   \
    } while (0)

/* Submission, approval and disbursement of a PBL application (ID card and
 * business licence by submission, bank statements by approval, the signed
 * contract by disbursement), each refused until its documents are in and
 * passed. */
static void each_gate_refuses_a_missing_or_unchecked_document(void)
{
    world();
    ld_error err;
    cJSON *out = NULL;
    int64_t borrower = 0;
    int64_t app = draft(s_off1, "PBL", "200000.00", &borrower);
    EXPECT_ERR(ld_application_submit(s_off1, app, &out, &err), LD_ESTATE,
               "the required document id_card (身份证) is missing");
    int64_t id_card =
        add_doc(s_off1, "borrower", borrower, "id_card", pdf("id.pdf", "id"), "2031-01-01");
    EXPECT_ERR(ld_application_submit(s_off1, app, &out, &err), LD_ESTATE, "is not checked");
    CHECK_INT(ld_document_check(s_off1, id_card, true, false, true, NULL, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "note");
    CHECK_INT(
        ld_document_check(s_off1, id_card, true, true, false, "photo does not match", &out, &err),
        LD_OK);
    cJSON_Delete(out);
    out = NULL;
    EXPECT_ERR(ld_application_submit(s_off1, app, &out, &err), LD_ESTATE, "failed its check");
    pass(s_off1, id_card); /* checked again, with the original in hand */
    EXPECT_ERR(ld_application_submit(s_off1, app, &out, &err), LD_ESTATE,
               "business_licence (营业执照) is missing");
    pass(s_off1, add_doc(s_off1, "borrower", borrower, "business_licence",
                         pdf("licence.pdf", "licence"), NULL));
    CHECK_INT(ld_application_submit(s_off1, app, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    CHECK_INT(ld_application_rate(s_rev1, app, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    ld_approval terms = {.reason = "documents test"};
    EXPECT_ERR(ld_application_approve(s_mgr, app, &terms, &out, &err), LD_ESTATE,
               "cannot approve application");
    CHECK_CONTAINS(err.message, "bank_statements");
    int64_t statements =
        add_doc(s_off1, "application", app, "bank_statements", pdf("bank.pdf", "bank"), NULL);
    EXPECT_ERR(ld_application_approve(s_mgr, app, &terms, &out, &err), LD_ESTATE, "is not checked");
    pass(s_off1, statements);
    CHECK_INT(ld_application_approve(s_mgr, app, &terms, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    EXPECT_ERR(ld_loan_disburse(s_mgr, app, TODAY, NULL, &out, &err), LD_ESTATE,
               "signed_contract (借款合同) is missing");
    int64_t contract =
        add_doc(s_off1, "application", app, "signed_contract", pdf("contract.pdf", "c"), NULL);
    EXPECT_ERR(ld_loan_disburse(s_mgr, app, TODAY, NULL, &out, &err), LD_ESTATE, "not checked");
    pass(s_off1, contract);
    CHECK_INT(ld_loan_disburse(s_mgr, app, TODAY, NULL, &out, &err), LD_OK);
    int64_t loan = id_of(out);
    out = NULL;
    /* The loan's own papers (a later valuation) hang on the loan. */
    add_doc(s_off1, "loan", loan, "valuation_report", pdf("value.pdf", "v"), NULL);
    CHECK_INT(ld_document_list(s_rev1, "loan", loan, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "documents")), 1);
    cJSON_Delete(out);
    out = NULL;
    /* The application's checklist, item by item. */
    CHECK_INT(ld_document_list(s_off1, "application", app, &out, &err), LD_OK);
    const cJSON *item;
    int ok = 0;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(out, "checklist"))
    {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(item, "standing")->valuestring, "ok") == 0)
            ok++;
    }
    CHECK_INT(ok, 4);
    cJSON_Delete(out);
    /* Every document and check is in the ledger, which still verifies. */
    ld_trust_anchor anchor = {.ca_file = ca_path};
    out = NULL;
    CHECK_INT(ld_ledger_verify(s_aud, &anchor, &out, &err), LD_OK);
    cJSON_Delete(out);
}

/* A lapsed ID card no longer meets the checklist. */
static void a_lapsed_document_meets_no_gate(void)
{
    world();
    ld_error err;
    cJSON *out = NULL;
    int64_t borrower = 0;
    int64_t app = draft(s_off1, "PCL", "50000.00", &borrower);
    ld_document_spec lapsed = {"borrower",   borrower, "id_card", pdf("old.pdf", "old"),
                               "2026-06-14", NULL};
    EXPECT_ERR(ld_document_add(s_off1, &lapsed, &out, &err), LD_EINVAL,
               "expires: 2026-06-14 has already passed");
    /* Recorded while valid, lapsed since: the store's own date moves on. */
    int64_t card =
        add_doc(s_off1, "borrower", borrower, "id_card", pdf("card.pdf", "card"), "2026-06-20");
    pass(s_off1, card);
    CHECK_INT(ld_document_expiring(s_off1, 10, &out, &err), LD_OK);
    bool listed = false;
    const cJSON *d;
    cJSON_ArrayForEach(d, out)
    {
        if ((int64_t)cJSON_GetObjectItemCaseSensitive(d, "id")->valuedouble == card) {
            listed = true;
            CHECK_INT((int64_t)cJSON_GetObjectItemCaseSensitive(d, "days_left")->valuedouble, 5);
        }
    }
    CHECK(listed);
    cJSON_Delete(out);
    out = NULL;
    /* Another officer's list does not show it. */
    CHECK_INT(ld_document_expiring(s_off2, 10, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(out), 0);
    cJSON_Delete(out);
    out = NULL;
    /* Ten days on, as the store would see it: the card lapsed five days ago. */
    CHECK(sqlite3_exec(core_store_db(api->store),
                       "BEGIN; UPDATE document SET expires_on = expires_on - 10 WHERE id = (SELECT "
                       "max(id) FROM document WHERE type = 'id_card'); "
                       "DELETE FROM temp.ld_row_change; COMMIT",
                       NULL, NULL, NULL) == SQLITE_OK);
    EXPECT_ERR(ld_application_submit(s_off1, app, &out, &err), LD_ESTATE, "has expired");
}

static void the_same_file_is_stored_once_and_types_are_judged_by_content(void)
{
    world();
    ld_error err;
    cJSON *out = NULL;
    int64_t borrower = 0;
    draft(s_off1, "PCL", "50000.00", &borrower);
    int before = files_in_archive();
    const char *same = pdf("same.pdf", "one and the same");
    ld_document_spec d = {"borrower", borrower, "income_proof", same, NULL, NULL};
    CHECK_INT(ld_document_add(s_off1, &d, &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "stored")));
    char sha[65];
    snprintf(sha, sizeof sha, "%s", cJSON_GetObjectItemCaseSensitive(out, "sha256")->valuestring);
    cJSON_Delete(out);
    out = NULL;
    d.type = "marriage_certificate";
    CHECK_INT(ld_document_add(s_off1, &d, &out, &err), LD_OK);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(out, "stored")));
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(out, "sha256")->valuestring, sha);
    cJSON_Delete(out);
    out = NULL;
    CHECK_INT(files_in_archive(), before + 1);
    /* The archive is private. */
    char path[500];
    struct stat sb;
    snprintf(path, sizeof path, "%s.documents/%s", db_path, sha);
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    snprintf(path, sizeof path, "%s.documents", db_path);
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0700);
    /* JPEG and PNG by their magic; text named .pdf, or nothing, refused. */
    static const char jpeg[] = "\xff\xd8\xff\xe0 jfif";
    static const char png[] = "\x89PNG\r\n\x1a\n....";
    d.type = "other";
    d.path = file_with("scan.jpg", jpeg, sizeof jpeg - 1);
    CHECK_INT(ld_document_add(s_off1, &d, &out, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(out, "content_type")->valuestring, "image/jpeg");
    cJSON_Delete(out);
    out = NULL;
    d.path = file_with("scan.png", png, sizeof png - 1);
    CHECK_INT(ld_document_add(s_off1, &d, &out, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(out, "content_type")->valuestring, "image/png");
    cJSON_Delete(out);
    out = NULL;
    int64_t rows = 0;
    core_store_query_int(api->store, "SELECT count(*) FROM document", 0, &rows, &err);
    d.path = file_with("fake.pdf", "PDF-1.4 not really", 18);
    EXPECT_ERR(ld_document_add(s_off1, &d, &out, &err), LD_EINVAL, "not a PDF, JPEG or PNG");
    d.path = file_with("empty.pdf", "", 0);
    EXPECT_ERR(ld_document_add(s_off1, &d, &out, &err), LD_EINVAL, "file: is empty");
    d.path = file_with("big.pdf", "%PDF-", 5);
    CHECK(truncate(d.path, (off_t)CORE_DOC_MAX_BYTES + 1) == 0);
    EXPECT_ERR(ld_document_add(s_off1, &d, &out, &err), LD_EINVAL, "MiB");
    d.path = same;
    d.type = "passport";
    EXPECT_ERR(ld_document_add(s_off1, &d, &out, &err), LD_EINVAL, "type: unknown document type");
    d.type = "other";
    d.target = "lender";
    EXPECT_ERR(ld_document_add(s_off1, &d, &out, &err), LD_EINVAL, "target:");
    d.target = "borrower";
    d.expires = "2026-02-30";
    EXPECT_ERR(ld_document_add(s_off1, &d, &out, &err), LD_EINVAL, "expires");
    int64_t after = -1;
    core_store_query_int(api->store, "SELECT count(*) FROM document", 0, &after, &err);
    CHECK_INT(after, rows);
}

/* A document added in a transaction that rolls back, whole or to a
 * savepoint (a failed operation of a group commit), leaves no file in the
 * archive, not even its temporary part; one that commits leaves its file,
 * once, though the same bytes were added twice in it. */
static void a_rolled_back_document_leaves_no_file(void)
{
    world();
    ld_error err;
    cJSON *out = NULL;
    int64_t borrower = 0;
    draft(s_off1, "PCL", "50000.00", &borrower);
    core_store *store = api->store;
    int before = files_in_archive();
    static const unsigned char bytes[] = "%PDF-1.7\n%added and undone\n";
    core_doc_target target = {.kind = CORE_DOC_ON_BORROWER, .borrower_id = borrower};
    core_doc_input in = {.type = CORE_DOC_OTHER, .bytes = bytes, .length = sizeof bytes - 1};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(core_document_add(store, &s_off1->who, &target, &in, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    core_store_rollback(store);
    CHECK_INT(files_in_archive(), before);

    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(core_store_savepoint(store, &err), LD_OK);
    CHECK_INT(core_document_add(store, &s_off1->who, &target, &in, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    core_store_rollback_to(store);
    CHECK_INT(core_store_commit(store, &err), LD_OK);
    CHECK_INT(files_in_archive(), before);

    CHECK_INT(core_store_begin(store, &err), LD_OK);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(core_store_savepoint(store, &err), LD_OK);
        CHECK_INT(core_document_add(store, &s_off1->who, &target, &in, &out, &err), LD_OK);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "stored")) == (i == 0));
        cJSON_Delete(out);
        out = NULL;
        CHECK_INT(core_store_release(store, &err), LD_OK);
    }
    /* Nothing in place before the commit: only the part waits. */
    char sha[CORE_SHA256_HEX], placed[500];
    core_sha256_hex(bytes, sizeof bytes - 1, sha);
    snprintf(placed, sizeof placed, "%s.documents/%s", db_path, sha);
    CHECK(access(placed, F_OK) != 0);
    CHECK_INT(core_store_commit(store, &err), LD_OK);
    CHECK_INT(files_in_archive(), before + 1);
    CHECK(access(placed, F_OK) == 0);
    CHECK_INT(ld_document_verify(s_aud, &out, &err), LD_OK);
    cJSON_Delete(out);
}

static void who_may_add_check_and_read(void)
{
    world();
    ld_error err;
    cJSON *out = NULL;
    int64_t borrower = 0;
    draft(s_off1, "PCL", "50000.00", &borrower);
    const char *f = pdf("perm.pdf", "perm");
    ld_document_spec d = {"borrower", borrower, "income_proof", f, NULL, NULL};
    EXPECT_ERR(ld_document_add(s_off2, &d, &out, &err), LD_EPERM, "another officer");
    EXPECT_ERR(ld_document_add(s_rev1, &d, &out, &err), LD_EPERM, "permission denied");
    EXPECT_ERR(ld_document_add(s_aud, &d, &out, &err), LD_EPERM, "permission denied");
    int64_t doc = add_doc(s_off1, "borrower", borrower, "income_proof", f, NULL);
    EXPECT_ERR(ld_document_check(s_off2, doc, true, true, true, NULL, &out, &err), LD_EPERM,
               "another officer");
    EXPECT_ERR(ld_document_check(s_mgr, doc, true, true, true, NULL, &out, &err), LD_EPERM,
               "permission denied");
    EXPECT_ERR(ld_document_show(s_off2, doc, &out, &err), LD_EPERM, "another officer");
    CHECK_INT(ld_document_show(s_aud, doc, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    EXPECT_ERR(ld_document_show(s_admin, doc, &out, &err), LD_EPERM, "permission denied");
    EXPECT_ERR(ld_document_verify(s_off1, &out, &err), LD_EPERM, "permission denied");
    EXPECT_ERR(ld_document_show(s_aud, 999999, &out, &err), LD_ENOTFOUND, "999999");
    /* Every change is in the audit trail. */
    int64_t n = 0;
    core_store_query_int(api->store,
                         "SELECT count(*) FROM audit_event WHERE action = 'doc.add' AND "
                         "entity_id = ? AND outcome = 'ok'",
                         doc, &n, &err);
    CHECK_INT(n, 1);
}

/* Last: it damages the archive. */
static void verification_catches_a_changed_or_missing_file(void)
{
    world();
    ld_error err;
    cJSON *out = NULL;
    CHECK_INT(ld_document_verify(s_aud, &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "ok")));
    CHECK(cJSON_GetObjectItemCaseSensitive(out, "files")->valuedouble >= 3);
    cJSON_Delete(out);
    out = NULL;
    int64_t borrower = 0;
    draft(s_off1, "PCL", "50000.00", &borrower);
    ld_document_spec d = {"borrower", borrower, "other", pdf("t.pdf", "tamper me"), NULL, NULL};
    CHECK_INT(ld_document_add(s_off1, &d, &out, &err), LD_OK);
    char path[500];
    snprintf(path, sizeof path, "%s.documents/%s", db_path,
             cJSON_GetObjectItemCaseSensitive(out, "sha256")->valuestring);
    int64_t doc = (int64_t)cJSON_GetObjectItemCaseSensitive(out, "id")->valuedouble;
    cJSON_Delete(out);
    out = NULL;
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    if (f != NULL) {
        fseek(f, 9, SEEK_SET);
        fputc('X', f);
        fclose(f);
    }
    CHECK_INT(ld_document_verify(s_aud, &out, &err), LD_EVERIFY);
    char expected[64];
    snprintf(expected, sizeof expected, "document %lld (changed)", (long long)doc);
    CHECK_CONTAINS(err.message, expected);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(out, "ok")));
    cJSON_Delete(out);
    out = NULL;
    CHECK(unlink(path) == 0);
    CHECK_INT(ld_document_verify(s_rev1, &out, &err), LD_EVERIFY);
    snprintf(expected, sizeof expected, "document %lld (missing)", (long long)doc);
    CHECK_CONTAINS(err.message, expected);
    cJSON_Delete(out);
}

/* ---- Collection: a loan walked into arrears by close of business ------------------------ */

/* The scenario's own book, reopened at each business date it moves to; its
 * users' sessions are resumed from tokens, so only the first day logs in. */
static char cob_dir[256], cob_db[300], cob_key[320], bdate[16];
static ld_api *cob_api;
static ld_session *c_off, *c_rev, *c_mgr, *c_aud;
static char c_tokens[4][LD_SESSION_TOKEN_MAX];

static int64_t wall(void *context)
{
    (void)context;
    return 1781514000; /* 2026-06-15T09:00:00Z, as the fixture */
}

static const ld_clock cob_clock = {.business_date = bdate, .wall_now = wall};

static void sessions_free(void)
{
    ld_session *all[] = {c_off, c_rev, c_mgr, c_aud};
    for (int i = 0; i < 4; i++)
        ld_session_free(all[i]);
}

/* Moves the scenario to business date `date`. */
static void at(const char *date)
{
    ld_error err;
    snprintf(bdate, sizeof bdate, "%s", date);
    sessions_free();
    ld_api_close(cob_api);
    if (ld_api_open(cob_db, &cob_clock, &cob_api, &err) != LD_OK ||
        ld_api_set_institution_key(cob_api, cob_key, NULL, &err) != LD_OK)
        afx_die("reopening the book", &err);
    ld_session **all[] = {&c_off, &c_rev, &c_mgr, &c_aud};
    for (int i = 0; i < 4; i++)
        if (ld_session_resume(cob_api, c_tokens[i], all[i], &err) != LD_OK)
            afx_die("resume", &err);
}

static void cob(const char *date)
{
    at(date);
    ld_error err;
    cJSON *out = NULL;
    ld_cob_options opt = {.date = date};
    CHECK_INT(ld_cob_run(c_mgr, &opt, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    /* The journal balances and the ledger verifies after every close. */
    CHECK_INT(ld_journal_trial_balance(c_aud, date, &out, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(out, "balanced")));
    cJSON_Delete(out);
    out = NULL;
    ld_trust_anchor anchor = {.ca_file = ca_path};
    ld_status st = ld_ledger_verify(c_aud, &anchor, &out, &err);
    if (st != LD_OK)
        fprintf(stderr, "ledger verify on %s: %s\n", date, err.message);
    CHECK_INT(st, LD_OK);
    cJSON_Delete(out);
}

static cJSON *the_case(int64_t id)
{
    ld_error err;
    cJSON *out = NULL;
    if (ld_collection_show(c_off, id, &out, &err) != LD_OK)
        afx_die("collection show", &err);
    return out;
}

static const char *text_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static const char *promise_status(int64_t case_id, int index)
{
    static char status[16];
    cJSON *c = the_case(case_id);
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "promises"), index);
    snprintf(status, sizeof status, "%s", text_of(p, "status"));
    cJSON_Delete(c);
    return status;
}

static void a_loan_walks_into_arrears_and_out_through_collection(void)
{
    world(); /* the CA file and the fixture's users' passwords */
    snprintf(bdate, sizeof bdate, "2026-01-10");
    ld_error err;
    ld_api *api0 =
        afx_book_new("care-cob", ADMIN_PASSWORD, cob_dir, sizeof cob_dir, cob_db, sizeof cob_db);
    ld_api_default_key_path(cob_db, cob_key, sizeof cob_key);
    ld_session *admin = afx_login(api0, "admin", ADMIN_PASSWORD);
    afx_ca_file(admin, cob_dir, ca_path, sizeof ca_path);
    const char *names[] = {"coff", "crev", "cmgr", "caud"};
    core_role roles[] = {CORE_ROLE_OFFICER, CORE_ROLE_REVIEWER, CORE_ROLE_MANAGER,
                         CORE_ROLE_AUDITOR};
    if (core_store_begin(api0->store, &err) != LD_OK)
        afx_die("begin", &err);
    for (int i = 0; i < 4; i++) {
        core_user_spec spec = {names[i], names[i], roles[i], -1, USER_PASSWORD};
        int64_t id;
        if (core_user_add(api0->store, &admin->who, &spec, &id, &err) != LD_OK)
            afx_die("user", &err);
    }
    if (sqlite3_exec(core_store_db(api0->store),
                     "UPDATE app_user SET password_changed_on = '" TODAY "'", NULL, NULL,
                     NULL) != SQLITE_OK ||
        core_store_commit(api0->store, &err) != LD_OK)
        afx_die("users", &err);
    for (int i = 0; i < 4; i++) {
        ld_session *s = afx_login(api0, names[i], USER_PASSWORD);
        if (ld_session_token_issue(s, c_tokens[i], &err) != LD_OK)
            afx_die("token", &err);
        ld_session_free(s);
    }
    ld_session_free(admin);
    ld_api_close(api0);
    at("2026-01-10");

    /* A PCL loan of 100,000.00 over 24 months with a guarantor, lent on 10 January. */
    int64_t borrower = 0;
    int64_t app = draft(c_off, "PCL", "100000.00", &borrower);
    cJSON *g = cJSON_Parse("{\"kind\": \"person\", \"name\": \"Wang Wu\", \"id_number\": "
                           "\"110105197502023216\", \"guarantee_type\": \"joint\", "
                           "\"guaranteed_amount\": \"100000.00\", \"net_assets\": "
                           "\"900000.00\", \"outstanding_guarantees\": \"0.00\"}");
    cJSON *out = NULL;
    if (ld_guarantor_add(c_off, app, g, &out, &err) != LD_OK)
        afx_die("guarantor", &err);
    cJSON_Delete(g);
    int64_t guarantor = id_of(out);
    out = NULL;
    afx_documents(c_off, app);
    CHECK_INT(ld_application_submit(c_off, app, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    CHECK_INT(ld_application_rate(c_rev, app, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    ld_approval terms = {.amount = "100000.00", .term_months = "24", .reason = "scenario"};
    CHECK_INT(ld_application_approve(c_mgr, app, &terms, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    CHECK_INT(ld_loan_disburse(c_mgr, app, "2026-01-10", NULL, &out, &err), LD_OK);
    int64_t loan = id_of(out);
    out = NULL;

    /* Nothing is paid on 10 February: the next close opens a case. */
    cob("2026-02-09");
    CHECK_INT(ld_collection_list(c_off, true, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(out), 0);
    cJSON_Delete(out);
    out = NULL;
    cob("2026-02-11");
    CHECK_INT(ld_collection_list(c_off, false, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(out), 1);
    const cJSON *row = cJSON_GetArrayItem(out, 0);
    int64_t case_id = (int64_t)cJSON_GetObjectItemCaseSensitive(row, "id")->valuedouble;
    CHECK_INT((int64_t)cJSON_GetObjectItemCaseSensitive(row, "loan_id")->valuedouble, loan);
    CHECK_STR(text_of(row, "stage"), "reminder");
    CHECK_INT((int64_t)cJSON_GetObjectItemCaseSensitive(row, "dpd")->valuedouble, 1);
    cJSON_Delete(out);
    out = NULL;

    /* The officer calls; the customer promises 4,000.00 by the 20th and pays nothing. */
    cJSON *call = cJSON_Parse("{\"kind\": \"call\", \"outcome\": \"reached; salary late\", "
                              "\"next_step\": \"call again\", \"next_date\": \"2026-02-20\"}");
    CHECK_INT(ld_collection_action(c_off, case_id, call, &out, &err), LD_OK);
    cJSON_Delete(call);
    cJSON_Delete(out);
    out = NULL;
    cJSON *bad = cJSON_Parse("{\"kind\": \"email\", \"outcome\": \"x\"}");
    CHECK_INT(ld_collection_action(c_off, case_id, bad, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "kind");
    cJSON_Delete(bad);
    CHECK_INT(ld_collection_promise(c_off, case_id, "4000.00", "2026-02-11", &out, &err),
              LD_EINVAL);
    CHECK_INT(ld_collection_promise(c_off, case_id, "4000.00", "2026-02-20", &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    cob("2026-02-21");
    CHECK_STR(promise_status(case_id, 0), "broken");

    /* A month past due: the officer visits. */
    cob("2026-03-13");
    cJSON *c = the_case(case_id);
    CHECK_STR(text_of(c, "stage"), "visit");
    cJSON_Delete(c);
    /* A second promise, kept: 4,000.00 paid on the 16th. */
    CHECK_INT(ld_collection_promise(c_off, case_id, "4000.00", "2026-03-20", &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    /* The officer's list shows the promise to follow up. */
    CHECK_INT(ld_collection_list(c_off, false, &out, &err), LD_OK);
    CHECK_STR(text_of(cJSON_GetArrayItem(out, 0), "promise_due"), "2026-03-20");
    cJSON_Delete(out);
    out = NULL;
    at("2026-03-16");
    ld_repayment pay = {.amount = "4000.00", .date = "2026-03-16"};
    CHECK_INT(ld_loan_repay(c_off, loan, &pay, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    cob("2026-03-20");
    CHECK_STR(promise_status(case_id, 1), "kept");
    CHECK_STR(promise_status(case_id, 0), "broken");

    /* Ninety-one days: the formal demand. */
    cob("2026-05-12");
    c = the_case(case_id);
    CHECK_STR(text_of(c, "stage"), "demand");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "stages")), 3);
    char overdue[32];
    snprintf(overdue, sizeof overdue, "%s", text_of(c, "overdue"));
    cJSON_Delete(c);
    CHECK(strcmp(overdue, "0.00") != 0);

    /* The guarantor pays what is overdue and a margin for the day's accrual. */
    at("2026-05-13");
    ld_money owed = 0, margin = 200000;
    CHECK_INT(ld_money_parse("overdue", overdue, &owed, &err), LD_OK);
    char paid[32];
    ld_money_format(owed + margin, paid);
    CHECK_INT(ld_collection_recover(c_rev, case_id, guarantor, paid, "2026-05-13", &out, &err),
              LD_EPERM);
    CHECK_INT(ld_collection_recover(c_off, case_id, 999, paid, "2026-05-13", &out, &err),
              LD_ESTATE);
    CHECK_INT(ld_collection_recover(c_off, case_id, guarantor, paid, "2026-05-13", &out, &err),
              LD_OK);
    ld_money left = 0;
    CHECK_INT(ld_money_parse("capacity", text_of(out, "capacity"), &left, &err), LD_OK);
    CHECK_INT(left, 90000000 - (owed + margin));
    cJSON_Delete(out);
    out = NULL;
    /* The approved application's guarantor row is as it was; the payment is
     * recorded apart and the capacity computed from both. */
    int64_t net_row = 0;
    CHECK_INT(core_store_query_int(cob_api->store, "SELECT net_assets FROM guarantor WHERE id = ?",
                                   guarantor, &net_row, &err),
              LD_OK);
    CHECK_INT(net_row, 90000000);
    CHECK_INT(ld_guarantor_list(c_off, app, &out, &err), LD_OK);
    cJSON *g0 = cJSON_GetArrayItem(out, 0);
    CHECK_STR(text_of(g0, "net_assets"), "900000.00");
    char recovered[LD_MONEY_TEXT_MAX];
    CHECK_STR(text_of(g0, "recovered"), ld_money_format(owed + margin, recovered));
    CHECK_INT(ld_money_parse("capacity", text_of(g0, "capacity"), &left, &err), LD_OK);
    CHECK_INT(left, 90000000 - (owed + margin));
    cJSON_Delete(out);
    out = NULL;
    cob("2026-05-13");
    CHECK_INT(ld_collection_list(c_off, false, &out, &err), LD_OK);
    CHECK_INT(cJSON_GetArraySize(out), 0);
    cJSON_Delete(out);
    out = NULL;
    c = the_case(case_id);
    CHECK_STR(text_of(c, "outcome"), "cured");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "recoveries")), 1);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(c, "actions")), 1);
    cJSON_Delete(c);
    /* A closed case takes no more actions. */
    CHECK_INT(ld_collection_promise(c_off, case_id, "1.00", "2026-06-01", &out, &err), LD_ESTATE);
    /* The collection workbook (unsigned here: the scenario's users hold no
     * certificates): one case, its promises and its recovery. */
    char book[400];
    snprintf(book, sizeof book, "%s/collection.xlsx", cob_dir);
    ld_report_spec spec = {.path = book, .no_sign = true};
    ld_status rst = ld_report_collection(c_off, &spec, NULL, &out, &err);
    if (rst != LD_OK)
        fprintf(stderr, "report collection: %s\n", err.message);
    CHECK_INT(rst, LD_OK);
    CHECK(access(book, F_OK) == 0);
    CHECK(cJSON_GetObjectItemCaseSensitive(out, "rows") != NULL &&
          cJSON_GetObjectItemCaseSensitive(out, "rows")->valuedouble >= 4);
    cJSON_Delete(out);
    out = NULL;
    CHECK_INT(ld_report_collection(c_aud, &spec, NULL, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    sessions_free();
    ld_api_close(cob_api);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", cob_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", cob_dir);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"each_gate_refuses_a_missing_or_unchecked_document",
         each_gate_refuses_a_missing_or_unchecked_document},
        {"a_lapsed_document_meets_no_gate", a_lapsed_document_meets_no_gate},
        {"the_same_file_is_stored_once_and_types_are_judged_by_content",
         the_same_file_is_stored_once_and_types_are_judged_by_content},
        {"a_rolled_back_document_leaves_no_file", a_rolled_back_document_leaves_no_file},
        {"who_may_add_check_and_read", who_may_add_check_and_read},
        {"verification_catches_a_changed_or_missing_file",
         verification_catches_a_changed_or_missing_file},
        {"a_loan_walks_into_arrears_and_out_through_collection",
         a_loan_walks_into_arrears_and_out_through_collection},
    };
    return CHECK_RUN(argc, argv, cases);
}
