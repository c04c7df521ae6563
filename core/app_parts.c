/*
 * app_parts.c - pure validation of an application's terms and parts
 * (guarantors, collateral, investigations) into the rows that are stored.
 * No database here, so import can validate on one thread while another writes.
 */
#include "application.h"

#include <string.h>

#include "ident.h"
#include "json_in.h"

static const char *const guarantor_kinds[] = {"person", "enterprise", NULL};
static const char *const guarantee_types[] = {"joint", "general", NULL};
static const char *const arrangements[] = {"mortgage", "pledge", NULL};

ld_status core_guarantor_read(const cJSON *input, const char *path, ld_date today,
                              const char *borrower_id_number, core_guarantor_row *out,
                              ld_error *err)
{
    static const char *const known[] = {"kind",
                                        "name",
                                        "id_number",
                                        "borrower_id",
                                        "guarantee_type",
                                        "guaranteed_amount",
                                        "net_assets",
                                        "outstanding_guarantees",
                                        "id",
                                        "capacity",
                                        "recovered",
                                        "short",
                                        NULL};
    int kind = 0, type = 1;
    const char *number = NULL;
    ld_status st;
    char field[160];
    *out = (core_guarantor_row){0};
    if ((st = core_json_reject_unknown(input, path, known, err)) != LD_OK ||
        (st = core_json_choice(input, path, "kind", true, guarantor_kinds, &kind, NULL, err)) !=
            LD_OK ||
        (st = core_json_text(input, path, "name", true, 200, &out->name, NULL, err)) != LD_OK ||
        (st = core_json_text(input, path, "id_number", true, 18, &number, NULL, err)) != LD_OK)
        return st;
    core_json_field(field, sizeof field, path, "id_number");
    st = kind == 0 ? core_resident_id_check(field, number, today, NULL, err)
                   : core_uscc_check(field, number, err);
    if (st != LD_OK)
        return st;
    if (borrower_id_number != NULL && strcmp(number, borrower_id_number) == 0)
        return LD_FAIL(err, LD_EINVAL, "%s: the borrower cannot guarantee their own loan", field);
    if ((st = core_json_int(input, path, "borrower_id", false, 1, INT64_MAX / 2, &out->borrower_id,
                            NULL, err)) != LD_OK ||
        (st = core_json_choice(input, path, "guarantee_type", false, guarantee_types, &type, NULL,
                               err)) != LD_OK ||
        (st = core_json_money(input, path, "guaranteed_amount", true, false,
                              &out->guaranteed_amount, NULL, err)) != LD_OK ||
        (st = core_json_money(input, path, "net_assets", true, true, &out->net_assets, NULL,
                              err)) != LD_OK ||
        (st = core_json_money(input, path, "outstanding_guarantees", true, false,
                              &out->outstanding_guarantees, NULL, err)) != LD_OK)
        return st;
    out->kind = guarantor_kinds[kind];
    out->id_number = number;
    out->guarantee_type = guarantee_types[type];
    if (out->guaranteed_amount == 0)
        return LD_FAIL(err, LD_EINVAL, "%s: must be positive",
                       core_json_field(field, sizeof field, path, "guaranteed_amount"));
    return LD_OK;
}

/* Which arrangement each collateral type admits under the Civil Code: real
 * property is mortgaged, rights and receipts are pledged, movables may be either. */
static bool arrangement_allowed(const char *type, int arrangement)
{
    bool real_property = strcmp(type, "real_estate") == 0 || strcmp(type, "land_use_right") == 0;
    bool right = strcmp(type, "deposit_receipt") == 0 || strcmp(type, "bonds") == 0 ||
                 strcmp(type, "receivables") == 0 || strcmp(type, "equity") == 0;
    if (real_property)
        return arrangement == 0;
    if (right)
        return arrangement == 1;
    return true;
}

