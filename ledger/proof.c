/*
 * proof.c - offline verification of inclusion and consistency proofs, by the
 * algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
 *
 * Nothing here trusts the proof: its length must be exactly what the sizes
 * require (the walk must end with sn == 0 and use every element), indexes and
 * sizes are range-checked before use, and a proof that proves anything else is
 * rejected with LD_EVERIFY. The functions read only their arguments.
 *
 * Also here, equally pure: the text form of checkpoints (proof.h).
 */
#include "merkle.h"
#include "proof.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static bool fail(ld_error *err, const char *fmt_reason)
{
    LD_FAIL(err, LD_EVERIFY, "proof: %s", fmt_reason);
    return false;
}

ld_status ledger_inclusion_root(uint64_t index, uint64_t size, const ledger_hash *leaf,
                                const ledger_hash *proof, size_t proof_count, ledger_hash *out,
                                ld_error *err)
{
    if (index >= size)
        return LD_FAIL(err, LD_EVERIFY,
                       "proof: leaf index %" PRIu64 " is not below tree size %" PRIu64, index,
                       size);
    ledger_hasher *hasher = NULL;
    ld_status status = ledger_hasher_new(&hasher, err);
    if (status != LD_OK)
        return status;
    uint64_t fn = index, sn = size - 1;
    ledger_hash r = *leaf;
    for (size_t i = 0; i < proof_count; i++) {
        if (sn == 0) {
            status = LD_FAIL(err, LD_EVERIFY, "proof: longer than the tree is deep");
            goto out;
        }
        if ((fn & 1) || fn == sn) {
            status = ledger_hasher_node(hasher, &proof[i], &r, &r, err);
            /* A right edge node skips the levels where it has no sibling. */
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            status = ledger_hasher_node(hasher, &r, &proof[i], &r, err);
        }
        if (status != LD_OK)
            goto out;
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) {
        status = LD_FAIL(err, LD_EVERIFY, "proof: shorter than the tree is deep");
        goto out;
    }
    *out = r;
out:
    ledger_hasher_free(hasher);
    return status;
}

bool ledger_inclusion_verify(uint64_t index, uint64_t size, const ledger_hash *leaf,
                             const ledger_hash *proof, size_t proof_count, const ledger_hash *root,
                             ld_error *err)
{
    ledger_hash computed;
    if (ledger_inclusion_root(index, size, leaf, proof, proof_count, &computed, err) != LD_OK)
        return false;
    if (!ledger_hash_equal(&computed, root))
        return fail(err, "inclusion proof does not lead to the root");
    return true;
}

