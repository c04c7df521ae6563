/*
 * ledger_verify.h - what auditors run against the ledger: signed checkpoints,
 * full verification, export, offline verification of an export, and
 * inclusion and consistency proofs as JSON that can be checked offline.
 *
 * Verification (ledger_verify) trusts nothing in the database: the CA comes
 * from the auditor (ledger_verify_options), and every checkpoint is judged
 * under it (trust.h). It recomputes every leaf and stored subtree root
 * (ledger_log_verify_all), checks every checkpoint's signature and
 * certificate, that its root is the log's root at its size and that the last
 * covers the whole log; then replays the log: every journal entry in the database must
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
#include "pki.h"
#include "proof.h"
#include "trust.h"
#include "session.h"
#include "store.h"

/* What the auditor brings to every verification: the trust anchor (the CA
 * certificate file, or its SHA-256 fingerprint when the data's own CA
 * certificate is to be matched against it; one of the two is required) and,
 * optionally, a checkpoint block kept from earlier (trust.h), which the
 * current log must be consistent with. */
typedef struct ledger_verify_options {
    const char *ca_file;
    const char *ca_fingerprint;
    const char *since_path;
} ledger_verify_options;

/* Signs the log as it stands with the institution key (manager), when it has
 * grown since the newest checkpoint (start_size as ledger_checkpoint_seal
 * takes it), and returns the newest checkpoint as a block an auditor can keep
 * (malloc'd text, trust.h). */
ld_status ledger_checkpoint_make(core_store *store, const core_session *who,
                                 const uint64_t *start_size, ledger_key_fn key_fn, void *key_ctx,
                                 int64_t time, char **block_out, ledger_checkpoint *out,
                                 ld_error *err);

/* Judges the stored checkpoints of a log of size entries under the options'
 * anchor (trust.h: certificates from the database, roots from the stored
 * tree, no unsigned tail, the kept checkpoint when given). *count gets the
 * number of checkpoints. */
ld_status ledger_verify_checkpoints(core_store *store, const ledger_verify_options *opt,
                                    uint64_t size, uint64_t *count, ld_error *err);

/* That entry seq is covered by a checkpoint trusted under opt's anchor: the
 * first checkpoint beyond it is judged (trust.h) and the entry's own bytes,
 * hashed, are proven included in its signed root (RFC 6962 inclusion proof
 * from the stored tree). *size_out gets that checkpoint's size. LD_EVERIFY
 * when no checkpoint covers it or the proof fails. */
ld_status ledger_verify_entry_covered(core_store *store, const ledger_verify_options *opt,
                                      uint64_t seq, uint64_t *size_out, ld_error *err);

typedef struct ledger_verify_report {
    uint64_t entries;
    uint64_t checkpoints;
    uint64_t journal_entries;
    uint64_t loans;
    uint64_t rows;         /* rows of the covered tables compared with the log (rows.h) */
    uint64_t rows_format1; /* of them, compared on the columns format 1 images carried */
    uint64_t documents;    /* offline: archived files checked (verify_archive.h) */
} ledger_verify_report;

/* Full verification (auditor, manager) under opt's anchor. */
ld_status ledger_verify(core_store *store, const core_session *who,
                        const ledger_verify_options *opt, ledger_verify_report *out, ld_error *err);

/* Writes dir/entries.jsonl (one entry a line, the exact bytes hashed),
 * dir/checkpoints (one block per checkpoint, trust.h), dir/consistency (the
 * RFC 6962 consistency proof between each two consecutive checkpoints, one
 * line each: "OLD NEW HASH..."), dir/institution.pem (every institution
 * certificate, oldest first) and dir/ca.pem (the CA certificate, for
 * auditors who pinned only its fingerprint) (auditor, manager). The
 * directory is created when absent. */
ld_status ledger_export(core_store *store, const core_session *who, const char *dir,
                        ledger_verify_report *out, ld_error *err);

/* Verifies an export with no database under opt's anchor: every line
 * canonical, every journal in the entries balanced, every checkpoint judged
 * (trust.h) with its root recomputed from the entries, the last covering
 * every entry, the carried consistency proofs holding, and the kept
 * checkpoint consistent when given; with the customer archive's copy
 * (DIR/documents), every file against the SHA-256 the log recorded for it
 * (verify_archive.h). A missing checkpoints, certificate or
 * entries file is LD_EVERIFY; a missing directory LD_ENOTFOUND; no anchor
 * LD_EUSAGE. */
ld_status ledger_verify_offline(const char *dir, const ledger_verify_options *opt,
                                ledger_verify_report *out, ld_error *err);

/* Inclusion proof of entry index in the tree of size entries (size 0: the
 * size of the newest checkpoint), as {"type":"inclusion","index","size",
 * "entry","leaf_hash","root","proof":[hex...],"checkpoint","certificate"}.
 * Consistency proof between sizes as {"type":"consistency","old_size",
 * "new_size","old_root","new_root","proof","checkpoint","certificate"} (and
 * "old_checkpoint" when old_size has one). "checkpoint" is the block of the
 * signed checkpoint at size (new_size), "certificate" the institution
 * certificate that signed it: what lets an auditor check the root offline.
 * Auditor or manager. LD_EINVAL for sizes out of range or without a signed
 * checkpoint. */
ld_status ledger_prove_inclusion(core_store *store, const core_session *who, uint64_t index,
                                 uint64_t size, cJSON **out, ld_error *err);
ld_status ledger_prove_consistency(core_store *store, const core_session *who, uint64_t old_size,
                                   uint64_t new_size, cJSON **out, ld_error *err);

/* Checks a proof of either kind offline, and that its root is the one a
 * checkpoint signed by the institution (chained to opt's anchor) vouches
 * for. LD_EVERIFY when it does not hold, LD_EINVAL when it is malformed,
 * LD_EUSAGE without an anchor. */
ld_status ledger_proof_check(const cJSON *proof, const ledger_verify_options *opt, ld_error *err);

#endif
