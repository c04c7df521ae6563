/*
 * attest_store.c - what the ledger shows an auditor and how it is checked
 * under the auditor's trust anchor (ledger_verify.h, trust.h): checkpoints on
 * demand, the checkpoint part of online verification, exports and their
 * offline verification, and inclusion and consistency proofs that carry the
 * signed checkpoint vouching for their root.
 *
 * Offline verification is linear: the entries are hashed once into leaf
 * hashes and every checkpoint's root is folded from a running compact range
 * (merkle.h) as the checkpoints' sizes grow, so an export with a checkpoint
 * per command costs no more than one with a checkpoint a day.
 */
#include "ledger_verify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "canonical_json.h"
#include "digest.h"
#include "journal.h"
#include "json_in.h"
#include "keystore.h"
#include "store_sql.h"
#include "log.h"
#include "permission.h"
#include "private_file.h"
#include "trust.h"
#include "verify_archive.h"

/* ---- Checkpoints on demand ------------------------------------------------------ */

ld_status ledger_checkpoint_make(core_store *store, const core_session *who,
                                 const uint64_t *start_size, ledger_key_fn key_fn, void *key_ctx,
                                 int64_t time, char **block_out, ledger_checkpoint *out,
                                 ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_OPERATE, NULL, err)) != LD_OK)
        return st;
    ledger_checkpoint_record r;
    bool made = false;
    if ((st = ledger_checkpoint_seal(store, start_size, key_fn, key_ctx, time, &made, &r, err)) !=
        LD_OK)
        return st;
    if (r.key_id == NULL) {
        ledger_checkpoint_record_clear(&r);
        return LD_FAIL(err, LD_ESTATE, "the log is empty: there is nothing to sign");
    }
    st = ledger_checkpoint_block_text(&r, block_out, err);
    if (st == LD_OK)
        *out = r.checkpoint;
    ledger_checkpoint_record_clear(&r);
    return st;
}

/* ---- Online ---------------------------------------------------------------------- */

static ld_status db_cert(void *ctx, const char *fingerprint, char **pem_out, ld_error *err)
{
    char kind[16];
    return core_keystore_cert_by_fingerprint(ctx, fingerprint, pem_out, kind, err);
}

static ld_status db_root(void *ctx, uint64_t size, ledger_hash *out, ld_error *err)
{
    return ledger_log_root(ctx, size, out, err);
}

/* Reads the kept checkpoint of opt->since_path: exactly one block. */
static ld_status read_kept(const char *path, ledger_checkpoint_record **out, ld_error *err)
{
    char *text = NULL;
    size_t len = 0, n = 0;
    ld_status st = core_read_file(path, &text, &len, err);
    if (st != LD_OK)
        return st;
    st = ledger_checkpoint_blocks_parse(text, len, out, &n, err);
    free(text);
    if (st != LD_OK)
        return ld_error_recode(err, LD_EINVAL, "%s", path);
    if (n != 1) {
        ledger_checkpoint_records_free(*out, n);
        return LD_FAIL(err, LD_EINVAL, "%s: must hold exactly one checkpoint block, not %zu", path,
                       n);
    }
    return LD_OK;
}

ld_status ledger_verify_checkpoints(core_store *store, const ledger_verify_options *opt,
                                    uint64_t size, uint64_t *count, ld_error *err)
{
    ledger_anchor anchor;
    memset(&anchor, 0, sizeof anchor);
    char *data_ca = NULL;
    ledger_log *log = NULL;
    ledger_trust *trust = NULL;
    ledger_checkpoint_record *cps = NULL, *kept = NULL;
    size_t n = 0;
    ld_status st;
    if (opt->ca_file == NULL && opt->ca_fingerprint != NULL) {
        st = core_keystore_ca_cert(store, &data_ca, err);
        if (st == LD_ENOTFOUND)
            data_ca = NULL;
        else if (st != LD_OK)
            return st;
    }
    if ((st = ledger_anchor_load(opt->ca_file, opt->ca_fingerprint, data_ca, &anchor, err)) !=
            LD_OK ||
        (st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK ||
        (st = ledger_trust_new(&anchor, db_cert, store, &trust, err)) != LD_OK ||
        (st = ledger_log_checkpoint_list(log, &cps, &n, err)) != LD_OK ||
        (st = ledger_trust_checkpoints(trust, cps, n, size, db_root, log, err)) != LD_OK)
        goto out;
    if (opt->since_path != NULL) {
        ledger_proof proof = {.count = 0};
        if ((st = read_kept(opt->since_path, &kept, err)) != LD_OK)
            goto out;
        uint64_t kept_size = kept->checkpoint.size;
        if (n == 0 || kept_size > cps[n - 1].checkpoint.size) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "kept checkpoint covers %" PRIu64 " entries but the log holds %" PRIu64
                         ": the log was truncated below a checkpoint you kept",
                         kept_size, size);
            goto out;
        }
        if ((st = ledger_log_consistency_proof(log, kept_size, cps[n - 1].checkpoint.size, &proof,
                                               err)) != LD_OK ||
            (st = ledger_trust_since(trust, kept, &cps[n - 1], size, db_root, log, &proof, err)) !=
                LD_OK)
            goto out;
    }
    *count = n;
