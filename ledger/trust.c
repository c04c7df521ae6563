/*
 * trust.c - judging signed checkpoints under the auditor's trust anchor, the
 * checkpoint block text, and sealing the log with the institution key
 * (trust.h).
 *
 * The judge caches the one certificate it checked last: checkpoints come in
 * long runs signed by the same institution key, and a chain check costs a
 * certificate parse and a signature, while the time test for the next
 * checkpoint needs only the two validity windows already read.
 */
#include "rows.h"
#include "trust.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "digest.h"
#include "json_in.h"
#include "keystore.h"
#include "store_sql.h"

/* ---- Anchors -------------------------------------------------------------------- */

static bool is_fingerprint(const char *text)
{
    if (text == NULL || strlen(text) != CORE_PKI_HEX_MAX - 1)
        return false;
    for (const char *p = text; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            return false;
    return true;
}

ld_status ledger_anchor_load(const char *ca_file, const char *ca_fingerprint,
                             const char *data_ca_pem, ledger_anchor *out, ld_error *err)
{
    memset(out, 0, sizeof *out);
    if (ca_file == NULL && ca_fingerprint == NULL)
        return LD_FAIL(err, LD_EUSAGE,
                       "a trust anchor is needed: --ca FILE (the CA certificate you hold) or "
                       "--ca-fingerprint SHA256HEX");
    if (ca_fingerprint != NULL && !is_fingerprint(ca_fingerprint))
        return LD_FAIL(err, LD_EINVAL,
                       "ca-fingerprint: must be 64 hex digits (SHA-256 of the "
                       "DER certificate)");
    char *pem = NULL;
    size_t len = 0;
    ld_status st;
    if (ca_file != NULL) {
        if ((st = core_read_file(ca_file, &pem, &len, err)) != LD_OK)
            return st;
    } else {
        if (data_ca_pem == NULL)
            return LD_FAIL(err, LD_EVERIFY,
                           "the data carries no CA certificate to match the fingerprint with");
        len = strlen(data_ca_pem);
        if ((pem = malloc(len + 1)) == NULL)
            return LD_FAIL(err, LD_EINTERNAL, "out of memory");
        memcpy(pem, data_ca_pem, len + 1);
    }
    core_pki_cert_info info;
    if ((st = core_pki_cert_inspect(pem, len, &info, err)) != LD_OK) {
        ld_error_recode(err, st, "trust anchor");
        free(pem);
        return st;
    }
    if (ca_fingerprint != NULL && strcasecmp(ca_fingerprint, info.fingerprint) != 0) {
        free(pem);
        return LD_FAIL(err, LD_EVERIFY,
                       "trust anchor: the CA certificate has fingerprint %s, not the %s given",
                       info.fingerprint, ca_fingerprint);
    }
    if (!info.is_ca) {
        free(pem);
        return LD_FAIL(err, LD_EVERIFY, "trust anchor: %s is not a CA certificate",
                       info.common_name);
    }
    out->ca_pem = pem;
    out->ca_len = len;
    memcpy(out->fingerprint, info.fingerprint, CORE_PKI_HEX_MAX);
    return LD_OK;
}

void ledger_anchor_free(ledger_anchor *anchor)
{
    if (anchor == NULL)
        return;
    free(anchor->ca_pem);
    memset(anchor, 0, sizeof *anchor);
}

/* ---- Blocks ---------------------------------------------------------------------- */

ld_status ledger_checkpoint_block_text(const ledger_checkpoint_record *r, char **out, ld_error *err)
{
    char text[LEDGER_CHECKPOINT_TEXT_MAX];
    size_t len = 0;
    ld_status st = ledger_checkpoint_text(&r->checkpoint, text, &len, err);
    if (st != LD_OK)
        return st;
    if (r->signature_len > 1024 || strlen(r->key_id) > 256)
        return LD_FAIL(err, LD_EINVAL, "checkpoint: signature or key line too long");
    size_t cap = len + 11 + 2 * r->signature_len + 6 + strlen(r->key_id) + 3;
    char *block = malloc(cap);
    if (block == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    memcpy(block, text, len);
    size_t used = len;
    memcpy(block + used, "signature ", 10);
    used += 10;
    core_hex_encode(r->signature, r->signature_len, block + used);
    used += 2 * r->signature_len;
    used += (size_t)snprintf(block + used, cap - used, "\nkey %s\n\n", r->key_id);
    *out = block;
    return LD_OK;
}

ld_status ledger_checkpoint_block_write(FILE *f, const ledger_checkpoint_record *r, ld_error *err)
{
    char *block = NULL;
    ld_status st = ledger_checkpoint_block_text(r, &block, err);
    if (st != LD_OK)
        return st;
    size_t len = strlen(block);
    if (fwrite(block, 1, len, f) != len)
        st = LD_FAIL(err, LD_EINTERNAL, "writing a checkpoint failed");
    free(block);
    return st;
}

void ledger_checkpoint_record_clear(ledger_checkpoint_record *r)
{
    free(r->signature);
    free(r->key_id);
    memset(r, 0, sizeof *r);
}

/* Parses one block starting at *p; advances *p past it. */
static ld_status block_parse(const char **p, const char *end, size_t index,
                             ledger_checkpoint_record *r, ld_error *err)
{
    enum { SIG = LEDGER_CHECKPOINT_LINES, KEY, BLANK, LINES };
    const char *lines[LINES];
    size_t lens[LINES];
    const char *q = *p;
    for (int i = 0; i < LINES; i++) {
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        if (nl == NULL)
            return LD_FAIL(err, LD_EVERIFY, "checkpoint %zu: truncated block (line %d missing)",
                           index, i + 1);
        lines[i] = q;
        lens[i] = (size_t)(nl - q);
        q = nl + 1;
    }
    ld_status st =
        ledger_checkpoint_parse(lines[0], (size_t)(lines[SIG] - lines[0]), &r->checkpoint, err);
    if (st != LD_OK)
        return ld_error_recode(err, LD_EVERIFY, "checkpoint %zu", index);
    if (lens[SIG] < 12 || memcmp(lines[SIG], "signature ", 10) != 0 || (lens[SIG] - 10) % 2 != 0 ||
        lens[SIG] - 10 > 2048)
        return LD_FAIL(err, LD_EVERIFY, "checkpoint %zu: malformed signature line", index);
    if (lens[KEY] < 5 || memcmp(lines[KEY], "key ", 4) != 0 || lens[KEY] - 4 > 256)
        return LD_FAIL(err, LD_EVERIFY, "checkpoint %zu: malformed key line", index);
    if (lens[BLANK] != 0)
        return LD_FAIL(err, LD_EVERIFY, "checkpoint %zu: the block does not end with an empty line",
                       index);
    size_t sig_len = (lens[SIG] - 10) / 2;
    r->signature = malloc(sig_len);
    r->key_id = malloc(lens[KEY] - 4 + 1);
    if (r->signature == NULL || r->key_id == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    if (!core_hex_decode(lines[SIG] + 10, lens[SIG] - 10, r->signature))
        return LD_FAIL(err, LD_EVERIFY, "checkpoint %zu: signature is not hex", index);
    r->signature_len = sig_len;
    memcpy(r->key_id, lines[KEY] + 4, lens[KEY] - 4);
    r->key_id[lens[KEY] - 4] = '\0';
    *p = q;
    return LD_OK;
}

ld_status ledger_checkpoint_blocks_parse(const char *text, size_t len,
                                         ledger_checkpoint_record **out, size_t *count,
                                         ld_error *err)
{
    ledger_checkpoint_record *records = NULL;
    size_t n = 0, cap = 0;
    const char *p = text, *end = text + len;
    ld_status st = LD_OK;
    while (p < end) {
        if (n == cap) {
            size_t cap2 = cap == 0 ? 16 : cap * 2;
            if (cap2 > SIZE_MAX / sizeof *records) {
                st = LD_FAIL(err, LD_EVERIFY, "checkpoints: too many");
                break;
            }
            ledger_checkpoint_record *grown = realloc(records, cap2 * sizeof *records);
            if (grown == NULL) {
                st = LD_FAIL(err, LD_EINTERNAL, "out of memory reading checkpoints");
                break;
            }
            records = grown;
            cap = cap2;
        }
        memset(&records[n], 0, sizeof records[n]);
        n++;
        if ((st = block_parse(&p, end, n, &records[n - 1], err)) != LD_OK)
            break;
    }
    if (st != LD_OK) {
        ledger_checkpoint_records_free(records, n);
        return st;
    }
    *out = records;
    *count = n;
    return LD_OK;
}

/* ---- Judging --------------------------------------------------------------------- */

struct ledger_trust {
    const ledger_anchor *anchor;
    ledger_cert_lookup lookup;
    void *lookup_ctx;
    core_pki_cert_info ca;
    /* The certificate checked last and the window its chain holds in. */
    char *cert_pem;
    core_pki_verifier *verifier; /* its public key, read once */
    core_pki_cert_info cert;
    time_t chain_from, chain_until;
};

ld_status ledger_trust_new(const ledger_anchor *anchor, ledger_cert_lookup lookup, void *lookup_ctx,
                           ledger_trust **out, ld_error *err)
{
    ledger_trust *t = calloc(1, sizeof *t);
    if (t == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    t->anchor = anchor;
    t->lookup = lookup;
    t->lookup_ctx = lookup_ctx;
    ld_status st = core_pki_cert_inspect(anchor->ca_pem, anchor->ca_len, &t->ca, err);
    if (st != LD_OK) {
        free(t);
        return st;
    }
    *out = t;
    return LD_OK;
}

void ledger_trust_free(ledger_trust *trust)
{
    if (trust == NULL)
        return;
    free(trust->cert_pem);
    core_pki_verifier_free(trust->verifier);
    free(trust);
}

/* Loads and checks the certificate fingerprint names, valid at `at`. */
static ld_status trust_cert(ledger_trust *t, const char *what, const char *fingerprint, time_t at,
                            ld_error *err)
{
    if (t->cert_pem == NULL || strcmp(t->cert.fingerprint, fingerprint) != 0) {
        free(t->cert_pem);
        t->cert_pem = NULL;
        core_pki_verifier_free(t->verifier);
        t->verifier = NULL;
        if (!is_fingerprint(fingerprint))
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: the key line \"%.80s\" is not a certificate "
                           "fingerprint",
                           what, fingerprint);
        char *pem = NULL;
        ld_status st = t->lookup(t->lookup_ctx, fingerprint, &pem, err);
        if (st == LD_ENOTFOUND)
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: signed by certificate %s, which is missing (no institution "
                           "certificate has that fingerprint)",
                           what, fingerprint);
        if (st != LD_OK)
            return st;
        core_pki_cert_info info;
        if ((st = core_pki_cert_inspect(pem, strlen(pem), &info, err)) != LD_OK) {
            free(pem);
            return ld_error_recode(err, LD_EVERIFY, "%s: certificate %s", what, fingerprint);
        }
        /* The key line names the certificate; a certificate stored under
         * another's fingerprint is a substitution. */
        if (strcmp(info.fingerprint, fingerprint) != 0) {
            free(pem);
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: the key line names certificate %s but the certificate found is "
                           "%s (replaced)",
                           what, fingerprint, info.fingerprint);
        }
        if (info.is_ca || strcmp(info.org_unit, CORE_KEYSTORE_INSTITUTION_OU) != 0) {
            free(pem);
            return LD_FAIL(err, LD_EVERIFY,
                           "%s: signed by %s (%s), which is not the institution's "
                           "checkpoint-signing certificate",
                           what, info.common_name, info.is_ca ? "a CA" : info.org_unit);
        }
        t->cert_pem = pem;
        t->cert = info;
        t->chain_from = t->chain_until = 0;
    }
    if (t->chain_until == 0 || at < t->chain_from || at > t->chain_until) {
        ld_status st = core_pki_cert_chain_check(t->anchor->ca_pem, t->anchor->ca_len, t->cert_pem,
                                                 strlen(t->cert_pem), at, err);
        if (st != LD_OK)
            return ld_error_recode(err, st, "%s: institution certificate %.16s…", what,
                                   t->cert.fingerprint);
        /* The chain is fixed; only the time can change its answer, and it
         * holds wherever both validity windows hold. */
        t->chain_from =
            t->cert.not_before > t->ca.not_before ? t->cert.not_before : t->ca.not_before;
        t->chain_until = t->cert.not_after < t->ca.not_after ? t->cert.not_after : t->ca.not_after;
    }
    return LD_OK;
}

ld_status ledger_trust_checkpoint(ledger_trust *t, const char *what,
                                  const ledger_checkpoint_record *r, ld_error *err)
{
    ld_status st = trust_cert(t, what, r->key_id, (time_t)r->checkpoint.time, err);
    if (st != LD_OK)
        return st;
    char text[LEDGER_CHECKPOINT_TEXT_MAX];
    size_t len = 0;
    if ((st = ledger_checkpoint_text(&r->checkpoint, text, &len, err)) != LD_OK)
        return st;
    if (t->verifier == NULL)
        st = core_pki_verifier_new(t->cert_pem, strlen(t->cert_pem), &t->verifier, err);
    if (st == LD_OK)
        st = core_pki_verifier_check(t->verifier, (const unsigned char *)text, len, r->signature,
                                     r->signature_len, err);
    if (st != LD_OK)
        return LD_FAIL(err, LD_EVERIFY,
                       "%s (size %" PRIu64 "): the signature does not verify with institution "
                       "certificate %.16s…",
                       what, r->checkpoint.size, t->cert.fingerprint);
    return LD_OK;
}

ld_status ledger_trust_checkpoints(ledger_trust *t, const ledger_checkpoint_record *cps, size_t n,
                                   uint64_t log_size, ledger_root_fn root_fn, void *root_ctx,
                                   ld_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const ledger_checkpoint *cp = &cps[i].checkpoint;
        char what[48];
        snprintf(what, sizeof what, "checkpoint %zu", i + 1);
        /* The signed number must be the position: a checkpoint deleted or
         * moved leaves those after it signed for another place. */
        if (cp->index != (uint64_t)i)
            return LD_FAIL(err, LD_EVERIFY,
                           "checkpoint %zu is signed as number %" PRIu64 ": checkpoints were "
                           "deleted, inserted or reordered",
                           i + 1, cp->index + 1);
        ld_status st = ledger_trust_checkpoint(t, what, &cps[i], err);
        if (st != LD_OK) {
            /* The signed number is the position: a signature that fails
             * after the first may mean a checkpoint was removed before it. */
            if (i > 0 && strstr(err->message, "signature does not verify") != NULL)
                return ld_error_recode(err, st,
                                       "changed, or a checkpoint before it deleted or moved");
            return st;
        }
        if (i > 0 && cp->size < cps[i - 1].checkpoint.size)
            return LD_FAIL(err, LD_EVERIFY,
                           "checkpoint %zu covers %" PRIu64 " entries, fewer than checkpoint "
                           "%zu before it (%" PRIu64 "): checkpoints reordered or the log rewound",
                           i + 1, cp->size, i, cps[i - 1].checkpoint.size);
        if (i > 0 && cp->time < cps[i - 1].checkpoint.time)
            return LD_FAIL(err, LD_EVERIFY,
                           "checkpoint %zu is dated before checkpoint %zu: checkpoints reordered",
                           i + 1, i);
        if (cp->size > log_size)
            return LD_FAIL(err, LD_EVERIFY,
                           "checkpoint %zu covers %" PRIu64 " entries but the log holds %" PRIu64
                           ": entries %" PRIu64 " and later were removed",
                           i + 1, cp->size, log_size, log_size);
        ledger_hash root;
        if ((st = root_fn(root_ctx, cp->size, &root, err)) != LD_OK)
            return st;
        if (!ledger_hash_equal(&root, &cp->root)) {
            uint64_t from = i > 0 ? cps[i - 1].checkpoint.size : 0;
            return LD_FAIL(err, LD_EVERIFY,
                           "checkpoint %zu: the log's first %" PRIu64 " entries do not hash to "
                           "its signed root (an entry in %" PRIu64 "..%" PRIu64
                           " was changed, inserted or removed)",
                           i + 1, cp->size, from, cp->size > 0 ? cp->size - 1 : 0);
        }
    }
    uint64_t covered = n > 0 ? cps[n - 1].checkpoint.size : 0;
    if (covered < log_size)
        return LD_FAIL(err, LD_EVERIFY,
                       "entries %" PRIu64 "..%" PRIu64 " are not covered by any signed "
                       "checkpoint (unsigned tail%s)",
                       covered, log_size - 1, n == 0 ? "; there is no checkpoint at all" : "");
    return LD_OK;
}

ld_status ledger_trust_since(ledger_trust *t, const ledger_checkpoint_record *kept,
                             const ledger_checkpoint_record *latest, uint64_t log_size,
                             ledger_root_fn root_fn, void *root_ctx, const ledger_proof *proof,
                             ld_error *err)
{
    ld_status st = ledger_trust_checkpoint(t, "kept checkpoint", kept, err);
    if (st != LD_OK)
        return st;
    const ledger_checkpoint *k = &kept->checkpoint, *l = &latest->checkpoint;
    if (k->size > log_size || k->size > l->size)
        return LD_FAIL(err, LD_EVERIFY,
                       "kept checkpoint covers %" PRIu64 " entries but the log holds %" PRIu64
                       ": the log was truncated below a checkpoint you kept",
                       k->size, log_size < l->size ? log_size : l->size);
    ledger_hash root;
    if ((st = root_fn(root_ctx, k->size, &root, err)) != LD_OK)
        return st;
    if (!ledger_hash_equal(&root, &k->root))
        return LD_FAIL(err, LD_EVERIFY,
                       "kept checkpoint (size %" PRIu64 "): the log's first %" PRIu64
                       " entries no longer hash to its root: history was rewritten",
                       k->size, k->size);
    ld_error perr;
    if (!ledger_consistency_verify(k->size, l->size, &k->root, &l->root, proof->hashes,
                                   proof->count, &perr))
        return LD_FAIL(err, LD_EVERIFY,
                       "no consistency from the kept checkpoint (size %" PRIu64
                       ") to the newest (size %" PRIu64 "): %s",
                       k->size, l->size, perr.message);
    return LD_OK;
}

/* ---- Sealing --------------------------------------------------------------------- */

/* The fingerprint of the certificate that signs, parsed again only when the
 * certificate changes (a key rotation): parsing it took a tenth of a busy
 * server's writes. The cache is the thread's own, and keyed by the digest of
 * the whole PEM text, so no other certificate can be taken for it. */
static ld_status signer_fingerprint(const char *cert_pem, char out[CORE_PKI_HEX_MAX], ld_error *err)
{
    static _Thread_local unsigned char cached_pem[CORE_SHA256_BYTES];
    static _Thread_local char cached[CORE_PKI_HEX_MAX];
    static _Thread_local bool has;
    unsigned char digest[CORE_SHA256_BYTES];
    size_t len = strlen(cert_pem);
    core_sha256(cert_pem, len, digest);
    if (!has || memcmp(digest, cached_pem, sizeof digest) != 0) {
        core_pki_cert_info info;
        ld_status st = core_pki_cert_inspect(cert_pem, len, &info, err);
        if (st != LD_OK)
            return st;
        memcpy(cached, info.fingerprint, sizeof cached);
        memcpy(cached_pem, digest, sizeof digest);
        has = true;
    }
    memcpy(out, cached, CORE_PKI_HEX_MAX);
    return LD_OK;
}

ld_status ledger_log_seal(ledger_log *log, const uint64_t *start_size, ledger_key_fn key_fn,
                          void *key_ctx, int64_t time, bool *made, ledger_checkpoint_record *out,
                          ld_error *err)
{
    ledger_checkpoint_record last;
    memset(&last, 0, sizeof last);
    bool has = false;
    uint64_t size = 0;
    ld_status st;
    *made = false;
    if ((st = ledger_log_size(log, &size, err)) != LD_OK ||
        (st = ledger_log_checkpoint_last(log, &last, &has, err)) != LD_OK)
        goto out;
    uint64_t covered = has ? last.checkpoint.size : 0;
    if (covered >= size)
        goto done; /* nothing new to cover */
    /* Entries that were already there, unsigned, when the unit of work began
     * were not written by it: signing now would launder them. */
    if (start_size != NULL && covered != *start_size) {
        if (size == *start_size)
            goto done; /* this unit added nothing; verification reports the rest */
        st = LD_FAIL(err, LD_EVERIFY,
                     "entries %" PRIu64 "..%" PRIu64 " were in the log, covered by no signed "
                     "checkpoint, before this command began (written outside loandesk): nothing "
                     "is signed over them",
                     covered, (*start_size > covered ? *start_size : size) - 1);
        goto out;
    }
    char fingerprint[CORE_PKI_HEX_MAX];
    ledger_checkpoint cp;
    char text[LEDGER_CHECKPOINT_TEXT_MAX];
    size_t len = 0;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    const core_pki_key *key = NULL;
    const char *cert_pem = NULL;
    /* Times never run backwards between checkpoints, even if the injected
     * clock does. */
    if (has && time < last.checkpoint.time)
        time = last.checkpoint.time;
    uint64_t index = has ? last.checkpoint.index + 1 : 0;
    if ((st = key_fn(key_ctx, &key, &cert_pem, err)) != LD_OK ||
        (st = signer_fingerprint(cert_pem, fingerprint, err)) != LD_OK ||
        (st = ledger_log_checkpoint_current(log, time, &cp, err)) != LD_OK)
        goto out;
    cp.index = index;
    if ((st = ledger_checkpoint_text(&cp, text, &len, err)) != LD_OK ||
        (st = core_pki_sign(key, (const unsigned char *)text, len, &sig, &sig_len, err)) != LD_OK ||
        (st = ledger_log_checkpoint_insert(log, &cp, sig, sig_len, fingerprint, err)) != LD_OK) {
        free(sig);
        goto out;
    }
    ledger_checkpoint_record_clear(&last);
    last.checkpoint = cp;
    last.signature = sig;
    last.signature_len = sig_len;
    last.key_id = strdup(fingerprint);
    if (last.key_id == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
        goto out;
    }
    *made = true;
done:
    if (out != NULL) {
        *out = last;
        memset(&last, 0, sizeof last);
    }
out:
    ledger_checkpoint_record_clear(&last);
    return st;
}

ld_status ledger_checkpoint_seal(core_store *store, const uint64_t *start_size,
                                 ledger_key_fn key_fn, void *key_ctx, int64_t time, bool *made,
                                 ledger_checkpoint_record *out, ld_error *err)
{
    ledger_log *log = NULL;
    ld_status st = core_store_require_transaction(store, err);
    *made = false;
    /* The rows this transaction wrote are logged first, so the checkpoint
     * covers them (rows.h). */
    if (st == LD_OK && (st = ledger_rows_flush(store, err)) == LD_OK &&
        (st = ledger_log_open(core_store_db(store), &log, err)) == LD_OK)
        st = ledger_log_seal(log, start_size, key_fn, key_ctx, time, made, out, err);
    ledger_log_close(log);
    return st;
}

ld_status ledger_store_log_size(core_store *store, uint64_t *out, ld_error *err)
{
    ledger_log *log = NULL;
    ld_status st = ledger_log_open(core_store_db(store), &log, err);
    if (st == LD_OK)
        st = ledger_log_size(log, out, err);
    ledger_log_close(log);
    return st;
}
