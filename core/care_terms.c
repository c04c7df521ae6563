/*
 * care_terms.c - the collection stages of the policy (care.h).
 */
#include "care.h"

#include <stdio.h>
#include <string.h>

#include "json_in.h"
#include "policy.h"

static const char *const stage_codes[] = {"reminder",  "visit", "demand",
                                          "guarantor", "legal", NULL};

static void defaults(core_care_terms *out)
{
    static const core_collection_stage d[] = {
        {"reminder", 1}, {"visit", 31}, {"demand", 91}, {"legal", 181}};
    memset(out, 0, sizeof *out);
    out->stage_count = (int)(sizeof d / sizeof d[0]);
    memcpy(out->stages, d, sizeof d);
    out->complaint_days = 15;
    out->churn_days = 90;
    out->churn_prepaid_pct = 30;
}

/* The policy's "care" section: the deadlines of customer care. */
static ld_status read_care(const cJSON *policy, core_care_terms *out, ld_error *err)
{
    static const char *const known[] = {"complaint_days", "churn_days", "churn_prepaid_pct", NULL};
    const cJSON *section = cJSON_GetObjectItemCaseSensitive(policy, "care");
    if (section == NULL)
        return LD_OK;
    if (!cJSON_IsObject(section))
        return LD_FAIL(err, LD_EINVAL, "$.care: must be an object");
    int64_t v = 0;
    bool present = false;
    ld_status st = core_json_reject_unknown(section, "$.care", known, err);
    if (st == LD_OK &&
        (st = core_json_int(section, "$.care", "complaint_days", false, 1, 366, &v, &present,
                            err)) == LD_OK &&
        present)
        out->complaint_days = (int)v;
    if (st == LD_OK &&
        (st = core_json_int(section, "$.care", "churn_days", false, 1, 3660, &v, &present, err)) ==
            LD_OK &&
        present)
        out->churn_days = (int)v;
    if (st == LD_OK &&
        (st = core_json_int(section, "$.care", "churn_prepaid_pct", false, 1, 100, &v, &present,
                            err)) == LD_OK &&
        present)
        out->churn_prepaid_pct = (int)v;
    return st;
}

ld_status core_care_terms_read(const cJSON *policy, core_care_terms *out, ld_error *err)
{
    defaults(out);
    ld_status st = read_care(policy, out, err);
    const cJSON *section = cJSON_GetObjectItemCaseSensitive(policy, "collection");
    if (st != LD_OK || section == NULL)
        return st;
    static const char *const known[] = {"enabled", "stages", NULL};
    static const char *const stage_known[] = {"code", "from_dpd", NULL};
    if (!cJSON_IsObject(section))
        return LD_FAIL(err, LD_EINVAL, "$.collection: must be an object");
    st = core_json_reject_unknown(section, "$.collection", known, err);
    if (st != LD_OK)
        return st;
    const cJSON *enabled = cJSON_GetObjectItemCaseSensitive(section, "enabled");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(section, "stages");
    if (enabled != NULL && !cJSON_IsBool(enabled))
        return LD_FAIL(err, LD_EINVAL, "$.collection.enabled: must be true or false");
    if (cJSON_IsFalse(enabled)) {
        /* Off means no stages: stages listed beside it would say otherwise. */
        if (list != NULL)
            return LD_FAIL(err, LD_EINVAL,
                           "$.collection.stages: not allowed when collection is off (enabled "
                           "false)");
        out->stage_count = 0;
        out->collection_off = true;
        return LD_OK;
    }
    if (list == NULL && enabled != NULL)
        return LD_OK; /* enabled true alone: the default stages */
    int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    if (n < 1 || n > CORE_STAGE_MAX)
        return LD_FAIL(err, LD_EINVAL, "$.collection.stages: must list 1 to %d stages",
                       CORE_STAGE_MAX);
    out->stage_count = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        char path[48];
        snprintf(path, sizeof path, "$.collection.stages[%d]", out->stage_count);
        if (!cJSON_IsObject(item))
            return LD_FAIL(err, LD_EINVAL, "%s: must be an object", path);
        int code = 0;
        int64_t from = 0;
        if ((st = core_json_reject_unknown(item, path, stage_known, err)) != LD_OK ||
            (st = core_json_choice(item, path, "code", true, stage_codes, &code, NULL, err)) !=
                LD_OK ||
            (st = core_json_int(item, path, "from_dpd", true, 1, 3650, &from, NULL, err)) != LD_OK)
            return st;
        core_collection_stage *s = &out->stages[out->stage_count];
        if (out->stage_count == 0 && from != 1)
            return LD_FAIL(err, LD_EINVAL, "%s.from_dpd: the first stage starts on day 1 past due",
                           path);
        if (out->stage_count > 0 && from <= s[-1].from_dpd)
            return LD_FAIL(err, LD_EINVAL, "%s.from_dpd: must be later than the stage before (%d)",
                           path, s[-1].from_dpd);
        for (int i = 0; i < out->stage_count; i++)
            if (strcmp(out->stages[i].code, stage_codes[code]) == 0)
                return LD_FAIL(err, LD_EINVAL, "%s.code: %s is listed twice", path,
                               stage_codes[code]);
        snprintf(s->code, sizeof s->code, "%s", stage_codes[code]);
        s->from_dpd = (int)from;
        out->stage_count++;
    }
    return LD_OK;
}

ld_status core_care_terms_get(core_store *store, core_care_terms *out, ld_error *err)
{
    const char *text = NULL, *sha = NULL;
    ld_status st = core_policy_document(store, &text, &sha, err);
    if (st != LD_OK)
        return st;
    cJSON *doc = cJSON_Parse(text);
    if (doc == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "the stored policy does not parse");
    st = core_care_terms_read(doc, out, err);
    cJSON_Delete(doc);
    return st;
}

int core_care_stage_of(const core_care_terms *terms, int64_t dpd)
{
    int stage = -1;
    for (int i = 0; i < terms->stage_count; i++)
        if (dpd >= terms->stages[i].from_dpd)
            stage = i;
    return stage;
}
