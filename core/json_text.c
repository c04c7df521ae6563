/*
 * json_text.c - JSON written as text into a reused buffer (json_text.h), byte
 * for byte what cJSON_PrintUnformatted gives for the same document.
 */
#include "json_text.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"

/* Room for n more bytes and the terminator; false (failed) when out of memory. */
static bool reserve(core_jtext *t, size_t n)
{
    if (t->failed)
        return false;
    if (t->len + n + 1 <= t->size)
        return true;
    size_t size = t->size > 0 ? t->size : 2048;
    while (t->len + n + 1 > size)
        size *= 2;
    char *grown = realloc(t->data, size);
    if (grown == NULL) {
        t->failed = true;
        return false;
    }
    t->data = grown;
    t->size = size;
    return true;
}

static void put(core_jtext *t, const char *bytes, size_t n)
{
    if (!reserve(t, n))
        return;
    memcpy(t->data + t->len, bytes, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void put_char(core_jtext *t, char c)
{
    put(t, &c, 1);
}

void core_jt_reset(core_jtext *t)
{
    t->len = 0;
    t->failed = false;
    t->first = true;
    if (t->data != NULL)
        t->data[0] = '\0';
}

void core_jt_free(core_jtext *t)
{
    free(t->data);
    t->data = NULL;
    t->len = t->size = 0;
}

void core_jt_open(core_jtext *t, char c)
{
    put_char(t, c);
    t->first = true;
}

void core_jt_close(core_jtext *t, char c)
{
    put_char(t, c);
    t->first = false;
}

void core_jt_item(core_jtext *t)
{
    if (!t->first)
        put_char(t, ',');
    t->first = false;
}

void core_jt_key(core_jtext *t, const char *key)
{
    core_jt_item(t);
    /* A name needs no escape (json_text.h): copied between its quotation
     * marks as it is. */
    size_t n = strlen(key);
    if (!reserve(t, n + 3))
        return;
    char *p = t->data + t->len;
    p[0] = '"';
    memcpy(p + 1, key, n);
    p[n + 1] = '"';
    p[n + 2] = ':';
    p[n + 3] = '\0';
    t->len += n + 3;
}

void core_json_escape(char *buf, size_t size, size_t *used, const char *text)
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf + *used;
    /* Room for the longest escape (6) and the terminator. */
    const char *end = buf + size - 7;
    const unsigned char *c = (const unsigned char *)text;
    while (*c != '\0' && p < end) {
        if (*c >= 0x20 && *c != '"' && *c != '\\') {
            /* A run of bytes that pass as they are, copied at once. */
            const unsigned char *run = c;
            size_t room = (size_t)(end - p);
            while (*c >= 0x20 && *c != '"' && *c != '\\' && (size_t)(c - run) < room)
                c++;
            memcpy(p, run, (size_t)(c - run));
            p += c - run;
            continue;
        }
        *p++ = '\\';
        switch (*c) {
        case '"':
        case '\\':
            *p++ = (char)*c;
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        default:
            memcpy(p, "u00", 3);
            p[3] = hex[*c >> 4];
            p[4] = hex[*c & 15];
            p += 5;
        }
        c++;
    }
    *p = '\0';
    *used = (size_t)(p - buf);
}

void core_jt_string(core_jtext *t, const char *text)
{
    /* The worst case: every byte a six-byte escape, the quotation marks and
     * the escape's margin: never cut. */
    size_t n = strlen(text);
    if (!reserve(t, n * 6 + 9))
        return;
    t->data[t->len++] = '"';
    core_json_escape(t->data, t->size, &t->len, text);
    t->data[t->len++] = '"';
    t->data[t->len] = '\0';
}

/* What cJSON prints for an item: its own text, for the forms digits alone
 * do not give. */
static void put_printed(core_jtext *t, const cJSON *item)
{
    char *text = item != NULL ? cJSON_PrintUnformatted(item) : NULL;
    if (text == NULL)
        t->failed = true;
    else
        put(t, text, strlen(text));
    free(text);
}

/* The same for an item made to be printed, which it frees. */
static void put_cjson(core_jtext *t, cJSON *item)
{
    put_printed(t, item);
    cJSON_Delete(item);
}

void core_jt_int(core_jtext *t, int64_t value)
{
    /* A number in cJSON is a binary fraction: an integer below 10^15 in
     * magnitude prints as its digits, a larger one in cJSON's own form. */
    if (value <= -1000000000000000LL || value >= 1000000000000000LL) {
        put_cjson(t, core_json_int_item(value));
        return;
    }
    char digits[24];
    size_t n = 0;
    uint64_t magnitude = value < 0 ? 0u - (uint64_t)value : (uint64_t)value;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0)
        digits[sizeof digits - 1 - n++] = '-';
    put(t, digits + sizeof digits - n, n);
}

