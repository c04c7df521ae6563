/*
 * fuzz_json_in.c - the JSON input edge (core/json_in.c and the record readers
 * built on it: borrowers, applications, guarantors, collateral, pre-loan
 * investigations). Any JSON document is read as each kind of record and each
 * of its members through every typed field reader. Readers refuse with
 * LD_EINVAL only; what they accept must read back the same: an accepted amount
 * is the value of its text, an accepted integer survives the one crossing to
 * cJSON's number and back.
 */
#include "fuzz.h"

#include "application.h"
#include "borrower.h"
#include "json_in.h"
#include "policy.h"

/* Two products of policy/products.json, one per kind of borrower. */
static const core_product products[] = {
    {.code = "PCL",
     .name_zh = "个人消费贷款",
     .name_en = "Personal consumer loan",
     .borrower_kind = CORE_BORROWER_INDIVIDUAL,
     .min_amount = 1000000,
     .max_amount = 50000000,
     .min_term = 6,
     .max_term = 60,
     .methods = 1u << LD_METHOD_ANNUITY | 1u << LD_METHOD_EQUAL_PRINCIPAL,
     .period = LD_PERIOD_MONTHLY,
     .min_age = 18,
     .max_age_at_maturity = 65,
     .penalty_surcharge = 500000,
     .prepayment = CORE_PREPAY_SHORTEN_TERM},
    {.code = "SWC",
     .name_zh = "小微企业流动资金贷款",
     .name_en = "Small business working-capital loan",
     .borrower_kind = CORE_BORROWER_ENTERPRISE,
     .min_amount = 10000000,
     .max_amount = 500000000,
     .min_term = 3,
     .max_term = 36,
     .methods = 1u << LD_METHOD_INTEREST_ONLY | 1u << LD_METHOD_BULLET,
     .period = LD_PERIOD_QUARTERLY,
     .min_age = 0,
     .max_age_at_maturity = 0,
     .penalty_surcharge = 500000,
     .prepayment = CORE_PREPAY_REDUCE_INSTALLMENT},
};

static void expect_refusal(ld_status st, const ld_error *err)
{
    if (st != LD_OK)
        FUZZ_CHECK(st == LD_EINVAL && err->code == LD_EINVAL && err->message[0] != '\0');
}

/* Every typed reader on one member; what each accepts must be what it read. */
static void read_member(const cJSON *obj, const cJSON *member)
{
    static const char *const choices[] = {"annuity", "equal_principal", "bullet", NULL};
    const char *key = member->string;
    /* With a key given twice, readers see its first value. */
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    ld_error err;
    ld_status st;
    bool present = false;

    const char *text = NULL;
    st = core_json_text(obj, "p", key, false, 40, &text, &present, &err);
    expect_refusal(st, &err);
    if (st == LD_OK && present)
        FUZZ_CHECK(cJSON_IsString(item) && text == item->valuestring);

    ld_money amount = 0, again = 0;
    st = core_json_money(obj, "p", key, true, true, &amount, &present, &err);
    expect_refusal(st, &err);
    if (st == LD_OK && present)
        FUZZ_CHECK(ld_money_parse("again", item->valuestring, &again, NULL) == LD_OK &&
                   again == amount);
    st = core_json_money(obj, "p", key, true, false, &amount, &present, &err);
    expect_refusal(st, &err);
    if (st == LD_OK && present)
        FUZZ_CHECK(amount >= 0);

    ld_rate rate = 0;
    st = core_json_rate(obj, "p", key, false, &rate, &present, &err);
    expect_refusal(st, &err);
    if (st == LD_OK && present)
        FUZZ_CHECK(rate >= 0 && rate <= LD_RATE_MAX);

    int64_t number = 0;
    st = core_json_int(obj, "p", key, true, -5, 1000, &number, &present, &err);
    expect_refusal(st, &err);
    if (st == LD_OK && present)
        FUZZ_CHECK(number >= -5 && number <= 1000);

    ld_date date = 0;
    st = core_json_date(obj, "p", key, false, &date, &present, &err);
    expect_refusal(st, &err);

    bool flag = false;
    st = core_json_bool(obj, "p", key, false, &flag, &present, &err);
    expect_refusal(st, &err);

    int choice = -1;
    st = core_json_choice(obj, "p", key, false, choices, &choice, &present, &err);
    expect_refusal(st, &err);
    if (st == LD_OK && present)
        FUZZ_CHECK(choice >= 0 && choice < 3 && strcmp(choices[choice], item->valuestring) == 0);
}

/* Every number in the tree: an exact integer crosses to cJSON and back. */
static void check_integers(const cJSON *item, int depth)
{
    for (; item != NULL; item = item->next) {
        int64_t value = 0, again = 0;
        if (core_json_integer(item, &value)) {
            cJSON *copy = core_json_int_item(value);
            FUZZ_CHECK(copy != NULL && core_json_integer(copy, &again) && again == value);
            cJSON_Delete(copy);
        }
        if (depth < 32)
            check_integers(item->child, depth + 1);
    }
}

static void read_records(const cJSON *doc)
{
    static const char *const known[] = {"kind", "name", "id_number", "product", "amount", NULL};
    ld_error err;
    ld_status st;
    core_product_catalog catalog = {products, (int)(sizeof products / sizeof products[0])};
    ld_date today = ld_date_from_ymd(2026, 11, 29); /* the business date of every run */

    core_borrower_row borrower;
    memset(&borrower, 0, sizeof borrower);
    st = core_borrower_read(doc, "", today, NULL, &borrower, &err);
    expect_refusal(st, &err);
    core_borrower_kind kind = st == LD_OK ? borrower.kind : CORE_BORROWER_INDIVIDUAL;
    ld_date birth = st == LD_OK ? borrower.birth : ld_date_from_ymd(1985, 3, 7);

    core_application_row application;
    st = core_application_read(doc, "", today, &catalog, kind, birth, &application, &err);
    expect_refusal(st, &err);
    if (st == LD_OK)
        FUZZ_CHECK(application.amount >= application.product->min_amount &&
                   application.amount <= application.product->max_amount);

    const cJSON *part;
    core_guarantor_row guarantor;
    cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(doc, "guarantors"))
    {
        st = core_guarantor_read(part, "guarantors[0]", today, "110101198503070015", &guarantor,
                                 &err);
        expect_refusal(st, &err);
    }
    st = core_guarantor_read(doc, "", today, "110101198503070015", &guarantor, &err);
    expect_refusal(st, &err);

    core_collateral_row collateral;
    cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(doc, "collateral"))
    {
        st = core_collateral_read(part, "collateral[0]", today, &collateral, &err);
        expect_refusal(st, &err);
    }
    st = core_collateral_read(doc, "", today, &collateral, &err);
    expect_refusal(st, &err);

    core_investigation_row investigation;
    part = cJSON_GetObjectItemCaseSensitive(doc, "investigation");
    st = core_investigation_read(part != NULL ? part : doc, "investigation", today, &investigation,
                                 &err);
    expect_refusal(st, &err);

    st = core_json_reject_unknown(doc, "", known, &err);
    expect_refusal(st, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    if (doc == NULL)
        return 0;
    check_integers(doc, 0);
    if (cJSON_IsObject(doc)) {
        read_records(doc);
        const cJSON *item;
        cJSON_ArrayForEach(item, doc)
        {
            read_member(doc, item);
        }
    }
    cJSON_Delete(doc);
    return 0;
}