ld_status core_collateral_read(const cJSON *input, const char *path, ld_date today,
                               core_collateral_row *out, ld_error *err)
{
    static const char *const known[] = {"type",
                                        "arrangement",
                                        "owner_name",
                                        "owner_is_borrower",
                                        "certificate_no",
                                        "appraised_value",
                                        "appraisal_date",
                                        "appraiser",
                                        "lien_rank",
                                        "prior_claims",
                                        "registration_no",
                                        "id",
                                        "ltv_cap",
                                        "lendable_value",
                                        NULL};
    int type = 0, arrangement = 0;
    ld_date appraised_on;
    int64_t rank;
    ld_status st;
    char field[160];
    *out = (core_collateral_row){0};
    if ((st = core_json_reject_unknown(input, path, known, err)) != LD_OK ||
        (st = core_json_choice(input, path, "type", true, core_collateral_type_names, &type, NULL,
                               err)) != LD_OK ||
        (st = core_json_choice(input, path, "arrangement", true, arrangements, &arrangement, NULL,
                               err)) != LD_OK)
        return st;
    if (!arrangement_allowed(core_collateral_type_names[type], arrangement))
        return LD_FAIL(err, LD_EINVAL, "%s: %s cannot be given as a %s",
                       core_json_field(field, sizeof field, path, "arrangement"),
                       core_collateral_type_names[type], arrangements[arrangement]);
    if ((st = core_json_text(input, path, "owner_name", true, 200, &out->owner_name, NULL, err)) !=
            LD_OK ||
        (st = core_json_bool(input, path, "owner_is_borrower", true, &out->owner_is_borrower, NULL,
                             err)) != LD_OK ||
        (st = core_json_text(input, path, "certificate_no", true, 100, &out->certificate_no, NULL,
                             err)) != LD_OK ||
        (st = core_json_money(input, path, "appraised_value", true, false, &out->appraised_value,
                              NULL, err)) != LD_OK ||
        (st = core_json_date(input, path, "appraisal_date", true, &appraised_on, NULL, err)) !=
            LD_OK ||
        (st = core_json_text(input, path, "appraiser", true, 200, &out->appraiser, NULL, err)) !=
            LD_OK ||
        (st = core_json_int(input, path, "lien_rank", true, 1, 9, &rank, NULL, err)) != LD_OK ||
        (st = core_json_money(input, path, "prior_claims", false, false, &out->prior_claims, NULL,
                              err)) != LD_OK ||
        (st = core_json_text(input, path, "registration_no", false, 100, &out->registration_no,
                             NULL, err)) != LD_OK)
        return st;
    out->type = core_collateral_type_names[type];
    out->arrangement = arrangements[arrangement];
    out->appraisal_date = cJSON_GetObjectItemCaseSensitive(input, "appraisal_date")->valuestring;
    out->lien_rank = (int)rank;
    ld_money value = out->appraised_value, prior = out->prior_claims;
    if (value == 0)
        return LD_FAIL(err, LD_EINVAL, "%s: must be positive",
                       core_json_field(field, sizeof field, path, "appraised_value"));
    if (appraised_on > today)
        return LD_FAIL(err, LD_EINVAL, "%s: must not be in the future",
                       core_json_field(field, sizeof field, path, "appraisal_date"));
    if (rank == 1 && prior != 0)
        return LD_FAIL(err, LD_EINVAL, "%s: a first-rank lien has no prior claims",
                       core_json_field(field, sizeof field, path, "prior_claims"));
    if (rank > 1 && prior == 0)
        return LD_FAIL(err, LD_EINVAL, "%s: a lien of rank %lld must state the prior claims",
                       core_json_field(field, sizeof field, path, "prior_claims"), (long long)rank);
    return LD_OK;
}

ld_status core_investigation_read(const cJSON *input, const char *path, ld_date today,
                                  core_investigation_row *out, ld_error *err)
{
    static const char *const known[] = {"site_visit_date",    "operations",  "assets_liabilities",
                                        "repayment_capacity", "conclusion",  "id",
                                        "recorded_by",        "recorded_at", NULL};
    ld_date visit;
    ld_status st;
    char field[160];
    if ((st = core_json_reject_unknown(input, path, known, err)) != LD_OK ||
        (st = core_json_date(input, path, "site_visit_date", true, &visit, NULL, err)) != LD_OK ||
        (st = core_json_text_lines(input, path, "operations", true, 4000, &out->operations, NULL,
                                   err)) != LD_OK ||
        (st = core_json_text_lines(input, path, "assets_liabilities", true, 4000,
                                   &out->assets_liabilities, NULL, err)) != LD_OK ||
        (st = core_json_text_lines(input, path, "repayment_capacity", true, 4000,
                                   &out->repayment_capacity, NULL, err)) != LD_OK ||
        (st = core_json_text_lines(input, path, "conclusion", true, 4000, &out->conclusion, NULL,
                                   err)) != LD_OK)
        return st;
    out->site_visit_date = cJSON_GetObjectItemCaseSensitive(input, "site_visit_date")->valuestring;
    if (visit > today)
        return LD_FAIL(err, LD_EINVAL, "%s: must not be in the future",
                       core_json_field(field, sizeof field, path, "site_visit_date"));
    return LD_OK;
}

