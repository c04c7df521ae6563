/*
 * xlsx_read.c - the bounded xlsx reader and sheet hashes (xlsx_read.h).
 *
 * zlib's inflate (already linked by libxlsxwriter) unpacks members; nothing
 * else of the archive is trusted. The XML is not parsed in general: a
 * worksheet is scanned for its <c> elements, workbook.xml for <sheet>, its
 * relationships for <Relationship>, the shared strings for <si>; comments,
 * processing instructions and CDATA outside cells are skipped, CDATA inside a
 * cell is refused (the canonical form would be ambiguous).
 */
#include "xlsx_read.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define WINDOW   (4u << 20) /* a worksheet's scan window; one cell must fit */
#define HASH_BUF 65536

/* ---- The archive ---------------------------------------------------------------- */

typedef struct zip_entry {
    const unsigned char *name;
    size_t name_len;
    unsigned method;
    uint32_t crc, csize, usize;
    const unsigned char *data;
} zip_entry;

typedef struct zip_archive {
    const unsigned char *bytes;
    size_t len;
    zip_entry *e;
    size_t n;
    uint64_t budget; /* inflated bytes still allowed */
} zip_archive;

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static ld_status zip_open(const unsigned char *b, size_t len, zip_archive *z, ld_error *err)
{
    memset(z, 0, sizeof *z);
    z->bytes = b;
    z->len = len;
    if (len < 22)
        return LD_FAIL(err, LD_EVERIFY, "workbook: not a zip archive (too short)");
    /* The end record is the last 22 bytes but for a comment of up to 64 KiB,
     * whose length it states. */
    size_t eocd = 0;
    bool found = false;
    size_t lowest = len - 22 > 65535 ? len - 22 - 65535 : 0;
    for (size_t i = len - 22 + 1; i-- > lowest;) {
        if (rd32(b + i) == 0x06054b50u && i + 22 + rd16(b + i + 20) == len) {
            eocd = i;
            found = true;
            break;
        }
    }
    if (!found)
        return LD_FAIL(err, LD_EVERIFY, "workbook: not a zip archive (no end record)");
    const unsigned char *p = b + eocd;
    unsigned disk = rd16(p + 4), cd_disk = rd16(p + 6), on_disk = rd16(p + 8), total = rd16(p + 10);
    uint32_t cd_size = rd32(p + 12), cd_off = rd32(p + 16);
    if (total == 0xFFFFu || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu)
        return LD_FAIL(err, LD_EVERIFY, "workbook: ZIP64 archives are not read");
    if (disk != 0 || cd_disk != 0 || on_disk != total)
        return LD_FAIL(err, LD_EVERIFY, "workbook: multi-part archives are not read");
    if (total > XLSX_MEMBERS_MAX)
        return LD_FAIL(err, LD_EVERIFY, "workbook: %u members, more than %u", total,
                       XLSX_MEMBERS_MAX);
    if ((uint64_t)cd_off + cd_size > eocd)
        return LD_FAIL(err, LD_EVERIFY, "workbook: the central directory lies outside the file");
    z->budget = (uint64_t)len * XLSX_INFLATE_RATIO;
    z->e = calloc(total > 0 ? total : 1, sizeof *z->e);
    if (z->e == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    const unsigned char *c = b + cd_off, *cd_end = b + cd_off + cd_size;
    for (unsigned i = 0; i < total; i++) {
        if (cd_end - c < 46 || rd32(c) != 0x02014b50u)
            return LD_FAIL(err, LD_EVERIFY, "workbook: central directory entry %u is malformed", i);
        zip_entry *e = &z->e[z->n];
        unsigned flags = rd16(c + 8), nlen = rd16(c + 28), xlen = rd16(c + 30), clen = rd16(c + 32);
        e->method = rd16(c + 10);
        e->crc = rd32(c + 16);
        e->csize = rd32(c + 20);
        e->usize = rd32(c + 24);
        uint32_t lho = rd32(c + 42);
        if ((size_t)(cd_end - c) < 46u + nlen + xlen + clen || nlen == 0)
            return LD_FAIL(err, LD_EVERIFY, "workbook: central directory entry %u is malformed", i);
        e->name = c + 46;
        e->name_len = nlen;
        if (memchr(e->name, '\0', nlen) != NULL)
            return LD_FAIL(err, LD_EVERIFY, "workbook: member %u has a NUL in its name", i);
        if (flags & 1u)
            return LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s is encrypted", (int)nlen,
                           (const char *)e->name);
        if (e->method != 0 && e->method != 8)
            return LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s: compression method %u",
                           (int)nlen, (const char *)e->name, e->method);
        if (e->csize == 0xFFFFFFFFu || e->usize == 0xFFFFFFFFu || lho == 0xFFFFFFFFu)
            return LD_FAIL(err, LD_EVERIFY, "workbook: ZIP64 archives are not read");
        if (e->method == 0 && e->csize != e->usize)
            return LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s: stored sizes differ", (int)nlen,
                           (const char *)e->name);
        /* The local header must name the same member, and its data lie
         * before the central directory. */
        if ((uint64_t)lho + 30 > cd_off || rd32(b + lho) != 0x04034b50u)
            return LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s: no local header", (int)nlen,
                           (const char *)e->name);
        uint64_t data = (uint64_t)lho + 30 + rd16(b + lho + 26) + rd16(b + lho + 28);
        if (rd16(b + lho + 26) != nlen || data > cd_off ||
            memcmp(b + lho + 30, e->name, nlen) != 0 || data + e->csize > cd_off)
            return LD_FAIL(err, LD_EVERIFY,
                           "workbook: member %.*s: the local header does not match the directory",
                           (int)nlen, (const char *)e->name);
        e->data = b + data;
        for (size_t j = 0; j < z->n; j++)
            if (z->e[j].name_len == nlen && memcmp(z->e[j].name, e->name, nlen) == 0)
                return LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s appears twice", (int)nlen,
                               (const char *)e->name);
        z->n++;
        c += 46u + nlen + xlen + clen;
    }
    return LD_OK;
}

