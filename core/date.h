/*
 * date.h - civil dates as day numbers (DESIGN.md, "Dates").
 *
 * An ld_date counts days since 1970-01-01, so differences are day counts and
 * comparisons are integer comparisons. Text is strict ISO "YYYY-MM-DD" within
 * 1900-01-01 .. 2299-12-31. Adding months clamps the day to the month's end and
 * is always counted from the original date, so a loan disbursed on Jan 31 falls
 * due on Feb 28/29, Mar 31, Apr 30 ...
 */
#ifndef LD_DATE_H
#define LD_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ld_error.h"

typedef int32_t ld_date;

#define LD_DATE_TEXT_MAX 11
#define LD_DATE_MIN_YEAR 1900
#define LD_DATE_MAX_YEAR 2299

/* Parses "YYYY-MM-DD"; LD_EINVAL naming field when malformed or not a real day. */
ld_status ld_date_parse(const char *field, const char *text, ld_date *out, ld_error *err);

/* Writes "YYYY-MM-DD" into buf; returns buf. */
char *ld_date_format(ld_date date, char buf[LD_DATE_TEXT_MAX]);

/* The day number of a civil date; the caller guarantees the date is real. */
ld_date ld_date_from_ymd(int year, int month, int day);
void ld_date_to_ymd(ld_date date, int *year, int *month, int *day);

bool ld_date_valid_ymd(int year, int month, int day);
int ld_date_days_in_month(int year, int month);

/* date + months, with the day clamped to the target month's end. */
ld_date ld_date_add_months(ld_date date, int months);

/* Whole years from `from` to `to` (an age on a date). */
int ld_date_years_between(ld_date from, ld_date to);

#endif
