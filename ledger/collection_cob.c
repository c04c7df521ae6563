/*
 * collection_cob.c - close of business's collection pass (collection_cob.h).
 *
 * A case row is written when it opens, moves a stage or closes, never daily,
 * so the log records those events and the days between cost nothing; and the
 * pass reads only the loans the scan noted, the promises that fell due (an
 * index on the open ones' dates) and, by loan, the open case (a unique index),
 * so a close over a book with many loans in collection costs little more than
 * one without.
 */
#include "collection_cob.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care.h"
#include "json_in.h"
#include "loan.h"
#include "store_sql.h"

#define STAGES_TEXT_MAX (CORE_STAGE_MAX * (CORE_STAGE_CODE_MAX + 8) + 8)

typedef struct noted_day {
    ledger_collection_loan loan;
    ld_date day;
    int64_t dpd;
    /* The loan fell past due and was not changed since the last close: it
     * has no open case (what every close leaves), so none is looked up. */
    bool caseless;
} noted_day;

struct ledger_collection_pass {
    core_care_terms terms;
    char stages[STAGES_TEXT_MAX];
    bool full; /* the stages differ from the last close's: review every case too */
    ld_date first, last;
    noted_day *noted;
    size_t count, cap;
};

/* "reminder:1,visit:31,..." or "off". */
static void stages_text(const core_care_terms *t, char *out, size_t size)
{
    if (t->collection_off) {
        snprintf(out, size, "off");
        return;
    }
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < t->stage_count && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s:%d", i > 0 ? "," : "", t->stages[i].code,
                         t->stages[i].from_dpd);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* The stages the last close recorded in its "cob" entry; "" when there was
 * none or it recorded none (a close before the pass recorded them). */
static ld_status previous_stages(core_store *store, ledger_log *log, char *out, size_t size,
                                 ld_error *err)
{
    out[0] = '\0';
    int64_t seq = 0;
    ld_status st = core_store_query_int(
        store, "SELECT log_seq FROM cob_run ORDER BY date DESC LIMIT 1", 0, &seq, err);
    if (st == LD_ENOTFOUND) {
        ld_error_clear(err);
        return LD_OK;
    }
    if (st != LD_OK)
        return st;
    ledger_log_iter *iter = NULL;
    bool has = false;
    ledger_log_entry e;
    if ((st = ledger_log_iter_new(log, (uint64_t)seq, &iter, err)) == LD_OK &&
        (st = ledger_log_iter_next(iter, &has, &e, err)) == LD_OK && has) {
        cJSON *entry = cJSON_ParseWithLength(e.body, e.len);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(entry, "collection_stages");
        if (cJSON_IsString(s))
            snprintf(out, size, "%s", s->valuestring);
        cJSON_Delete(entry);
    }
    ledger_log_iter_free(iter);
    return st;
}

ld_status ledger_collection_pass_new(core_store *store, ledger_log *log, ld_date first,
                                     ld_date last, ledger_collection_pass **out, ld_error *err)
{
    ledger_collection_pass *p = calloc(1, sizeof *p);
    if (p == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    char before[STAGES_TEXT_MAX];
    ld_status st;
    if ((st = core_care_terms_get(store, &p->terms, err)) != LD_OK ||
        (st = previous_stages(store, log, before, sizeof before, err)) != LD_OK) {
        free(p);
        return st;
    }
    stages_text(&p->terms, p->stages, sizeof p->stages);
    p->full = strcmp(before, p->stages) != 0;
    p->first = first;
    p->last = last;
    *out = p;
    return LD_OK;
}

void ledger_collection_pass_free(ledger_collection_pass *p)
{
    if (p == NULL)
        return;
    free(p->noted);
    free(p);
}

const char *ledger_collection_pass_stages(const ledger_collection_pass *p)
{
    return p->stages;
}

bool ledger_collection_wants(const ledger_collection_pass *p, int64_t dpd_before, int64_t dpd_after,
                             bool changed)
{
    if (p->terms.collection_off)
        return false;
    if (dpd_before != dpd_after &&
        (dpd_before == 0 || dpd_after == 0 ||
         core_care_stage_of(&p->terms, dpd_after) > core_care_stage_of(&p->terms, dpd_before)))
        return true;
    /* A full pass reviews the changed loans with every other on the last day. */
    return changed && !p->full;
}

ld_status ledger_collection_note(ledger_collection_pass *p, const ledger_collection_loan *loan,
                                 ld_date day, int64_t dpd_before, int64_t dpd, bool changed,
                                 ld_error *err)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        noted_day *n = realloc(p->noted, cap * sizeof *n);
        if (n == NULL)
            return LD_FAIL(err, LD_EINTERNAL, "out of memory for the collection pass");
        p->noted = n;
        p->cap = cap;
    }
    p->noted[p->count++] = (noted_day){*loan, day, dpd, !p->full && !changed && dpd_before == 0};
    return LD_OK;
}

