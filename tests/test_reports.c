/*
 * test_reports.c - tests of reports/ and the post-loan inspections: the
 * workbooks are opened as the ZIP files of XML they are (unzip -p) and their
 * sheets, cells, number formats, frozen panes and filters checked; every
 * signature is also checked with the stock `openssl cms -verify` command;
 * tampering with the workbook or the signature, another user's signature,
 * a revoked signer and a report missing from the ledger are all caught.
 *
 * The database is made once, the way a user makes it: the loandesk program
 * (LOANDESK_BIN) runs init, user add, borrower add, app create, submit, rate
 * and approve from the demo's files; the loans are then disbursed and closed
 * through the ledger's API, since their commands belong to another module.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "digest.h"
#include "inspection.h"
#include "journal.h"
#include "keystore.h"
#include "ledger_events.h"
#include "loan.h"
#include "pki.h"
#include "trust.h"
#include "report.h"
#include "user.h"

static char dir[256];
static char db_path[300];
static core_store *store;
static core_session chen, wang, zhao, sun;
static int64_t loan1, loan2;

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "setup: %s: %s\n", what, err != NULL ? err->message : "");
    exit(99);
}

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0) {
        fprintf(stderr, "setup command failed: %s\n", cmd);
        exit(99);
    }
}

static int status_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int status_of(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The text of one part of a workbook (caller frees). */
static char *zip_part(const char *xlsx, const char *part)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", xlsx, part);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return NULL;
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + used, 1, cap - used - 1, p)) > 0) {
        used += n;
        if (used + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL)
                break;
            buf = bigger;
            cap *= 2;
        }
    }
    pclose(p);
    if (buf != NULL)
        buf[used] = '\0';
    return buf;
}

/* Whether the cell at ref (e.g. "D5") of a sheet's XML holds value. */
static bool cell_is(const char *xml, const char *ref, const char *value)
{
    char needle[32];
    snprintf(needle, sizeof needle, "<c r=\"%s\"", ref);
    const char *c = xml != NULL ? strstr(xml, needle) : NULL;
    const char *end = c != NULL ? strstr(c, "</c>") : NULL;
    const char *v = c != NULL ? strstr(c, "<v>") : NULL;
    if (v == NULL || end == NULL || v > end) {
        fprintf(stderr, "cell %s: absent\n", ref);
        return false;
    }
    v += 3;
    size_t len = strlen(value);
    if (strncmp(v, value, len) != 0 || v[len] != '<') {
        fprintf(stderr, "cell %s: %.*s, expected %s\n", ref, (int)(strchr(v, '<') - v), v, value);
        return false;
    }
    return true;
}

/* The XML of the worksheet named name (libxlsxwriter numbers sheetN.xml in
 * the order the sheets were added, which is their order in workbook.xml). */
static char *sheet_xml(const char *xlsx, const char *name)
{
    char *wb = zip_part(xlsx, "xl/workbook.xml");
    char needle[160];
    snprintf(needle, sizeof needle, "<sheet name=\"%s\"", name);
    const char *at = wb != NULL ? strstr(wb, needle) : NULL;
    int index = 0;
    for (const char *p = wb; at != NULL && (p = strstr(p, "<sheet ")) != NULL && p <= at; p++)
        index++;
    free(wb);
    if (index == 0) {
        fprintf(stderr, "%s: no sheet %s\n", xlsx, name);
        return NULL;
    }
    char part[64];
    snprintf(part, sizeof part, "xl/worksheets/sheet%d.xml", index);
    return zip_part(xlsx, part);
}

/* Money as the cell's XML number holds it: 1234.5, 1234 (no zeros after
 * the point). */
