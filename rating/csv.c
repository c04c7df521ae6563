/*
 * csv.c - the CSV reader of rating_csv.h.
 *
 * Two passes over the bytes: the first counts rows and finds which columns are
 * numeric, the second fills the columns. Parsing twice is cheaper than keeping
 * the text of every cell (a million rows of twenty columns) just in case a late
 * row turns a column into text. Text levels are found through a small open-
 * addressing hash per column.
 */
#include "rating_csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"
#include "rating.h"
#include "text.h"

#define CSV_MAX_COLUMNS 1024
#define CSV_MAX_FILE    ((size_t)4 << 30)

typedef struct cursor {
    const char *p, *end;
    size_t line;
    char *scratch; /* unquoted text of the current quoted cell */
    size_t scratch_cap;
} cursor;

/* Reads one cell: *text and *len give its content (unquoted into scratch when
 * quoted). Returns 1 when the cell ends its row, 0 when a comma follows, -1 on
 * a quote error, -2 when out of memory. */
static int next_cell(cursor *c, const char **text, size_t *len)
{
    if (c->p < c->end && *c->p == '"') {
        size_t used = 0;
        c->p++;
        for (;;) {
            if (c->p >= c->end)
                return -1; /* unterminated quote */
            char ch = *c->p++;
            if (ch == '"') {
                if (c->p < c->end && *c->p == '"') {
                    c->p++;
                } else {
                    break;
                }
            } else if (ch == '\n') {
                c->line++;
            }
            if (used + 1 >= c->scratch_cap) {
                size_t cap = c->scratch_cap ? c->scratch_cap * 2 : 256;
                char *grown = realloc(c->scratch, cap);
                if (grown == NULL)
                    return -2;
                c->scratch = grown;
                c->scratch_cap = cap;
            }
            c->scratch[used++] = ch;
        }
        *text = c->scratch ? c->scratch : "";
        *len = used;
        if (c->p >= c->end)
            return 1;
        if (*c->p == ',') {
            c->p++;
            return 0;
        }
        if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
            c->p++;
        if (*c->p == '\n') {
            c->p++;
            c->line++;
            return 1;
        }
        return -1; /* text after a closing quote */
    }
    const char *start = c->p;
    while (c->p < c->end && *c->p != ',' && *c->p != '\n') {
        if (*c->p == '"')
            return -1;
        c->p++;
    }
    *text = start;
    *len = (size_t)(c->p - start);
    if (*len > 0 && start[*len - 1] == '\r' && (c->p >= c->end || *c->p == '\n'))
        (*len)--;
    if (c->p >= c->end)
        return 1;
    if (*c->p == ',') {
        c->p++;
        return 0;
    }
    c->p++;
    c->line++;
    return 1;
}

/* A plain decimal "-?D+(.D+)?" of at most 15 significant digits, the form
 * data files hold: its digits make an integer below 2^53 and its decimal
 * places a power of ten up to 10^22, both exact, so one division gives the
 * correctly rounded value strtod would (Clinger's fast path), at a fraction
 * of the cost over millions of cells. false: leave it to strtod. */
static bool parse_plain_decimal(const char *s, size_t len, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    bool negative = len > 0 && s[0] == '-';
    if (negative)
        i++;
    uint64_t mantissa = 0;
    int significant = 0, places = 0, whole = 0;
    bool point = false;
    for (; i < len; i++) {
        char ch = s[i];
        if (ch == '.' && !point && whole > 0) {
            point = true;
            continue;
        }
        if (ch < '0' || ch > '9')
            return false;
        mantissa = mantissa * 10 + (uint64_t)(ch - '0');
        if (mantissa != 0 && ++significant > 15)
            return false;
        if (point)
            places++;
        else
            whole++;
    }
    if (whole == 0 || (point && places == 0) || places > 22)
        return false;
    double value = (double)mantissa / pow10[places];
    *out = negative ? -value : value;
    return true;
}

