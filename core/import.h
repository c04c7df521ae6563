/*
 * import.h - bulk loading of applications from JSON Lines.
 *
 * Each line is one object: {"borrower": {...}, "application": {...},
 * "guarantors": [...], "collateral": [...], "investigation": {...}} in the
 * shapes of borrower.h and application.h (application without borrower_id).
 * Every line is checked exactly as the single-record commands check it; the
 * whole file is one transaction, so a single bad line keeps nothing. The audit
 * trail gets one event for the file (its SHA-256, line count and id ranges)
 * rather than one per record.
 */
#ifndef LD_IMPORT_H
#define LD_IMPORT_H

#include <stdint.h>

#include "ld_error.h"
#include "session.h"
#include "store.h"

typedef struct core_import_stats {
    int64_t lines;
    int64_t borrowers;
    int64_t applications;
    int64_t guarantors;
    int64_t collateral;
} core_import_stats;

/* Imports path ("-" for stdin) in the caller's transaction. On failure err
 * reads "line N: field: problem" and the caller must roll back. */
ld_status core_import_jsonl(core_store *store, const core_session *who, const char *path,
                            core_import_stats *out, ld_error *err);

#endif