out:
    ledger_checkpoint_records_free(kept, kept != NULL ? 1 : 0);
    ledger_checkpoint_records_free(cps, n);
    ledger_trust_free(trust);
    ledger_log_close(log);
    ledger_anchor_free(&anchor);
    free(data_ca);
    return st;
}

ld_status ledger_verify_entry_covered(core_store *store, const ledger_verify_options *opt,
                                      uint64_t seq, uint64_t *size_out, ld_error *err)
{
    ledger_anchor anchor;
    memset(&anchor, 0, sizeof anchor);
    char *data_ca = NULL;
    ledger_log *log = NULL;
    ledger_log_iter *iter = NULL;
    ledger_trust *trust = NULL;
    ledger_checkpoint_record *cps = NULL;
    size_t n = 0;
    ld_status st;
    if (opt->ca_file == NULL && opt->ca_fingerprint != NULL &&
        (st = core_keystore_ca_cert(store, &data_ca, err)) != LD_OK)
        return st;
    if ((st = ledger_anchor_load(opt->ca_file, opt->ca_fingerprint, data_ca, &anchor, err)) !=
            LD_OK ||
        (st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK ||
        (st = ledger_trust_new(&anchor, db_cert, store, &trust, err)) != LD_OK ||
        (st = ledger_log_checkpoint_list(log, &cps, &n, err)) != LD_OK)
        goto out;
    size_t i = 0;
    while (i < n && cps[i].checkpoint.size <= seq)
        i++;
    if (i == n) {
        st = LD_FAIL(err, LD_EVERIFY, "log entry %llu is not covered by any signed checkpoint",
                     (unsigned long long)seq);
        goto out;
    }
    char what[48];
    snprintf(what, sizeof what, "checkpoint %zu", i + 1);
    bool has = false;
    ledger_log_entry e;
    ledger_hash leaf;
    ledger_proof proof;
    ld_error perr;
    if ((st = ledger_trust_checkpoint(trust, what, &cps[i], err)) != LD_OK ||
        (st = ledger_log_iter_new(log, seq, &iter, err)) != LD_OK ||
        (st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK)
        goto out;
    if (!has) {
        st = LD_FAIL(err, LD_EVERIFY, "log entry %llu is missing", (unsigned long long)seq);
        goto out;
    }
    if ((st = ledger_hash_leaf(e.body, e.len, &leaf, err)) != LD_OK ||
        (st = ledger_log_inclusion_proof(log, seq, cps[i].checkpoint.size, &proof, err)) != LD_OK)
        goto out;
    if (!ledger_inclusion_verify(seq, cps[i].checkpoint.size, &leaf, proof.hashes, proof.count,
                                 &cps[i].checkpoint.root, &perr)) {
        st = LD_FAIL(err, LD_EVERIFY, "log entry %llu is not in the root %s signs: %s",
                     (unsigned long long)seq, what, perr.message);
        goto out;
    }
    *size_out = cps[i].checkpoint.size;
out:
    ledger_log_iter_free(iter);
    ledger_checkpoint_records_free(cps, n);
    ledger_trust_free(trust);
    ledger_log_close(log);
    ledger_anchor_free(&anchor);
    free(data_ca);
    return st;
}

/* ---- Export ----------------------------------------------------------------------- */

/* Export files hold customer data: 0600 whatever the umask (private_file.h). */
static ld_status write_file(const char *dir, const char *name, FILE **out, ld_error *err)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return LD_FAIL(err, LD_EINVAL, "dir: path too long");
    return core_private_file_create(path, out, err);
}

static ld_status close_file(FILE **f, const char *name, ld_status st, ld_error *err)
{
    if (*f != NULL && fclose(*f) != 0 && st == LD_OK)
        st = LD_FAIL(err, LD_EINTERNAL, "writing %s failed", name);
    *f = NULL;
    return st;
}

static ld_status write_text(const char *dir, const char *name, const char *text, ld_error *err)
{
    FILE *f = NULL;
    ld_status st = write_file(dir, name, &f, err);
    if (st != LD_OK)
        return st;
    size_t len = strlen(text);
    if (fwrite(text, 1, len, f) != len)
        st = LD_FAIL(err, LD_EINTERNAL, "writing %s failed", name);
    return close_file(&f, name, st, err);
}

static void write_hashes(FILE *f, const ledger_proof *proof)
{
    char hex[LEDGER_HASH_HEX];
    for (size_t k = 0; k < proof->count; k++)
        fprintf(f, " %s", ledger_hash_to_hex(&proof->hashes[k], hex));
    fputc('\n', f);
}

ld_status ledger_export(core_store *store, const core_session *who, const char *dir,
                        ledger_verify_report *out, ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err)) != LD_OK)
        return st;
    if ((st = core_private_dir_create(dir, err)) != LD_OK)
        return st;
    ledger_log *log = NULL;
    ledger_log_iter *iter = NULL;
    FILE *f = NULL;
    char *certs = NULL, *ca = NULL;
    ledger_checkpoint_record *cps = NULL;
    size_t n = 0;
    ledger_verify_report report;
    memset(&report, 0, sizeof report);
    if ((st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK ||
        (st = ledger_log_iter_new(log, 0, &iter, err)) != LD_OK ||
        (st = write_file(dir, "entries.jsonl", &f, err)) != LD_OK)
        goto out;
    for (;;) {
        bool has = false;
        ledger_log_entry e;
        if ((st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK || !has)
            break;
        fwrite(e.body, 1, e.len, f);
        fputc('\n', f);
        report.entries++;
    }
    if ((st = close_file(&f, "entries.jsonl", st, err)) != LD_OK ||
        (st = ledger_log_checkpoint_list(log, &cps, &n, err)) != LD_OK ||
        (st = write_file(dir, "checkpoints", &f, err)) != LD_OK)
        goto out;
    for (size_t i = 0; i < n && st == LD_OK; i++)
        st = ledger_checkpoint_block_write(f, &cps[i], err);
    report.checkpoints = n;
    if ((st = close_file(&f, "checkpoints", st, err)) != LD_OK ||
        (st = write_file(dir, "consistency", &f, err)) != LD_OK)
        goto out;
    for (size_t i = 1; i < n && st == LD_OK; i++) {
        ledger_proof proof;
        uint64_t a = cps[i - 1].checkpoint.size, b = cps[i].checkpoint.size;
        if (a > b || (st = ledger_log_consistency_proof(log, a, b, &proof, err)) != LD_OK)
            break;
        fprintf(f, "%" PRIu64 " %" PRIu64, a, b);
        write_hashes(f, &proof);
    }
    if ((st = close_file(&f, "consistency", st, err)) != LD_OK ||
        (st = core_keystore_institution_certs(store, &certs, err)) != LD_OK ||
        (st = write_text(dir, "institution.pem", certs, err)) != LD_OK ||
        (st = core_keystore_ca_cert(store, &ca, err)) != LD_OK ||
        (st = write_text(dir, "ca.pem", ca, err)) != LD_OK)
        goto out;
    *out = report;
out:
    if (f != NULL)
        fclose(f);
    free(certs);
    free(ca);
    ledger_checkpoint_records_free(cps, n);
    ledger_log_iter_free(iter);
    ledger_log_close(log);
    return st;
}

/* ---- Offline verification ----------------------------------------------------------- */

/* Certificates of an export's institution.pem, found by fingerprint. */
typedef struct pem_set {
    char *text; /* the whole file */
    size_t len;
} pem_set;

static ld_status pem_set_cert(void *ctx, const char *fingerprint, char **pem_out, ld_error *err)
{
    const pem_set *set = ctx;
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    static const char end_mark[] = "-----END CERTIFICATE-----";
    const char *p = set->text, *end = set->text + set->len;
    while (p < end) {
        const char *b = strstr(p, begin);
        if (b == NULL)
            break;
        const char *e = strstr(b, end_mark);
        if (e == NULL)
            break;
        e += sizeof end_mark - 1;
        core_pki_cert_info info;
        ld_error ignored;
        if (core_pki_cert_inspect(b, (size_t)(e - b), &info, &ignored) == LD_OK &&
            strcmp(info.fingerprint, fingerprint) == 0) {
            size_t n = (size_t)(e - b);
            char *pem = malloc(n + 2);
            if (pem == NULL)
                return LD_FAIL(err, LD_EINTERNAL, "out of memory");
            memcpy(pem, b, n);
            pem[n] = '\n';
            pem[n + 1] = '\0';
            *pem_out = pem;
            return LD_OK;
        }
        p = e;
    }
    return LD_ENOTFOUND;
}

/* Leaf hashes of the export and a running compact range over them. */
typedef struct export_tree {
    ledger_hash *leaves;
    uint64_t count;
    ledger_hasher *hasher;
    ledger_hash stack[64]; /* roots of the perfect subtrees of leaves[0..done) */
    size_t depth;
    uint64_t done;
} export_tree;

static ld_status tree_root(void *ctx, uint64_t size, ledger_hash *out, ld_error *err)
{
    export_tree *t = ctx;
    if (size > t->count || size < t->done)
        return LD_FAIL(err, LD_EVERIFY, "checkpoint size %" PRIu64 " out of order", size);
    ld_status st = LD_OK;
    while (t->done < size && st == LD_OK) {
        t->stack[t->depth++] = t->leaves[t->done];
        for (uint64_t j = t->done; (j & 1) && st == LD_OK; j >>= 1) {
            st = ledger_hasher_node(t->hasher, &t->stack[t->depth - 2], &t->stack[t->depth - 1],
                                    &t->stack[t->depth - 2], err);
            t->depth--;
        }
        t->done++;
    }
    if (st != LD_OK)
        return st;
    if (t->depth == 0) {
        ledger_hash_empty(out);
        return LD_OK;
    }
    /* RFC 6962's root is the right fold of the perfect subtrees, largest
     * first. */
    ledger_hash acc = t->stack[t->depth - 1];
    for (size_t i = t->depth - 1; i-- > 0 && st == LD_OK;)
        st = ledger_hasher_node(t->hasher, &t->stack[i], &acc, &acc, err);
    if (st == LD_OK)
        *out = acc;
    return st;
}

/* Reads dir/name; a missing file is a verification failure naming it. */
static ld_status read_part(const char *dir, const char *name, char **out, size_t *len,
                           ld_error *err)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return LD_FAIL(err, LD_EINVAL, "dir: path too long");
    struct stat sb;
    if (stat(path, &sb) != 0)
        return LD_FAIL(err, LD_EVERIFY, "%s is missing from the export: %s", name, strerror(errno));
    ld_status st = core_read_file(path, out, len, err);
    if (st != LD_OK)
        return ld_error_recode(err, LD_EVERIFY, "%s: cannot be read", name);
    return LD_OK;
}

