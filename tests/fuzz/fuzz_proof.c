/*
 * fuzz_proof.c - Merkle inclusion and consistency proofs (ledger/proof.c and
 * the JSON form checked by `loandesk ledger verify-proof`). The first byte
 * chooses how the rest is read:
 *
 *   0  a proof as JSON, for ledger_proof_check under a CA made at start-up
 *      whose key the input cannot know: never a crash, never accepted (no
 *      checkpoint in it can be signed under that CA), and a refusal is
 *      LD_EINVAL (malformed) or LD_EVERIFY (does not hold);
 *   1  an inclusion proof from a real tree of up to 200 leaves, then up to
 *      eight mutations (a hash changed, dropped or repeated, another index,
 *      size or leaf);
 *   2  the same for consistency proofs;
 *   3  sizes, hashes and a proof taken raw from the bytes (any 64-bit size).
 *
 * In modes 1 to 3 the verdict must equal that of a second, deliberately plain
 * verifier written here from the recursive definitions of RFC 6962 §2.1.1 and
 * §2.1.2, and an unmutated proof must be accepted. So a proof is accepted
 * exactly when it is valid.
 */
#include "fuzz.h"

#include <time.h>
#include <unistd.h>

#include "canonical_json.h"
#include "ledger_verify.h"
#include "merkle.h"
#include "pki.h"

typedef struct cursor {
    const uint8_t *p;
    size_t left;
} cursor;

static uint8_t take_byte(cursor *c)
{
    if (c->left == 0)
        return 0;
    c->left--;
    return *c->p++;
}

static uint64_t take_u64(cursor *c)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | take_byte(c);
    return v;
}

static void take_hash(cursor *c, ledger_hash *out)
{
    for (size_t i = 0; i < LEDGER_HASH_SIZE; i++)
        out->bytes[i] = take_byte(c);
}

/* ---- The plain verifier --------------------------------------------------- */

typedef struct plain_proof {
    const ledger_hash *hashes;
    size_t left; /* hashes not yet used, taken from the end */
    bool ok;
} plain_proof;

static ledger_hash node(const ledger_hash *left, const ledger_hash *right)
{
    ledger_hash out;
    FUZZ_CHECK(ledger_hash_node(left, right, &out, NULL) == LD_OK);
    return out;
}

static ledger_hash pop_last(plain_proof *proof)
{
    ledger_hash none = {{0}};
    if (proof->left == 0) {
        proof->ok = false;
        return none;
    }
    return proof->hashes[--proof->left];
}

/* The largest power of two below n (n > 1). */
static uint64_t split(uint64_t n)
{
    uint64_t k = 1;
    while (k < n - k)
        k <<= 1;
    return k;
}

/* PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) or PATH(m - k, D[k:n]) : MTH(D[0:k]). */
static ledger_hash plain_path_root(uint64_t m, uint64_t n, const ledger_hash *leaf,
                                   plain_proof *proof)
{
    if (n == 1)
        return *leaf;
    uint64_t k = split(n);
    ledger_hash sibling = pop_last(proof);
    if (!proof->ok)
        return sibling;
    if (m < k) {
        ledger_hash left = plain_path_root(m, k, leaf, proof);
        return node(&left, &sibling);
    }
    ledger_hash right = plain_path_root(m - k, n - k, leaf, proof);
    return node(&sibling, &right);
}

static bool plain_inclusion(uint64_t index, uint64_t size, const ledger_hash *leaf,
                            const ledger_hash *hashes, size_t count, const ledger_hash *root)
{
    if (index >= size)
        return false;
    plain_proof proof = {hashes, count, true};
    ledger_hash computed = plain_path_root(index, size, leaf, &proof);
    return proof.ok && proof.left == 0 && ledger_hash_equal(&computed, root);
}

/* SUBPROOF(m, D[n], b) read backwards: the roots of the old and new subtrees. */
static void plain_subproof(uint64_t m, uint64_t n, bool b, const ledger_hash *old_root,
                           plain_proof *proof, ledger_hash *old_out, ledger_hash *new_out)
{
    if (m == n) {
        *old_out = *new_out = b ? *old_root : pop_last(proof);
        return;
    }
    uint64_t k = split(n);
    ledger_hash sibling = pop_last(proof), old_sub = {{0}}, new_sub = {{0}};
    if (!proof->ok)
        return;
    if (m <= k) {
        plain_subproof(m, k, b, old_root, proof, &old_sub, &new_sub);
        *old_out = old_sub;
        *new_out = node(&new_sub, &sibling);
    } else {
        plain_subproof(m - k, n - k, false, old_root, proof, &old_sub, &new_sub);
        *old_out = node(&sibling, &old_sub);
        *new_out = node(&sibling, &new_sub);
    }
}

