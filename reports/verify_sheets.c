/*
 * verify_sheets.c - recomputing a workbook's sheet hashes from the file
 * (book_int.h, report_sheets_read and report_sheets_compare).
 *
 * The hashes are recomputed with the bounded reader (xlsx_read.h) from what
 * any zip and XML tool recovers, and compared twice: with the list on the
 * workbook's own signature sheet, and with the list the ledger recorded when
 * the workbook was signed. The first catches a sheet changed after the
 * workbook was written; the second ties the content to the ledger, so a
 * workbook changed and re-signed with a stolen signing key is refused naming
 * the sheet, whatever its signature sheet claims.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_int.h"
#include "xlsx_read.h"

typedef struct sig_reader {
    const xlsx_sheet_digest *digests;
    report_sheet_claims *claims;
    int row;     /* the row whose column A was seen last */
    char a[128]; /* its value */
} sig_reader;

static bool is_signature_name(const char *name)
{
    return strcmp(name, "签名") == 0 || strcmp(name, "Signature") == 0;
}

static bool is_hex64(const char *v, size_t n)
{
    if (n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
            return false;
    return true;
}

static int ref_row(const char *digits)
{
    int row = 0;
    for (int i = 0; digits[i] >= '0' && digits[i] <= '9' && i < 9; i++)
        row = row * 10 + (digits[i] - '0');
    return row;
}

static void on_cell(void *ctx, int sheet, const char *ref, const char *type, const char *value,
                    size_t len)
{
    sig_reader *r = ctx;
    if (!is_signature_name(r->digests[sheet].name))
        return;
    report_sheet_claims *c = r->claims;
    c->signature_sheet = sheet;
    size_t letters = strspn(ref, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    int row = ref_row(ref + letters);
    if (letters == 1 && ref[0] == 'A') {
        r->row = row;
        snprintf(r->a, sizeof r->a, "%.*s", (int)(len < sizeof r->a ? len : sizeof r->a - 1),
                 value);
        return;
    }
    if (letters != 1 || ref[0] != 'B' || row != r->row)
        return;
    if (len == strlen(REPORT_SHEET_HASH_FORM) && memcmp(value, REPORT_SHEET_HASH_FORM, len) == 0)
        c->form = true;
    if (strcmp(type, "n") == 0 &&
        (strcmp(r->a, "锚定账本条目数") == 0 || strcmp(r->a, "Anchored ledger size") == 0)) {
        uint64_t n = 0;
        size_t i = 0;
        for (; i < len && i < 19 && value[i] >= '0' && value[i] <= '9'; i++)
            n = n * 10 + (uint64_t)(value[i] - '0');
        if (i == len && len > 0) {
            c->anchor_size = n;
            c->have_anchor = true;
        }
    }
    if (is_hex64(value, len) && c->listed < REPORT_CLAIMS_MAX) {
        snprintf(c->name[c->listed], sizeof c->name[0], "%s", r->a);
        memcpy(c->sha256[c->listed], value, 64);
        c->sha256[c->listed][64] = '\0';
        c->listed++;
    }
}

ld_status report_sheets_read(const char *path, const unsigned char *bytes, size_t len,
                             report_sheet_claims *claims, ld_error *err)
{
    memset(claims, 0, sizeof *claims);
    claims->signature_sheet = -1;
    claims->digests = calloc(XLSX_SHEETS_MAX, sizeof *claims->digests);
    if (claims->digests == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    sig_reader r = {.digests = claims->digests, .claims = claims, .row = -1};
    ld_status st = xlsx_read_sheets(bytes, len, on_cell, &r, claims->digests, &claims->count, err);
    if (st == LD_OK || st == LD_EINTERNAL)
        return st;
    /* Whatever else the reader refused, the file is not the workbook signed. */
    return ld_error_recode(err, LD_EVERIFY, "%s", path);
}

void report_sheets_free(report_sheet_claims *claims)
{
    free(claims->digests);
    claims->digests = NULL;
}

/* The data sheets: worksheets with cells, the signature sheet aside. */
static bool data_sheet(const report_sheet_claims *c, int i)
{
    return c->digests[i].is_worksheet && i != c->signature_sheet && c->digests[i].cells > 0;
}

static const xlsx_sheet_digest *digest_named(const report_sheet_claims *c, const char *name)
{
    for (int i = 0; i < c->count; i++)
        if (c->digests[i].is_worksheet && i != c->signature_sheet &&
            strcmp(c->digests[i].name, name) == 0)
            return &c->digests[i];
    return NULL;
}

ld_status report_sheets_check_own(const char *path, const report_sheet_claims *c, ld_error *err)
{
    for (int i = 0; i < c->count; i++) {
        if (!data_sheet(c, i))
            continue;
        int k = 0;
        while (k < c->listed && strcmp(c->name[k], c->digests[i].name) != 0)
            k++;
        if (k == c->listed)
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: sheet %s is not listed on the signature sheet (added after "
                           "the workbook was written)",
                           path, c->digests[i].name);
    }
    for (int k = 0; k < c->listed; k++) {
        const xlsx_sheet_digest *d = digest_named(c, c->name[k]);
        if (d == NULL)
            continue; /* the fingerprint and root rows, not sheets */
        if (strcmp(d->sha256, c->sha256[k]) != 0)
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: sheet %s: its cells hash to %.16s… but the signature sheet "
                           "records %.16s…: the sheet was changed after the workbook was written",
                           path, d->name, d->sha256, c->sha256[k]);
    }
    return LD_OK;
}

ld_status report_sheets_check_ledger(const char *path, const report_sheet_claims *c,
                                     const char *recorded, uint64_t seq, ld_error *err)
{
    /* "NAME:SHA256" joined by "/"; neither character can be in a name. */
    int matched = 0;
    for (const char *p = recorded; *p != '\0';) {
        size_t n = strcspn(p, "/");
        const char *colon = memchr(p, ':', n);
        if (colon == NULL || (size_t)(p + n - colon - 1) != 64)
            return LD_FAIL(err, LD_EVERIFY, "%s: ledger entry %llu: malformed sheet hashes", path,
                           (unsigned long long)seq);
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(colon - p), p);
        const xlsx_sheet_digest *d = digest_named(c, name);
        if (d == NULL)
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: sheet %s, which ledger entry %llu records, is missing", path, name,
                           (unsigned long long)seq);
        if (memcmp(d->sha256, colon + 1, 64) != 0)
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: sheet %s: its cells hash to %.16s… but ledger entry %llu recorded "
                           "%.16s… when it was signed: the sheet was changed",
                           path, name, d->sha256, (unsigned long long)seq, colon + 1);
        matched++;
        p += n;
        if (*p == '/')
            p++;
    }
    for (int i = 0; i < c->count; i++) {
        if (!data_sheet(c, i))
            continue;
        bool found = false;
        for (const char *p = recorded; *p != '\0' && !found;) {
            size_t n = strcspn(p, ":");
            found = n == strlen(c->digests[i].name) && memcmp(p, c->digests[i].name, n) == 0;
            p += strcspn(p, "/");
            if (*p == '/')
                p++;
        }
        if (!found)
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: sheet %s is not among the sheets ledger entry %llu recorded", path,
                           c->digests[i].name, (unsigned long long)seq);
    }
    (void)matched;
    return LD_OK;
}
