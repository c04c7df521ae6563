/*
 * error.c - filling and decorating ld_error values. Messages are truncated, never
 * overflowed: a message longer than the buffer ends with what fitted.
 */
#include "ld_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

ld_status ld_error_set(ld_error *err, ld_status code, const char *file, int line, const char *fmt,
                       ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->file = file;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void ld_error_prefix(ld_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char joined[sizeof err->message];
    /* A nested field "x" under "a[1]" reads "a[1].x"; a sentence reads "a[1]: ...". */
    const char *sep = ".";
    if (strchr(err->message, ':') == NULL || err->message[0] == ' ')
        sep = ": ";
    snprintf(joined, sizeof joined, "%s%s%s", prefix, sep, err->message);
    memcpy(err->message, joined, sizeof joined);
}

void ld_error_clear(ld_error *err)
{
    if (err == NULL)
        return;
    err->code = LD_OK;
    err->message[0] = '\0';
    err->file = NULL;
    err->line = 0;
}

const char *ld_status_name(ld_status code)
{
    switch (code) {
    case LD_OK:
        return "ok";
    case LD_EUSAGE:
        return "usage";
    case LD_EINVAL:
        return "invalid input";
    case LD_EPERM:
        return "permission denied";
    case LD_ENOTFOUND:
        return "not found";
    case LD_ESTATE:
        return "not allowed in the current state";
    case LD_EVERIFY:
        return "verification failed";
    case LD_EINTERNAL:
        return "internal error";
    }
    return "unknown";
}

ld_status ld_error_recode(ld_error *err, ld_status code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    char prefix[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char joined[sizeof err->message];
    snprintf(joined, sizeof joined, "%s%s%s", prefix, prefix[0] != '\0' ? ": " : "", err->message);
    memcpy(err->message, joined, sizeof joined);
    err->code = code;
    return code;
}
