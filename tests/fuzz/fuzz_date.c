/*
 * fuzz_date.c - ISO dates (core/date.c). An accepted date lies within the
 * documented years and formats back to exactly the text it came from (one day,
 * one text); adding months lands on a real day, clamped to the month's end.
 */
#include "fuzz.h"

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    ld_error err;
    ld_date date = 0;
    if (ld_date_parse("date", text, &date, &err) != LD_OK) {
        FUZZ_CHECK(err.code == LD_EINVAL && strncmp(err.message, "date: ", 6) == 0);
        free(text);
        return 0;
    }
    char buf[LD_DATE_TEXT_MAX];
    FUZZ_CHECK(strcmp(ld_date_format(date, buf), text) == 0);

    int y, m, d;
    ld_date_to_ymd(date, &y, &m, &d);
    FUZZ_CHECK(ld_date_valid_ymd(y, m, d) && ld_date_from_ymd(y, m, d) == date);

    /* A month count from the bytes after the date, within a 30-year loan. */
    int months = size > 11 ? (int)(data[11] % 121) * 3 : 1;
    ld_date due = ld_date_add_months(date, months);
    int dy, dm, dd;
    ld_date_to_ymd(due, &dy, &dm, &dd);
    FUZZ_CHECK((dy * 12 + dm) - (y * 12 + m) == months);
    FUZZ_CHECK(dd == (d < ld_date_days_in_month(dy, dm) ? d : ld_date_days_in_month(dy, dm)));
    /* Whole years: a clamped day in the same month falls short of the year. */
    int years = months / 12 - (months % 12 == 0 && dd < d ? 1 : 0);
    FUZZ_CHECK(due >= date && ld_date_years_between(date, due) == years);
    free(text);
    return 0;
}
