/*
 * cob_store.c - the close of business (loan.h, ledger_cob_run).
 *
 * One pass over the loan table in id order with cached prepared statements:
 * each active loan behind the date is closed day by day (loan_calc.h) and its
 * row written once; an installment row is read only when one falls due. The
 * journal gets one entry per product per day, summed in memory, never a row
 * per loan per day. The log gets an entry per loan only when it falls overdue
 * or changes category, and one summary entry carrying the day's totals, the
 * journal it posted and the book digest of every loan's whole row (rows.h),
 * which the next close and `ledger verify` recompute. The scan tells the
 * collection pass (collection_cob.h) of the loan-days on which a case can
 * open, move or close, so that pass reads no loan the scan has not. Before a
 * loan is used it is checked against the log: a row changed outside the
 * application stops the close with LD_EVERIFY, so nothing is accrued or
 * signed over it. A date already closed changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "collection_cob.h"
#include "json_in.h"
#include "credit.h"
#include "ledger_events.h"
#include "ledger_verify.h"
#include "loan.h"
#include "loan_int.h"
#include "log.h"
#include "permission.h"
#include "policy.h"
#include "rows.h"
#include "store_sql.h"

#define COB_PRODUCTS_MAX 64

typedef struct cob_sums {
    char products[COB_PRODUCTS_MAX][32];
    int product_count;
    ld_date first_day;
    int64_t days;
    ledger_day_sums *sums; /* [product][day - first_day] */
} cob_sums;

static int product_index(cob_sums *c, const char *code)
{
    for (int i = 0; i < c->product_count; i++)
        if (strcmp(c->products[i], code) == 0)
            return i;
    if (c->product_count == COB_PRODUCTS_MAX)
        return -1;
    snprintf(c->products[c->product_count], sizeof c->products[0], "%s", code);
    return c->product_count++;
}

/* Widens the totals to begin on day `from` at the latest (their last day
 * stays): at least doubling, so loans met in any order cost few copies. */
