/*
 * test_golden.c - the workbooks of a fixed book compared byte for byte with
 * the copies committed under tests/golden/.
 *
 * The book is the demo's walkthrough played through the operations API with
 * a fixed wall clock and business dates: two loans disbursed on 2026-05-25,
 * six months of repayments (华鑫 stops paying in September) with a close of
 * business at each month's end, two post-loan inspections. On 2026-11-25 every
 * workbook is written in both languages, unsigned (signing keys are made
 * afresh with each book; what is compared is the workbook, whose signature
 * sheet names its anchor in the ledger, which is as fixed as the clock).
 *
 * A difference names the workbook, the zip member and, for a worksheet, the
 * sheet and the first cell that differs. LOANDESK_GOLDEN_UPDATE=1 writes the
 * new workbooks into tests/golden/ instead (scripts/golden.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_fixture.h"
#include "check.h"
#include "loandesk/admin.h"
#include "loandesk/api.h"
#include "loandesk/origination.h"
#include "loandesk/reports.h"
#include "loandesk/servicing.h"

#define ADMIN_PW      "Admin2026pass"
#define CA_PASSPHRASE "Golden-custodians-2026"
#define FIRST_PW      "First-pass-2026"
#define DEMO          LOANDESK_SOURCE_DIR "/scripts/demo"
#define GOLDEN        LOANDESK_SOURCE_DIR "/tests/golden"

static char dir[256], db[320];
/* The ledger root the workbooks are anchored at: the book's log records its
 * certificates, whose keys are random, so the root differs from one build of
 * the book to the next. Each side's own root is masked before the members are
 * compared, and the golden copies' root is kept beside them. */
static char root_now[80], root_golden[80];

enum { OFFICER, REVIEWER, MANAGER, USERS };
static const char *const names[USERS] = {"chen", "wang", "zhao"};
static const char *const roles[USERS] = {"officer", "reviewer", "manager"};
static const char *const passwords[USERS] = {"Chen2026pass", "Wang2026pass", "Zhao2026pass"};
static char tokens[USERS][LD_SESSION_TOKEN_MAX];

static ld_api *api;
static ld_session *who[USERS];

static int64_t fixed_wall(void *context)
{
    (void)context;
    return 1795000000; /* 2026-11-18T09:46:40Z */
}

static void die(const char *what, const ld_error *err)
{
    fprintf(stderr, "setup: %s: %s\n", what, err != NULL ? err->message : "");
    exit(99);
}

static void done(cJSON *out)
{
    cJSON_Delete(out);
}

/* Opens the book on business date `date`, the three users resumed. */
static void open_on(const char *date)
{
    for (int i = 0; i < USERS; i++)
        ld_session_free(who[i]);
    ld_api_close(api);
    ld_clock clock = {.business_date = date, .wall_now = fixed_wall};
    ld_error err;
    if (ld_api_open(db, &clock, &api, &err) != LD_OK)
        die("open", &err);
    for (int i = 0; i < USERS; i++)
        if (ld_session_resume(api, tokens[i], &who[i], &err) != LD_OK)
            die("resume", &err);
}

static cJSON *record(const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DEMO, file);
    cJSON *r = NULL;
    ld_error err;
    if (ld_record_from_file(path, &r, &err) != LD_OK)
        die(file, &err);
    return r;
}

static void must(ld_status st, const char *what, const ld_error *err)
{
    if (st != LD_OK)
        die(what, err);
}