/* True when the line holds the key "journal" (it may carry entries to
 * balance). */
static bool has_journal(const char *line, size_t n)
{
    static const char key[] = "\"journal\":";
    size_t k = sizeof key - 1;
    for (size_t i = 0; i + k <= n; i++)
        if (line[i] == '"' && memcmp(line + i, key, k) == 0)
            return true;
    return false;
}

/* Hashes every line of entries.jsonl into t->leaves, checking each is
 * canonical and each journal it carries balances. */
static ld_status read_entries(const char *text, size_t len, export_tree *t,
                              ledger_verify_report *report, ld_error *err)
{
    const char *p = text, *end = text + len;
    uint64_t cap = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return LD_FAIL(err, LD_EVERIFY,
                           "entries.jsonl line %" PRIu64 ": not terminated by a newline",
                           t->count + 1);
        size_t n = (size_t)(nl - p);
        ld_status st = ledger_json_check_canonical(p, n, err);
        if (st != LD_OK)
            return ld_error_recode(err, LD_EVERIFY,
                                   "entries.jsonl line %" PRIu64 " (entry %" PRIu64 ")",
                                   t->count + 1, t->count);
        /* Only entries carrying a journal need parsing. */
        if (has_journal(p, n)) {
            cJSON *entry = cJSON_ParseWithLength(p, n);
            const cJSON *item;
            cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(entry, "journal"))
            {
                if (!ledger_journal_lines_balance(cJSON_GetObjectItemCaseSensitive(item, "lines")))
                    st = LD_FAIL(err, LD_EVERIFY,
                                 "entry %" PRIu64 ": a journal entry does not balance", t->count);
                if (report->journal_entries == UINT64_MAX)
                    st = LD_FAIL(err, LD_EVERIFY, "entries.jsonl: too many journal entries");
                report->journal_entries++;
            }
            cJSON_Delete(entry);
            if (st != LD_OK)
                return st;
        }
        if (t->count == cap) {
            uint64_t cap2 = cap == 0 ? 1024 : cap * 2;
            if (cap2 > SIZE_MAX / sizeof *t->leaves)
                return LD_FAIL(err, LD_EVERIFY, "entries.jsonl: too many entries");
            ledger_hash *grown = realloc(t->leaves, (size_t)cap2 * sizeof *t->leaves);
            if (grown == NULL)
                return LD_FAIL(err, LD_EINTERNAL, "out of memory reading entries");
            t->leaves = grown;
            cap = cap2;
        }
        if ((st = ledger_hasher_leaf(t->hasher, p, n, &t->leaves[t->count], err)) != LD_OK)
            return st;
        t->count++;
        p = nl + 1;
    }
    report->entries = t->count;
    return LD_OK;
}

