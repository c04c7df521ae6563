/*
 * log.h - the ledger's tamper-evident log kept in SQLite.
 *
 * Entries are canonical JSON (canonical_json.h) numbered from 0 in the order
 * appended; the log is the RFC 6962 Merkle tree over them (merkle.h). Three
 * tables hold it, created on open when absent:
 *
 *   ledger_entry(seq INTEGER PRIMARY KEY, body BLOB NOT NULL, leaf_hash BLOB NOT NULL)
 *       one row per entry, seq = 0, 1, 2, ... without gaps; body is the exact
 *       bytes hashed, leaf_hash = SHA-256(0x00 || body).
 *   ledger_node(level, idx, hash, PRIMARY KEY(level, idx)) WITHOUT ROWID
 *       the root of every complete subtree from level 2 up: (level, idx) covers
 *       entries [idx * 2^level, (idx + 1) * 2^level). Written when its last
 *       entry is appended and never changed. Level-1 roots are recomputed from
 *       two leaf hashes instead of stored, which halves this table.
 *   ledger_checkpoint(id INTEGER PRIMARY KEY, size, root, time, signature, key_id)
 *       signed (size, root, time) statements, in the order made.
 *
 * Any root, inclusion proof or consistency proof is a fold of at most ~2 log2 n
 * stored subtree roots, so each reads O(log n) rows whatever the log's size.
 *
 * Transactions belong to the caller: an append is part of the change it
 * records, so the caller's transaction covers both. If any function here fails
 * inside a transaction, the caller must roll the transaction back. The handle
 * keeps no state between calls beyond prepared statements, so a rolled-back
 * append leaves nothing stale behind.
 *
 * Speed depends on the connection: every sqlite3_step and sqlite3_column_*
 * takes the connection mutex in SQLite's default serialized mode, which costs
 * appends about a third of their rate and verify_all a fifth. A process that
 * uses each connection from one thread should open it with
 * SQLITE_OPEN_NOMUTEX (see bench/bench_log.c for the settings measured).
 */
#ifndef LEDGER_LOG_H
#define LEDGER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"
#include "merkle.h"
#include "proof.h"

typedef struct sqlite3 sqlite3;
typedef struct ledger_log ledger_log;

/* ---- Opening ----------------------------------------------------------------- */

/* Opens the log stored in db, creating its tables if absent. db stays owned by
 * the caller and must outlive the handle. LD_EINTERNAL on SQLite failure. */
ld_status ledger_log_open(sqlite3 *db, ledger_log **out, ld_error *err);

/* Finalises the prepared statements; the connection stays open. NULL is fine. */
void ledger_log_close(ledger_log *log);

/* ---- Writing ----------------------------------------------------------------- */

/* Appends one entry: canonical_json[0..len) must be a canonical JSON object
 * (LD_EINVAL otherwise, with the reason). Stores it with its leaf hash and the
 * roots of the subtrees it completes; *seq_out gets its number. Does not begin
 * or commit a transaction. LD_EVERIFY when the stored tree it extends is
 * damaged (a subtree root it needs is missing); LD_EINTERNAL on SQLite failure. */
ld_status ledger_log_append(ledger_log *log, const char *canonical_json, size_t len,
                            uint64_t *seq_out, ld_error *err);

/* ---- Reading ----------------------------------------------------------------- */

/* Number of entries (one more than the highest seq). */
ld_status ledger_log_size(ledger_log *log, uint64_t *out, ld_error *err);

/* Root of the tree of the first size entries (the empty-tree root for 0).
 * LD_EINVAL when size exceeds the log; LD_EVERIFY when a stored hash it needs
 * is missing or malformed. */
ld_status ledger_log_root(ledger_log *log, uint64_t size, ledger_hash *out, ld_error *err);

/* Stored leaf hash of entry index. LD_ENOTFOUND when there is none. */
ld_status ledger_log_leaf_hash(ledger_log *log, uint64_t index, ledger_hash *out, ld_error *err);

/* Audit path of entry index in the tree of the first size entries.
 * LD_EINVAL unless index < size <= log size. */
