/*
 * test_input.c - strict input everywhere: what the JSON reader, the text
 * fields, the import, the audit trail and the files loandesk creates refuse or
 * guarantee.
 *
 * The JSON reader (core_json_parse) must refuse text after the value, a key
 * repeated at any depth, U+0000, malformed UTF-8 and control characters,
 * naming the field or the position; text fields must not be blank; an import
 * line holding two records is refused by line; the audit trail keeps a forged
 * or huge user name escaped and bounded; every file and folder loandesk
 * creates is private whatever the umask. Store tests use the core fixture
 * (test_core_fixture.c), "today" 2026-06-15.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "application.h"
#include "audit.h"
#include "book_int.h"
#include "borrower.h"
#include "check.h"
#include "decimal.h"
#include "import.h"
#include "json_in.h"
#include "keystore.h"
#include "ledger_verify.h"
#include "policy.h"
#include "private_file.h"
#include "rating.h"
#include "rating_csv.h"
#include "store_sql.h"
#include "text.h"
#include "user.h"

/* fixture (test_core_fixture.c) */
typedef struct fx {
    core_store *store;
    core_session admin, off1, off2, rev1, rev2, mgr, aud;
} fx;
#define FX_PASSWORD "Fixture-pass-2026"
void fx_open(fx *f);
void fx_close(fx *f);
cJSON *fx_json(const char *text);
cJSON *fx_person(const char *first17);
cJSON *fx_app_json(int64_t borrower_id, const char *amount, const char *extra_json);
void fx_begin(fx *f);
int64_t fx_add_borrower(fx *f, const core_session *officer, cJSON *record);
int64_t fx_add_app(fx *f, const core_session *officer, int64_t borrower_id, const char *amount,
                   const char *extra_json);
long long fx_count(fx *f, const char *sql);
const char *fx_text(fx *f, const char *sql, char *out, size_t size);

const char *fx_temp_path(char *out, size_t size, const char *name);
void fx_temp_remove(void);

static void write_bytes(const char *path, const char *bytes, size_t len)
{
    FILE *out = fopen(path, "wb");
    if (out == NULL) {
        perror(path);
        exit(99);
    }
    fwrite(bytes, 1, len, out);
    fclose(out);
}

/* Parses len bytes of text; the status, with the message in *err. */
static ld_status parse(const char *text, size_t len, ld_error *err)
{
    cJSON *doc = NULL;
    ld_error_clear(err);
    ld_status st = core_json_parse(text, len, NULL, &doc, err);
    cJSON_Delete(doc);
    return st;
}

#define PARSE(literal, err) parse((literal), sizeof(literal) - 1, (err))

/* A refusal: LD_EINVAL and a message holding fragment. */
static void refused(const char *text, size_t len, const char *fragment)
{
    ld_error err;
    ld_status st = parse(text, len, &err);
    CHECK_INT(st, LD_EINVAL);
    CHECK_CONTAINS(err.message, fragment);
    if (st != LD_EINVAL || strstr(err.message, fragment) == NULL)
        fprintf(stderr, "  input: %.*s\n", (int)len, text);
}

#define REFUSED(literal, fragment) refused((literal), sizeof(literal) - 1, (fragment))

/* ---- 1: trailing text ------------------------------------------------------- */

static void json_text_after_the_value_is_refused_with_its_position(void)
{
    ld_error err;
    REFUSED("{\"a\": 1} x", "trailing text after the JSON value at column 10");
    REFUSED("{\"a\": 1}{\"a\": 2}", "trailing text after the JSON value at column 9");
    REFUSED("[1] [2]", "trailing text after the JSON value at column 5");
    REFUSED("1 2", "trailing text after the JSON value");
    REFUSED("{\"a\": 1}\n}\n", "trailing text after the JSON value at line 2, column 1");
    REFUSED("{}\0", "trailing text after the JSON value at column 3");
    /* White space after the value is no text. */
    CHECK_INT(PARSE("{\"a\": 1}\n  \r\n\t", &err), LD_OK);
    CHECK_INT(PARSE("  [1, 2] ", &err), LD_OK);
    REFUSED("", "a value is missing");
    REFUSED("   ", "a value is missing");
}

/* core_json_parse_file serves --json FILE and stdin ("-"): both strict, both
 * named in the message. */
