/*
 * page_store.c - the machinery every paged list shares (page.h, store_sql.h):
 * composing a query from fixed fragments with bound values, the customer
 * scope as SQL, LIKE patterns that match text literally, and running one page
 * with its total.
 *
 * A page is read with LIMIT limit + 1: the extra row only says that more rows
 * follow, and is not returned. The total is a second query over the same
 * conditions, without the joins that only the displayed columns need, so
 * SQLite can answer it from an index alone.
 */
#include <assert.h>
#include <string.h>

#include "json_in.h"
#include "permission.h"
#include "store_sql.h"
#include "user.h"

ld_status core_page_check(const core_page *page, core_page *out, ld_error *err)
{
    core_page p = page != NULL ? *page : CORE_PAGE_FIRST;
    if (p.limit < 1 || p.limit > CORE_PAGE_LIMIT_MAX)
        return LD_FAIL(err, LD_EINVAL, "limit: must be between 1 and %d, not %d",
                       CORE_PAGE_LIMIT_MAX, p.limit);
    if (p.after < 0)
        return LD_FAIL(err, LD_EINVAL, "after: must be the id of a row seen, not %lld",
                       (long long)p.after);
    *out = p;
    return LD_OK;
}

cJSON *core_page_result_json(core_page_result *result)
{
    cJSON *doc = cJSON_CreateObject();
    if (doc == NULL)
        return NULL;
    core_json_put_int(doc, "total", result->total);
    cJSON_AddBoolToObject(doc, "has_more", result->has_more);
    core_json_put_int(doc, "next_after", result->next_after);
    cJSON_AddItemToObject(doc, "rows", result->rows);
    memset(result, 0, sizeof *result); /* the rows now belong to doc */
    return doc;
}

void core_page_result_free(core_page_result *result)
{
    if (result == NULL)
        return;
    cJSON_Delete(result->rows);
    memset(result, 0, sizeof *result);
}

void core_sql_init(core_sql *q)
{
    q->len = 0;
    q->text[0] = '\0';
    q->overflow = false;
    q->count = 0;
}

void core_sql_add(core_sql *q, const char *fragment)
{
    size_t n = strlen(fragment);
    if (q->overflow || q->len + n >= sizeof q->text) {
        q->overflow = true;
        return;
    }
    memcpy(q->text + q->len, fragment, n + 1);
    q->len += n;
}

/* The slot for the value of a fragment's one `?`. */
static int add_bound(core_sql *q, const char *fragment)
{
    assert(strchr(fragment, '?') != NULL && strchr(fragment, '?') == strrchr(fragment, '?'));
    core_sql_add(q, fragment);
    if (q->overflow || q->count >= CORE_SQL_BINDS_MAX) {
        q->overflow = true;
        return -1;
    }
    return q->count++;
}

void core_sql_add_int(core_sql *q, const char *fragment, int64_t value)
{
    int slot = add_bound(q, fragment);
    if (slot >= 0) {
        q->binds[slot].is_text = false;
        q->binds[slot].number = value;
    }
}

void core_sql_add_text(core_sql *q, const char *fragment, const char *value)
{
    int slot = add_bound(q, fragment);
    if (slot >= 0) {
        q->binds[slot].is_text = true;
        q->binds[slot].text = value;
    }
}

void core_sql_append(core_sql *q, const core_sql *part)
{
    core_sql_add(q, part->text);
    if (part->overflow || q->count + part->count > CORE_SQL_BINDS_MAX) {
        q->overflow = true;
        return;
    }
    memcpy(&q->binds[q->count], part->binds, (size_t)part->count * sizeof part->binds[0]);
    q->count += part->count;
}

ld_status core_sql_prepare(core_store *store, const core_sql *q, sqlite3_stmt **out, ld_error *err)
{
    if (q->overflow)
        return LD_FAIL(err, LD_EINTERNAL, "composed query too long (raise CORE_SQL_TEXT_MAX)");
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(core_store_db(store), q->text, (int)q->len, &stmt, NULL) != SQLITE_OK)
        return core_store_fail(store, "preparing a list", err);
    assert(sqlite3_bind_parameter_count(stmt) == q->count);
    for (int i = 0; i < q->count; i++) {
        if (q->binds[i].is_text)
            sqlite3_bind_text(stmt, i + 1, q->binds[i].text, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(stmt, i + 1, q->binds[i].number);
    }
    *out = stmt;
    return LD_OK;
}

ld_status core_sql_like_contains(const char *field, const char *text, char *out, size_t size,
                                 ld_error *err)
{
    if (text == NULL || text[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "%s: must not be empty", field);
    size_t n = 0;
    out[n++] = '%';
    for (const char *c = text; *c != '\0'; c++) {
        if (n + 4 > size) /* an escape, the character, '%' and the terminator */
            return LD_FAIL(err, LD_EINVAL, "%s: at most %zu bytes", field, (size - 3) / 2);
        if (*c == '\\' || *c == '%' || *c == '_')
            out[n++] = '\\';
        out[n++] = *c;
    }
    out[n++] = '%';
    out[n] = '\0';
    return LD_OK;
}

void core_sql_add_customer_scope(core_sql *q, const core_session *who, bool narrow_elsewhere)
{
    switch (who->role) {
    case CORE_ROLE_OFFICER:
        core_sql_add_int(q, " AND b.officer_id = ?", who->user_id);
        return;
    case CORE_ROLE_REVIEWER:
        /* Unary + keeps the flag's index out of the plan (SQLite's documented
         * way to disqualify a term from index use). */
        core_sql_add(q, narrow_elsewhere ? " AND +b.under_review = 1" : " AND b.under_review = 1");
        return;
    case CORE_ROLE_MANAGER:
    case CORE_ROLE_AUDITOR:
    case CORE_ROLE_ADMIN:
        /* Admins never get here: core_perm_require refuses them customer reads. */
        return;
    }
}

ld_status core_list_begin(const core_session *who, const core_page *page, core_page *out,
                          ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err);
    return st != LD_OK ? st : core_page_check(page, out, err);
}

