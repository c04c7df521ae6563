/*
 * report_collection.c - 清收报告, the collection workbook: every collection
 * case the writer may see (officers: their own customers'), open and closed,
 * with its stage, days past due and amount overdue; the promises to pay and
 * whether each was kept; the recoveries from guarantors; and a summary by
 * stage and outcome. Signed, anchored and logged like the other workbooks.
 */
#include <string.h>

#include "book_int.h"
#include "collection.h"
#include "labels_int.h"

/* Counts kept while the cases are written, for the summary. */
typedef struct collection_sums {
    int64_t open, closed, dpd_max;
    ld_money overdue, recovered;
    int64_t promises, kept, broken, recoveries;
    int64_t by_outcome[3]; /* cured, repaid, written_off */
} collection_sums;

static void cases_sheet(report_book *b, const cJSON *cases, collection_sums *sum)
{
    static const report_col cols[] = {
        {"案件", "Case", REPORT_COL_ID, 8},
        {"合同号", "Contract", REPORT_COL_TEXT, 22},
        {"客户", "Borrower", REPORT_COL_TEXT, 24},
        {"信贷员", "Officer", REPORT_COL_TEXT, 12},
        {"阶段", "Stage", REPORT_COL_TEXT, 12},
        {"阶段起始", "Stage since", REPORT_COL_DATE, 12},
        {"立案日", "Opened", REPORT_COL_DATE, 12},
        {"结案日", "Closed", REPORT_COL_DATE, 12},
        {"结果", "Outcome", REPORT_COL_TEXT, 12},
        {"逾期天数", "DPD", REPORT_COL_INT, 9},
        {"逾期金额", "Overdue", REPORT_COL_MONEY, 15},
    };
    report_sheet *s = report_book_sheet(b, "案件", "Cases");
    report_sheet_table(s, 0, cols, (int)(sizeof cols / sizeof cols[0]));
    static const char *const outcomes[] = {"cured", "repaid", "written_off"};
    int r = 1;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        report_cell_int(s, r, 0, report_json_int(c, "id"));
        report_cell_text(s, r, 1, report_json_str(c, "contract_no"));
        report_cell_text(s, r, 2, report_json_str(c, "borrower"));
        report_cell_text(s, r, 3, report_json_str(c, "officer"));
        report_cell_text(s, r, 4, report_json_str(c, "stage"));
        report_cell_date(s, r, 5, report_json_date(c, "stage_since"));
        report_cell_date(s, r, 6, report_json_date(c, "opened_on"));
        if (report_json_has(c, "closed_on")) {
            report_cell_date(s, r, 7, report_json_date(c, "closed_on"));
            report_cell_text(s, r, 8, report_json_str(c, "outcome"));
            sum->closed++;
            for (int i = 0; i < 3; i++)
                if (strcmp(report_json_str(c, "outcome"), outcomes[i]) == 0)
                    sum->by_outcome[i]++;
        } else {
            sum->open++;
            sum->overdue += report_json_money(c, "overdue");
            if (report_json_int(c, "dpd") > sum->dpd_max)
                sum->dpd_max = report_json_int(c, "dpd");
        }
        report_cell_int(s, r, 9, report_json_int(c, "dpd"));
        report_cell_money(s, r, 10, report_json_money(c, "overdue"));
        r++;
    }
}