static void make_book(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/loandesk-golden.XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        die("mkdtemp", NULL);
    snprintf(db, sizeof db, "%s/loandesk.db", dir);
    ld_clock clock = {.business_date = "2026-05-20", .wall_now = fixed_wall};
    ld_init_spec spec = {.admin_username = "admin",
                         .admin_full_name = "管理员",
                         .admin_password = ADMIN_PW,
                         .institution = "示范商业银行",
                         .policy_path = LOANDESK_SOURCE_DIR "/policy/default.json",
                         .products_path = LOANDESK_SOURCE_DIR "/policy/products.json",
                         .ca_passphrase = CA_PASSPHRASE};
    ld_error err;
    cJSON *out = NULL;
    must(ld_api_init(db, &clock, &spec, &api, &out, &err), "init", &err);
    done(out);
    ld_session *admin = NULL;
    must(ld_session_login(api, "admin", ADMIN_PW, &admin, &err), "admin", &err);
    static const char *const full[USERS] = {"陈晓", "王敏", "赵强"};
    for (int i = 0; i < USERS; i++) {
        ld_user_spec u = {
            .username = names[i], .full_name = full[i], .role = roles[i], .password = FIRST_PW};
        must(ld_user_add(admin, &u, CA_PASSPHRASE, &out, &err), names[i], &err);
        done(out);
        ld_session *s = NULL;
        must(ld_session_login(api, names[i], FIRST_PW, &s, &err), names[i], &err);
        must(ld_user_passwd(s, NULL, passwords[i], FIRST_PW, &out, &err), "passwd", &err);
        done(out);
        ld_session_free(s);
        must(ld_session_login(api, names[i], passwords[i], &who[i], &err), names[i], &err);
        must(ld_session_token_issue(who[i], tokens[i], &err), "token", &err);
    }
    ld_session_free(admin);
    /* The walkthrough's two customers, their applications and ratings. */
    const char *files[2][2] = {{"borrower-zhang.json", "app-zhang.json"},
                               {"borrower-huaxin.json", "app-huaxin.json"}};
    for (int i = 0; i < 2; i++) {
        cJSON *r = record(files[i][0]);
        must(ld_borrower_add(who[OFFICER], r, &out, &err), files[i][0], &err);
        done(out);
        cJSON_Delete(r);
        r = record(files[i][1]);
        must(ld_application_create(who[OFFICER], r, &out, &err), files[i][1], &err);
        done(out);
        cJSON_Delete(r);
        afx_documents(who[OFFICER], i + 1);
        must(ld_application_submit(who[OFFICER], i + 1, &out, &err), "submit", &err);
        done(out);
    }
    must(ld_application_rate(who[OFFICER], 1, &out, &err), "rate 1", &err);
    done(out);
    must(ld_application_rate(who[REVIEWER], 2, &out, &err), "rate 2", &err);
    done(out);
    ld_approval none = {0};
    must(ld_application_approve(who[REVIEWER], 1, &none, &out, &err), "approve 1", &err);
    done(out);
    ld_approval reason = {.reason = "授信额度内，担保充足"};
    must(ld_application_approve(who[MANAGER], 2, &reason, &out, &err), "approve 2", &err);
    done(out);
    open_on("2026-05-25");
    for (int i = 1; i <= 2; i++) {
        must(ld_loan_disburse(who[MANAGER], i, "2026-05-25", NULL, &out, &err), "disburse", &err);
        done(out);
    }
    /* Six months: 张伟 pays every month, 华鑫 until August. */
    static const char *const ends[] = {"2026-06-30", "2026-07-31", "2026-08-31",
                                       "2026-09-30", "2026-10-31", "2026-11-25"};
    for (int m = 6; m <= 11; m++) {
        char day[16];
        snprintf(day, sizeof day, "2026-%02d-25", m);
        open_on(day);
        ld_repayment r1 = {.amount = "9000.00", .date = day};
        must(ld_loan_repay(who[OFFICER], 1, &r1, &out, &err), "repay 1", &err);
        done(out);
        if (m <= 8) {
            ld_repayment r2 = {.amount = "17100.00", .date = day};
            must(ld_loan_repay(who[OFFICER], 2, &r2, &out, &err), "repay 2", &err);
            done(out);
        }
        open_on(ends[m - 6]);
        ld_cob_options o = {.date = ends[m - 6]};
        must(ld_cob_run(who[MANAGER], &o, &out, &err), "cob", &err);
        done(out);
        const char *inspection = m == 6   ? "inspection-zhang-first.json"
                                 : m == 9 ? "inspection-huaxin-special.json"
                                          : NULL;
        if (inspection != NULL) {
            open_on(m == 6 ? "2026-06-08" : "2026-09-30");
            cJSON *in = record(inspection);
            must(ld_inspection_add(who[OFFICER], m == 6 ? 1 : 2, in, &out, &err), inspection, &err);
            done(out);
            cJSON_Delete(in);
        }
    }
    open_on("2026-11-25");
    cJSON *cp = NULL;
    must(ld_ledger_checkpoint(who[MANAGER], &cp, &err), "checkpoint", &err);
    const cJSON *root = cJSON_GetObjectItemCaseSensitive(cp, "root");
    if (!cJSON_IsString(root) || strlen(root->valuestring) >= sizeof root_now)
        die("the checkpoint's root", NULL);
    snprintf(root_now, sizeof root_now, "%s", root->valuestring);
    done(cp);
}

