/*
 * text.h - what loandesk accepts as text, and how it shows text it must keep
 * whatever it holds (the audit trail).
 *
 * Accepted text is well-formed UTF-8 (RFC 3629: no overlong form, no UTF-16
 * surrogate, nothing above U+10FFFF, no truncated sequence, no stray
 * continuation byte) and holds no U+0000, no other C0 control, no DEL and no
 * C1 control. A multi-line field may hold tab, line feed and carriage return;
 * a single-line field (a name, a number, a code) holds none of them, nor the
 * Unicode line and paragraph separators. Text that must not be blank needs
 * one character that is neither white space (ASCII or Unicode, the ideographic
 * space U+3000 included) nor an invisible format character such as U+200B or
 * U+FEFF. Nothing is trimmed or repaired: text at fault is refused, so what is
 * stored is exactly what was given.
 *
 * Text kept whatever it holds (a failed login's user name) is escaped instead
 * (core_text_escape): every byte that could forge a line or break a reader
 * becomes visible, and the copy is bounded.
 */
#ifndef LD_TEXT_H
#define LD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"

/* Flags of core_text_fault_find and core_text_check. */
#define CORE_TEXT_MULTILINE 1u /* tab, line feed and carriage return allowed */
#define CORE_TEXT_NONBLANK  2u /* must hold something other than white space */
/* A written reason (an override, a rejection, a write-off): prose, not blank. */
#define CORE_TEXT_REASON (CORE_TEXT_MULTILINE | CORE_TEXT_NONBLANK)

/* Where and why a text is refused. */
typedef struct core_text_fault {
    const char *problem; /* "must not contain U+0000", "is not valid UTF-8: ..." */
    size_t at;           /* byte offset of the offending character */
    uint32_t code;       /* the code point, or the byte when the UTF-8 is malformed */
    bool is_byte;        /* code is a malformed byte, not a character */
} core_text_fault;

/* Decodes the UTF-8 character at s[*at] (len bytes in all) into *code and
 * moves *at past it. On malformed input returns a one-line reason and leaves
 * *at on the offending byte; NULL on success. */
const char *core_utf8_next(const unsigned char *s, size_t len, size_t *at, uint32_t *code);

/* True when text (len bytes) is well-formed UTF-8. */
bool core_utf8_valid(const char *text, size_t len);

/* A malloc'd, NUL-terminated copy of text with each byte that is not part of
 * well-formed UTF-8 replaced by U+FFFD; NULL when memory runs out. For text
 * that must be shown whatever it holds (rows stored before input was checked). */
char *core_utf8_repair(const char *text, size_t len);

/* True for the control characters no text may hold, whatever the field:
 * C0 but tab, line feed and carriage return; DEL; C1. U+0000 included. */
bool core_text_is_forbidden_control(uint32_t code);

/* Looks for the first fault of text (len bytes, NUL bytes included) under
 * flags; false and *out filled when there is one, true when the text is
 * acceptable. Costs one pass, no allocation. */
bool core_text_fault_find(const char *text, size_t len, unsigned flags, core_text_fault *out);

/* LD_EINVAL "field: problem (U+0007 at byte 4)" for a fault found by
 * core_text_fault_find. */
ld_status core_text_fault_report(const char *field, const core_text_fault *fault, ld_error *err);

/* core_text_fault_find, then core_text_fault_report; LD_OK when acceptable. */
ld_status core_text_check(const char *field, const char *text, size_t len, unsigned flags,
                          ld_error *err);

/* The ellipsis that marks text cut short by core_text_escape. */
#define CORE_TEXT_CUT_MARK "\xe2\x80\xa6" /* U+2026 */

/* Writes a visible copy of text (len bytes) into out (size bytes, at least
 * 16), always NUL-terminated and valid UTF-8: backslash becomes "\\", line
 * feed, carriage return and tab "\n", "\r", "\t", other controls and U+2028,
 * U+2029 "\u00XX" / "\u2028", a malformed byte "\xHH". When the copy would
 * not fit, it is cut at a character boundary and CORE_TEXT_CUT_MARK ends it.
 * Returns true when the copy equals the text (nothing escaped, nothing cut). */
bool core_text_escape(const char *text, size_t len, char *out, size_t size);

#endif