/* ---- Writing cases ------------------------------------------------------------------ */

static ld_status add_stage(core_store *store, int64_t case_id, ld_date date, const char *stage,
                           int64_t dpd, ld_error *err)
{
    static const char sql[] =
        "INSERT INTO collection_stage (case_id, date, stage, dpd) VALUES (?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, case_id);
    sqlite3_bind_int64(stmt, 2, date);
    core_store_bind_text(stmt, 3, stage);
    sqlite3_bind_int64(stmt, 4, dpd);
    return core_store_run_write(store, stmt, "recording a collection stage", NULL, err);
}

static ld_status close_case(core_store *store, int64_t case_id, ld_date date, const char *outcome,
                            ledger_collection_counts *n, ld_error *err)
{
    static const char sql[] = "UPDATE collection_case SET closed_on = ?, outcome = ? WHERE id = ?";
    sqlite3_stmt *u = core_store_stmt(store, sql, err);
    if (u == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(u, 1, date);
    core_store_bind_text(u, 2, outcome);
    sqlite3_bind_int64(u, 3, case_id);
    n->closed++;
    return core_store_run_write(store, u, "closing a collection case", NULL, err);
}

static ld_status move_case(core_store *store, int64_t case_id, ld_date date, const char *stage,
                           int64_t dpd, ledger_collection_counts *n, ld_error *err)
{
    static const char sql[] = "UPDATE collection_case SET stage = ?, stage_since = ? WHERE id = ?";
    sqlite3_stmt *u = core_store_stmt(store, sql, err);
    if (u == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(u, 1, stage);
    sqlite3_bind_int64(u, 2, date);
    sqlite3_bind_int64(u, 3, case_id);
    n->stage_moves++;
    ld_status st = core_store_run_write(store, u, "moving a collection case", NULL, err);
    return st == LD_OK ? add_stage(store, case_id, date, stage, dpd, err) : st;
}

static ld_status open_case(core_store *store, const ledger_collection_loan *loan, ld_date date,
                           const char *stage, int64_t dpd, ledger_collection_counts *n,
                           ld_error *err)
{
    static const char sql[] =
        "INSERT INTO collection_case (loan_id, borrower_id, officer_id, opened_on, stage,"
        " stage_since) VALUES (?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *u = core_store_stmt(store, sql, err);
    if (u == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(u, 1, loan->id);
    sqlite3_bind_int64(u, 2, loan->borrower_id);
    sqlite3_bind_int64(u, 3, loan->officer_id);
    sqlite3_bind_int64(u, 4, date);
    core_store_bind_text(u, 5, stage);
    sqlite3_bind_int64(u, 6, date);
    int64_t id = 0;
    n->opened++;
    ld_status st = core_store_run_write(store, u, "opening a collection case", &id, err);
    return st == LD_OK ? add_stage(store, id, date, stage, dpd, err) : st;
}

static int stage_index(const core_care_terms *terms, const char *code)
{
    for (int i = 0; i < terms->stage_count; i++)
        if (strcmp(terms->stages[i].code, code) == 0)
            return i;
    return -1;
}

/* What the loan's open case (case_id, 0: none, at stage code) becomes on
 * date: closed when the loan is no longer past due, settled or written off;
 * moved forward to the stage of dpd; opened when there is none. */
static ld_status review_loan(core_store *store, const core_care_terms *terms,
                             const ledger_collection_loan *loan, int64_t case_id, const char *stage,
                             ld_date date, int64_t dpd, ledger_collection_counts *n, ld_error *err)
{
    const char *outcome = loan->status == LEDGER_LOAN_WRITTEN_OFF ? "written_off"
                          : loan->status == LEDGER_LOAN_SETTLED   ? "repaid"
                          : dpd == 0                              ? "cured"
                                                                  : NULL;
    if (outcome != NULL)
        return case_id != 0 ? close_case(store, case_id, date, outcome, n, err) : LD_OK;
    int now = core_care_stage_of(terms, dpd);
    if (now < 0)
        return LD_OK;
    if (case_id == 0)
        return open_case(store, loan, date, terms->stages[now].code, dpd, n, err);
    if (now <= stage_index(terms, stage))
        return LD_OK; /* a case's stage only moves forward */
    return move_case(store, case_id, date, terms->stages[now].code, dpd, n, err);
}

/* ---- Promises ----------------------------------------------------------------------- */

/* Every open promise due by p->last, settled on its own date (the first day
 * of the close for one due before it, which no close has seen). */
static ld_status settle_promises(core_store *store, const ledger_collection_pass *p,
                                 ledger_collection_counts *n, ld_error *err)
{
    /* Each promise's payments: what the loan received, not reversed, from
     * the day it was made to its date. */
    static const char sql[] =
        "SELECT p.id, p.amount, (SELECT coalesce(sum(r.amount), 0) FROM loan_repayment r"
        " WHERE r.loan_id = c.loan_id AND r.kind <> 'reversed' AND r.value_date BETWEEN"
        " p.made_on AND p.due_on), p.due_on FROM collection_promise p JOIN collection_case c"
        " ON c.id = p.case_id WHERE p.status = 'open' AND p.due_on <= ?";
    static const char mark[] =
        "UPDATE collection_promise SET status = ?, paid = ?, settled_on = ? WHERE id = ?";
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &q, NULL) != SQLITE_OK)
        return core_store_fail(store, "reading promises to pay", err);
    sqlite3_bind_int64(q, 1, p->last);
    ld_status st = LD_OK;
    int rc;
    while (st == LD_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        bool kept = sqlite3_column_int64(q, 2) >= sqlite3_column_int64(q, 1);
        ld_date due = (ld_date)sqlite3_column_int64(q, 3);
        sqlite3_stmt *u = core_store_stmt(store, mark, err);
        if (u == NULL) {
            st = LD_EINTERNAL;
            break;
        }
        core_store_bind_text(u, 1, kept ? "kept" : "broken");
        sqlite3_bind_int64(u, 2, sqlite3_column_int64(q, 2));
        sqlite3_bind_int64(u, 3, due < p->first ? p->first : due);
        sqlite3_bind_int64(u, 4, sqlite3_column_int64(q, 0));
        st = core_store_run_write(store, u, "marking a promise", NULL, err);
        if (kept)
            n->promises_kept++;
        else
            n->promises_broken++;
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "reading promises to pay", err);
    sqlite3_finalize(q);
    return st;
}

/* ---- The loans noted, day by day ------------------------------------------------------ */

static int by_day_then_loan(const void *a, const void *b)
{
    const noted_day *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->loan.id > y->loan.id) - (x->loan.id < y->loan.id);
}