/* The golden copies' anchored root, kept beside them; "" when absent. */
static void read_golden_root(void)
{
    FILE *f = fopen(GOLDEN "/anchored-root", "r");
    if (f == NULL)
        return;
    if (fgets(root_golden, sizeof root_golden, f) == NULL)
        root_golden[0] = '\0';
    root_golden[strcspn(root_golden, "\n")] = '\0';
    fclose(f);
}

/* ---- Telling what differs ---------------------------------------------------- */

static char *slurp_cmd(const char *cmd, size_t *len)
{
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return NULL;
    size_t cap = 1 << 16, used = 0, n;
    char *buf = malloc(cap);
    while (buf != NULL && (n = fread(buf + used, 1, cap - used - 1, p)) > 0) {
        used += n;
        if (used + 1 == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    pclose(p);
    if (buf != NULL)
        buf[used] = '\0';
    *len = used;
    return buf;
}

static char *member(const char *xlsx, const char *part, size_t *len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s' 2>/dev/null", xlsx, part);
    return slurp_cmd(cmd, len);
}

/* The name of worksheet sheetN.xml from the workbook's sheet order. */
static void sheet_name(const char *xlsx, const char *part, char *out, size_t size)
{
    snprintf(out, size, "?");
    int n = 0;
    const char *prefix = "xl/worksheets/sheet";
    if (strncmp(part, prefix, strlen(prefix)) != 0)
        return;
    n = (int)strtol(part + strlen(prefix), NULL, 10);
    if (n <= 0)
        return;
    size_t len = 0;
    char *wb = member(xlsx, "xl/workbook.xml", &len);
    const char *p = wb;
    for (int i = 0; p != NULL && i < n; i++)
        if ((p = strstr(p, "<sheet name=\"")) != NULL && i < n - 1)
            p++;
    if (p != NULL) {
        p += strlen("<sheet name=\"");
        const char *end = strchr(p, '"');
        if (end != NULL)
            snprintf(out, size, "%.*s", (int)(end - p), p);
    }
    free(wb);
}

/* Replaces every occurrence of root in buf with as many 'x'. */
static void mask_root(char *buf, size_t len, const char *root)
{
    size_t n = strlen(root);
    if (buf == NULL || n == 0)
        return;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(buf + i, root, n) == 0)
            memset(buf + i, 'x', n);
}

/* Where a workbook first differs from its golden copy. */
typedef struct difference {
    char member[128]; /* the first worksheet that differs, else the first member */
    char sheet[128];  /* its name */
    char cell[32];    /* the cell the first difference falls in */
} difference;

/* Says which members of got differ from want and, for worksheets, which
 * sheet and cell; fills d with the first worksheet difference. */
static void describe(const char *name, const char *want, const char *got, difference *d)
{
    memset(d, 0, sizeof *d);
    char cmd[1024];
    size_t len = 0;
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s' 2>/dev/null", got);
    char *list = slurp_cmd(cmd, &len);
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s' 2>/dev/null", want);
    char *want_list = slurp_cmd(cmd, &len);
    if (list == NULL || want_list == NULL || strcmp(list, want_list) != 0)
        fprintf(stderr, "golden %s: the members differ:\n--- golden\n%s--- now\n%s", name,
                want_list != NULL ? want_list : "", list != NULL ? list : "");
    for (char *line = list; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        size_t a_len = 0, b_len = 0;
        char *a = member(want, line, &a_len), *b = member(got, line, &b_len);
        mask_root(a, a_len, root_golden);
        mask_root(b, b_len, root_now);
        if (a != NULL && b != NULL && (a_len != b_len || memcmp(a, b, a_len) != 0)) {
            size_t i = 0;
            while (i < a_len && i < b_len && a[i] == b[i])
                i++;
            char cell[32] = "", sheet[128] = "";
            bool worksheet = strncmp(line, "xl/worksheets/sheet", 19) == 0;
            if (worksheet) {
                sheet_name(got, line, sheet, sizeof sheet);
                for (size_t j = i; j > 0; j--) {
                    if (strncmp(b + j - 1, "<c r=\"", 6) == 0) {
                        const char *ref = b + j + 5, *end = strchr(ref, '"');
                        if (end != NULL)
                            snprintf(cell, sizeof cell, "%.*s", (int)(end - ref), ref);
                        break;
                    }
                }
            }
            fprintf(
                stderr,
                "golden %s: %s%s%s%s differs at byte %zu%s%s: golden \"%.48s\", now \"%.48s\"\n",
                name, line, worksheet ? " (sheet " : "", sheet, worksheet ? ")" : "", i,
                cell[0] != '\0' ? ", cell " : "", cell, a + (i < a_len ? i : a_len),
                b + (i < b_len ? i : b_len));
            if (d->member[0] == '\0' || (worksheet && d->sheet[0] == '\0')) {
                snprintf(d->member, sizeof d->member, "%s", line);
                snprintf(d->sheet, sizeof d->sheet, "%s", sheet);
                snprintf(d->cell, sizeof d->cell, "%s", cell);
            }
        }
        free(a);
        free(b);
        line = nl != NULL ? nl + 1 : NULL;
    }
    free(list);
    free(want_list);
}

/* The same members, each byte for byte once the anchored roots are masked. */
static bool same_members(const char *want, const char *got)
{
    char cmd[1024];
    size_t len = 0;
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s' 2>/dev/null", got);
    char *list = slurp_cmd(cmd, &len);
    snprintf(cmd, sizeof cmd, "unzip -Z1 '%s' 2>/dev/null", want);
    char *want_list = slurp_cmd(cmd, &len);
    bool same =
        list != NULL && want_list != NULL && list[0] != '\0' && strcmp(list, want_list) == 0;
    for (char *line = list; same && line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        size_t a_len = 0, b_len = 0;
        char *a = member(want, line, &a_len), *b = member(got, line, &b_len);
        mask_root(a, a_len, root_golden);
        mask_root(b, b_len, root_now);
        same = a != NULL && b != NULL && a_len == b_len && memcmp(a, b, a_len) == 0;
        free(a);
        free(b);
        line = nl != NULL ? nl + 1 : NULL;
    }
    free(list);
    free(want_list);
    return same;
}

/* Writes one workbook and compares it (or updates the golden copy). */
static void golden(const char *name, ld_status st, const ld_error *err)
{
    if (st != LD_OK) {
        fprintf(stderr, "golden %s: %s\n", name, err->message);
        CHECK(false);
        return;
    }
    char got[512], want[512];
    snprintf(got, sizeof got, "%s/%s.xlsx", dir, name);
    snprintf(want, sizeof want, "%s/%s.xlsx", GOLDEN, name);
    const char *update = getenv("LOANDESK_GOLDEN_UPDATE");
    if (update != NULL && strcmp(update, "1") == 0) {
        char cmd[1200];
        snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s' && echo %s >'%s/anchored-root'",
                 GOLDEN, got, want, root_now, GOLDEN);
        CHECK(system(cmd) == 0);
        return;
    }
    if (access(want, F_OK) != 0) {
        fprintf(stderr, "golden %s: no golden copy %s (scripts/golden.sh makes it)\n", name, want);
        CHECK(false);
        return;
    }
    bool same = same_members(want, got);
    if (!same) {
        difference d;
        describe(name, want, got, &d);
    }
    CHECK(same);
}

