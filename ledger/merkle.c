/*
 * merkle.c - SHA-256 hashing of leaves and nodes, and roots and proofs of trees
 * held in memory (RFC 6962 §2.1).
 *
 * This is the one file of the ledger that calls OpenSSL. A hasher owns one
 * fetched SHA-256 implementation and one digest context, reused for every hash:
 * looking the algorithm up per hash would cost more than hashing a short entry.
 * Domain separation is the RFC's: 0x00 before a leaf, 0x01 before two children,
 * so no leaf can be passed off as an interior node.
 *
 * Proof shapes (which leaf ranges a proof is made of) come from the range
 * functions at the end; the in-memory proofs hash those ranges from the array of
 * leaf hashes, the stored log hashes them from its node table.
 */
#include "merkle.h"
#include "merkle_int.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "digest.h"

struct ledger_hasher {
    EVP_MD *md;
    EVP_MD_CTX *ctx;
};

static const uint8_t LEAF_PREFIX = 0x00;
static const uint8_t NODE_PREFIX = 0x01;

/* SHA-256 of 0x00 bytes: the RFC 6962 root of an empty tree. */
static const ledger_hash EMPTY_TREE = {{0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
                                        0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
                                        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
                                        0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55}};

static ld_status openssl_fail(ld_error *err, const char *what)
{
    char reason[256] = "unknown error";
    unsigned long code = ERR_get_error();
    if (code != 0)
        ERR_error_string_n(code, reason, sizeof reason);
    ERR_clear_error();
    return LD_FAIL(err, LD_EINTERNAL, "sha-256: %s failed: %s", what, reason);
}

ld_status ledger_hasher_new(ledger_hasher **out, ld_error *err)
{
    ledger_hasher *hasher = calloc(1, sizeof *hasher);
    if (hasher == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "sha-256: out of memory");
    hasher->md = EVP_MD_fetch(NULL, "SHA256", NULL);
    hasher->ctx = EVP_MD_CTX_new();
    if (hasher->md == NULL || hasher->ctx == NULL) {
        ld_status status = openssl_fail(err, "setup");
        ledger_hasher_free(hasher);
        return status;
    }
    *out = hasher;
    return LD_OK;
}

void ledger_hasher_free(ledger_hasher *hasher)
{
    if (hasher == NULL)
        return;
    EVP_MD_CTX_free(hasher->ctx);
    EVP_MD_free(hasher->md);
    free(hasher);
}

/* SHA-256 over up to three pieces, so prefixes need no copying. */
static ld_status digest3(ledger_hasher *hasher, const void *a, size_t a_len, const void *b,
                         size_t b_len, const void *c, size_t c_len, ledger_hash *out, ld_error *err)
{
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(hasher->ctx, hasher->md, NULL) != 1 ||
        (a_len > 0 && EVP_DigestUpdate(hasher->ctx, a, a_len) != 1) ||
        (b_len > 0 && EVP_DigestUpdate(hasher->ctx, b, b_len) != 1) ||
        (c_len > 0 && EVP_DigestUpdate(hasher->ctx, c, c_len) != 1) ||
        EVP_DigestFinal_ex(hasher->ctx, out->bytes, &len) != 1)
        return openssl_fail(err, "digest");
    assert(len == LEDGER_HASH_SIZE);
    return LD_OK;
}

/* Short inputs are joined with their prefix in one buffer: SHA-256 then reads
 * whole blocks straight from it instead of staging every block of an input
 * that starts one byte off. Measurably faster for ledger-sized entries. */
#define JOIN_MAX 1024

ld_status ledger_hasher_leaf(ledger_hasher *hasher, const void *entry, size_t len, ledger_hash *out,
                             ld_error *err)
{
    if (len < JOIN_MAX) {
        uint8_t joined[JOIN_MAX];
        joined[0] = LEAF_PREFIX;
        if (len > 0)
            memcpy(joined + 1, entry, len);
        return digest3(hasher, joined, len + 1, NULL, 0, NULL, 0, out, err);
    }
    return digest3(hasher, &LEAF_PREFIX, 1, entry, len, NULL, 0, out, err);
}