static const zip_entry *zip_find(const zip_archive *z, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < z->n; i++)
        if (z->e[i].name_len == n && memcmp(z->e[i].name, name, n) == 0)
            return &z->e[i];
    return NULL;
}

/* A member read in pieces. */
typedef struct member_reader {
    zip_archive *z;
    const zip_entry *e;
    z_stream zs;
    bool zinit, done;
    size_t stored_off;
    uint64_t total;
    uLong crc;
} member_reader;

static ld_status reader_open(member_reader *r, zip_archive *z, const zip_entry *e, ld_error *err)
{
    memset(r, 0, sizeof *r);
    r->z = z;
    r->e = e;
    r->crc = crc32(0L, Z_NULL, 0);
    if (e->usize > z->budget)
        return LD_FAIL(err, LD_EVERIFY,
                       "workbook: member %.*s would inflate to %lu bytes, past %u times the "
                       "archive's size (refused as a zip bomb)",
                       (int)e->name_len, (const char *)e->name, (unsigned long)e->usize,
                       XLSX_INFLATE_RATIO);
    if (e->method == 8) {
        if (inflateInit2(&r->zs, -15) != Z_OK)
            return LD_FAIL(err, LD_EINTERNAL, "zlib: cannot start inflating");
        r->zinit = true;
        r->zs.next_in = (Bytef *)e->data;
        r->zs.avail_in = e->csize;
    }
    return LD_OK;
}

static void reader_close(member_reader *r)
{
    if (r->zinit)
        inflateEnd(&r->zs);
    r->zinit = false;
}

/* Fills up to cap bytes; *got 0 only at the end. Checks size, budget and
 * CRC as it goes. */
static ld_status reader_read(member_reader *r, unsigned char *dst, size_t cap, size_t *got,
                             ld_error *err)
{
    *got = 0;
    if (r->done || cap == 0)
        return LD_OK;
    const zip_entry *e = r->e;
    size_t n = 0;
    if (e->method == 0) {
        n = e->csize - r->stored_off < cap ? e->csize - r->stored_off : cap;
        memcpy(dst, e->data + r->stored_off, n);
        r->stored_off += n;
    } else {
        if (cap > 0x40000000u)
            cap = 0x40000000u;
        r->zs.next_out = dst;
        r->zs.avail_out = (uInt)cap;
        int rc = inflate(&r->zs, Z_NO_FLUSH);
        n = cap - r->zs.avail_out;
        if (rc == Z_STREAM_END)
            r->done = true;
        else if (rc != Z_OK && !(rc == Z_BUF_ERROR && n > 0))
            return LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s: the deflate stream is %s",
                           (int)e->name_len, (const char *)e->name,
                           rc == Z_BUF_ERROR ? "truncated" : "corrupt");
        if (!r->done && n == 0 && r->zs.avail_in == 0)
            return LD_FAIL(err, LD_EVERIFY,
                           "workbook: member %.*s: the deflate stream is truncated",
                           (int)e->name_len, (const char *)e->name);
    }
    r->total += n;
    if (r->total > e->usize)
        return LD_FAIL(err, LD_EVERIFY,
                       "workbook: member %.*s inflates past its declared %lu bytes (refused)",
                       (int)e->name_len, (const char *)e->name, (unsigned long)e->usize);
    if (n > r->z->budget)
        return LD_FAIL(err, LD_EVERIFY, "workbook: inflates past %u times its size (refused)",
                       XLSX_INFLATE_RATIO);
    r->z->budget -= n;
    r->crc = crc32(r->crc, dst, (uInt)n);
    if (e->method == 0 && r->stored_off == e->csize)
        r->done = true;
    if (r->done) {
        if (r->total != e->usize || r->crc != e->crc)
            return LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s: %s does not match",
                           (int)e->name_len, (const char *)e->name,
                           r->total != e->usize ? "its size" : "its CRC-32");
    }
    *got = n;
    return LD_OK;
}