static bool plain_consistency(uint64_t old_size, uint64_t new_size, const ledger_hash *old_root,
                              const ledger_hash *new_root, const ledger_hash *hashes, size_t count)
{
    if (old_size > new_size)
        return false;
    if (old_size == 0) {
        ledger_hash empty;
        ledger_hash_empty(&empty);
        return count == 0 && ledger_hash_equal(old_root, &empty);
    }
    if (old_size == new_size)
        return count == 0 && ledger_hash_equal(old_root, new_root);
    plain_proof proof = {hashes, count, true};
    ledger_hash old_computed, new_computed;
    plain_subproof(old_size, new_size, true, old_root, &proof, &old_computed, &new_computed);
    return proof.ok && proof.left == 0 && ledger_hash_equal(&old_computed, old_root) &&
           ledger_hash_equal(&new_computed, new_root);
}

/* ---- Real trees and mutations --------------------------------------------- */

#define LEAVES_MAX 200

static ledger_hash leaves[LEAVES_MAX];

static void make_leaves(void)
{
    for (int i = 0; i < LEAVES_MAX; i++) {
        char entry[64];
        int n = snprintf(entry, sizeof entry, "{\"entry\":%d,\"type\":\"fuzz\"}", i);
        FUZZ_CHECK(ledger_hash_leaf(entry, (size_t)n, &leaves[i], NULL) == LD_OK);
    }
}

static ledger_hash root_of(uint64_t size)
{
    ledger_hash root;
    FUZZ_CHECK(ledger_tree_root(leaves, size, &root, NULL) == LD_OK);
    return root;
}

/* Applies one mutation chosen by the cursor to a proof. */
static void mutate_proof(cursor *c, ledger_proof *proof)
{
    uint8_t op = take_byte(c) % 3;
    size_t at = proof->count ? take_byte(c) % proof->count : 0;
    if (op == 0 && proof->count > 0) {
        proof->hashes[at].bytes[take_byte(c) % LEDGER_HASH_SIZE] ^=
            (uint8_t)(1u << (take_byte(c) % 8));
    } else if (op == 1 && proof->count > 0) {
        memmove(&proof->hashes[at], &proof->hashes[at + 1],
                (proof->count - at - 1) * sizeof proof->hashes[0]);
        proof->count--;
    } else if (op == 2 && proof->count < LEDGER_PROOF_MAX) {
        proof->hashes[proof->count] = proof->hashes[at];
        proof->count++;
    }
}

static void fuzz_inclusion(cursor *c)
{
    uint64_t n = 1 + take_byte(c) % LEAVES_MAX;
    uint64_t index = take_byte(c) % n;
    uint64_t size = index + 1 + take_byte(c) % (n - index);
    ledger_proof proof;
    FUZZ_CHECK(ledger_tree_inclusion_proof(leaves, size, index, &proof, NULL) == LD_OK);
    ledger_hash leaf = leaves[index], root = root_of(size);
    bool mutated = false;
    for (int i = 0; i < 8 && c->left > 0; i++) {
        mutated = true;
        switch (take_byte(c) % 5) {
        case 0:
            mutate_proof(c, &proof);
            break;
        case 1:
            index = take_byte(c) % (size + 2);
            break;
        case 2:
            size = take_byte(c) % (LEAVES_MAX + 2);
            break;
        case 3:
            leaf = leaves[take_byte(c) % LEAVES_MAX];
            break;
        default:
            root = root_of(take_byte(c) % LEAVES_MAX);
            break;
        }
    }
    ld_error err;
    bool got = ledger_inclusion_verify(index, size, &leaf, proof.hashes, proof.count, &root, &err);
    bool expected = plain_inclusion(index, size, &leaf, proof.hashes, proof.count, &root);
    FUZZ_CHECK(got == expected);
    FUZZ_CHECK(got || mutated);
    if (!got)
        FUZZ_CHECK(err.code == LD_EVERIFY);
}

