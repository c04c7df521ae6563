/*
 * test_money.c - money, rates, dates, identity numbers and schedules: the
 * arithmetic every other module trusts. Boundaries: zero, one fen, the largest
 * amount, rounding ties, Feb 29, month ends, zero rate, 1 and 360 months.
 */
#include <stdlib.h>

#include "check.h"
#include "date.h"
#include "ident.h"
#include "money.h"
#include "schedule.h"

static void money_parse_accepts_plain_decimals(void)
{
    static const struct {
        const char *text;
        ld_money fen;
    } cases[] = {
        {"0", 0},
        {"0.00", 0},
        {"1", 100},
        {"0.01", 1},
        {"12.5", 1250},
        {"-3", -300},
        {"500000.00", 50000000},
        {"10000000000000.00", 1000000000000000LL},
        {"-10000000000000", -1000000000000000LL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ld_money m = 12345;
        ld_error err;
        CHECK_INT(ld_money_parse("amount", cases[i].text, &m, &err), LD_OK);
        CHECK_INT(m, cases[i].fen);
    }
}

static void money_parse_rejects_ambiguous_text(void)
{
    static const char *bad[] = {"1e5",
                                "12.345",
                                "-0.00",
                                "-0",
                                "",
                                "+5",
                                " 5",
                                "5 ",
                                ".5",
                                "5.",
                                "05",
                                "1,000",
                                "0x10",
                                "NaN",
                                "10000000000000.01",
                                "99999999999999999999999",
                                "--1",
                                "1.2.3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ld_money m = 777;
        ld_error err;
        ld_status st = ld_money_parse("guarantors[1].amount", bad[i], &m, &err);
        if (st != LD_EINVAL)
            fprintf(stderr, "accepted bad money \"%s\"\n", bad[i]);
        CHECK_INT(st, LD_EINVAL);
        CHECK_INT(m, 777);
        CHECK_CONTAINS(err.message, "guarantors[1].amount: ");
    }
    ld_error err;
    ld_money m;
    CHECK_INT(ld_money_parse_nonneg("income", "-1.00", &m, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "income: must not be negative");
}

static void money_format_round_trips(void)
{
    char buf[LD_MONEY_TEXT_MAX];
    CHECK_STR(ld_money_format(0, buf), "0.00");
    CHECK_STR(ld_money_format(1, buf), "0.01");
    CHECK_STR(ld_money_format(-1, buf), "-0.01");
    CHECK_STR(ld_money_format(123456789, buf), "1234567.89");
    CHECK_STR(ld_money_format(INT64_MIN, buf), "-92233720368547758.08");
    CHECK_STR(ld_money_format_grouped(123456789, buf), "1,234,567.89");
    CHECK_STR(ld_money_format_grouped(-100000, buf), "-1,000.00");
    CHECK_STR(ld_money_format_grouped(99999, buf), "999.99");
}

static void rate_parse_takes_four_decimals(void)
{
    ld_rate r;
    ld_error err;
    CHECK_INT(ld_rate_parse("rate", "4.35", &r, &err), LD_OK);
    CHECK_INT(r, 43500);
    CHECK_INT(ld_rate_parse("rate", "3.0500", &r, &err), LD_OK);
    CHECK_INT(r, 30500);
    CHECK_INT(ld_rate_parse("rate", "0", &r, &err), LD_OK);
    CHECK_INT(r, 0);
    CHECK_INT(ld_rate_parse("rate", "100", &r, &err), LD_OK);
    CHECK_INT(r, 1000000);
    CHECK_INT(ld_rate_parse("rate", "4.35001", &r, &err), LD_EINVAL);
    CHECK_INT(ld_rate_parse("rate", "-1", &r, &err), LD_EINVAL);
    CHECK_INT(ld_rate_parse("rate", "100.0001", &r, &err), LD_EINVAL);
    CHECK_INT(ld_rate_parse("rate", "4e1", &r, &err), LD_EINVAL);
    char buf[LD_MONEY_TEXT_MAX];
    CHECK_STR(ld_rate_format(43500, buf), "4.3500");
}

static void rounding_is_half_away_from_zero(void)
{
    CHECK_INT(ld_round_div(5, 10), 1);
    CHECK_INT(ld_round_div(-5, 10), -1);
    CHECK_INT(ld_round_div(4, 10), 0);
    CHECK_INT(ld_round_div(-4, 10), 0);
    CHECK_INT(ld_round_div(15, 10), 2);
    CHECK_INT(ld_round_div(25, 10), 3);
    CHECK_INT(ld_round_div(2, 3), 1);
    /* 10000.00 yuan at 3.6 % for one day: 1000000 * 36000 / 360e6 = 100 fen exactly */
    CHECK_INT(ld_interest_act360(1000000, 36000, 1), 100);
    /* 1 fen * 18 % / 12 months = 0.015 fen -> 0; ties at .5 go up */
    CHECK_INT(ld_interest_months(1, 180000, 1), 0);
    CHECK_INT(ld_interest_months(100, 60000, 1), 1); /* 0.5 fen -> 1 */
    ld_money out = 0;
    CHECK(!ld_money_add(INT64_MAX, 1, &out));
    CHECK(ld_money_add(LD_MONEY_MAX, LD_MONEY_MAX, &out));
    CHECK_INT(out, 2 * LD_MONEY_MAX);
}

static void date_parse_and_format(void)
{
    ld_date d;
    ld_error err;
    char buf[LD_DATE_TEXT_MAX];
    CHECK_INT(ld_date_parse("date", "1970-01-01", &d, &err), LD_OK);
    CHECK_INT(d, 0);
    CHECK_INT(ld_date_parse("date", "2024-02-29", &d, &err), LD_OK);
    CHECK_STR(ld_date_format(d, buf), "2024-02-29");
    CHECK_INT(ld_date_parse("date", "2000-02-29", &d, &err), LD_OK);
    static const char *bad[] = {"2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10",
                                "2026-04-31", "2026-1-01",  "26-01-01",   "2026-01-011",
                                "2026/01/01", "",           "1899-12-31", "2300-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_INT(ld_date_parse("start", bad[i], &d, &err), LD_EINVAL);
        CHECK_CONTAINS(err.message, "start: ");
    }
    /* day numbers are contiguous across a leap day */
    ld_date a, b;
    ld_date_parse("a", "2024-02-28", &a, NULL);
    ld_date_parse("b", "2024-03-01", &b, NULL);
    CHECK_INT(b - a, 2);
}

static void months_clamp_to_month_end_from_the_start(void)
{
    ld_date start;
    char buf[LD_DATE_TEXT_MAX];
    ld_date_parse("start", "2024-01-31", &start, NULL);
    CHECK_STR(ld_date_format(ld_date_add_months(start, 1), buf), "2024-02-29");
    CHECK_STR(ld_date_format(ld_date_add_months(start, 2), buf), "2024-03-31");
    CHECK_STR(ld_date_format(ld_date_add_months(start, 3), buf), "2024-04-30");
    CHECK_STR(ld_date_format(ld_date_add_months(start, 13), buf), "2025-02-28");
    CHECK_STR(ld_date_format(ld_date_add_months(start, 360), buf), "2054-01-31");
    ld_date_parse("start", "2024-02-29", &start, NULL);
    CHECK_STR(ld_date_format(ld_date_add_months(start, 12), buf), "2025-02-28");
    CHECK_STR(ld_date_format(ld_date_add_months(start, 48), buf), "2028-02-29");
    ld_date born, on;
    ld_date_parse("b", "2000-02-29", &born, NULL);
    ld_date_parse("o", "2018-02-28", &on, NULL);
    CHECK_INT(ld_date_years_between(born, on), 17);
    ld_date_parse("o", "2018-03-01", &on, NULL);
    CHECK_INT(ld_date_years_between(born, on), 18);
}

static void resident_id_check_digit(void)
{
    ld_date today, birth;
    ld_date_parse("today", "2026-11-26", &today, NULL);
    ld_error err;
    CHECK_INT(core_resident_id_check("id", "11010519491231002X", today, &birth, &err), LD_OK);
    char buf[LD_DATE_TEXT_MAX];
    CHECK_STR(ld_date_format(birth, buf), "1949-12-31");
    CHECK_INT(core_resident_id_check("id", "110105194912310021", today, &birth, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "expected X");
    CHECK_INT(core_resident_id_check("id", "11010519491231002", today, &birth, &err), LD_EINVAL);
    CHECK_INT(core_resident_id_check("id", "1101051949123100AX", today, &birth, &err), LD_EINVAL);
    /* a valid checksum over an impossible birth date (Feb 30) */
    char bad_date[19] = "11010519490230002";
    bad_date[17] = core_resident_id_check_char(bad_date);
    bad_date[18] = '\0';
    CHECK_INT(core_resident_id_check("id", bad_date, today, &birth, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "not a real date");
    char future[19] = "11010520300101002";
    future[17] = core_resident_id_check_char(future);
    future[18] = '\0';
    CHECK_INT(core_resident_id_check("id", future, today, &birth, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "future");
}

static void credit_code_check_character(void)
{
    ld_error err;
    CHECK_INT(core_uscc_check("code", "91350100M000100Y43", &err), LD_OK);
    CHECK_INT(core_uscc_check("code", "91110108MA01C2Y27A", &err), LD_OK);
    CHECK_INT(core_uscc_check("code", "91350100M000100Y44", &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "GB 32100");
    CHECK_INT(core_uscc_check("code", "91350100I000100Y43", &err), LD_EINVAL);
    CHECK_INT(core_uscc_check("code", "9135", &err), LD_EINVAL);
}

static ld_money sum_principal(const ld_installment *rows, size_t n)
{
    ld_money sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += rows[i].principal;
    return sum;
}

static void schedule_annuity_known_values(void)
{
    ld_schedule_terms t = {.principal = 10000000,
                           .annual_rate = 43500,
                           .term_months = 12,
                           .method = LD_METHOD_ANNUITY,
                           .period = LD_PERIOD_MONTHLY};
    ld_date_parse("start", "2026-01-31", &t.start, NULL);
    ld_installment *rows = NULL;
    size_t n = 0;
    ld_error err;
    CHECK_INT(core_schedule_build(&t, &rows, &n, &err), LD_OK);
    CHECK_INT(n, 12);
    /* 100,000 at 4.35 %/12: payment 8,530.99 (standard 等额本息 tables) */
    CHECK_INT(rows[0].payment, 853099);
    CHECK_INT(rows[0].interest, 36250); /* 100000 * 0.0435 / 12 = 362.50 */
    CHECK_INT(rows[0].principal, 853099 - 36250);
    char buf[LD_DATE_TEXT_MAX];
    CHECK_STR(ld_date_format(rows[0].due, buf), "2026-02-28");
    CHECK_STR(ld_date_format(rows[1].due, buf), "2026-03-31");
    CHECK_INT(sum_principal(rows, n), 10000000);
    CHECK_INT(rows[11].balance, 0);
    free(rows);
}

static void schedule_every_method_sums_to_principal(void)
{
    static const ld_money principals[] = {1, 99, 100000, 10000000, 123456789, LD_MONEY_MAX};
    static const ld_rate rates[] = {0, 1, 43500, 240000, 1000000};
    static const int terms[] = {1, 3, 12, 37, 360};
    int checked = 0;
    for (int method = LD_METHOD_ANNUITY; method <= LD_METHOD_BULLET; method++)
        for (size_t p = 0; p < sizeof principals / sizeof principals[0]; p++)
            for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++)
                for (size_t m = 0; m < sizeof terms / sizeof terms[0]; m++)
                    for (int period = 1; period <= 3; period += 2) {
                        if (terms[m] % period != 0)
                            continue;
                        ld_schedule_terms t = {principals[p],           rates[r],          terms[m],
                                               (ld_repay_method)method, (ld_period)period, 20000};
                        ld_installment *rows = NULL;
                        size_t n = 0;
                        ld_error err;
                        CHECK_INT(core_schedule_build(&t, &rows, &n, &err), LD_OK);
                        CHECK_INT(sum_principal(rows, n), principals[p]);
                        for (size_t i = 0; i < n; i++) {
                            CHECK(rows[i].principal >= 0);
                            CHECK(rows[i].interest >= 0);
                            CHECK(rows[i].balance >= 0);
                            CHECK_INT(rows[i].payment, rows[i].principal + rows[i].interest);
                        }
                        CHECK_INT(rows[n - 1].balance, 0);
                        free(rows);
                        checked++;
                    }
    CHECK(checked > 400);
}

static void schedule_methods_follow_their_rules(void)
{
    ld_error err;
    ld_installment *rows = NULL;
    size_t n = 0;
    ld_schedule_terms t = {1000000, 60000, 3, LD_METHOD_EQUAL_PRINCIPAL, LD_PERIOD_MONTHLY, 0};
    CHECK_INT(core_schedule_build(&t, &rows, &n, &err), LD_OK);
    CHECK_INT(rows[0].principal, 333333);
    CHECK_INT(rows[1].principal, 333333);
    CHECK_INT(rows[2].principal, 333334);
    CHECK_INT(rows[0].interest, 5000);
    CHECK_INT(rows[1].interest, 3333); /* 666667 * 0.005 = 3333.335 -> 3333 */
    free(rows);

    t.method = LD_METHOD_INTEREST_ONLY;
    t.term_months = 6;
    t.period = LD_PERIOD_QUARTERLY;
    CHECK_INT(core_schedule_build(&t, &rows, &n, &err), LD_OK);
    CHECK_INT(n, 2);
    CHECK_INT(rows[0].interest, 15000); /* 10000 * 6 % * 3/12 */
    CHECK_INT(rows[0].principal, 0);
    CHECK_INT(rows[1].principal, 1000000);
    CHECK_INT(rows[1].due - rows[0].due, 181 - 90);
    free(rows);

    /* bullet over a leap February: 2024-01-31 .. 2024-04-30 is 90 days */
    t.method = LD_METHOD_BULLET;
    t.term_months = 3;
    t.period = LD_PERIOD_MONTHLY;
    ld_date_parse("start", "2024-01-31", &t.start, NULL);
    CHECK_INT(core_schedule_build(&t, &rows, &n, &err), LD_OK);
    CHECK_INT(n, 1);
    CHECK_INT(rows[0].due - t.start, 90);
    CHECK_INT(rows[0].interest, 15000); /* 10000 * 6 % * 90/360 */
    free(rows);

    /* annuity at zero rate: equal slices, last takes the rest */
    ld_schedule_terms z = {1000, 0, 3, LD_METHOD_ANNUITY, LD_PERIOD_MONTHLY, 0};
    CHECK_INT(core_schedule_build(&z, &rows, &n, &err), LD_OK);
    CHECK_INT(rows[0].payment, 333);
    CHECK_INT(rows[2].payment, 334);
    free(rows);
}

static void schedule_rejects_bad_terms(void)
{
    ld_error err;
    ld_installment *rows = NULL;
    size_t n = 0;
    ld_schedule_terms t = {0, 43500, 12, LD_METHOD_ANNUITY, LD_PERIOD_MONTHLY, 0};
    CHECK_INT(core_schedule_build(&t, &rows, &n, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "principal");
    t.principal = 100;
    t.term_months = 361;
    CHECK_INT(core_schedule_build(&t, &rows, &n, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "term");
    t.term_months = 10;
    t.period = LD_PERIOD_QUARTERLY;
    CHECK_INT(core_schedule_build(&t, &rows, &n, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "quarters");
    CHECK(rows == NULL);
}

static const check_case cases[] = {
    {"money_parse_accepts_plain_decimals", money_parse_accepts_plain_decimals},
    {"money_parse_rejects_ambiguous_text", money_parse_rejects_ambiguous_text},
    {"money_format_round_trips", money_format_round_trips},
    {"rate_parse_takes_four_decimals", rate_parse_takes_four_decimals},
    {"rounding_is_half_away_from_zero", rounding_is_half_away_from_zero},
    {"date_parse_and_format", date_parse_and_format},
    {"months_clamp_to_month_end_from_the_start", months_clamp_to_month_end_from_the_start},
    {"resident_id_check_digit", resident_id_check_digit},
    {"credit_code_check_character", credit_code_check_character},
    {"schedule_annuity_known_values", schedule_annuity_known_values},
    {"schedule_every_method_sums_to_principal", schedule_every_method_sums_to_principal},
    {"schedule_methods_follow_their_rules", schedule_methods_follow_their_rules},
    {"schedule_rejects_bad_terms", schedule_rejects_bad_terms},
};

int main(int argc, char **argv)
{
    return CHECK_RUN(argc, argv, cases);
}