static ld_status member_whole(zip_archive *z, const zip_entry *e, size_t max, unsigned char **out,
                              size_t *out_len, ld_error *err)
{
    if (e->usize > max)
        return LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s is %lu bytes, more than %zu",
                       (int)e->name_len, (const char *)e->name, (unsigned long)e->usize, max);
    member_reader r;
    ld_status st = reader_open(&r, z, e, err);
    unsigned char *buf = st == LD_OK ? malloc((size_t)e->usize + 1) : NULL;
    if (st == LD_OK && buf == NULL)
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
    size_t used = 0;
    while (st == LD_OK && !r.done) {
        size_t got = 0;
        /* One byte of room past the declared size catches a member that
         * inflates further. */
        st = reader_read(&r, buf + used, (size_t)e->usize + 1 - used, &got, err);
        used += got;
        if (st == LD_OK && got == 0 && !r.done)
            st = LD_FAIL(err, LD_EVERIFY, "workbook: member %.*s ends early", (int)e->name_len,
                         (const char *)e->name);
    }
    reader_close(&r);
    if (st != LD_OK) {
        free(buf);
        return st;
    }
    buf[used] = '\0';
    *out = buf;
    *out_len = used;
    return LD_OK;
}

ld_status xlsx_zip_member(const unsigned char *bytes, size_t len, const char *name, size_t max,
                          unsigned char **out, size_t *out_len, ld_error *err)
{
    zip_archive z;
    ld_status st = zip_open(bytes, len, &z, err);
    if (st == LD_OK) {
        const zip_entry *e = zip_find(&z, name);
        st = e == NULL ? LD_FAIL(err, LD_ENOTFOUND, "workbook: no member %s", name)
                       : member_whole(&z, e, max, out, out_len, err);
    }
    free(z.e);
    return st;
}

ld_status xlsx_zip_list(const unsigned char *bytes, size_t len, char ***names, size_t *count,
                        ld_error *err)
{
    zip_archive z;
    ld_status st = zip_open(bytes, len, &z, err);
    char **list = st == LD_OK ? calloc(z.n + 1, sizeof *list) : NULL;
    if (st == LD_OK && list == NULL)
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
    for (size_t i = 0; st == LD_OK && i < z.n; i++) {
        list[i] = malloc(z.e[i].name_len + 1);
        if (list[i] == NULL) {
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
            break;
        }
        memcpy(list[i], z.e[i].name, z.e[i].name_len);
        list[i][z.e[i].name_len] = '\0';
    }
    if (st != LD_OK && list != NULL) {
        for (size_t i = 0; i < z.n; i++)
            free(list[i]);
        free(list);
    }
    if (st == LD_OK) {
        *names = list;
        *count = z.n;
    }
    free(z.e);
    return st;
}

/* ---- XML pieces ------------------------------------------------------------------ */

typedef struct text_buf {
    char *p;
    size_t used, cap;
} text_buf;

static bool tb_put(text_buf *t, const char *s, size_t n)
{
    if (t->used + n + 1 > t->cap) {
        size_t cap = t->cap > 0 ? t->cap : 256;
        while (t->used + n + 1 > cap)
            cap *= 2;
        char *q = realloc(t->p, cap);
        if (q == NULL)
            return false;
        t->p = q;
        t->cap = cap;
    }
    memcpy(t->p + t->used, s, n);
    t->used += n;
    t->p[t->used] = '\0';
    return true;
}

static size_t utf8_put(unsigned long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Appends XML character data with references resolved and line ends
 * normalised as an XML parser does (CR LF and a lone CR become LF). False for
 * a malformed reference or no memory. */
static bool xml_text(text_buf *t, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c != '&' && c != '\r')
            continue;
        if (!tb_put(t, s + run, i - run))
            return false;
        if (c == '\r') {
            if (!tb_put(t, "\n", 1))
                return false;
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
            run = i + 1;
            continue;
        }
        const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
        if (semi == NULL)
            return false;
        size_t len = (size_t)(semi - (s + i)) + 1;
        static const struct {
            const char *ref, *ch;
        } named[] = {
            {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}, {"&apos;", "'"}};
        bool done = false;
        for (size_t k = 0; k < 5 && !done; k++)
            if (strlen(named[k].ref) == len && memcmp(s + i, named[k].ref, len) == 0) {
                if (!tb_put(t, named[k].ch, 1))
                    return false;
                done = true;
            }
        if (!done) {
            if (len < 4 || s[i + 1] != '#')
                return false;
            bool hex = s[i + 2] == 'x';
            unsigned long cp = 0;
            size_t k = hex ? 3 : 2;
            if (k >= len - 1)
                return false;
            for (; k < len - 1; k++) {
                char d = s[i + k];
                int v = d >= '0' && d <= '9'          ? d - '0'
                        : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
                        : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10
                                                      : -1;
                if (v < 0 || cp > 0x10FFFF)
                    return false;
                cp = cp * (hex ? 16 : 10) + (unsigned long)v;
            }
            if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return false;
            char u[4];
            if (!tb_put(t, u, utf8_put(cp, u)))
                return false;
        }
        i += len - 1;
        run = i + 1;
    }
    return tb_put(t, s + run, n - run);
}

