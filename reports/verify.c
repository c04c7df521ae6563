/*
 * verify.c - checking a signed workbook (report_verify, report.h).
 *
 * Four questions, in this order, each failing with LD_EVERIFY and its reason:
 * does the detached signature cover these exact bytes and chain to the CA
 * (core_pki_cms_verify); does the ledger hold a report.signed entry for the
 * file's SHA-256, naming the same certificate (a file signed again by someone
 * else does not pass as the original); did the institution issue that
 * certificate; and was it unrevoked when the ledger recorded the file. The
 * ledger's time is used rather than the signature's signingTime, which is the
 * signer's own claim and could be backdated by a revoked signer who still has
 * the key (pki.h).
 */
#include <assert.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book_int.h"
#include "digest.h"
#include "inspection.h"
#include "json_in.h"
#include "keystore.h"
#include "ledger_verify.h"
#include "trust.h"
#include "permission.h"
#include "pki.h"

/* The first checkpoint of an export that covers entry seq (its size), 0 when
 * none does. The export has been verified whole before. */
static uint64_t export_checkpoint_covering(const char *dir, uint64_t seq)
{
    char path[4096], *text = NULL;
    size_t len = 0, n = 0;
    ld_error ignored;
    ledger_checkpoint_record *cps = NULL;
    uint64_t size = 0;
    snprintf(path, sizeof path, "%s/checkpoints", dir);
    if (core_read_file(path, &text, &len, &ignored) != LD_OK)
        return 0;
    if (ledger_checkpoint_blocks_parse(text, len, &cps, &n, &ignored) == LD_OK)
        for (size_t i = 0; i < n && size == 0; i++)
            if (cps[i].checkpoint.size > seq)
                size = cps[i].checkpoint.size;
    ledger_checkpoint_records_free(cps, n);
    free(text);
    return size;
}

/* Looks a report.signed entry up in an export's entries.jsonl (one entry per
 * line, line N is entry N): the one recording sha256_hex, or, when
 * fingerprint is given, the one anchored at anchor by that certificate (as
 * ledger_report_signed_match). needle narrows the lines parsed. */
static ld_status find_in_export(const char *dir, const char *needle, const char *sha256_hex,
                                int64_t anchor, const char *fingerprint, ledger_report_signed *out,
                                ld_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/entries.jsonl", dir);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return LD_FAIL(err, LD_ENOTFOUND, "%s: cannot open the ledger export", path);
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    uint64_t seq = 0;
    bool found = false;
    while (line != NULL && !found) {
        size_t used = 0;
        int ch = 0;
        while ((ch = fgetc(f)) != EOF && ch != '\n') {
            if (used + 1 >= cap) {
                char *bigger = realloc(line, cap * 2);
                if (bigger == NULL) {
                    free(line);
                    line = NULL;
                    break;
                }
                line = bigger;
                cap *= 2;
            }
            line[used++] = (char)ch;
        }
        if (line == NULL || (ch == EOF && used == 0))
            break;
        line[used] = '\0';
        if (strstr(line, needle) != NULL &&
            ledger_report_signed_match(line, used, sha256_hex, anchor, fingerprint, out)) {
            out->seq = seq;
            out->leaf_ok = true; /* the export was verified whole before */
            out->checkpoint_size = export_checkpoint_covering(dir, seq);
            found = true;
        }
        seq++;
        if (ch == EOF)
            break;
    }
    free(line);
    fclose(f);
    if (!found)
        return LD_FAIL(err, LD_ENOTFOUND, "no report.signed entry in %s for %s", path, needle);
    return LD_OK;
}

static ld_status find_in_export_by_hash(const char *dir, const char *sha256_hex,
                                        ledger_report_signed *out, ld_error *err)
{
    char needle[80];
    snprintf(needle, sizeof needle, "\"%s\"", sha256_hex);
    return find_in_export(dir, needle, sha256_hex, 0, NULL, out, err);
}

static ld_status find_in_export_by_anchor(const char *dir, uint64_t anchor_size,
                                          const char *fingerprint, ledger_report_signed *out,
                                          ld_error *err)
{
    char needle[80];
    snprintf(needle, sizeof needle, "\"%.64s\"", fingerprint);
    return find_in_export(dir, needle, NULL, (int64_t)anchor_size, fingerprint, out, err);
}

/* The auditor's CA: the file given, or the data's own CA certificate (the
 * database's, or the export's ca.pem) when it has the fingerprint given. */
