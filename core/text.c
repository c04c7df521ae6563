/*
 * text.c - strict UTF-8, the text every field must be, and the escaped form
 * of text the audit trail keeps (text.h).
 *
 * The decoder follows the well-formed byte sequences of the Unicode standard
 * (table 3-7), so an overlong form, an encoded surrogate or a value above
 * U+10FFFF is refused at its first byte rather than decoded into a character
 * another reader would see differently. Plain printable ASCII, the bulk of
 * every field, is handled one byte at a time without decoding.
 */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *core_utf8_next(const unsigned char *s, size_t len, size_t *at, uint32_t *code)
{
    size_t i = *at;
    unsigned char b = s[i];
    if (b < 0x80) {
        *code = b;
        *at = i + 1;
        return NULL;
    }
    size_t need;
    uint32_t value;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (b < 0xC2) {
        return b < 0xC0 ? "is not valid UTF-8: a continuation byte without a lead byte"
                        : "is not valid UTF-8: an overlong sequence";
    } else if (b < 0xE0) {
        need = 1;
        value = b & 0x1Fu;
    } else if (b < 0xF0) {
        need = 2;
        value = b & 0x0Fu;
        if (b == 0xE0)
            lo = 0xA0; /* below: overlong */
        else if (b == 0xED)
            hi = 0x9F; /* above: a UTF-16 surrogate */
    } else if (b < 0xF5) {
        need = 3;
        value = b & 0x07u;
        if (b == 0xF0)
            lo = 0x90; /* below: overlong */
        else if (b == 0xF4)
            hi = 0x8F; /* above: beyond U+10FFFF */
    } else {
        return "is not valid UTF-8: a code point above U+10FFFF";
    }
    for (size_t k = 1; k <= need; k++) {
        if (i + k >= len)
            return "is not valid UTF-8: a truncated sequence";
        unsigned char c = s[i + k];
        unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
        if (c < min || c > max) {
            if (c < 0x80 || c > 0xBF)
                return "is not valid UTF-8: a truncated sequence";
            if (b == 0xE0 || b == 0xF0)
                return "is not valid UTF-8: an overlong sequence";
            if (b == 0xED)
                return "is not valid UTF-8: an encoded UTF-16 surrogate";
            return "is not valid UTF-8: a code point above U+10FFFF";
        }
        value = (value << 6) | (c & 0x3Fu);
    }
    *code = value;
    *at = i + need + 1;
    return NULL;
}

bool core_utf8_valid(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t at = 0;
    uint32_t code;
    while (at < len) {
        if (s[at] < 0x80)
            at++;
        else if (core_utf8_next(s, len, &at, &code) != NULL)
            return false;
    }
    return true;
}

