/*
 * ledger_verify.h - what auditors run against the ledger: signed checkpoints,
 * full verification, export, offline verification of an export, and
 * inclusion and consistency proofs as JSON that can be checked offline.
 *
 * Verification (ledger_verify) trusts nothing in the database but the
 * institution's certificate: it recomputes every leaf and stored subtree root
 * (ledger_log_verify_all), checks every checkpoint's signature, that its root
 * is the log's root at its size and that consecutive checkpoints are
 * consistent; then replays the log: every journal entry in the database must
 * be exactly one the log recorded and vice versa, every loan's balances must
 * be what the log's last entry about it says, or, for loans untouched since
 * the last close of business, what that close's state digest covers; and the
 * sub-ledger must equal the control accounts (ledger_reconcile). Any
 * difference is LD_EVERIFY naming the first bad entry or record.
 */
#ifndef LEDGER_VERIFY_H
#define LEDGER_VERIFY_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "ld_error.h"
#include "proof.h"
#include "session.h"
#include "store.h"

/* Signs the log as it stands with the institution key unlocked by password
 * (manager; the admin's password unlocks the key) and stores the checkpoint.
 * LD_EPERM for a wrong password. */
ld_status ledger_checkpoint_make(core_store *store, const core_session *who, const char *password,
                                 ledger_checkpoint *out, ld_error *err);

typedef struct ledger_verify_report {
    uint64_t entries;
    uint64_t checkpoints;
    uint64_t journal_entries;
    uint64_t loans;
    uint64_t rows; /* rows of the covered tables compared with the log (rows.h) */
} ledger_verify_report;

/* Full verification (auditor, manager). */
ld_status ledger_verify(core_store *store, const core_session *who, ledger_verify_report *out,
                        ld_error *err);

/* Writes dir/entries.jsonl (one entry a line, the exact bytes hashed),
 * dir/checkpoints (each checkpoint's signed text, then "signature HEX" and
 * "key ID" lines and a blank line) and dir/institution.pem (auditor,
 * manager). The directory is created when absent. */
ld_status ledger_export(core_store *store, const core_session *who, const char *dir,
                        ledger_verify_report *out, ld_error *err);

/* Verifies an export with no database: every line canonical, every
 * checkpoint's root recomputed from the entries and its signature checked
 * with the exported certificate, every journal in the entries balanced.
 * LD_EVERIFY naming the first bad line or checkpoint. */
ld_status ledger_verify_offline(const char *dir, ledger_verify_report *out, ld_error *err);

/* Inclusion proof of entry index in the tree of size entries (size 0: the
 * whole log), as {"type":"inclusion","index","size","entry","leaf_hash",
 * "root","proof":[hex...]}. Consistency proof between sizes as
 * {"type":"consistency","old_size","new_size","old_root","new_root","proof"}.
 * Auditor or manager. LD_EINVAL for sizes out of range. */
ld_status ledger_prove_inclusion(core_store *store, const core_session *who, uint64_t index,
                                 uint64_t size, cJSON **out, ld_error *err);
ld_status ledger_prove_consistency(core_store *store, const core_session *who, uint64_t old_size,
                                   uint64_t new_size, cJSON **out, ld_error *err);

/* Checks a proof of either kind offline. LD_EVERIFY when it does not hold,
 * LD_EINVAL when it is malformed. */
ld_status ledger_proof_check(const cJSON *proof, ld_error *err);

#endif