static void json_file_and_stdin_are_read_strictly(void)
{
    char path[300];
    fx_temp_path(path, sizeof path, "two.json");
    static const char two[] = "{\"name\": \"a\"}\n{\"name\": \"b\"}\n";
    write_bytes(path, two, sizeof two - 1);
    cJSON *doc = NULL;
    ld_error err;
    CHECK_INT(core_json_parse_file(path, &doc, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, path);
    CHECK_CONTAINS(err.message, "trailing text after the JSON value at line 2, column 1");
    CHECK(doc == NULL);
    /* The same bytes on standard input. */
    fflush(stdin);
    if (freopen(path, "rb", stdin) == NULL) {
        perror("freopen");
        exit(99);
    }
    CHECK_INT(core_json_parse_file("-", &doc, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "stdin: trailing text after the JSON value at line 2");
    CHECK(doc == NULL);
    static const char one[] = "{\"name\": \"a\"}\n";
    write_bytes(path, one, sizeof one - 1);
    CHECK_INT(core_json_parse_file(path, &doc, &err), LD_OK);
    CHECK(cJSON_IsObject(doc));
    cJSON_Delete(doc);
    unlink(path);
}

/* ---- 2: repeated keys ------------------------------------------------------- */

static void json_repeated_keys_are_refused_naming_the_path_at_every_depth(void)
{
    ld_error err;
    REFUSED("{\"amount\": \"1.00\", \"amount\": \"100.00\"}", "amount: duplicate key");
    REFUSED("{\"borrower\": {\"name\": \"a\", \"phone\": \"1\", \"name\": \"b\"}}",
            "borrower.name: duplicate key");
    REFUSED("{\"guarantors\": [{\"name\": \"a\"}, {\"name\": \"a\", \"name\": \"b\"}]}",
            "guarantors[1].name: duplicate key");
    REFUSED("[[{}, {\"x\": {\"y\": 1, \"y\": 1}}]]", "[0][1].x.y: duplicate key");
    /* Equal once decoded: an escape does not make a key new. */
    REFUSED("{\"name\": 1, \"na\\u006de\": 2}", "name: duplicate key");
    /* The same key in two objects is no repeat; nor is case a repeat. */
    CHECK_INT(PARSE("{\"a\": {\"k\": 1}, \"b\": {\"k\": 1}, \"K\": 2, \"k\": 3}", &err), LD_OK);
    /* A large object (sorted, not compared pairwise) still finds it. */
    char big[4000];
    size_t used = 0;
    used += (size_t)snprintf(big + used, sizeof big - used, "{\"inner\": {");
    for (int i = 0; i < 100; i++)
        used += (size_t)snprintf(big + used, sizeof big - used, "\"k%03d\": %d, ", i, i);
    used += (size_t)snprintf(big + used, sizeof big - used, "\"k042\": 0}}");
    refused(big, used, "inner.k042: duplicate key");
}

/* ---- 3: U+0000 --------------------------------------------------------------- */

static void json_escaped_nul_is_refused_naming_the_field(void)
{
    /* cJSON alone reads this amount as "100" and a reader as 100.00. */
    REFUSED("{\"application\": {\"amount\": \"100\\u0000000.00\"}}",
            "application.amount: must not contain U+0000");
    /* A raw NUL byte inside a string, and in a key. */
    REFUSED("{\"name\": \"Zhang\0San\"}", "name: must not contain U+0000");
    REFUSED("{\"na\\u0000me\": 1}", "$ (a key): must not contain U+0000");
    REFUSED("[\"ok\", \"\\u0000\"]", "[1]: must not contain U+0000");
}

/* ---- 4: malformed UTF-8 and control characters ------------------------------- */

static void json_malformed_utf8_is_refused_naming_the_field(void)
{
    static const struct {
        const char *bytes, *fragment;
    } bad[] = {
        {"\xC0\xAF", "an overlong sequence"},         /* '/' in two bytes */
        {"\xC1\xBF", "an overlong sequence"},         /* DEL in two bytes */
        {"\xE0\x80\xAF", "an overlong sequence"},     /* '/' in three bytes */
        {"\xF0\x80\x80\xAF", "an overlong sequence"}, /* '/' in four bytes */
        {"\xED\xA0\x80", "an encoded UTF-16 surrogate"},
        {"\xED\xBF\xBF", "an encoded UTF-16 surrogate"},
        {"\xE4\xB8", "a truncated sequence"},     /* 中 without its last byte */
        {"\xE4\xB8x", "a truncated sequence"},    /* ... followed by ASCII */
        {"\xF0\x9F\x98", "a truncated sequence"}, /* an emoji cut short */
        {"\xF4\x90\x80\x80", "above U+10FFFF"},
        {"\xF5\x80\x80\x80", "above U+10FFFF"},
        {"\xFF", "above U+10FFFF"},
        {"\x80", "a continuation byte without a lead byte"},
        {"\xBF", "a continuation byte without a lead byte"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[64];
        int n = snprintf(text, sizeof text, "{\"borrower\": {\"name\": \"Zh%sng\"}}", bad[i].bytes);
        refused(text, (size_t)n, "borrower.name: is not valid UTF-8");
        refused(text, (size_t)n, bad[i].fragment);
        refused(text, (size_t)n, "at offset 2");
    }
    /* Unpaired surrogates written as escapes. */
    REFUSED("{\"name\": \"\\uD800\"}", "name: must not contain an unpaired UTF-16 surrogate");
    REFUSED("{\"name\": \"\\uDC00x\"}", "name: must not contain an unpaired UTF-16 surrogate");
    REFUSED("{\"name\": \"\\uD800\\u0041\"}", "unpaired UTF-16 surrogate");
    /* Well-formed text of every length is read as written. */
    ld_error err;
    cJSON *doc = NULL;
    static const char good[] = "{\"name\": \"\xE5\xBC\xA0\xE4\xB8\x89 \xC3\xA9 \xF0\x9F\x98\x80 "
                               "\\uD83D\\uDE00 \\u00e9 \xF4\x8F\xBF\xBF\"}";
    CHECK_INT(core_json_parse(good, sizeof good - 1, NULL, &doc, &err), LD_OK);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "name");
    CHECK_STR(cJSON_GetStringValue(name), "\xE5\xBC\xA0\xE4\xB8\x89 \xC3\xA9 \xF0\x9F\x98\x80 "
                                          "\xF0\x9F\x98\x80 \xC3\xA9 \xF4\x8F\xBF\xBF");
    cJSON_Delete(doc);
}

static void json_control_characters_and_lax_syntax_are_refused(void)
{
    ld_error err;
    /* Raw control characters must be escaped (RFC 8259). */
    REFUSED("{\"name\": \"a\nb\"}", "name: must not contain a raw control character");
    REFUSED("{\"name\": \"a\tb\"}", "name: must not contain a raw control character");
    /* Escaped, only tab, line feed and carriage return may pass the reader. */
    REFUSED("{\"name\": \"\\u0007\"}", "name: must not contain control characters (U+0007");
    REFUSED("{\"name\": \"\\b\"}", "name: must not contain control characters (U+0008");
    REFUSED("{\"name\": \"\\f\"}", "must not contain control characters (U+000C");
    REFUSED("{\"name\": \"\\u001b[2J\"}", "must not contain control characters (U+001B");
    REFUSED("{\"name\": \"\x7f\"}", "must not contain control characters (U+007F");
    REFUSED("{\"name\": \"\xC2\x85\"}", "must not contain control characters (U+0085");
    CHECK_INT(PARSE("{\"notes\": \"a\\nb\\tc\\r\\n\"}", &err), LD_OK);
    /* What RFC 8259 does not allow, cJSON's leniency aside. */
    REFUSED("{\"n\": 01}", "a number must not begin with 0");
    REFUSED("{\"n\": 1.}", "digits must follow the decimal point");
    REFUSED("{\"n\": .5}", "unexpected character");
    REFUSED("{\"n\": +1}", "unexpected character");
    REFUSED("{\"n\": 1e}", "an exponent needs digits");
    REFUSED("[1,]", "a value is missing");
    REFUSED("{\"a\": 1,}", "expected a key in quotation marks");
    REFUSED("{'a': 1}", "expected a key in quotation marks");
    REFUSED("{\"a\": tru}", "unexpected text");
    REFUSED("{\"a\": \"\\x41\"}", "an unknown escape");
    REFUSED("{\"a\": \"abc", "a string is not closed");
    REFUSED("\xEF\xBB\xBF{}", "byte order mark");
    REFUSED("{\"n\": 12345678901234567890123456789012345678901}", "longer than 40");
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    refused(deep, sizeof deep, "nested more than 64 levels deep");
    CHECK_INT(PARSE("{\"n\": -0.5e+10, \"m\": 0, \"t\": true, \"f\": false, \"z\": null}", &err),
              LD_OK);
}

/* Policy documents go through the same reader: the first of two cutoffs
 * must not win unseen. */
static void policy_documents_are_read_strictly(void)
{
    ld_error err;
    core_policy_problems trailing = {0};
    static const char two[] = "{\"version\": 1}{}";
    CHECK_INT(core_policy_model_check_buffer(two, sizeof two - 1, &trailing, &err), LD_EINVAL);
    CHECK(trailing.count == 1);
    if (trailing.count > 0)
        CHECK_CONTAINS(trailing.messages[0], "trailing text after the JSON value");
    core_policy_problems_free(&trailing);
    static const char twice[] = "{\"version\": 1, \"lpr\": {\"one_year\": \"3.45\", "
                                "\"one_year\": \"9.99\"}}";
    core_policy_problems problems = {0};
    CHECK_INT(core_policy_model_check_buffer(twice, sizeof twice - 1, &problems, &err), LD_EINVAL);
    CHECK(problems.count == 1);
    if (problems.count > 0)
        CHECK_CONTAINS(problems.messages[0], "$.lpr.one_year: duplicate key");
    core_policy_problems_free(&problems);
}

/* The fit's CSV data is text too: a malformed category is refused by line. */
static void csv_data_with_malformed_utf8_is_refused_by_line(void)
{
    static const char bad[] = "age,region\n30,north\n41,so\xC0\xAFuth\n";
    rating_csv *csv = NULL;
    ld_error err;
    CHECK_INT(rating_csv_parse(bad, sizeof bad - 1, NULL, &csv, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "csv line 3: is not valid UTF-8: an overlong sequence");
    static const char bell[] = "age,region\n30,no\007rth\n";
    CHECK_INT(rating_csv_parse(bell, sizeof bell - 1, NULL, &csv, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "csv line 2: must not contain control characters");
    static const char good[] = "age,region\r\n30,\xE5\x8C\x97\r\n";
    CHECK_INT(rating_csv_parse(good, sizeof good - 1, NULL, &csv, &err), LD_OK);
    rating_csv_free(csv);
}

/* ---- 4, 5: text fields ------------------------------------------------------- */

static ld_status read_field(const char *json, bool lines, bool required, ld_error *err)
{
    cJSON *doc = NULL;
    ld_status st = core_json_parse(json, strlen(json), NULL, &doc, err);
    if (st != LD_OK)
        return st;
    const char *text = NULL;
    st = lines ? core_json_text_lines(doc, "borrower", "name", required, 200, &text, NULL, err)
               : core_json_text(doc, "borrower", "name", required, 200, &text, NULL, err);
    cJSON_Delete(doc);
    return st;
}

static void text_fields_refuse_blanks_controls_and_line_breaks(void)
{
    static const char *const blank[] = {
        "{\"name\": \" \"}",
        "{\"name\": \"   \"}",
        "{\"name\": \"\\t\"}",
        "{\"name\": \"\xE3\x80\x80\xE3\x80\x80\"}", /* U+3000 ideographic space */
        "{\"name\": \"\\u3000\"}",
        "{\"name\": \"\\u00a0 \\u2003\"}",
        "{\"name\": \"\\u200b\\ufeff\"}", /* zero-width characters print as nothing */
    };
    ld_error err;
    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
        CHECK_INT(read_field(blank[i], true, true, &err), LD_EINVAL);
        CHECK_CONTAINS(err.message, "borrower.name: must not be blank");
        /* Optional text, when given, must not be blank either. */
        CHECK_INT(read_field(blank[i], true, false, &err), LD_EINVAL);
        CHECK_CONTAINS(err.message, "must not be blank");
    }
    CHECK_INT(read_field("{\"name\": \"\"}", false, true, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower.name: must not be empty");
    CHECK_INT(read_field("{\"name\": \"\"}", false, false, &err), LD_OK);
    /* Content with spaces around it is content, kept as given. */
    CHECK_INT(read_field("{\"name\": \"\\u3000\xE5\xBC\xA0\xE4\xB8\x89\"}", false, true, &err),
              LD_OK);
    /* A single-line field holds no tab or line break; a multi-line field may. */
    static const char *const breaks[] = {"{\"name\": \"Zhang\\nSan\"}",
                                         "{\"name\": \"Zhang\\tSan\"}", "{\"name\": \"Zhang\\r\"}",
                                         "{\"name\": \"Zhang\\u2028San\"}"};
    for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
        CHECK_INT(read_field(breaks[i], false, true, &err), LD_EINVAL);
        CHECK_CONTAINS(err.message, "borrower.name: must be a single line");
    }
    CHECK_INT(read_field("{\"name\": \"line one\\nline two\\ttabbed\\r\\n\"}", true, true, &err),
              LD_OK);
    /* A tree made without core_json_parse (a server, a test) is checked too. */
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "name", "Zh\xC0\xAFng");
    const char *text = NULL;
    CHECK_INT(core_json_text(doc, "borrower", "name", true, 200, &text, NULL, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower.name: is not valid UTF-8: an overlong sequence");
    cJSON_Delete(doc);
}

/* A borrower whose name is only ideographic spaces is refused by the command,
 * and nothing is stored. */
static void borrower_with_a_blank_name_is_refused(void)
{
    fx f;
    fx_open(&f);
    cJSON *person = fx_person("11010519900501123");
    cJSON_ReplaceItemInObjectCaseSensitive(person, "name",
                                           cJSON_CreateString("\xE3\x80\x80\xE3\x80\x80"));
    ld_error err;
    int64_t id = 0;
    fx_begin(&f);
    CHECK_INT(core_borrower_add(f.store, &f.off1, person, &id, &err), LD_EINVAL);
    core_store_rollback(f.store);
    CHECK_CONTAINS(err.message, "name: must not be blank");
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower"), 0);
    cJSON_Delete(person);
    fx_close(&f);
}

/* Text that comes as a plain string, not JSON (a user's full name, a
 * written reason), follows the same rules. */
static void full_names_and_reasons_must_not_be_blank(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_user_spec spec = {"blank_name", "\xE3\x80\x80", CORE_ROLE_OFFICER, -1, FX_PASSWORD};
    int64_t id = 0;
    fx_begin(&f);
    CHECK_INT(core_user_add(f.store, &f.admin, &spec, &id, &err), LD_EINVAL);
    core_store_rollback(f.store);
    CHECK_CONTAINS(err.message, "name: must not be blank");
    spec.full_name = "Wang\nWu";
    fx_begin(&f);
    CHECK_INT(core_user_add(f.store, &f.admin, &spec, &id, &err), LD_EINVAL);
    core_store_rollback(f.store);
    CHECK_CONTAINS(err.message, "name: must be a single line");
    int64_t borrower = fx_add_borrower(&f, &f.off1, fx_person("11010519900501123"));
    int64_t app = fx_add_app(&f, &f.off1, borrower, NULL, NULL);
    static const char *const bad[] = {"   ", "\xE3\x80\x80", "no\007bell",
                                      "bad \xFF"
                                      " byte"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fx_begin(&f);
        CHECK_INT(core_application_withdraw(f.store, &f.off1, app, bad[i], &err), LD_EINVAL);
        core_store_rollback(f.store);
        CHECK_CONTAINS(err.message, "reason: ");
    }
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM application WHERE state = 'draft'"), 1);
    fx_begin(&f);
    CHECK_INT(core_application_withdraw(f.store, &f.off1, app, "customer\nchanged plans", &err),
              LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    fx_close(&f);
}

/* ---- 6: import --------------------------------------------------------------- */

static char *import_line(const char *first17)
{
    cJSON *line = cJSON_CreateObject();
    cJSON_AddItemToObject(line, "borrower", fx_person(first17));
    cJSON *app = fx_app_json(1, NULL, NULL);
    cJSON_DeleteItemFromObjectCaseSensitive(app, "borrower_id");
    cJSON_AddItemToObject(line, "application", app);
    char *text = cJSON_PrintUnformatted(line);
    cJSON_Delete(line);
    return text;
}

static void import_line_with_two_records_is_refused_naming_the_line(void)
{
    fx f;
    fx_open(&f);
    char *a = import_line("11010519900501123");
    char *b = import_line("11010519850303222");
    char *c = import_line("11010519800101456");
    char content[8000], path[300];
    const struct {
        const char *between, *fragment;
    } cases[] = {
        /* Two records on line 2: the second used to vanish. */
        {"", "line 2: trailing text after the JSON value at column"},
        {" ", "line 2: trailing text after the JSON value"},
    };
    ld_error err;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(content, sizeof content, "%s\n%s%s%s\n", a, b, cases[i].between, c);
        write_bytes(fx_temp_path(path, sizeof path, "two.jsonl"), content, strlen(content));
        core_import_stats stats = {.lines = -7};
        fx_begin(&f);
        CHECK_INT(core_import_jsonl(f.store, &f.off1, path, &stats, &err), LD_EINVAL);
        core_store_rollback(f.store);
        CHECK_CONTAINS(err.message, cases[i].fragment);
        CHECK_INT(stats.lines, -7);
        CHECK_INT(fx_count(&f, "SELECT count(*) FROM borrower"), 0);
    }
    /* A repeated key and an escaped U+0000 in a line are refused by line and field. */
    char *dup = import_line("11010519850303222");
    char *at = strstr(dup, "\"name\":");
    CHECK(at != NULL);
    snprintf(content, sizeof content, "%s\n%.*s\"name\":\"X\",%s\n", a, (int)(at - dup), dup, at);
    write_bytes(path, content, strlen(content));
    core_import_stats stats;
    fx_begin(&f);
    CHECK_INT(core_import_jsonl(f.store, &f.off1, path, &stats, &err), LD_EINVAL);
    core_store_rollback(f.store);
    CHECK_CONTAINS(err.message, "line 2: borrower.name: duplicate key");
    snprintf(content, sizeof content, "%s\n%.*s\"name\":\"X\\u0000Y\",%s\n", a, (int)(at - dup),
             dup, at + strlen("\"name\":\"Zhang San\","));
    write_bytes(path, content, strlen(content));
    fx_begin(&f);
    CHECK_INT(core_import_jsonl(f.store, &f.off1, path, &stats, &err), LD_EINVAL);
    core_store_rollback(f.store);
    CHECK_CONTAINS(err.message, "line 2: borrower.name: must not contain U+0000");
    unlink(path);
    free(a);
    free(b);
    free(c);
    free(dup);
    fx_close(&f);
}

/* ---- 7: the audit trail ------------------------------------------------------ */

static void text_escape_shows_controls_and_bad_bytes_and_bounds_the_copy(void)
{
    char out[64];
    CHECK(core_text_escape("alice", 5, out, sizeof out));
    CHECK_STR(out, "alice");
    CHECK(!core_text_escape("a\nb\tc\rd\\e", 9, out, sizeof out));
    CHECK_STR(out, "a\\nb\\tc\\rd\\\\e");
    CHECK(!core_text_escape("x\x07y\x7f", 4, out, sizeof out));
    CHECK_STR(out, "x\\u0007y\\u007F");
    CHECK(!core_text_escape("\xC0\xAF\xFF", 3, out, sizeof out));
    CHECK_STR(out, "\\xC0\\xAF\\xFF");
    CHECK(!core_text_escape("a\xE2\x80\xA8z", 5, out, sizeof out));
    CHECK_STR(out, "a\\u2028z");
    CHECK(!core_text_escape("a\0b", 3, out, sizeof out));
    CHECK_STR(out, "a\\u0000b");
    CHECK(core_text_escape("\xE5\xBC\xA0\xE4\xB8\x89", 6, out, sizeof out));
    /* Cut at a character boundary, the mark last, within the size. */
    char small[16];
    CHECK(!core_text_escape(
        "\xE5\xBC\xA0\xE5\xBC\xA0\xE5\xBC\xA0\xE5\xBC\xA0\xE5\xBC\xA0\xE5\xBC\xA0", 18, small,
        sizeof small));
    CHECK_STR(small, "\xE5\xBC\xA0\xE5\xBC\xA0\xE5\xBC\xA0\xE5\xBC\xA0" CORE_TEXT_CUT_MARK);
    CHECK(strlen(small) < sizeof small);
    CHECK(!core_text_escape("abcdefghijklmnopqrstuvwxyz", 26, small, sizeof small));
    CHECK_STR(small, "abcdefghijkl" CORE_TEXT_CUT_MARK);
    /* Exactly filling the buffer needs no cut. */
    CHECK(core_text_escape("abcdefghijklmno", 15, small, sizeof small));
    CHECK_STR(small, "abcdefghijklmno");
}

static void failed_login_name_is_audited_escaped_and_bounded(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    core_session s;
    /* A line break in an unknown name forged a row of `audit list`. */
    static const char forged[] = "nobody\n2026-06-15T00:00:00Z admin user.add ok";
    CHECK_INT(core_user_login(f.store, forged, "wrong-Password-1", false, &s, &err), LD_EPERM);
    char name[600];
    fx_text(&f, "SELECT username FROM audit_event WHERE action = 'login' ORDER BY id DESC LIMIT 1",
            name, sizeof name);
    CHECK_STR(name, "nobody\\n2026-06-15T00:00:00Z admin user.add ok");
    CHECK(strchr(name, '\n') == NULL);
    /* A 100,000-byte name: refused before any password work, kept bounded. */
    size_t huge_len = 100000;
    char *huge = malloc(huge_len + 1);
    memset(huge, 'a', huge_len);
    huge[huge_len] = '\0';
    CHECK_INT(core_user_login(f.store, huge, "wrong-Password-1", false, &s, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "username: must have at most 63 bytes");
    CHECK_INT(fx_count(&f, "SELECT max(length(CAST(username AS BLOB))) FROM audit_event"),
              CORE_AUDIT_NAME_MAX);
    fx_text(&f, "SELECT username FROM audit_event ORDER BY id DESC LIMIT 1", name, sizeof name);
    CHECK(strlen(name) == CORE_AUDIT_NAME_MAX);
    CHECK(strstr(name, CORE_TEXT_CUT_MARK) == name + CORE_AUDIT_NAME_MAX - 3);
    CHECK_INT(fx_count(&f, "SELECT count(*) FROM audit_event WHERE action = 'login' AND outcome "
                           "= 'denied' AND detail LIKE '%too long%'"),
              1);
    /* 63 bytes is still a name that could exist: an ordinary failed login. */
    huge[63] = '\0';
    CHECK_INT(core_user_login(f.store, huge, "wrong-Password-1", false, &s, &err), LD_EPERM);
    free(huge);
    fx_close(&f);
}

static void audit_detail_strings_are_escaped_and_bounded(void)
{
    fx f;
    fx_open(&f);
    ld_error err;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "name", "a\nb\xFF");
    char *longer = malloc(10001);
    memset(longer, 'x', 10000);
    longer[10000] = '\0';
    cJSON_AddStringToObject(detail, "note", longer);
    fx_begin(&f);
    CHECK_INT(core_audit_record(f.store, &f.off1, "test.detail", "borrower", 1, detail, &err),
              LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    /* The caller's tree is untouched. */
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(detail, "name")->valuestring, "a\nb\xFF");
    char text[200];
    fx_text(&f,
            "SELECT json_extract(detail, '$.name') FROM audit_event WHERE action = 'test.detail'",
            text, sizeof text);
    CHECK_STR(text, "a\\nb\\xFF");
    CHECK_INT(fx_count(&f, "SELECT length(CAST(json_extract(detail, '$.note') AS BLOB)) FROM "
                           "audit_event WHERE action = 'test.detail'"),
              CORE_AUDIT_TEXT_MAX);
    /* A detail beyond the whole bound keeps its size and its beginning. */
    cJSON *big = cJSON_CreateObject();
    for (int i = 0; i < 20; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        longer[4000] = '\0';
        cJSON_AddStringToObject(big, key, longer);
    }
    fx_begin(&f);
    CHECK_INT(core_audit_record(f.store, &f.off1, "test.big", "borrower", 1, big, &err), LD_OK);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    CHECK_INT(fx_count(&f, "SELECT json_extract(detail, '$.truncated') FROM audit_event WHERE "
                           "action = 'test.big'"),
              1);
    CHECK(fx_count(&f, "SELECT length(detail) FROM audit_event WHERE action = 'test.big'") <
          CORE_AUDIT_TEXT_MAX + 100);
    CHECK(fx_count(&f, "SELECT json_extract(detail, '$.bytes') FROM audit_event WHERE action = "
                       "'test.big'") > CORE_AUDIT_DETAIL_MAX);
    cJSON_Delete(big);
    cJSON_Delete(detail);
    free(longer);
    fx_close(&f);
}

/* ---- 8: private files -------------------------------------------------------- */

static int mode_of(const char *path)
{
    struct stat info;
    if (stat(path, &info) != 0)
        return -1;
    return (int)(info.st_mode & 07777);
}

static void check_mode(const char *path, int expected)
{
    int mode = mode_of(path);
    CHECK_INT(mode, expected);
    if (mode != expected)
        fprintf(stderr, "  %s: %o, expected %o\n", path, mode, expected);
}

static void store_files_under_umask(mode_t mask)
{
    mode_t old = umask(mask);
    char db[300], side[320];
    fx_temp_path(db, sizeof db, "private.db");
    core_store *store = NULL;
    ld_error err;
    CHECK_INT(core_store_open(db, &store, &err), LD_OK);
    check_mode(db, 0600);
    /* WAL mode: a write makes the -wal and -shm files. */
    CHECK_INT(core_store_begin(store, &err), LD_OK);
    CHECK_INT(core_store_exec(store, "CREATE TABLE scratch (x INTEGER)", &err), LD_OK);
    CHECK_INT(core_store_commit(store, &err), LD_OK);
    snprintf(side, sizeof side, "%s-wal", db);
    check_mode(side, 0600);
    snprintf(side, sizeof side, "%s-shm", db);
    check_mode(side, 0600);
    /* A large write alone on the file takes the rollback journal. */
    CHECK_INT(core_store_begin_large(store, &err), LD_OK);
    CHECK(core_store_uses_rollback_journal(store));
    CHECK_INT(core_store_exec(store, "INSERT INTO scratch VALUES (1)", &err), LD_OK);
    snprintf(side, sizeof side, "%s-journal", db);
    check_mode(side, 0600);
    CHECK_INT(core_store_commit(store, &err), LD_OK);
    core_store_close(store);
    check_mode(db, 0600);
    /* An existing file keeps the mode its owner gave it. */
    chmod(db, 0640);
    CHECK_INT(core_store_open(db, &store, &err), LD_OK);
    core_store_close(store);
    check_mode(db, 0640);
    unlink(db);
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    umask(old);
}

static void export_and_workbook_under_umask(mode_t mask)
{
    mode_t old = umask(mask);
    fx f;
    fx_open(&f);
    ld_error err;
    char dir[300], file[340];
    fx_temp_path(dir, sizeof dir, "export");
    /* The export writes the institution's certificate beside the log. */
    char key_path[300];
    fx_temp_path(key_path, sizeof key_path, "institution-key");
    core_keystore_custody custody = {"Input-test-CA-custodians", key_path, NULL};
    fx_begin(&f);
    CHECK_INT(
        core_keystore_init(f.store, &f.admin, &custody, FX_PASSWORD, "Test Bank", 1767225600, &err),
        LD_OK);
    check_mode(key_path, 0600);
    CHECK_INT(core_store_commit(f.store, &err), LD_OK);
    ledger_verify_report report;
    ld_status st = ledger_export(f.store, &f.aud, dir, &report, &err);
    CHECK_INT(st, LD_OK);
    if (st != LD_OK)
        fprintf(stderr, "  export: %s\n", err.message);
    check_mode(dir, 0700);
    static const char *const names[] = {"entries.jsonl", "checkpoints"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(file, sizeof file, "%s/%s", dir, names[i]);
        check_mode(file, 0600);
        unlink(file);
    }
    /* Whatever else the export wrote is private too. */
    char command[400];
    snprintf(command, sizeof command, "find '%s' -type f ! -perm 0600 | grep -q .", dir);
    CHECK(system(command) != 0);
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    CHECK(system(command) == 0);
    fx_close(&f);

    char book_path[300], part[320];
    fx_temp_path(book_path, sizeof book_path, "private.xlsx");
    report_book_spec spec = {.path = book_path,
                             .lang = REPORT_LANG_EN,
                             .kind = "test",
                             .title_zh = "test",
                             .title_en = "test",
                             .as_of = 20619};
    report_book *book = NULL;
    CHECK_INT(report_book_open(&spec, &book, &err), LD_OK);
    report_part_path(book_path, part, sizeof part);
    check_mode(part, 0600);
    report_book_seal seal = {.anchor_root = ""};
    int64_t rows = 0;
    CHECK_INT(report_book_close(book, &seal, &rows, &err), LD_OK);
    CHECK_INT(report_publish(book_path, &err), LD_OK);
    check_mode(book_path, 0600);
    unlink(book_path);
    umask(old);
}

static void created_files_are_private_whatever_the_umask(void)
{
    store_files_under_umask(0);
    store_files_under_umask(022);
    export_and_workbook_under_umask(0);
    export_and_workbook_under_umask(022);
}

/* A row stored before input was checked may still hold malformed UTF-8: the
 * workbook shows it as U+FFFD and its XML stays well-formed. */
static void workbook_text_stays_well_formed_utf8(void)
{
    char book_path[300];
    fx_temp_path(book_path, sizeof book_path, "utf8.xlsx");
    report_book_spec spec = {.path = book_path,
                             .lang = REPORT_LANG_EN,
                             .kind = "test",
                             .title_zh = "test",
                             .title_en = "test",
                             .as_of = 20619};
    report_book *book = NULL;
    ld_error err;
    CHECK_INT(report_book_open(&spec, &book, &err), LD_OK);
    report_sheet *sheet = report_book_sheet(book, "test", "test");
    report_cell_text(sheet, 0, 0,
                     "Zh\xFF"
                     "ang");
    report_cell_wrap(sheet, 1, 0, "Li\xED\xA0\x80Si");
    report_book_seal seal = {.anchor_root = ""};
    int64_t rows = 0;
    CHECK_INT(report_book_close(book, &seal, &rows, &err), LD_OK);
    CHECK_INT(report_publish(book_path, &err), LD_OK);
    char command[400], xml[65536];
    snprintf(command, sizeof command, "unzip -p '%s' xl/sharedStrings.xml", book_path);
    FILE *pipe = popen(command, "r");
    CHECK(pipe != NULL);
    size_t n = pipe != NULL ? fread(xml, 1, sizeof xml - 1, pipe) : 0;
    if (pipe != NULL)
        pclose(pipe);
    xml[n] = '\0';
    CHECK(n > 0);
    CHECK(core_utf8_valid(xml, n));
    CHECK_CONTAINS(xml, "Zh\xEF\xBF\xBD"
                        "ang");
    CHECK_CONTAINS(xml, "Li\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDSi");
    unlink(book_path);
}

/* The helper every writer uses: a file already there with a wide mode is
 * narrowed, a symbolic link refused, a folder made 0700. */
static void private_file_narrows_refuses_links_and_makes_folders_0700(void)
{
    mode_t old = umask(0);
    char path[300], link[300], dir[300];
    fx_temp_path(path, sizeof path, "wide.p7s");
    write_bytes(path, "x", 1);
    chmod(path, 0666);
    FILE *f = NULL;
    ld_error err;
    CHECK_INT(core_private_file_create(path, &f, &err), LD_OK);
    fputs("signature", f);
    fclose(f);
    check_mode(path, 0600);
    fx_temp_path(link, sizeof link, "link.p7s");
    CHECK(symlink(path, link) == 0);
    CHECK_INT(core_private_file_create(link, &f, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "symbolic link");
    fx_temp_path(dir, sizeof dir, "folder");
    CHECK_INT(core_private_dir_create(dir, &err), LD_OK);
    check_mode(dir, 0700);
    CHECK_INT(core_private_dir_create(dir, &err), LD_OK); /* already there: kept */
    rmdir(dir);
    unlink(link);
    unlink(path);
    umask(old);
}

/* ---- the bank's own numeric variables: exact decimals in millionths ---------- */

static void decimal_is(const char *text, int64_t expected)
{
    int64_t value = -42;
    ld_error err;
    ld_status st = core_decimal_parse("x", text, &value, &err);
    CHECK_INT(st, LD_OK);
    if (st != LD_OK)
        fprintf(stderr, "  %s: %s\n", text, err.message);
    CHECK_INT(value, expected);
}

static void decimal_refused(const char *text, const char *why)
{
    int64_t value = -42;
    ld_error err;
    CHECK_INT(core_decimal_parse("x", text, &value, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, why);
    CHECK_INT(value, -42);
}

static void decimals_are_exact_millionths_read_from_their_text(void)
{
    decimal_is("360", 360000000);
    decimal_is("0.000001", 1);
    decimal_is("-0.5", -500000);
    decimal_is("-0", 0);
    decimal_is("0e999999999", 0);
    decimal_is("1.5000000000", 1500000); /* trailing zeros carry no precision */
    decimal_is("2.5E-3", 2500);
    decimal_is("1e3", 1000000000);
    decimal_is("3.6e+2", 360000000);
    decimal_is("1e-6", 1);
    decimal_is("0.1e-5", 1);
    decimal_is("1000000000000", 1000000000000000000LL);
    decimal_is("1e12", 1000000000000000000LL);
    decimal_is("-1e12", -1000000000000000000LL);
    decimal_is("999999999999.999999", 999999999999999999LL);
    decimal_refused("1.0000001", "more than 6 decimal places");
    decimal_refused("360.0000001", "more than 6 decimal places");
    decimal_refused("1e-7", "more than 6 decimal places");
    decimal_refused("1e-999999999", "more than 6 decimal places");
    decimal_refused("1000000000000.000001", "out of range");
    decimal_refused("1e13", "out of range");
    decimal_refused("-1e13", "out of range");
    decimal_refused("1e999999999", "out of range");
    decimal_refused("123456789012345678901234567890123456789012345678901234567890123456789",
                    "out of range");
    static const char *const not_numbers[] = {"",    "abc", "1.", ".5", "+1",   "1e",       "1e+",
                                              "--1", "1,5", "1 ", " 1", "0x10", "Infinity", "NaN"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof *not_numbers; i++)
        decimal_refused(not_numbers[i], "must be a number");
    char buf[CORE_DECIMAL_TEXT_MAX];
    CHECK_STR(core_decimal_format(1, buf), "0.000001");
    CHECK_STR(core_decimal_format(-500000, buf), "-0.5");
    CHECK_STR(core_decimal_format(360000000, buf), "360");
    CHECK_STR(core_decimal_format(0, buf), "0");
    CHECK_STR(core_decimal_format(1000000000000000000LL, buf), "1000000000000");
    /* JSON numbers are read through their text too. */
    cJSON *doc = NULL;
    ld_error err;
    static const char json[] = "[360.000001, 1e-7, 1e300, 25E-1, \"7.25\", true]";
    CHECK_INT(core_json_parse(json, sizeof json - 1, NULL, &doc, &err), LD_OK);
    int64_t v = 0;
    CHECK_INT(core_decimal_from_json("a", cJSON_GetArrayItem(doc, 0), &v, &err), LD_OK);
    CHECK_INT(v, 360000001);
    CHECK_INT(core_decimal_from_json("a", cJSON_GetArrayItem(doc, 1), &v, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "a: has more than 6 decimal places");
    CHECK_INT(core_decimal_from_json("a", cJSON_GetArrayItem(doc, 2), &v, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "a: is out of range");
    CHECK_INT(core_decimal_from_json("a", cJSON_GetArrayItem(doc, 3), &v, &err), LD_OK);
    CHECK_INT(v, 2500000);
    CHECK_INT(core_decimal_from_json("a", cJSON_GetArrayItem(doc, 4), &v, &err), LD_OK);
    CHECK_INT(v, 7250000);
    CHECK_INT(core_decimal_from_json("a", cJSON_GetArrayItem(doc, 5), &v, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "a: must be a number");
    cJSON_Delete(doc);
}

static void collect_problem(void *context, const char *message)
{
    char *all = context;
    size_t used = strlen(all);
    snprintf(all + used, 2048 - used, "%s\n", message);
}

/* Normalizes {"duration": VALUE_JSON} against min 1, max 360. */
static ld_status duration_attribute(const core_attribute_set *set, const char *value_json,
                                    char out[CORE_ATTRIBUTES_TEXT_MAX], ld_error *err)
{
    char text[200];
    snprintf(text, sizeof text, "{\"duration\": %s}", value_json);
    cJSON *attributes = NULL;
    ld_status st = core_json_parse(text, strlen(text), NULL, &attributes, err);
    if (st == LD_OK)
        st = core_attributes_normalize(set, attributes, "borrower", out, err);
    cJSON_Delete(attributes);
    return st;
}

static void attribute_ranges_hold_exactly_at_their_bounds(void)
{
    static const char policy[] =
        "{\"features\": [{\"name\": \"duration\", \"type\": \"numeric\", \"zh\": \"期限\", "
        "\"en\": \"Duration\", \"min\": 1, \"max\": \"3.6e2\"},"
        "{\"name\": \"ratio\", \"type\": \"numeric\", \"zh\": \"比率\", \"en\": \"Ratio\", "
        "\"min\": -0.000001, \"max\": 0.1234567},"
        "{\"name\": \"huge\", \"type\": \"numeric\", \"zh\": \"大\", \"en\": \"Huge\", "
        "\"max\": 1e13}]}";
    cJSON *doc = NULL;
    ld_error err;
    CHECK_INT(core_json_parse(policy, sizeof policy - 1, NULL, &doc, &err), LD_OK);
    core_attribute_set *set = calloc(1, sizeof *set);
    char problems[2048] = "";
    core_attribute_set_parse(doc, set, NULL, collect_problem, problems);
    cJSON_Delete(doc);
    CHECK_CONTAINS(problems, "$.features[1].max: has more than 6 decimal places");
    CHECK_CONTAINS(problems, "$.features[2].max: is out of range");
    const core_attribute_def *duration = core_attribute_find(set, "duration");
    CHECK(duration != NULL && duration->has_min && duration->has_max);
    if (duration != NULL) {
        CHECK_INT(duration->min, 1000000);
        CHECK_INT(duration->max, 360000000);
    }
    char out[CORE_ATTRIBUTES_TEXT_MAX];
    CHECK_INT(duration_attribute(set, "360", out, &err), LD_OK);
    CHECK_STR(out, "{\"duration\":360}");
    CHECK_INT(duration_attribute(set, "\"3.6E2\"", out, &err), LD_OK);
    CHECK_STR(out, "{\"duration\":360}");
    CHECK_INT(duration_attribute(set, "1", out, &err), LD_OK);
    CHECK_STR(out, "{\"duration\":1}");
    CHECK_INT(duration_attribute(set, "\"12.345678\"", out, &err), LD_OK);
    CHECK_STR(out, "{\"duration\":12.345678}");
    CHECK_INT(duration_attribute(set, "360.000001", out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower.attributes.duration: must be from 1 to 360");
    CHECK_INT(duration_attribute(set, "\"0.999999\"", out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower.attributes.duration: must be from 1 to 360");
    CHECK_INT(duration_attribute(set, "\"12.3456789\"", out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower.attributes.duration: has more than 6 decimal places");
    CHECK_INT(duration_attribute(set, "1e300", out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower.attributes.duration: is out of range");
    CHECK_INT(duration_attribute(set, "\"1e13\"", out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower.attributes.duration: is out of range");
    CHECK_INT(duration_attribute(set, "\"ten\"", out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "borrower.attributes.duration: must be a number");
    CHECK_INT(duration_attribute(set, "null", out, &err), LD_OK);
    CHECK_STR(out, "");
    free(set);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"json_text_after_the_value_is_refused_with_its_position",
         json_text_after_the_value_is_refused_with_its_position},
        {"json_file_and_stdin_are_read_strictly", json_file_and_stdin_are_read_strictly},
        {"json_repeated_keys_are_refused_naming_the_path_at_every_depth",
         json_repeated_keys_are_refused_naming_the_path_at_every_depth},
        {"json_escaped_nul_is_refused_naming_the_field",
         json_escaped_nul_is_refused_naming_the_field},
        {"json_malformed_utf8_is_refused_naming_the_field",
         json_malformed_utf8_is_refused_naming_the_field},
        {"json_control_characters_and_lax_syntax_are_refused",
         json_control_characters_and_lax_syntax_are_refused},
        {"policy_documents_are_read_strictly", policy_documents_are_read_strictly},
        {"decimals_are_exact_millionths_read_from_their_text",
         decimals_are_exact_millionths_read_from_their_text},
        {"attribute_ranges_hold_exactly_at_their_bounds",
         attribute_ranges_hold_exactly_at_their_bounds},
        {"csv_data_with_malformed_utf8_is_refused_by_line",
         csv_data_with_malformed_utf8_is_refused_by_line},
        {"text_fields_refuse_blanks_controls_and_line_breaks",
         text_fields_refuse_blanks_controls_and_line_breaks},
        {"borrower_with_a_blank_name_is_refused", borrower_with_a_blank_name_is_refused},
        {"full_names_and_reasons_must_not_be_blank", full_names_and_reasons_must_not_be_blank},
        {"import_line_with_two_records_is_refused_naming_the_line",
         import_line_with_two_records_is_refused_naming_the_line},
        {"text_escape_shows_controls_and_bad_bytes_and_bounds_the_copy",
         text_escape_shows_controls_and_bad_bytes_and_bounds_the_copy},
        {"failed_login_name_is_audited_escaped_and_bounded",
         failed_login_name_is_audited_escaped_and_bounded},
        {"audit_detail_strings_are_escaped_and_bounded",
         audit_detail_strings_are_escaped_and_bounded},
        {"created_files_are_private_whatever_the_umask",
         created_files_are_private_whatever_the_umask},
        {"workbook_text_stays_well_formed_utf8", workbook_text_stays_well_formed_utf8},
        {"private_file_narrows_refuses_links_and_makes_folders_0700",
         private_file_narrows_refuses_links_and_makes_folders_0700},
    };
    int failures = CHECK_RUN(argc, argv, cases);
    fx_temp_remove();
    return failures;
}
