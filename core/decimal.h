/*
 * decimal.h - exact decimal numbers in millionths, for the values and bounds of
 * the bank's own numeric variables (policy_features.h).
 *
 * A value is read from its text - a JSON string, or the text of a JSON number -
 * and held as an int64_t count of millionths, so "360" is 360000000 and
 * "0.000001" is 1. Accepted: an optional leading minus, digits, an optional
 * point with digits, an optional exponent ("2.5e3", "1E-6"). Refused, each with
 * its own message: more than six decimal places once the exponent is applied
 * ("1.0000001", "1e-7"), and magnitudes above 10^12 ("1e13").
 */
#ifndef LD_DECIMAL_H
#define LD_DECIMAL_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "ld_error.h"

#define CORE_DECIMAL_PLACES   6
#define CORE_DECIMAL_ONE      ((int64_t)1000000)
#define CORE_DECIMAL_LIMIT    ((int64_t)1000000000000LL * CORE_DECIMAL_ONE) /* 10^12 */
#define CORE_DECIMAL_TEXT_MAX 32

/* Parses text into millionths; LD_EINVAL naming field when it is not a
 * number, has more than six decimal places, or exceeds 10^12 in magnitude. */
ld_status core_decimal_parse(const char *field, const char *text, int64_t *out, ld_error *err);

/* The same for a JSON item: a string is read as its text, a number as the
 * text cJSON writes for it (up to 17 significant digits). */
ld_status core_decimal_from_json(const char *field, const cJSON *item, int64_t *out, ld_error *err);

/* Writes the shortest exact form ("360", "-0.5", "0.000001"); returns buf. */
char *core_decimal_format(int64_t millionths, char buf[CORE_DECIMAL_TEXT_MAX]);

#endif
