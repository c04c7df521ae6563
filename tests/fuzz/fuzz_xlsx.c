/*
 * fuzz_xlsx.c - the bounded xlsx reader behind `verify` (reports/xlsx_read.c).
 * The first byte picks the mode: even, the rest is the archive itself; odd,
 * the rest is four XML parts separated by NUL bytes (workbook.xml, its
 * relationships, the shared strings, one worksheet), packed here into a
 * stored zip with correct CRCs so that the XML scanner, not the CRC check,
 * meets the mutations. The reader must never crash, must refuse only with
 * LD_EVERIFY, and when it accepts, must give the same hashes on a second read
 * and lowercase hex for every worksheet.
 */
#include "fuzz.h"

#include <zlib.h>

#include "xlsx_read.h"

static void put16(unsigned char **p, unsigned v)
{
    (*p)[0] = (unsigned char)v;
    (*p)[1] = (unsigned char)(v >> 8);
    *p += 2;
}

static void put32(unsigned char **p, uint32_t v)
{
    put16(p, v & 0xFFFFu);
    put16(p, v >> 16);
}

/* A stored zip of the parts, in the layout every zip tool reads. */
static unsigned char *pack(const char *const names[4], const uint8_t *parts[4],
                           const size_t lens[4], size_t *out_len)
{
    size_t cap = 22;
    for (int i = 0; i < 4; i++)
        cap += 30 + 46 + 2 * strlen(names[i]) + lens[i];
    unsigned char *z = malloc(cap), *p = z;
    FUZZ_CHECK(z != NULL);
    uint32_t off[4], crc[4];
    for (int i = 0; i < 4; i++) {
        size_t nl = strlen(names[i]);
        off[i] = (uint32_t)(p - z);
        crc[i] = (uint32_t)crc32(crc32(0L, Z_NULL, 0), parts[i], (uInt)lens[i]);
        put32(&p, 0x04034b50u);
        put16(&p, 20);
        put16(&p, 0);
        put16(&p, 0);
        put32(&p, 0);
        put32(&p, crc[i]);
        put32(&p, (uint32_t)lens[i]);
        put32(&p, (uint32_t)lens[i]);
        put16(&p, (unsigned)nl);
        put16(&p, 0);
        memcpy(p, names[i], nl);
        p += nl;
        if (lens[i] > 0)
            memcpy(p, parts[i], lens[i]);
        p += lens[i];
    }
    uint32_t cd = (uint32_t)(p - z);
    for (int i = 0; i < 4; i++) {
        size_t nl = strlen(names[i]);
        put32(&p, 0x02014b50u);
        put16(&p, 20);
        put16(&p, 20);
        put16(&p, 0);
        put16(&p, 0);
        put32(&p, 0);
        put32(&p, crc[i]);
        put32(&p, (uint32_t)lens[i]);
        put32(&p, (uint32_t)lens[i]);
        put16(&p, (unsigned)nl);
        put32(&p, 0);
        put16(&p, 0);
        put32(&p, 0);
        put32(&p, off[i]);
        memcpy(p, names[i], nl);
        p += nl;
    }
    uint32_t cd_size = (uint32_t)(p - z) - cd;
    put32(&p, 0x06054b50u);
    put32(&p, 0);
    put16(&p, 4);
    put16(&p, 4);
    put32(&p, cd_size);
    put32(&p, cd);
    put16(&p, 0);
    *out_len = (size_t)(p - z);
    return z;
}

static uint64_t cells_seen;

static void on_cell(void *ctx, int sheet, const char *ref, const char *type, const char *value,
                    size_t len)
{
    (void)ctx;
    (void)value;
    FUZZ_CHECK(sheet >= 0 && sheet < XLSX_SHEETS_MAX);
    FUZZ_CHECK(strlen(ref) > 0 && strlen(ref) <= 16 && strlen(type) > 0);
    FUZZ_CHECK(len < (64u << 20));
    cells_seen++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned char *archive = NULL;
    const unsigned char *bytes = data + 1;
    size_t len = size - 1;
    if (data[0] & 1) {
        static const char *const names[4] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                             "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"};
        const uint8_t *parts[4] = {0};
        size_t lens[4] = {0};
        const uint8_t *p = data + 1, *end = data + size;
        for (int i = 0; i < 4; i++) {
            const uint8_t *nul = i < 3 ? memchr(p, 0, (size_t)(end - p)) : NULL;
            parts[i] = p;
            lens[i] = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);
            p = nul != NULL ? nul + 1 : end;
        }
        archive = pack(names, parts, lens, &len);
        bytes = archive;
    }
    xlsx_sheet_digest *a = calloc(XLSX_SHEETS_MAX, sizeof *a);
    xlsx_sheet_digest *b = calloc(XLSX_SHEETS_MAX, sizeof *b);
    FUZZ_CHECK(a != NULL && b != NULL);
    ld_error err;
    int na = 0, nb = 0;
    cells_seen = 0;
    ld_status st = xlsx_read_sheets(bytes, len, on_cell, NULL, a, &na, &err);
    if (st != LD_OK) {
        FUZZ_CHECK(st == LD_EVERIFY && strncmp(err.message, "workbook: ", 10) == 0);
    } else {
        uint64_t cells = 0;
        FUZZ_CHECK(na > 0 && na <= XLSX_SHEETS_MAX);
        for (int i = 0; i < na; i++) {
            if (a[i].is_worksheet)
                FUZZ_CHECK(strlen(a[i].sha256) == 64 &&
                           strspn(a[i].sha256, "0123456789abcdef") == 64);
            cells += a[i].cells;
        }
        FUZZ_CHECK(cells == cells_seen);
        FUZZ_CHECK(xlsx_read_sheets(bytes, len, NULL, NULL, b, &nb, &err) == LD_OK && nb == na);
        for (int i = 0; i < na; i++)
            FUZZ_CHECK(strcmp(a[i].sha256, b[i].sha256) == 0 && a[i].cells == b[i].cells);
    }
    free(a);
    free(b);
    free(archive);
    return 0;
}
