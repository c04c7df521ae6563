/*
 * sign.c - signing a finished workbook and anchoring it in the ledger
 * (docs/design.md, "Signed files").
 *
 * Order matters: the signature sheet names the ledger size and root as they
 * stand before the workbook is written (the anchor), the file is closed, its
 * bytes hashed and signed into FILE.xlsx.p7s, and only then is the
 * report.signed entry appended, so the entry's position is always after the
 * anchor it names. The entry goes through core_event_emit; when no sink is
 * attached (a front end that has not wired the ledger) it is appended to the
 * log directly, so a signed workbook is never left out of the ledger.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "book_int.h"
#include "digest.h"
#include "inspection.h"
#include "json_in.h"
#include "keystore.h"
#include "ledger_events.h"
#include "permission.h"
#include "pki.h"
#include "private_file.h"
#include "user.h"

struct report_signer {
    core_pki_key *key;
    char *cert_pem;
    char *ca_pem;
    core_pki_cert_info cert;
    char username[CORE_USERNAME_MAX];
    char full_name[128]; /* as the user table has it; "" when it has none */
};

ld_status report_signer_open(core_store *store, const core_session *who, const char *password,
                             report_signer **out, ld_error *err)
{
    ld_status st = core_perm_require(who, CORE_ACT_REPORT_SIGN, NULL, err);
    if (st != LD_OK)
        return st;
    if (password == NULL)
        return LD_FAIL(err, LD_EPERM, "signing: the signer's password is needed to unlock the key");
    report_signer *s = calloc(1, sizeof *s);
    if (s == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    st = core_keystore_user_signer(store, who, password, &s->key, &s->cert_pem, err);
    if (st == LD_OK)
        st = core_keystore_ca_cert(store, &s->ca_pem, err);
    if (st == LD_OK)
        st = core_pki_cert_inspect(s->cert_pem, strlen(s->cert_pem), &s->cert, err);
    if (st != LD_OK) {
        report_signer_free(s);
        return st;
    }
    snprintf(s->username, sizeof s->username, "%s", who->username);
    /* The certificate names the login; pages show the person as the bank
     * knows them, with the login beside it. */
    ld_error ignored;
    if (core_user_full_name(store, who->username, s->full_name, sizeof s->full_name, &ignored) !=
        LD_OK)
        s->full_name[0] = '\0';
    *out = s;
    return LD_OK;
}

ld_status report_book_permit(const core_session *who, ld_error *err)
{
    /* The whole book is what the whole ledger holds: the one rule of core's
     * table decides both. */
    return core_perm_require(who, CORE_ACT_LEDGER_VERIFY, NULL, err);
}

void report_signer_free(report_signer *s)
{
    if (s == NULL)
        return;
    core_pki_key_free(s->key);
    free(s->cert_pem);
    free(s->ca_pem);
    free(s);
}

ld_status report_read_file(const char *path, unsigned char **out, size_t *len, ld_error *err)
{
    char *text = NULL;
    ld_status st = core_read_file(path, &text, len, err);
    if (st == LD_OK)
        *out = (unsigned char *)text;
    return st;
}

/* Signatures, like workbooks, are 0600 whatever the umask (private_file.h). */
static ld_status write_file(const char *path, const unsigned char *data, size_t len, ld_error *err)
{
    FILE *f = NULL;
    ld_status st = core_private_file_create(path, &f, err);
    if (st != LD_OK)
        return st;
    bool ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    return ok ? LD_OK : LD_FAIL(err, LD_EINTERNAL, "%s: write failed", path);
}

ld_status report_job_begin(report_job *job, core_store *store, const core_session *who,
                           const report_options *options, const char *kind, ld_error *err)
{
    memset(job, 0, sizeof *job);
    job->store = store;
    job->who = who;
    job->options = options;
    job->kind = kind;
    if (options == NULL || options->path == NULL || options->path[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "output: a file name is required (-o FILE.xlsx)");
    /* The institution's name heads every printed page; a book without a CA
     * (never initialised) prints without it. */
    char *ca_pem = NULL;
    core_pki_cert_info ca;
    ld_error ignored;
    if (core_keystore_ca_cert(store, &ca_pem, &ignored) == LD_OK &&
        core_pki_cert_inspect(ca_pem, strlen(ca_pem), &ca, &ignored) == LD_OK)
        snprintf(job->institution, sizeof job->institution, "%s", ca.organization);
    free(ca_pem);
    return ledger_report_anchor(store, &job->anchor_size, job->anchor_root, err);
}

/* Signs the written part, records the signature in the ledger and the audit
 * trail, and leaves the signature as p7s's part. */
static ld_status sign_and_log(report_job *job, const unsigned char *bytes, size_t len,
                              const char *p7s, report_result *r, ld_error *err)
{
    const report_signer *signer = job->options->signer;
    unsigned char *der = NULL;
    size_t der_len = 0;
    ld_status st = core_pki_cms_sign(signer->key, signer->cert_pem, strlen(signer->cert_pem),
                                     signer->ca_pem, strlen(signer->ca_pem), bytes, len,
                                     ledger_event_now(job->store), &der, &der_len, err);
    if (st != LD_OK)
        return st;
    char part[4096 + 16];
    report_part_path(p7s, part, sizeof part);
    st = write_file(part, der, der_len, err);
    free(der);
    if (st != LD_OK)
        return st;
    /* The ledger entry: integers and strings only (ledger_events.h). */
    cJSON *fields = cJSON_CreateObject();
    cJSON_AddStringToObject(fields, "kind", job->kind);
    cJSON_AddStringToObject(fields, "sha256", r->sha256);
    cJSON_AddStringToObject(fields, "signer", signer->username);
    cJSON_AddStringToObject(fields, "fingerprint", signer->cert.fingerprint);
    cJSON_AddNumberToObject(fields, "anchor_size", (double)job->anchor_size);
    /* The sheets' content hashes as written: verify recomputes them from the
     * file and compares them with this record (verify.c). */
    cJSON_AddStringToObject(fields, "sheets", job->sheets);
    if (core_store_has_event_sink(job->store))
        st = core_event_emit(job->store, "report.signed", fields, err);
    else
        st = ledger_event_append(job->store, "report.signed", fields, err);
    if (st == LD_OK) {
        cJSON_AddStringToObject(fields, "file", job->options->path);
        cJSON_AddStringToObject(fields, "anchor_root", job->anchor_root);
        st = core_audit_record(job->store, job->who, "report.sign", "report", 0, fields, err);
    }
    cJSON_Delete(fields);
    if (st != LD_OK)
        return st;
    r->is_signed = true;
    snprintf(r->signer, sizeof r->signer, "%s", signer->username);
    snprintf(r->fingerprint, sizeof r->fingerprint, "%s", signer->cert.fingerprint);
    return LD_OK;
}

ld_status report_job_finish(report_job *job, report_book *book, report_result *out, ld_error *err)
{
    const report_signer *signer = job->options->signer;
    const char *path = job->options->path;
    report_book_seal seal = {
        .signer = signer != NULL ? signer->username : NULL,
        .signer_name = signer == NULL                 ? NULL
                       : signer->full_name[0] != '\0' ? signer->full_name
                                                      : signer->cert.common_name,
        .signer_role = signer != NULL ? signer->cert.org_unit : NULL,
        .fingerprint = signer != NULL ? signer->cert.fingerprint : NULL,
        .anchor_size = job->anchor_size,
        .anchor_root = job->anchor_root,
        .sheets_out = job->sheets,
        .sheets_out_size = sizeof job->sheets,
    };
    report_result r;
    memset(&r, 0, sizeof r);
    ld_status st = report_book_close(book, &seal, &r.rows, err);
    if (st != LD_OK)
        return st;
    char part[4096 + 16], p7s[4096 + 16];
    report_part_path(path, part, sizeof part);
    snprintf(p7s, sizeof p7s, "%s.p7s", path);
    unsigned char *bytes = NULL;
    size_t len = 0;
    st = report_read_file(part, &bytes, &len, err);
    if (st == LD_OK) {
        core_sha256_hex(bytes, len, r.sha256);
        r.anchor_size = job->anchor_size;
        snprintf(r.anchor_root, sizeof r.anchor_root, "%s", job->anchor_root);
        if (signer != NULL)
            st = sign_and_log(job, bytes, len, p7s, &r, err);
        free(bytes);
    }
    /* Only a complete, signed and recorded report takes the names; an
     * unsigned one also takes away the signature of the file it replaces. */
    if (st == LD_OK)
        st = report_publish(path, err);
    if (st == LD_OK && signer != NULL)
        st = report_publish(p7s, err);
    else if (st == LD_OK && unlink(p7s) != 0 && errno != ENOENT)
        st = LD_FAIL(err, LD_EINTERNAL, "%s: cannot remove the old signature: %s", p7s,
                     strerror(errno));
    if (st != LD_OK) {
        report_abandon(path);
        report_abandon(p7s);
        return st;
    }
    *out = r;
    return LD_OK;
}