static void money_xml(ld_money fen, char *out, size_t size)
{
    if (fen % 100 == 0)
        snprintf(out, size, "%lld", (long long)(fen / 100));
    else if (fen % 10 == 0)
        snprintf(out, size, "%lld.%lld", (long long)(fen / 100), (long long)(fen % 100 / 10));
    else
        snprintf(out, size, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* The width of column col (1-based) in a sheet's XML, in character units. */
static int col_width(const char *xml, int col)
{
    char needle[64];
    snprintf(needle, sizeof needle, "<col min=\"%d\" max=\"%d\" width=\"", col, col);
    const char *p = xml != NULL ? strstr(xml, needle) : NULL;
    return p != NULL ? (int)strtol(p + strlen(needle), NULL, 10) : -1;
}

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static core_session login(const char *user, const char *password)
{
    core_session s;
    ld_error err;
    if (core_user_login(store, user, password, false, &s, &err) != LD_OK)
        die("login", &err);
    return s;
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/loandesk-test-reports-%ld", (long)getpid());
    run("rm -rf %s && mkdir -p %s", dir, dir);
    snprintf(db_path, sizeof db_path, "%s/db.sqlite", dir);
    const char *demo = LOANDESK_SOURCE_DIR "/scripts/demo";
    const char *bin = LOANDESK_BIN;
    setenv("LOANDESK_DB", db_path, 1);
    /* The CA custodians' passphrase, for init and for issuing certificates. */
    setenv("LOANDESK_CA_PASSPHRASE", "Reports-test-CA-custodians", 1);
    run("LOANDESK_PASSWORD=Admin2026pass %s init --admin admin --institution 示范银行 >/dev/null",
        bin);
    run("LOANDESK_USER=admin LOANDESK_PASSWORD=Admin2026pass %s pki ca-cert > %s/ca.pem", bin, dir);
    const char *users[][3] = {{"chen", "officer", "Chen2026pass"},
                              {"liu", "officer", "Liu2026pass"},
                              {"wang", "reviewer", "Wang2026pass"},
                              {"zhao", "manager", "Zhao2026pass"},
                              {"sun", "auditor", "Sun2026pass"}};
    /* The admin sets a first password; each user replaces it at first use. */
    for (int i = 0; i < 5; i++) {
        run("LOANDESK_NEW_PASSWORD=First-pass-2026 LOANDESK_USER=admin "
            "LOANDESK_PASSWORD=Admin2026pass %s user add --username %s --name %s --role %s "
            ">/dev/null",
            bin, users[i][0], users[i][0], users[i][1]);
        run("LOANDESK_USER=%s LOANDESK_PASSWORD=First-pass-2026 LOANDESK_NEW_PASSWORD=%s %s user "
            "passwd >/dev/null",
            users[i][0], users[i][2], bin);
    }
#define AS(user, pw) "LOANDESK_USER=" user " LOANDESK_PASSWORD=" pw " %s "
    run(AS("chen", "Chen2026pass") "borrower add --json %s/borrower-zhang.json >/dev/null", bin,
        demo);
    run(AS("chen", "Chen2026pass") "borrower add --json %s/borrower-huaxin.json >/dev/null", bin,
        demo);
    run(AS("chen", "Chen2026pass") "app create --json %s/app-zhang.json >/dev/null", bin, demo);
    run(AS("chen", "Chen2026pass") "app create --json %s/app-huaxin.json >/dev/null", bin, demo);
    run(AS("chen", "Chen2026pass") "app submit 1 >/dev/null", bin);
    run(AS("chen", "Chen2026pass") "app submit 2 >/dev/null", bin);
    run(AS("chen", "Chen2026pass") "rate 1 >/dev/null", bin);
    run(AS("wang", "Wang2026pass") "rate 2 >/dev/null", bin);
    run(AS("wang", "Wang2026pass") "app approve 1 >/dev/null", bin);
    run(AS("zhao", "Zhao2026pass") "app approve 2 --reason ok >/dev/null", bin);
    ld_error err;
    if (core_store_open_existing(db_path, &store, &err) != LD_OK ||
        ledger_events_attach(store, &err) != LD_OK)
        die("open", &err);
    chen = login("chen", "Chen2026pass");
    wang = login("wang", "Wang2026pass");
    zhao = login("zhao", "Zhao2026pass");
    sun = login("sun", "Sun2026pass");
    ld_date d0, d1;
    ld_date_parse("d", "2025-01-15", &d0, NULL);
    ld_date_parse("d", "2025-05-31", &d1, NULL);
    if (core_store_begin(store, &err) != LD_OK ||
        ledger_loan_disburse(store, &zhao, 1, d0, NULL, &loan1, &err) != LD_OK ||
        ledger_loan_disburse(store, &zhao, 2, d0, NULL, &loan2, &err) != LD_OK)
        die("disburse", &err);
    ledger_cob_options cob = {.date = d1};
    ledger_cob_result res;
    if (ledger_cob_run(store, &zhao, &cob, &res, &err) != LD_OK)
        die("cob", &err);
    if (core_store_commit(store, &err) != LD_OK)
        die("commit", &err);
}

/* Runs f inside one transaction, committed when it succeeds. */
/* The institution key from the key file init wrote beside the database. */
static ld_status institution_key(void *ctx, const core_pki_key **key, const char **cert,
                                 ld_error *err)
{
    (void)ctx;
    static core_pki_key *k;
    static char *c;
    if (k == NULL) {
        char path[400];
        snprintf(path, sizeof path, "%s.institution-key", db_path);
        ld_status st = core_keystore_institution_signer(store, path, NULL, &k, &c, err);
        if (st != LD_OK)
            return st;
    }
    *key = k;
    *cert = c;
    return LD_OK;
}

/* Commits as the operations API does: what was appended is signed first. */
static ld_status in_tx(ld_status st)
{
    ld_error err;
    bool made = false;
    if (st == LD_OK &&
        ledger_checkpoint_seal(store, NULL, institution_key, NULL, ledger_event_now(store), &made,
                               NULL, &err) != LD_OK) {
        fprintf(stderr, "seal: %s\n", err.message);
        st = err.code;
    }
    if (st == LD_OK)
        core_store_commit(store, &err);
    else
        core_store_rollback(store);
    return st;
}

static ld_status write_rating(const core_session *who, const char *password, int64_t app,
                              const char *name, report_lang lang, bool sign, report_result *r,
                              ld_error *err)
{
    char path[400];
    path_in(path, sizeof path, name);
    report_signer *signer = NULL;
    ld_status st = core_store_begin(store, err);
    if (st == LD_OK && sign)
        st = report_signer_open(store, who, password, &signer, err);
    report_options o = {.path = path, .lang = lang, .signer = signer};
    if (st == LD_OK)
        st = report_rating_write(store, who, app, &o, r, err);
    report_signer_free(signer);
    return in_tx(st);
}

static ld_status verify_db(const char *name, report_verification *v, ld_error *err)
{
    char path[400];
    path_in(path, sizeof path, name);
    char ca[512];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    report_verify_options o = {.path = path, .ca_pem_path = ca, .store = store, .who = &sun};
    return report_verify(&o, v, err);
}

static int openssl_verify(const char *name)
{
    return status_of("openssl cms -verify -binary -inform DER -in %s/%s.p7s -content %s/%s "
                     "-CAfile %s/ca.pem -out /dev/null 2>/dev/null",
                     dir, name, dir, name, dir);
}

static void test_rating_workbook_has_sheets_formats_and_verifies(void)
{
    report_result r;
    ld_error err;
    CHECK_INT(write_rating(&wang, "Wang2026pass", 2, "rating.xlsx", REPORT_LANG_ZH, true, &r, &err),
              LD_OK);
    CHECK(r.is_signed);
    CHECK_STR(r.signer, "wang");
    char path[400];
    path_in(path, sizeof path, "rating.xlsx");
    char *wb = zip_part(path, "xl/workbook.xml");
    CHECK_CONTAINS(wb, "name=\"概要\"");
    CHECK_CONTAINS(wb, "name=\"评分因子\"");
    CHECK_CONTAINS(wb, "name=\"签名\"");
    free(wb);
    char *styles = zip_part(path, "xl/styles.xml");
    CHECK_CONTAINS(styles, "formatCode=\"#,##0.00\"");
    CHECK_CONTAINS(styles, "formatCode=\"yyyy-mm-dd\"");
    free(styles);
    char *factors = sheet_xml(path, "评分因子");
    CHECK_CONTAINS(factors, "state=\"frozen\"");
    CHECK_CONTAINS(factors, "ySplit=\"1\"");
    CHECK_CONTAINS(factors, "<autoFilter ref=\"A1:H");
    /* "近24个月最长逾期天数", the longest characteristic, fits its column. */
    CHECK(col_width(factors, 1) >= 24);
    /* Factor values are numbers (0.467742 was text), bin kinds words. */
    CHECK(factors != NULL && strstr(factors, "<c r=\"B2\" s=") != NULL);
    CHECK(factors != NULL && strstr(factors, "<c r=\"B2\" t=\"s\"") == NULL);
    free(factors);
    char *strings = zip_part(path, "xl/sharedStrings.xml");
    CHECK_CONTAINS(strings, "资产负债率");
    CHECK_CONTAINS(strings, r.fingerprint);
    CHECK_CONTAINS(strings, r.anchor_root);
    free(strings);
    char *core = zip_part(path, "docProps/core.xml");
    CHECK_CONTAINS(core, "<dc:creator>loandesk</dc:creator>");
    CHECK_CONTAINS(core, "T00:00:00Z</dcterms:created>");
    free(core);
    CHECK_INT(openssl_verify("rating.xlsx"), 0);
    report_verification v;
    CHECK_INT(verify_db("rating.xlsx", &v, &err), LD_OK);
    CHECK(v.in_ledger);
    CHECK_STR(v.kind, "rating");
    CHECK_STR(v.signer, "wang");
    CHECK_STR(v.fingerprint, r.fingerprint);
    CHECK(v.revocation_checked);
    /* Offline: CA file only. */
    char ca[400];
    path_in(ca, sizeof ca, "ca.pem");
    report_verify_options o = {.path = path, .ca_pem_path = ca};
    CHECK_INT(report_verify(&o, &v, &err), LD_OK);
    CHECK(!v.in_ledger);
    /* The money cell of the recommended amount is a number, not text. */
    char *summary = sheet_xml(path, "概要");
    CHECK_CONTAINS(summary, "<v>5000000</v>");
    free(summary);
}

static void test_english_labels(void)
{
    report_result r;
    ld_error err;
    CHECK_INT(write_rating(&wang, NULL, 2, "rating-en.xlsx", REPORT_LANG_EN, false, &r, &err),
              LD_OK);
    CHECK(!r.is_signed);
    char path[400];
    path_in(path, sizeof path, "rating-en.xlsx");
    char *wb = zip_part(path, "xl/workbook.xml");
    CHECK_CONTAINS(wb, "name=\"Summary\"");
    CHECK_CONTAINS(wb, "name=\"Factors\"");
    CHECK_CONTAINS(wb, "name=\"Signature\"");
    free(wb);
    CHECK(access(path, F_OK) == 0);
    char p7s[420];
    snprintf(p7s, sizeof p7s, "%s.p7s", path);
    CHECK(access(p7s, F_OK) != 0);
}

static bool exists_in_dir(const char *name)
{
    char path[400];
    path_in(path, sizeof path, name);
    return access(path, F_OK) == 0;
}

/* A report takes its name only when complete: a failed one leaves no file and
 * no part behind and does not replace the earlier report; an unsigned report
 * replacing a signed one takes the old signature away with it. */
static void test_reports_appear_whole_or_not_at_all(void)
{
    report_result signed_r, plain_r;
    ld_error err;
    CHECK_INT(
        write_rating(&wang, "Wang2026pass", 2, "whole.xlsx", REPORT_LANG_ZH, true, &signed_r, &err),
        LD_OK);
    CHECK(exists_in_dir("whole.xlsx"));
    CHECK(exists_in_dir("whole.xlsx.p7s"));
    CHECK(!exists_in_dir("whole.xlsx.part"));
    CHECK(!exists_in_dir("whole.xlsx.p7s.part"));
    CHECK_INT(write_rating(&wang, NULL, 2, "whole.xlsx", REPORT_LANG_EN, false, &plain_r, &err),
              LD_OK);
    CHECK(strcmp(signed_r.sha256, plain_r.sha256) != 0);
    CHECK(exists_in_dir("whole.xlsx"));
    CHECK(!exists_in_dir("whole.xlsx.p7s"));
    CHECK(!exists_in_dir("whole.xlsx.part"));

    /* A ledger whose totals overflow fails at close, after the sheets were
     * written: the earlier file stays as it was. */
    run("cp %s/whole.xlsx %s/whole-before.xlsx", dir, dir);
    char path[400];
    path_in(path, sizeof path, "whole.xlsx");
    report_options o = {.path = path};
    report_ledger_writer *w = NULL;
    CHECK_INT(report_ledger_writer_open(&o, 20000, 21000, 21000, &w, &err), LD_OK);
    ledger_report_loan loan;
    memset(&loan, 0, sizeof loan);
    snprintf(loan.contract_no, sizeof loan.contract_no, "HUGE-1");
    loan.amount = INT64_MAX - 10;
    loan.principal = INT64_MAX - 10;
    loan.disbursed_on = 20000;
    CHECK_INT(report_ledger_writer_loan(w, &loan, &err), LD_OK);
    loan.id = 2;
    CHECK_INT(report_ledger_writer_loan(w, &loan, &err), LD_OK);
    int64_t rows = 0;
    CHECK_INT(report_ledger_writer_close(w, &rows, &err), LD_EINTERNAL);
    CHECK_CONTAINS(err.message, "overflow");
    CHECK(!exists_in_dir("whole.xlsx.part"));
    CHECK_INT(status_of("cmp -s %s/whole.xlsx %s/whole-before.xlsx", dir, dir), 0);
}

static void test_same_data_gives_same_bytes(void)
{
    report_result a, b;
    ld_error err;
    CHECK_INT(write_rating(&wang, NULL, 2, "det-a.xlsx", REPORT_LANG_ZH, false, &a, &err), LD_OK);
    sleep(1); /* a clock leaking into the file would show */
    CHECK_INT(write_rating(&wang, NULL, 2, "det-b.xlsx", REPORT_LANG_ZH, false, &b, &err), LD_OK);
    CHECK_STR(a.sha256, b.sha256);
    CHECK_INT(status_of("cmp -s %s/det-a.xlsx %s/det-b.xlsx", dir, dir), 0);
}

static void test_changed_byte_is_caught(void)
{
    report_result r;
    ld_error err;
    CHECK_INT(write_rating(&wang, "Wang2026pass", 2, "tamper.xlsx", REPORT_LANG_ZH, true, &r, &err),
              LD_OK);
    run("printf 'X' | dd of=%s/tamper.xlsx bs=1 seek=3000 conv=notrunc 2>/dev/null", dir);
    report_verification v;
    CHECK_INT(verify_db("tamper.xlsx", &v, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "content does not match");
    CHECK(openssl_verify("tamper.xlsx") != 0);
    /* The command line says the same, with exit code 6. */
    CHECK_INT(status_of("LOANDESK_USER=sun LOANDESK_PASSWORD=Sun2026pass %s verify %s/tamper.xlsx "
                        "--ca %s/ca.pem 2>/dev/null >/dev/null",
                        LOANDESK_BIN, dir, dir),
              6);
}

static void test_swapped_or_broken_signature_is_caught(void)
{
    report_result r1, r2;
    ld_error err;
    CHECK_INT(write_rating(&chen, "Chen2026pass", 1, "swap1.xlsx", REPORT_LANG_ZH, true, &r1, &err),
              LD_OK);
    CHECK_INT(write_rating(&wang, "Wang2026pass", 2, "swap2.xlsx", REPORT_LANG_ZH, true, &r2, &err),
              LD_OK);
    run("cp %s/swap1.xlsx.p7s %s/swap2.xlsx.p7s", dir, dir);
    report_verification v;
    CHECK_INT(verify_db("swap2.xlsx", &v, &err), LD_EVERIFY);
    CHECK(openssl_verify("swap2.xlsx") != 0);
    /* A truncated signature. */
    run("head -c 200 %s/swap1.xlsx.p7s > %s/cut.p7s && cp %s/swap1.xlsx %s/cut.xlsx && mv "
        "%s/cut.p7s %s/cut.xlsx.p7s",
        dir, dir, dir, dir, dir, dir);
    CHECK_INT(verify_db("cut.xlsx", &v, &err), LD_EVERIFY);
}

static void test_another_users_signature_is_caught(void)
{
    /* chen re-signs wang's workbook with chen's own valid key: the CMS is
     * sound and chains to the CA, but the ledger recorded wang's signature. */
    report_result r;
    ld_error err;
    CHECK_INT(write_rating(&wang, "Wang2026pass", 2, "other.xlsx", REPORT_LANG_ZH, true, &r, &err),
              LD_OK);
    core_pki_key *key = NULL;
    char *cert = NULL, *ca = NULL;
    CHECK_INT(core_keystore_user_signer(store, &chen, "Chen2026pass", &key, &cert, &err), LD_OK);
    CHECK_INT(core_keystore_ca_cert(store, &ca, &err), LD_OK);
    char path[400];
    path_in(path, sizeof path, "other.xlsx");
    FILE *f = fopen(path, "rb");
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unsigned char *der = NULL;
    size_t der_len = 0;
    CHECK_INT(core_pki_cms_sign(key, cert, strlen(cert), ca, strlen(ca), buf, n, time(NULL), &der,
                                &der_len, &err),
              LD_OK);
    char p7s[420];
    snprintf(p7s, sizeof p7s, "%s.p7s", path);
    f = fopen(p7s, "wb");
    fwrite(der, 1, der_len, f);
    fclose(f);
    free(der);
    free(cert);
    free(ca);
    core_pki_key_free(key);
    CHECK_INT(openssl_verify("other.xlsx"), 0); /* stock openssl cannot know */
    report_verification v;
    CHECK_INT(verify_db("other.xlsx", &v, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "swapped");
}

static void test_report_absent_from_ledger_is_caught(void)
{
    /* Signed with a valid key but never logged: written unsigned, then signed
     * by hand outside loandesk. */
    report_result r;
    ld_error err;
    CHECK_INT(write_rating(&wang, NULL, 2, "unlogged.xlsx", REPORT_LANG_EN, false, &r, &err),
              LD_OK);
    core_pki_key *key = NULL;
    char *cert = NULL, *ca = NULL;
    CHECK_INT(core_keystore_user_signer(store, &wang, "Wang2026pass", &key, &cert, &err), LD_OK);
    CHECK_INT(core_keystore_ca_cert(store, &ca, &err), LD_OK);
    char path[400];
    path_in(path, sizeof path, "unlogged.xlsx");
    FILE *f = fopen(path, "rb");
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unsigned char *der = NULL;
    size_t der_len = 0;
    CHECK_INT(core_pki_cms_sign(key, cert, strlen(cert), ca, strlen(ca), buf, n, time(NULL), &der,
                                &der_len, &err),
              LD_OK);
    char p7s[420];
    snprintf(p7s, sizeof p7s, "%s.p7s", path);
    f = fopen(p7s, "wb");
    fwrite(der, 1, der_len, f);
    fclose(f);
    free(der);
    free(cert);
    free(ca);
    core_pki_key_free(key);
    report_verification v;
    CHECK_INT(verify_db("unlogged.xlsx", &v, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "no record");
}

static void test_revoked_signer_does_not_verify(void)
{
    /* liu unlocks a key, is revoked, and signs afterwards with the key still
     * in hand: the ledger's time is after the revocation. */
    ld_error err;
    core_session liu = login("liu", "Liu2026pass");
    report_signer *signer = NULL;
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(report_signer_open(store, &liu, "Liu2026pass", &signer, &err), LD_OK);
    CHECK_INT(core_keystore_revoke_user(store, liu.user_id, ledger_event_now(store) - 5, &err),
              LD_OK);
    char path[400];
    path_in(path, sizeof path, "revoked.xlsx");
    report_options o = {.path = path, .signer = signer};
    report_result r;
    /* liu reads no customer of chen's: the rating of app 1 would be refused,
     * so the ledger workbook is used... which liu may not read either. Sign a
     * rating as wang would, with liu's signer: the library signs what it is
     * given, which is the point of the test. */
    CHECK_INT(report_rating_write(store, &wang, 2, &o, &r, &err), LD_OK);
    in_tx(LD_OK);
    report_signer_free(signer);
    report_verification v;
    CHECK_INT(verify_db("revoked.xlsx", &v, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "revoked");
}

static const char *inspection_json =
    "{\"kind\":\"routine\",\"date\":\"2025-05-20\",\"site_visit\":true,"
    "\"operations\":\"经营正常，订单稳定\",\"repayment_capacity\":\"现金流可覆盖本息\","
    "\"guarantors\":[],"
    "\"collateral\":[{\"description\":\"厂房\",\"in_place\":true,\"custody\":\"借款人自用\","
    "\"revalued_amount\":\"8000000.00\",\"revalued_on\":\"2025-05-10\"}],"
    "\"repayment_behaviour\":\"按期还款\",\"findings\":\"未见异常\","
    "\"risk_signals\":[\"revenue_drop\"],\"recommended_category\":\"special_mention\","
    "\"category_reason\":\"收入下降\",\"next_inspection\":\"2025-06-20\"}";

static void test_inspection_add_validates_and_reports(void)
{
    ld_error err;
    cJSON *in = cJSON_Parse(inspection_json);
    int64_t id = 0;
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(ledger_inspection_add(store, &wang, loan2, in, &id, &err), LD_EPERM);
    CHECK_INT(in_tx(ledger_inspection_add(store, &chen, loan2, in, &id, &err)), LD_OK);
    CHECK(id > 0);
    /* An unknown risk signal is named with its path. */
    cJSON *signals = cJSON_GetObjectItemCaseSensitive(in, "risk_signals");
    cJSON_AddItemToArray(signals, cJSON_CreateString("moon_phase"));
    int64_t id2 = 0;
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(ledger_inspection_add(store, &chen, loan2, in, &id2, &err)), LD_EINVAL);
    CHECK_CONTAINS(err.message, "risk_signals[1]");
    CHECK_CONTAINS(err.message, "moon_phase");
    cJSON_Delete(in);
    /* The stored record carries the LTV now. */
    cJSON *got = NULL;
    CHECK_INT(ledger_inspection_get(store, &zhao, loan2, 0, &got, &err), LD_OK);
    const cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(got, "collateral"), 0);
    CHECK(cJSON_GetObjectItemCaseSensitive(c0, "ltv_bp") != NULL);
    cJSON_Delete(got);
    /* The workbook, signed by the officer. */
    char path[400];
    path_in(path, sizeof path, "inspection.xlsx");
    report_signer *signer = NULL;
    report_result r;
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(report_signer_open(store, &chen, "Chen2026pass", &signer, &err), LD_OK);
    report_options o = {.path = path, .signer = signer};
    CHECK_INT(in_tx(report_inspection_write(store, &chen, loan2, 0, &o, &r, &err)), LD_OK);
    report_signer_free(signer);
    char *wb = zip_part(path, "xl/workbook.xml");
    CHECK_CONTAINS(wb, "name=\"检查报告\"");
    CHECK_CONTAINS(wb, "name=\"还款情况\"");
    CHECK_CONTAINS(wb, "name=\"签名\"");
    free(wb);
    char *strings = zip_part(path, "xl/sharedStrings.xml");
    CHECK_CONTAINS(strings, "营业收入明显下降");
    CHECK_CONTAINS(strings, "关注");
    free(strings);
    CHECK_INT(openssl_verify("inspection.xlsx"), 0);
    report_verification v;
    CHECK_INT(verify_db("inspection.xlsx", &v, &err), LD_OK);
    CHECK_STR(v.kind, "inspection");
    /* Due list: loan 1 was never inspected and is past its first deadline. */
    ld_date d;
    ld_date_parse("d", "2025-05-31", &d, NULL);
    cJSON *due = NULL;
    CHECK_INT(ledger_inspection_due(store, &zhao, d, &due, &err), LD_OK);
    bool saw1 = false, saw2 = false;
    const cJSON *row;
    cJSON_ArrayForEach(row, due)
    {
        int64_t l = (int64_t)cJSON_GetObjectItemCaseSensitive(row, "loan_id")->valuedouble;
        saw1 = saw1 || l == loan1;
        saw2 = saw2 || l == loan2;
    }
    CHECK(saw1);
    CHECK(!saw2); /* inspected on 05-20, next planned 06-20 */
    cJSON_Delete(due);
}

static void test_ledger_workbook_streams_loans_and_journal(void)
{
    ld_error err;
    char path[400];
    path_in(path, sizeof path, "ledger.xlsx");
    report_signer *signer = NULL;
    report_result r;
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(report_signer_open(store, &zhao, "Zhao2026pass", &signer, &err), LD_OK);
    report_options o = {.path = path, .signer = signer};
    CHECK_INT(in_tx(report_ledger_write(store, &zhao, INT32_MIN, INT32_MIN, &o, &r, &err)), LD_OK);
    report_signer_free(signer);
    char *loans = sheet_xml(path, "台帐");
    /* constant_memory writes strings inline. */
    CHECK_CONTAINS(loans, "t=\"inlineStr\"");
    CHECK_CONTAINS(loans, "<autoFilter ref=\"A1:Q3\"/>");
    /* The contract number fits its column (it was cut); both loans are past
     * due and 次级: overdue, never 正常还款; a totals row. */
    CHECK(col_width(loans, 1) >= 18);
    CHECK_CONTAINS(loans, "<t>逾期</t>");
    CHECK(loans != NULL && strstr(loans, "<t>正常还款</t>") == NULL);
    CHECK_CONTAINS(loans, "<c r=\"A4\" s=");
    CHECK_CONTAINS(loans, "<t>合计</t>");
    CHECK_CONTAINS(loans, "ySplit=\"1\"");
    free(loans);
    char *journal = sheet_xml(path, "会计分录");
    CHECK_CONTAINS(journal, "1301.01");
    CHECK_CONTAINS(journal, "<t>贷款—正常</t>");
    CHECK_CONTAINS(journal, "<t>放款</t>");
    CHECK_CONTAINS(journal, "<t>PCL 个人消费贷款</t>");
    CHECK(journal != NULL && strstr(journal, "<t>disbursement</t>") == NULL);
    free(journal);
    CHECK_INT(openssl_verify("ledger.xlsx"), 0);
    report_verification v;
    CHECK_INT(verify_db("ledger.xlsx", &v, &err), LD_OK);
    /* Officers may not read the whole ledger. */
    path_in(path, sizeof path, "ledger-chen.xlsx");
    report_options o2 = {.path = path};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_ledger_write(store, &chen, INT32_MIN, INT32_MIN, &o2, &r, &err)),
              LD_EPERM);
}

static void test_portfolio_workbook_has_charts_and_migration(void)
{
    ld_error err;
    ld_date d;
    ld_date_parse("d", "2025-05-31", &d, NULL);
    char path[400];
    path_in(path, sizeof path, "portfolio.xlsx");
    report_result r;
    report_options o = {.path = path, .lang = REPORT_LANG_EN};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_portfolio_write(store, &sun, d, 0, &o, &r, &err)), LD_OK);
    char *wb = zip_part(path, "xl/workbook.xml");
    CHECK_CONTAINS(wb, "name=\"By category\"");
    CHECK_CONTAINS(wb, "name=\"Migration\"");
    CHECK_CONTAINS(wb, "name=\"Concentration\"");
    CHECK_CONTAINS(wb, "name=\"Vintages\"");
    free(wb);
    char *chart = zip_part(path, "xl/charts/chart1.xml");
    CHECK_CONTAINS(chart, "<c:barChart>");
    free(chart);
    /* No earlier portfolio report was run: the period comes from the log.
     * Since defaults to 2025-02-28, when both loans were 关注 (overdue since
     * 02-16); both became 次级 on 05-17 (91 days past due). */
    char *mig = sheet_xml(path, "Migration");
    CHECK(cell_is(mig, "B1", "45716")); /* 2025-02-28 */
    CHECK(cell_is(mig, "D6", "2"));     /* 关注 -> 次级 */
    CHECK(cell_is(mig, "C6", "0"));
    CHECK(cell_is(mig, "I6", "2")); /* loans at start */
    CHECK(cell_is(mig, "B5", "0"));
    free(mig);
}

