/*
 * loandesk/error.h - the status and error every loandesk call reports.
 *
 * A call that can fail returns an ld_status and takes `ld_error *err` last. On
 * failure err holds the status and a one-line message that names the field at
 * fault ("guarantors[1].net_assets: must not be negative"). The status values
 * are the command line's exit codes (docs/design.md, "Exit codes"), so a front
 * end can exit with err->code unchanged or map it to an HTTP status. Output
 * parameters are written only on success.
 */
#ifndef LOANDESK_ERROR_H
#define LOANDESK_ERROR_H

typedef enum ld_status {
    LD_OK = 0,
    LD_EUSAGE = 1,     /* bad command-line usage */
    LD_EINVAL = 2,     /* invalid input data */
    LD_EPERM = 3,      /* permission denied */
    LD_ENOTFOUND = 4,  /* no such record */
    LD_ESTATE = 5,     /* not allowed in the current state */
    LD_EVERIFY = 6,    /* verification failed: tampering, bad signature */
    LD_EINTERNAL = 10, /* bug, I/O or library failure */
} ld_status;

typedef struct ld_error {
    ld_status code;
    char message[512];
    const char *file; /* where the failure arose, for logs */
    int line;
} ld_error;

/* Short English name of a status, for logs ("invalid input"). */
const char *ld_status_name(ld_status code);

#endif
