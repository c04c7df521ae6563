/*
 * xlsx_read.h - a bounded, defensive reader of xlsx workbooks: what an
 * auditor's own zip and XML tools recover from the file, and the content hash
 * of each worksheet over it (docs/reports.md, "Sheet hashes").
 *
 * The canonical form of a worksheet is one line per cell that holds a value,
 * in the order the sheet's XML lists them:
 *
 *     REF \t TYPE \t VALUE \n
 *
 * REF is the cell's r attribute ("B7"); TYPE its t attribute as stored ("s",
 * "inlineStr", "str", "b", "e"), or "n" when it has none; VALUE the text of
 * its <v> element, or for "s" the shared string it points to, or for
 * "inlineStr" the text of its <is> element (the <t> texts of a string, rich
 * text runs joined, phonetic runs left out), XML character references
 * resolved, with \ tab and newline written \\ \t \n. The sheet hash is the
 * SHA-256 of these lines.
 *
 * The reader trusts nothing in the file: the archive is read through its
 * central directory with every offset and size checked against the file,
 * only stored and deflated members (zlib's inflate) without encryption, no
 * ZIP64, no duplicate names; members are looked up by name and never written
 * anywhere, and the paths the workbook's relationships name are accepted only
 * under xl/ without "..". A member may not inflate past its declared size,
 * nor the archive past XLSX_INFLATE_RATIO times its own size (a zip bomb is
 * refused, not unpacked); a worksheet streams through a window of a few MiB,
 * and the shared strings are held whole up to XLSX_SHARED_MAX bytes.
 * Anything else is LD_EVERIFY naming the member and what is wrong.
 */
#ifndef XLSX_READ_H
#define XLSX_READ_H

#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"

#define XLSX_INFLATE_RATIO 200u         /* total inflated bytes per byte of archive */
#define XLSX_MEMBERS_MAX   4096         /* members of the archive */
#define XLSX_SHARED_MAX    (256u << 20) /* the shared strings part, inflated */
#define XLSX_PART_MAX      (16u << 20)  /* workbook.xml and its relationships */
#define XLSX_SHEETS_MAX    256

/* Called for each cell with a value, in document order: the sheet's index
 * (in the workbook's order), the reference, the stored type and the value
 * with character references resolved (not escaped; not NUL-terminated). */
typedef void (*xlsx_cell_fn)(void *ctx, int sheet, const char *ref, const char *type,
                             const char *value, size_t value_len);

typedef struct xlsx_sheet_digest {
    char name[128];   /* as workbook.xml names it (longer names are refused) */
    char sha256[65];  /* lowercase hex of the canonical form */
    uint64_t cells;   /* lines hashed */
    int is_worksheet; /* 0: another kind of sheet (a chart sheet), not read */
} xlsx_sheet_digest;

/* Reads every sheet of the workbook in bytes: their names and hashes in
 * workbook order into sheets (at most XLSX_SHEETS_MAX; *count set), calling
 * cell (may be NULL) for each cell. */
ld_status xlsx_read_sheets(const unsigned char *bytes, size_t len, xlsx_cell_fn cell, void *ctx,
                           xlsx_sheet_digest *sheets, int *count, ld_error *err);

/* One member of the archive, inflated (at most max bytes), NUL-terminated.
 * LD_ENOTFOUND when there is no such member. Free with free(). */
ld_status xlsx_zip_member(const unsigned char *bytes, size_t len, const char *name, size_t max,
                          unsigned char **out, size_t *out_len, ld_error *err);

/* The members' names in central directory order (*names an array of count
 * strings; free each and the array). */
ld_status xlsx_zip_list(const unsigned char *bytes, size_t len, char ***names, size_t *count,
                        ld_error *err);

#endif
