/*
 * json_in.c - typed, path-naming field readers over cJSON (json_in.h).
 */
#include "json_in.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *core_json_field(char *buf, size_t size, const char *path, const char *key)
{
    if (path == NULL || path[0] == '\0')
        snprintf(buf, size, "%s", key);
    else
        snprintf(buf, size, "%s.%s", path, key);
    return buf;
}

/* The item for key, or NULL when absent or JSON null; reports a missing
 * required field. */
static ld_status lookup(const cJSON *obj, const char *path, const char *key, bool required,
                        const cJSON **item, bool *present, ld_error *err)
{
    const cJSON *found = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (found == NULL || cJSON_IsNull(found)) {
        if (present != NULL)
            *present = false;
        *item = NULL;
        if (required) {
            char field[256];
            return LD_FAIL(err, LD_EINVAL, "%s: is required",
                           core_json_field(field, sizeof field, path, key));
        }
        return LD_OK;
    }
    *item = found;
    return LD_OK;
}

/* Field names ("path.key") are built only when a message needs one: reading a
 * valid field must cost no formatting, since import reads millions of them. */
#define FIELD_NAME(buf) core_json_field((buf), sizeof(buf), path, key)

ld_status core_json_text(const cJSON *obj, const char *path, const char *key, bool required,
                         size_t max_len, const char **out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a string", FIELD_NAME(field));
    size_t len = strlen(item->valuestring);
    if (required && len == 0)
        return LD_FAIL(err, LD_EINVAL, "%s: must not be empty", FIELD_NAME(field));
    if (len > max_len)
        return LD_FAIL(err, LD_EINVAL, "%s: must have at most %zu bytes", FIELD_NAME(field),
                       max_len);
    *out = item->valuestring;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_money(const cJSON *obj, const char *path, const char *key, bool required,
                          bool allow_negative, ld_money *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (cJSON_IsNumber(item))
        return LD_FAIL(err, LD_EINVAL,
                       "%s: money must be a decimal string such as \"500000.00\", not a JSON "
                       "number",
                       FIELD_NAME(field));
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a decimal string", FIELD_NAME(field));
    ld_money value;
    st = allow_negative ? ld_money_parse("", item->valuestring, &value, NULL)
                        : ld_money_parse_nonneg("", item->valuestring, &value, NULL);
    if (st != LD_OK) /* again, now for the message with the field's name */
        return allow_negative
                   ? ld_money_parse(FIELD_NAME(field), item->valuestring, &value, err)
                   : ld_money_parse_nonneg(FIELD_NAME(field), item->valuestring, &value, err);
    *out = value;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_rate(const cJSON *obj, const char *path, const char *key, bool required,
                         ld_rate *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: a rate must be a decimal string such as \"4.35\"",
                       FIELD_NAME(field));
    ld_rate value;
    if (ld_rate_parse("", item->valuestring, &value, NULL) != LD_OK)
        return ld_rate_parse(FIELD_NAME(field), item->valuestring, &value, err);
    *out = value;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_int(const cJSON *obj, const char *path, const char *key, bool required,
                        int64_t min, int64_t max, int64_t *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    int64_t value;
    if (!core_json_integer(item, &value))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a whole number", FIELD_NAME(field));
    if (value < min || value > max)
        return LD_FAIL(err, LD_EINVAL, "%s: must be between %lld and %lld", FIELD_NAME(field),
                       (long long)min, (long long)max);
    *out = value;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_date(const cJSON *obj, const char *path, const char *key, bool required,
                         ld_date *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a date string YYYY-MM-DD", FIELD_NAME(field));
    ld_date value;
    if (ld_date_parse("", item->valuestring, &value, NULL) != LD_OK)
        return ld_date_parse(FIELD_NAME(field), item->valuestring, &value, err);
    *out = value;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_bool(const cJSON *obj, const char *path, const char *key, bool required,
                         bool *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (!cJSON_IsBool(item))
        return LD_FAIL(err, LD_EINVAL, "%s: must be true or false",
                       core_json_field(field, sizeof field, path, key));
    *out = cJSON_IsTrue(item);
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_choice(const cJSON *obj, const char *path, const char *key, bool required,
                           const char *const *choices, int *out, bool *present, ld_error *err)
{
    const char *text = NULL;
    bool have = false;
    ld_status st = core_json_text(obj, path, key, required, 64, &text, &have, err);
    if (st != LD_OK)
        return st;
    if (present != NULL)
        *present = have;
    if (!have)
        return LD_OK;
    for (int i = 0; choices[i] != NULL; i++) {
        if (strcmp(text, choices[i]) == 0) {
            *out = i;
            return LD_OK;
        }
    }
    char field[256], list[512] = "";
    size_t used = 0;
    for (int i = 0; choices[i] != NULL && used < sizeof list; i++)
        used +=
            (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
    return LD_FAIL(err, LD_EINVAL, "%s: must be one of %s",
                   core_json_field(field, sizeof field, path, key), list);
}

ld_status core_json_reject_unknown(const cJSON *obj, const char *path, const char *const *known,
                                   ld_error *err)
{
    if (!cJSON_IsObject(obj))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a JSON object",
                       path && path[0] ? path : "input");
    const cJSON *item;
    cJSON_ArrayForEach(item, obj)
    {
        /* Compare the first byte before the whole name: most keys differ there. */
        bool found = false;
        for (int i = 0; known[i] != NULL && !found; i++)
            found = known[i][0] == item->string[0] && strcmp(item->string, known[i]) == 0;
        if (!found) {
            char field[256];
            return LD_FAIL(err, LD_EINVAL, "%s: is not a known field",
                           core_json_field(field, sizeof field, path, item->string));
        }
    }
    return LD_OK;
}

void core_json_put_money(cJSON *obj, const char *key, ld_money amount)
{
    char buf[LD_MONEY_TEXT_MAX];
    cJSON_AddStringToObject(obj, key, ld_money_format(amount, buf));
}

void core_json_put_rate(cJSON *obj, const char *key, ld_rate rate)
{
    char buf[LD_MONEY_TEXT_MAX];
    cJSON_AddStringToObject(obj, key, ld_rate_format(rate, buf));
}

void core_json_put_date(cJSON *obj, const char *key, ld_date date)
{
    char buf[LD_DATE_TEXT_MAX];
    cJSON_AddStringToObject(obj, key, ld_date_format(date, buf));
}

void core_json_put_int(cJSON *obj, const char *key, int64_t value)
{
    cJSON_AddItemToObject(obj, key, core_json_int_item(value));
}

/* cJSON holds every number in binary floating point, exact for integers up to
 * 2^53; money in fen stays far below that (10^15 at most), and money fields
 * are decimal strings on the way in. These two are the one crossing: the
 * int64_t converts to cJSON's number exactly, and a number is read back only
 * after it is shown to be an integer in the exact range. */
#define JSON_INT_MAX INT64_C(9007199254740991) /* 2^53 - 1 */

cJSON *core_json_int_item(int64_t value)
{
    return cJSON_CreateNumber(value);
}

bool core_json_integer(const cJSON *item, int64_t *out)
{
    if (!cJSON_IsNumber(item) ||
        !(item->valuedouble >= -JSON_INT_MAX && item->valuedouble <= JSON_INT_MAX))
        return false; /* also NaN */
    int64_t v = (int64_t)item->valuedouble;
    if (v != item->valuedouble)
        return false;
    if (out != NULL)
        *out = v;
    return true;
}

ld_status core_read_file(const char *path, char **out, size_t *len_out, ld_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return LD_FAIL(err, errno == ENOENT ? LD_ENOTFOUND : LD_EINVAL, "%s: %s", path,
                       strerror(errno));
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    ld_status st = LD_OK;
    while (buf != NULL) {
        if (len + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (buf == NULL)
        st = LD_FAIL(err, LD_EINTERNAL, "%s: out of memory", path);
    else if (ferror(f))
        st = LD_FAIL(err, LD_EINVAL, "%s: read error", path);
    if (f != stdin)
        fclose(f);
    if (st != LD_OK) {
        free(buf);
        return st;
    }
    buf[len] = '\0';
    *out = buf;
    if (len_out != NULL)
        *len_out = len;
    return LD_OK;
}

ld_status core_json_parse_file(const char *path, cJSON **out, ld_error *err)
{
    char *text = NULL;
    size_t len = 0;
    ld_status st = core_read_file(path, &text, &len, err);
    if (st != LD_OK)
        return st;
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (doc == NULL) {
        size_t offset = end ? (size_t)(end - text) : 0;
        free(text);
        return LD_FAIL(err, LD_EINVAL, "%s: not valid JSON near byte %zu", path, offset);
    }
    free(text);
    *out = doc;
    return LD_OK;
}