ld_status core_list_officer_id(core_store *store, const char *field, const char *username,
                               int64_t *out, ld_error *err)
{
    ld_status st = core_user_id(store, username, out, err);
    if (st == LD_ENOTFOUND)
        return LD_FAIL(err, LD_EINVAL, "%s: no user is named \"%s\"", field, username);
    return st;
}

/* Appends conditions composed as " AND ..." fragments as a WHERE clause;
 * nothing when there are none (so a bare count stays SQLite's quick count
 * of a whole table). */
static void add_where(core_sql *q, const core_sql *first, const core_sql *second)
{
    core_sql both;
    core_sql_init(&both);
    core_sql_append(&both, first);
    if (second != NULL)
        core_sql_append(&both, second);
    if (both.len == 0)
        return;
    assert(strncmp(both.text, " AND ", 5) == 0);
    core_sql_add(q, " WHERE");
    size_t at = q->len;
    core_sql_append(q, &both);
    if (!q->overflow) /* drop the first " AND" */
        memmove(q->text + at, q->text + at + 4, q->len - at - 3);
    q->len -= q->overflow ? 0 : 4;
}

static ld_status count_where(core_store *store, const char *from, const core_sql *where,
                             int64_t *out, ld_error *err)
{
    core_sql q;
    core_sql_init(&q);
    core_sql_add(&q, "SELECT count(*) FROM ");
    core_sql_add(&q, from);
    add_where(&q, where, NULL);
    sqlite3_stmt *stmt = NULL;
    ld_status st = core_sql_prepare(store, &q, &stmt, err);
    if (st != LD_OK)
        return st;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW ? LD_OK : core_store_fail(store, "counting a list", err);
}

static ld_status count_rows(core_store *store, const core_list_query *query, int64_t *out,
                            ld_error *err)
{
    const core_sql *where = query->count_where != NULL ? query->count_where : query->where;
    int64_t all = 0, less = 0;
    ld_status st = count_where(store, query->count_from, where, &all, err);
    if (st == LD_OK && query->count_less != NULL)
        st = count_where(store, query->count_from, query->count_less, &less, err);
    if (st == LD_OK)
        *out = all - less;
    return st;
}

/* Steps the page query: at most limit rows become JSON, a row beyond them
 * says that more follow. */
static ld_status read_rows(core_store *store, sqlite3_stmt *stmt, int limit, core_list_row_fn row,
                           void *context, const char *what, core_page_result *result, ld_error *err)
{
    int rc, n = 0;
    int64_t last = 0;
    result->rows = cJSON_CreateArray();
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n == limit) {
            result->has_more = true;
            result->next_after = last;
            break;
        }
        cJSON *item = row(stmt, context);
        if (result->rows == NULL || item == NULL || !cJSON_AddItemToArray(result->rows, item)) {
            cJSON_Delete(item);
            rc = SQLITE_NOMEM;
            break;
        }
        last = sqlite3_column_int64(stmt, 0);
        n++;
    }
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return LD_OK;
    cJSON_Delete(result->rows);
    result->rows = NULL;
    return rc == SQLITE_NOMEM ? LD_FAIL(err, LD_EINTERNAL, "%s: out of memory", what)
                              : core_store_fail(store, what, err);
}

ld_status core_store_list_page(core_store *store, const core_list_query *query,
                               const core_page *page, core_list_row_fn row, void *context,
                               const char *what, core_page_result *out, ld_error *err)
{
    core_page_result result = {0};
    ld_status st = count_rows(store, query, &result.total, err);
    if (st != LD_OK)
        return st;
    bool few =
        query->from_few != NULL && result.total <= (int64_t)CORE_LIST_FEW_ROWS * (page->limit + 1);
    core_sql q;
    core_sql_init(&q);
    core_sql_add(&q, "SELECT ");
    core_sql_add(&q, query->columns);
    core_sql_add(&q, " FROM (SELECT ");
    core_sql_add(&q, query->key);
    core_sql_add(&q, " AS id FROM ");
    core_sql_add(&q, few ? query->from_few : query->from);
    add_where(&q, few && query->where_few != NULL ? query->where_few : query->where,
              page->after > 0 ? query->after : NULL);
    core_sql_add(&q, query->order);
    core_sql_add_int(&q, " LIMIT ?) k ", page->limit + 1);
    core_sql_add(&q, query->display);
    core_sql_add(&q, query->order);
    sqlite3_stmt *stmt = NULL;
    if ((st = core_sql_prepare(store, &q, &stmt, err)) != LD_OK)
        return st;
    st = read_rows(store, stmt, page->limit, row, context, what, &result, err);
    sqlite3_finalize(stmt);
    if (st == LD_OK)
        *out = result;
    return st;
}