/* The loans' history replayed from the log: a settlement moves one loan off
 * the book while the other stays 次级; vintages count a default in the month
 * on book it happened in and keep counting it after settlement. */
static void test_portfolio_history_migration_and_vintages(void)
{
    ld_error err;
    ld_date d, since;
    ld_date_parse("d", "2025-06-01", &d, NULL);
    ld_date_parse("d", "2025-01-31", &since, NULL);
    ld_money paid = 0;
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(ledger_loan_settle(store, &zhao, loan1, d, &paid, &err)), LD_OK);
    char path[400];
    path_in(path, sizeof path, "portfolio-history.xlsx");
    report_result r;
    report_options o = {.path = path, .lang = REPORT_LANG_EN};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_portfolio_write(store, &sun, d, since, &o, &r, &err)), LD_OK);
    char *mig = sheet_xml(path, "Migration");
    CHECK(cell_is(mig, "B1", "45688")); /* 2025-01-31 */
    CHECK(cell_is(mig, "B2", "45809")); /* 2025-06-01 */
    CHECK(cell_is(mig, "B5", "0"));     /* 正常 -> 正常 */
    CHECK(cell_is(mig, "D5", "1"));     /* 正常 -> 次级: loan 2 */
    CHECK(cell_is(mig, "G5", "1"));     /* 正常 -> settled: loan 1 */
    CHECK(cell_is(mig, "H5", "0"));     /* written off */
    CHECK(cell_is(mig, "I5", "2"));
    CHECK(cell_is(mig, "J5", "5300000")); /* principal at start, 300,000 + 5,000,000 */
    CHECK(cell_is(mig, "I6", "0"));       /* nothing was 关注 at the start */
    free(mig);
    char *vin = sheet_xml(path, "Vintages");
    /* Cohort 2025-01, disbursed 01-15: months on book 1..5 by 06-01; both
     * loans became 次级 on 05-17, in month 5 (05-15 .. 06-14). */
    CHECK(cell_is(vin, "B2", "1"));
    CHECK(cell_is(vin, "C2", "2"));
    CHECK(cell_is(vin, "D2", "5300000"));
    CHECK(cell_is(vin, "E5", "0")); /* month 4 */
    CHECK(cell_is(vin, "H5", "0"));
    CHECK(cell_is(vin, "B6", "5"));
    CHECK(cell_is(vin, "E6", "2"));
    CHECK(cell_is(vin, "F6", "5300000"));
    CHECK(cell_is(vin, "G6", "1"));
    CHECK(cell_is(vin, "H6", "1"));
    CHECK(vin != NULL && strstr(vin, "r=\"A7\"") == NULL);
    free(vin);
    char *chart = zip_part(path, "xl/charts/chart7.xml");
    CHECK_CONTAINS(chart, "<c:lineChart>");
    CHECK_CONTAINS(chart, "$B$2:$B$6");
    CHECK_CONTAINS(chart, "$H$2:$H$6");
    CHECK_CONTAINS(chart, "2025-01"); /* the cohort names its series */
    free(chart);
}