/* The next space-separated word of *p (NUL-terminated in place), or NULL. */
static char *next_word(char **p)
{
    char *s = *p;
    while (*s == ' ')
        s++;
    if (*s == '\0')
        return NULL;
    char *word = s;
    while (*s != '\0' && *s != ' ')
        s++;
    if (*s == ' ')
        *s++ = '\0';
    *p = s;
    return word;
}

/* A plain decimal size: digits only, no sign, no overflow. */
static bool parse_size(const char *text, uint64_t *out)
{
    uint64_t v = 0;
    if (text == NULL || *text == '\0')
        return false;
    for (const char *c = text; *c; c++) {
        if (*c < '0' || *c > '9' || v > (UINT64_MAX - (uint64_t)(*c - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*c - '0');
    }
    *out = v;
    return true;
}

/* Checks the export's consistency file: one proof per pair of consecutive
 * checkpoints, each holding between their signed roots. */
static ld_status check_consistency(const char *text, size_t len,
                                   const ledger_checkpoint_record *cps, size_t n, ld_error *err)
{
    const char *p = text, *end = text + len;
    for (size_t i = 1; i < n; i++) {
        const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        if (nl == NULL)
            return LD_FAIL(err, LD_EVERIFY,
                           "consistency: the proof between checkpoints %zu and %zu is missing", i,
                           i + 1);
        char line[LEDGER_PROOF_MAX * LEDGER_HASH_HEX + 64];
        size_t n_line = (size_t)(nl - p);
        if (n_line >= sizeof line)
            return LD_FAIL(err, LD_EVERIFY, "consistency: line %zu is too long", i);
        memcpy(line, p, n_line);
        line[n_line] = '\0';
        p = nl + 1;
        char *cursor = line;
        char *a = next_word(&cursor), *b = next_word(&cursor);
        uint64_t old_size = 0, new_size = 0;
        if (!parse_size(a, &old_size) || !parse_size(b, &new_size) ||
            old_size != cps[i - 1].checkpoint.size || new_size != cps[i].checkpoint.size)
            return LD_FAIL(err, LD_EVERIFY,
                           "consistency: line %zu does not name the sizes of checkpoints %zu and "
                           "%zu",
                           i, i, i + 1);
        ledger_proof proof = {.count = 0};
        for (char *h; (h = next_word(&cursor)) != NULL;) {
            ld_error ignored;
            if (proof.count == LEDGER_PROOF_MAX ||
                ledger_hash_from_hex("proof", h, &proof.hashes[proof.count++], &ignored) != LD_OK)
                return LD_FAIL(err, LD_EVERIFY, "consistency: line %zu: malformed proof", i);
        }
        ld_error perr;
        if (!ledger_consistency_verify(old_size, new_size, &cps[i - 1].checkpoint.root,
                                       &cps[i].checkpoint.root, proof.hashes, proof.count, &perr))
            return LD_FAIL(err, LD_EVERIFY, "consistency: checkpoints %zu and %zu: %s", i, i + 1,
                           perr.message);
    }
    if (p != end)
        return LD_FAIL(err, LD_EVERIFY, "consistency: more proofs than pairs of checkpoints");
    return LD_OK;
}

ld_status ledger_verify_offline(const char *dir, const ledger_verify_options *opt,
                                ledger_verify_report *out, ld_error *err)
{
    if (opt == NULL || (opt->ca_file == NULL && opt->ca_fingerprint == NULL))
        return LD_FAIL(err, LD_EUSAGE,
                       "offline verification needs a trust anchor: --ca FILE (the CA certificate "
                       "you hold) or --ca-fingerprint SHA256HEX");
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return LD_FAIL(err, LD_ENOTFOUND, "%s: no such export directory", dir);
    ld_status st = LD_OK;
    char *entries = NULL, *cps_text = NULL, *cons = NULL, *data_ca = NULL;
    size_t entries_len = 0, cps_len = 0, cons_len = 0, ca_len = 0;
    pem_set certs = {0};
    export_tree tree;
    memset(&tree, 0, sizeof tree);
    ledger_anchor anchor;
    memset(&anchor, 0, sizeof anchor);
    ledger_trust *trust = NULL;
    ledger_checkpoint_record *cps = NULL, *kept = NULL;
    size_t n = 0;
    ledger_verify_report report;
    memset(&report, 0, sizeof report);
    if (opt->ca_file == NULL && (st = read_part(dir, "ca.pem", &data_ca, &ca_len, err)) != LD_OK)
        goto out;
    if ((st = ledger_anchor_load(opt->ca_file, opt->ca_fingerprint, data_ca, &anchor, err)) !=
            LD_OK ||
        (st = read_part(dir, "entries.jsonl", &entries, &entries_len, err)) != LD_OK ||
        (st = ledger_hasher_new(&tree.hasher, err)) != LD_OK ||
        (st = read_entries(entries, entries_len, &tree, &report, err)) != LD_OK ||
        (st = read_part(dir, "checkpoints", &cps_text, &cps_len, err)) != LD_OK ||
        (st = read_part(dir, "institution.pem", &certs.text, &certs.len, err)) != LD_OK ||
        (st = read_part(dir, "consistency", &cons, &cons_len, err)) != LD_OK ||
        (st = ledger_checkpoint_blocks_parse(cps_text, cps_len, &cps, &n, err)) != LD_OK ||
        (st = ledger_trust_new(&anchor, pem_set_cert, &certs, &trust, err)) != LD_OK ||
        (st = ledger_trust_checkpoints(trust, cps, n, tree.count, tree_root, &tree, err)) !=
            LD_OK ||
        (st = check_consistency(cons, cons_len, cps, n, err)) != LD_OK ||
        (st = ledger_verify_archive(dir, entries, entries_len, &report.documents, err)) != LD_OK)
        goto out;
    if (opt->since_path != NULL) {
        if ((st = read_kept(opt->since_path, &kept, err)) != LD_OK)
            goto out;
        ledger_checkpoint_record latest = n > 0 ? cps[n - 1] : (ledger_checkpoint_record){0};
        ledger_proof proof = {.count = 0};
        if (n == 0 || kept->checkpoint.size > latest.checkpoint.size) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "kept checkpoint covers %" PRIu64 " entries but the export holds %" PRIu64
                         ": the log was truncated below a checkpoint you kept",
                         kept->checkpoint.size, tree.count);
            goto out;
        }
        if ((st = ledger_tree_consistency_proof(tree.leaves, kept->checkpoint.size,
                                                latest.checkpoint.size, &proof, err)) != LD_OK)
            goto out;
        /* The running range has passed the kept size: the root at it is
         * recomputed from the leaves. */
        export_tree again = {.leaves = tree.leaves, .count = tree.count, .hasher = tree.hasher};
        if ((st = ledger_trust_since(trust, kept, &latest, tree.count, tree_root, &again, &proof,
                                     err)) != LD_OK)
            goto out;
    }
    report.checkpoints = n;
    *out = report;
out:
    ledger_checkpoint_records_free(kept, kept != NULL ? 1 : 0);
    ledger_checkpoint_records_free(cps, n);
    ledger_trust_free(trust);
    ledger_anchor_free(&anchor);
    ledger_hasher_free(tree.hasher);
    free(tree.leaves);
    free(entries);
    free(cps_text);
    free(cons);
    free(data_ca);
    free(certs.text);
    return st;
}

