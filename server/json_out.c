/*
 * json_out.c - the answers' JSON text (server_private.h, srv_json_print):
 * byte for byte what cJSON_PrintUnformatted gives, written into one buffer
 * grown by doubling, with integral numbers written digit by digit.
 *
 * cJSON prints every number with sprintf and reads it back with sscanf to
 * check it, and a record carries dozens of numbers (ids, counts, days);
 * that was a large share of a read's time. The text must not change: an
 * ETag is the digest of these bytes (srv_etag_of uses this printer too, so
 * an If-Match compares like with like), and clients compare answers. So
 * cJSON's rules are kept: an integral number below 10^15 in magnitude
 * prints as its digits (what both "%d" and "%1.15g" give for it; negative
 * zero is left to cJSON itself, whose versions differ on it); any other
 * number falls back to cJSON's own way ("%1.15g", or "%1.17g" when that does
 * not read back equal within DBL_EPSILON relative; infinities and NaN as
 * null); strings escape '"',
 * '\\', the short escapes \b \f \n \r \t and other bytes below 0x20 as
 * \u00XX, and pass every other byte through.
 */
#include "server_private.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct json_text {
    char *text;
    size_t used, size;
    bool failed;
} json_text;

/* Room for n more bytes (and a terminator). */
static bool reserve(json_text *o, size_t n)
{
    if (o->failed)
        return false;
    if (o->used + n + 1 <= o->size)
        return true;
    size_t size = o->size;
    while (o->used + n + 1 > size)
        size *= 2;
    char *grown = realloc(o->text, size);
    if (grown == NULL) {
        o->failed = true;
        return false;
    }
    o->text = grown;
    o->size = size;
    return true;
}

static void put(json_text *o, const char *text, size_t n)
{
    if (!reserve(o, n))
        return;
    memcpy(o->text + o->used, text, n);
    o->used += n;
}

size_t srv_decimal(long long value, char out[24])
{
    char digits[24];
    size_t n = 0;
    unsigned long long magnitude =
        value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0)
        digits[n++] = '-';
    size_t len = 0;
    while (n > 0)
        out[len++] = digits[--n];
    out[len] = '\0';
    return len;
}

static void put_string(json_text *o, const char *text)
{
    if (text == NULL) {
        put(o, "\"\"", 2);
        return;
    }
    size_t n = strlen(text);
    if (!reserve(o, n * 6 + 8))
        return;
    o->text[o->used++] = '"';
    ld_json_escape(o->text, o->size, &o->used, text);
    o->text[o->used++] = '"';
}

static void put_number(json_text *o, const cJSON *item)
{
    double d = item->valuedouble;
    if (isnan(d) || isinf(d)) {
        put(o, "null", 4);
        return;
    }
    if (d == 0 && signbit(d)) {
        /* Negative zero: cJSON versions differ ("-0" or "0"); ask the one
         * linked, which is what the text must match. */
        char *theirs = cJSON_PrintUnformatted(item);
        if (theirs == NULL)
            o->failed = true;
        else
            put(o, theirs, strlen(theirs));
        free(theirs);
        return;
    }
    if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
        char digits[24];
        put(o, digits, srv_decimal((long long)d, digits));
        return;
    }
    char text[32];
    int n = snprintf(text, sizeof text, "%1.15g", d);
    /* cJSON's test: read back equal within one unit of the last place. */
    double back = n > 0 && (size_t)n < sizeof text ? strtod(text, NULL) : NAN;
    double larger = fabs(back) > fabs(d) ? fabs(back) : fabs(d);
    if (isnan(back) || !(fabs(back - d) <= larger * DBL_EPSILON))
        n = snprintf(text, sizeof text, "%1.17g", d);
    if (n > 0 && (size_t)n < sizeof text)
        put(o, text, (size_t)n);
    else
        o->failed = true;
}

static void put_value(json_text *o, const cJSON *item)
{
    switch (item->type & 0xff) {
    case cJSON_NULL:
        put(o, "null", 4);
        return;
    case cJSON_False:
        put(o, "false", 5);
        return;
    case cJSON_True:
        put(o, "true", 4);
        return;
    case cJSON_Number:
        put_number(o, item);
        return;
    case cJSON_Raw:
        if (item->valuestring == NULL)
            o->failed = true;
        else
            put(o, item->valuestring, strlen(item->valuestring));
        return;
    case cJSON_String:
        put_string(o, item->valuestring);
        return;
    case cJSON_Array:
        put(o, "[", 1);
        for (const cJSON *child = item->child; child != NULL && !o->failed; child = child->next) {
            put_value(o, child);
            if (child->next != NULL)
                put(o, ",", 1);
        }
        put(o, "]", 1);
        return;
    case cJSON_Object:
        put(o, "{", 1);
        for (const cJSON *child = item->child; child != NULL && !o->failed; child = child->next) {
            put_string(o, child->string);
            put(o, ":", 1);
            put_value(o, child);
            if (child->next != NULL)
                put(o, ",", 1);
        }
        put(o, "}", 1);
        return;
    default:
        o->failed = true;
    }
}

char *srv_json_print(const cJSON *value, size_t *len_out)
{
    json_text o = {.text = malloc(4096), .size = 4096};
    if (o.text == NULL || value == NULL) {
        free(o.text);
        return NULL;
    }
    put_value(&o, value);
    if (o.failed) {
        free(o.text);
        return NULL;
    }
    o.text[o.used] = '\0';
    if (len_out != NULL)
        *len_out = o.used;
    return o.text;
}