static ld_status load_anchor(const report_verify_options *o, ledger_anchor *out, ld_error *err)
{
    char *data_ca = NULL;
    size_t len = 0;
    ld_status st = LD_OK;
    if (o->ca_pem_path == NULL && o->ca_fingerprint != NULL) {
        if (o->store != NULL) {
            st = core_keystore_ca_cert(o->store, &data_ca, err);
        } else if (o->export_dir != NULL) {
            char path[4096];
            snprintf(path, sizeof path, "%s/ca.pem", o->export_dir);
            st = core_read_file(path, &data_ca, &len, err);
        }
        if (st != LD_OK)
            return LD_FAIL(err, LD_EVERIFY, "no CA certificate to match the fingerprint with: %s",
                           err->message);
    }
    st = ledger_anchor_load(o->ca_pem_path, o->ca_fingerprint, data_ca, out, err);
    if (st == LD_EUSAGE)
        st = LD_FAIL(err, LD_EUSAGE,
                     "verify: a trust anchor is needed: --ca FILE (the CA certificate you hold) "
                     "or --ca-fingerprint SHA256HEX");
    free(data_ca);
    return st;
}

static void fmt_time(time_t t, char buf[32])
{
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "%lld", (long long)t);
}

ld_status report_verify(const report_verify_options *o, report_verification *out, ld_error *err)
{
    report_verification v;
    memset(&v, 0, sizeof v);
    unsigned char *content = NULL, *der = NULL;
    const char *ca = NULL;
    ledger_anchor anchor;
    memset(&anchor, 0, sizeof anchor);
    size_t content_len = 0, der_len = 0, ca_len = 0;
    char *p7s_path = NULL;
    report_sheet_claims claims;
    memset(&claims, 0, sizeof claims);
    ld_status st = LD_OK;
    /* The database's ledger tells which customer's report a file is: readers
     * of customer files only. Offline, the files themselves are all there is. */
    if (o->store != NULL) {
        assert(o->who != NULL);
        if ((st = core_perm_require(o->who, CORE_ACT_CUSTOMER_READ, NULL, err)) != LD_OK)
            return st;
    }
    if ((st = report_read_file(o->path, &content, &content_len, err)) != LD_OK)
        goto out;
    if (o->p7s_path == NULL) {
        size_t n = strlen(o->path);
        p7s_path = malloc(n + 5);
        if (p7s_path == NULL) {
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
            goto out;
        }
        memcpy(p7s_path, o->path, n);
        memcpy(p7s_path + n, ".p7s", 5);
    }
    if ((st = report_read_file(o->p7s_path != NULL ? o->p7s_path : p7s_path, &der, &der_len,
                               err)) != LD_OK)
        goto out;
    if ((st = load_anchor(o, &anchor, err)) != LD_OK)
        goto out;
    ca = anchor.ca_pem;
    ca_len = anchor.ca_len;
    core_pki_signer_info signer;
    if ((st = core_pki_cms_verify(ca, ca_len, content, content_len, der, der_len, &signer, err)) !=
        LD_OK) {
        if (st == LD_EVERIFY)
            ld_error_prefix(err, "%s", o->path);
        goto out;
    }
    core_sha256_hex(content, content_len, v.sha256);
    /* The sheets as any reader recovers them, against the signature sheet's
     * own list (workbooks of the earlier hash form carry none to check). */
    if ((st = report_sheets_read(o->path, content, content_len, &claims, err)) != LD_OK)
        goto out;
    if (claims.form) {
        if ((st = report_sheets_check_own(o->path, &claims, err)) != LD_OK)
            goto out;
        v.sheets_checked = true;
    }
    snprintf(v.signer, sizeof v.signer, "%s", signer.cert.common_name);
    snprintf(v.signer_role, sizeof v.signer_role, "%s", signer.cert.org_unit);
    snprintf(v.fingerprint, sizeof v.fingerprint, "%s", signer.cert.fingerprint);
    v.signing_time = signer.signing_time;

    ledger_report_signed entry;
    bool have_ledger = o->store != NULL || o->export_dir != NULL;
    if (have_ledger) {
        if (o->store == NULL) {
            ledger_verify_options lo = {.ca_file = o->ca_pem_path,
                                        .ca_fingerprint = o->ca_fingerprint};
            ledger_verify_report rep;
            if ((st = ledger_verify_offline(o->export_dir, &lo, &rep, err)) != LD_OK) {
                ld_error_recode(err, st, "ledger export %s", o->export_dir);
                goto out;
            }
        }
        st = o->store != NULL ? ledger_report_find_signed(o->store, v.sha256, &entry, err)
                              : find_in_export_by_hash(o->export_dir, v.sha256, &entry, err);
        if (st == LD_ENOTFOUND && claims.form && claims.have_anchor) {
            /* Not these bytes: the entry of the workbook the signature
             * sheet claims to be (in the database's log or the export's)
             * tells which sheet was changed. */
            ledger_report_signed claimed;
            ld_error ignored;
            ld_status found =
                o->store != NULL
                    ? ledger_report_find_signed_anchor(o->store, claims.anchor_size, v.fingerprint,
                                                       &claimed, &ignored)
                    : find_in_export_by_anchor(o->export_dir, claims.anchor_size, v.fingerprint,
                                               &claimed, &ignored);
            if (found == LD_OK && claimed.sheets[0] != '\0') {
                st = report_sheets_check_ledger(o->path, &claims, claimed.sheets, claimed.seq, err);
                if (st != LD_OK)
                    goto out;
                st = LD_FAIL(err, LD_EVERIFY,
                             "%s: the ledger has no record of this file (sha256 %s); entry %llu "
                             "records the same sheets: the file was repacked after signing",
                             o->path, v.sha256, (unsigned long long)claimed.seq);
                goto out;
            }
        }
        if (st == LD_ENOTFOUND) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "%s: the ledger has no record of this file (sha256 %s): not a report "
                         "this institution signed, or changed since",
                         o->path, v.sha256);
            goto out;
        }
        if (st != LD_OK)
            goto out;
        /* The content recorded at signing must be the content now. */
        if (claims.form && entry.sheets[0] != '\0') {
            if ((st = report_sheets_check_ledger(o->path, &claims, entry.sheets, entry.seq, err)) !=
                LD_OK)
                goto out;
            v.sheets_in_ledger = true;
        }
        if (!entry.leaf_ok) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "%s: ledger entry %llu does not match its stored hash (ledger tampered)",
                         o->path, (unsigned long long)entry.seq);
            goto out;
        }
        if (strcmp(entry.fingerprint, v.fingerprint) != 0) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "%s: signed with certificate %.16s… (%s) but the ledger records the "
                         "signature of %s (certificate %.16s…): signature swapped",
                         o->path, v.fingerprint, v.signer, entry.signer, entry.fingerprint);
            goto out;
        }
        /* Online, the entry must stand under a checkpoint the auditor's CA
         * vouches for, not merely under one the database holds. */
        if (o->store != NULL) {
            ledger_verify_options lo = {.ca_file = o->ca_pem_path,
                                        .ca_fingerprint = o->ca_fingerprint};
            if ((st = ledger_verify_entry_covered(o->store, &lo, entry.seq, &entry.checkpoint_size,
                                                  err)) != LD_OK) {
                ld_error_recode(err, st, "%s", o->path);
                goto out;
            }
        }
        v.in_ledger = true;
        v.ledger_seq = entry.seq;
        v.ledger_time = entry.time;
        v.checkpoint_size = entry.checkpoint_size;
        snprintf(v.kind, sizeof v.kind, "%s", entry.kind);
    }
    if (o->store != NULL) {
        bool known = false;
        time_t revoked_at = 0;
        if ((st = core_keystore_cert_status(o->store, v.fingerprint, &known, &revoked_at, err)) !=
            LD_OK)
            goto out;
        if (!known) {
            st = LD_FAIL(err, LD_EVERIFY,
                         "%s: signer %s: certificate %s was not issued by this institution",
                         o->path, v.signer, v.fingerprint);
            goto out;
        }
        v.revocation_checked = true;
        v.revoked_at = revoked_at;
        time_t when = v.in_ledger ? (time_t)v.ledger_time : v.signing_time;
        if (revoked_at != 0 && revoked_at <= when) {
            char rt[32], wt[32];
            fmt_time(revoked_at, rt);
            fmt_time(when, wt);
            st = LD_FAIL(err, LD_EVERIFY,
                         "%s: signer %s's certificate was revoked at %s, before the report was "
                         "recorded at %s",
                         o->path, v.signer, rt, wt);
            goto out;
        }
    }
    *out = v;
    st = LD_OK;
out:
    free(content);
    free(der);
    report_sheets_free(&claims);
    ledger_anchor_free(&anchor);
    free(p7s_path);
    return st;
}