/* ---- Proofs ------------------------------------------------------------------------ */

static cJSON *proof_json(const ledger_proof *proof)
{
    cJSON *array = cJSON_CreateArray();
    char hex[LEDGER_HASH_HEX];
    for (size_t i = 0; i < proof->count; i++)
        cJSON_AddItemToArray(array, cJSON_CreateString(ledger_hash_to_hex(&proof->hashes[i], hex)));
    return array;
}

/* Adds key: the block of the newest checkpoint of exactly size entries, and
 * (once) the certificate that signed it and the CA; nothing when no
 * checkpoint has that size. */
static ld_status add_checkpoint(core_store *store, const ledger_checkpoint_record *cps, size_t n,
                                uint64_t size, const char *key, cJSON *o, ld_error *err)
{
    for (size_t i = n; i-- > 0;) {
        if (cps[i].checkpoint.size != size)
            continue;
        char *block = NULL, *cert = NULL, *ca = NULL;
        char kind[16];
        ld_status st = ledger_checkpoint_block_text(&cps[i], &block, err);
        if (st == LD_OK)
            st = core_keystore_cert_by_fingerprint(store, cps[i].key_id, &cert, kind, err);
        if (st == LD_OK)
            st = core_keystore_ca_cert(store, &ca, err);
        if (st == LD_OK) {
            cJSON_AddStringToObject(o, key, block);
            if (!cJSON_HasObjectItem(o, "certificate"))
                cJSON_AddStringToObject(o, "certificate", cert);
            if (!cJSON_HasObjectItem(o, "ca"))
                cJSON_AddStringToObject(o, "ca", ca);
        }
        free(block);
        free(cert);
        free(ca);
        return st;
    }
    return LD_OK;
}

