/*
 * money.h - exact money and interest rates (docs/design.md, "Money", "Rates", "Rounding").
 *
 * Money is int64_t fen. Rates are annual fractions in millionths: 4.35 % is 43500.
 * Text forms are strict so that nothing ambiguous is ever accepted: money is
 * "-?D+(.D{1,2})?" without leading zeros, exponents, signs other than a leading
 * minus, or "-0"; magnitudes above 10^13 yuan are rejected. Every product of money
 * and a rate is computed in __int128 and rounded once, half away from zero.
 */
#ifndef LD_MONEY_H
#define LD_MONEY_H

#include <stdbool.h>
#include <stdint.h>

#include "ld_error.h"

typedef int64_t ld_money; /* fen */
typedef int64_t ld_rate;  /* annual rate in millionths (1 % = 10000) */

#define LD_MONEY_MAX      ((ld_money)1000000000000000LL) /* 10^13 yuan in fen */
#define LD_RATE_MAX       ((ld_rate)1000000)             /* 100 % a year */
#define LD_RATE_ONE       ((int64_t)1000000)             /* denominator of ld_rate */
#define LD_MONEY_TEXT_MAX 32                             /* buffer for formatted money */

/* Parses decimal yuan text ("500000.00", "12.5", "-3") into fen. field names the
 * input in the error message. LD_EINVAL on anything ambiguous or out of range. */
ld_status ld_money_parse(const char *field, const char *text, ld_money *out, ld_error *err);

/* Parses a non-negative amount: as ld_money_parse, and also rejects negatives. */
ld_status ld_money_parse_nonneg(const char *field, const char *text, ld_money *out, ld_error *err);

/* Writes "-1234.56" (always two decimals) into buf; returns buf. */
char *ld_money_format(ld_money amount, char buf[LD_MONEY_TEXT_MAX]);

/* Writes "-1,234.56" for tables meant for people; returns buf. */
char *ld_money_format_grouped(ld_money amount, char buf[LD_MONEY_TEXT_MAX]);

/* Parses an annual percentage with up to 4 decimals ("4.35", "3.0500") into
 * millionths. Rejects negatives and rates above 100 %. */
ld_status ld_rate_parse(const char *field, const char *text, ld_rate *out, ld_error *err);

/* Writes the percentage with 4 decimals ("4.3500"); returns buf. */
char *ld_rate_format(ld_rate rate, char buf[LD_MONEY_TEXT_MAX]);

/* Checked arithmetic: false (and *out untouched) when the result would leave
 * [-LD_MONEY_MAX * 1000, LD_MONEY_MAX * 1000] or overflow int64. The wide bound
 * lets portfolio sums exceed one loan's cap without ever wrapping. */
bool ld_money_add(ld_money a, ld_money b, ld_money *out);
bool ld_money_sub(ld_money a, ld_money b, ld_money *out);

/* round(numerator / denominator), half away from zero. denominator > 0. */
int64_t ld_round_div(__int128 numerator, int64_t denominator);

/* round(amount * rate * days / (360 * 10^6)): ACT/360 interest for `days` days,
 * per docs/design.md "Daily interest". */
ld_money ld_interest_act360(ld_money amount, ld_rate rate, int64_t days);

/* round(amount * rate * months / (12 * 10^6)): interest for whole months at
 * annual/12 per month, per docs/design.md "Repayment methods". */
ld_money ld_interest_months(ld_money amount, ld_rate rate, int64_t months);

#endif
