/*
 * proof.h - checkpoints: the (tree size, root, time) statements the institution
 * signs, and their one canonical text form.
 *
 * The signed bytes are exactly
 *
 *     loandesk-checkpoint v2\n<number>\n<size>\n<root hex>\n<unix time>\n
 *
 * where number counts the checkpoints made before this one (0 for the first),
 * so a checkpoint deleted from the middle of the series, or two swapped,
 * shows as a break in the signed numbers; sizes, numbers and times in plain
 * decimal (no sign, no leading zeros) and the root
 * as 64 lower-case hex digits, so an auditor can rebuild them with a few lines
 * of code in any language and check the signature with stock tools. Parsing
 * accepts only that form: one checkpoint has one text.
 */
#ifndef LEDGER_PROOF_H
#define LEDGER_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"
#include "merkle.h"

#define LEDGER_CHECKPOINT_HEADER   "loandesk-checkpoint v2"
#define LEDGER_CHECKPOINT_LINES    5   /* lines of the text form */
#define LEDGER_CHECKPOINT_TEXT_MAX 192 /* header, three 20-digit numbers, a root, newlines */

typedef struct ledger_checkpoint {
    uint64_t index;   /* checkpoints made before this one */
    uint64_t size;    /* leaves in the tree */
    ledger_hash root; /* MTH of those leaves */
    int64_t time;     /* seconds since 1970-01-01T00:00:00Z, never negative */
} ledger_checkpoint;

/* Writes the text form and a NUL into buf[0..cap); *len_out is the length of
 * the text (the bytes to sign, without the NUL). LD_EINVAL when time is
 * negative; a buffer of LEDGER_CHECKPOINT_TEXT_MAX always suffices. */
ld_status ledger_checkpoint_text(const ledger_checkpoint *checkpoint,
                                 char buf[LEDGER_CHECKPOINT_TEXT_MAX], size_t *len_out,
                                 ld_error *err);

/* Parses text[0..len), which must be exactly the text form. LD_EINVAL naming
 * the line at fault otherwise. */
ld_status ledger_checkpoint_parse(const char *text, size_t len, ledger_checkpoint *out,
                                  ld_error *err);

#endif
