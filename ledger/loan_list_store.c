/*
 * loan_list_store.c - the loan list (loan.h, ledger_loan_list_page): loans
 * by status, category, days past due, officer, product and maturity, a page
 * at a time (core/page.h), within the customer scope the caller has.
 *
 * The officer of a loan is its customer's officer now (borrower.officer_id),
 * as for every customer read; the loan row's own officer_id is who made it.
 * Overdue and classified loans are found through partial indexes (loan_store.c,
 * schema version 2), so each condition on them repeats the index's own
 * condition: SQLite uses a partial index only when the query implies it.
 */
#include <string.h>

#include "loan.h"
#include "loan_int.h"
#include "permission.h"
#include "policy.h"
#include "json_in.h"
#include "store_sql.h"

/* Filter values as the query binds them. */
typedef struct loan_list_values {
    int status;
    ledger_category category;
    ld_date matures_before;
    int64_t officer_id;
} loan_list_values;

static ld_status parse_status(const char *text, int *out, ld_error *err)
{
    for (int s = LEDGER_LOAN_ACTIVE; s <= LEDGER_LOAN_WRITTEN_OFF; s++) {
        if (strcmp(text, ledger_loan_status_name((ledger_loan_status)s)) == 0) {
            *out = s;
            return LD_OK;
        }
    }
    return LD_FAIL(err, LD_EINVAL, "state: must be one of active, settled, written_off");
}

static ld_status read_loan_filter(core_store *store, const ledger_loan_filter *f,
                                  loan_list_values *v, ld_error *err)
{
    ld_status st;
    memset(v, 0, sizeof *v);
    if (f->state != NULL && (st = parse_status(f->state, &v->status, err)) != LD_OK)
        return st;
    if (f->category != NULL &&
        (st = ledger_category_parse("category", f->category, &v->category, err)) != LD_OK)
        return st;
    if (f->dpd_min < 0)
        return LD_FAIL(err, LD_EINVAL, "dpd_min: must not be negative");
    if (f->borrower_id < 0)
        return LD_FAIL(err, LD_EINVAL, "borrower_id: must be a borrower's id");
    if (f->product != NULL && (st = core_product_code_check("product", f->product, err)) != LD_OK)
        return st;
    if (f->matures_before != NULL &&
        (st = ld_date_parse("matures_before", f->matures_before, &v->matures_before, err)) != LD_OK)
        return st;
    if (f->officer != NULL &&
        (st = core_list_officer_id(store, "officer", f->officer, &v->officer_id, err)) != LD_OK)
        return st;
    return LD_OK;
}

/* The scope and the filter's conditions, but the category's: a normal
 * category is counted as the rest less the classified loans, whose index
 * holds only them. */
static void loan_conditions(const core_session *who, const ledger_loan_filter *f,
                            const loan_list_values *v, core_sql *where)
{
    core_sql_init(where);
    core_sql_add_customer_scope(where, who, false);
    if (f->officer != NULL)
        core_sql_add_int(where, " AND b.officer_id = ?", v->officer_id);
    if (f->state != NULL)
        core_sql_add_int(where, " AND l.status = ?", v->status);
    if (f->dpd_min > 0)
        core_sql_add_int(where, " AND l.dpd > 0 AND l.dpd >= ?", f->dpd_min);
    if (f->product != NULL)
        core_sql_add_text(where, " AND l.product = ?", f->product);
    if (f->matures_before != NULL)
        core_sql_add_int(where, " AND l.matures_on < ?", v->matures_before);
    if (f->borrower_id > 0)
        core_sql_add_int(where, " AND l.borrower_id = ?", f->borrower_id);
}

static void add_category(core_sql *where, const ledger_loan_filter *f, const loan_list_values *v)
{
    if (f->category != NULL && v->category == LEDGER_CAT_NORMAL)
        core_sql_add(where, " AND l.category = 0");
    else if (f->category != NULL)
        core_sql_add_int(where, " AND l.category > 0 AND l.category = ?", v->category);
}

static bool loan_filtered(const ledger_loan_filter *f)
{
    return f->state || f->category || f->dpd_min || f->officer || f->product || f->matures_before ||
           f->borrower_id;
}