ld_status ledger_prove_inclusion(core_store *store, const core_session *who, uint64_t index,
                                 uint64_t size, cJSON **out, ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err)) != LD_OK)
        return st;
    ledger_log *log = NULL;
    ledger_log_iter *iter = NULL;
    ledger_checkpoint_record *cps = NULL;
    size_t n = 0;
    ledger_proof proof;
    ledger_hash leaf, root;
    uint64_t log_size = 0;
    char hex[LEDGER_HASH_HEX];
    cJSON *o = NULL;
    if ((st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK)
        return st;
    if ((st = ledger_log_size(log, &log_size, err)) != LD_OK ||
        (st = ledger_log_checkpoint_list(log, &cps, &n, err)) != LD_OK)
        goto out;
    /* By default the proof is made for the newest signed root. */
    if (size == 0)
        size = n > 0 ? cps[n - 1].checkpoint.size : log_size;
    if (index >= size || size > log_size) {
        st = LD_FAIL(err, LD_EINVAL, "entry: %llu is not in a log of %llu entries",
                     (unsigned long long)index, (unsigned long long)size);
        goto out;
    }
    bool has = false;
    ledger_log_entry e;
    if ((st = ledger_log_inclusion_proof(log, index, size, &proof, err)) != LD_OK ||
        (st = ledger_log_leaf_hash(log, index, &leaf, err)) != LD_OK ||
        (st = ledger_log_root(log, size, &root, err)) != LD_OK ||
        (st = ledger_log_iter_new(log, index, &iter, err)) != LD_OK ||
        (st = ledger_log_iter_next(iter, &has, &e, err)) != LD_OK)
        goto out;
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "inclusion");
    core_json_put_int(o, "index", (int64_t)index);
    core_json_put_int(o, "size", (int64_t)size);
    if (has) {
        char *body = malloc(e.len + 1);
        if (body != NULL) {
            memcpy(body, e.body, e.len);
            body[e.len] = '\0';
            cJSON_AddStringToObject(o, "entry", body);
            free(body);
        }
    }
    cJSON_AddStringToObject(o, "leaf_hash", ledger_hash_to_hex(&leaf, hex));
    cJSON_AddStringToObject(o, "root", ledger_hash_to_hex(&root, hex));
    cJSON_AddItemToObject(o, "proof", proof_json(&proof));
    if ((st = add_checkpoint(store, cps, n, size, "checkpoint", o, err)) != LD_OK)
        goto out;
    *out = o;
    o = NULL;
