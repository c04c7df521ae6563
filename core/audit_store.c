/*
 * audit_store.c - SQL of the audit trail (audit.h).
 *
 * Every row goes through insert_event, which is where the trail's text is
 * made safe whoever wrote it: a name is escaped and cut to
 * CORE_AUDIT_NAME_MAX bytes, every string inside a detail to
 * CORE_AUDIT_TEXT_MAX, a whole detail to CORE_AUDIT_DETAIL_MAX (text.h,
 * core_text_escape). So a failed login's made-up user name cannot forge a row
 * of `audit list` with a line break, nor fill the database.
 */
#include "audit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "permission.h"
#include "json_in.h"
#include "store_sql.h"
#include "text.h"

/* Escapes and bounds every string of node's tree in place (keys too), using
 * buf (CORE_AUDIT_TEXT_MAX + 1 bytes); false when memory runs out. */
static bool make_visible(cJSON *node, char *buf)
{
    for (cJSON *item = node->child; item != NULL; item = item->next) {
        if (item->string != NULL &&
            !core_text_escape(item->string, strlen(item->string), buf, CORE_AUDIT_TEXT_MAX + 1)) {
            size_t n = strlen(buf) + 1;
            char *key = cJSON_malloc(n);
            if (key == NULL)
                return false;
            memcpy(key, buf, n);
            if (!(item->type & cJSON_StringIsConst))
                cJSON_free(item->string);
            item->string = key;
            item->type &= ~cJSON_StringIsConst;
        }
        if (cJSON_IsString(item) && item->valuestring != NULL &&
            !core_text_escape(item->valuestring, strlen(item->valuestring), buf,
                              CORE_AUDIT_TEXT_MAX + 1) &&
            cJSON_SetValuestring(item, buf) == NULL)
            return false;
        if (item->child != NULL && !make_visible(item, buf))
            return false;
    }
    return true;
}

/* True when every string of node's tree would be stored as it is. */
static bool all_visible(const cJSON *node, char *buf)
{
    for (const cJSON *item = node->child; item != NULL; item = item->next) {
        if (item->string != NULL &&
            !core_text_escape(item->string, strlen(item->string), buf, CORE_AUDIT_TEXT_MAX + 1))
            return false;
        if (cJSON_IsString(item) && item->valuestring != NULL &&
            !core_text_escape(item->valuestring, strlen(item->valuestring), buf,
                              CORE_AUDIT_TEXT_MAX + 1))
            return false;
        if (item->child != NULL && !all_visible(item, buf))
            return false;
    }
    return true;
}

/* The stored text of a detail (NULL: "{}"), escaped and bounded; allocated
 * by cJSON (cJSON_free), NULL when memory runs out. A detail longer than
 * CORE_AUDIT_DETAIL_MAX keeps its size and its escaped beginning. */
static char *detail_text(const cJSON *detail)
{
    char *buf = malloc(CORE_AUDIT_TEXT_MAX + 1);
    if (buf == NULL)
        return NULL;
    cJSON *copy = NULL;
    const cJSON *shown = detail;
    if (detail == NULL) {
        shown = copy = cJSON_CreateObject();
    } else if (!all_visible(detail, buf)) {
        /* The caller's tree is left as it is; only the stored copy changes. */
        copy = cJSON_Duplicate(detail, 1);
        if (copy != NULL && !make_visible(copy, buf)) {
            cJSON_Delete(copy);
            copy = NULL;
        }
        shown = copy;
    }
    char *text = shown != NULL ? cJSON_PrintUnformatted(shown) : NULL;
    cJSON_Delete(copy);
    size_t len = text != NULL ? strlen(text) : 0;
    if (len > CORE_AUDIT_DETAIL_MAX) {
        core_text_escape(text, len, buf, CORE_AUDIT_TEXT_MAX + 1);
        cJSON_free(text);
        cJSON *cut = cJSON_CreateObject();
        cJSON_AddBoolToObject(cut, "truncated", 1);
        core_json_put_int(cut, "bytes", (int64_t)len);
        cJSON_AddStringToObject(cut, "head", buf);
        text = cJSON_PrintUnformatted(cut);
        cJSON_Delete(cut);
    }
    free(buf);
    return text;
}

static ld_status insert_event(core_store *store, int64_t user_id, const char *username,
                              const char *action, const char *entity, int64_t entity_id,
                              const char *outcome, const char *detail, ld_error *err)
{
    /* Names are shown one per column of a line: escaped and bounded. */
    char name[CORE_AUDIT_NAME_MAX + 1];
    if (username != NULL) {
        core_text_escape(username, strlen(username), name, sizeof name);
        username = name;
    }
    static const char sql[] =
        "INSERT INTO audit_event (at, user_id, username, action, entity, entity_id, outcome, "
        "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    char now[32];
    core_store_now_iso(store, now);
    sqlite3_bind_text(stmt, 1, now, -1, SQLITE_TRANSIENT);
    if (user_id > 0)
        sqlite3_bind_int64(stmt, 2, user_id);
    core_store_bind_text(stmt, 3, username);
    core_store_bind_text(stmt, 4, action);
    core_store_bind_text(stmt, 5, entity);
    if (entity_id > 0)
        sqlite3_bind_int64(stmt, 6, entity_id);
    core_store_bind_text(stmt, 7, outcome);
    core_store_bind_text(stmt, 8, detail);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "recording the audit trail", err);
    return LD_OK;
}

