/*
 * annuity.h - the level payment of an annuity (等额本息), docs/design.md.
 *
 * This is the one formula in the money paths that needs real arithmetic (a power
 * of 1 + r). It is kept alone here so that no other money code touches floating
 * point; the result is rounded once, half away from zero, to the fen.
 */
#ifndef LD_ANNUITY_H
#define LD_ANNUITY_H

#include "money.h"

/* round(P * r * (1+r)^n / ((1+r)^n - 1)) with r = annual * months_per_period / 12;
 * round(P / n) when the rate is zero. n >= 1. */
ld_money core_annuity_payment(ld_money principal, ld_rate annual, int months_per_period, int n);

#endif
