/*
 * ops_input.c - records as front ends collect them (flag pairs, a JSON file)
 * made into the typed JSON the operations take, and the bulk import
 * (loandesk/origination.h).
 *
 * Which fields are whole numbers is a property of the record shapes, so it is
 * decided here once for every front end rather than by each of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "import.h"
#include "json_in.h"
#include "loandesk/origination.h"

/* Fields whose values are whole numbers in JSON; everything else is text
 * (money included, as docs/design.md wants), and "true"/"false" are booleans. */
static const char *const integer_fields[] = {"term_months",
                                             "years_employed",
                                             "years_in_business",
                                             "industry_risk_class",
                                             "lien_rank",
                                             "borrower_id",
                                             "year",
                                             "years_at_address",
                                             "inquiries_6m",
                                             "open_loans",
                                             "worst_dpd_24m",
                                             NULL};

static bool is_integer_field(const char *key)
{
    for (int i = 0; integer_fields[i] != NULL; i++)
        if (strcmp(integer_fields[i], key) == 0)
            return true;
    return false;
}

/* A JSON value for text given for field key. */
static cJSON *typed_value(const char *key, const char *value)
{
    char *end = NULL;
    long long number = strtoll(value, &end, 10);
    if (is_integer_field(key) && end != value && *end == '\0')
        return core_json_int_item(number);
    if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
        return cJSON_CreateBool(strcmp(value, "true") == 0);
    return cJSON_CreateString(value);
}

ld_status ld_record_from_flags(int count, const char *const *names, const char *const *values,
                               cJSON **out, ld_error *err)
{
    if (count <= 0)
        return LD_FAIL(err, LD_EUSAGE,
                       "give the record as --json FILE (or - for stdin) or as flags");
    cJSON *record = cJSON_CreateObject();
    if (record == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    for (int i = 0; i < count; i++) {
        char key[64];
        const char *name = strncmp(names[i], "--", 2) == 0 ? names[i] + 2 : names[i];
        snprintf(key, sizeof key, "%s", name);
        for (char *p = key; *p; p++)
            if (*p == '-')
                *p = '_';
        /* --attr-NAME VALUE is one of the bank's own variables: it goes into
         * the record's "attributes" as text, which core reads as the policy
         * declares it (a number or a category). */
        if (strncmp(key, "attr_", 5) == 0 && key[5] != '\0') {
            cJSON *attributes = cJSON_GetObjectItemCaseSensitive(record, "attributes");
            if (attributes == NULL)
                attributes = cJSON_AddObjectToObject(record, "attributes");
            cJSON_DeleteItemFromObjectCaseSensitive(attributes, key + 5);
            cJSON_AddItemToObject(attributes, key + 5, cJSON_CreateString(values[i]));
            continue;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(record, key); /* the last one given counts */
        cJSON_AddItemToObject(record, key, typed_value(key, values[i]));
    }
    *out = record;
    return LD_OK;
}

ld_status ld_record_from_file(const char *path, cJSON **out, ld_error *err)
{
    return core_json_parse_file(path, out, err);
}

typedef struct import_args {
    const char *path;
} import_args;

static ld_status import_body(api_call *call, void *args, cJSON **out, ld_error *err)
{
    const import_args *a = args;
    core_import_stats stats;
    ld_status st = core_import_jsonl(call->store, call->who, a->path, &stats, err);
    if (st != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    core_json_put_int(o, "lines", stats.lines);
    core_json_put_int(o, "borrowers", stats.borrowers);
    core_json_put_int(o, "applications", stats.applications);
    core_json_put_int(o, "guarantors", stats.guarantors);
    core_json_put_int(o, "collateral", stats.collateral);
    *out = o;
    return LD_OK;
}

ld_status ld_import(ld_session *session, const char *path, cJSON **out, ld_error *err)
{
    import_args a = {.path = path};
    return api_run(session, "import", path, API_LARGE, import_body, &a, out, err);
}