static ld_status review_noted(core_store *store, ledger_collection_pass *p,
                              ledger_collection_counts *n, ld_error *err)
{
    static const char sql[] =
        "SELECT id, stage FROM collection_case WHERE loan_id = ? AND closed_on IS NULL";
    if (p->count > 0) /* none: no list at all, which qsort must not be given */
        qsort(p->noted, p->count, sizeof *p->noted, by_day_then_loan);
    ld_status st = LD_OK;
    for (size_t i = 0; st == LD_OK && i < p->count; i++) {
        const noted_day *d = &p->noted[i];
        if (d->caseless) {
            st = review_loan(store, &p->terms, &d->loan, 0, "", d->day, d->dpd, n, err);
            continue;
        }
        sqlite3_stmt *q = core_store_stmt(store, sql, err);
        if (q == NULL)
            return LD_EINTERNAL;
        sqlite3_bind_int64(q, 1, d->loan.id);
        int rc = sqlite3_step(q);
        int64_t case_id = 0;
        char stage[CORE_STAGE_CODE_MAX] = "";
        if (rc == SQLITE_ROW) {
            case_id = sqlite3_column_int64(q, 0);
            snprintf(stage, sizeof stage, "%s", (const char *)sqlite3_column_text(q, 1));
        }
        sqlite3_reset(q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return core_store_fail(store, "reading a loan's collection case", err);
        st = review_loan(store, &p->terms, &d->loan, case_id, stage, d->day, d->dpd, n, err);
    }
    return st;
}

/* ---- The full review ------------------------------------------------------------------ */

/* Every open case and every active loan past due, on the last day: after the
 * stages changed, collection was turned back on, or on a book's first close. */
static ld_status review_all(core_store *store, const ledger_collection_pass *p,
                            ledger_collection_counts *n, ld_error *err)
{
    /* The loans of open cases, then the active loans past due without one. */
    static const char sql[] =
        "SELECT l.id, l.borrower_id, l.officer_id, l.status, l.dpd, c.id, c.stage FROM"
        " collection_case c JOIN loan l ON l.id = c.loan_id WHERE c.closed_on IS NULL"
        " UNION ALL SELECT l.id, l.borrower_id, l.officer_id, l.status, l.dpd, 0, '' FROM loan l"
        " WHERE l.dpd > 0 AND l.status = 0 AND NOT EXISTS (SELECT 1 FROM collection_case c"
        " WHERE c.loan_id = l.id AND c.closed_on IS NULL)";
    sqlite3_stmt *q = NULL;
    /* Read whole before writing: the cases written must not feed the read. */
    typedef struct pending {
        ledger_collection_loan loan;
        int64_t dpd, case_id;
        char stage[CORE_STAGE_CODE_MAX];
    } pending;
    pending *rows = NULL;
    size_t count = 0, cap = 0;
    if (sqlite3_prepare_v2(core_store_db(store), sql, -1, &q, NULL) != SQLITE_OK)
        return core_store_fail(store, "reading collection cases", err);
    ld_status st = LD_OK;
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 1024;
            pending *r = realloc(rows, cap * sizeof *r);
            if (r == NULL) {
                st = LD_FAIL(err, LD_EINTERNAL, "out of memory for the collection pass");
                break;
            }
            rows = r;
        }
        pending *r = &rows[count++];
        r->loan = (ledger_collection_loan){sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                                           sqlite3_column_int64(q, 2), sqlite3_column_int(q, 3)};
        r->dpd = sqlite3_column_int64(q, 4);
        r->case_id = sqlite3_column_int64(q, 5);
        snprintf(r->stage, sizeof r->stage, "%s", (const char *)sqlite3_column_text(q, 6));
    }
    if (st == LD_OK && rc != SQLITE_DONE)
        st = core_store_fail(store, "reading collection cases", err);
    sqlite3_finalize(q);
    for (size_t i = 0; st == LD_OK && i < count; i++)
        st = review_loan(store, &p->terms, &rows[i].loan, rows[i].case_id, rows[i].stage, p->last,
                         rows[i].dpd, n, err);
    free(rows);
    return st;
}

ld_status ledger_collection_pass_run(core_store *store, ledger_collection_pass *p,
                                     ledger_collection_counts *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    if (p->terms.collection_off)
        return LD_OK;
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = settle_promises(store, p, out, err)) != LD_OK ||
        (st = review_noted(store, p, out, err)) != LD_OK)
        return st;
    return p->full ? review_all(store, p, out, err) : LD_OK;
}
