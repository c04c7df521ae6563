/*
 * fuzz_csv.c - the CSV reader of data sets for fitting and validation
 * (rating/csv.c). Whatever it accepts must be a consistent table: one value
 * per row in every column, numbers finite or missing, text codes within the
 * column's distinct levels, each level once; a 0/1 target read from it holds
 * only 0 and 1.
 */
#include "fuzz.h"

#include <math.h>

#include "rating_csv.h"

static void check_table(const rating_csv *csv)
{
    for (size_t c = 0; c < csv->column_count; c++) {
        const rating_csv_column *col = &csv->columns[c];
        FUZZ_CHECK(col->name != NULL);
        int index = rating_csv_column_index(csv, col->name);
        FUZZ_CHECK(index >= 0 && (size_t)index <= c &&
                   strcmp(csv->columns[index].name, col->name) == 0);
        if (col->numeric) {
            FUZZ_CHECK(csv->rows == 0 || col->numbers != NULL);
            for (size_t r = 0; r < csv->rows; r++)
                FUZZ_CHECK(isnan(col->numbers[r]) || isfinite(col->numbers[r]));
            continue;
        }
        FUZZ_CHECK(csv->rows == 0 || col->codes != NULL);
        for (size_t r = 0; r < csv->rows; r++)
            FUZZ_CHECK(col->codes[r] == RATING_CSV_MISSING_CODE ||
                       col->codes[r] < col->level_count);
        for (size_t i = 0; i < col->level_count; i++)
            for (size_t k = i + 1; k < col->level_count && k < i + 64; k++)
                FUZZ_CHECK(strcmp(col->levels[i], col->levels[k]) != 0);
    }
    if (csv->column_count == 0)
        return;
    unsigned char *target = NULL;
    if (rating_csv_target(csv, csv->columns[csv->column_count - 1].name, &target, NULL) == LD_OK) {
        for (size_t r = 0; r < csv->rows; r++)
            FUZZ_CHECK(target[r] == 0 || target[r] == 1);
        free(target);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    rating_csv *csv = NULL;
    ld_error err;
    if (rating_csv_parse(bytes, size, rating_csv_categorical_features(), &csv, &err) == LD_OK) {
        check_table(csv);
        rating_csv_free(csv);
    } else {
        FUZZ_CHECK(csv == NULL && err.code == LD_EINVAL);
    }
    csv = NULL;
    if (rating_csv_parse(bytes, size, NULL, &csv, NULL) == LD_OK) {
        check_table(csv);
        rating_csv_free(csv);
    }
    return 0;
}
