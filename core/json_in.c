/*
 * json_in.c - the strict reader of JSON documents and the typed, path-naming
 * field readers over cJSON (json_in.h).
 *
 * cJSON alone is lenient: it stops at the end of the first value and ignores
 * what follows, keeps the first of two equal keys, cuts a string at an escaped
 * U+0000, and passes malformed UTF-8 and raw control characters through. So a
 * document is first checked here by a scanner that follows RFC 8259 to the
 * letter and knows the path of every string, then built by cJSON (which can no
 * longer fail but for memory), then walked once for repeated keys. Every
 * front end reads documents through core_json_parse, so all inherit the rules.
 */
#include "json_in.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

const char *core_json_field(char *buf, size_t size, const char *path, const char *key)
{
    if (path == NULL || path[0] == '\0')
        snprintf(buf, size, "%s", key);
    else
        snprintf(buf, size, "%s.%s", path, key);
    return buf;
}

/* The item for key, or NULL when absent or JSON null; reports a missing
 * required field. */
static ld_status lookup(const cJSON *obj, const char *path, const char *key, bool required,
                        const cJSON **item, bool *present, ld_error *err)
{
    const cJSON *found = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (found == NULL || cJSON_IsNull(found)) {
        if (present != NULL)
            *present = false;
        *item = NULL;
        if (required) {
            char field[256];
            return LD_FAIL(err, LD_EINVAL, "%s: is required",
                           core_json_field(field, sizeof field, path, key));
        }
        return LD_OK;
    }
    *item = found;
    return LD_OK;
}

/* Field names ("path.key") are built only when a message needs one: reading a
 * valid field must cost no formatting, since import reads millions of them. */
#define FIELD_NAME(buf) core_json_field((buf), sizeof(buf), path, key)

/* A text field under the rules of text.h: flags say whether it may span
 * lines. An optional field may be empty; any text given must not be blank. The
 * tree may come from elsewhere than core_json_parse (a test, a server), so
 * UTF-8 and control characters are checked here again, where the field is
 * known; only an escaped U+0000 is beyond reach here, cJSON having cut the
 * string at it. */
