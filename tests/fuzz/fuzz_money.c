/*
 * fuzz_money.c - money and rate text (core/money.c). Whatever the parsers
 * accept must lie within the documented bounds and survive format -> parse
 * unchanged; text already in the formatter's form must come back byte for
 * byte, so one amount has one canonical text.
 */
#include "fuzz.h"

#include "money.h"

/* True when text ends in a point and exactly `decimals` digits. */
static int has_decimals(const char *text, size_t decimals)
{
    const char *point = strchr(text, '.');
    return point != NULL && strlen(point + 1) == decimals;
}

static void check_money(const char *text)
{
    ld_error err;
    ld_money amount = 0, again = 0, nonneg = 0;
    char buf[LD_MONEY_TEXT_MAX], grouped[LD_MONEY_TEXT_MAX], plain[LD_MONEY_TEXT_MAX];
    if (ld_money_parse("amount", text, &amount, &err) != LD_OK) {
        FUZZ_CHECK(err.code == LD_EINVAL && strncmp(err.message, "amount: ", 8) == 0);
        return;
    }
    FUZZ_CHECK(amount >= -LD_MONEY_MAX && amount <= LD_MONEY_MAX);
    ld_money_format(amount, buf);
    FUZZ_CHECK(ld_money_parse("amount", buf, &again, NULL) == LD_OK && again == amount);
    if (has_decimals(text, 2))
        FUZZ_CHECK(strcmp(buf, text) == 0);
    FUZZ_CHECK((ld_money_parse_nonneg("amount", text, &nonneg, NULL) == LD_OK) == (amount >= 0));

    /* The grouped form is the plain one with commas between thousands. */
    ld_money_format_grouped(amount, grouped);
    size_t n = 0;
    for (const char *c = grouped; *c != '\0'; c++)
        if (*c != ',')
            plain[n++] = *c;
    plain[n] = '\0';
    FUZZ_CHECK(strcmp(plain, buf) == 0);

    ld_money sum = 0, difference = 0;
    FUZZ_CHECK(ld_money_add(amount, amount, &sum) && sum == 2 * amount);
    FUZZ_CHECK(ld_money_sub(sum, amount, &difference) && difference == amount);
}

static void check_rate(const char *text)
{
    ld_error err;
    ld_rate rate = 0, again = 0;
    char buf[LD_MONEY_TEXT_MAX];
    if (ld_rate_parse("rate", text, &rate, &err) != LD_OK) {
        FUZZ_CHECK(err.code == LD_EINVAL && strncmp(err.message, "rate: ", 6) == 0);
        return;
    }
    FUZZ_CHECK(rate >= 0 && rate <= LD_RATE_MAX);
    ld_rate_format(rate, buf);
    FUZZ_CHECK(ld_rate_parse("rate", buf, &again, NULL) == LD_OK && again == rate);
    if (has_decimals(text, 4))
        FUZZ_CHECK(strcmp(buf, text) == 0);

    /* Interest on the largest amount for ten years cannot overflow and is
     * never negative for a non-negative amount. */
    FUZZ_CHECK(ld_interest_act360(LD_MONEY_MAX, rate, 3660) >= 0);
    FUZZ_CHECK(ld_interest_months(LD_MONEY_MAX, rate, 120) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    check_money(text);
    check_rate(text);
    free(text);
    return 0;
}
