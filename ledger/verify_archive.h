/*
 * verify_archive.h - offline verification of the customer archive's copy in
 * a ledger export (`ledger export --archive` writes DIR/documents, one file
 * per stored document, named by its SHA-256).
 */
#ifndef LEDGER_VERIFY_ARCHIVE_H
#define LEDGER_VERIFY_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"

/* With DIR/documents present: every file in it must hash to its name and
 * that hash must be one the log (entries, the export's entries.jsonl whose
 * checkpoints were already judged) recorded for a document row, and every
 * document the log leaves in place must have its file there. LD_EVERIFY
 * naming the file (and the document and log entry where the log says one)
 * otherwise. Without DIR/documents (an export without --archive) there is
 * nothing to check: *files is 0. */
ld_status ledger_verify_archive(const char *dir, const char *entries, size_t len, uint64_t *files,
                                ld_error *err);

#endif
