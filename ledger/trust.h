/*
 * trust.h - what a signed checkpoint is worth, judged under a trust anchor the
 * auditor brings (docs/ledger.md, "What verify proves").
 *
 * A checkpoint counts only when:
 *   - its key line names, by SHA-256 fingerprint, a certificate that exists
 *     (in the database, or in the export's institution.pem);
 *   - that certificate chains to the auditor's CA (--ca FILE, or the CA the
 *     data carries when it has the fingerprint the auditor gave), both valid
 *     at the checkpoint's time;
 *   - it is the institution's checkpoint-signing certificate (organisational
 *     unit CORE_KEYSTORE_INSTITUTION_OU, not a CA): a user's certificate from
 *     the same CA never signs checkpoints;
 *   - the signature over the checkpoint text verifies with it;
 *   - checkpoints run in order (sizes and times never decrease), each root is
 *     the log's root at its size, and the last one covers the whole log: an
 *     entry no checkpoint covers is reported as an unsigned tail.
 *
 * A checkpoint kept by the auditor (--since) proves more: the log must still
 * hold its entries (no truncation below it) and be consistent with it (RFC
 * 6962 consistency proof to the newest checkpoint).
 *
 * The text form of a checkpoint block, used by exports, by `ledger
 * checkpoint` (an auditor keeps its output) and by --since files:
 *
 *     <checkpoint text, proof.h: 4 lines>
 *     signature <DER ECDSA signature in lower-case hex>
 *     key <SHA-256 fingerprint of the signing certificate>
 *     <empty line>
 */
#ifndef LEDGER_TRUST_H
#define LEDGER_TRUST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ld_error.h"
#include "log.h"
#include "pki.h"
#include "proof.h"
#include "store.h"

/* ---- Trust anchors ------------------------------------------------------------ */

typedef struct ledger_anchor {
    char *ca_pem; /* the CA certificate trusted (malloc'd) */
    size_t ca_len;
    char fingerprint[CORE_PKI_HEX_MAX];
} ledger_anchor;

/* Builds the anchor from what the auditor gave: the CA certificate file
 * ca_file, or only its fingerprint, which must then match data_ca_pem (the
 * CA certificate the database or export carries; may be NULL). Both given:
 * the file must have that fingerprint. LD_EUSAGE when neither is given,
 * LD_EVERIFY when a fingerprint does not match, LD_EINVAL for a file that
 * is not a certificate or a malformed fingerprint. */
ld_status ledger_anchor_load(const char *ca_file, const char *ca_fingerprint,
                             const char *data_ca_pem, ledger_anchor *out, ld_error *err);
void ledger_anchor_free(ledger_anchor *anchor);

/* ---- Checkpoint blocks -------------------------------------------------------- */

/* Writes one block (header comment) to f. LD_EINTERNAL on a write error. */
ld_status ledger_checkpoint_block_write(FILE *f, const ledger_checkpoint_record *r, ld_error *err);

/* The same block as a malloc'd string (caller frees). */
ld_status ledger_checkpoint_block_text(const ledger_checkpoint_record *r, char **out,
                                       ld_error *err);

/* Parses every block of text[0..len) into a new array (free with
 * ledger_checkpoint_records_free). LD_EVERIFY naming the block and line at
 * fault; an empty text gives zero records. */
ld_status ledger_checkpoint_blocks_parse(const char *text, size_t len,
                                         ledger_checkpoint_record **out, size_t *count,
                                         ld_error *err);

/* ---- Judging checkpoints ------------------------------------------------------ */

/* Finds a certificate by fingerprint: *pem_out (malloc'd) or LD_ENOTFOUND. */
typedef ld_status (*ledger_cert_lookup)(void *ctx, const char *fingerprint, char **pem_out,
                                        ld_error *err);

/* The root of the log's first size entries; called with sizes that never
 * decrease. */
typedef ld_status (*ledger_root_fn)(void *ctx, uint64_t size, ledger_hash *out, ld_error *err);

typedef struct ledger_trust ledger_trust;

/* A judge of checkpoints under anchor (borrowed; must outlive it). */
ld_status ledger_trust_new(const ledger_anchor *anchor, ledger_cert_lookup lookup, void *lookup_ctx,
                           ledger_trust **out, ld_error *err);
void ledger_trust_free(ledger_trust *trust);

/* Judges one checkpoint's signature (the certificate rules above). what names
 * it in messages ("checkpoint 3"). LD_EVERIFY with the reason. */
ld_status ledger_trust_checkpoint(ledger_trust *trust, const char *what,
                                  const ledger_checkpoint_record *r, ld_error *err);

/* Judges all checkpoints of a log of log_size entries: each signature, their
 * order, each root against root_fn, and that the last covers the whole log.
 * LD_EVERIFY naming the first checkpoint at fault or the uncovered range. */
ld_status ledger_trust_checkpoints(ledger_trust *trust, const ledger_checkpoint_record *cps,
                                   size_t n, uint64_t log_size, ledger_root_fn root_fn,
                                   void *root_ctx, ld_error *err);

/* Judges a checkpoint the auditor kept against a log of log_size entries
 * whose newest trusted checkpoint is latest: its signature, that the log
 * still holds its entries (root_fn at its size equals its root) and the RFC
 * 6962 consistency proof from it to latest. LD_EVERIFY naming truncation or
 * rewriting. */
ld_status ledger_trust_since(ledger_trust *trust, const ledger_checkpoint_record *kept,
                             const ledger_checkpoint_record *latest, uint64_t log_size,
                             ledger_root_fn root_fn, void *root_ctx, const ledger_proof *proof,
                             ld_error *err);

/* ---- Signing ------------------------------------------------------------------ */

/* Hands over the institution key and its certificate, read when first
 * needed (the log may have nothing to sign). */
typedef ld_status (*ledger_key_fn)(void *ctx, const core_pki_key **key, const char **cert_pem,
                                   ld_error *err);

/* Signs the log as it stands when it has grown beyond its newest checkpoint,
 * with the institution key key_fn gives, in the caller's transaction, stamped
 * at time (never before the newest checkpoint). start_size (NULL: no check)
 * is the log's size when the caller's unit of work began: if the newest
 * checkpoint did not cover exactly that much, entries were added outside
 * loandesk, and signing over them would launder them, so LD_EVERIFY naming
 * them and nothing is signed. *made says whether a
 * checkpoint was made; out (may be NULL) gets the newest checkpoint either
 * way (its signature and key_id are the caller's:
 * ledger_checkpoint_record_clear), or a zeroed record for an empty log never
 * signed. */
ld_status ledger_checkpoint_seal(core_store *store, const uint64_t *start_size,
                                 ledger_key_fn key_fn, void *key_ctx, int64_t time, bool *made,
                                 ledger_checkpoint_record *out, ld_error *err);

/* The number of entries in the store's log (a unit of work's start_size). */
ld_status ledger_store_log_size(core_store *store, uint64_t *out, ld_error *err);

/* The same on an open log, in a transaction the caller holds. */
ld_status ledger_log_seal(ledger_log *log, const uint64_t *start_size, ledger_key_fn key_fn,
                          void *key_ctx, int64_t time, bool *made, ledger_checkpoint_record *out,
                          ld_error *err);

/* Frees a record's signature and key_id and zeroes it. */
void ledger_checkpoint_record_clear(ledger_checkpoint_record *r);

#endif