static ld_status read_text(const cJSON *obj, const char *path, const char *key, bool required,
                           size_t max_len, unsigned flags, const char **out, bool *present,
                           ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a string", FIELD_NAME(field));
    size_t len = strlen(item->valuestring);
    if (required && len == 0)
        return LD_FAIL(err, LD_EINVAL, "%s: must not be empty", FIELD_NAME(field));
    if (len > max_len)
        return LD_FAIL(err, LD_EINVAL, "%s: must have at most %zu bytes", FIELD_NAME(field),
                       max_len);
    core_text_fault fault;
    if (len > 0 &&
        !core_text_fault_find(item->valuestring, len, flags | CORE_TEXT_NONBLANK, &fault))
        return core_text_fault_report(FIELD_NAME(field), &fault, err);
    *out = item->valuestring;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_text(const cJSON *obj, const char *path, const char *key, bool required,
                         size_t max_len, const char **out, bool *present, ld_error *err)
{
    return read_text(obj, path, key, required, max_len, 0, out, present, err);
}

ld_status core_json_text_lines(const cJSON *obj, const char *path, const char *key, bool required,
                               size_t max_len, const char **out, bool *present, ld_error *err)
{
    return read_text(obj, path, key, required, max_len, CORE_TEXT_MULTILINE, out, present, err);
}

ld_status core_json_money(const cJSON *obj, const char *path, const char *key, bool required,
                          bool allow_negative, ld_money *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (cJSON_IsNumber(item))
        return LD_FAIL(err, LD_EINVAL,
                       "%s: money must be a decimal string such as \"500000.00\", not a JSON "
                       "number",
                       FIELD_NAME(field));
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a decimal string", FIELD_NAME(field));
    ld_money value;
    st = allow_negative ? ld_money_parse("", item->valuestring, &value, NULL)
                        : ld_money_parse_nonneg("", item->valuestring, &value, NULL);
    if (st != LD_OK) /* again, now for the message with the field's name */
        return allow_negative
                   ? ld_money_parse(FIELD_NAME(field), item->valuestring, &value, err)
                   : ld_money_parse_nonneg(FIELD_NAME(field), item->valuestring, &value, err);
    *out = value;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_rate(const cJSON *obj, const char *path, const char *key, bool required,
                         ld_rate *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: a rate must be a decimal string such as \"4.35\"",
                       FIELD_NAME(field));
    ld_rate value;
    if (ld_rate_parse("", item->valuestring, &value, NULL) != LD_OK)
        return ld_rate_parse(FIELD_NAME(field), item->valuestring, &value, err);
    *out = value;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_int(const cJSON *obj, const char *path, const char *key, bool required,
                        int64_t min, int64_t max, int64_t *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    int64_t value;
    if (!core_json_integer(item, &value))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a whole number", FIELD_NAME(field));
    if (value < min || value > max)
        return LD_FAIL(err, LD_EINVAL, "%s: must be between %lld and %lld", FIELD_NAME(field),
                       (long long)min, (long long)max);
    *out = value;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_date(const cJSON *obj, const char *path, const char *key, bool required,
                         ld_date *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a date string YYYY-MM-DD", FIELD_NAME(field));
    ld_date value;
    if (ld_date_parse("", item->valuestring, &value, NULL) != LD_OK)
        return ld_date_parse(FIELD_NAME(field), item->valuestring, &value, err);
    *out = value;
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_bool(const cJSON *obj, const char *path, const char *key, bool required,
                         bool *out, bool *present, ld_error *err)
{
    const cJSON *item;
    ld_status st = lookup(obj, path, key, required, &item, present, err);
    if (st != LD_OK || item == NULL)
        return st;
    char field[256];
    if (!cJSON_IsBool(item))
        return LD_FAIL(err, LD_EINVAL, "%s: must be true or false",
                       core_json_field(field, sizeof field, path, key));
    *out = cJSON_IsTrue(item);
    if (present != NULL)
        *present = true;
    return LD_OK;
}

ld_status core_json_choice(const cJSON *obj, const char *path, const char *key, bool required,
                           const char *const *choices, int *out, bool *present, ld_error *err)
{
    const char *text = NULL;
    bool have = false;
    ld_status st = core_json_text(obj, path, key, required, 64, &text, &have, err);
    if (st != LD_OK)
        return st;
    if (present != NULL)
        *present = have;
    if (!have)
        return LD_OK;
    for (int i = 0; choices[i] != NULL; i++) {
        if (strcmp(text, choices[i]) == 0) {
            *out = i;
            return LD_OK;
        }
    }
    char field[256], list[512] = "";
    size_t used = 0;
    for (int i = 0; choices[i] != NULL && used < sizeof list; i++)
        used +=
            (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
    return LD_FAIL(err, LD_EINVAL, "%s: must be one of %s",
                   core_json_field(field, sizeof field, path, key), list);
}

ld_status core_json_reject_unknown(const cJSON *obj, const char *path, const char *const *known,
                                   ld_error *err)
{
    if (!cJSON_IsObject(obj))
        return LD_FAIL(err, LD_EINVAL, "%s: must be a JSON object",
                       path && path[0] ? path : "input");
    const cJSON *item;
    cJSON_ArrayForEach(item, obj)
    {
        /* Compare the first byte before the whole name: most keys differ there. */
        bool found = false;
        for (int i = 0; known[i] != NULL && !found; i++)
            found = known[i][0] == item->string[0] && strcmp(item->string, known[i]) == 0;
        if (!found) {
            char field[256];
            return LD_FAIL(err, LD_EINVAL, "%s: is not a known field",
                           core_json_field(field, sizeof field, path, item->string));
        }
    }
    return LD_OK;
}

void core_json_put_money(cJSON *obj, const char *key, ld_money amount)
{
    char buf[LD_MONEY_TEXT_MAX];
    cJSON_AddStringToObject(obj, key, ld_money_format(amount, buf));
}

void core_json_put_rate(cJSON *obj, const char *key, ld_rate rate)
{
    char buf[LD_MONEY_TEXT_MAX];
    cJSON_AddStringToObject(obj, key, ld_rate_format(rate, buf));
}

void core_json_put_date(cJSON *obj, const char *key, ld_date date)
{
    char buf[LD_DATE_TEXT_MAX];
    cJSON_AddStringToObject(obj, key, ld_date_format(date, buf));
}

void core_json_put_int(cJSON *obj, const char *key, int64_t value)
{
    cJSON_AddItemToObject(obj, key, core_json_int_item(value));
}

/* cJSON holds every number in binary floating point, exact for integers up to
 * 2^53; money in fen stays far below that (10^15 at most), and money fields
 * are decimal strings on the way in. These two are the one crossing: the
 * int64_t converts to cJSON's number exactly, and a number is read back only
 * after it is shown to be an integer in the exact range. */
#define JSON_INT_MAX INT64_C(9007199254740991) /* 2^53 - 1 */

cJSON *core_json_int_item(int64_t value)
{
    return cJSON_CreateNumber(value);
}

bool core_json_integer(const cJSON *item, int64_t *out)
{
    if (!cJSON_IsNumber(item) ||
        !(item->valuedouble >= -JSON_INT_MAX && item->valuedouble <= JSON_INT_MAX))
        return false; /* also NaN */
    int64_t v = (int64_t)item->valuedouble;
    if (v != item->valuedouble)
        return false;
    if (out != NULL)
        *out = v;
    return true;
}

ld_status core_read_file(const char *path, char **out, size_t *len_out, ld_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return LD_FAIL(err, errno == ENOENT ? LD_ENOTFOUND : LD_EINVAL, "%s: %s", path,
                       strerror(errno));
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    ld_status st = LD_OK;
    while (buf != NULL) {
        if (len + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    if (buf == NULL)
        st = LD_FAIL(err, LD_EINTERNAL, "%s: out of memory", path);
    else if (ferror(f))
        st = LD_FAIL(err, LD_EINVAL, "%s: read error", path);
    if (f != stdin)
        fclose(f);
    if (st != LD_OK) {
        free(buf);
        return st;
    }
    buf[len] = '\0';
    *out = buf;
    if (len_out != NULL)
        *len_out = len;
    return LD_OK;
}

ld_status core_json_parse_file(const char *path, cJSON **out, ld_error *err)
{
    char *text = NULL;
    size_t len = 0;
    ld_status st = core_read_file(path, &text, &len, err);
    if (st != LD_OK)
        return st;
    st = core_json_parse(text, len, strcmp(path, "-") == 0 ? "stdin" : path, out, err);
    free(text);
    return st;
}

/* ---- the strict reader of JSON documents ------------------------------------ */

/* Deeper than any loandesk document; a bound keeps the scanner's recursion
 * and the message paths short. */
#define JSON_DEPTH_MAX 64
/* Longer than any number loandesk reads (cJSON itself misreads numbers over
 * 63 characters). */
#define JSON_NUMBER_MAX 40
#define JSON_PATH_MAX   256

/* Appends ".key" (escaped, bounded) or "[index]" to a message path. */
static void path_add_key(char *buf, size_t size, size_t *used, const char *key, size_t len)
{
    char shown[96];
    core_text_escape(key, len, shown, sizeof shown);
    if (*used < size)
        *used += (size_t)snprintf(buf + *used, size - *used, "%s%s", *used ? "." : "", shown);
}

static void path_add_index(char *buf, size_t size, size_t *used, long index)
{
    if (*used < size)
        *used += (size_t)snprintf(buf + *used, size - *used, "[%ld]", index);
}

/* One open object or array: the member or element being read. */
typedef struct scan_frame {
    const unsigned char *key; /* raw text of the current key; NULL while it is read */
    size_t key_len;
    long index; /* element being read in an array; -1 in an object */
} scan_frame;

typedef struct scanner {
    const unsigned char *start, *p, *end;
    int depth;
    scan_frame frames[JSON_DEPTH_MAX];
    const char *source; /* names the document in messages; may be NULL */
    ld_status st;
    ld_error *err;
} scanner;

/* Fails with a syntax problem at a place in the document. */
static bool fail_at(scanner *s, const unsigned char *at, const char *problem)
{
    size_t line = 1, column = 1;
    for (const unsigned char *q = s->start; q < at; q++) {
        if (*q == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
    }
    char where[64];
    /* A one-line document (an import line) needs no line number. */
    if (memchr(s->start, '\n', (size_t)(s->end - s->start)) == NULL)
        snprintf(where, sizeof where, "column %zu", column);
    else
        snprintf(where, sizeof where, "line %zu, column %zu", line, column);
    s->st = LD_FAIL(s->err, LD_EINVAL, "%s%s%s at %s", s->source ? s->source : "",
                    s->source ? ": " : "", problem, where);
    return false;
}

/* Fails naming the field whose string is at fault. offset counts from the
 * string's first byte after the quote. */
static bool fail_text(scanner *s, bool is_key, const char *problem, size_t offset, uint32_t code,
                      bool is_byte)
{
    char path[JSON_PATH_MAX];
    size_t used = 0;
    path[0] = '\0';
    for (int i = 0; i < s->depth; i++) {
        const scan_frame *f = &s->frames[i];
        if (f->index >= 0)
            path_add_index(path, sizeof path, &used, f->index);
        else if (f->key != NULL)
            path_add_key(path, sizeof path, &used, (const char *)f->key, f->key_len);
    }
    char field[JSON_PATH_MAX + 64];
    snprintf(field, sizeof field, "%s%s%s%s", s->source ? s->source : "", s->source ? ": " : "",
             path[0] ? path : "$", is_key ? " (a key)" : "");
    core_text_fault fault = {problem, offset, code, is_byte};
    s->st = core_text_fault_report(field, &fault, s->err);
    return false;
}

static void skip_space(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The four hex digits of a \u escape at p (its backslash); -1 when malformed. */
static long read_u_escape(const scanner *s, const unsigned char *p)
{
    if (s->end - p < 6 || p[0] != '\\' || p[1] != 'u')
        return -1;
    long value = 0;
    for (int i = 2; i < 6; i++) {
        int d = hex_digit(p[i]);
        if (d < 0)
            return -1;
        value = value * 16 + d;
    }
    return value;
}

/* An escape inside a string; content is the string's first byte. */
static bool scan_escape(scanner *s, bool is_key, const unsigned char *content)
{
    const unsigned char *at = s->p;
    size_t offset = (size_t)(at - content);
    if (s->end - at < 2)
        return fail_at(s, at, "not valid JSON: a string is not closed");
    switch (at[1]) {
    case '"':
    case '\\':
    case '/':
    case 'n':
    case 'r':
    case 't':
        s->p += 2;
        return true;
    case 'b':
    case 'f':
        return fail_text(s, is_key, "must not contain control characters", offset,
                         at[1] == 'b' ? 0x08 : 0x0C, false);
    case 'u':
        break;
    default:
        return fail_at(s, at, "not valid JSON: an unknown escape in a string");
    }
    long code = read_u_escape(s, at);
    if (code < 0)
        return fail_at(s, at, "not valid JSON: \\u needs four hex digits");
    s->p += 6;
    if (code >= 0xD800 && code <= 0xDBFF) {
        long low = read_u_escape(s, s->p);
        if (low < 0xDC00 || low > 0xDFFF)
            return fail_text(s, is_key, "must not contain an unpaired UTF-16 surrogate", offset,
                             (uint32_t)code, false);
        s->p += 6;
        return true;
    }
    if (code >= 0xDC00 && code <= 0xDFFF)
        return fail_text(s, is_key, "must not contain an unpaired UTF-16 surrogate", offset,
                         (uint32_t)code, false);
    if (code == 0)
        return fail_text(s, is_key, "must not contain U+0000", offset, 0, false);
    if (core_text_is_forbidden_control((uint32_t)code))
        return fail_text(s, is_key, "must not contain control characters", offset, (uint32_t)code,
                         false);
    return true;
}

/* A string at s->p (its opening quote). */
static bool scan_string(scanner *s, bool is_key)
{
    const unsigned char *open = s->p++;
    const unsigned char *content = s->p;
    for (;;) {
        if (s->p >= s->end)
            return fail_at(s, open, "not valid JSON: a string is not closed");
        unsigned char b = *s->p;
        if (b == '"') {
            s->p++;
            return true;
        }
        if (b == '\\') {
            if (!scan_escape(s, is_key, content))
                return false;
            continue;
        }
        if (b >= 0x20 && b < 0x7F) {
            s->p++;
            continue;
        }
        size_t at = (size_t)(s->p - s->start), offset = (size_t)(s->p - content);
        uint32_t code;
        const char *bad = core_utf8_next(s->start, (size_t)(s->end - s->start), &at, &code);
        if (bad != NULL)
            return fail_text(s, is_key, bad, offset, b, true);
        if (code == 0)
            return fail_text(s, is_key, "must not contain U+0000", offset, 0, false);
        if (code < 0x20)
            return fail_text(s, is_key,
                             "must not contain a raw control character (JSON needs it escaped)",
                             offset, code, false);
        if (core_text_is_forbidden_control(code))
            return fail_text(s, is_key, "must not contain control characters", offset, code, false);
        s->p = s->start + at;
    }
}

static bool is_digit(const scanner *s, const unsigned char *p)
{
    return p < s->end && *p >= '0' && *p <= '9';
}

/* A number as RFC 8259 writes it: no leading zeros, no bare point, no '+'. */
static bool scan_number(scanner *s)
{
    const unsigned char *p = s->p;
    if (p < s->end && *p == '-')
        p++;
    if (!is_digit(s, p))
        return fail_at(s, p, "not valid JSON: a number needs digits");
    if (*p == '0') {
        p++;
        if (is_digit(s, p))
            return fail_at(s, s->p, "not valid JSON: a number must not begin with 0");
    } else {
        while (is_digit(s, p))
            p++;
    }
    if (p < s->end && *p == '.') {
        p++;
        if (!is_digit(s, p))
            return fail_at(s, p, "not valid JSON: digits must follow the decimal point");
        while (is_digit(s, p))
            p++;
    }
    if (p < s->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < s->end && (*p == '+' || *p == '-'))
            p++;
        if (!is_digit(s, p))
            return fail_at(s, p, "not valid JSON: an exponent needs digits");
        while (is_digit(s, p))
            p++;
    }
    if (p - s->p > JSON_NUMBER_MAX)
        return fail_at(s, s->p, "not valid JSON: a number longer than 40 characters");
    s->p = p;
    return true;
}

static bool scan_literal(scanner *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail_at(s, s->p, "not valid JSON: unexpected text");
    s->p += n;
    return true;
}

static bool scan_value(scanner *s);

static bool scan_object(scanner *s)
{
    if (s->depth == JSON_DEPTH_MAX)
        return fail_at(s, s->p, "not valid JSON: nested more than 64 levels deep");
    scan_frame *f = &s->frames[s->depth++];
    f->key = NULL;
    f->key_len = 0;
    f->index = -1;
    s->p++;
    skip_space(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        s->depth--;
        return true;
    }
    for (;;) {
        skip_space(s);
        if (s->p >= s->end || *s->p != '"')
            return fail_at(s, s->p, "not valid JSON: expected a key in quotation marks");
        const unsigned char *key = s->p + 1;
        f->key = NULL;
        if (!scan_string(s, true))
            return false;
        f->key = key;
        f->key_len = (size_t)(s->p - 1 - key);
        skip_space(s);
        if (s->p >= s->end || *s->p != ':')
            return fail_at(s, s->p, "not valid JSON: expected ':' after the key");
        s->p++;
        if (!scan_value(s))
            return false;
        skip_space(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            s->depth--;
            return true;
        }
        return fail_at(s, s->p, "not valid JSON: expected ',' or '}'");
    }
}

static bool scan_array(scanner *s)
{
    if (s->depth == JSON_DEPTH_MAX)
        return fail_at(s, s->p, "not valid JSON: nested more than 64 levels deep");
    scan_frame *f = &s->frames[s->depth++];
    f->key = NULL;
    f->index = 0;
    s->p++;
    skip_space(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        s->depth--;
        return true;
    }
    for (;;) {
        if (!scan_value(s))
            return false;
        skip_space(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            f->index++;
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            s->depth--;
            return true;
        }
        return fail_at(s, s->p, "not valid JSON: expected ',' or ']'");
    }
}

static bool scan_value(scanner *s)
{
    skip_space(s);
    if (s->p >= s->end)
        return fail_at(s, s->p, "not valid JSON: a value is missing");
    switch (*s->p) {
    case '{':
        return scan_object(s);
    case '[':
        return scan_array(s);
    case '"':
        return scan_string(s, false);
    case 't':
        return scan_literal(s, "true");
    case 'f':
        return scan_literal(s, "false");
    case 'n':
        return scan_literal(s, "null");
    case ']':
    case '}':
        return fail_at(s, s->p, "not valid JSON: a value is missing");
    default:
        if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
            return scan_number(s);
        return fail_at(s, s->p, "not valid JSON: unexpected character");
    }
}

static int compare_keys(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string, y->string);
}

/* A member of obj whose key an earlier member has too, or NULL. Small objects
 * (the usual record) compare pairwise; large ones sort, so a hostile object
 * of many keys costs n log n, not n squared. */
static const cJSON *repeated_key(const cJSON *obj)
{
    int n = cJSON_GetArraySize(obj);
    if (n > 16) {
        const cJSON **keys = malloc((size_t)n * sizeof *keys);
        if (keys != NULL) {
            int i = 0;
            for (const cJSON *c = obj->child; c != NULL; c = c->next)
                keys[i++] = c;
            qsort(keys, (size_t)n, sizeof *keys, compare_keys);
            const cJSON *dup = NULL;
            for (i = 1; i < n && dup == NULL; i++)
                if (strcmp(keys[i - 1]->string, keys[i]->string) == 0)
                    dup = keys[i];
            free(keys);
            return dup;
        }
    }
    for (const cJSON *c = obj->child; c != NULL; c = c->next)
        for (const cJSON *d = obj->child; d != c; d = d->next)
            if (strcmp(c->string, d->string) == 0)
                return c;
    return NULL;
}

/* Depth in chain of a member with a repeated key under item (chain[0] is the
 * root), or -1 when there is none. */
static int find_repeated(const cJSON *item, const cJSON **chain, int depth)
{
    chain[depth] = item;
    if (!cJSON_IsObject(item) && !cJSON_IsArray(item))
        return -1;
    if (cJSON_IsObject(item)) {
        const cJSON *dup = repeated_key(item);
        if (dup != NULL) {
            chain[depth + 1] = dup;
            return depth + 1;
        }
    }
    for (const cJSON *c = item->child; c != NULL; c = c->next) {
        int found = find_repeated(c, chain, depth + 1);
        if (found >= 0)
            return found;
    }
    return -1;
}

ld_status core_json_parse(const char *text, size_t len, const char *source, cJSON **out,
                          ld_error *err)
{
    scanner s = {.start = (const unsigned char *)text,
                 .p = (const unsigned char *)text,
                 .end = (const unsigned char *)text + len,
                 .source = source,
                 .err = err};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        fail_at(&s, s.p, "not valid JSON: the text begins with a byte order mark");
        return s.st;
    }
    if (!scan_value(&s))
        return s.st;
    skip_space(&s);
    if (s.p < s.end) {
        fail_at(&s, s.p, "trailing text after the JSON value");
        return s.st;
    }
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, NULL, 0);
    if (doc == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "%s%sout of memory reading JSON", source ? source : "",
                       source ? ": " : "");
    /* The scanner bounds the depth, so the chain fits. */
    const cJSON *chain[JSON_DEPTH_MAX + 2];
    int depth = find_repeated(doc, chain, 0);
    if (depth > 0) {
        char path[JSON_PATH_MAX];
        size_t used = 0;
        path[0] = '\0';
        for (int i = 1; i <= depth; i++) {
            if (cJSON_IsArray(chain[i - 1])) {
                long index = 0;
                for (const cJSON *c = chain[i - 1]->child; c != chain[i]; c = c->next)
                    index++;
                path_add_index(path, sizeof path, &used, index);
            } else {
                path_add_key(path, sizeof path, &used, chain[i]->string, strlen(chain[i]->string));
            }
        }
        cJSON_Delete(doc);
        return LD_FAIL(err, LD_EINVAL, "%s%s%s: duplicate key (a key may appear once in an object)",
                       source ? source : "", source ? ": " : "", path);
    }
    *out = doc;
    return LD_OK;
}
