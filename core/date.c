/*
 * date.c - proleptic Gregorian day numbers (days since 1970-01-01), using the
 * era-based conversion that is exact for every year in range.
 */
#include "date.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int ld_date_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap(year))
        return 29;
    return days[month - 1];
}

bool ld_date_valid_ymd(int year, int month, int day)
{
    if (year < LD_DATE_MIN_YEAR || year > LD_DATE_MAX_YEAR)
        return false;
    if (month < 1 || month > 12)
        return false;
    return day >= 1 && day <= ld_date_days_in_month(year, month);
}

ld_date ld_date_from_ymd(int year, int month, int day)
{
    int y = month <= 2 ? year - 1 : year;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int mp = (month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (ld_date)(era * 146097 + doe - 719468);
}

void ld_date_to_ymd(ld_date date, int *year, int *month, int *day)
{
    int z = date + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int m = mp < 10 ? mp + 3 : mp - 9;
    *year = yoe + era * 400 + (m <= 2 ? 1 : 0);
    *month = m;
    *day = d;
}

static int digits(const char *p, int n)
{
    int value = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        value = value * 10 + (p[i] - '0');
    }
    return value;
}

ld_status ld_date_parse(const char *field, const char *text, ld_date *out, ld_error *err)
{
    if (text == NULL)
        return LD_FAIL(err, LD_EINVAL, "%s: is missing", field);
    int year = -1, month = -1, day = -1;
    for (int i = 0; i < 10; i++) {
        if (text[i] == '\0')
            break;
        if (i == 9) {
            year = digits(text, 4);
            month = digits(text + 5, 2);
            day = digits(text + 8, 2);
        }
    }
    if (year < 0 || month < 0 || day < 0 || text[4] != '-' || text[7] != '-' || text[10] != '\0')
        return LD_FAIL(err, LD_EINVAL, "%s: must be a date written YYYY-MM-DD", field);
    if (!ld_date_valid_ymd(year, month, day))
        return LD_FAIL(err, LD_EINVAL, "%s: %s is not a real date between %d and %d", field, text,
                       LD_DATE_MIN_YEAR, LD_DATE_MAX_YEAR);
    *out = ld_date_from_ymd(year, month, day);
    return LD_OK;
}

char *ld_date_format(ld_date date, char buf[LD_DATE_TEXT_MAX])
{
    int y, m, d;
    ld_date_to_ymd(date, &y, &m, &d);
    /* Dates in range have 4-digit years; the unsigned casts bound the widths. */
    snprintf(buf, LD_DATE_TEXT_MAX, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
    return buf;
}

ld_date ld_date_add_months(ld_date date, int months)
{
    int y, m, d;
    ld_date_to_ymd(date, &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    int ny = total / 12;
    int nm = total % 12 + 1;
    int dim = ld_date_days_in_month(ny, nm);
    return ld_date_from_ymd(ny, nm, d > dim ? dim : d);
}

int ld_date_years_between(ld_date from, ld_date to)
{
    int fy, fm, fd, ty, tm, td;
    ld_date_to_ymd(from, &fy, &fm, &fd);
    ld_date_to_ymd(to, &ty, &tm, &td);
    int years = ty - fy;
    if (tm < fm || (tm == fm && td < fd))
        years--;
    return years;
}
