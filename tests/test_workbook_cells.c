/*
 * test_workbook_cells.c - the cells a workbook's sheet hash is made of, as
 * the writer computes them and as an independent reader recovers them
 * (reports/xlsx_read.h, docs/reports.md "Sheet hashes"): numbers as
 * libxlsxwriter formats them ("%.16G"), for money in fen, rates in
 * millionths, ratios, dates and arbitrary values; and a workbook whose text
 * cells hold every ASCII control character, backslashes, tabs and newlines,
 * written and read back, has the hashes its signature sheet lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "book_int.h"
#include "check.h"
#include "xlsx_read.h"

static uint64_t rng = 88172645463325252u;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void same_as_printf(double v)
{
    char mine[REPORT_NUMBER_TEXT], theirs[64];
    report_number_text(v, mine);
    snprintf(theirs, sizeof theirs, "%.16G", v);
    if (strcmp(mine, theirs) != 0)
        fprintf(stderr, "  %a: %s, printf %s\n", v, mine, theirs);
    CHECK_STR(mine, theirs);
}

static void numbers_are_written_as_libxlsxwriter_writes_them(void)
{
    /* Money: fen over the whole range a ledger holds, both signs. */
    for (int i = 0; i < 300000; i++) {
        int64_t fen = (int64_t)(next() % 2000000000000000u) - 1000000000000000;
        if (i % 3 == 0)
            fen %= 100000000;
        same_as_printf((double)fen / 100.0);
    }
    /* Rates in millionths, ratios, and arbitrary bit patterns. */
    for (int i = 0; i < 100000; i++) {
        same_as_printf((double)(int64_t)(next() % 1000000) / 1e6);
        int64_t num = (int64_t)(next() % 100000000), den = (int64_t)(next() % 100000000) + 1;
        same_as_printf((double)num / (double)den);
        uint64_t bits = next();
        double v;
        memcpy(&v, &bits, sizeof v);
        if (v == v)
            same_as_printf(v);
    }
    const double edges[] = {
        0.0,  -0.0, 1e-5,  1e-4, 0.0001234, 9.87,  0.29, 1e15, 1e15 - 0.5, 9999999999999999.0,
        1e16, 1e17, -1e-4, 0.1,  0.01,      5e-324};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        same_as_printf(edges[i]);
}

static void text_cells_read_back_as_hashed(void)
{
    char dir[] = "/tmp/loandesk-cells-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/cells.xlsx", dir);
    for (int streaming = 0; streaming < 2; streaming++) {
        report_book_spec spec = {.path = path,
                                 .lang = REPORT_LANG_EN,
                                 .kind = "rating",
                                 .title_zh = "测试",
                                 .title_en = "Test",
                                 .as_of = 20000,
                                 .constant_memory = streaming == 1};
        report_book *b = NULL;
        ld_error err;
        CHECK_INT(report_book_open(&spec, &b, &err), LD_OK);
        report_sheet *s = report_book_sheet(b, "表", "Cells");
        int row = 0;
        char text[8];
        for (int c = 1; c < 128; c++) {
            snprintf(text, sizeof text, "a%cb", c);
            report_cell_text(s, row, c % 4, text);
            if (c % 4 == 3)
                row++;
        }
        report_cell_text(s, row, 0, "back\\slash\ttab\nline _x0041_ &<>\"' 中文");
        report_cell_money(s, row, 1, 987);
        report_cell_ratio(s, row, 2, 1, 3);
        report_cell_date(s, row, 3, 20000);
        report_cell_rate(s, ++row, 0, 43500);
        report_cell_int(s, row, 1, -42);
        char sheets[1024];
        report_book_seal seal = {
            .anchor_root = "", .sheets_out = sheets, .sheets_out_size = sizeof sheets};
        int64_t rows = 0;
        CHECK_INT(report_book_close(b, &seal, &rows, &err), LD_OK);
        char part[160];
        report_part_path(path, part, sizeof part);
        unsigned char *bytes = NULL;
        size_t len = 0;
        CHECK_INT(report_read_file(part, &bytes, &len, &err), LD_OK);
        report_sheet_claims claims;
        CHECK_INT(report_sheets_read(part, bytes, len, &claims, &err), LD_OK);
        CHECK(claims.form);
        CHECK_INT(report_sheets_check_own(part, &claims, &err), LD_OK);
        CHECK_INT(report_sheets_check_ledger(part, &claims, sheets, 1, &err), LD_OK);
        report_sheets_free(&claims);
        free(bytes);
        unlink(part);
    }
    rmdir(dir);
}

int main(int argc, char **argv)
{
    static const check_case tests[] = {
        {"numbers_are_written_as_libxlsxwriter_writes_them",
         numbers_are_written_as_libxlsxwriter_writes_them},
        {"text_cells_read_back_as_hashed", text_cells_read_back_as_hashed},
    };
    return CHECK_RUN(argc, argv, tests);
}