out:
    cJSON_Delete(o);
    ledger_checkpoint_records_free(cps, n);
    ledger_log_iter_free(iter);
    ledger_log_close(log);
    return st;
}

ld_status ledger_prove_consistency(core_store *store, const core_session *who, uint64_t old_size,
                                   uint64_t new_size, cJSON **out, ld_error *err)
{
    ld_status st;
    if ((st = core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err)) != LD_OK)
        return st;
    ledger_log *log = NULL;
    ledger_checkpoint_record *cps = NULL;
    size_t n = 0;
    ledger_proof proof;
    ledger_hash old_root, new_root;
    char hex[LEDGER_HASH_HEX];
    if ((st = ledger_log_open(core_store_db(store), &log, err)) != LD_OK)
        return st;
    if ((st = ledger_log_checkpoint_list(log, &cps, &n, err)) == LD_OK &&
        (st = ledger_log_consistency_proof(log, old_size, new_size, &proof, err)) == LD_OK &&
        (st = ledger_log_root(log, old_size, &old_root, err)) == LD_OK &&
        (st = ledger_log_root(log, new_size, &new_root, err)) == LD_OK) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "consistency");
        core_json_put_int(o, "old_size", (int64_t)old_size);
        core_json_put_int(o, "new_size", (int64_t)new_size);
        cJSON_AddStringToObject(o, "old_root", ledger_hash_to_hex(&old_root, hex));
        cJSON_AddStringToObject(o, "new_root", ledger_hash_to_hex(&new_root, hex));
        cJSON_AddItemToObject(o, "proof", proof_json(&proof));
        if ((st = add_checkpoint(store, cps, n, new_size, "checkpoint", o, err)) == LD_OK &&
            (st = add_checkpoint(store, cps, n, old_size, "old_checkpoint", o, err)) == LD_OK)
            *out = o;
        else
            cJSON_Delete(o);
    }
    ledger_checkpoint_records_free(cps, n);
    ledger_log_close(log);
    return st;
}

static ld_status read_hash(const cJSON *obj, const char *key, ledger_hash *out, ld_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(item))
        return LD_FAIL(err, LD_EINVAL, "%s: missing", key);
    return ledger_hash_from_hex(key, item->valuestring, out, err);
}

static ld_status read_u64(const cJSON *obj, const char *key, uint64_t *out, ld_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    int64_t v;
    if (!core_json_integer(item, &v) || v < 0)
        return LD_FAIL(err, LD_EINVAL, "%s: must be a whole number", key);
    *out = (uint64_t)v;
    return LD_OK;
}

