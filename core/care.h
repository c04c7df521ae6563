/*
 * care.h - the policy's terms for the care of loans and customers after the
 * decision: the collection stages (清收) by days past due, and the deadlines
 * of customer care. Read from the policy document's "collection" section;
 * a policy without it keeps the stages of docs/policy.md (reminder from day
 * 1, officer visit from 31, formal demand from 91, guarantor demand and legal
 * action from 181).
 */
#ifndef LD_CARE_H
#define LD_CARE_H

#include <cjson/cJSON.h>

#include "ld_error.h"
#include "store.h"

#define CORE_STAGE_MAX      8
#define CORE_STAGE_CODE_MAX 16

typedef struct core_collection_stage {
    char code[CORE_STAGE_CODE_MAX]; /* reminder, visit, demand, guarantor, legal */
    int from_dpd;
} core_collection_stage;

typedef struct core_care_terms {
    core_collection_stage stages[CORE_STAGE_MAX]; /* from_dpd strictly increasing, the first 1 */
    int stage_count;
} core_care_terms;

/* Reads the policy document's "collection" section ({"stages": [{"code",
 * "from_dpd"}]}) into out; absent, the default stages. LD_EINVAL naming the
 * field ("$.collection.stages[1].from_dpd: ..."). */
ld_status core_care_terms_read(const cJSON *policy, core_care_terms *out, ld_error *err);

/* The terms of the policy in force. */
ld_status core_care_terms_get(core_store *store, core_care_terms *out, ld_error *err);

/* The index of the stage a loan dpd days past due is in (-1: none, dpd < 1). */
int core_care_stage_of(const core_care_terms *terms, int64_t dpd);

#endif
