/*
 * decimal.c - exact decimals in millionths (decimal.h). Digits are gathered
 * once and scaled with integer arithmetic only, so a bound of 360 and a value
 * of 360.000001 differ by exactly one.
 */
#include "decimal.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DIGITS_MAX 64 /* significant digits kept; more cannot fit 10^12 in millionths */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The reason text is not a decimal, or NULL with *out set. */
static const char *parse(const char *text, int64_t *out)
{
    const char *p = text;
    bool negative = *p == '-';
    if (negative)
        p++;
    if (!is_digit(*p))
        return "must be a number";
    char digits[DIGITS_MAX];
    int count = 0;     /* significant digits kept (leading zeros dropped) */
    int64_t scale = 0; /* decimal places of the digits kept */
    bool overflow = false;
    for (; is_digit(*p); p++) {
        if (count == 0 && *p == '0')
            continue;
        if (count < DIGITS_MAX)
            digits[count++] = *p;
        else
            overflow = true; /* an integer part of more than 64 digits */
    }
    if (*p == '.') {
        p++;
        if (!is_digit(*p))
            return "must be a number (digits after the point)";
        for (; is_digit(*p); p++) {
            if (count == 0 && *p == '0') {
                scale++;
                continue;
            }
            if (count < DIGITS_MAX) {
                digits[count++] = *p;
                scale++;
            } else if (*p != '0') {
                return "has more than 6 decimal places";
            }
        }
    }
    int64_t exponent = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool minus = *p == '-';
        if (*p == '-' || *p == '+')
            p++;
        if (!is_digit(*p))
            return "must be a number (digits in the exponent)";
        for (; is_digit(*p); p++)
            if (exponent < 100000)
                exponent = exponent * 10 + (*p - '0');
        if (minus)
            exponent = -exponent;
    }
    if (*p != '\0')
        return "must be a number";
    /* Trailing zeros carry no precision. */
    while (count > 0 && digits[count - 1] == '0' && scale - exponent > CORE_DECIMAL_PLACES) {
        count--;
        scale--;
    }
    if (count == 0) {
        *out = 0;
        return NULL;
    }
    if (overflow)
        return "is out of range (at most 10^12 in magnitude)";
    int64_t shift = CORE_DECIMAL_PLACES - (scale - exponent); /* power of ten to apply */
    if (shift < 0)
        return "has more than 6 decimal places";
    if (count + shift > 19)
        return "is out of range (at most 10^12 in magnitude)";
    __int128 value = 0;
    for (int i = 0; i < count; i++)
        value = value * 10 + (digits[i] - '0');
    for (int64_t i = 0; i < shift; i++)
        value *= 10;
    if (value > CORE_DECIMAL_LIMIT)
        return "is out of range (at most 10^12 in magnitude)";
    *out = (int64_t)(negative ? -value : value);
    return NULL;
}

ld_status core_decimal_parse(const char *field, const char *text, int64_t *out, ld_error *err)
{
    if (text == NULL)
        return LD_FAIL(err, LD_EINVAL, "%s: is missing", field);
    int64_t value = 0;
    const char *problem = parse(text, &value);
    if (problem != NULL)
        return LD_FAIL(err, LD_EINVAL, "%s: %s", field, problem);
    *out = value;
    return LD_OK;
}

ld_status core_decimal_from_json(const char *field, const cJSON *item, int64_t *out, ld_error *err)
{
    if (cJSON_IsString(item))
        return core_decimal_parse(field, item->valuestring, out, err);
    char text[64];
    if (!cJSON_IsNumber(item) || !cJSON_PrintPreallocated((cJSON *)item, text, sizeof text, false))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a number", field);
    return core_decimal_parse(field, text, out, err);
}

char *core_decimal_format(int64_t millionths, char buf[CORE_DECIMAL_TEXT_MAX])
{
    uint64_t magnitude = millionths < 0 ? (uint64_t)0 - (uint64_t)millionths : (uint64_t)millionths;
    uint64_t whole = magnitude / CORE_DECIMAL_ONE, part = magnitude % CORE_DECIMAL_ONE;
    int places = CORE_DECIMAL_PLACES;
    while (places > 0 && part % 10 == 0 && part != 0) {
        part /= 10;
        places--;
    }
    if (part == 0)
        snprintf(buf, CORE_DECIMAL_TEXT_MAX, "%s%llu", millionths < 0 ? "-" : "",
                 (unsigned long long)whole);
    else
        snprintf(buf, CORE_DECIMAL_TEXT_MAX, "%s%llu.%0*llu", millionths < 0 ? "-" : "",
                 (unsigned long long)whole, places, (unsigned long long)part);
    return buf;
}