static ld_report_spec spec_for(const char *name, const char *lang, char *path, size_t size)
{
    snprintf(path, size, "%s/%s.xlsx", dir, name);
    return (ld_report_spec){.path = path, .lang = lang, .no_sign = true};
}

static void test_workbooks_match_golden_copies(void)
{
    static const char *const langs[2] = {"zh", "en"};
    for (int l = 0; l < 2; l++) {
        char name[64], path[512];
        ld_error err;
        cJSON *out = NULL;
        const char *sfx = l == 0 ? "" : "-en";
        snprintf(name, sizeof name, "inspection-loan-2%s", sfx);
        ld_report_spec s = spec_for(name, langs[l], path, sizeof path);
        golden(name, ld_report_inspection(who[OFFICER], 2, 0, &s, NULL, &out, &err), &err);
        done(out);
        out = NULL;
        snprintf(name, sizeof name, "investigation-app-2%s", sfx);
        s = spec_for(name, langs[l], path, sizeof path);
        golden(name, ld_report_investigation(who[OFFICER], 2, &s, NULL, &out, &err), &err);
        done(out);
        out = NULL;
        snprintf(name, sizeof name, "rating-app-2%s", sfx);
        s = spec_for(name, langs[l], path, sizeof path);
        golden(name, ld_report_rating(who[REVIEWER], 2, &s, NULL, &out, &err), &err);
        done(out);
        out = NULL;
        snprintf(name, sizeof name, "ledger-2026-11-25%s", sfx);
        s = spec_for(name, langs[l], path, sizeof path);
        golden(name, ld_report_ledger(who[MANAGER], NULL, "2026-11-25", &s, NULL, &out, &err),
               &err);
        done(out);
        out = NULL;
        snprintf(name, sizeof name, "portfolio-2026-11-25%s", sfx);
        s = spec_for(name, langs[l], path, sizeof path);
        golden(name, ld_report_portfolio(who[MANAGER], "2026-11-25", NULL, &s, NULL, &out, &err),
               &err);
        done(out);
    }
}

