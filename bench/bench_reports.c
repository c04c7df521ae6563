/*
 * bench_reports.c - throughput of the workbooks (issue 5, "Benchmark").
 *
 * 1. The ledger workbook for N loans (default 1,000,000) through
 *    report_ledger_writer, against a bare libxlsxwriter loop in constant_memory
 *    mode writing the same cells (same strings, numbers, dates and formats)
 *    in the same run: cells/s of each and their ratio (target >= 0.7). Each
 *    runs in a child process so its peak memory (ru_maxrss) is its own
 *    (target < 64 MiB for the workbook).
 * 2. Signed inspection-sized workbooks per second (target >= 50): a rating
 *    workbook written and signed in a :memory:-free temporary database is not
 *    needed for the figure; the writer, the hash and the CMS signature are
 *    what cost, so a small workbook is written through the same book wrapper
 *    and signed with core_pki_cms_sign.
 *
 * Rows are generated (a realistic spread of names, products and balances);
 * reading them from SQLite is the ledger's cost and is not counted here.
 *
 * usage: bench_reports [LOANS] [SIGNED_WORKBOOKS]
 */
/* wait4 gives each child's own peak memory. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "inspection.h"
#include "pki.h"
#include "report.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const products[] = {"consumer", "business", "mortgage", "auto"};
static const char *const officers[] = {"chen", "liu", "zhou", "wu", "zheng"};
static const char *const grades[] = {"AAA", "AA", "A", "BBB", "BB", "B", "CCC"};
static const char *const cats_zh[] = {"正常", "关注", "次级", "可疑", "损失"};

static void make_loan(int64_t i, ledger_report_loan *l)
{
    memset(l, 0, sizeof *l);
    l->id = i + 1;
    snprintf(l->contract_no, sizeof l->contract_no, "HT20250115-%07lld", (long long)(i + 1));
    snprintf(l->borrower_name, sizeof l->borrower_name, "借款人%06lld", (long long)(i % 400000));
    snprintf(l->officer, sizeof l->officer, "%s", officers[i % 5]);
    snprintf(l->product, sizeof l->product, "%s", products[i % 4]);
    snprintf(l->grade, sizeof l->grade, "%s", grades[i % 7]);
    l->disbursed_on = 20000 + (ld_date)(i % 700);
    l->amount = 1000000 + (i * 7919) % 50000000;
    l->rate = 35000 + (i % 20) * 1000;
    l->principal = l->amount - (i * 31) % (l->amount / 2);
    bool overdue = i % 10 == 0;
    l->principal_due = overdue ? l->principal / 12 : 0;
    l->interest_due = overdue ? l->principal / 200 : 0;
    l->accrued = l->principal / 1000;
    l->penalty = overdue ? 1234 : 0;
    l->dpd = overdue ? (i % 400) : 0;
    l->category = overdue ? (l->dpd > 360 ? 4 : l->dpd > 270 ? 3 : l->dpd > 90 ? 2 : 1) : 0;
    l->status = 0;
    l->next_inspection = 20800 + (ld_date)(i % 90);
}

/* The same 17 cells per loan, written straight to libxlsxwriter. */
static int bare_loop(const char *path, int64_t n)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "台帐");
    lxw_format *money = workbook_add_format(wb), *date = workbook_add_format(wb),
               *rate = workbook_add_format(wb), *intf = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00");
    format_set_num_format(date, "yyyy-mm-dd");
    format_set_num_format(rate, "0.0000%");
    format_set_num_format(intf, "#,##0");
    for (int c = 0; c < 17; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, "header", NULL);
    ledger_report_loan l;
    for (int64_t i = 0; i < n; i++) {
        make_loan(i, &l);
        lxw_row_t r = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, r, 0, l.contract_no, NULL);
        worksheet_write_string(ws, r, 1, l.borrower_name, NULL);
        worksheet_write_string(ws, r, 2, l.officer, NULL);
        worksheet_write_string(ws, r, 3, l.product, NULL);
        worksheet_write_string(ws, r, 4, l.grade, NULL);
        int y, m, d;
        ld_date_to_ymd(l.disbursed_on, &y, &m, &d);
        lxw_datetime dt = {.year = y, .month = m, .day = d};
        worksheet_write_datetime(ws, r, 5, &dt, date);
        worksheet_write_number(ws, r, 6, (double)l.amount / 100.0, money);
        worksheet_write_number(ws, r, 7, (double)l.rate / 1e6, rate);
        worksheet_write_number(ws, r, 8, (double)l.principal / 100.0, money);
        worksheet_write_number(ws, r, 9, (double)l.principal_due / 100.0, money);
        worksheet_write_number(ws, r, 10, (double)l.interest_due / 100.0, money);
        worksheet_write_number(ws, r, 11, (double)l.accrued / 100.0, money);
        worksheet_write_number(ws, r, 12, (double)(l.penalty + l.compound) / 100.0, money);
        worksheet_write_number(ws, r, 13, (double)l.dpd, intf);
        worksheet_write_string(ws, r, 14, cats_zh[l.category], NULL);
        worksheet_write_string(ws, r, 15, "正常还款", NULL);
        ld_date_to_ymd(l.next_inspection, &y, &m, &d);
        lxw_datetime nx = {.year = y, .month = m, .day = d};
        worksheet_write_datetime(ws, r, 16, &nx, date);
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