static ld_status sums_cover(cob_sums *c, ld_date from, ld_error *err)
{
    if (from >= c->first_day)
        return LD_OK;
    int64_t more = c->first_day - from;
    if (more < c->days)
        more = c->days;
    int64_t days = c->days + more;
    ledger_day_sums *sums = calloc((size_t)days * COB_PRODUCTS_MAX, sizeof *sums);
    if (sums == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory for %lld days of totals", (long long)days);
    memcpy(sums + more * COB_PRODUCTS_MAX, c->sums,
           (size_t)c->days * COB_PRODUCTS_MAX * sizeof *sums);
    free(c->sums);
    c->sums = sums;
    c->first_day -= (ld_date)more;
    c->days = days;
    return LD_OK;
}

/* The borrowers past due at the close, each with a loan's days past due
 * (overdue_pairs), gathered by the scan. */
typedef struct overdue_pair {
    int64_t borrower, dpd;
} overdue_pair;

typedef struct overdue_list {
    overdue_pair *v;
    size_t n, cap;
} overdue_list;

static ld_status overdue_add(overdue_list *l, int64_t borrower, int64_t dpd, ld_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        overdue_pair *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return LD_FAIL(err, LD_EINTERNAL, "out of memory for the overdue borrowers");
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (overdue_pair){borrower, dpd};
    return LD_OK;
}

static int by_borrower(const void *a, const void *b)
{
    const overdue_pair *x = a, *y = b;
    return (x->borrower > y->borrower) - (x->borrower < y->borrower);
}

static ld_status loan_event(ledger_log *log, const core_store *store, const char *type,
                            int64_t loan_id, ld_date day, const ledger_loan_state *s, int from,
                            ld_error *err)
{
    cJSON *fields = cJSON_CreateObject();
    core_json_put_int(fields, "loan", loan_id);
    core_json_put_date(fields, "date", day);
    core_json_put_int(fields, "dpd", s->dpd);
    if (from >= 0) {
        cJSON_AddStringToObject(fields, "from", ledger_category_name(from));
        cJSON_AddStringToObject(fields, "to", ledger_category_name(s->category));
    }
    ld_status st = ledger_event_append_to(log, store, type, fields, NULL, err);
    cJSON_Delete(fields);
    return st;
}

/* Feeds the borrowers' repayment history that later ratings read (worst days
 * past due over 24 months, core/credit.h): one row per overdue borrower and
 * month, keeping the month's worst, so the history stays small. The active
 * loans past due come from the scan, which has read them already. */
static ld_status record_overdue_history(core_store *store, ld_date date, overdue_list *l,
                                        ld_error *err)
{
    int y, m, d;
    ld_date_to_ymd(date, &y, &m, &d);
    ld_date month = ld_date_from_ymd(y, m, 1);
    if (l->n > 0) /* none: no list at all, which qsort must not be given */
        qsort(l->v, l->n, sizeof *l->v, by_borrower);
    ld_status st = LD_OK;
    for (size_t i = 0; st == LD_OK && i < l->n;) {
        int64_t worst = l->v[i].dpd, borrower = l->v[i].borrower;
        for (i++; i < l->n && l->v[i].borrower == borrower; i++)
            if (l->v[i].dpd > worst)
                worst = l->v[i].dpd;
        st = core_credit_record_dpd(store, borrower, month, (int)worst, err);
    }
    return st;
}

ld_status ledger_cob_run(core_store *store, const core_session *who, const ledger_cob_options *opt,
                         ledger_cob_result *out, ld_error *err)
{
    ld_status st;
    ld_date last;
    const core_policy_terms *policy;
    ledger_cob_result result;
    memset(&result, 0, sizeof result);
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_LEDGER_OPERATE, NULL, err)) != LD_OK ||
        (st = ledger_require_business_date(store, "date", opt->date, err)) != LD_OK ||
        (st = ledger_loan_migrate(store, err)) != LD_OK ||
        (st = ledger_cob_last(store, &last, err)) != LD_OK ||
        (st = core_policy_terms_get(store, &policy, err)) != LD_OK)
        return st;
    char text[LD_DATE_TEXT_MAX];
    if (last != LEDGER_NO_DATE && opt->date < last)
        return LD_FAIL(err, LD_ESTATE, "date: business is closed through %s already",
                       ld_date_format(last, text));
    if (last == opt->date) {
        result.already_closed = true;
        *out = result;
        return LD_OK;
    }
    ledger_loan_terms terms;
    memset(&terms, 0, sizeof terms);
    for (int c = 0; c < LEDGER_CATEGORY_COUNT; c++)
        terms.inspection_every_days[c] = policy->inspection_every_days[c];
    int64_t total = 0;
    if ((st = core_store_query_int(store, "SELECT count(*) FROM loan", 0, &total, err)) != LD_OK)
        return st;
    /* The days from the one after the last close; a loan behind them widens
     * the totals when the scan meets it (sums_cover). */
    cob_sums agg;
    memset(&agg, 0, sizeof agg);
    agg.first_day = last == LEDGER_NO_DATE ? opt->date : last + 1;
    agg.days = opt->date - agg.first_day + 1;
    ledger_book *book = NULL;
    ledger_posting posting = {cJSON_CreateArray()};
    cJSON *summary = cJSON_CreateObject();
    /* Every column, so that each loan is checked against the log before it
     * is used and the book digest covers the whole row (rows.h). */
    static const char scan_sql[] = "SELECT " LEDGER_LOAN_COLUMNS " FROM loan ORDER BY id";
    static const char next_sql[] =
        "SELECT number, due, principal, interest, fee FROM loan_installment "
        "WHERE loan_id = ? AND number = ?";
    static const char update_sql[] =
        "UPDATE loan SET accrued_through = ?, principal_due = ?, interest_due = ?, fee_due = ?, "
        "accrued = ?, penalty = ?, compound = ?, penalty_daily = ?, compound_daily = ?, "
        "next_number = ?, next_due = ?, next_principal = ?, next_interest = ?, next_fee = ?, "
        "oldest_unpaid_due = ?, dpd = ?, floor = ?, category = ?, next_inspection = ? "
        "WHERE id = ?";
    sqlite3_stmt *scan = NULL;
    /* Nothing else uses these statements while the scan runs; prepared here
     * so that the cache's reset of one cannot disturb the open scan. */
    sqlite3_stmt *next_stmt = NULL, *update = NULL;
    sqlite3 *db = core_store_db(store);
    ledger_log *log = NULL;
    ledger_collection_pass *pass = NULL;
    overdue_list overdue = {0};
    /* The first day this close closes: the day after the last close. */
    ld_date pass_first = last == LEDGER_NO_DATE ? opt->date : last + 1;
    agg.sums = calloc((size_t)agg.days * COB_PRODUCTS_MAX, sizeof *agg.sums);
    if (agg.sums == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory for %lld days of totals",
                     (long long)agg.days);
        goto out;
    }
    if ((st = ledger_rows_flush(store, err)) != LD_OK ||
        (st = ledger_log_open(db, &log, err)) != LD_OK ||
        (st = ledger_book_open(store, log, &book, err)) != LD_OK ||
        (st = ledger_collection_pass_new(store, log, pass_first, opt->date, &pass, err)) != LD_OK)
        goto out;
    if (sqlite3_prepare_v2(db, scan_sql, -1, &scan, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, next_sql, -1, &next_stmt, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, update_sql, -1, &update, NULL) != SQLITE_OK) {
        st = core_store_fail(store, "preparing the close of business", err);
        goto out;
    }
    int rc;
    int64_t done = 0;
    while ((rc = sqlite3_step(scan)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(scan, 0);
        if ((st = ledger_book_check_loan(book, scan, err)) != LD_OK)
            goto out;
        /* The columns as the check read them, once (rows.h). */
        int64_t c[LEDGER_LOAN_COLUMN_COUNT];
        ledger_book_integers(book, c);
        ledger_loan_state s;
        s.status = (ledger_loan_status)c[4];
        s.accrued_through = (ld_date)c[5];
        s.principal = c[6];
        s.principal_due = c[7];
        s.interest_due = c[8];
        s.fee_due = c[9];
        s.accrued = c[10];
        s.penalty = c[11];
        s.compound = c[12];
        s.penalty_daily = c[13];
        s.compound_daily = c[14];
        s.next_number = (int)c[15];
        s.next_due = (ld_date)c[16];
        s.next_principal = c[17];
        s.next_interest = c[18];
        s.next_fee = c[19];
        s.oldest_unpaid_due = (ld_date)c[20];
        s.dpd = c[21];
        s.floor = (int)c[22];
        s.manual = (int)c[23];
        s.category = (int)c[24];
        s.next_inspection = (ld_date)c[25];
        /* The collection pass hears of the loan-days on which its case can
         * change (collection_cob.h). */
        bool changed = ledger_book_loan_changed(book);
        ledger_collection_loan held = {id, c[28], c[29], (int)s.status};
        /* A loan changed since the last close and already brought past its
         * first day (a payment dated that day accrues it) is heard as it
         * stands, on that day, as a close of that day would. */
        if (changed && s.accrued_through >= pass_first) {
            if (ledger_collection_wants(pass, s.dpd, s.dpd, true) &&
                (st = ledger_collection_note(pass, &held, pass_first, s.dpd, s.dpd, true, err)) !=
                    LD_OK)
                goto out;
            changed = false;
        }
        if (s.status == LEDGER_LOAN_ACTIVE && s.accrued_through < opt->date) {
            int product = product_index(&agg, (const char *)sqlite3_column_text(scan, 1));
            if (product < 0) {
                st = LD_FAIL(err, LD_EINTERNAL, "more than %d products", COB_PRODUCTS_MAX);
                goto out;
            }
            if ((st = sums_cover(&agg, s.accrued_through + 1, err)) != LD_OK)
                goto out;
            terms.rate = c[2];
            terms.penalty_rate = c[3];
            result.loans++;
            while (s.accrued_through < opt->date) {
                ld_date day = s.accrued_through + 1;
                int falling = s.next_number;
                int64_t dpd_before = s.dpd;
                ledger_day_result r;
                if ((st = ledger_loan_day(&s, &terms, day, &r, err)) != LD_OK) {
                    ld_error_prefix(err, "loan %lld", (long long)id);
                    goto out;
                }
                if (ledger_collection_wants(pass, dpd_before, s.dpd, changed)) {
                    if ((st = ledger_collection_note(pass, &held, day, dpd_before, s.dpd, changed,
                                                     err)) != LD_OK)
                        goto out;
                }
                changed = false; /* heard on the first day it is brought to */
                ledger_day_sums_add(&agg.sums[(day - agg.first_day) * COB_PRODUCTS_MAX + product],
                                    &r, s.category, s.principal);
                result.loan_days++;
                if (r.fell_due) {
                    sqlite3_bind_int64(next_stmt, 1, id);
                    sqlite3_bind_int(next_stmt, 2, falling + 1);
                    rc = sqlite3_step(next_stmt);
                    if (rc == SQLITE_ROW)
                        ledger_loan_set_next(&s, sqlite3_column_int(next_stmt, 0),
                                             (ld_date)sqlite3_column_int64(next_stmt, 1),
                                             sqlite3_column_int64(next_stmt, 2),
                                             sqlite3_column_int64(next_stmt, 3),
                                             sqlite3_column_int64(next_stmt, 4));
                    else
                        ledger_loan_set_next(&s, 0, LEDGER_NO_DATE, 0, 0, 0);
                    sqlite3_reset(next_stmt);
                    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
                        st = core_store_fail(store, "reading the next installment", err);
                        goto out;
                    }
                }
                if (r.became_overdue) {
                    result.newly_overdue++;
                    if ((st = loan_event(log, store, "loan.overdue", id, day, &s, -1, err)) !=
                        LD_OK)
                        goto out;
                }
                if (s.category != r.category_before) {
                    result.category_changes++;
                    if ((st = loan_event(log, store, "loan.category", id, day, &s,
                                         r.category_before, err)) != LD_OK)
                        goto out;
                }
            }
            int64_t v[] = {
                s.accrued_through, s.principal_due, s.interest_due,      s.fee_due,
                s.accrued,         s.penalty,       s.compound,          s.penalty_daily,
                s.compound_daily,  s.next_number,   s.next_due,          s.next_principal,
                s.next_interest,   s.next_fee,      s.oldest_unpaid_due, s.dpd,
                s.floor,           s.category,      s.next_inspection,   id};
            for (int k = 0; k < (int)(sizeof v / sizeof v[0]); k++)
                sqlite3_bind_int64(update, k + 1, v[k]);
            rc = sqlite3_step(update);
            sqlite3_reset(update);
            if (rc != SQLITE_DONE) {
                st = core_store_fail(store, "updating a loan at close of business", err);
                goto out;
            }
        } else if (ledger_collection_wants(pass, s.dpd, s.dpd, changed) &&
                   (st = ledger_collection_note(pass, &held, pass_first, s.dpd, s.dpd, changed,
                                                err)) != LD_OK) {
            goto out;
        }
        if (s.status == LEDGER_LOAN_ACTIVE && s.dpd > 0 &&
            (st = overdue_add(&overdue, c[28], s.dpd, err)) != LD_OK)
            goto out;
        int64_t daily[21] = {
            s.accrued_through,   c[6],       s.principal_due,  s.interest_due,  s.fee_due,
            s.accrued,           s.penalty,  s.compound,       s.penalty_daily, s.compound_daily,
            s.next_number,       s.next_due, s.next_principal, s.next_interest, s.next_fee,
            s.oldest_unpaid_due, s.dpd,      s.floor,          c[23],           s.category,
            s.next_inspection};
        if ((st = ledger_book_add_after(book, scan, daily, err)) != LD_OK)
            goto out;
        if (opt->progress != NULL && (++done & 0xffff) == 0)
            opt->progress(opt->progress_ctx, done, total);
    }
    if (rc != SQLITE_DONE) {
        st = core_store_fail(store, "scanning loans", err);
        goto out;
    }
    if (opt->progress != NULL)
        opt->progress(opt->progress_ctx, total, total);
    /* The journal: one entry per product per day. */
    cJSON *totals = cJSON_AddArrayToObject(summary, "products");
    for (int64_t d = 0; d < agg.days; d++) {
        for (int p = 0; p < agg.product_count; p++) {
            const ledger_day_sums *sums = &agg.sums[d * COB_PRODUCTS_MAX + p];
            if (sums->loans == 0)
                continue;
            ledger_jlines lines;
            ledger_day_sums_lines(sums, &lines);
            int64_t before = cJSON_GetArraySize(posting.entries);
            if ((st = ledger_journal_post(store, &posting, agg.first_day + (ld_date)d, "accrual", 0,
                                          agg.products[p], &lines, err)) != LD_OK)
                goto out;
            result.journal_entries += cJSON_GetArraySize(posting.entries) - before;
            cJSON *row = cJSON_CreateObject();
            cJSON_AddStringToObject(row, "product", agg.products[p]);
            core_json_put_date(row, "date", agg.first_day + (ld_date)d);
            core_json_put_int(row, "loans", sums->loans);
            core_json_put_int(row, "interest_accrued", sums->interest_accrued);
            core_json_put_int(row, "interest_fell_due", sums->interest_fell_due);
            core_json_put_int(row, "penalty", sums->penalty);
            core_json_put_int(row, "compound", sums->compound);
            cJSON_AddItemToArray(totals, row);
        }
    }
    ledger_collection_counts cases = {0};
    if ((st = ledger_journal_provision_sync(store, &posting, opt->date, err)) != LD_OK ||
        (st = record_overdue_history(store, opt->date, &overdue, err)) != LD_OK ||
        (st = ledger_collection_pass_run(store, pass, &cases, err)) != LD_OK)
        goto out;
    result.cases_opened = cases.opened;
    result.cases_closed = cases.closed;
    result.case_stage_moves = cases.stage_moves;
    result.promises_kept = cases.promises_kept;
    result.promises_broken = cases.promises_broken;
    char hex[LEDGER_HASH_HEX], index_hex[LEDGER_HASH_HEX];
    /* The rows this close wrote (collection cases, journal) go into the log
     * before its "cob" entry, so the next close, which replays the log from
     * that entry, has only the day's own changes to look loans up in. */
    if ((st = ledger_rows_flush(store, err)) != LD_OK ||
        (st = ledger_book_finish(book, hex, err)) != LD_OK ||
        (st = ledger_book_index_save(book, index_hex, err)) != LD_OK)
        goto out;
    core_json_put_date(summary, "date", opt->date);
    if (last != LEDGER_NO_DATE)
        core_json_put_date(summary, "previous", last);
    core_json_put_int(summary, "loans", result.loans);
    core_json_put_int(summary, "loans_total", total);
    core_json_put_int(summary, "newly_overdue", result.newly_overdue);
    core_json_put_int(summary, "category_changes", result.category_changes);
    cJSON_AddStringToObject(summary, "book_digest", hex);
    cJSON_AddStringToObject(summary, "book_index", index_hex);
    cJSON_AddStringToObject(summary, "collection_stages", ledger_collection_pass_stages(pass));
    cJSON_AddStringToObject(summary, "by", who->username);
    cJSON_AddItemToObject(summary, "journal", posting.entries);
    posting.entries = NULL;
    if ((st = ledger_event_append_to(log, store, "cob", summary, &result.log_seq, err)) != LD_OK ||
        (st = ledger_cob_record(store, opt->date, result.loans, result.log_seq, err)) != LD_OK)
        goto out;
    cJSON *detail = cJSON_CreateObject();
    core_json_put_date(detail, "date", opt->date);
    core_json_put_int(detail, "loans", result.loans);
    core_json_put_int(detail, "log_seq", (int64_t)result.log_seq);
    st = core_audit_record(store, who, "ledger.cob", "ledger", 0, detail, err);
    cJSON_Delete(detail);
    if (st != LD_OK)
        goto out;
    *out = result;
out:
    ledger_log_close(log);
    sqlite3_finalize(scan);
    sqlite3_finalize(next_stmt);
    sqlite3_finalize(update);
    ledger_book_free(book);
    ledger_collection_pass_free(pass);
    cJSON_Delete(posting.entries);
    cJSON_Delete(summary);
    free(agg.sums);
    free(overdue.v);
    return st;
}