ld_status core_application_read(const cJSON *input, const char *path, ld_date today,
                                const core_product_catalog *catalog, core_borrower_kind kind,
                                ld_date birth, core_application_row *out, ld_error *err)
{
    const char *code = NULL, *method_text = NULL;
    int64_t term;
    ld_status st;
    char field[160];
    if ((st = core_json_text(input, path, "product", true, 31, &code, NULL, err)) != LD_OK ||
        (st = core_product_find(catalog, core_json_field(field, sizeof field, path, "product"),
                                code, &out->product, err)) != LD_OK ||
        (st = core_json_money(input, path, "amount", true, false, &out->amount, NULL, err)) !=
            LD_OK ||
        (st = core_json_int(input, path, "term_months", true, 1, LD_TERM_MAX_MONTHS, &term, NULL,
                            err)) != LD_OK ||
        (st = core_json_text(input, path, "method", true, 32, &method_text, NULL, err)) != LD_OK ||
        (st = core_repay_method_parse(core_json_field(field, sizeof field, path, "method"),
                                      method_text, &out->method, err)) != LD_OK ||
        (st = core_json_text_lines(input, path, "purpose", true, 1000, &out->purpose, NULL, err)) !=
            LD_OK)
        return st;
    out->term_months = (int)term;
    out->attributes[0] = '\0';
    return core_application_check_product(out->product, today, kind, birth, out->amount,
                                          out->term_months, out->method, path, err);
}

ld_status core_application_read_attributes(const cJSON *input, const char *path,
                                           const core_attribute_set *attributes,
                                           core_application_row *row, ld_error *err)
{
    return core_attributes_normalize(attributes,
                                     cJSON_GetObjectItemCaseSensitive(input, "attributes"), path,
                                     row->attributes, err);
}

ld_status core_application_check_product(const core_product *product, ld_date today,
                                         core_borrower_kind borrower_kind, ld_date birth,
                                         ld_money amount, int term_months, ld_repay_method method,
                                         const char *path, ld_error *err)
{
    char field[160], lo[LD_MONEY_TEXT_MAX], hi[LD_MONEY_TEXT_MAX];
    if (product->borrower_kind != borrower_kind)
        return LD_FAIL(err, LD_EINVAL, "%s: product %s is for %s borrowers",
                       core_json_field(field, sizeof field, path, "product"), product->code,
                       product->borrower_kind == CORE_BORROWER_INDIVIDUAL ? "individual"
                                                                          : "enterprise");
    if (amount < product->min_amount || amount > product->max_amount)
        return LD_FAIL(err, LD_EINVAL, "%s: product %s lends %s to %s",
                       core_json_field(field, sizeof field, path, "amount"), product->code,
                       ld_money_format(product->min_amount, lo),
                       ld_money_format(product->max_amount, hi));
    if (term_months < product->min_term || term_months > product->max_term)
        return LD_FAIL(err, LD_EINVAL, "%s: product %s allows %d to %d months",
                       core_json_field(field, sizeof field, path, "term_months"), product->code,
                       product->min_term, product->max_term);
    if (term_months % (int)product->period != 0)
        return LD_FAIL(err, LD_EINVAL, "%s: product %s repays %s; %d months is not whole periods",
                       core_json_field(field, sizeof field, path, "term_months"), product->code,
                       core_period_name(product->period), term_months);
    if ((product->methods & (1u << method)) == 0)
        return LD_FAIL(err, LD_EINVAL, "%s: product %s does not offer %s",
                       core_json_field(field, sizeof field, path, "method"), product->code,
                       core_repay_method_name(method));
    if (borrower_kind == CORE_BORROWER_INDIVIDUAL) {
        int age = ld_date_years_between(birth, today);
        int age_at_maturity = ld_date_years_between(birth, ld_date_add_months(today, term_months));
        if (age < product->min_age)
            return LD_FAIL(err, LD_EINVAL, "%s: the borrower is %d; product %s needs at least %d",
                           core_json_field(field, sizeof field, path, "borrower_id"), age,
                           product->code, product->min_age);
        if (age_at_maturity > product->max_age_at_maturity)
            return LD_FAIL(err, LD_EINVAL,
                           "%s: the borrower would be %d at maturity; product %s allows %d",
                           core_json_field(field, sizeof field, path, "term_months"),
                           age_at_maturity, product->code, product->max_age_at_maturity);
    }
    return LD_OK;
}