static void test_cli_report_and_verify(void)
{
    CHECK_INT(status_of("cd %s && LOANDESK_USER=wang LOANDESK_PASSWORD=Wang2026pass %s report "
                        "rating 2 -o cli.xlsx --lang en >/dev/null",
                        dir, LOANDESK_BIN),
              0);
    CHECK_INT(status_of("cd %s && %s verify cli.xlsx --ca ca.pem >/dev/null", dir, LOANDESK_BIN),
              0);
    CHECK_INT(status_of("cd %s && LOANDESK_USER=sun LOANDESK_PASSWORD=Sun2026pass %s verify "
                        "cli.xlsx --ca ca.pem >/dev/null",
                        dir, LOANDESK_BIN),
              0);
    CHECK_INT(status_of("cd %s && LOANDESK_USER=chen LOANDESK_PASSWORD=Chen2026pass %s inspection "
                        "due --date 2025-12-31 >/dev/null",
                        dir, LOANDESK_BIN),
              0);
}

/* Every sheet prints one page wide on one paper with its header row repeated,
 * and the page header and footer name the institution, report, business
 * date, page N of M and signer. */
static void test_sheets_are_print_ready(void)
{
    char path[400];
    path_in(path, sizeof path, "inspection.xlsx");
    char *wb = zip_part(path, "xl/workbook.xml");
    CHECK_CONTAINS(wb, "_xlnm.Print_Area");
    CHECK_CONTAINS(wb, "_xlnm.Print_Titles\" localSheetId=\"1\">'还款情况'!$");
    free(wb);
    const char *sheets[] = {"检查报告", "还款情况", "签名"};
    for (int i = 0; i < 3; i++) {
        char *x = sheet_xml(path, sheets[i]);
        CHECK_CONTAINS(x, "<pageSetUpPr fitToPage=\"1\"/>");
        CHECK_CONTAINS(x, "<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"portrait\"");
        CHECK_CONTAINS(x, "<oddHeader>&amp;L示范银行&amp;C贷后检查报告 HT");
        CHECK_CONTAINS(x, "&amp;R业务日期 2025-05-20</oddHeader>");
        CHECK_CONTAINS(x, "<oddFooter>&amp;L签名人：chen&amp;C第 &amp;P 页，共 &amp;N 页");
        free(x);
    }
    /* Long hashes wrap inside a wide cell of the signature sheet. */
    char *sig = sheet_xml(path, "签名");
    CHECK(col_width(sig, 2) >= 70);
    CHECK_CONTAINS(sig, "<mergeCell ref=\"B7:C7\"/>");
    free(sig);
    /* The portfolio: charts on worksheets of their own, the workbook on one
     * paper; English labels whole. */
    path_in(path, sizeof path, "portfolio.xlsx");
    char *summary = sheet_xml(path, "Summary");
    CHECK(col_width(summary, 1) >= 29); /* "Top-10 borrower concentration" */
    CHECK_CONTAINS(summary, "orientation=");
    free(summary);
    char *chart_sheet = sheet_xml(path, "By category chart");
    CHECK_CONTAINS(chart_sheet, "<drawing r:id=");
    /* One page wide and one tall. */
    CHECK_CONTAINS(chart_sheet, "<pageSetUpPr fitToPage=\"1\"/>");
    CHECK(chart_sheet != NULL && strstr(chart_sheet, "fitToHeight") == NULL);
    free(chart_sheet);
    char *strings = zip_part(path, "xl/sharedStrings.xml");
    CHECK_CONTAINS(strings, "<t>Balance of overdue loans</t>");
    CHECK_CONTAINS(strings, "<t>Principal overdue</t>");
    free(strings);
}

