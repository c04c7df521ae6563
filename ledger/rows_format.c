/*
 * rows_format.c - the move of a book to format 2 of the "rows" entries
 * (rows.h): the first write after it records, for every row of the tables
 * whose images format 2 widened, its format 2 image, so that the columns
 * format 1 left out are proven from that entry on.
 *
 * Each such row is noted as changed with its image before being the row as
 * it is: the flush then appends [TABLE, KEY1, KEY2, IMAGE, IMAGE]. Replay
 * compares that image before with the row's last format 1 image on the
 * columns format 1 carried (a row changed behind the application's back is
 * still caught), and from then on the whole image. An audit event names the
 * tables and the number of rows; table ledger_rows_format marks the book as
 * recorded, so this runs once.
 */
#include "rows.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "json_in.h"
#include "store_sql.h"

ld_status ledger_rows_format_upgrade(core_store *store, ld_error *err)
{
    sqlite3_stmt *done =
        core_store_stmt(store, "SELECT 1 FROM ledger_rows_format WHERE format = 2", err);
    if (done == NULL)
        return LD_EINTERNAL;
    int rc = sqlite3_step(done);
    sqlite3_reset(done);
    if (rc == SQLITE_ROW)
        return LD_OK;
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "reading the format of the log's rows", err);
    sqlite3 *db = core_store_db(store);
    cJSON *tables = cJSON_CreateObject();
    int64_t total = 0;
    ld_status st = LD_OK;
    ledger_rows_table_info info;
    char sql[4096];
    for (int t = 0; st == LD_OK && ledger_rows_table(t, &info); t++) {
        if (info.v1 == 0)
            continue;
        /* The image before as the row triggers take it (json_array of the
         * columns); a row this transaction changed keeps the one noted. */
        snprintf(sql, sizeof sql,
                 "INSERT OR IGNORE INTO temp.ld_row_change SELECT %d, %s, %s, json_array(%s) "
                 "FROM %s",
                 t, info.k1, info.k2 != NULL ? info.k2 : "0", info.columns, info.name);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            st = core_store_fail(store, "recording the rows in format 2", err);
            break;
        }
        /* The rows recorded as they stand; those this transaction inserted
         * or changed were noted already, and are recorded by their change. */
        int64_t rows = sqlite3_changes(db);
        if (rows > 0)
            core_json_put_int(tables, info.name, rows);
        total += rows;
    }
    if (st == LD_OK && total > 0) {
        /* Said in the audit trail: the rows of these tables are recorded
         * again, unchanged, now with every column that bears on a decision. */
        cJSON *detail = cJSON_CreateObject();
        core_json_put_int(detail, "format", 2);
        core_json_put_int(detail, "rows", total);
        cJSON_AddItemToObject(detail, "tables", tables);
        tables = NULL;
        cJSON_AddStringToObject(detail, "reason",
                                "the log's row images now carry the borrower's scorecard facts, "
                                "application attributes, statement lines and override terms; "
                                "each such row is recorded as it stands");
        core_session system = {.user_id = 0, .username = "(system)"};
        st = core_audit_record(store, &system, "ledger.rows_format", "ledger", 0, detail, err);
        cJSON_Delete(detail);
    }
    cJSON_Delete(tables);
    if (st == LD_OK && sqlite3_exec(db, "INSERT INTO ledger_rows_format (format) VALUES (2)", NULL,
                                    NULL, NULL) != SQLITE_OK)
        st = core_store_fail(store, "marking the rows recorded in format 2", err);
    return st;
}
