/*
 * names.c - the vocabularies the scorer adds to the policy model's
 * (core/policy_model.h): collateral types and how a value found its bin.
 */
#include "rating_int.h"

#include <string.h>

static const char *const collateral_names[RATING_COLL_TYPE_COUNT] = {
    "real_estate",     "land_use_right", "vehicle",     "equipment",
    "deposit_receipt", "bonds",          "receivables", "equity"};

const char *rating_collateral_type_name(rating_collateral_type type)
{
    return (unsigned)type < RATING_COLL_TYPE_COUNT ? collateral_names[type] : "unknown";
}

bool rating_collateral_type_from_name(const char *name, rating_collateral_type *out)
{
    for (int i = 0; i < RATING_COLL_TYPE_COUNT; i++) {
        if (strcmp(collateral_names[i], name) == 0) {
            *out = (rating_collateral_type)i;
            return true;
        }
    }
    return false;
}

const char *rating_bin_kind_name(rating_bin_kind kind)
{
    switch (kind) {
    case RATING_BIN_RANGE:
        return "range";
    case RATING_BIN_CATEGORY:
        return "category";
    case RATING_BIN_SPECIAL:
        return "special";
    case RATING_BIN_MISSING:
        return "missing";
    case RATING_BIN_ELSE:
        return "else";
    }
    return "unknown";
}