/* Code values as words, numbers as numbers (the rating of application 2:
 * interest only, approve, fee up front). */
static void test_codes_in_words_numbers_as_numbers(void)
{
    char path[400];
    path_in(path, sizeof path, "rating.xlsx");
    char *strings = zip_part(path, "xl/sharedStrings.xml");
    CHECK_CONTAINS(strings, "<t>按月付息、到期还本</t>");
    CHECK_CONTAINS(strings, "<t>同意</t>");
    CHECK_CONTAINS(strings, "<t>放款时一次收取</t>");
    CHECK_CONTAINS(strings, "<t>企业评分卡</t>");
    CHECK_CONTAINS(strings, "<t>区间</t>");
    const char *codes[] = {"<t>interest_only</t>", "<t>approve</t>",    "<t>upfront</t>",
                           "<t>enterprise</t>",    "<t>range</t>",      "<t>reviewer</t>",
                           "<t>debt_to_asset</t>", "<t>tax_rating</t>", "<t>SWC</t>"};
    for (int i = 0; i < 9; i++)
        CHECK(strings != NULL && strstr(strings, codes[i]) == NULL);
    free(strings);
    /* The facts that were missing are listed, and the reasons they cost are
     * marked as lost for want of data (application 2 has no tax rating and
     * no interest coverage). */
    char *reasons = sheet_xml(path, "原因代码");
    char *shared = zip_part(path, "xl/sharedStrings.xml");
    CHECK_CONTAINS(shared, "<t>缺少数据</t>");
    CHECK_CONTAINS(shared, "<t>原因（缺少数据）</t>");
    CHECK_CONTAINS(shared, "<t>缺少数据：纳税信用等级</t>");
    CHECK_CONTAINS(shared, "<t>利息保障倍数</t>");
    int missing_rows = 0;
    for (const char *p = reasons; p != NULL && (p = strstr(p, "<row ")) != NULL; p++)
        missing_rows++;
    CHECK(missing_rows >= 5); /* heading, reasons, the two missing facts */
    free(shared);
    free(reasons);
    /* The signature sheet's anchored ledger size is a number. */
    char *sig = sheet_xml(path, "签名");
    CHECK(sig != NULL && strstr(sig, "<c r=\"B8\" s=") != NULL &&
          strstr(sig, "<c r=\"B8\" t=\"s\"") == NULL);
    free(sig);
}