ld_status ledger_log_inclusion_proof(ledger_log *log, uint64_t index, uint64_t size,
                                     ledger_proof *out, ld_error *err);

/* Proof that the tree of old_size entries is a prefix of that of new_size.
 * LD_EINVAL unless old_size <= new_size <= log size. Empty when old_size is 0
 * or equals new_size. */
ld_status ledger_log_consistency_proof(ledger_log *log, uint64_t old_size, uint64_t new_size,
                                       ledger_proof *out, ld_error *err);

/* ---- Verifying --------------------------------------------------------------- */

/* Recomputes every leaf hash from the stored bodies and every subtree root from
 * those, and compares them with what is stored. LD_OK when all agree.
 * LD_EVERIFY, with *first_bad set to the first entry found wrong, when:
 *   - a seq is missing (deleted row) or out of place (inserted row): the first
 *     seq not where it should be;
 *   - a body does not hash to its stored leaf hash (changed or swapped body):
 *     that entry;
 *   - a stored subtree root differs, is missing or is extra (rows rewritten with
 *     matching leaf hashes, reordered, or removed from the end): the first
 *     entry of the smallest such subtree (stored subtrees start at 4 entries,
 *     so this is exact to a group of four), or the log size for extra ones.
 * Changes to the last entries that no complete subtree covers yet can only be
 * caught against a signed checkpoint, which the caller compares with
 * ledger_log_root. LD_EINTERNAL on SQLite failure. */
ld_status ledger_log_verify_all(ledger_log *log, uint64_t *first_bad, ld_error *err);

/* ---- Reading entries in order (export) ------------------------------------- */

typedef struct ledger_log_iter ledger_log_iter;

typedef struct ledger_log_entry {
    uint64_t seq;
    const char *body; /* canonical JSON, not NUL-terminated; valid until the next call */
    size_t len;
    ledger_hash leaf_hash; /* as stored */
} ledger_log_entry;

/* Starts reading at entry first_seq. Free with ledger_log_iter_free before
 * closing the log. */
ld_status ledger_log_iter_new(ledger_log *log, uint64_t first_seq, ledger_log_iter **out,
                              ld_error *err);

/* Fills *entry with the next entry and sets *has_entry, or sets *has_entry to
 * false at the end. LD_EVERIFY when the stored seqs skip a number. */
ld_status ledger_log_iter_next(ledger_log_iter *iter, bool *has_entry, ledger_log_entry *entry,
                               ld_error *err);
void ledger_log_iter_free(ledger_log_iter *iter);

/* ---- Checkpoints ------------------------------------------------------------- */

/* The checkpoint of the log as it stands: current size, its root, and time. */
ld_status ledger_log_checkpoint_current(ledger_log *log, int64_t time, ledger_checkpoint *out,
                                        ld_error *err);

/* Stores a signed checkpoint. The signature is over ledger_checkpoint_text; it
 * is stored as given (checking it is the signer's business). LD_EINVAL when the
 * checkpoint's size exceeds the log, its root is not the log's root at that
 * size, or key_id is empty. */
ld_status ledger_log_checkpoint_insert(ledger_log *log, const ledger_checkpoint *checkpoint,
                                       const uint8_t *signature, size_t signature_len,
                                       const char *key_id, ld_error *err);

typedef struct ledger_checkpoint_record {
    ledger_checkpoint checkpoint;
    uint8_t *signature;
    size_t signature_len;
    char *key_id;
} ledger_checkpoint_record;

/* All stored checkpoints in the order stored, in a new array *out of *count
 * records (free with ledger_checkpoint_records_free). LD_EVERIFY when a stored
 * row is malformed (negative size or time, root not 32 bytes). */
ld_status ledger_log_checkpoint_list(ledger_log *log, ledger_checkpoint_record **out, size_t *count,
                                     ld_error *err);
void ledger_checkpoint_records_free(ledger_checkpoint_record *records, size_t count);

/* The newest stored checkpoint into *out (signature and key_id malloc'd,
 * the caller's) with *has true, or *has false when there is none. */
ld_status ledger_log_checkpoint_last(ledger_log *log, ledger_checkpoint_record *out, bool *has,
                                     ld_error *err);

#endif
