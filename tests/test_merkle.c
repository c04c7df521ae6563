/*
 * test_merkle.c - RFC 6962 hashing and proofs against the known-answer vectors
 * of the certificate-transparency test suites (transparency-dev/merkle
 * proof/verify_test.go, the classic eight leaves), then every proof of every
 * small tree generated and verified, and every way of spoiling a proof rejected:
 * a flipped bit in each element, wrong index or sizes, wrong roots, truncated,
 * extended and padded proofs.
 */
#include <stdlib.h>

#include "check.h"
#include "merkle.h"
#include "merkle_int.h"

/* The eight leaves of the CT test suites and the roots of their prefixes. */
static const struct {
    const char *data;
    size_t len;
} LEAVES[8] = {
    {"", 0},
    {"\x00", 1},
    {"\x10", 1},
    {"\x20\x21", 2},
    {"\x30\x31", 2},
    {"\x40\x41\x42\x43", 4},
    {"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
    {"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
};

static const char *ROOTS[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static const char *EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
static const char *SOME_HASH = "abacaba000000000000000000000000000000000000000000060061e00123456";

/* Inclusion vectors: leaf index (0-based) in a tree of size, and the path. */
static const struct {
    uint64_t index, size;
    size_t count;
    const char *path[3];
} INCLUSION[] = {
    {0, 1, 0, {NULL}},
    {0,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const struct {
    uint64_t old_size, new_size;
    size_t count;
    const char *proof[3];
} CONSISTENCY[] = {
    {1, 1, 0, {NULL}},
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

static ledger_hash hx(const char *hex)
{
    ledger_hash h;
    ld_error err;
    if (ledger_hash_from_hex("test", hex, &h, &err) != LD_OK) {
        fprintf(stderr, "bad test hex %s\n", hex);
        abort();
    }
    return h;
}

static void kat_leaves(ledger_hash out[8])
{
    ld_error err;
    for (size_t i = 0; i < 8; i++)
        CHECK_INT(ledger_hash_leaf(LEAVES[i].data, LEAVES[i].len, &out[i], &err), LD_OK);
}

static void hash_empty_and_leaf_known_answers(void)
{
    ledger_hash h;
    ledger_hash_empty(&h);
    char hex[LEDGER_HASH_HEX];
    CHECK_STR(ledger_hash_to_hex(&h, hex), EMPTY_ROOT);
    ld_error err;
    CHECK_INT(ledger_tree_root(NULL, 0, &h, &err), LD_OK);
    CHECK_STR(ledger_hash_to_hex(&h, hex), EMPTY_ROOT);
    /* The leaf hash of the empty entry is the root of the one-leaf tree. */
    CHECK_INT(ledger_hash_leaf("", 0, &h, &err), LD_OK);
    CHECK_STR(ledger_hash_to_hex(&h, hex), ROOTS[0]);
    /* Plain SHA-256 of "abc" (FIPS 180-2) through the hasher. */
    ledger_hasher *hasher = NULL;
    CHECK_INT(ledger_hasher_new(&hasher, &err), LD_OK);
    CHECK_INT(ledger_hasher_sha256(hasher, "abc", 3, &h, &err), LD_OK);
    CHECK_STR(ledger_hash_to_hex(&h, hex),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ledger_hasher_free(hasher);
    ledger_hasher_free(NULL);
}

static void hash_hex_round_trip_and_rejects_bad_text(void)
{
    ledger_hash h = hx(ROOTS[7]), back;
    char hex[LEDGER_HASH_HEX];
    ld_error err;
    CHECK_INT(ledger_hash_from_hex("root", ledger_hash_to_hex(&h, hex), &back, &err), LD_OK);
    CHECK(ledger_hash_equal(&h, &back));
    CHECK_INT(ledger_hash_from_hex("root",
                                   "5DC9DA79A70659A9AD559CB701DED9A2AB9D823AAD2F4960CFE370EF"
                                   "F4604328",
                                   &back, &err),
              LD_OK);
    CHECK(ledger_hash_equal(&h, &back));
    static const char *bad[] = {"",
                                "5dc9",
                                "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff460432",
                                "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff46043280",
                                "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff460432g",
                                " dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        back = h;
        CHECK_INT(ledger_hash_from_hex("checkpoints[2].root", bad[i], &back, &err), LD_EINVAL);
        CHECK_CONTAINS(err.message, "checkpoints[2].root");
        CHECK(ledger_hash_equal(&h, &back));
    }
}

static void tree_roots_match_known_answers_for_sizes_1_to_8(void)
{
    ledger_hash leaves[8];
    kat_leaves(leaves);
    for (uint64_t size = 1; size <= 8; size++) {
        ledger_hash root;
        ld_error err;
        char hex[LEDGER_HASH_HEX];
        CHECK_INT(ledger_tree_root(leaves, size, &root, &err), LD_OK);
        CHECK_STR(ledger_hash_to_hex(&root, hex), ROOTS[size - 1]);
    }
}

/* ---- Spoiled inclusion proofs --------------------------------------------- */

static bool inclusion_ok(uint64_t index, uint64_t size, const ledger_hash *leaf,
                         const ledger_hash *proof, size_t count, const ledger_hash *root)
{
    ld_error err;
    ld_error_clear(&err);
    bool ok = ledger_inclusion_verify(index, size, leaf, proof, count, root, &err);
    if (!ok && err.code != LD_EVERIFY) {
        fprintf(stderr, "inclusion verify failed with code %d: %s\n", err.code, err.message);
        check_failures++;
    }
    return ok;
}

/* Checks that the proof verifies and that every corruption of it does not
 * (the probes of transparency-dev's corruptInclusionProof, and more). */
static void check_inclusion_and_corruptions(uint64_t index, uint64_t size, const ledger_hash *leaf,
                                            const ledger_proof *proof, const ledger_hash *root)
{
    CHECK(inclusion_ok(index, size, leaf, proof->hashes, proof->count, root));
    ledger_hash empty = hx(EMPTY_ROOT), some = hx(SOME_HASH), wrong_leaf;
    ld_error err;
    CHECK_INT(ledger_hash_leaf("WrongLeaf", 9, &wrong_leaf, &err), LD_OK);
    const ledger_hash *p = proof->hashes;
    size_t n = proof->count;

    CHECK(!inclusion_ok(index - 1, size, leaf, p, n, root)); /* wraps to huge when 0 */
    CHECK(!inclusion_ok(index + 1, size, leaf, p, n, root));
    CHECK(!inclusion_ok(index ^ 2, size, leaf, p, n, root));
    CHECK(!inclusion_ok(index, size * 2, leaf, p, n, root));
    CHECK(!inclusion_ok(index, size / 2, leaf, p, n, root));
    /* Not size + 1: a path can fit two neighbouring sizes (index 0 of 3 or 4
     * leaves hashes the same way); the signed checkpoint binds size to root. */
    CHECK(!inclusion_ok(index, size, &wrong_leaf, p, n, root));
    CHECK(!inclusion_ok(index, size, leaf, p, n, &empty));
    CHECK(!inclusion_ok(index, size, leaf, p, n, &some));

    ledger_proof spoiled = *proof;
    if (n + 1 < LEDGER_PROOF_MAX) {
        /* Trailing and leading extras. */
        spoiled.hashes[n] = empty;
        CHECK(!inclusion_ok(index, size, leaf, spoiled.hashes, n + 1, root));
        spoiled.hashes[n] = *root;
        CHECK(!inclusion_ok(index, size, leaf, spoiled.hashes, n + 1, root));
        spoiled.hashes[0] = *root;
        for (size_t i = 0; i < n; i++)
            spoiled.hashes[i + 1] = p[i];
        CHECK(!inclusion_ok(index, size, leaf, spoiled.hashes, n + 1, root));
        spoiled.hashes[0] = empty;
        CHECK(!inclusion_ok(index, size, leaf, spoiled.hashes, n + 1, root));
    }
    for (size_t i = 0; i < n; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            spoiled = *proof;
            spoiled.hashes[i].bytes[0] ^= (uint8_t)(1u << bit);
            CHECK(!inclusion_ok(index, size, leaf, spoiled.hashes, n, root));
            spoiled = *proof;
            spoiled.hashes[i].bytes[LEDGER_HASH_SIZE - 1] ^= (uint8_t)(1u << bit);
            CHECK(!inclusion_ok(index, size, leaf, spoiled.hashes, n, root));
        }
    }
    if (n > 0) {
        CHECK(!inclusion_ok(index, size, leaf, p, n - 1, root)); /* truncated */
        CHECK(!inclusion_ok(index, size, leaf, p + 1, n - 1, root));
    }
    if (n > 1) {
        /* An element inserted in the middle; two elements swapped. */
        spoiled = *proof;
        spoiled.hashes[1] = some;
        for (size_t i = 1; i < n; i++)
            spoiled.hashes[i + 1] = p[i];
        CHECK(!inclusion_ok(index, size, leaf, spoiled.hashes, n + 1, root));
        spoiled = *proof;
        spoiled.hashes[0] = p[1];
        spoiled.hashes[1] = p[0];
        CHECK(!inclusion_ok(index, size, leaf, spoiled.hashes, n, root) ||
              ledger_hash_equal(&p[0], &p[1]));
    }
}

static void inclusion_proofs_match_known_answers(void)
{
    ledger_hash leaves[8];
    kat_leaves(leaves);
    for (size_t t = 0; t < sizeof INCLUSION / sizeof INCLUSION[0]; t++) {
        ledger_proof proof;
        ld_error err;
        CHECK_INT(ledger_tree_inclusion_proof(leaves, INCLUSION[t].size, INCLUSION[t].index, &proof,
                                              &err),
                  LD_OK);
        CHECK_INT(proof.count, INCLUSION[t].count);
        for (size_t i = 0; i < proof.count && i < INCLUSION[t].count; i++) {
            ledger_hash want = hx(INCLUSION[t].path[i]);
            if (!ledger_hash_equal(&proof.hashes[i], &want)) {
                fprintf(stderr, "inclusion vector %zu element %zu differs\n", t, i);
                check_failures++;
            }
        }
        ledger_hash root = hx(ROOTS[INCLUSION[t].size - 1]);
        check_inclusion_and_corruptions(INCLUSION[t].index, INCLUSION[t].size,
                                        &leaves[INCLUSION[t].index], &proof, &root);
    }
}

static void inclusion_rejects_impossible_index_and_size(void)
{
    ledger_hash some = hx(SOME_HASH), empty = hx(EMPTY_ROOT);
    static const uint64_t probes[][2] = {{0, 0}, {1, 0}, {2, 1}, {5, 5}, {UINT64_MAX, 3}};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        CHECK(!inclusion_ok(probes[i][0], probes[i][1], &some, NULL, 0, &empty));
        CHECK(!inclusion_ok(probes[i][0], probes[i][1], &some, NULL, 0, &some));
    }
    /* A one-leaf tree: the leaf is the root and the path is empty. */
    CHECK(inclusion_ok(0, 1, &some, NULL, 0, &some));
    CHECK(!inclusion_ok(0, 1, &some, &some, 1, &some));
    ledger_proof proof;
    ld_error err;
    ledger_hash leaves[8];
    kat_leaves(leaves);
    CHECK_INT(ledger_tree_inclusion_proof(leaves, 8, 8, &proof, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "index");
}

/* ---- Spoiled consistency proofs ------------------------------------------- */

static bool consistency_ok(uint64_t old_size, uint64_t new_size, const ledger_hash *old_root,
                           const ledger_hash *new_root, const ledger_hash *proof, size_t count)
{
    ld_error err;
    ld_error_clear(&err);
    bool ok = ledger_consistency_verify(old_size, new_size, old_root, new_root, proof, count, &err);
    if (!ok && err.code != LD_EVERIFY) {
        fprintf(stderr, "consistency verify failed with code %d: %s\n", err.code, err.message);
        check_failures++;
    }
    return ok;
}

static void check_consistency_and_corruptions(uint64_t m, uint64_t n, const ledger_hash *r1,
                                              const ledger_hash *r2, const ledger_proof *proof)
{
    CHECK(consistency_ok(m, n, r1, r2, proof->hashes, proof->count));
    size_t len = proof->count;
    if (len == 0)
        return;
    const ledger_hash *p = proof->hashes;
    ledger_hash wrong = hx(SOME_HASH);
    CHECK(!consistency_ok(m - 1, n, r1, r2, p, len));
    CHECK(!consistency_ok(m + 1, n, r1, r2, p, len));
    CHECK(!consistency_ok(m ^ 2, n, r1, r2, p, len));
    CHECK(!consistency_ok(m, n * 2, r1, r2, p, len));
    CHECK(!consistency_ok(m, n / 2, r1, r2, p, len));
    CHECK(!consistency_ok(n, m, r2, r1, p, len));
    CHECK(!consistency_ok(m, n, &wrong, r2, p, len));
    CHECK(!consistency_ok(m, n, r1, &wrong, p, len));
    CHECK(!consistency_ok(m, n, r2, r1, p, len));
    CHECK(!consistency_ok(m, n, r1, r2, p, 0));
    CHECK(!consistency_ok(m, n, r1, r2, p, len - 1)); /* truncated */
    CHECK(!consistency_ok(m, n, r1, r2, p + 1, len - 1));

    ledger_proof spoiled = *proof;
    const ledger_hash *extras[] = {&wrong, r1, r2, &p[0]};
    for (size_t e = 0; e < 4; e++) {
        spoiled = *proof;
        spoiled.hashes[len] = *extras[e];
        CHECK(!consistency_ok(m, n, r1, r2, spoiled.hashes, len + 1));
        spoiled.hashes[0] = *extras[e];
        for (size_t i = 0; i < len; i++)
            spoiled.hashes[i + 1] = p[i];
        CHECK(!consistency_ok(m, n, r1, r2, spoiled.hashes, len + 1));
    }
    for (size_t i = 0; i < len; i++) {
        spoiled = *proof;
        spoiled.hashes[i].bytes[0] ^= 16;
        CHECK(!consistency_ok(m, n, r1, r2, spoiled.hashes, len));
        spoiled = *proof;
        spoiled.hashes[i].bytes[31] ^= 1;
        CHECK(!consistency_ok(m, n, r1, r2, spoiled.hashes, len));
    }
}

static void consistency_proofs_match_known_answers(void)
{
    ledger_hash leaves[8];
    kat_leaves(leaves);
    for (size_t t = 0; t < sizeof CONSISTENCY / sizeof CONSISTENCY[0]; t++) {
        ledger_proof proof;
        ld_error err;
        uint64_t m = CONSISTENCY[t].old_size, n = CONSISTENCY[t].new_size;
        CHECK_INT(ledger_tree_consistency_proof(leaves, m, n, &proof, &err), LD_OK);
        CHECK_INT(proof.count, CONSISTENCY[t].count);
        for (size_t i = 0; i < proof.count && i < CONSISTENCY[t].count; i++) {
            ledger_hash want = hx(CONSISTENCY[t].proof[i]);
            if (!ledger_hash_equal(&proof.hashes[i], &want)) {
                fprintf(stderr, "consistency vector %zu element %zu differs\n", t, i);
                check_failures++;
            }
        }
        ledger_hash r1 = hx(ROOTS[m - 1]), r2 = hx(ROOTS[n - 1]);
        check_consistency_and_corruptions(m, n, &r1, &r2, &proof);
    }
}

static void consistency_edge_cases(void)
{
    ledger_hash a = hx(SOME_HASH), b = hx(ROOTS[0]), empty = hx(EMPTY_ROOT);
    /* Equal sizes: empty proof and equal roots only. */
    CHECK(consistency_ok(1, 1, &b, &b, NULL, 0));
    CHECK(!consistency_ok(1, 1, &a, &b, NULL, 0));
    CHECK(!consistency_ok(1, 1, &b, &b, &b, 1));
    CHECK(consistency_ok(0, 0, &empty, &empty, NULL, 0));
    CHECK(!consistency_ok(0, 0, &a, &a, NULL, 0));
    /* The empty tree is a prefix of everything, with an empty proof. */
    CHECK(consistency_ok(0, 5, &empty, &a, NULL, 0));
    CHECK(!consistency_ok(0, 5, &empty, &a, &empty, 1));
    CHECK(!consistency_ok(0, 5, &a, &a, NULL, 0));
    /* Shrinking is never consistent; growing needs a proof. */
    CHECK(!consistency_ok(1, 0, &b, &empty, NULL, 0));
    CHECK(!consistency_ok(2, 1, &a, &b, NULL, 0));
    CHECK(!consistency_ok(1, 2, &a, &b, NULL, 0));
    ledger_hash leaves[8];
    kat_leaves(leaves);
    ledger_proof proof;
    ld_error err;
    CHECK_INT(ledger_tree_consistency_proof(leaves, 5, 4, &proof, &err), LD_EINVAL);
    CHECK_INT(ledger_tree_consistency_proof(leaves, 0, 8, &proof, &err), LD_OK);
    CHECK_INT(proof.count, 0);
    CHECK_INT(ledger_tree_consistency_proof(leaves, 8, 8, &proof, &err), LD_OK);
    CHECK_INT(proof.count, 0);
}

/* ---- Every proof of every small tree --------------------------------------- */

static ledger_hash *make_leaves(uint64_t count)
{
    ledger_hash *leaves = calloc(count, sizeof *leaves);
    ld_error err;
    for (uint64_t i = 0; i < count; i++) {
        uint8_t data[8];
        for (int b = 0; b < 8; b++)
            data[b] = (uint8_t)(i >> (8 * b));
        CHECK_INT(ledger_hash_leaf(data, sizeof data, &leaves[i], &err), LD_OK);
    }
    return leaves;
}

/* A root computed the RFC's recursive way, independent of the stack method. */
static ledger_hash reference_root(const ledger_hash *leaves, uint64_t n)
{
    if (n == 1)
        return leaves[0];
    uint64_t k = ledger_split(n);
    ledger_hash l = reference_root(leaves, k), r = reference_root(leaves + k, n - k), out;
    ld_error err;
    CHECK_INT(ledger_hash_node(&l, &r, &out, &err), LD_OK);
    return out;
}

static void every_proof_of_trees_up_to_70_leaves_verifies(void)
{
    enum { MAX = 70 };
    ledger_hash *leaves = make_leaves(MAX);
    ledger_hash roots[MAX + 1];
    ld_error err;
    for (uint64_t n = 0; n <= MAX; n++) {
        CHECK_INT(ledger_tree_root(leaves, n, &roots[n], &err), LD_OK);
        if (n > 0) {
            ledger_hash ref = reference_root(leaves, n);
            CHECK(ledger_hash_equal(&roots[n], &ref));
        }
    }
    for (uint64_t n = 1; n <= MAX; n++) {
        for (uint64_t i = 0; i < n; i++) {
            ledger_proof proof;
            CHECK_INT(ledger_tree_inclusion_proof(leaves, n, i, &proof, &err), LD_OK);
            if (n <= 20 || i % 7 == 0)
                check_inclusion_and_corruptions(i, n, &leaves[i], &proof, &roots[n]);
            else
                CHECK(inclusion_ok(i, n, &leaves[i], proof.hashes, proof.count, &roots[n]));
        }
        for (uint64_t m = 0; m <= n; m++) {
            ledger_proof proof;
            CHECK_INT(ledger_tree_consistency_proof(leaves, m, n, &proof, &err), LD_OK);
            if (n <= 20 || m % 5 == 0)
                check_consistency_and_corruptions(m, n, &roots[m], &roots[n], &proof);
            else
                CHECK(consistency_ok(m, n, &roots[m], &roots[n], proof.hashes, proof.count));
        }
    }
    free(leaves);
}

static void proof_lengths_stay_within_bounds_for_huge_trees(void)
{
    ledger_range ranges[LEDGER_PROOF_MAX];
    static const uint64_t sizes[] = {UINT64_MAX, UINT64_MAX - 1, (UINT64_C(1) << 63) + 1, 10000000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t n = sizes[s];
        size_t count = ledger_inclusion_ranges(n - 1, n, ranges);
        CHECK(count <= 64);
        count = ledger_inclusion_ranges(0, n, ranges);
        CHECK(count <= 64);
        count = ledger_consistency_ranges(n - 1, n, ranges);
        CHECK(count <= 65);
        count = ledger_consistency_ranges(3, n, ranges);
        CHECK(count <= 65);
        /* Ranges tile the tree without overlapping the proven part. */
        for (size_t i = 0; i < count; i++)
            CHECK(ranges[i].begin < ranges[i].end && ranges[i].end <= n);
    }
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"hash_empty_and_leaf_known_answers", hash_empty_and_leaf_known_answers},
        {"hash_hex_round_trip_and_rejects_bad_text", hash_hex_round_trip_and_rejects_bad_text},
        {"tree_roots_match_known_answers_for_sizes_1_to_8",
         tree_roots_match_known_answers_for_sizes_1_to_8},
        {"inclusion_proofs_match_known_answers", inclusion_proofs_match_known_answers},
        {"inclusion_rejects_impossible_index_and_size",
         inclusion_rejects_impossible_index_and_size},
        {"consistency_proofs_match_known_answers", consistency_proofs_match_known_answers},
        {"consistency_edge_cases", consistency_edge_cases},
        {"every_proof_of_trees_up_to_70_leaves_verifies",
         every_proof_of_trees_up_to_70_leaves_verifies},
        {"proof_lengths_stay_within_bounds_for_huge_trees",
         proof_lengths_stay_within_bounds_for_huge_trees},
    };
    return CHECK_RUN(argc, argv, cases);
}
