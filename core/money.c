/*
 * money.c - strict parsing and formatting of fen and rates, and the one rounding
 * rule of docs/design.md (half away from zero) applied to __int128 products.
 */
#include "money.h"

#include <stdio.h>
#include <string.h>

/* Parses "-?D+(.D{1,max_decimals})?" into an integer scaled by 10^max_decimals.
 * Returns 0 on success or a static description of what is wrong. */
static const char *parse_decimal(const char *text, int max_decimals, __int128 limit, int64_t *out)
{
    const char *p = text;
    bool negative = false;
    if (*p == '-') {
        negative = true;
        p++;
    }
    if (*p < '0' || *p > '9')
        return "must be a decimal number such as \"1234.56\"";
    if (*p == '0' && p[1] >= '0' && p[1] <= '9')
        return "must not have leading zeros";
    __int128 value = 0;
    int int_digits = 0;
    while (*p >= '0' && *p <= '9') {
        value = value * 10 + (*p - '0');
        if (++int_digits > 20)
            return "is out of range";
        p++;
    }
    int decimals = 0;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (++decimals > max_decimals)
                return max_decimals == 2 ? "must have at most 2 decimals"
                                         : "must have at most 4 decimals";
            value = value * 10 + (*p - '0');
            p++;
        }
        if (decimals == 0)
            return "must have digits after the decimal point";
    }
    if (*p != '\0')
        return "must be a decimal number such as \"1234.56\"";
    for (; decimals < max_decimals; decimals++)
        value *= 10;
    if (negative && value == 0)
        return "must not be negative zero";
    if (value > limit)
        return "is out of range";
    *out = negative ? -(int64_t)value : (int64_t)value;
    return NULL;
}

ld_status ld_money_parse(const char *field, const char *text, ld_money *out, ld_error *err)
{
    if (text == NULL)
        return LD_FAIL(err, LD_EINVAL, "%s: is missing", field);
    int64_t value;
    const char *problem = parse_decimal(text, 2, LD_MONEY_MAX, &value);
    if (problem != NULL) {
        if (strcmp(problem, "is out of range") == 0)
            return LD_FAIL(err, LD_EINVAL, "%s: must not exceed 10000000000000.00 yuan", field);
        return LD_FAIL(err, LD_EINVAL, "%s: %s", field, problem);
    }
    *out = value;
    return LD_OK;
}

ld_status ld_money_parse_nonneg(const char *field, const char *text, ld_money *out, ld_error *err)
{
    ld_money value = 0;
    ld_status st = ld_money_parse(field, text, &value, err);
    if (st != LD_OK)
        return st;
    if (value < 0)
        return LD_FAIL(err, LD_EINVAL, "%s: must not be negative", field);
    *out = value;
    return LD_OK;
}

/* value / 10^decimals as a plain decimal with exactly that many places,
 * the digits written from the right: every answer carries amounts and
 * rates, and a formatted print of each cost more than the rest of its field.
 * The magnitude is taken unsigned so INT64_MIN cannot overflow. */
static char *format_fixed(int64_t value, int decimals, char buf[LD_MONEY_TEXT_MAX])
{
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    char digits[LD_MONEY_TEXT_MAX];
    size_t n = 0;
    for (int i = 0; i < decimals; i++) {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    }
    digits[n++] = '.';
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    size_t pos = 0;
    if (value < 0)
        buf[pos++] = '-';
    while (n > 0)
        buf[pos++] = digits[--n];
    buf[pos] = '\0';
    return buf;
}

char *ld_money_format(ld_money amount, char buf[LD_MONEY_TEXT_MAX])
{
    return format_fixed(amount, 2, buf);
}

char *ld_money_format_grouped(ld_money amount, char buf[LD_MONEY_TEXT_MAX])
{
    char plain[LD_MONEY_TEXT_MAX];
    ld_money_format(amount, plain);
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    size_t int_len = (size_t)(strchr(digits, '.') - digits);
    size_t pos = 0;
    if (plain[0] == '-')
        buf[pos++] = '-';
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            buf[pos++] = ',';
        buf[pos++] = digits[i];
    }
    snprintf(buf + pos, LD_MONEY_TEXT_MAX - pos, "%s", digits + int_len);
    return buf;
}

ld_status ld_rate_parse(const char *field, const char *text, ld_rate *out, ld_error *err)
{
    if (text == NULL)
        return LD_FAIL(err, LD_EINVAL, "%s: is missing", field);
    if (text[0] == '-')
        return LD_FAIL(err, LD_EINVAL, "%s: must not be negative", field);
    int64_t value;
    const char *problem = parse_decimal(text, 4, LD_RATE_MAX, &value);
    if (problem != NULL) {
        if (strcmp(problem, "is out of range") == 0)
            return LD_FAIL(err, LD_EINVAL, "%s: must not exceed 100 (percent a year)", field);
        return LD_FAIL(err, LD_EINVAL, "%s: %s", field, problem);
    }
    *out = value;
    return LD_OK;
}

char *ld_rate_format(ld_rate rate, char buf[LD_MONEY_TEXT_MAX])
{
    return format_fixed(rate, 4, buf);
}

#define SUM_LIMIT ((__int128)LD_MONEY_MAX * 1000)

bool ld_money_add(ld_money a, ld_money b, ld_money *out)
{
    __int128 sum = (__int128)a + b;
    if (sum > SUM_LIMIT || sum < -SUM_LIMIT)
        return false;
    *out = (ld_money)sum;
    return true;
}

bool ld_money_sub(ld_money a, ld_money b, ld_money *out)
{
    __int128 diff = (__int128)a - b;
    if (diff > SUM_LIMIT || diff < -SUM_LIMIT)
        return false;
    *out = (ld_money)diff;
    return true;
}

int64_t ld_round_div(__int128 numerator, int64_t denominator)
{
    bool negative = numerator < 0;
    __int128 magnitude = negative ? -numerator : numerator;
    __int128 quotient = (magnitude + denominator / 2) / denominator;
    /* An odd denominator has no exact half; an even one rounds the tie up in
     * magnitude, which the integer add above already does. */
    return (int64_t)(negative ? -quotient : quotient);
}

ld_money ld_interest_act360(ld_money amount, ld_rate rate, int64_t days)
{
    return ld_round_div((__int128)amount * rate * days, 360 * LD_RATE_ONE);
}

ld_money ld_interest_months(ld_money amount, ld_rate rate, int64_t months)
{
    return ld_round_div((__int128)amount * rate * months, 12 * LD_RATE_ONE);
}