/* The proof's own certificate, when its fingerprint is the one asked for. */
static ld_status proof_cert(void *ctx, const char *fingerprint, char **pem_out, ld_error *err)
{
    const char *pem = ctx;
    core_pki_cert_info info;
    ld_error ignored;
    if (pem == NULL || core_pki_cert_inspect(pem, strlen(pem), &info, &ignored) != LD_OK ||
        strcmp(info.fingerprint, fingerprint) != 0)
        return LD_ENOTFOUND;
    size_t n = strlen(pem);
    if ((*pem_out = malloc(n + 1)) == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    memcpy(*pem_out, pem, n + 1);
    return LD_OK;
}

/* Judges the checkpoint block under key in the proof: signed under the
 * anchor, for exactly size entries and root. */
static ld_status proof_checkpoint(ledger_trust *trust, const cJSON *p, const char *key,
                                  uint64_t size, const ledger_hash *root, ld_error *err)
{
    const cJSON *block = cJSON_GetObjectItemCaseSensitive(p, key);
    if (!cJSON_IsString(block))
        return LD_FAIL(err, LD_EVERIFY,
                       "%s: missing: no signed checkpoint vouches for the proof's root at size "
                       "%" PRIu64,
                       key, size);
    ledger_checkpoint_record *r = NULL;
    size_t n = 0;
    ld_status st =
        ledger_checkpoint_blocks_parse(block->valuestring, strlen(block->valuestring), &r, &n, err);
    if (st != LD_OK)
        return st;
    if (n != 1)
        st = LD_FAIL(err, LD_EVERIFY, "%s: must be exactly one checkpoint block", key);
    else if ((st = ledger_trust_checkpoint(trust, key, r, err)) == LD_OK &&
             (r->checkpoint.size != size || !ledger_hash_equal(&r->checkpoint.root, root)))
        st = LD_FAIL(err, LD_EVERIFY,
                     "%s: signs size %" PRIu64 " and another root, not the proof's size %" PRIu64
                     " and root",
                     key, r->checkpoint.size, size);
    ledger_checkpoint_records_free(r, n);
    return st;
}

/* The Merkle part of a proof: LD_OK when the hashes hold. Fills the size and
 * root the proof ends at (and the old ones for consistency). */
static ld_status proof_hashes(const cJSON *p, bool *inclusion, uint64_t *size, ledger_hash *root,
                              uint64_t *old_size, ledger_hash *old_root, ld_error *err)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(p, "type");
    const cJSON *hashes = cJSON_GetObjectItemCaseSensitive(p, "proof");
    if (!cJSON_IsString(type) || !cJSON_IsArray(hashes))
        return LD_FAIL(err, LD_EINVAL, "proof: needs \"type\" and \"proof\"");
    ledger_proof proof;
    memset(&proof, 0, sizeof proof);
    const cJSON *item;
    ld_status st;
    cJSON_ArrayForEach(item, hashes)
    {
        if (proof.count == LEDGER_PROOF_MAX || !cJSON_IsString(item))
            return LD_FAIL(err, LD_EINVAL, "proof: too long or not hex strings");
        if ((st = ledger_hash_from_hex("proof", item->valuestring, &proof.hashes[proof.count++],
                                       err)) != LD_OK)
            return st;
    }
    if (strcmp(type->valuestring, "inclusion") == 0) {
        uint64_t index = 0;
        ledger_hash leaf;
        *inclusion = true;
        if ((st = read_u64(p, "index", &index, err)) != LD_OK ||
            (st = read_u64(p, "size", size, err)) != LD_OK ||
            (st = read_hash(p, "leaf_hash", &leaf, err)) != LD_OK ||
            (st = read_hash(p, "root", root, err)) != LD_OK)
            return st;
        const cJSON *entry = cJSON_GetObjectItemCaseSensitive(p, "entry");
        if (cJSON_IsString(entry)) {
            ledger_hash computed;
            if ((st = ledger_hash_leaf(entry->valuestring, strlen(entry->valuestring), &computed,
                                       err)) != LD_OK)
                return st;
            if (!ledger_hash_equal(&computed, &leaf))
                return LD_FAIL(err, LD_EVERIFY, "entry: does not hash to leaf_hash");
        }
        if (!ledger_inclusion_verify(index, *size, &leaf, proof.hashes, proof.count, root, err))
            return err != NULL && err->code != LD_OK ? err->code : LD_EVERIFY;
        return LD_OK;
    }
    if (strcmp(type->valuestring, "consistency") == 0) {
        *inclusion = false;
        if ((st = read_u64(p, "old_size", old_size, err)) != LD_OK ||
            (st = read_u64(p, "new_size", size, err)) != LD_OK ||
            (st = read_hash(p, "old_root", old_root, err)) != LD_OK ||
            (st = read_hash(p, "new_root", root, err)) != LD_OK)
            return st;
        if (!ledger_consistency_verify(*old_size, *size, old_root, root, proof.hashes, proof.count,
                                       err))
            return err != NULL && err->code != LD_OK ? err->code : LD_EVERIFY;
        return LD_OK;
    }
    return LD_FAIL(err, LD_EINVAL, "type: must be inclusion or consistency");
}

ld_status ledger_proof_check(const cJSON *p, const ledger_verify_options *opt, ld_error *err)
{
    if (opt == NULL || (opt->ca_file == NULL && opt->ca_fingerprint == NULL))
        return LD_FAIL(err, LD_EUSAGE,
                       "proof verification needs a trust anchor: --ca FILE or --ca-fingerprint "
                       "SHA256HEX");
    bool inclusion = false;
    uint64_t size = 0, old_size = 0;
    ledger_hash root, old_root;
    ld_status st = proof_hashes(p, &inclusion, &size, &root, &old_size, &old_root, err);
    if (st != LD_OK)
        return st;
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(p, "ca");
    const cJSON *cert = cJSON_GetObjectItemCaseSensitive(p, "certificate");
    ledger_anchor anchor;
    ledger_trust *trust = NULL;
    if ((st = ledger_anchor_load(opt->ca_file, opt->ca_fingerprint,
                                 cJSON_IsString(ca) ? ca->valuestring : NULL, &anchor, err)) !=
        LD_OK)
        return st;
    if ((st = ledger_trust_new(&anchor, proof_cert, cJSON_IsString(cert) ? cert->valuestring : NULL,
                               &trust, err)) == LD_OK &&
        (st = proof_checkpoint(trust, p, "checkpoint", size, &root, err)) == LD_OK && !inclusion &&
        cJSON_HasObjectItem(p, "old_checkpoint"))
        st = proof_checkpoint(trust, p, "old_checkpoint", old_size, &old_root, err);
    ledger_trust_free(trust);
    ledger_anchor_free(&anchor);
    return st;
}