ld_status ledger_hasher_node(ledger_hasher *hasher, const ledger_hash *left,
                             const ledger_hash *right, ledger_hash *out, ld_error *err)
{
    uint8_t joined[1 + 2 * LEDGER_HASH_SIZE];
    joined[0] = NODE_PREFIX;
    memcpy(joined + 1, left->bytes, LEDGER_HASH_SIZE);
    memcpy(joined + 1 + LEDGER_HASH_SIZE, right->bytes, LEDGER_HASH_SIZE);
    return digest3(hasher, joined, sizeof joined, NULL, 0, NULL, 0, out, err);
}

ld_status ledger_hasher_sha256(ledger_hasher *hasher, const void *data, size_t len,
                               ledger_hash *out, ld_error *err)
{
    return digest3(hasher, data, len, NULL, 0, NULL, 0, out, err);
}

ld_status ledger_hash_leaf(const void *entry, size_t len, ledger_hash *out, ld_error *err)
{
    ledger_hasher *hasher = NULL;
    ld_status status = ledger_hasher_new(&hasher, err);
    if (status == LD_OK)
        status = ledger_hasher_leaf(hasher, entry, len, out, err);
    ledger_hasher_free(hasher);
    return status;
}

ld_status ledger_hash_node(const ledger_hash *left, const ledger_hash *right, ledger_hash *out,
                           ld_error *err)
{
    ledger_hasher *hasher = NULL;
    ld_status status = ledger_hasher_new(&hasher, err);
    if (status == LD_OK)
        status = ledger_hasher_node(hasher, left, right, out, err);
    ledger_hasher_free(hasher);
    return status;
}

void ledger_hash_empty(ledger_hash *out)
{
    *out = EMPTY_TREE;
}

bool ledger_hash_equal(const ledger_hash *a, const ledger_hash *b)
{
    return memcmp(a->bytes, b->bytes, LEDGER_HASH_SIZE) == 0;
}

char *ledger_hash_to_hex(const ledger_hash *hash, char hex[LEDGER_HASH_HEX])
{
    core_hex_encode(hash->bytes, LEDGER_HASH_SIZE, hex);
    return hex;
}

ld_status ledger_hash_from_hex(const char *field, const char *hex, ledger_hash *out, ld_error *err)
{
    ledger_hash hash;
    if (strnlen(hex, 2 * LEDGER_HASH_SIZE + 1) != 2 * LEDGER_HASH_SIZE ||
        !core_hex_decode(hex, 2 * LEDGER_HASH_SIZE, hash.bytes))
        return LD_FAIL(err, LD_EINVAL, "%s: must be 64 hex digits", field);
    *out = hash;
    return LD_OK;
}

/* ---- Proof shapes ------------------------------------------------------------ */

uint64_t ledger_split(uint64_t n)
{
    assert(n >= 2);
    return UINT64_C(1) << (63 - __builtin_clzll(n - 1));
}

size_t ledger_inclusion_ranges(uint64_t index, uint64_t size, ledger_range out[LEDGER_PROOF_MAX])
{
    assert(index < size);
    /* Walk down from the root; each step's sibling is one proof element, and the
     * proof lists them from the leaf up, so they are reversed at the end. */
    ledger_range top_down[64];
    size_t count = 0;
    uint64_t lo = 0, hi = size;
    while (hi - lo > 1) {
        uint64_t k = ledger_split(hi - lo);
        if (index < lo + k) {
            top_down[count++] = (ledger_range){lo + k, hi};
            hi = lo + k;
        } else {
            top_down[count++] = (ledger_range){lo, lo + k};
            lo += k;
        }
    }
    for (size_t i = 0; i < count; i++)
        out[i] = top_down[count - 1 - i];
    return count;
}

size_t ledger_consistency_ranges(uint64_t old_size, uint64_t new_size,
                                 ledger_range out[LEDGER_PROOF_MAX])
{
    assert(0 < old_size && old_size < new_size);
    /* SUBPROOF(m, D[lo:hi], b) of RFC 6962 §2.1.2 unrolled: old_size stays an
     * absolute leaf count, and `whole` is b, true while the current subtree
     * still starts at leaf 0 (its root is then the old root, which the verifier
     * already has, so it is left out). */
    ledger_range top_down[64];
    size_t count = 0, n = 0;
    uint64_t lo = 0, hi = new_size;
    bool whole = true;
    for (;;) {
        if (old_size == hi) {
            if (!whole)
                out[n++] = (ledger_range){lo, hi};
            break;
        }
        uint64_t k = ledger_split(hi - lo);
        if (old_size <= lo + k) {
            top_down[count++] = (ledger_range){lo + k, hi};
            hi = lo + k;
        } else {
            top_down[count++] = (ledger_range){lo, lo + k};
            lo += k;
            whole = false;
        }
    }
    for (size_t i = 0; i < count; i++)
        out[n++] = top_down[count - 1 - i];
    return n;
}