/* A finite number, surrounding spaces allowed; nothing else. */
static bool parse_number(const char *text, size_t len, double *out)
{
    while (len > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    if (parse_plain_decimal(text, len, out))
        return true;
    memcpy(buf, text, len);
    buf[len] = '\0';
    /* strtod would also take "nan", "inf" and hex; a data column means decimals. */
    for (size_t i = 0; i < len; i++) {
        char ch = buf[i];
        if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' ||
              ch == 'E'))
            return false;
    }
    char *end;
    errno = 0;
    double value = strtod(buf, &end);
    if (end != buf + len || errno == ERANGE || !isfinite(value))
        return false;
    *out = value;
    return true;
}

void rating_csv_free(rating_csv *csv)
{
    if (csv == NULL)
        return;
    for (size_t i = 0; i < csv->column_count; i++) {
        rating_csv_column *col = &csv->columns[i];
        free(col->name);
        free(col->numbers);
        free(col->codes);
        for (size_t l = 0; l < col->level_count; l++)
            free(col->levels[l]);
        free(col->levels);
    }
    free(csv->columns);
    free(csv);
}

int rating_csv_column_index(const rating_csv *csv, const char *name)
{
    for (size_t i = 0; i < csv->column_count; i++)
        if (strcmp(csv->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Per-column hash of text levels during the second pass. */
typedef struct level_index {
    uint32_t *slots; /* level + 1, 0 = empty */
    size_t cap;
    size_t level_cap;
} level_index;

static uint64_t hash_text(const char *text, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* The code of a text value, adding it as a new level when unseen; false when
 * out of memory. */
static bool level_code(rating_csv_column *col, level_index *ix, const char *text, size_t len,
                       uint32_t *code)
{
    if ((col->level_count + 1) * 2 > ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 64;
        uint32_t *slots = calloc(cap, sizeof *slots);
        if (slots == NULL)
            return false;
        for (size_t l = 0; l < col->level_count; l++) {
            size_t s = hash_text(col->levels[l], strlen(col->levels[l])) & (cap - 1);
            while (slots[s] != 0)
                s = (s + 1) & (cap - 1);
            slots[s] = (uint32_t)l + 1;
        }
        free(ix->slots);
        ix->slots = slots;
        ix->cap = cap;
    }
    size_t s = hash_text(text, len) & (ix->cap - 1);
    while (ix->slots[s] != 0) {
        const char *level = col->levels[ix->slots[s] - 1];
        if (strlen(level) == len && memcmp(level, text, len) == 0) {
            *code = ix->slots[s] - 1;
            return true;
        }
        s = (s + 1) & (ix->cap - 1);
    }
    if (col->level_count == ix->level_cap) {
        size_t cap = ix->level_cap ? ix->level_cap * 2 : 16;
        char **grown = realloc(col->levels, cap * sizeof *grown);
        if (grown == NULL)
            return false;
        col->levels = grown;
        ix->level_cap = cap;
    }
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return false;
    memcpy(copy, text, len);
    copy[len] = '\0';
    col->levels[col->level_count] = copy;
    ix->slots[s] = (uint32_t)col->level_count + 1;
    *code = (uint32_t)col->level_count++;
    return true;
}

static bool is_blank_line(const cursor *c)
{
    return c->p < c->end &&
           (*c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n'));
}

/* The file's text under text.h's rules (lines may break, nothing else may be
 * a control character, all of it UTF-8), so a malformed category cannot reach
 * a fitted policy or a workbook; LD_EINVAL naming the line. */
static ld_status check_text(const char *bytes, size_t length, ld_error *err)
{
    core_text_fault fault;
    if (core_text_fault_find(bytes, length, CORE_TEXT_MULTILINE, &fault))
        return LD_OK;
    size_t line = 1;
    for (size_t i = 0; i < fault.at; i++)
        line += bytes[i] == '\n';
    char field[48];
    snprintf(field, sizeof field, "csv line %zu", line);
    return core_text_fault_report(field, &fault, err);
}

ld_status rating_csv_parse(const char *bytes, size_t length, const char *const *text_columns,
                           rating_csv **out, ld_error *err)
{
    ld_status st = check_text(bytes, length, err);
    if (st != LD_OK)
        return st;
    rating_csv *csv = calloc(1, sizeof *csv);
    cursor c = {bytes, bytes + length, 1, NULL, 0};
    bool *numeric = NULL;
    level_index *ix = NULL;
    if (csv == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "csv: out of memory");

    if (length == 0) {
        st = LD_FAIL(err, LD_EINVAL, "csv: the file is empty");
        goto out;
    }

    /* Header. */
    size_t cap = 0;
    for (int end = 0; !end;) {
        const char *text;
        size_t len;
        end = next_cell(&c, &text, &len);
        if (end < 0) {
            st = end == -2 ? LD_FAIL(err, LD_EINTERNAL, "csv: out of memory")
                           : LD_FAIL(err, LD_EINVAL, "csv line 1: bad quoting in the header");
            goto out;
        }
        if (csv->column_count == CSV_MAX_COLUMNS) {
            st = LD_FAIL(err, LD_EINVAL, "csv line 1: more than %d columns", CSV_MAX_COLUMNS);
            goto out;
        }
        if (csv->column_count == cap) {
            cap = cap ? cap * 2 : 16;
            rating_csv_column *grown = realloc(csv->columns, cap * sizeof *grown);
            if (grown == NULL) {
                st = LD_FAIL(err, LD_EINTERNAL, "csv: out of memory");
                goto out;
            }
            csv->columns = grown;
        }
        rating_csv_column *col = &csv->columns[csv->column_count++];
        memset(col, 0, sizeof *col);
        col->name = malloc(len + 1);
        if (col->name == NULL) {
            st = LD_FAIL(err, LD_EINTERNAL, "csv: out of memory");
            goto out;
        }
        memcpy(col->name, text, len);
        col->name[len] = '\0';
    }
    for (size_t i = 0; i < csv->column_count; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(csv->columns[i].name, csv->columns[j].name) == 0) {
                st = LD_FAIL(err, LD_EINVAL, "csv line 1: column \"%s\" appears twice",
                             csv->columns[i].name);
                goto out;
            }

    /* Pass 1: rows and column types. */
    numeric = malloc(csv->column_count * sizeof *numeric);
    if (numeric == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "csv: out of memory");
        goto out;
    }
    for (size_t i = 0; i < csv->column_count; i++) {
        numeric[i] = true;
        for (const char *const *t = text_columns; t && *t; t++)
            if (strcmp(*t, csv->columns[i].name) == 0)
                numeric[i] = false;
    }
    const char *data_start = c.p;
    size_t data_line = c.line;
    size_t rows = 0;
    while (c.p < c.end) {
        if (is_blank_line(&c)) { /* blank lines between rows are skipped */
            c.p += *c.p == '\r' ? 2 : 1;
            c.line++;
            continue;
        }
        size_t row_line = c.line;
        size_t field = 0;
        for (int end = 0; !end; field++) {
            const char *text;
            size_t len;
            end = next_cell(&c, &text, &len);
            if (end < 0) {
                st = end == -2 ? LD_FAIL(err, LD_EINTERNAL, "csv: out of memory")
                               : LD_FAIL(err, LD_EINVAL, "csv line %zu: bad quoting", row_line);
                goto out;
            }
            if (field < csv->column_count && numeric[field] && len > 0) {
                double value;
                if (!parse_number(text, len, &value))
                    numeric[field] = false;
            }
        }
        if (field != csv->column_count) {
            st = LD_FAIL(err, LD_EINVAL, "csv line %zu: %zu fields, the header has %zu", row_line,
                         field, csv->column_count);
            goto out;
        }
        rows++;
    }
    csv->rows = rows;

    /* Pass 2: fill. */
    ix = calloc(csv->column_count, sizeof *ix);
    if (ix == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "csv: out of memory");
        goto out;
    }
    for (size_t i = 0; i < csv->column_count; i++) {
        rating_csv_column *col = &csv->columns[i];
        col->numeric = numeric[i];
        if (col->numeric)
            col->numbers = malloc((rows ? rows : 1) * sizeof *col->numbers);
        else
            col->codes = malloc((rows ? rows : 1) * sizeof *col->codes);
        if (col->numbers == NULL && col->codes == NULL) {
            st = LD_FAIL(err, LD_EINTERNAL, "csv: out of memory for %zu rows", rows);
            goto out;
        }
    }
    c.p = data_start;
    c.line = data_line;
    for (size_t row = 0; row < rows;) {
        if (is_blank_line(&c)) {
            c.p += *c.p == '\r' ? 2 : 1;
            c.line++;
            continue;
        }
        for (size_t field = 0; field < csv->column_count; field++) {
            const char *text;
            size_t len;
            if (next_cell(&c, &text, &len) == -2) {
                st = LD_FAIL(err, LD_EINTERNAL, "csv: out of memory");
                goto out;
            }
            rating_csv_column *col = &csv->columns[field];
            if (col->numeric) {
                double value = NAN;
                if (len > 0)
                    parse_number(text, len, &value);
                col->numbers[row] = value;
            } else if (len == 0) {
                col->codes[row] = RATING_CSV_MISSING_CODE;
            } else if (!level_code(col, &ix[field], text, len, &col->codes[row])) {
                st = LD_FAIL(err, LD_EINTERNAL, "csv: out of memory");
                goto out;
            }
        }
        row++;
    }
out:
    if (ix != NULL)
        for (size_t i = 0; i < csv->column_count; i++)
            free(ix[i].slots);
    free(ix);
    free(numeric);
    free(c.scratch);
    if (st != LD_OK) {
        rating_csv_free(csv);
        return st;
    }
    *out = csv;
    return LD_OK;
}

ld_status rating_csv_read(const char *path, const char *const *text_columns, rating_csv **out,
                          ld_error *err)
{
    char *bytes = NULL;
    size_t size = 0;
    ld_status st = core_read_file(path, &bytes, &size, err);
    if (st != LD_OK)
        return st;
    if (size > CSV_MAX_FILE) {
        st = LD_FAIL(err, LD_EINVAL, "%s: larger than 4 GiB", path);
    } else {
        st = rating_csv_parse(bytes, size, text_columns, out, err);
        if (st != LD_OK && err != NULL)
            ld_error_prefix(err, "%s", path);
    }
    free(bytes);
    return st;
}

const char *const *rating_csv_categorical_features(void)
{
    static const char *names[CORE_RATING_FEATURE_COUNT + 1];
    if (names[0] == NULL) {
        size_t n = 0;
        for (int f = 0; f < CORE_RATING_FEATURE_COUNT; f++)
            if (core_rating_feature_is_categorical((core_rating_feature)f))
                names[n++] = core_rating_feature_name((core_rating_feature)f);
        names[n] = NULL;
    }
    return names;
}

ld_status rating_csv_target(const rating_csv *csv, const char *column, unsigned char **out,
                            ld_error *err)
{
    int index = rating_csv_column_index(csv, column);
    if (index < 0)
        return LD_FAIL(err, LD_EINVAL, "target: no column \"%s\" in the data", column);
    const rating_csv_column *col = &csv->columns[index];
    unsigned char *target = malloc(csv->rows ? csv->rows : 1);
    if (target == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "target: out of memory");
    for (size_t r = 0; r < csv->rows; r++) {
        double v = col->numeric ? col->numbers[r] : NAN;
        if (!(v == 0.0 || v == 1.0)) {
            free(target);
            return LD_FAIL(err, LD_EINVAL,
                           "%s: data row %zu must be 0 (good) or 1 (bad), not empty or text",
                           column, r + 1);
        }
        target[r] = (unsigned char)v;
    }
    *out = target;
    return LD_OK;
}
