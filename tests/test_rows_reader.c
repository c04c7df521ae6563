/*
 * test_rows_reader.c - the "rows" entry reader (ledger/rows_reader.h) reads
 * what the general JSON parser reads, and hands everything outside its subset
 * back to it: each string cell equals cJSON's string, each integer its
 * number, and entries it must not decide on answer LEDGER_ROWS_READ_OTHER.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "check.h"
#include "rows_reader.h"

static ledger_rows_read_result read_text(ledger_rows_reader *rd, const char *text)
{
    return ledger_rows_read(rd, text, strlen(text));
}

/* Every cell of every row equals what cJSON reads from the same bytes. */
static void check_against_cjson(const char *text)
{
    ledger_rows_reader rd = {0};
    CHECK_INT(read_text(&rd, text), LEDGER_ROWS_READ_ROWS);
    cJSON *doc = cJSON_Parse(text);
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(doc, "rows");
    CHECK_INT((long long)rd.rows_len, cJSON_GetArraySize(rows));
    for (size_t i = 0; i < rd.rows_len && i < (size_t)cJSON_GetArraySize(rows); i++) {
        const ledger_rows_row *row = &rd.rows[i];
        const cJSON *j = cJSON_GetArrayItem(rows, (int)i);
        const cJSON *name = cJSON_GetArrayItem(j, 0);
        CHECK_INT((long long)row->table.len, (long long)strlen(name->valuestring));
        CHECK(memcmp(ledger_rows_cell_text(&rd, &row->table), name->valuestring, row->table.len) ==
              0);
        CHECK_INT(row->k1, (long long)cJSON_GetArrayItem(j, 1)->valuedouble);
        CHECK_INT(row->k2, (long long)cJSON_GetArrayItem(j, 2)->valuedouble);
        for (int side = 0; side < 2; side++) {
            const cJSON *image = cJSON_GetArrayItem(j, 3 + side);
            int count = side ? row->after_count : row->before_count;
            size_t first = side ? row->after_first : row->before_first;
            if (cJSON_IsNull(image)) {
                CHECK_INT(count, -1);
                continue;
            }
            CHECK_INT(count, cJSON_GetArraySize(image));
            for (int k = 0; k < count && k < cJSON_GetArraySize(image); k++) {
                const ledger_rows_cell *c = &rd.cells[first + (size_t)k];
                const cJSON *v = cJSON_GetArrayItem(image, k);
                if (cJSON_IsString(v)) {
                    CHECK_INT(c->tag, 't');
                    CHECK_INT((long long)c->len, (long long)strlen(v->valuestring));
                    CHECK(c->len == strlen(v->valuestring) &&
                          memcmp(ledger_rows_cell_text(&rd, c), v->valuestring, c->len) == 0);
                } else if (cJSON_IsNull(v)) {
                    CHECK_INT(c->tag, 'n');
                } else {
                    CHECK_INT(c->tag, 'i');
                    CHECK_INT(c->value, (long long)v->valuedouble);
                }
            }
        }
    }
    cJSON_Delete(doc);
    ledger_rows_reader_release(&rd);
}

static void reads_rows_as_the_general_parser_does(void)
{
    check_against_cjson("{\"business_date\":\"2026-05-25\",\"rows\":[[\"loan\",1,0,null,[1,\"PCL\","
                        "-46000,0,null]],[\"audit_event\",7,0,[7,\"a\"],[7,\"b\"]]],\"time\":"
                        "1780000000,\"type\":\"rows\"}");
    /* Escapes: quotation marks and backslashes of a JSON detail, controls,
     * \u escapes of one, two, three and four UTF-8 bytes. */
    check_against_cjson("{\"rows\":[[\"audit_event\",1,0,null,[1,\"{\\\"k\\\":\\\"v\\\\w\\\"}\","
                        "\"tab\\there\\nnew\\u0001\",\"\\u00e9\\u4e2d\\ud83d\\ude00\\/\","
                        "\"中文 plain\"]]],\"time\":1,\"type\":\"rows\"}");
    /* The largest integers the log holds, either sign. */
    check_against_cjson("{\"rows\":[[\"loan\",9007199254740991,0,[-9007199254740991,0],null]],"
                        "\"type\":\"rows\"}");
    check_against_cjson("{\"rows\":[],\"type\":\"rows\"}");
    /* Whitespace is not canonical, yet read the same. */
    check_against_cjson(
        "{ \"rows\" : [ [ \"loan\" , 1 , 0 , null , [ 1 ] ] ] , \"type\" : \"rows\" }");
}