ld_status core_audit_record(core_store *store, const core_session *who, const char *action,
                            const char *entity, int64_t entity_id, const cJSON *detail,
                            ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    char *text = detail_text(detail);
    if (text == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory recording the audit trail");
    st = insert_event(store, who->user_id, who->username, action, entity, entity_id, "ok", text,
                      err);
    cJSON_free(text);
    return st;
}

/* The detail of a refusal: {"reason": reason}, escaped and bounded. */
static char *denial_text(const char *reason)
{
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "reason", reason ? reason : "");
    char *text = detail_text(detail);
    cJSON_Delete(detail);
    return text;
}

ld_status core_audit_record_denial_here(core_store *store, const core_session *who,
                                        const char *action, const char *reason, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    char *text = denial_text(reason);
    if (text == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory recording a refusal");
    st =
        insert_event(store, who->user_id, who->username, action, "command", 0, "denied", text, err);
    cJSON_free(text);
    return st;
}

ld_status core_audit_record_denial(core_store *store, const core_session *who, const char *username,
                                   const char *action, const char *reason, ld_error *err)
{
    char *text = denial_text(reason);
    if (text == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory recording a refusal");
    ld_status st = core_store_begin(store, err);
    if (st == LD_OK) {
        st = insert_event(store, who ? who->user_id : 0, who ? who->username : username, action,
                          "command", 0, "denied", text, err);
        if (st == LD_OK)
            st = core_store_commit(store, err);
        else
            core_store_rollback(store);
    }
    cJSON_free(text);
    return st;
}

cJSON *core_audit_diff(const cJSON *before, const cJSON *after)
{
    cJSON *changes = cJSON_CreateObject();
    if (changes == NULL)
        return NULL;
    const cJSON *field;
    cJSON_ArrayForEach(field, after)
    {
        const cJSON *old = before ? cJSON_GetObjectItemCaseSensitive(before, field->string) : NULL;
        if (old != NULL && cJSON_Compare(old, field, 1))
            continue;
        cJSON *change = cJSON_CreateObject();
        cJSON_AddItemToObject(change, "before", old ? cJSON_Duplicate(old, 1) : cJSON_CreateNull());
        cJSON_AddItemToObject(change, "after", cJSON_Duplicate(field, 1));
        cJSON_AddItemToObject(changes, field->string, change);
    }
    return changes;
}

ld_status core_audit_list(core_store *store, const core_session *who,
                          const core_audit_filter *filter, cJSON **out, ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_AUDIT_READ, NULL, err);
    if (st != LD_OK)
        return st;
    static const char sql[] =
        "SELECT id, at, username, action, entity, entity_id, outcome, detail FROM audit_event "
        "WHERE (?1 IS NULL OR entity = ?1) AND (?2 = 0 OR entity_id = ?2) "
        "AND (?3 IS NULL OR username = ?3) ORDER BY id DESC LIMIT ?4";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, filter ? filter->entity : NULL);
    sqlite3_bind_int64(stmt, 2, filter ? filter->entity_id : 0);
    core_store_bind_text(stmt, 3, filter ? filter->username : NULL);
    sqlite3_bind_int(stmt, 4, filter && filter->limit > 0 ? filter->limit : 100);
    cJSON *rows = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *row = cJSON_CreateObject();
        core_json_put_int(row, "id", sqlite3_column_int64(stmt, 0));
        cJSON_AddStringToObject(row, "at", (const char *)sqlite3_column_text(stmt, 1));
        cJSON_AddStringToObject(row, "user", (const char *)sqlite3_column_text(stmt, 2));
        cJSON_AddStringToObject(row, "action", (const char *)sqlite3_column_text(stmt, 3));
        cJSON_AddStringToObject(row, "entity", (const char *)sqlite3_column_text(stmt, 4));
        if (sqlite3_column_type(stmt, 5) != SQLITE_NULL)
            core_json_put_int(row, "entity_id", sqlite3_column_int64(stmt, 5));
        cJSON_AddStringToObject(row, "outcome", (const char *)sqlite3_column_text(stmt, 6));
        cJSON *detail = cJSON_Parse((const char *)sqlite3_column_text(stmt, 7));
        cJSON_AddItemToObject(row, "detail", detail ? detail : cJSON_CreateObject());
        cJSON_AddItemToArray(rows, row);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(rows);
        return core_store_fail(store, "reading the audit trail", err);
    }
    *out = rows;
    return LD_OK;
}

ld_status core_audit_record_after(core_store *store, const core_session *who, const char *action,
                                  const char *entity, int64_t entity_id, const cJSON *after,
                                  ld_error *err)
{
    cJSON *detail = cJSON_CreateObject();
    if (detail == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    cJSON_AddItemToObject(detail, "after", cJSON_Duplicate(after, true));
    ld_status st = core_audit_record(store, who, action, entity, entity_id, detail, err);
    cJSON_Delete(detail);
    return st;
}
