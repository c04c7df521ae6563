/*
 * rating_csv.h - reading data sets for fitting and validating scorecards.
 *
 * An ordinary CSV file (RFC 4180): a header row of column names, then one row
 * per case; fields may be quoted with double quotes (a doubled quote inside is
 * a quote; quoted fields may hold commas and line breaks); CRLF or LF line ends.
 * An empty field is a missing value. A column is numeric when every non-empty
 * field in it reads as a finite number (strtod, surrounding spaces ignored),
 * unless the caller names it as text; otherwise it is text, kept as codes into
 * a list of the distinct values. Every row must have as many fields as the
 * header; an error names the line.
 */
#ifndef RATING_CSV_H
#define RATING_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"

#define RATING_CSV_MISSING_CODE UINT32_MAX

typedef struct rating_csv_column {
    char *name;
    bool numeric;
    double *numbers; /* numeric: one per row, NaN when empty */
    uint32_t *codes; /* text: one per row, an index into levels or RATING_CSV_MISSING_CODE */
    char **levels;   /* text: the distinct values in order of first appearance */
    size_t level_count;
} rating_csv_column;

typedef struct rating_csv {
    size_t rows;
    size_t column_count;
    rating_csv_column *columns;
} rating_csv;

/* Parses CSV bytes. text_columns (NULL-terminated, may be NULL) names columns
 * to keep as text even when they look numeric, such as a category "1".."5".
 * *out belongs to the caller (rating_csv_free). LD_EINVAL on malformed CSV,
 * naming the line; LD_EINTERNAL when out of memory. */
ld_status rating_csv_parse(const char *bytes, size_t length, const char *const *text_columns,
                           rating_csv **out, ld_error *err);

/* As rating_csv_parse, from a file; LD_ENOTFOUND when it does not exist. */
ld_status rating_csv_read(const char *path, const char *const *text_columns, rating_csv **out,
                          ld_error *err);

void rating_csv_free(rating_csv *csv);

/* The index of a column by name, or -1. */
int rating_csv_column_index(const rating_csv *csv, const char *name);

/* The names of the categorical features, NULL-terminated, for text_columns. */
const char *const *rating_csv_categorical_features(void);

/* Reads a 0/1 outcome column (1 = bad) into a new array of csv->rows bytes
 * (free()). LD_EINVAL naming the first row that is not 0 or 1, or when the
 * column does not exist. */
ld_status rating_csv_target(const rating_csv *csv, const char *column, unsigned char **out,
                            ld_error *err);

#endif