/* The ledger workbook's totals tie to the trial balance (loans control
 * accounts) and to each loan as `loan show` gives it. */
static void test_ledger_totals_tie_to_trial_balance_and_loans(void)
{
    ld_error err;
    char path[400];
    path_in(path, sizeof path, "ledger-tie.xlsx");
    report_result r;
    report_options o = {.path = path};
    ld_date d;
    ld_date_parse("d", "2025-05-31", &d, NULL);
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_ledger_write(store, &sun, INT32_MIN, d, &o, &r, &err)), LD_OK);
    ld_money principal = 0, from_loans = 0;
    cJSON *tb = NULL;
    CHECK_INT(ledger_trial_balance(store, &sun, d, &tb, &err), LD_OK);
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(tb, "accounts"))
    {
        const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "account"));
        ld_money m = 0;
        if (code != NULL && strncmp(code, "1301.", 5) == 0 &&
            ld_money_parse("balance",
                           cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "balance")), &m,
                           NULL) == LD_OK)
            principal += m;
    }
    cJSON_Delete(tb);
    int64_t ids[] = {loan1, loan2};
    for (int i = 0; i < 2; i++) {
        cJSON *l = NULL;
        CHECK_INT(ledger_loan_show(store, &zhao, ids[i], &l, &err), LD_OK);
        const cJSON *bal = cJSON_GetObjectItemCaseSensitive(l, "balances");
        ld_money m = 0;
        if (ld_money_parse("p",
                           cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bal, "principal")),
                           &m, NULL) == LD_OK)
            from_loans += m;
        cJSON_Delete(l);
    }
    CHECK(principal > 0);
    CHECK_INT(principal, from_loans);
    /* Row 4 of the loans sheet is the totals row; I is the principal. */
    char *loans = sheet_xml(path, "台帐");
    char want[32];
    money_xml(principal, want, sizeof want);
    CHECK(cell_is(loans, "I4", want));
    free(loans);
    char *summary = sheet_xml(path, "汇总");
    CHECK(cell_is(summary, "B7", want)); /* 本金余额合计 */
    free(summary);
    /* The portfolio on the same day: its principal outstanding. */
    path_in(path, sizeof path, "portfolio-tie.xlsx");
    report_options po = {.path = path};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_portfolio_write(store, &sun, d, 0, &po, &r, &err)), LD_OK);
    char *ps = sheet_xml(path, "概要");
    CHECK(cell_is(ps, "B4", want)); /* 本金余额 */
    free(ps);
    /* The inspection's balances are the loan's as `loan show` gives them. */
    cJSON *l = NULL;
    CHECK_INT(ledger_loan_show(store, &zhao, loan2, &l, &err), LD_OK);
    const char *p2 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(l, "balances"), "principal"));
    ld_money m2 = 0;
    CHECK(p2 != NULL && ld_money_parse("p", p2, &m2, NULL) == LD_OK);
    cJSON_Delete(l);
    path_in(path, sizeof path, "inspection-tie.xlsx");
    report_options io = {.path = path};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_inspection_write(store, &chen, loan2, 0, &io, &r, &err)), LD_OK);
    char *rep = sheet_xml(path, "还款情况");
    money_xml(m2, want, sizeof want);
    CHECK(cell_is(rep, "C1", want)); /* 本金余额 */
    free(rep);
}

