/*
 * care_store.c - visits to customers (走访) and their complaints (投诉)
 * (care.h): recorded by the customer's officer, read like the customer's
 * file, every change in the audit trail and (both tables covered) the
 * ledger's log.
 */
#include <string.h>

#include "audit.h"
#include "borrower.h"
#include "care.h"
#include "json_in.h"
#include "permission.h"
#include "store_sql.h"
#include "text.h"
#include "user.h"

static const char *const channels[] = {"phone", "counter", "letter", "online", "regulator", NULL};

/* A date field of input, the business date when absent, never after it. */
static ld_status day_of(core_store *store, const cJSON *in, const char *path, const char *key,
                        ld_date *out, ld_error *err)
{
    bool present = false;
    ld_status st = core_json_date(in, path, key, false, out, &present, err);
    if (st != LD_OK)
        return st;
    if (!present)
        *out = core_store_today(store);
    if (*out > core_store_today(store))
        return LD_FAIL(err, LD_EINVAL, "%s.%s: must not be after the business date", path, key);
    return LD_OK;
}

static ld_status require_object(const cJSON *in, const char *path, const char *const *known,
                                ld_error *err)
{
    if (!cJSON_IsObject(in))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a JSON object", path);
    return core_json_reject_unknown(in, path, known, err);
}

ld_status core_visit_add(core_store *store, const core_session *who, int64_t borrower_id,
                         const cJSON *in, int64_t *id_out, ld_error *err)
{
    static const char *const known[] = {"date", "people", "purpose", "findings", "follow_up", NULL};
    ld_status st;
    ld_date date = 0;
    const char *people = NULL, *purpose = NULL, *findings = NULL, *follow_up = NULL;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_CUSTOMER_EDIT, NULL, err)) != LD_OK ||
        (st = core_borrower_require(store, who, borrower_id, CORE_ACT_CUSTOMER_EDIT, err)) !=
            LD_OK ||
        (st = require_object(in, "visit", known, err)) != LD_OK ||
        (st = day_of(store, in, "visit", "date", &date, err)) != LD_OK ||
        (st = core_json_text(in, "visit", "people", true, 500, &people, NULL, err)) != LD_OK ||
        (st = core_json_text_lines(in, "visit", "purpose", true, 2000, &purpose, NULL, err)) !=
            LD_OK ||
        (st = core_json_text_lines(in, "visit", "findings", true, 8000, &findings, NULL, err)) !=
            LD_OK ||
        (st = core_json_text_lines(in, "visit", "follow_up", false, 4000, &follow_up, NULL, err)) !=
            LD_OK)
        return st;
    static const char sql[] =
        "INSERT INTO visit (borrower_id, date, people, purpose, findings,"
        " follow_up, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, borrower_id);
    sqlite3_bind_int64(stmt, 2, date);
    core_store_bind_text(stmt, 3, people);
    core_store_bind_text(stmt, 4, purpose);
    core_store_bind_text(stmt, 5, findings);
    if (follow_up != NULL)
        core_store_bind_text(stmt, 6, follow_up);
    sqlite3_bind_int64(stmt, 7, who->user_id);
    core_store_bind_text(stmt, 8, now);
    if ((st = core_store_run_write(store, stmt, "recording the visit", id_out, err)) != LD_OK)
        return st;
    cJSON *after = cJSON_Duplicate(in, true);
    core_json_put_int(after, "borrower_id", borrower_id);
    st = core_audit_record_after(store, who, "visit.add", "visit", *id_out, after, err);
    cJSON_Delete(after);
    return st;
}

ld_status core_visit_list(core_store *store, const core_session *who, int64_t borrower_id,
                          cJSON **out, ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err)) != LD_OK ||
        (st = core_borrower_require(store, who, borrower_id, CORE_ACT_CUSTOMER_READ, err)) != LD_OK)
        return st;
    static const char sql[] =
        "SELECT v.id, v.date, v.people, v.purpose, v.findings, v.follow_up, u.username AS"
        " recorded_by FROM visit v JOIN app_user u ON u.id = v.recorded_by WHERE"
        " v.borrower_id = ? ORDER BY v.date DESC, v.id DESC";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, borrower_id);
    cJSON *list = cJSON_CreateArray();
    st = core_store_rows_json(store, stmt, list, err);
    sqlite3_reset(stmt);
    if (st != LD_OK) {
        cJSON_Delete(list);
        return st;
    }
    *out = list;
    return LD_OK;
}