static cJSON *loan_list_row(sqlite3_stmt *stmt, void *context)
{
    (void)context;
    cJSON *row = cJSON_CreateObject();
    core_json_put_int(row, "id", sqlite3_column_int64(stmt, 0));
    cJSON_AddStringToObject(row, "contract_no", (const char *)sqlite3_column_text(stmt, 1));
    core_json_put_int(row, "borrower_id", sqlite3_column_int64(stmt, 2));
    cJSON_AddStringToObject(row, "borrower", (const char *)sqlite3_column_text(stmt, 3));
    cJSON_AddStringToObject(row, "officer", (const char *)sqlite3_column_text(stmt, 4));
    cJSON_AddStringToObject(row, "product", (const char *)sqlite3_column_text(stmt, 5));
    core_json_put_money(row, "amount", sqlite3_column_int64(stmt, 6));
    core_json_put_money(row, "principal", sqlite3_column_int64(stmt, 7));
    cJSON_AddStringToObject(
        row, "status", ledger_loan_status_name((ledger_loan_status)sqlite3_column_int(stmt, 8)));
    cJSON_AddStringToObject(row, "category", ledger_category_name(sqlite3_column_int(stmt, 9)));
    core_json_put_int(row, "dpd", sqlite3_column_int64(stmt, 10));
    core_json_put_date(row, "disbursed_on", (ld_date)sqlite3_column_int64(stmt, 11));
    core_json_put_date(row, "matures_on", (ld_date)sqlite3_column_int64(stmt, 12));
    if (sqlite3_column_int(stmt, 14) > 0)
        core_json_put_date(row, "next_due", (ld_date)sqlite3_column_int64(stmt, 13));
    else
        cJSON_AddStringToObject(row, "next_due", "");
    return row;
}

ld_status ledger_loan_list_page(core_store *store, const core_session *who,
                                const ledger_loan_filter *filter, const core_page *page,
                                core_page_result *out, ld_error *err)
{
    static const ledger_loan_filter none = {0};
    const ledger_loan_filter *f = filter != NULL ? filter : &none;
    core_page p;
    loan_list_values v;
    ld_status st;
    if ((st = core_list_begin(who, page, &p, err)) != LD_OK ||
        (st = read_loan_filter(store, f, &v, err)) != LD_OK ||
        (st = ledger_loan_migrate(store, err)) != LD_OK)
        return st;
    core_sql base, where, after, classified, none_left, outside;
    loan_conditions(who, f, &v, &base);
    where = base;
    add_category(&where, f, &v);
    core_sql_init(&after);
    core_sql_add_int(&after, " AND l.id > ?", p.after);
    /* One officer's loans: few are reached through their customers, many by
     * walking the book in order and looking at each loan's customer; CROSS
     * JOIN keeps SQLite to the order written. Managers and auditors count
     * from the loan table's indexes alone. */
    bool one_officer = who->role == CORE_ROLE_OFFICER || f->officer != NULL;
    bool reviewer = who->role == CORE_ROLE_REVIEWER;
    core_list_query query = {
        .columns = "l.id, l.contract_no, l.borrower_id, b.name, u.username, l.product, l.amount, "
                   "l.principal, l.status, l.category, l.dpd, l.disbursed_on, l.matures_on, "
                   "l.next_due, l.next_number",
        .display = "JOIN loan l ON l.id = k.id JOIN borrower b ON b.id = l.borrower_id "
                   "JOIN app_user u ON u.id = b.officer_id",
        .key = "l.id",
        .from = one_officer || reviewer ? "loan l CROSS JOIN borrower b ON b.id = l.borrower_id"
                                        : "loan l",
        .from_few = one_officer ? "borrower b INDEXED BY borrower_by_officer CROSS JOIN loan l "
                                  "ON l.borrower_id = b.id"
                                : NULL,
        .count_from = one_officer ? "borrower b INDEXED BY borrower_by_officer CROSS JOIN loan l "
                                    "ON l.borrower_id = b.id"
                      : reviewer  ? "loan l JOIN borrower b ON b.id = l.borrower_id"
                                  : "loan l",
        .order = " ORDER BY l.id",
        .where = &where,
        .after = &after,
    };
    if (!one_officer && f->borrower_id == 0 && f->matures_before != NULL) {
        /* Few loans maturing before a day are read through loan_by_maturity;
         * many are met soon enough walking the book in id order. */
        query.from_few = reviewer ? "loan l INDEXED BY loan_by_maturity CROSS JOIN borrower b "
                                    "ON b.id = l.borrower_id"
                                  : "loan l INDEXED BY loan_by_maturity";
    }
    if (f->borrower_id > 0) {
        /* One borrower's loans are few whoever asks: read through
         * loan_by_borrower, the customer scope checked on each. */
        static const char one_borrower[] = "loan l INDEXED BY loan_by_borrower CROSS JOIN "
                                           "borrower b ON b.id = l.borrower_id";
        query.from = query.from_few = query.count_from = one_borrower;
    } else if (f->category != NULL && v.category == LEDGER_CAT_NORMAL) {
        classified = base;
        core_sql_add(&classified, " AND l.category > 0");
        query.count_where = &base;
        query.count_less = &classified;
    } else if (reviewer && !loan_filtered(f)) {
        /* A loan made from an application has a customer under review (the
         * application is disbursed); only loans made otherwise need their
         * customer looked at. So: all loans less those few outside. */
        core_sql_init(&none_left);
        core_sql_init(&outside);
        core_sql_add(&outside, " AND l.application_id IS NULL AND (SELECT c.under_review FROM "
                               "borrower c WHERE c.id = l.borrower_id) = 0");
        query.count_from = "loan l";
        query.count_where = &none_left;
        query.count_less = &outside;
    }
    return core_store_list_page(store, &query, &p, loan_list_row, NULL, "listing loans", out, err);
}
