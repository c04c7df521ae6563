/*
 * annuity.c - level payment of an annuity, computed in long double and rounded
 * once. long double carries 64 bits of mantissa, so for the largest principal
 * (10^15 fen) the error before rounding stays far below half a fen.
 */
#include "annuity.h"

#include <math.h>

ld_money core_annuity_payment(ld_money principal, ld_rate annual, int months_per_period, int n)
{
    if (annual == 0)
        return ld_round_div(principal, n);
    long double r = (long double)annual * months_per_period / (12.0L * LD_RATE_ONE);
    long double growth = powl(1.0L + r, n);
    long double payment = (long double)principal * r * growth / (growth - 1.0L);
    return (ld_money)llroundl(payment);
}