ld_status core_complaint_add(core_store *store, const core_session *who, int64_t borrower_id,
                             const cJSON *in, int64_t *id_out, ld_error *err)
{
    static const char *const known[] = {"channel", "text", "received_on", NULL};
    ld_status st;
    ld_date received = 0;
    int channel = 0;
    const char *text = NULL;
    core_customer_scope scope;
    core_care_terms terms;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_CUSTOMER_EDIT, NULL, err)) != LD_OK ||
        (st = core_borrower_require(store, who, borrower_id, CORE_ACT_CUSTOMER_EDIT, err)) !=
            LD_OK ||
        (st = core_borrower_scope(store, borrower_id, &scope, err)) != LD_OK ||
        (st = require_object(in, "complaint", known, err)) != LD_OK ||
        (st = core_json_choice(in, "complaint", "channel", true, channels, &channel, NULL, err)) !=
            LD_OK ||
        (st = core_json_text_lines(in, "complaint", "text", true, 8000, &text, NULL, err)) !=
            LD_OK ||
        (st = day_of(store, in, "complaint", "received_on", &received, err)) != LD_OK ||
        (st = core_care_terms_get(store, &terms, err)) != LD_OK)
        return st;
    static const char sql[] =
        "INSERT INTO complaint (borrower_id, received_on, channel, text, assigned_to, deadline,"
        " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_int64(stmt, 1, borrower_id);
    sqlite3_bind_int64(stmt, 2, received);
    core_store_bind_text(stmt, 3, channels[channel]);
    core_store_bind_text(stmt, 4, text);
    sqlite3_bind_int64(stmt, 5, scope.officer_id);
    sqlite3_bind_int64(stmt, 6, received + terms.complaint_days);
    sqlite3_bind_int64(stmt, 7, who->user_id);
    core_store_bind_text(stmt, 8, now);
    if ((st = core_store_run_write(store, stmt, "recording the complaint", id_out, err)) != LD_OK)
        return st;
    cJSON *after = cJSON_Duplicate(in, true);
    core_json_put_int(after, "borrower_id", borrower_id);
    core_json_put_date(after, "deadline", received + terms.complaint_days);
    st = core_audit_record_after(store, who, "complaint.add", "complaint", *id_out, after, err);
    cJSON_Delete(after);
    return st;
}

typedef struct complaint_row {
    int64_t borrower_id, assigned_to;
    bool responded, closed;
} complaint_row;

static ld_status read_complaint(core_store *store, const core_session *who, int64_t id,
                                core_action action, complaint_row *out, ld_error *err)
{
    ld_status st = core_perm_require(who, action, NULL, err);
    if (st != LD_OK)
        return st;
    static const char sql[] = "SELECT borrower_id, response IS NOT NULL, closed_on IS NOT NULL,"
                              " assigned_to FROM complaint WHERE id = ?";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    sqlite3_bind_int64(stmt, 1, id);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        out->borrower_id = sqlite3_column_int64(stmt, 0);
        out->responded = sqlite3_column_int(stmt, 1) != 0;
        out->closed = sqlite3_column_int(stmt, 2) != 0;
        out->assigned_to = sqlite3_column_int64(stmt, 3);
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return LD_FAIL(err, LD_ENOTFOUND, "complaint %lld not found", (long long)id);
    if (rc != SQLITE_ROW)
        return core_store_fail(store, "reading the complaint", err);
    /* Reassigning is a manager's, on any customer; the rest the officer's own. */
    if (action == CORE_ACT_CUSTOMER_ASSIGN)
        return LD_OK;
    /* The officer a manager gave the complaint to answers it too. */
    bool assignee = action == CORE_ACT_CUSTOMER_EDIT && out->assigned_to == who->user_id;
    if (!assignee &&
        (st = core_borrower_require(store, who, out->borrower_id, action, err)) != LD_OK)
        return st;
    if (out->closed && action == CORE_ACT_CUSTOMER_EDIT)
        return LD_FAIL(err, LD_ESTATE, "complaint %lld is closed", (long long)id);
    return LD_OK;
}

/* One column of complaint id set to a value, audited. */
static ld_status complaint_set(core_store *store, const core_session *who, int64_t id,
                               const char *sql, const char *text, int64_t number,
                               const char *action, const char *key, ld_error *err)
{
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    if (text != NULL)
        core_store_bind_text(stmt, 1, text);
    else
        sqlite3_bind_int64(stmt, 1, number);
    sqlite3_bind_int64(stmt, 2, core_store_today(store));
    sqlite3_bind_int64(stmt, 3, id);
    ld_status st = core_store_run_write(store, stmt, "updating the complaint", NULL, err);
    if (st != LD_OK)
        return st;
    cJSON *after = cJSON_CreateObject();
    if (text != NULL)
        cJSON_AddStringToObject(after, key, text);
    else
        core_json_put_int(after, key, number);
    st = core_audit_record_after(store, who, action, "complaint", id, after, err);
    cJSON_Delete(after);
    return st;
}

