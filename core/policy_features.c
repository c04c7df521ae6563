/*
 * policy_features.c - the policy's own variables and attribute checks
 * (policy_features.h).
 */
#include "policy_features.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "json_in.h"

static void report(core_problem_fn problem, void *context, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(core_problem_fn problem, void *context, const char *fmt, ...)
{
    char message[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    problem(context, message);
}

/* Lowercase letters, digits and underscores, starting with a letter: a name
 * that is also a CSV column, a JSON key and a command-line word. */
static bool good_name(const char *name)
{
    size_t length = strlen(name);
    if (length == 0 || length >= CORE_ATTRIBUTE_NAME_MAX || name[0] < 'a' || name[0] > 'z')
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

static bool read_label(const cJSON *item, const char *path, const char *key, char *out, size_t size,
                       core_problem_fn problem, void *context)
{
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(item, key);
    if (!cJSON_IsString(label) || label->valuestring[0] == '\0') {
        report(problem, context, "%s.%s: is required (a non-empty text)", path, key);
        return false;
    }
    if (strlen(label->valuestring) >= size) {
        report(problem, context, "%s.%s: at most %zu bytes", path, key, size - 1);
        return false;
    }
    snprintf(out, size, "%s", label->valuestring);
    return true;
}

static void read_values(const cJSON *item, const char *path, core_attribute_def *def,
                        core_problem_fn problem, void *context)
{
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(item, "values");
    int count = cJSON_IsArray(values) ? cJSON_GetArraySize(values) : 0;
    if (count == 0 || count > CORE_ATTRIBUTE_VALUES_MAX) {
        report(problem, context,
               "%s.values: a categorical variable lists its allowed values (1 to %d texts)", path,
               CORE_ATTRIBUTE_VALUES_MAX);
        return;
    }
    int i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        if (!cJSON_IsString(v) || v->valuestring[0] == '\0' ||
            strlen(v->valuestring) >= CORE_ATTRIBUTE_TEXT_MAX) {
            report(problem, context, "%s.values[%d]: must be a text of 1 to %d bytes", path, i,
                   CORE_ATTRIBUTE_TEXT_MAX - 1);
        } else {
            bool twice = false;
            for (size_t k = 0; k < def->value_count; k++)
                twice = twice || strcmp(def->values[k], v->valuestring) == 0;
            if (twice)
                report(problem, context, "%s.values[%d]: \"%s\" is listed twice", path, i,
                       v->valuestring);
            else
                snprintf(def->values[def->value_count++], CORE_ATTRIBUTE_TEXT_MAX, "%s",
                         v->valuestring);
        }
        i++;
    }
}

static void read_bound(const cJSON *item, const char *path, const char *key, bool *has,
                       int64_t *out, core_problem_fn problem, void *context)
{
    const cJSON *bound = cJSON_GetObjectItemCaseSensitive(item, key);
    if (bound == NULL || cJSON_IsNull(bound))
        return;
    char field[64];
    ld_error err;
    snprintf(field, sizeof field, "%s.%s", path, key);
    if (core_decimal_from_json(field, bound, out, &err) != LD_OK) {
        problem(context, err.message);
        return;
    }
    *has = true;
}

void core_attribute_set_parse(const cJSON *policy, core_attribute_set *out,
                              core_name_taken_fn taken, core_problem_fn problem, void *context)
{
    memset(out, 0, sizeof *out);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(policy, "features");
    if (list == NULL || cJSON_IsNull(list))
        return;
    if (!cJSON_IsArray(list)) {
        report(problem, context, "$.features: must be an array of variable declarations");
        return;
    }
    static const char *const keys[] = {"name", "type", "zh", "en", "values", "min", "max", NULL};
    int i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        char path[48];
        snprintf(path, sizeof path, "$.features[%d]", i++);
        if (!cJSON_IsObject(item)) {
            report(problem, context, "%s: must be an object", path);
            continue;
        }
        ld_error err;
        if (core_json_reject_unknown(item, path, keys, &err) != LD_OK)
            problem(context, err.message);
        if (out->count == CORE_ATTRIBUTE_MAX) {
            report(problem, context, "%s: at most %d variables", path, CORE_ATTRIBUTE_MAX);
            continue;
        }
        core_attribute_def def;
        memset(&def, 0, sizeof def);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(item, "type");
        bool ok = true;
        if (!cJSON_IsString(name) || !good_name(name->valuestring)) {
            report(problem, context,
                   "%s.name: must be 1 to %d lowercase letters, digits or underscores, starting "
                   "with a letter",
                   path, CORE_ATTRIBUTE_NAME_MAX - 1);
            ok = false;
        } else if (taken != NULL && taken(name->valuestring)) {
            report(problem, context, "%s.name: \"%s\" is a built-in feature", path,
                   name->valuestring);
            ok = false;
        } else if (core_attribute_find(out, name->valuestring) != NULL) {
            report(problem, context, "%s.name: \"%s\" is declared twice", path, name->valuestring);
            ok = false;
        } else {
            snprintf(def.name, sizeof def.name, "%s", name->valuestring);
        }
        if (!cJSON_IsString(type) || (strcmp(type->valuestring, "numeric") != 0 &&
                                      strcmp(type->valuestring, "categorical") != 0)) {
            report(problem, context, "%s.type: must be \"numeric\" or \"categorical\"", path);
            ok = false;
        } else {
            def.categorical = strcmp(type->valuestring, "categorical") == 0;
        }
        ok = read_label(item, path, "zh", def.zh, sizeof def.zh, problem, context) && ok;
        ok = read_label(item, path, "en", def.en, sizeof def.en, problem, context) && ok;
        if (def.categorical) {
            read_values(item, path, &def, problem, context);
            ok = ok && def.value_count > 0;
            if (cJSON_GetObjectItemCaseSensitive(item, "min") != NULL ||
                cJSON_GetObjectItemCaseSensitive(item, "max") != NULL)
                report(problem, context, "%s: a categorical variable has values, not a range",
                       path);
        } else {
            if (cJSON_GetObjectItemCaseSensitive(item, "values") != NULL)
                report(problem, context, "%s.values: a numeric variable has a range, not values",
                       path);
            read_bound(item, path, "min", &def.has_min, &def.min, problem, context);
            read_bound(item, path, "max", &def.has_max, &def.max, problem, context);
            if (def.has_min && def.has_max && def.min > def.max)
                report(problem, context, "%s.max: is below min", path);
        }
        if (ok)
            out->defs[out->count++] = def;
    }
}

const core_attribute_def *core_attribute_find(const core_attribute_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->defs[i].name, name) == 0)
            return &set->defs[i];
    return NULL;
}