ld_status ledger_fold_subtrees(ledger_hasher *hasher, const ledger_hash *subtrees, size_t count,
                               ledger_hash *out, ld_error *err)
{
    assert(count >= 1);
    ledger_hash acc = subtrees[count - 1];
    for (size_t i = count - 1; i > 0; i--) {
        ld_status status = ledger_hasher_node(hasher, &subtrees[i - 1], &acc, &acc, err);
        if (status != LD_OK)
            return status;
    }
    *out = acc;
    return LD_OK;
}

/* ---- Trees in memory --------------------------------------------------------- */

/* MTH by one left-to-right pass: the stack holds the roots of the perfect
 * subtrees seen so far, largest first, so memory is O(log count). */
static ld_status tree_root(ledger_hasher *hasher, const ledger_hash *leaves, uint64_t count,
                           ledger_hash *out, ld_error *err)
{
    if (count == 0) {
        ledger_hash_empty(out);
        return LD_OK;
    }
    ledger_hash stack[65];
    size_t depth = 0;
    for (uint64_t i = 0; i < count; i++) {
        stack[depth++] = leaves[i];
        /* Leaf i closes one perfect subtree per trailing one bit of i. */
        for (uint64_t j = i; j & 1; j >>= 1) {
            ld_status status = ledger_hasher_node(hasher, &stack[depth - 2], &stack[depth - 1],
                                                  &stack[depth - 2], err);
            if (status != LD_OK)
                return status;
            depth--;
        }
    }
    return ledger_fold_subtrees(hasher, stack, depth, out, err);
}

ld_status ledger_tree_root(const ledger_hash *leaves, uint64_t count, ledger_hash *out,
                           ld_error *err)
{
    ledger_hasher *hasher = NULL;
    ld_status status = ledger_hasher_new(&hasher, err);
    if (status == LD_OK)
        status = tree_root(hasher, leaves, count, out, err);
    ledger_hasher_free(hasher);
    return status;
}

static ld_status hash_ranges(const ledger_hash *leaves, const ledger_range *ranges, size_t count,
                             ledger_proof *out, ld_error *err)
{
    ledger_proof proof = {.count = count};
    ledger_hasher *hasher = NULL;
    ld_status status = ledger_hasher_new(&hasher, err);
    for (size_t i = 0; status == LD_OK && i < count; i++)
        status = tree_root(hasher, leaves + ranges[i].begin, ranges[i].end - ranges[i].begin,
                           &proof.hashes[i], err);
    ledger_hasher_free(hasher);
    if (status == LD_OK)
        *out = proof;
    return status;
}

ld_status ledger_tree_inclusion_proof(const ledger_hash *leaves, uint64_t size, uint64_t index,
                                      ledger_proof *out, ld_error *err)
{
    if (index >= size)
        return LD_FAIL(err, LD_EINVAL, "index: %" PRIu64 " is not below the tree size %" PRIu64,
                       index, size);
    ledger_range ranges[LEDGER_PROOF_MAX];
    size_t count = ledger_inclusion_ranges(index, size, ranges);
    return hash_ranges(leaves, ranges, count, out, err);
}

ld_status ledger_tree_consistency_proof(const ledger_hash *leaves, uint64_t old_size,
                                        uint64_t new_size, ledger_proof *out, ld_error *err)
{
    if (old_size > new_size)
        return LD_FAIL(err, LD_EINVAL, "old_size: %" PRIu64 " is larger than new_size %" PRIu64,
                       old_size, new_size);
    if (old_size == 0 || old_size == new_size) {
        out->count = 0;
        return LD_OK;
    }
    ledger_range ranges[LEDGER_PROOF_MAX];
    size_t count = ledger_consistency_ranges(old_size, new_size, ranges);
    return hash_ranges(leaves, ranges, count, out, err);
}
