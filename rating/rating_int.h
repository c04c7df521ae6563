/*
 * rating_int.h - helpers shared by the rating sources only. The loaded
 * policy's layout is the policy model (policy_model.h), which core reads too;
 * the scorer reads those plain structs and nothing else, so a rating never
 * touches JSON.
 */
#ifndef RATING_INT_H
#define RATING_INT_H

#include "policy_model.h"

/* The first eight bytes of a category, zero after its end: equal keys of
 * categories shorter than eight bytes mean equal categories, so the scorer
 * compares one number where it would call strcmp. */
static inline uint64_t rating_category_key(const char *text)
{
    uint64_t key = 0;
    for (int i = 0; i < 8 && text[i] != '\0'; i++)
        key |= (uint64_t)(unsigned char)text[i] << (8 * i);
    return key;
}

/* SHA-256 of bytes as 64 lowercase hex digits + NUL (the one place rating uses
 * OpenSSL). LD_EINTERNAL when the digest fails. */
ld_status rating_sha256_hex(const void *bytes, size_t length, char out[65], ld_error *err);

/* Default reason texts of a feature. */
const char *rating_feature_reason_zh(rating_feature feature);
const char *rating_feature_reason_en(rating_feature feature);

/* Which bin a value falls in: the index into factor->bins, or -1 for missing,
 * -2 - i for special value i, -1000 for else (categorical not listed). Shared
 * by the scorer and the PSI calculation so both bin identically. */
#define RATING_BINSEL_MISSING (-1)
#define RATING_BINSEL_ELSE    (-1000)
int rating_factor_select(const rating_factor *factor, const rating_value *value);

#endif