static ld_status need_text(const char *field, const char *text, ld_error *err)
{
    if (text == NULL || text[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "%s: is required", field);
    if (strlen(text) > 8000)
        return LD_FAIL(err, LD_EINVAL, "%s: at most 8000 bytes", field);
    return core_text_check(field, text, strlen(text), CORE_TEXT_REASON, err) != LD_OK ? LD_EINVAL
                                                                                      : LD_OK;
}

ld_status core_complaint_assign(core_store *store, const core_session *who, int64_t id,
                                const char *username, ld_error *err)
{
    complaint_row c;
    int64_t user = 0;
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = read_complaint(store, who, id, CORE_ACT_CUSTOMER_ASSIGN, &c, err)) != LD_OK)
        return st;
    if (c.closed)
        return LD_FAIL(err, LD_ESTATE, "complaint %lld is closed", (long long)id);
    if (username == NULL || (st = core_user_id(store, username, &user, err)) == LD_ENOTFOUND)
        return LD_FAIL(err, LD_EINVAL, "to: no such user \"%s\"", username ? username : "");
    if (st != LD_OK)
        return st;
    /* ?2, the business date every update binds, plays no part here: the
     * deadline stays what it was. */
    return complaint_set(store, who, id,
                         "UPDATE complaint SET assigned_to = ?1 WHERE ?2 IS NOT NULL AND id = ?3",
                         NULL, user, "complaint.assign", "assigned_to", err);
}

ld_status core_complaint_respond(core_store *store, const core_session *who, int64_t id,
                                 const char *response, ld_error *err)
{
    complaint_row c;
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = read_complaint(store, who, id, CORE_ACT_CUSTOMER_EDIT, &c, err)) != LD_OK ||
        (st = need_text("response", response, err)) != LD_OK)
        return st;
    return complaint_set(store, who, id,
                         "UPDATE complaint SET response = ?1, responded_on = ?2 WHERE id = ?3",
                         response, 0, "complaint.respond", "response", err);
}

ld_status core_complaint_close(core_store *store, const core_session *who, int64_t id,
                               const char *feedback, ld_error *err)
{
    complaint_row c;
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = read_complaint(store, who, id, CORE_ACT_CUSTOMER_EDIT, &c, err)) != LD_OK ||
        (st = need_text("feedback", feedback, err)) != LD_OK)
        return st;
    if (!c.responded)
        return LD_FAIL(err, LD_ESTATE,
                       "complaint %lld has no response yet (loandesk complaint respond)",
                       (long long)id);
    return complaint_set(store, who, id,
                         "UPDATE complaint SET feedback = ?1, closed_on = ?2 WHERE id = ?3",
                         feedback, 0, "complaint.close", "feedback", err);
}

ld_status core_complaint_list(core_store *store, const core_session *who, bool all, bool overdue,
                              cJSON **out, ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_CUSTOMER_READ, NULL, err);
    if (st != LD_OK)
        return st;
    ld_date today = core_store_today(store);
    core_sql q;
    core_sql_init(&q);
    core_sql_add_int(
        &q,
        "SELECT c.id, c.borrower_id, b.name AS borrower, c.received_on, c.channel,"
        " c.text, u.username AS assigned_to, c.deadline, c.response, c.responded_on,"
        " c.feedback, c.closed_on, c.closed_on IS NULL AND c.deadline < ? AS past_deadline"
        " FROM complaint c JOIN borrower b ON b.id = c.borrower_id JOIN app_user u"
        " ON u.id = c.assigned_to WHERE 1 = 1",
        today);
    if (!all || overdue)
        core_sql_add(&q, " AND c.closed_on IS NULL");
    if (overdue)
        core_sql_add_int(&q, " AND c.deadline < ?", today);
    /* The user a manager gave a complaint to finds it here to answer it. */
    core_sql_add_int(&q, " AND (c.assigned_to = ? OR (1 = 1", who->user_id);
    core_sql_add_customer_scope(&q, who, false);
    core_sql_add(&q, "))");
    core_sql_add(&q, " ORDER BY c.closed_on IS NOT NULL, c.deadline, c.id LIMIT 5000");
    sqlite3_stmt *stmt = NULL;
    if ((st = core_sql_prepare(store, &q, &stmt, err)) != LD_OK)
        return st;
    cJSON *list = cJSON_CreateArray();
    st = core_store_rows_json(store, stmt, list, err);
    sqlite3_finalize(stmt);
    if (st != LD_OK) {
        cJSON_Delete(list);
        return st;
    }
    *out = list;
    return LD_OK;
}
