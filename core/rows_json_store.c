/*
 * rows_json_store.c - the rows of a query as JSON objects, typed by column
 * name (store_sql.h, core_store_rows_json), for the records of customer care
 * and collection that are shown as they are stored.
 */
#include <string.h>

#include "json_in.h"
#include "store_sql.h"

static bool is_date(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "date") == 0 || strcmp(name, "deadline") == 0 ||
           strcmp(name, "next_date") == 0 || strcmp(name, "stage_since") == 0 ||
           (n > 3 && strcmp(name + n - 3, "_on") == 0);
}

static bool is_money(const char *name)
{
    return strcmp(name, "amount") == 0 || strcmp(name, "paid") == 0 || strcmp(name, "overdue") == 0;
}

ld_status core_store_rows_json(core_store *store, sqlite3_stmt *stmt, cJSON *list, ld_error *err)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        for (int i = 0; i < sqlite3_column_count(stmt); i++) {
            const char *name = sqlite3_column_name(stmt, i);
            int type = sqlite3_column_type(stmt, i);
            int64_t v = sqlite3_column_int64(stmt, i);
            if (type == SQLITE_NULL)
                continue;
            if (type == SQLITE_TEXT)
                cJSON_AddStringToObject(o, name, (const char *)sqlite3_column_text(stmt, i));
            else if (is_date(name))
                core_json_put_date(o, name, (ld_date)v);
            else if (is_money(name))
                core_json_put_money(o, name, v);
            else if (strcmp(name, "past_deadline") == 0)
                cJSON_AddBoolToObject(o, name, v != 0);
            else
                core_json_put_int(o, name, v);
        }
        cJSON_AddItemToArray(list, o);
    }
    return rc == SQLITE_DONE ? LD_OK : core_store_fail(store, "reading the records", err);
}