/* A cohort exactly five months old has five months on book, no sixth. */
static void test_vintage_months_bounded_by_age(void)
{
    ld_error err;
    ld_date d;
    ld_date_parse("d", "2025-06-15", &d, NULL);
    char path[400];
    path_in(path, sizeof path, "portfolio-age.xlsx");
    report_result r;
    report_options o = {.path = path, .lang = REPORT_LANG_EN};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_portfolio_write(store, &sun, d, 0, &o, &r, &err)), LD_OK);
    char *vin = sheet_xml(path, "Vintages");
    CHECK(cell_is(vin, "B6", "5"));
    CHECK(vin != NULL && strstr(vin, "r=\"A7\"") == NULL);
    free(vin);
}

/* 贷前调查报告: signed by the application's officer; the sections in words. */
static void test_investigation_report(void)
{
    ld_error err;
    char path[400];
    path_in(path, sizeof path, "investigation.xlsx");
    report_signer *signer = NULL;
    report_result r;
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(report_signer_open(store, &chen, "Chen2026pass", &signer, &err), LD_OK);
    report_options o = {.path = path, .signer = signer};
    CHECK_INT(in_tx(report_investigation_write(store, &chen, 2, &o, &r, &err)), LD_OK);
    report_signer_free(signer);
    CHECK(r.is_signed);
    CHECK_STR(r.signer, "chen");
    CHECK_INT(openssl_verify("investigation.xlsx"), 0);
    report_verification v;
    CHECK_INT(verify_db("investigation.xlsx", &v, &err), LD_OK);
    CHECK_STR(v.kind, "investigation");
    char *strings = zip_part(path, "xl/sharedStrings.xml");
    CHECK_CONTAINS(strings, "苏州华鑫精密机械有限公司");
    CHECK_CONTAINS(strings, "<t>连带责任保证</t>");
    CHECK_CONTAINS(strings, "<t>机器设备</t>");
    CHECK_CONTAINS(strings, "<t>向应收账款债务人直接收取</t>");
    CHECK_CONTAINS(strings, "<t>流动比率</t>");
    CHECK_CONTAINS(strings, "<t>调查人意见</t>");
    CHECK_CONTAINS(strings, "<t>放款时一次收取</t>");
    free(strings);
    /* The current ratio of 2025: 43,000,000 / 27,500,000, a number. */
    char *x = sheet_xml(path, "调查报告");
    CHECK_CONTAINS(x, "<v>1.5636363636363");
    free(x);
    /* A reviewer may write it too; the result is the same report. */
    path_in(path, sizeof path, "investigation-en.xlsx");
    report_options o2 = {.path = path, .lang = REPORT_LANG_EN};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_investigation_write(store, &wang, 2, &o2, &r, &err)), LD_OK);
    char *en = zip_part(path, "xl/sharedStrings.xml");
    CHECK_CONTAINS(en, "<t>Joint and several</t>");
    CHECK_CONTAINS(en, "<t>Current ratio</t>");
    free(en);
    /* No such application. */
    path_in(path, sizeof path, "investigation-none.xlsx");
    report_options o3 = {.path = path};
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(in_tx(report_investigation_write(store, &chen, 999, &o3, &r, &err)), LD_ENOTFOUND);
}