static void leaves_other_entries_to_the_general_parser(void)
{
    ledger_rows_reader rd = {0};
    static const char *const other[] = {
        "{\"rows\":[[\"loan\",1,0,null,[1.5]]],\"type\":\"rows\"}",
        "{\"rows\":[[\"loan\",1,0,null,[1e3]]],\"type\":\"rows\"}",
        "{\"rows\":[[\"loan\",1,0,null,[true]]],\"type\":\"rows\"}",
        "{\"rows\":[[\"loan\",1,0,null,[9007199254740992]]],\"type\":\"rows\"}",
        "{\"rows\":[[\"loan\",1,0,null,[\"a\\u0000b\"]]],\"type\":\"rows\"}",
        "{\"rows\":[[\"loan\",1,0,null,[\"\\ud83d\"]]],\"type\":\"rows\"}",
        "{\"rows\":[[\"loan\",1,0,null,[1],9]],\"type\":\"rows\"}",
        "{\"rows\":[[\"loan\",1,0,null]],\"type\":\"rows\"}",
        "{\"rows\":[[\"loan\",01,0,null,[1]]],\"type\":\"rows\"}",
        "{\"rows\":[],\"type\":\"rows\",\"type\":\"cob\"}",
        "{\"journal\":[],\"rows\":[],\"type\":\"rows\"}",
        "{\"rows\":[],\"type\":\"rows\"} trailing",
        "{\"rows\":[]}",
        "{\"rows\":[[\"loan\",1,0,null,[\"unterminated]]],\"type\":\"rows\"}",
        "[1,2]",
        "",
        /* A format this version does not know, or not an integer: the
         * general parser refuses it (rows_store.c). */
        "{\"format\":3,\"rows\":[],\"type\":\"rows\"}",
        "{\"format\":0,\"rows\":[],\"type\":\"rows\"}",
        "{\"format\":\"2\",\"rows\":[],\"type\":\"rows\"}",
        "{\"format\":2.0,\"rows\":[],\"type\":\"rows\"}",
        "{\"format\":2,\"format\":1,\"rows\":[],\"type\":\"rows\"}",
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        ledger_rows_read_result res = read_text(&rd, other[i]);
        if (res != LEDGER_ROWS_READ_OTHER)
            fprintf(stderr, "  read as its own: %s\n", other[i]);
        CHECK_INT(res, LEDGER_ROWS_READ_OTHER);
    }
    /* An entry of another type within the subset is named as such. */
    CHECK_INT(read_text(&rd, "{\"business_date\":\"2026-05-25\",\"time\":1,\"type\":\"login\"}"),
              LEDGER_ROWS_READ_NOT_ROWS);
    /* A cut-off entry is never read as a whole one. */
    const char *whole = "{\"rows\":[[\"loan\",1,0,null,[1,\"x\"]]],\"type\":\"rows\"}";
    for (size_t n = 0; n < strlen(whole); n++)
        CHECK(ledger_rows_read(&rd, whole, n) != LEDGER_ROWS_READ_ROWS);
    ledger_rows_reader_release(&rd);
}

/* The "format" member: absent, format 1; 1 or 2 as written. */
static void reads_the_format(void)
{
    ledger_rows_reader rd = {0};
    CHECK_INT(read_text(&rd, "{\"rows\":[],\"type\":\"rows\"}"), LEDGER_ROWS_READ_ROWS);
    CHECK_INT(rd.format, 1);
    CHECK_INT(read_text(&rd,
                        "{\"business_date\":\"2026-05-25\",\"format\":2,\"rows\":[[\"borrower\","
                        "1,0,[1,\"individual\"],[1,\"individual\",null,32000]]],\"time\":1,"
                        "\"type\":\"rows\"}"),
              LEDGER_ROWS_READ_ROWS);
    CHECK_INT(rd.format, 2);
    CHECK_INT(rd.rows[0].before_count, 2);
    CHECK_INT(rd.rows[0].after_count, 4);
    /* The next entry without it is format 1 again. */
    CHECK_INT(read_text(&rd, "{\"rows\":[],\"type\":\"rows\"}"), LEDGER_ROWS_READ_ROWS);
    CHECK_INT(rd.format, 1);
    CHECK_INT(read_text(&rd, "{\"format\":1,\"rows\":[],\"type\":\"rows\"}"),
              LEDGER_ROWS_READ_ROWS);
    CHECK_INT(rd.format, 1);
    check_against_cjson(
        "{\"format\":2,\"rows\":[[\"rating_override\",1,0,null,[1,1,\"BB\",\"r\",3,"
        "\"t\",42,\"approve\",100,12,80000,\"none\",0,\"{}\"]]],\"type\":\"rows\"}");
    ledger_rows_reader_release(&rd);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"reads_rows_as_the_general_parser_does", reads_rows_as_the_general_parser_does},
        {"leaves_other_entries_to_the_general_parser", leaves_other_entries_to_the_general_parser},
        {"reads_the_format", reads_the_format},
    };
    return CHECK_RUN(argc, argv, cases);
}
