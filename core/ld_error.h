/*
 * ld_error.h - the one error type every loandesk module reports through.
 *
 * A function that can fail returns an ld_status and takes `ld_error *err` last.
 * On failure it fills err with a status, a one-line message that names the field
 * at fault, and the source file and line where the failure arose. The status
 * values are the program's exit codes (docs/design.md, "Exit codes"), so a front end
 * can exit with err->code unchanged. err may be NULL when the caller does not
 * care about the message. A function writes its `out` parameters only on success.
 */
#ifndef LD_ERROR_H
#define LD_ERROR_H

#include <stddef.h>

#include "loandesk/error.h"

/* Fills err (when not NULL) and returns code, so callers can write
 * `return LD_FAIL(err, LD_EINVAL, "amount: must be positive");`. */
ld_status ld_error_set(ld_error *err, ld_status code, const char *file, int line, const char *fmt,
                       ...) __attribute__((format(printf, 5, 6)));

#define LD_FAIL(err, code, ...) ld_error_set((err), (code), __FILE__, __LINE__, __VA_ARGS__)

/* Prefixes an existing message with "context: " (e.g. "guarantors[1]") so that a
 * nested validator's field name becomes a full path. Keeps the code. */
void ld_error_prefix(ld_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the message with "context: " whatever it holds (a sentence, not a
 * field path) and sets its code to code; returns code. For passing on a
 * failure as another kind (an unreadable file met during verification is a
 * verification failure). */
ld_status ld_error_recode(ld_error *err, ld_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Resets err to LD_OK with an empty message. */
void ld_error_clear(ld_error *err);

/* Short English name of a status, for logs ("invalid input"). */
const char *ld_status_name(ld_status code);

#endif