char *core_utf8_repair(const char *text, size_t len)
{
    static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
    const unsigned char *s = (const unsigned char *)text;
    /* At most three bytes for each byte of the text. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (out == NULL)
        return NULL;
    size_t at = 0, used = 0;
    while (at < len) {
        size_t start = at;
        uint32_t code;
        if (core_utf8_next(s, len, &at, &code) != NULL) {
            memcpy(out + used, replacement, 3);
            used += 3;
            at = start + 1;
        } else {
            memcpy(out + used, s + start, at - start);
            used += at - start;
        }
    }
    out[used] = '\0';
    return out;
}

bool core_text_is_forbidden_control(uint32_t code)
{
    if (code < 0x20)
        return code != '\t' && code != '\n' && code != '\r';
    return code == 0x7F || (code >= 0x80 && code <= 0x9F);
}

/* White space (Unicode White_Space) and the invisible format characters that
 * print as nothing, so that a "name" of only these reads as blank. */
static bool is_blank(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           c == 0x180E || (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF;
}

static const char blank_problem[] = "must not be blank (it holds only white space)";

static bool fault(core_text_fault *out, const char *problem, size_t at, uint32_t code, bool is_byte)
{
    out->problem = problem;
    out->at = at;
    out->code = code;
    out->is_byte = is_byte;
    return false;
}

bool core_text_fault_find(const char *text, size_t len, unsigned flags, core_text_fault *out)
{
    const unsigned char *s = (const unsigned char *)text;
    bool multiline = (flags & CORE_TEXT_MULTILINE) != 0;
    bool seen_content = (flags & CORE_TEXT_NONBLANK) == 0;
    size_t i = 0;
    while (i < len) {
        unsigned char b = s[i];
        if (b > 0x20 && b < 0x7F) { /* printable ASCII, not space */
            seen_content = true;
            i++;
            continue;
        }
        size_t at = i;
        uint32_t c;
        const char *bad = core_utf8_next(s, len, &i, &c);
        if (bad != NULL)
            return fault(out, bad, at, b, true);
        if (c == 0)
            return fault(out, "must not contain U+0000", at, c, false);
        if (core_text_is_forbidden_control(c))
            return fault(out, "must not contain control characters", at, c, false);
        if (!multiline && (c == '\t' || c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029))
            return fault(out, "must be a single line (no tab or line break)", at, c, false);
        if (!is_blank(c))
            seen_content = true;
    }
    if (!seen_content)
        return fault(out, blank_problem, 0, 0, false);
    return true;
}

ld_status core_text_fault_report(const char *field, const core_text_fault *f, ld_error *err)
{
    if (f->problem == blank_problem) /* no one character is at fault */
        return LD_FAIL(err, LD_EINVAL, "%s: %s", field, f->problem);
    if (f->is_byte)
        return LD_FAIL(err, LD_EINVAL, "%s: %s (byte 0x%02X at offset %zu)", field, f->problem,
                       (unsigned)f->code, f->at);
    if (f->code == 0) /* the problem names it */
        return LD_FAIL(err, LD_EINVAL, "%s: %s (at offset %zu)", field, f->problem, f->at);
    return LD_FAIL(err, LD_EINVAL, "%s: %s (U+%04X at offset %zu)", field, f->problem,
                   (unsigned)f->code, f->at);
}

ld_status core_text_check(const char *field, const char *text, size_t len, unsigned flags,
                          ld_error *err)
{
    core_text_fault f;
    if (core_text_fault_find(text, len, flags, &f))
        return LD_OK;
    return core_text_fault_report(field, &f, err);
}

/* The visible form of one character or malformed byte, into piece (16 bytes);
 * its length. */
static size_t escape_one(const unsigned char *s, size_t len, size_t *at, char piece[16])
{
    size_t start = *at;
    uint32_t c;
    if (core_utf8_next(s, len, at, &c) != NULL) {
        *at = start + 1;
        return (size_t)snprintf(piece, 16, "\\x%02X", s[start]);
    }
    switch (c) {
    case '\\':
        memcpy(piece, "\\\\", 3);
        return 2;
    case '\n':
        memcpy(piece, "\\n", 3);
        return 2;
    case '\r':
        memcpy(piece, "\\r", 3);
        return 2;
    case '\t':
        memcpy(piece, "\\t", 3);
        return 2;
    default:
        break;
    }
    if (core_text_is_forbidden_control(c) || c == 0x2028 || c == 0x2029)
        return (size_t)snprintf(piece, 16, "\\u%04X", (unsigned)c);
    size_t n = *at - start;
    memcpy(piece, s + start, n);
    piece[n] = '\0';
    return n;
}

bool core_text_escape(const char *text, size_t len, char *out, size_t size)
{
    const unsigned char *s = (const unsigned char *)text;
    const size_t mark = sizeof CORE_TEXT_CUT_MARK - 1;
    size_t used = 0, at = 0;
    bool same = true;
    /* A copy that fits whole needs no room kept for the mark. */
    size_t total = 0;
    while (at < len && total < size) {
        char piece[16];
        total += escape_one(s, len, &at, piece);
    }
    bool fits = at == len && total < size;
    at = 0;
    while (at < len) {
        char piece[16];
        size_t before = at;
        size_t n = escape_one(s, len, &at, piece);
        if (n != at - before || memcmp(piece, s + before, n) != 0)
            same = false;
        /* Room for this piece, and for the mark when the copy is cut. */
        size_t reserve = fits ? 0 : mark;
        if (used + n + reserve + 1 > size) {
            /* Cut here; the mark fits, as every piece before it left room. */
            memcpy(out + used, CORE_TEXT_CUT_MARK, mark);
            used += mark;
            same = false;
            break;
        }
        memcpy(out + used, piece, n);
        used += n;
    }
    out[used] = '\0';
    return same;
}