/* A value as the text a categorical variable compares: a number as cJSON
 * writes it ("1", "2.5"). */
static bool category_text(const cJSON *item, char *out, size_t size)
{
    if (cJSON_IsString(item)) {
        snprintf(out, size, "%s", item->valuestring);
        return strlen(item->valuestring) < size;
    }
    return cJSON_IsNumber(item) && cJSON_PrintPreallocated((cJSON *)item, out, (int)size, false);
}

static ld_status check_value(const core_attribute_def *def, const cJSON *item, const char *field,
                             cJSON *normal, ld_error *err)
{
    char name[200];
    snprintf(name, sizeof name, "%s.%s", field, item->string);
    if (def->categorical) {
        char text[CORE_ATTRIBUTE_TEXT_MAX];
        bool listed = false;
        if (category_text(item, text, sizeof text))
            for (size_t k = 0; k < def->value_count; k++)
                listed = listed || strcmp(def->values[k], text) == 0;
        if (!listed) {
            char allowed[512] = "";
            size_t used = 0;
            for (size_t k = 0; k < def->value_count && used + 32 < sizeof allowed; k++)
                used += (size_t)snprintf(allowed + used, sizeof allowed - used, "%s%s",
                                         k ? ", " : "", def->values[k]);
            return LD_FAIL(err, LD_EINVAL, "%s: must be one of %s", name, allowed);
        }
        cJSON_AddStringToObject(normal, item->string, text);
        return LD_OK;
    }
    int64_t value = 0;
    ld_status st = core_decimal_from_json(name, item, &value, err);
    if (st != LD_OK)
        return st;
    if ((def->has_min && value < def->min) || (def->has_max && value > def->max)) {
        char low[CORE_DECIMAL_TEXT_MAX] = "", high[CORE_DECIMAL_TEXT_MAX] = "";
        if (def->has_min)
            core_decimal_format(def->min, low);
        if (def->has_max)
            core_decimal_format(def->max, high);
        if (!def->has_max)
            return LD_FAIL(err, LD_EINVAL, "%s: must be at least %s", name, low);
        if (!def->has_min)
            return LD_FAIL(err, LD_EINVAL, "%s: must be at most %s", name, high);
        return LD_FAIL(err, LD_EINVAL, "%s: must be from %s to %s", name, low, high);
    }
    char text[CORE_DECIMAL_TEXT_MAX];
    cJSON_AddRawToObject(normal, item->string, core_decimal_format(value, text));
    return LD_OK;
}

ld_status core_attributes_normalize(const core_attribute_set *set, const cJSON *attributes,
                                    const char *path, char out[CORE_ATTRIBUTES_TEXT_MAX],
                                    ld_error *err)
{
    char field[160];
    core_json_field(field, sizeof field, path, "attributes");
    out[0] = '\0';
    if (attributes == NULL || cJSON_IsNull(attributes))
        return LD_OK;
    if (!cJSON_IsObject(attributes))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a JSON object of the policy's variables",
                       field);
    cJSON *normal = cJSON_CreateObject();
    if (normal == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    ld_status st = LD_OK;
    const cJSON *item;
    cJSON_ArrayForEach(item, attributes)
    {
        const core_attribute_def *def = set != NULL ? core_attribute_find(set, item->string) : NULL;
        if (def == NULL) {
            st = LD_FAIL(err, LD_EINVAL, "%s.%s: is not a variable of the policy in force", field,
                         item->string);
            break;
        }
        if (!cJSON_IsNull(item) && (st = check_value(def, item, field, normal, err)) != LD_OK)
            break;
    }
    if (st == LD_OK && cJSON_GetArraySize(normal) > 0 &&
        !cJSON_PrintPreallocated(normal, out, CORE_ATTRIBUTES_TEXT_MAX, false))
        st = LD_FAIL(err, LD_EINVAL, "%s: too long", field);
    cJSON_Delete(normal);
    return st;
}