static void fuzz_consistency(cursor *c)
{
    uint64_t new_size = take_byte(c) % (LEAVES_MAX + 1);
    uint64_t old_size = take_byte(c) % (new_size + 1);
    ledger_proof proof;
    FUZZ_CHECK(ledger_tree_consistency_proof(leaves, old_size, new_size, &proof, NULL) == LD_OK);
    ledger_hash old_root = root_of(old_size), new_root = root_of(new_size);
    bool mutated = false;
    for (int i = 0; i < 8 && c->left > 0; i++) {
        mutated = true;
        switch (take_byte(c) % 5) {
        case 0:
            mutate_proof(c, &proof);
            break;
        case 1:
            old_size = take_byte(c) % (LEAVES_MAX + 1);
            break;
        case 2:
            new_size = take_byte(c) % (LEAVES_MAX + 1);
            break;
        case 3:
            old_root = root_of(take_byte(c) % (LEAVES_MAX + 1));
            break;
        default:
            new_root = root_of(take_byte(c) % (LEAVES_MAX + 1));
            break;
        }
    }
    ld_error err;
    bool got = ledger_consistency_verify(old_size, new_size, &old_root, &new_root, proof.hashes,
                                         proof.count, &err);
    bool expected =
        plain_consistency(old_size, new_size, &old_root, &new_root, proof.hashes, proof.count);
    FUZZ_CHECK(got == expected);
    FUZZ_CHECK(got || mutated);
    if (!got)
        FUZZ_CHECK(err.code == LD_EVERIFY);
}

static void fuzz_raw(cursor *c)
{
    bool inclusion = take_byte(c) & 1;
    uint64_t a = take_u64(c), b = take_u64(c);
    ledger_hash first, second;
    take_hash(c, &first);
    take_hash(c, &second);
    ledger_proof proof;
    proof.count = 0;
    while (c->left > 0 && proof.count < LEDGER_PROOF_MAX)
        take_hash(c, &proof.hashes[proof.count++]);
    if (inclusion)
        FUZZ_CHECK(
            ledger_inclusion_verify(a, b, &first, proof.hashes, proof.count, &second, NULL) ==
            plain_inclusion(a, b, &first, proof.hashes, proof.count, &second));
    else
        FUZZ_CHECK(
            ledger_consistency_verify(a, b, &first, &second, proof.hashes, proof.count, NULL) ==
            plain_consistency(a, b, &first, &second, proof.hashes, proof.count));
}

static char anchor_path[64];

static void remove_anchor(void)
{
    unlink(anchor_path);
}

/* A CA certificate in a file of its own, as an auditor holds one. */
static void make_anchor(void)
{
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(anchor_path, sizeof anchor_path, "%s/loandesk-fuzz-ca-XXXXXX", base);
    int fd = mkstemp(anchor_path);
    FUZZ_CHECK(fd >= 0);
    close(fd);
    atexit(remove_anchor);
    core_pki_key *key = NULL;
    char *pem = NULL;
    core_pki_subject subject = {"loandesk fuzz CA", "certification authority", "loandesk"};
    FUZZ_CHECK(core_pki_key_generate(&key, NULL) == LD_OK);
    FUZZ_CHECK(core_pki_ca_cert_create(key, &subject, 30, time(NULL), &pem, NULL) == LD_OK);
    FILE *f = fopen(anchor_path, "wb");
    FUZZ_CHECK(f != NULL);
    fputs(pem, f);
    FUZZ_CHECK(fclose(f) == 0);
    free(pem);
    core_pki_key_free(key);
}

static void fuzz_json(const uint8_t *data, size_t size)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
    if (doc == NULL)
        return;
    ld_error err;
    ledger_verify_options anchor = {.ca_file = anchor_path};
    ld_status st = ledger_proof_check(doc, &anchor, &err);
    FUZZ_CHECK((st == LD_EINVAL || st == LD_EVERIFY) && err.code == st);
    cJSON_Delete(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        make_leaves();
        make_anchor();
        ready = true;
    }
    if (size == 0)
        return 0;
    cursor c = {data + 1, size - 1};
    switch (data[0] % 4) {
    case 0:
        fuzz_json(data + 1, size - 1);
        break;
    case 1:
        fuzz_inclusion(&c);
        break;
    case 2:
        fuzz_consistency(&c);
        break;
    default:
        fuzz_raw(&c);
        break;
    }
    return 0;
}
