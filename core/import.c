/*
 * import.c - JSON Lines import (import.h). Lines are streamed, so a file of a
 * million applications needs memory for one line at a time; the file's digest
 * is computed on the way for the audit event.
 */
#include "import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "application.h"
#include "audit.h"
#include "borrower.h"
#include "digest.h"
#include "json_in.h"
#include "permission.h"

static const char *const line_fields[] = {"borrower",   "application",   "guarantors",
                                          "collateral", "investigation", NULL};

static ld_status import_line(core_store *store, const core_session *who, cJSON *line,
                             core_import_stats *stats, ld_error *err)
{
    ld_status st = core_json_reject_unknown(line, "", line_fields, err);
    if (st != LD_OK)
        return st;
    const cJSON *borrower = cJSON_GetObjectItemCaseSensitive(line, "borrower");
    cJSON *application = cJSON_GetObjectItemCaseSensitive(line, "application");
    if (!cJSON_IsObject(borrower))
        return LD_FAIL(err, LD_EINVAL, "borrower: is required (an object)");
    if (!cJSON_IsObject(application))
        return LD_FAIL(err, LD_EINVAL, "application: is required (an object)");
    if (cJSON_GetObjectItemCaseSensitive(application, "borrower_id") != NULL)
        return LD_FAIL(err, LD_EINVAL,
                       "application.borrower_id: not allowed; the line's borrower is used");
    int64_t borrower_id;
    if ((st = core_borrower_insert(store, who, borrower, "borrower", false, &borrower_id, err)) !=
        LD_OK)
        return st;
    stats->borrowers++;
    /* The application's parts sit beside it on the line: move them into the
     * application object (the line is ours) so one insert handles all. */
    cJSON *input = application;
    static const char *const parts[] = {"guarantors", "collateral", "investigation"};
    for (int i = 0; i < 3; i++) {
        if (cJSON_GetObjectItemCaseSensitive(input, parts[i]) != NULL)
            return LD_FAIL(err, LD_EINVAL, "application.%s: give it beside the application",
                           parts[i]);
        cJSON *part = cJSON_DetachItemFromObjectCaseSensitive(line, parts[i]);
        if (part != NULL)
            cJSON_AddItemToObject(input, parts[i], part);
    }
    int64_t app_id;
    st =
        core_application_insert(store, who, input, "application", borrower_id, false, &app_id, err);
    if (st != LD_OK)
        return st;
    stats->applications++;
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(input, "guarantors");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(input, "collateral");
    stats->guarantors += cJSON_IsArray(g) ? cJSON_GetArraySize(g) : 0;
    stats->collateral += cJSON_IsArray(c) ? cJSON_GetArraySize(c) : 0;
    return LD_OK;
}

ld_status core_import_jsonl(core_store *store, const core_session *who, const char *path,
                            core_import_stats *out, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_BORROWER_CREATE, NULL, err)) != LD_OK)
        return st;
    if ((st = core_store_set_cache_mib(store, 256, err)) != LD_OK)
        return st;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return LD_FAIL(err, errno == ENOENT ? LD_ENOTFOUND : LD_EINVAL, "%s: %s", path,
                       strerror(errno));
    EVP_MD_CTX *digest = EVP_MD_CTX_new();
    if (digest == NULL || EVP_DigestInit_ex(digest, EVP_sha256(), NULL) != 1) {
        st = LD_FAIL(err, LD_EINTERNAL, "cannot hash the import file");
        goto out;
    }
    core_import_stats stats = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int64_t lineno = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        EVP_DigestUpdate(digest, line, (size_t)len);
        size_t n = (size_t)len;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue; /* blank lines separate nothing and are allowed */
        cJSON *record = cJSON_ParseWithLength(line, n);
        if (record == NULL) {
            st = LD_FAIL(err, LD_EINVAL, "line %lld: not valid JSON", (long long)lineno);
            break;
        }
        st = import_line(store, who, record, &stats, err);
        cJSON_Delete(record);
        if (st != LD_OK) {
            if (err != NULL) {
                char message[sizeof err->message];
                snprintf(message, sizeof message, "line %lld: %s", (long long)lineno, err->message);
                memcpy(err->message, message, sizeof message);
            }
            break;
        }
        stats.lines++;
    }
    free(line);
    if (st == LD_OK && ferror(f))
        st = LD_FAIL(err, LD_EINVAL, "%s: read error", path);
    if (st == LD_OK && stats.lines == 0)
        st = LD_FAIL(err, LD_EINVAL, "%s: no records", path);
    if (st == LD_OK) {
        unsigned char hash[CORE_SHA256_BYTES];
        char hex[CORE_SHA256_HEX];
        unsigned int hash_len = 0;
        EVP_DigestFinal_ex(digest, hash, &hash_len);
        core_hex_encode(hash, sizeof hash, hex);
        cJSON *detail = cJSON_CreateObject();
        cJSON_AddStringToObject(detail, "file", path);
        cJSON_AddStringToObject(detail, "sha256", hex);
        core_json_put_int(detail, "lines", stats.lines);
        core_json_put_int(detail, "borrowers", stats.borrowers);
        core_json_put_int(detail, "applications", stats.applications);
        core_json_put_int(detail, "guarantors", stats.guarantors);
        core_json_put_int(detail, "collateral", stats.collateral);
        st = core_audit_record(store, who, "import", "file", 0, detail, err);
        cJSON_Delete(detail);
    }
    if (st == LD_OK)
        *out = stats;
out:
    EVP_MD_CTX_free(digest);
    if (f != stdin)
        fclose(f);
    return st;
}