/* The promises and recoveries of every case, one case at a time. */
static ld_status detail_sheets(report_book *b, core_store *store, const core_session *who,
                               const cJSON *cases, collection_sums *sum, ld_error *err)
{
    static const report_col pcols[] = {
        {"案件", "Case", REPORT_COL_ID, 8},         {"承诺金额", "Amount", REPORT_COL_MONEY, 15},
        {"承诺日", "Made on", REPORT_COL_DATE, 12}, {"到期日", "Due", REPORT_COL_DATE, 12},
        {"结果", "Status", REPORT_COL_TEXT, 10},    {"期间还款", "Paid", REPORT_COL_MONEY, 15},
    };
    static const report_col rcols[] = {
        {"案件", "Case", REPORT_COL_ID, 8},           {"担保人", "Guarantor", REPORT_COL_TEXT, 24},
        {"金额", "Amount", REPORT_COL_MONEY, 15},     {"日期", "Date", REPORT_COL_DATE, 12},
        {"还款记录", "Repayment", REPORT_COL_ID, 10},
    };
    report_sheet *ps = report_book_sheet(b, "还款承诺", "Promises");
    report_sheet_table(ps, 0, pcols, (int)(sizeof pcols / sizeof pcols[0]));
    report_sheet *rs = report_book_sheet(b, "担保追偿", "Recoveries");
    report_sheet_table(rs, 0, rcols, (int)(sizeof rcols / sizeof rcols[0]));
    int pr = 1, rr = 1;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases)
    {
        int64_t id = report_json_int(c, "id");
        cJSON *full = NULL;
        ld_status st = ledger_collection_show(store, who, id, &full, err);
        if (st != LD_OK)
            return st;
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(full, "promises"))
        {
            const char *status = report_json_str(p, "status");
            report_cell_int(ps, pr, 0, id);
            report_cell_money(ps, pr, 1, report_json_money(p, "amount"));
            report_cell_date(ps, pr, 2, report_json_date(p, "made_on"));
            report_cell_date(ps, pr, 3, report_json_date(p, "due_on"));
            report_cell_text(ps, pr, 4, status);
            if (report_json_has(p, "paid"))
                report_cell_money(ps, pr, 5, report_json_money(p, "paid"));
            pr++;
            sum->promises++;
            sum->kept += strcmp(status, "kept") == 0;
            sum->broken += strcmp(status, "broken") == 0;
        }
        const cJSON *g;
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(full, "recoveries"))
        {
            report_cell_int(rs, rr, 0, id);
            report_cell_text(rs, rr, 1, report_json_str(g, "guarantor"));
            report_cell_money(rs, rr, 2, report_json_money(g, "amount"));
            report_cell_date(rs, rr, 3, report_json_date(g, "date"));
            report_cell_int(rs, rr, 4, report_json_int(g, "repayment_id"));
            rr++;
            sum->recoveries++;
            sum->recovered += report_json_money(g, "amount");
        }
        cJSON_Delete(full);
    }
    return LD_OK;
}

static void summary_sheet(report_book *b, report_sheet *s, const collection_sums *sum)
{
    report_sheet_form(s, 30, 20);
    int r = 0;
    report_cell_heading(s, r++, 0, REPORT_L(b, "清收报告", "Collection report"));
    const struct {
        const char *zh, *en;
        int64_t value;
    } counts[] = {
        {"在办案件", "Open cases", sum->open},
        {"已结案件", "Closed cases", sum->closed},
        {"其中：逾期已清", "of which cured", sum->by_outcome[0]},
        {"其中：已结清", "of which repaid", sum->by_outcome[1]},
        {"其中：已核销", "of which written off", sum->by_outcome[2]},
        {"最长逾期天数", "Longest days past due", sum->dpd_max},
        {"还款承诺", "Promises to pay", sum->promises},
        {"已兑现", "Kept", sum->kept},
        {"未兑现", "Broken", sum->broken},
        {"担保追偿笔数", "Recoveries from guarantors", sum->recoveries},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        report_cell_text(s, r, 0, REPORT_L(b, counts[i].zh, counts[i].en));
        report_cell_int(s, r++, 1, counts[i].value);
    }
    report_cell_text(s, r, 0, REPORT_L(b, "在办案件逾期金额", "Overdue in open cases"));
    report_cell_money(s, r++, 1, sum->overdue);
    report_cell_text(s, r, 0, REPORT_L(b, "担保追偿金额", "Recovered from guarantors"));
    report_cell_money(s, r++, 1, sum->recovered);
    report_cell_text(s, r, 0, REPORT_L(b, "承诺兑现率", "Promises kept"));
    report_cell_ratio(s, r++, 1, sum->kept, sum->kept + sum->broken);
}

ld_status report_collection_write(core_store *store, const core_session *who,
                                  const report_options *options, report_result *out, ld_error *err)
{
    cJSON *cases = NULL;
    report_book *book = NULL;
    report_job job;
    collection_sums sum;
    memset(&sum, 0, sizeof sum);
    ld_status st = ledger_collection_list(store, who, true, &cases, err);
    if (st == LD_OK)
        st = report_job_begin(&job, store, who, options, "collection", err);
    if (st != LD_OK)
        goto out;
    report_book_spec spec = {.path = options->path,
                             .lang = options->lang,
                             .kind = "collection",
                             .title_zh = "清收报告",
                             .title_en = "Collection report",
                             .as_of = core_store_today(store),
                             .company = job.institution,
                             .tmpdir = options->tmpdir};
    if ((st = report_book_open(&spec, &book, err)) != LD_OK)
        goto out;
    /* The summary comes first in the book but is counted from the sheets
     * after it: its sheet is made first and filled last. */
    report_sheet *summary = report_book_sheet(book, "概要", "Summary");
    cases_sheet(book, cases, &sum);
    if ((st = detail_sheets(book, store, who, cases, &sum, err)) != LD_OK) {
        report_book_discard(book);
        goto out;
    }
    summary_sheet(book, summary, &sum);
    st = report_job_finish(&job, book, out, err);
out:
    cJSON_Delete(cases);
    return st;
}