/* The comparison can fail, and names the sheet and cell: the rating
 * written a day later differs in its business date. */
static void test_a_changed_cell_is_named(void)
{
    char want[512], got[512], path[512];
    snprintf(want, sizeof want, "%s/rating-app-2.xlsx", GOLDEN);
    if (access(want, F_OK) != 0)
        return; /* reported by the test above */
    open_on("2026-11-26");
    ld_error err;
    cJSON *out = NULL;
    ld_report_spec s = spec_for("rating-next-day", "zh", path, sizeof path);
    CHECK_INT(ld_report_rating(who[REVIEWER], 2, &s, NULL, &out, &err), LD_OK);
    done(out);
    snprintf(got, sizeof got, "%s/rating-next-day.xlsx", dir);
    CHECK(!same_members(want, got));
    difference d;
    describe("rating-next-day", want, got, &d);
    CHECK_STR(d.member, "xl/worksheets/sheet1.xml");
    CHECK_STR(d.sheet, "概要");
    CHECK_STR(d.cell, "B4"); /* 业务日期 */
    open_on("2026-11-25");
}

int main(int argc, char **argv)
{
    make_book();
    read_golden_root();
    static const check_case cases[] = {
        {"workbooks_match_golden_copies", test_workbooks_match_golden_copies},
        {"a_changed_cell_is_named", test_a_changed_cell_is_named},
    };
    int rc = CHECK_RUN(argc, argv, cases);
    for (int i = 0; i < USERS; i++)
        ld_session_free(who[i]);
    ld_api_close(api);
    if (rc == 0) {
        char cmd[320];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            rc = 1;
    }
    return rc;
}
