/*
 * merkle.h - RFC 6962 Merkle tree hashing, inclusion and consistency proofs.
 *
 * The ledger is an RFC 6962 (RFC 9162 §2.1) Merkle tree over the canonical JSON
 * bytes of its entries (docs/design.md, "Ledger entries"):
 *
 *     leaf hash = SHA-256(0x00 || entry)
 *     node hash = SHA-256(0x01 || left || right)
 *     MTH({})   = SHA-256("")
 *
 * A tree of n leaves splits at k, the largest power of two below n; every hash
 * here follows that one rule, so a root computed by this file equals the root
 * any RFC 6962 implementation computes over the same bytes.
 *
 * Everything in this header is pure: hashes in, hashes out, no database. The
 * verification functions need nothing but the proof, sizes and hashes, so an
 * auditor can check a proof offline (`loandesk ledger verify-proof`).
 */
#ifndef LEDGER_MERKLE_H
#define LEDGER_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"

#define LEDGER_HASH_SIZE 32
#define LEDGER_HASH_HEX  (2 * LEDGER_HASH_SIZE + 1) /* 64 hex digits and a NUL */

/* Proofs for trees of up to 2^64 - 1 leaves never hold more than 64 hashes for
 * inclusion and 65 for consistency; 128 leaves room for a bad proof to be
 * rejected by its content rather than by a buffer limit. */
#define LEDGER_PROOF_MAX 128

typedef struct ledger_hash {
    uint8_t bytes[LEDGER_HASH_SIZE];
} ledger_hash;

/* An audit path or consistency proof, in RFC 6962 order (the hash nearest the
 * leaves first). A plain value: copy it, keep it on the stack. */
typedef struct ledger_proof {
    size_t count;
    ledger_hash hashes[LEDGER_PROOF_MAX];
} ledger_proof;

/* ---- Hashers ------------------------------------------------------------------
 * A hasher keeps one prepared SHA-256 context so that hashing millions of leaves
 * does not look the algorithm up each time. One hasher per thread. */
typedef struct ledger_hasher ledger_hasher;

/* Creates a hasher in *out (free with ledger_hasher_free). LD_EINTERNAL when
 * OpenSSL cannot provide SHA-256 or memory runs out. */
ld_status ledger_hasher_new(ledger_hasher **out, ld_error *err);
void ledger_hasher_free(ledger_hasher *hasher);

/* SHA-256(0x00 || entry), SHA-256(0x01 || left || right) and plain SHA-256.
 * LD_EINTERNAL only if OpenSSL fails. */
ld_status ledger_hasher_leaf(ledger_hasher *hasher, const void *entry, size_t len, ledger_hash *out,
                             ld_error *err);
ld_status ledger_hasher_node(ledger_hasher *hasher, const ledger_hash *left,
                             const ledger_hash *right, ledger_hash *out, ld_error *err);
ld_status ledger_hasher_sha256(ledger_hasher *hasher, const void *data, size_t len,
                               ledger_hash *out, ld_error *err);

/* One-shot forms of the above for occasional use. */
ld_status ledger_hash_leaf(const void *entry, size_t len, ledger_hash *out, ld_error *err);
ld_status ledger_hash_node(const ledger_hash *left, const ledger_hash *right, ledger_hash *out,
                           ld_error *err);

/* The root of the empty tree, SHA-256 of no bytes. */
void ledger_hash_empty(ledger_hash *out);

bool ledger_hash_equal(const ledger_hash *a, const ledger_hash *b);

/* Writes 64 lower-case hex digits and a NUL into hex; returns hex. */
char *ledger_hash_to_hex(const ledger_hash *hash, char hex[LEDGER_HASH_HEX]);

/* Parses exactly 64 hex digits (either case). LD_EINVAL naming field otherwise. */
ld_status ledger_hash_from_hex(const char *field, const char *hex, ledger_hash *out, ld_error *err);

/* ---- Trees held in memory -----------------------------------------------------
 * These take the leaf hashes of a whole tree (leaves[0..size)) and compute
 * roots and proofs by the RFC 6962 definitions. They cost O(size) and exist for
 * small trees, tests and tools; the stored log (log.h) reads O(log n) hashes. */

/* MTH(leaves[0..count)): the root over any run of leaf hashes. */
ld_status ledger_tree_root(const ledger_hash *leaves, uint64_t count, ledger_hash *out,
                           ld_error *err);

/* PATH(index, D[size]), RFC 6962 §2.1.1. LD_EINVAL unless index < size. */
ld_status ledger_tree_inclusion_proof(const ledger_hash *leaves, uint64_t size, uint64_t index,
                                      ledger_proof *out, ld_error *err);

/* PROOF(old_size, D[new_size]), RFC 6962 §2.1.2. LD_EINVAL unless
 * old_size <= new_size. Empty when old_size is 0 or equals new_size. */
ld_status ledger_tree_consistency_proof(const ledger_hash *leaves, uint64_t old_size,
                                        uint64_t new_size, ledger_proof *out, ld_error *err);

/* ---- Verification (pure, offline) ---------------------------------------------
 * Each returns true when the proof is valid. On false, err (when not NULL) holds
 * LD_EVERIFY and a one-line reason; a hashing failure inside OpenSSL also gives
 * false, with LD_EINTERNAL. Algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2. */

/* Recomputes the root from a leaf hash and its audit path. LD_EVERIFY when
 * index >= size or the path has the wrong length for (index, size). */
ld_status ledger_inclusion_root(uint64_t index, uint64_t size, const ledger_hash *leaf,
                                const ledger_hash *proof, size_t proof_count, ledger_hash *out,
                                ld_error *err);

/* True when the leaf hash sits at index in the tree of size leaves with root. */
bool ledger_inclusion_verify(uint64_t index, uint64_t size, const ledger_hash *leaf,
                             const ledger_hash *proof, size_t proof_count, const ledger_hash *root,
                             ld_error *err);

/* True when the tree of old_size leaves with old_root is a prefix of the tree
 * of new_size leaves with new_root. old_size 0 needs an empty proof and the
 * empty-tree root; equal sizes need an empty proof and equal roots. */
bool ledger_consistency_verify(uint64_t old_size, uint64_t new_size, const ledger_hash *old_root,
                               const ledger_hash *new_root, const ledger_hash *proof,
                               size_t proof_count, ld_error *err);

#endif