int main(int argc, char **argv)
{
    setup();
    static const check_case cases[] = {
        {"rating_workbook_has_sheets_formats_and_verifies",
         test_rating_workbook_has_sheets_formats_and_verifies},
        {"english_labels", test_english_labels},
        {"reports_appear_whole_or_not_at_all", test_reports_appear_whole_or_not_at_all},
        {"same_data_gives_same_bytes", test_same_data_gives_same_bytes},
        {"changed_byte_is_caught", test_changed_byte_is_caught},
        {"swapped_or_broken_signature_is_caught", test_swapped_or_broken_signature_is_caught},
        {"another_users_signature_is_caught", test_another_users_signature_is_caught},
        {"report_absent_from_ledger_is_caught", test_report_absent_from_ledger_is_caught},
        {"inspection_add_validates_and_reports", test_inspection_add_validates_and_reports},
        {"ledger_workbook_streams_loans_and_journal",
         test_ledger_workbook_streams_loans_and_journal},
        {"portfolio_workbook_has_charts_and_migration",
         test_portfolio_workbook_has_charts_and_migration},
        {"cli_report_and_verify", test_cli_report_and_verify},
        {"revoked_signer_does_not_verify", test_revoked_signer_does_not_verify},
        {"sheets_are_print_ready", test_sheets_are_print_ready},
        {"codes_in_words_numbers_as_numbers", test_codes_in_words_numbers_as_numbers},
        {"ledger_totals_tie_to_trial_balance_and_loans",
         test_ledger_totals_tie_to_trial_balance_and_loans},
        {"vintage_months_bounded_by_age", test_vintage_months_bounded_by_age},
        {"investigation_report", test_investigation_report},
        {"portfolio_history_migration_and_vintages", test_portfolio_history_migration_and_vintages},
    };
    int rc = CHECK_RUN(argc, argv, cases);
    core_store_close(store);
    if (rc == 0)
        run("rm -rf %s", dir);
    return rc;
}
