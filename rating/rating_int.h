/*
 * rating_int.h - helpers shared by the rating sources only. The loaded
 * policy's layout is the policy model (core/policy_model.h), which core parses
 * and hands to the scorer; the scorer reads those plain structs and nothing
 * else, so a rating never touches JSON.
 */
#ifndef RATING_INT_H
#define RATING_INT_H

#include "policy_model.h"
#include "rating.h"

/* Which bin a value falls in: the index into factor->bins, or -1 for missing,
 * -2 - i for special value i, -1000 for else (categorical not listed). Shared
 * by the scorer and the PSI calculation so both bin identically. */
#define RATING_BINSEL_MISSING (-1)
#define RATING_BINSEL_ELSE    (-1000)
int rating_factor_select(const core_rating_factor *factor, const rating_value *value);

#endif