bool ledger_consistency_verify(uint64_t old_size, uint64_t new_size, const ledger_hash *old_root,
                               const ledger_hash *new_root, const ledger_hash *proof,
                               size_t proof_count, ld_error *err)
{
    if (old_size > new_size)
        return fail(err, "old tree is larger than the new tree");
    if (old_size == 0) {
        /* Every tree extends the empty one, whose root is fixed. */
        ledger_hash empty;
        ledger_hash_empty(&empty);
        if (proof_count != 0)
            return fail(err, "consistency with an empty tree needs an empty proof");
        if (!ledger_hash_equal(old_root, &empty))
            return fail(err, "old root is not the empty-tree root");
        return true;
    }
    if (old_size == new_size) {
        if (proof_count != 0)
            return fail(err, "consistency of equal sizes needs an empty proof");
        if (!ledger_hash_equal(old_root, new_root))
            return fail(err, "equal sizes with different roots");
        return true;
    }
    if (proof_count == 0)
        return fail(err, "consistency proof is empty");

    /* When old_size is a power of two the old tree is a subtree of the new one
     * and its root is the proof's implicit first element. */
    const ledger_hash *first = &proof[0];
    size_t next = 1;
    if ((old_size & (old_size - 1)) == 0) {
        first = old_root;
        next = 0;
    }
    ledger_hasher *hasher = NULL;
    if (ledger_hasher_new(&hasher, err) != LD_OK)
        return false;
    bool ok = false;
    uint64_t fn = old_size - 1, sn = new_size - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    ledger_hash fr = *first, sr = *first;
    for (size_t i = next; i < proof_count; i++) {
        const ledger_hash *c = &proof[i];
        if (sn == 0) {
            fail(err, "consistency proof is too long");
            goto out;
        }
        if ((fn & 1) || fn == sn) {
            if (ledger_hasher_node(hasher, c, &fr, &fr, err) != LD_OK ||
                ledger_hasher_node(hasher, c, &sr, &sr, err) != LD_OK)
                goto out;
            if (!(fn & 1))
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
        } else {
            if (ledger_hasher_node(hasher, &sr, c, &sr, err) != LD_OK)
                goto out;
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0) {
        fail(err, "consistency proof is too short");
        goto out;
    }
    if (!ledger_hash_equal(&fr, old_root)) {
        fail(err, "consistency proof does not lead to the old root");
        goto out;
    }
    if (!ledger_hash_equal(&sr, new_root)) {
        fail(err, "consistency proof does not lead to the new root");
        goto out;
    }
    ok = true;
out:
    ledger_hasher_free(hasher);
    return ok;
}

/* ---- Checkpoint text ---------------------------------------------------------- */

ld_status ledger_checkpoint_text(const ledger_checkpoint *checkpoint,
                                 char buf[LEDGER_CHECKPOINT_TEXT_MAX], size_t *len_out,
                                 ld_error *err)
{
    if (checkpoint->time < 0)
        return LD_FAIL(err, LD_EINVAL, "checkpoint.time: must not be negative");
    char hex[LEDGER_HASH_HEX];
    int n =
        snprintf(buf, LEDGER_CHECKPOINT_TEXT_MAX, "%s\n%" PRIu64 "\n%" PRIu64 "\n%s\n%" PRId64 "\n",
                 LEDGER_CHECKPOINT_HEADER, checkpoint->index, checkpoint->size,
                 ledger_hash_to_hex(&checkpoint->root, hex), checkpoint->time);
    assert(n > 0 && n < LEDGER_CHECKPOINT_TEXT_MAX);
    *len_out = (size_t)n;
    return LD_OK;
}

/* Reads one line of at most max bytes up to its '\n' into line (NUL-ended).
 * A NUL inside the line refuses it: the line is compared as a C string, and
 * "v1\0x" must not pass for "v1", or one checkpoint would have many texts. */
static bool take_line(const char **p, const char *end, char *line, size_t max)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (nl == NULL || (size_t)(nl - *p) >= max || memchr(*p, '\0', (size_t)(nl - *p)) != NULL)
        return false;
    memcpy(line, *p, (size_t)(nl - *p));
    line[nl - *p] = '\0';
    *p = nl + 1;
    return true;
}

/* Plain decimal: digits only, no leading zero unless the number is 0. */
static bool parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
    if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
        return false;
    uint64_t v = 0;
    for (const char *c = s; *c != '\0'; c++) {
        if (*c < '0' || *c > '9')
            return false;
        uint64_t digit = (uint64_t)(*c - '0');
        if (v > (max - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = v;
    return true;
}

ld_status ledger_checkpoint_parse(const char *text, size_t len, ledger_checkpoint *out,
                                  ld_error *err)
{
    const char *p = text, *end = text + len;
    char line[LEDGER_CHECKPOINT_TEXT_MAX];
    ledger_checkpoint checkpoint;
    uint64_t time;
    if (!take_line(&p, end, line, sizeof line) || strcmp(line, LEDGER_CHECKPOINT_HEADER) != 0)
        return LD_FAIL(err, LD_EINVAL, "checkpoint line 1: must be \"%s\"",
                       LEDGER_CHECKPOINT_HEADER);
    if (!take_line(&p, end, line, sizeof line) ||
        !parse_decimal(line, UINT64_MAX, &checkpoint.index))
        return LD_FAIL(err, LD_EINVAL, "checkpoint line 2: number must be a plain decimal");
    if (!take_line(&p, end, line, sizeof line) ||
        !parse_decimal(line, UINT64_MAX, &checkpoint.size))
        return LD_FAIL(err, LD_EINVAL, "checkpoint line 3: size must be a plain decimal");
    if (!take_line(&p, end, line, sizeof line))
        return LD_FAIL(err, LD_EINVAL, "checkpoint line 4: root missing");
    char lower[LEDGER_HASH_HEX];
    if (ledger_hash_from_hex("checkpoint line 4 (root)", line, &checkpoint.root, err) != LD_OK)
        return LD_EINVAL;
    if (strcmp(ledger_hash_to_hex(&checkpoint.root, lower), line) != 0)
        return LD_FAIL(err, LD_EINVAL, "checkpoint line 4 (root): must be lower-case hex");
    if (!take_line(&p, end, line, sizeof line) || !parse_decimal(line, INT64_MAX, &time))
        return LD_FAIL(err, LD_EINVAL, "checkpoint line 5: time must be a plain decimal");
    if (p != end)
        return LD_FAIL(err, LD_EINVAL, "checkpoint: bytes after line 5");
    checkpoint.time = (int64_t)time;
    *out = checkpoint;
    return LD_OK;
}
