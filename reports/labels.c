/*
 * labels.c - small helpers the workbook writers share: reading typed values
 * out of the JSON the core and ledger modules return (money there is a decimal
 * string and is turned back into fen here, never into a double), and the
 * names of the five categories in both languages.
 */
#include <stdio.h>
#include <string.h>

#include "labels_int.h"
#include "money.h"

const char *report_json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

ld_money report_json_money(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ld_money m = 0;
    if (cJSON_IsString(v) && ld_money_parse(key, v->valuestring, &m, NULL) == LD_OK)
        return m;
    return 0;
}

bool report_json_has(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v != NULL && !cJSON_IsNull(v);
}

int64_t report_json_int(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

ld_rate report_json_rate(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ld_rate r = 0;
    if (cJSON_IsString(v) && ld_rate_parse(key, v->valuestring, &r, NULL) == LD_OK)
        return r;
    return 0;
}

ld_date report_json_date(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    ld_date d = REPORT_NO_DATE;
    if (cJSON_IsString(v) && ld_date_parse(key, v->valuestring, &d, NULL) == LD_OK)
        return d;
    return REPORT_NO_DATE;
}

static const char *const category_zh[] = {"正常", "关注", "次级", "可疑", "损失"};
static const char *const category_en[] = {"Normal", "Special mention", "Substandard", "Doubtful",
                                          "Loss"};

const char *report_category_label(report_lang lang, int category)
{
    if (category < 0 || category > 4)
        return "";
    return lang == REPORT_LANG_EN ? category_en[category] : category_zh[category];
}

int report_category_index(const char *name)
{
    static const char *const names[] = {"normal", "special_mention", "substandard", "doubtful",
                                        "loss"};
    for (int i = 0; i < 5; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *report_yes_no(report_lang lang, bool value)
{
    if (lang == REPORT_LANG_EN)
        return value ? "Yes" : "No";
    return value ? "是" : "否";
}