static bool name_char(char c)
{
    return c != '\0' && strchr(" \t\r\n/>=", c) == NULL;
}

/* The end of a start tag beginning at s[0] == '<' (quote aware): the index of
 * its '>' or SIZE_MAX when not in [s, s+n). */
static size_t tag_end(const char *s, size_t n)
{
    char q = 0;
    for (size_t i = 1; i < n; i++) {
        if (q != 0) {
            if (s[i] == q)
                q = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            q = s[i];
        } else if (s[i] == '>') {
            return i;
        } else if (s[i] == '<') {
            return SIZE_MAX - 1; /* malformed */
        }
    }
    return SIZE_MAX;
}

/* Is s (n bytes) at an element named name ("<name" then a space, '>' or '/')? */
static bool at_element(const char *s, size_t n, const char *name)
{
    size_t k = strlen(name);
    return n > k + 1 && s[0] == '<' && memcmp(s + 1, name, k) == 0 && !name_char(s[k + 1]);
}

/* Finds attribute name (exact, or with suffix match when name starts with
 * ':') in the tag [s, s+n); the value into out, references resolved. 0: not
 * there, 1: found, -1: malformed. */
static int tag_attr(const char *s, size_t n, const char *name, text_buf *out)
{
    size_t i = 1;
    while (i < n && name_char(s[i]))
        i++;
    size_t want = strlen(name);
    bool suffix = name[0] == ':';
    while (i < n) {
        while (i < n && strchr(" \t\r\n", s[i]) != NULL)
            i++;
        if (i >= n || s[i] == '>' || s[i] == '/')
            return 0;
        size_t a = i;
        while (i < n && name_char(s[i]))
            i++;
        size_t alen = i - a;
        while (i < n && strchr(" \t\r\n", s[i]) != NULL)
            i++;
        if (i >= n || s[i] != '=')
            return -1;
        i++;
        while (i < n && strchr(" \t\r\n", s[i]) != NULL)
            i++;
        if (i >= n || (s[i] != '"' && s[i] != '\''))
            return -1;
        char q = s[i++];
        size_t v = i;
        while (i < n && s[i] != q)
            i++;
        if (i >= n)
            return -1;
        bool match = suffix ? alen >= want && memcmp(s + a + alen - want, name, want) == 0
                            : alen == want && memcmp(s + a, name, want) == 0;
        i++;
        if (match) {
            out->used = 0;
            if (!tb_put(out, "", 0) || !xml_text(out, s + v, i - 1 - v))
                return -1;
            return 1;
        }
    }
    return 0;
}

static const char *find_bytes(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (const char *p = s; n >= k && (p = memchr(p, needle[0], n - (size_t)(p - s) - k + 1)); p++)
        if (memcmp(p, needle, k) == 0)
            return p;
    return NULL;
}

/* The <t> texts of a string item [s, s+n) (an <si> or <is> body), phonetic
 * runs (<rPh>) left out, joined into out. False when malformed. */
static bool string_item(const char *s, size_t n, text_buf *out)
{
    out->used = 0;
    if (!tb_put(out, "", 0))
        return false;
    size_t i = 0;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - s);
        if (at_element(s + i, n - i, "rPh")) {
            const char *end = find_bytes(s + i, n - i, "</rPh>");
            if (end == NULL)
                return false;
            i = (size_t)(end - s) + 6;
            continue;
        }
        if (at_element(s + i, n - i, "t")) {
            size_t e = tag_end(s + i, n - i);
            if (e >= SIZE_MAX - 1)
                return false;
            if (s[i + e - 1] == '/') {
                i += e + 1;
                continue;
            }
            size_t body = i + e + 1;
            const char *close = find_bytes(s + body, n - body, "</t>");
            if (close == NULL || memchr(s + body, '<', (size_t)(close - (s + body))) != NULL)
                return false; /* CDATA or markup inside a text */
            if (!xml_text(out, s + body, (size_t)(close - (s + body))))
                return false;
            i = (size_t)(close - s) + 4;
            continue;
        }
        i++;
    }
    return true;
}

/* ---- Shared strings -------------------------------------------------------------- */

typedef struct shared_strings {
    char *arena;
    size_t *off, *len;
    size_t n;
} shared_strings;

static void shared_free(shared_strings *ss)
{
    free(ss->arena);
    free(ss->off);
    free(ss->len);
    memset(ss, 0, sizeof *ss);
}

