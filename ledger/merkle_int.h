/*
 * merkle_int.h - the shape of RFC 6962 proofs, shared by the in-memory trees
 * (merkle.c) and the stored log (log_store.c).
 *
 * A proof is a list of MTHs of leaf ranges. Which ranges depends only on the
 * sizes and the index, never on the data, so it is computed once here and each
 * caller hashes the ranges from whatever holds its leaves. Every range produced
 * is a subtree of the RFC 6962 split: its begin is a multiple of a power of two
 * at least as large as its length, so it is a run of perfect subtrees whose sizes
 * are the binary digits of its length, largest first.
 */
#ifndef LEDGER_MERKLE_INT_H
#define LEDGER_MERKLE_INT_H

#include "merkle.h"

typedef struct ledger_range {
    uint64_t begin; /* first leaf */
    uint64_t end;   /* one past the last leaf */
} ledger_range;

/* The ranges whose roots form PATH(index, D[size]), in proof order.
 * Requires index < size. Returns how many (at most 64). */
size_t ledger_inclusion_ranges(uint64_t index, uint64_t size, ledger_range out[LEDGER_PROOF_MAX]);

/* The ranges whose roots form PROOF(old_size, D[new_size]), in proof order.
 * Requires 0 < old_size < new_size. Returns how many (at most 65). */
size_t ledger_consistency_ranges(uint64_t old_size, uint64_t new_size,
                                 ledger_range out[LEDGER_PROOF_MAX]);

/* Largest power of two strictly below n (n >= 2): the RFC 6962 split point. */
uint64_t ledger_split(uint64_t n);

/* Folds perfect-subtree roots, left to right in the tree, into the root of their
 * union: H(s0, H(s1, ... H(s[n-2], s[n-1]))). count >= 1. */
ld_status ledger_fold_subtrees(ledger_hasher *hasher, const ledger_hash *subtrees, size_t count,
                               ledger_hash *out, ld_error *err);

#endif