/* A number item: an exact integer as core_jt_int writes it; a fraction,
 * an integer beyond 2^53, negative zero (whose text cJSON's versions differ
 * on), an infinity or NaN as the linked cJSON prints it. The answers carry
 * money and rates as strings, so the second way is rare. */
static void put_number(core_jtext *t, const cJSON *item)
{
    int64_t v = 0;
    if (core_json_integer(item, &v) && !(v == 0 && signbit(item->valuedouble)))
        core_jt_int(t, v);
    else
        put_printed(t, item);
}

void core_jt_value(core_jtext *t, const cJSON *item)
{
    switch (item->type & 0xff) {
    case cJSON_NULL:
        put(t, "null", 4);
        return;
    case cJSON_False:
        core_jt_bool(t, false);
        return;
    case cJSON_True:
        core_jt_bool(t, true);
        return;
    case cJSON_Number:
        put_number(t, item);
        return;
    case cJSON_Raw:
        if (item->valuestring == NULL)
            t->failed = true;
        else
            put(t, item->valuestring, strlen(item->valuestring));
        return;
    case cJSON_String:
        core_jt_string(t, item->valuestring != NULL ? item->valuestring : "");
        return;
    case cJSON_Array:
    case cJSON_Object: {
        bool object = (item->type & 0xff) == cJSON_Object;
        core_jt_open(t, object ? '{' : '[');
        for (const cJSON *child = item->child; child != NULL && !t->failed; child = child->next) {
            core_jt_item(t);
            if (object) {
                core_jt_string(t, child->string != NULL ? child->string : "");
                put_char(t, ':');
            }
            core_jt_value(t, child);
        }
        core_jt_close(t, object ? '}' : ']');
        return;
    }
    default:
        t->failed = true;
    }
}

void core_jt_bool(core_jtext *t, bool value)
{
    if (value)
        put(t, "true", 4);
    else
        put(t, "false", 5);
}

void core_jt_json_member(core_jtext *t, const char *key, const char *json)
{
    cJSON *parsed = json != NULL ? cJSON_Parse(json) : NULL;
    if (parsed == NULL)
        return;
    core_jt_key(t, key);
    put_cjson(t, parsed);
}

void core_jt_text_member(core_jtext *t, const char *key, const char *text)
{
    if (text == NULL)
        return;
    core_jt_key(t, key);
    core_jt_string(t, text);
}

void core_jt_int_member(core_jtext *t, const char *key, int64_t value)
{
    core_jt_key(t, key);
    core_jt_int(t, value);
}

void core_jt_money_member(core_jtext *t, const char *key, ld_money amount)
{
    char buf[LD_MONEY_TEXT_MAX];
    core_jt_text_member(t, key, ld_money_format(amount, buf));
}

void core_jt_rate_member(core_jtext *t, const char *key, ld_rate rate)
{
    char buf[LD_MONEY_TEXT_MAX];
    core_jt_text_member(t, key, ld_rate_format(rate, buf));
}

void core_jt_bool_member(core_jtext *t, const char *key, bool value)
{
    core_jt_key(t, key);
    core_jt_bool(t, value);
}
