/*
 * ledger_events_store.c - builds canonical event entries and appends them to
 * the log in the caller's transaction (ledger_events.h).
 */
#include "ledger_events.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "log.h"
#include "rows.h"
#include "loan_int.h"
#include "json_in.h"
#include "store_sql.h"

time_t ledger_event_now(const core_store *store)
{
    return (time_t)core_store_now(store);
}

/* The canonical bytes of {"type", "time", "business_date", ...fields};
 * *out is malloc'd. */
static ld_status event_bytes(const char *type, time_t time, ld_date business_date,
                             const cJSON *fields, char **out, size_t *len, ld_error *err)
{
    if (type == NULL || type[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "type: an event needs a type");
    if (fields != NULL && !cJSON_IsObject(fields))
        return LD_FAIL(err, LD_EINVAL, "fields: must be a JSON object");
    if (fields != NULL && (cJSON_GetObjectItemCaseSensitive(fields, "type") != NULL ||
                           cJSON_GetObjectItemCaseSensitive(fields, "time") != NULL ||
                           cJSON_GetObjectItemCaseSensitive(fields, "business_date") != NULL))
        return LD_FAIL(err, LD_EINVAL,
                       "fields: \"type\", \"time\" and \"business_date\" are set by the log");
    cJSON *entry = fields != NULL ? cJSON_Duplicate(fields, 1) : cJSON_CreateObject();
    if (entry == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory building an event");
    cJSON_AddStringToObject(entry, "type", type);
    core_json_put_int(entry, "time", (int64_t)time);
    /* The day the books were kept on, beside the wall clock's time. */
    core_json_put_date(entry, "business_date", business_date);
    ld_status st = ledger_json_canonical(entry, out, len, err);
    cJSON_Delete(entry);
    if (st != LD_OK)
        ld_error_prefix(err, "event %s", type);
    return st;
}

ld_status ledger_event_append_to(ledger_log *log, const core_store *store, const char *type,
                                 const cJSON *fields, uint64_t *seq_out, ld_error *err)
{
    char *bytes = NULL;
    size_t len = 0;
    uint64_t seq = 0;
    ld_status st = event_bytes(type, ledger_event_now(store), core_store_today(store), fields,
                               &bytes, &len, err);
    if (st == LD_OK)
        st = ledger_log_append(log, bytes, len, &seq, err);
    free(bytes);
    if (st == LD_OK && seq_out != NULL)
        *seq_out = seq;
    return st;
}

ld_status ledger_event_append_seq(core_store *store, const char *type, const cJSON *fields,
                                  uint64_t *seq_out, ld_error *err)
{
    ld_status st = core_store_require_transaction(store, err);
    if (st != LD_OK)
        return st;
    ledger_log *log = NULL;
    if ((st = ledger_log_open(core_store_db(store), &log, err)) == LD_OK)
        st = ledger_event_append_to(log, store, type, fields, seq_out, err);
    ledger_log_close(log);
    return st;
}

ld_status ledger_event_append(core_store *store, const char *type, const cJSON *fields,
                              ld_error *err)
{
    return ledger_event_append_seq(store, type, fields, NULL, err);
}

static ld_status append_from_core(void *context, const char *type, const struct cJSON *fields,
                                  ld_error *err)
{
    return ledger_event_append(context, type, fields, err);
}

ld_status ledger_events_attach(core_store *store, ld_error *err)
{
    core_store_set_event_sink(store, append_from_core, store);
    return ledger_rows_install(store, err);
}
