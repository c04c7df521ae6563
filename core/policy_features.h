/*
 * policy_features.h - the bank's own variables: features a policy declares
 * beside the built-in ones (the policy's "features" section), and the
 * `attributes` of borrowers and applications that give them values.
 *
 * One parser reads the section for both readers of the policy: core, which
 * checks every attributes object against the policy in force, and the rating
 * module, which scores them like built-in features. docs/policy.md, "The
 * bank's own variables", describes the section:
 *   "features": [{"name": "checking_status", "type": "categorical",
 *                 "zh": "支票账户状态", "en": "Checking account status",
 *                 "values": ["A11", "A12", "A13", "A14"]},
 *                {"name": "duration_months", "type": "numeric", "zh": "期限",
 *                 "en": "Duration in months", "min": 1, "max": 360}]
 */
#ifndef LD_POLICY_FEATURES_H
#define LD_POLICY_FEATURES_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"

#define CORE_ATTRIBUTE_MAX        32 /* variables a policy may declare */
#define CORE_ATTRIBUTE_VALUES_MAX 64 /* allowed values of a categorical one */
#define CORE_ATTRIBUTE_NAME_MAX   40 /* longest name + 1 */
#define CORE_ATTRIBUTE_TEXT_MAX   24 /* longest value + 1, as the scorer keeps categories */

typedef struct core_attribute_def {
    char name[CORE_ATTRIBUTE_NAME_MAX];
    char zh[64];
    char en[96];
    bool categorical;
    size_t value_count;
    char values[CORE_ATTRIBUTE_VALUES_MAX][CORE_ATTRIBUTE_TEXT_MAX];
    bool has_min, has_max; /* numeric: the allowed range, inclusive */
    int64_t min, max;      /* millionths, exact (decimal.h) */
} core_attribute_def;

typedef struct core_attribute_set {
    size_t count;
    core_attribute_def defs[CORE_ATTRIBUTE_MAX];
} core_attribute_set;

/* Called once per problem with "JSONPATH: what is wrong". */
typedef void (*core_problem_fn)(void *context, const char *message);

/* Whether a name is taken by a built-in feature (policy_model.h's list);
 * NULL when the caller does not know that list. */
typedef bool (*core_name_taken_fn)(const char *name);

/* Reads the policy document's "features" section (absent: none) into *out,
 * reporting every problem through problem. */
void core_attribute_set_parse(const cJSON *policy, core_attribute_set *out,
                              core_name_taken_fn taken, core_problem_fn problem, void *context);

/* The declaration of name, or NULL. */
const core_attribute_def *core_attribute_find(const core_attribute_set *set, const char *name);

/* Longest stored attributes object (32 variables with their longest values). */
#define CORE_ATTRIBUTES_TEXT_MAX 2560

/* Checks an attributes object against the declarations - each key declared,
 * each value allowed: a listed text for categorical ones, a number within the
 * range for numeric ones, null for not known - and writes it in stored form
 * into out (compact JSON; categorical values as text, numeric ones as numbers
 * in their shortest exact form, either given as text or number; nulls left
 * out). Numeric values and bounds are exact decimals in millionths read from
 * their text (decimal.h): more than six decimal places, or more than 10^12 in
 * magnitude, is refused. set may be NULL (no policy
 * in force: no variables). Errors name "PATH.attributes.KEY". LD_EINVAL. */
ld_status core_attributes_normalize(const core_attribute_set *set, const cJSON *attributes,
                                    const char *path, char out[CORE_ATTRIBUTES_TEXT_MAX],
                                    ld_error *err);

#endif