static ld_status shared_load(zip_archive *z, const char *path, shared_strings *ss, ld_error *err)
{
    memset(ss, 0, sizeof *ss);
    const zip_entry *e = zip_find(z, path);
    if (e == NULL)
        return LD_OK;
    unsigned char *xml = NULL;
    size_t len = 0;
    ld_status st = member_whole(z, e, XLSX_SHARED_MAX, &xml, &len, err);
    if (st != LD_OK)
        return st;
    const char *s = (const char *)xml;
    text_buf arena = {0}, item = {0};
    size_t cap = 0;
    size_t i = 0;
    while (st == LD_OK && i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - s);
        if (!at_element(s + i, len - i, "si")) {
            i++;
            continue;
        }
        size_t te = tag_end(s + i, len - i);
        if (te >= SIZE_MAX - 1) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: %s: a string item is malformed", path);
            break;
        }
        bool empty = s[i + te - 1] == '/';
        size_t body = i + te + 1, body_len = 0, next = body;
        if (!empty) {
            const char *close = find_bytes(s + body, len - body, "</si>");
            if (close == NULL) {
                st = LD_FAIL(err, LD_EVERIFY, "workbook: %s: a string item is malformed", path);
                break;
            }
            body_len = (size_t)(close - (s + body));
            next = (size_t)(close - s) + 5;
        }
        if (!string_item(s + body, body_len, &item)) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: %s: string %zu is malformed", path, ss->n);
            break;
        }
        if (ss->n == cap) {
            cap = cap > 0 ? cap * 2 : 1024;
            size_t *o = realloc(ss->off, cap * sizeof *o),
                   *l = o ? realloc(ss->len, cap * sizeof *l) : NULL;
            if (o != NULL)
                ss->off = o;
            if (l == NULL) {
                st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
                break;
            }
            ss->len = l;
        }
        ss->off[ss->n] = arena.used;
        ss->len[ss->n] = item.used;
        if (!tb_put(&arena, item.p, item.used)) {
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
            break;
        }
        ss->n++;
        i = next;
    }
    free(item.p);
    free(xml);
    ss->arena = arena.p;
    if (st != LD_OK)
        shared_free(ss);
    return st;
}

/* ---- Hashing ------------------------------------------------------------------- */

typedef struct line_hash {
    EVP_MD_CTX *md;
    unsigned char buf[HASH_BUF];
    size_t used;
} line_hash;

static void lh_put(line_hash *h, const char *p, size_t n)
{
    while (n > 0) {
        if (h->used == HASH_BUF) {
            EVP_DigestUpdate(h->md, h->buf, h->used);
            h->used = 0;
        }
        size_t take = HASH_BUF - h->used < n ? HASH_BUF - h->used : n;
        memcpy(h->buf + h->used, p, take);
        h->used += take;
        p += take;
        n -= take;
    }
}

static void lh_line(line_hash *h, const char *ref, const char *type, const char *v, size_t n)
{
    lh_put(h, ref, strlen(ref));
    lh_put(h, "\t", 1);
    lh_put(h, type, strlen(type));
    lh_put(h, "\t", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc = v[i] == '\\'   ? "\\\\"
                          : v[i] == '\t' ? "\\t"
                          : v[i] == '\n' ? "\\n"
                                         : NULL;
        if (esc != NULL) {
            lh_put(h, v + run, i - run);
            lh_put(h, esc, 2);
            run = i + 1;
        }
    }
    lh_put(h, v + run, n - run);
    lh_put(h, "\n", 1);
}

/* ---- Worksheets ---------------------------------------------------------------- */

typedef struct sheet_scan {
    const shared_strings *ss;
    line_hash *h;
    xlsx_cell_fn fn;
    void *ctx;
    int index;
    uint64_t cells;
    text_buf ref, type, value;
    const char *path;
} sheet_scan;