static int report_loop(const char *path, int64_t n)
{
    report_options o = {.path = path};
    report_ledger_writer *w = NULL;
    ld_error err;
    if (report_ledger_writer_open(&o, 20000, 21000, 21000, &w, &err) != LD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    ledger_report_loan l;
    for (int64_t i = 0; i < n; i++) {
        make_loan(i, &l);
        report_ledger_writer_loan(w, &l, &err);
    }
    int64_t rows = 0;
    if (report_ledger_writer_close(w, &rows, &err) != LD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    return 0;
}

/* Runs one loop in a child; returns seconds, and the child's peak RSS in KiB. */
static double in_child(int (*fn)(const char *, int64_t), const char *path, int64_t n,
                       long *maxrss_kib)
{
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn(path, n));
    int status = 0;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    double t = now_s() - t0;
    *maxrss_kib = ru.ru_maxrss;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "child failed\n");
        exit(1);
    }
    return t;
}

static int signed_workbooks(int count, const char *dir)
{
    /* A CA and a signer made on the spot: the cost measured is the writer,
     * the file hash and the CMS signature. */
    ld_error err;
    core_pki_key *ca_key = NULL, *key = NULL;
    char *ca_pem = NULL, *cert = NULL;
    core_pki_subject ca_subject = {.common_name = "bench CA"};
    core_pki_subject subject = {.common_name = "bench", .org_unit = "officer"};
    if (core_pki_key_generate(&ca_key, &err) != LD_OK ||
        core_pki_ca_cert_create(ca_key, &ca_subject, 3650, time(NULL) - 60, &ca_pem, &err) !=
            LD_OK ||
        core_pki_key_generate(&key, &err) != LD_OK ||
        core_pki_cert_issue(ca_key, ca_pem, strlen(ca_pem), key, &subject, 365, time(NULL) - 60,
                            &cert, &err) != LD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double t0 = now_s();
    for (int k = 0; k < count; k++) {
        char path[512];
        snprintf(path, sizeof path, "%s/inspection-%d.xlsx", dir, k);
        report_options o = {.path = path};
        report_ledger_writer *w = NULL;
        if (report_ledger_writer_open(&o, 20000, 21000, 21000, &w, &err) != LD_OK)
            return 1;
        ledger_report_loan l;
        /* About the size of an inspection report: a schedule of 36 rows. */
        for (int i = 0; i < 36; i++) {
            make_loan(k * 36 + i, &l);
            report_ledger_writer_loan(w, &l, &err);
        }
        int64_t rows;
        if (report_ledger_writer_close(w, &rows, &err) != LD_OK)
            return 1;
        FILE *f = fopen(path, "rb");
        static unsigned char buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        unsigned char *der = NULL;
        size_t der_len = 0;
        if (core_pki_cms_sign(key, cert, strlen(cert), ca_pem, strlen(ca_pem), buf, len, time(NULL),
                              &der, &der_len, &err) != LD_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        char p7s[600];
        snprintf(p7s, sizeof p7s, "%s.p7s", path);
        f = fopen(p7s, "wb");
        fwrite(der, 1, der_len, f);
        fclose(f);
        free(der);
    }
    double t = now_s() - t0;
    printf("signed inspection-sized workbooks: %d in %.2f s = %.1f /s (target >= 50/s)\n", count, t,
           count / t);
    core_pki_key_free(ca_key);
    core_pki_key_free(key);
    free(ca_pem);
    free(cert);
    return 0;
}

int main(int argc, char **argv)
{
    int64_t n = argc > 1 ? strtoll(argv[1], NULL, 10) : 1000000;
    int count = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 200;
    char dir[] = "/tmp/bench-reports-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/bare.xlsx", dir);
    snprintf(b, sizeof b, "%s/ledger.xlsx", dir);
    long rss_bare = 0, rss_report = 0;
    double t_bare = in_child(bare_loop, a, n, &rss_bare);
    double t_report = in_child(report_loop, b, n, &rss_report);
    double cells = (double)n * 17;
    printf("ledger workbook, %lld loans, %.0f cells\n", (long long)n, cells);
    printf("  bare libxlsxwriter loop: %.2f s, %.0f cells/s, peak RSS %.1f MiB\n", t_bare,
           cells / t_bare, rss_bare / 1024.0);
    printf("  report_ledger_writer:    %.2f s, %.0f cells/s, peak RSS %.1f MiB (target < 64)\n",
           t_report, cells / t_report, rss_report / 1024.0);
    printf("  ratio: %.2f (target >= 0.70)\n", t_bare / t_report);
    int rc = signed_workbooks(count, dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return rc;
}