/* One cell [s, s+n): its start tag ends at te; the element closes at n. */
static ld_status cell(sheet_scan *sc, const char *s, size_t te, size_t n, ld_error *err)
{
    int r = tag_attr(s, te + 1, "r", &sc->ref);
    int t = tag_attr(s, te + 1, "t", &sc->type);
    if (r < 0 || t < 0)
        return LD_FAIL(err, LD_EVERIFY, "workbook: %s: a cell's attributes are malformed",
                       sc->path);
    if (r == 0 || sc->ref.used == 0 || sc->ref.used > 16 ||
        strspn(sc->ref.p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != sc->ref.used)
        return LD_FAIL(err, LD_EVERIFY, "workbook: %s: a cell without a plain reference", sc->path);
    if (t == 0) {
        sc->type.used = 0;
        tb_put(&sc->type, "n", 1);
    } else if (sc->type.used == 0 || sc->type.used > 16 ||
               strspn(sc->type.p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
                   sc->type.used) {
        return LD_FAIL(err, LD_EVERIFY, "workbook: %s: cell %s has an odd type", sc->path,
                       sc->ref.p);
    }
    if (sc->type.p == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    const char *body = s + te + 1;
    size_t blen = n - (te + 1);
    const char *val = NULL;
    size_t vlen = 0;
    if (strcmp(sc->type.p, "inlineStr") == 0) {
        const char *is = NULL;
        for (size_t i = 0; i < blen; i++)
            if (body[i] == '<' && at_element(body + i, blen - i, "is")) {
                is = body + i;
                break;
            }
        if (is == NULL)
            return LD_OK; /* no value */
        const char *end = find_bytes(is, blen - (size_t)(is - body), "</is>");
        if (end == NULL || !string_item(is, (size_t)(end - is), &sc->value))
            return LD_FAIL(err, LD_EVERIFY, "workbook: %s: cell %s: a malformed inline string",
                           sc->path, sc->ref.p);
        val = sc->value.p;
        vlen = sc->value.used;
    } else {
        const char *v = NULL;
        for (size_t i = 0; i < blen; i++)
            if (body[i] == '<' && at_element(body + i, blen - i, "v")) {
                v = body + i;
                break;
            }
        if (v == NULL)
            return LD_OK;
        size_t ve = tag_end(v, blen - (size_t)(v - body));
        if (ve >= SIZE_MAX - 1)
            return LD_FAIL(err, LD_EVERIFY, "workbook: %s: cell %s is malformed", sc->path,
                           sc->ref.p);
        if (v[ve - 1] == '/') {
            sc->value.used = 0;
            tb_put(&sc->value, "", 0);
        } else {
            const char *vb = v + ve + 1;
            const char *close = find_bytes(vb, blen - (size_t)(vb - body), "</v>");
            if (close == NULL || memchr(vb, '<', (size_t)(close - vb)) != NULL)
                return LD_FAIL(err, LD_EVERIFY, "workbook: %s: cell %s: a malformed value",
                               sc->path, sc->ref.p);
            sc->value.used = 0;
            if (!tb_put(&sc->value, "", 0) || !xml_text(&sc->value, vb, (size_t)(close - vb)))
                return LD_FAIL(err, LD_EVERIFY, "workbook: %s: cell %s: a malformed value",
                               sc->path, sc->ref.p);
        }
        val = sc->value.p;
        vlen = sc->value.used;
        if (strcmp(sc->type.p, "s") == 0) {
            size_t k = 0, digits = 0;
            for (; digits < vlen && val[digits] >= '0' && val[digits] <= '9' && digits < 12;
                 digits++)
                k = k * 10 + (size_t)(val[digits] - '0');
            if (digits == 0 || digits != vlen || k >= sc->ss->n)
                return LD_FAIL(err, LD_EVERIFY,
                               "workbook: %s: cell %s names shared string %.*s, which is not there",
                               sc->path, sc->ref.p, (int)(vlen < 20 ? vlen : 20), val);
            val = sc->ss->arena + sc->ss->off[k];
            vlen = sc->ss->len[k];
        }
    }
    lh_line(sc->h, sc->ref.p, sc->type.p, val, vlen);
    sc->cells++;
    if (sc->fn != NULL)
        sc->fn(sc->ctx, sc->index, sc->ref.p, sc->type.p, val, vlen);
    return LD_OK;
}

/* Skips a comment, processing instruction, CDATA or doctype at s[0] == '<':
 * the index past it, 0 when s is not one, SIZE_MAX when it does not end in n. */
static size_t skip_special(const char *s, size_t n)
{
    static const struct {
        const char *open, *close;
    } kinds[] = {{"<!--", "-->"}, {"<?", "?>"}, {"<![CDATA[", "]]>"}, {"<!", ">"}};
    for (size_t k = 0; k < 4; k++) {
        size_t ol = strlen(kinds[k].open);
        if (n >= ol && memcmp(s, kinds[k].open, ol) == 0) {
            const char *end = find_bytes(s + ol, n - ol, kinds[k].close);
            return end == NULL ? SIZE_MAX : (size_t)(end - s) + strlen(kinds[k].close);
        }
        if (n < ol && memcmp(s, kinds[k].open, n) == 0)
            return SIZE_MAX;
    }
    return 0;
}

/* A worksheet's scan window: buf[pos, have) not yet scanned. */
typedef struct window {
    char *buf;
    size_t have, pos;
    bool eof;
} window;

/* Moves what is left to the front and reads more behind it. */
static ld_status refill(member_reader *r, window *w, const char *path, ld_error *err)
{
    memmove(w->buf, w->buf + w->pos, w->have - w->pos);
    w->have -= w->pos;
    w->pos = 0;
    size_t got = 0;
    ld_status st = reader_read(r, (unsigned char *)w->buf + w->have, WINDOW - w->have, &got, err);
    if (st != LD_OK)
        return st;
    w->have += got;
    w->eof = r->done || got == 0;
    if (got == 0 && !r->done)
        return LD_FAIL(err, LD_EVERIFY, "workbook: %s ends early", path);
    return LD_OK;
}

static ld_status scan_sheet(zip_archive *z, const zip_entry *e, sheet_scan *sc, char *win,
                            ld_error *err)
{
    member_reader r;
    ld_status st = reader_open(&r, z, e, err);
    window w = {.buf = win};
    while (st == LD_OK) {
        /* Refill when what is left may hold an incomplete element. */
        if (!w.eof && (w.have - w.pos < 65536 || w.pos == w.have) &&
            (st = refill(&r, &w, sc->path, err)) != LD_OK)
            break;
        const char *lt = memchr(w.buf + w.pos, '<', w.have - w.pos);
        if (lt == NULL) {
            w.pos = w.have;
            if (w.eof)
                break;
            continue;
        }
        size_t at = (size_t)(lt - w.buf), left = w.have - at;
        bool need_more = false;
        size_t skip = skip_special(lt, left);
        if (skip == SIZE_MAX) {
            need_more = true;
        } else if (skip > 0) {
            w.pos = at + skip;
            continue;
        } else if (left < 3) {
            need_more = true;
        } else if (at_element(lt, left, "c")) {
            size_t te = tag_end(lt, left);
            if (te == SIZE_MAX - 1) {
                st = LD_FAIL(err, LD_EVERIFY, "workbook: %s: a cell's tag is malformed", sc->path);
                break;
            }
            if (te == SIZE_MAX) {
                need_more = true;
            } else if (lt[te - 1] == '/') {
                w.pos = at + te + 1;
                continue;
            } else {
                const char *close = find_bytes(lt + te + 1, left - te - 1, "</c>");
                if (close == NULL) {
                    need_more = true;
                } else {
                    if ((st = cell(sc, lt, te, (size_t)(close - lt), err)) != LD_OK)
                        break;
                    w.pos = (size_t)(close - w.buf) + 4;
                    continue;
                }
            }
        } else {
            w.pos = at + 1;
            continue;
        }
        if (need_more) {
            if (w.eof) {
                st = LD_FAIL(err, LD_EVERIFY, "workbook: %s ends inside an element", sc->path);
                break;
            }
            if (at == 0 && w.have == WINDOW) {
                st = LD_FAIL(err, LD_EVERIFY, "workbook: %s: an element longer than %u bytes",
                             sc->path, WINDOW);
                break;
            }
            w.pos = at;
            st = refill(&r, &w, sc->path, err);
        }
    }
    /* Whatever was not scanned still counts: the member is read to its end
     * so its size and CRC are checked. */
    while (st == LD_OK && !r.done) {
        size_t got = 0;
        st = reader_read(&r, (unsigned char *)win, WINDOW, &got, err);
        if (st == LD_OK && got == 0 && !r.done)
            st = LD_FAIL(err, LD_EVERIFY, "workbook: %s ends early", sc->path);
    }
    reader_close(&r);
    return st;
}

/* ---- The workbook ---------------------------------------------------------------- */

typedef struct rel {
    char id[64];
    char target[256];
    bool worksheet, shared;
} rel;

/* A part path the relationships name, resolved against xl/: only plain
 * names under xl/, never "..". */
static bool resolve_target(const char *target, char out[256])
{
    const char *t = target[0] == '/' ? target + 1 : target;
    int n = target[0] == '/' ? snprintf(out, 256, "%s", t) : snprintf(out, 256, "xl/%s", t);
    if (n <= 3 || n >= 256 || strncmp(out, "xl/", 3) != 0)
        return false;
    if (strspn(out, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-") !=
            (size_t)n ||
        strstr(out, "..") != NULL || strstr(out, "//") != NULL || out[n - 1] == '/')
        return false;
    return true;
}

static ld_status read_rels(zip_archive *z, rel **out, size_t *count, ld_error *err)
{
    unsigned char *xml = NULL;
    size_t len = 0;
    const zip_entry *e = zip_find(z, "xl/_rels/workbook.xml.rels");
    if (e == NULL)
        return LD_FAIL(err, LD_EVERIFY, "workbook: no xl/_rels/workbook.xml.rels");
    ld_status st = member_whole(z, e, XLSX_PART_MAX, &xml, &len, err);
    if (st != LD_OK)
        return st;
    rel *rels = NULL;
    size_t n = 0, cap = 0;
    text_buf a = {0};
    const char *s = (const char *)xml;
    for (size_t i = 0; st == LD_OK && i < len; i++) {
        if (s[i] != '<' || !at_element(s + i, len - i, "Relationship"))
            continue;
        size_t te = tag_end(s + i, len - i);
        if (te >= SIZE_MAX - 1) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: the relationships are malformed");
            break;
        }
        if (n == cap) {
            cap = cap > 0 ? cap * 2 : 16;
            rel *q = cap <= 4 * XLSX_SHEETS_MAX ? realloc(rels, cap * sizeof *q) : NULL;
            if (q == NULL) {
                st = LD_FAIL(err, LD_EVERIFY, "workbook: too many relationships");
                break;
            }
            rels = q;
        }
        rel *r = &rels[n];
        memset(r, 0, sizeof *r);
        if (tag_attr(s + i, te + 1, "TargetMode", &a) == 1 && strcmp(a.p, "External") == 0) {
            i += te;
            continue;
        }
        if (tag_attr(s + i, te + 1, "Id", &a) != 1 || a.used >= sizeof r->id) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: a relationship without a usable Id");
            break;
        }
        memcpy(r->id, a.p, a.used + 1);
        if (tag_attr(s + i, te + 1, "Type", &a) == 1) {
            size_t k = a.used;
            r->worksheet = k >= 10 && strcmp(a.p + k - 10, "/worksheet") == 0;
            r->shared = k >= 14 && strcmp(a.p + k - 14, "/sharedStrings") == 0;
        }
        if (tag_attr(s + i, te + 1, "Target", &a) != 1 || !resolve_target(a.p, r->target)) {
            if (r->worksheet || r->shared) {
                st = LD_FAIL(err, LD_EVERIFY, "workbook: relationship %s names an unsafe part",
                             r->id);
                break;
            }
            i += te;
            continue; /* a part this reader does not open */
        }
        n++;
        i += te;
    }
    free(a.p);
    free(xml);
    if (st != LD_OK) {
        free(rels);
        return st;
    }
    *out = rels;
    *count = n;
    return LD_OK;
}

ld_status xlsx_read_sheets(const unsigned char *bytes, size_t len, xlsx_cell_fn fn, void *ctx,
                           xlsx_sheet_digest *sheets, int *count, ld_error *err)
{
    *count = 0;
    zip_archive z;
    shared_strings ss = {0};
    rel *rels = NULL;
    size_t nrels = 0;
    unsigned char *wb = NULL;
    size_t wb_len = 0;
    char *win = NULL;
    text_buf a = {0};
    line_hash *h = NULL;
    ld_status st = zip_open(bytes, len, &z, err);
    if (st == LD_OK)
        st = read_rels(&z, &rels, &nrels, err);
    const char *shared_path = "xl/sharedStrings.xml";
    for (size_t i = 0; st == LD_OK && i < nrels; i++)
        if (rels[i].shared)
            shared_path = rels[i].target;
    if (st == LD_OK)
        st = shared_load(&z, shared_path, &ss, err);
    if (st == LD_OK) {
        const zip_entry *e = zip_find(&z, "xl/workbook.xml");
        st = e == NULL ? LD_FAIL(err, LD_EVERIFY, "workbook: no xl/workbook.xml")
                       : member_whole(&z, e, XLSX_PART_MAX, &wb, &wb_len, err);
    }
    if (st == LD_OK) {
        win = malloc(WINDOW);
        h = calloc(1, sizeof *h);
        if (win == NULL || h == NULL || (h->md = EVP_MD_CTX_new()) == NULL)
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    const char *s = (const char *)wb;
    int n = 0;
    for (size_t i = 0; st == LD_OK && i < wb_len; i++) {
        if (s[i] != '<' || !at_element(s + i, wb_len - i, "sheet"))
            continue;
        size_t te = tag_end(s + i, wb_len - i);
        if (te >= SIZE_MAX - 1) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: xl/workbook.xml is malformed");
            break;
        }
        if (n >= XLSX_SHEETS_MAX) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: more than %d sheets", XLSX_SHEETS_MAX);
            break;
        }
        xlsx_sheet_digest *d = &sheets[n];
        memset(d, 0, sizeof *d);
        if (tag_attr(s + i, te + 1, "name", &a) != 1 || a.used == 0 || a.used >= sizeof d->name) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: sheet %d has no usable name", n + 1);
            break;
        }
        memcpy(d->name, a.p, a.used + 1);
        if (tag_attr(s + i, te + 1, ":id", &a) != 1) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: sheet %s has no relationship", d->name);
            break;
        }
        const rel *r = NULL;
        for (size_t k = 0; k < nrels && r == NULL; k++)
            if (strcmp(rels[k].id, a.p) == 0)
                r = &rels[k];
        if (r == NULL) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: sheet %s: relationship %s is missing", d->name,
                         a.p);
            break;
        }
        n++;
        i += te;
        if (!r->worksheet)
            continue;
        const zip_entry *e = zip_find(&z, r->target);
        if (e == NULL) {
            st = LD_FAIL(err, LD_EVERIFY, "workbook: sheet %s: its part %s is missing", d->name,
                         r->target);
            break;
        }
        d->is_worksheet = 1;
        if (EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
            st = LD_FAIL(err, LD_EINTERNAL, "SHA-256 unavailable");
            break;
        }
        h->used = 0;
        sheet_scan sc = {
            .ss = &ss, .h = h, .fn = fn, .ctx = ctx, .index = n - 1, .path = r->target};
        st = scan_sheet(&z, e, &sc, win, err);
        free(sc.ref.p);
        free(sc.type.p);
        free(sc.value.p);
        if (st != LD_OK)
            break;
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned md_len = 0;
        if (h->used > 0)
            EVP_DigestUpdate(h->md, h->buf, h->used);
        if (EVP_DigestFinal_ex(h->md, md, &md_len) != 1 || md_len != 32) {
            st = LD_FAIL(err, LD_EINTERNAL, "SHA-256 failed");
            break;
        }
        static const char hex[] = "0123456789abcdef";
        for (unsigned j = 0; j < 32; j++) {
            d->sha256[2 * j] = hex[md[j] >> 4];
            d->sha256[2 * j + 1] = hex[md[j] & 15];
        }
        d->sha256[64] = '\0';
        d->cells = sc.cells;
    }
    if (st == LD_OK && n == 0)
        st = LD_FAIL(err, LD_EVERIFY, "workbook: xl/workbook.xml names no sheet");
    if (st == LD_OK)
        *count = n;
    if (h != NULL)
        EVP_MD_CTX_free(h->md);
    free(h);
    free(a.p);
    free(win);
    free(wb);
    free(rels);
    shared_free(&ss);
    free(z.e);
    return st;
}
