/*
 * import.c - JSON Lines import (import.h).
 *
 * Two threads share the work, because validating a line costs about as much
 * as storing it. A reader thread reads the file, feeds the digest, parses each
 * line and validates it with the same readers the one-record commands use
 * (core_borrower_read, core_application_read, ...), which turn it into plain
 * rows; it hands over batches of BATCH_LINES lines through a queue at most
 * QUEUE_DEPTH batches deep, so memory stays bounded however long the file. The
 * calling thread, the only one to touch the database, stores the rows with the
 * same one-row INSERTs the commands use (single-row statements need no
 * statement journal, which multi-row ones would).
 *
 * Each line is one JSON document read by core_json_parse, so a line holding
 * two records, a repeated key or malformed text is refused, naming the line.
 *
 * Lines are validated and stored strictly in file order, so the error
 * reported is always the first one in the file: a line is first validated
 * whole, then stored; a store error (a duplicate identity number, a guarantor
 * naming a borrower not yet stored) is that line's.
 */
#include "import.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
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

#define BATCH_LINES 256
#define QUEUE_DEPTH 4

static const char *const line_fields[] = {"borrower",   "application",   "guarantors",
                                          "collateral", "investigation", NULL};

/* One valid line as rows; their text is in the batch's blocks. */
typedef struct line_rows {
    int64_t lineno;
    core_borrower_row borrower;
    core_application_row application;
    size_t guarantors, collateral; /* how many of the batch's part rows are this line's */
    bool has_investigation;
    core_investigation_row investigation;
} line_rows;

/* Text of a batch's rows, copied out of the parsed lines so each line's JSON
 * can be freed as soon as it is read: holding a batch of JSON trees alive
 * made the allocator, not validation, the reader's main cost. Blocks are kept
 * for the batch's next use and never move, so rows can point into them. */
#define TEXT_BLOCK (1u << 20)

typedef struct batch {
    struct batch *next;
    line_rows lines[BATCH_LINES];
    size_t count;
    char **blocks;
    size_t block_count, block_cap, block_used, block_current;
    /* Parts of all the batch's lines, in line order. */
    core_guarantor_row *guarantors;
    size_t guarantor_count, guarantor_cap;
    core_collateral_row *collateral;
    size_t collateral_count, collateral_cap;
    bool last;        /* nothing follows */
    ld_status status; /* not LD_OK: the input stops here, after the stored lines */
    ld_error err;
} batch;

/* Empties a batch for reuse. */
static void batch_clear(batch *b)
{
    b->count = b->guarantor_count = b->collateral_count = 0;
    b->block_used = b->block_current = 0;
    b->last = false;
    b->status = LD_OK;
}

static void batch_free(batch *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->block_count; i++)
        free(b->blocks[i]);
    free(b->blocks);
    free(b->guarantors);
    free(b->collateral);
    free(b);
}

/* Room for one more element in *rows; false when memory runs out. */
static bool reserve(void **rows, size_t *cap, size_t count, size_t size)
{
    if (count < *cap)
        return true;
    size_t bigger = *cap ? *cap * 2 : BATCH_LINES;
    void *grown = realloc(*rows, bigger * size);
    if (grown == NULL)
        return false;
    *rows = grown;
    *cap = bigger;
    return true;
}

/* Moves *text (when not NULL) into the batch's blocks; false when memory runs out. */
static bool keep_text(batch *b, const char **text)
{
    if (*text == NULL)
        return true;
    size_t len = strlen(*text) + 1;
    if (len > TEXT_BLOCK)
        return false;
    if (b->block_count == 0 || b->block_used + len > TEXT_BLOCK) {
        size_t next = b->block_count == 0 ? 0 : b->block_current + 1;
        if (next == b->block_count) {
            if (!reserve((void **)&b->blocks, &b->block_cap, b->block_count, sizeof *b->blocks) ||
                (b->blocks[b->block_count] = malloc(TEXT_BLOCK)) == NULL)
                return false;
            b->block_count++;
        }
        b->block_current = next;
        b->block_used = 0;
    }
    char *copy = b->blocks[b->block_current] + b->block_used;
    memcpy(copy, *text, len);
    b->block_used += len;
    *text = copy;
    return true;
}

/* Moves the text of a line's rows (the line's parts are the batch's last ones)
 * into the batch, so the line's JSON can go. */
static bool keep_line_text(batch *b, line_rows *l)
{
    core_borrower_row *r = &l->borrower;
    bool ok = keep_text(b, &r->name) && keep_text(b, &r->id_number) && keep_text(b, &r->phone) &&
              keep_text(b, &r->address) && keep_text(b, &r->employer) &&
              keep_text(b, &r->industry) && keep_text(b, &l->application.purpose);
    for (size_t i = b->guarantor_count - l->guarantors; ok && i < b->guarantor_count; i++) {
        core_guarantor_row *g = &b->guarantors[i];
        ok = keep_text(b, &g->name) && keep_text(b, &g->id_number);
    }
    for (size_t i = b->collateral_count - l->collateral; ok && i < b->collateral_count; i++) {
        core_collateral_row *c = &b->collateral[i];
        ok = keep_text(b, &c->owner_name) && keep_text(b, &c->certificate_no) &&
             keep_text(b, &c->appraisal_date) && keep_text(b, &c->appraiser) &&
             keep_text(b, &c->registration_no);
    }
    if (ok && l->has_investigation) {
        core_investigation_row *v = &l->investigation;
        ok = keep_text(b, &v->site_visit_date) && keep_text(b, &v->operations) &&
             keep_text(b, &v->assets_liabilities) && keep_text(b, &v->repayment_capacity) &&
             keep_text(b, &v->conclusion);
    }
    return ok;
}

/* "line N: " before the message, as every import error begins. */
static void name_line(ld_error *err, int64_t lineno)
{
    if (err == NULL)
        return;
    char message[sizeof err->message];
    snprintf(message, sizeof message, "line %lld: %s", (long long)lineno, err->message);
    memcpy(err->message, message, sizeof message);
}

/* ---- reading and validating a line ------------------------------------------ */

/* Validates a parsed line into rows, naming fields as one record would. */
static ld_status read_line(const core_product_catalog *catalog,
                           const core_attribute_set *attributes, ld_date today, const cJSON *line,
                           batch *b, line_rows *l, ld_error *err)
{
    ld_status st;
    if ((st = core_json_reject_unknown(line, "", line_fields, err)) != LD_OK)
        return st;
    const cJSON *borrower = cJSON_GetObjectItemCaseSensitive(line, "borrower");
    const cJSON *application = cJSON_GetObjectItemCaseSensitive(line, "application");
    if (!cJSON_IsObject(borrower))
        return LD_FAIL(err, LD_EINVAL, "borrower: is required (an object)");
    if (!cJSON_IsObject(application))
        return LD_FAIL(err, LD_EINVAL, "application: is required (an object)");
    if (cJSON_GetObjectItemCaseSensitive(application, "borrower_id") != NULL)
        return LD_FAIL(err, LD_EINVAL,
                       "application.borrower_id: not allowed; the line's borrower is used");
    static const char *const parts[] = {"guarantors", "collateral", "investigation"};
    for (int i = 0; i < 3; i++)
        if (cJSON_GetObjectItemCaseSensitive(application, parts[i]) != NULL)
            return LD_FAIL(err, LD_EINVAL, "application.%s: give it beside the application",
                           parts[i]);
    if ((st = core_borrower_read(borrower, "borrower", today, attributes, &l->borrower, err)) !=
            LD_OK ||
        (st = core_application_read(application, "application", today, catalog, l->borrower.kind,
                                    l->borrower.birth, &l->application, err)) != LD_OK ||
        (st = core_application_read_attributes(application, "application", attributes,
                                               &l->application, err)) != LD_OK)
        return st;

    const cJSON *guarantors = cJSON_GetObjectItemCaseSensitive(line, "guarantors");
    const cJSON *collateral = cJSON_GetObjectItemCaseSensitive(line, "collateral");
    const cJSON *investigation = cJSON_GetObjectItemCaseSensitive(line, "investigation");
    if (guarantors != NULL && !cJSON_IsNull(guarantors) && !cJSON_IsArray(guarantors))
        return LD_FAIL(err, LD_EINVAL, "guarantors: must be an array");
    if (collateral != NULL && !cJSON_IsNull(collateral) && !cJSON_IsArray(collateral))
        return LD_FAIL(err, LD_EINVAL, "collateral: must be an array");
    if (investigation != NULL && !cJSON_IsNull(investigation) && !cJSON_IsObject(investigation))
        return LD_FAIL(err, LD_EINVAL, "investigation: must be an object");
    if (!cJSON_IsArray(guarantors))
        guarantors = NULL;
    if (!cJSON_IsArray(collateral))
        collateral = NULL;
    char path[64];
    int index = 0;
    const cJSON *part;
    cJSON_ArrayForEach(part, guarantors)
    {
        if (!reserve((void **)&b->guarantors, &b->guarantor_cap, b->guarantor_count,
                     sizeof *b->guarantors))
            return LD_FAIL(err, LD_EINTERNAL, "out of memory importing");
        snprintf(path, sizeof path, "guarantors[%d]", index++);
        if ((st = core_guarantor_read(part, path, today, l->borrower.id_number,
                                      &b->guarantors[b->guarantor_count], err)) != LD_OK)
            return st;
        b->guarantor_count++;
        l->guarantors++;
    }
    index = 0;
    cJSON_ArrayForEach(part, collateral)
    {
        if (!reserve((void **)&b->collateral, &b->collateral_cap, b->collateral_count,
                     sizeof *b->collateral))
            return LD_FAIL(err, LD_EINTERNAL, "out of memory importing");
        snprintf(path, sizeof path, "collateral[%d]", index++);
        if ((st = core_collateral_read(part, path, today, &b->collateral[b->collateral_count],
                                       err)) != LD_OK)
            return st;
        b->collateral_count++;
        l->collateral++;
    }
    l->has_investigation = cJSON_IsObject(investigation);
    if (l->has_investigation && (st = core_investigation_read(investigation, "investigation", today,
                                                              &l->investigation, err)) != LD_OK)
        return st;
    return LD_OK;
}

/* ---- the queue between the threads ------------------------------------------ */

typedef struct pipeline {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    batch *full, *full_tail; /* for the writer, in file order */
    int full_count;
    batch *spare; /* given back by the writer */
    bool stop;    /* the writer wants no more */
    bool reader_done;
    /* The reader's own until it is joined. */
    FILE *f;
    const char *path;
    EVP_MD_CTX *digest;
    core_product_catalog catalog;
    const core_attribute_set *attributes; /* the policy's own variables */
    ld_date today;                        /* the business date the lines are read on */
} pipeline;

/* Queues b for the writer, waiting while the queue is full; false (b freed)
 * when the writer has stopped. */
static bool pipeline_push(pipeline *p, batch *b)
{
    pthread_mutex_lock(&p->lock);
    while (!p->stop && p->full_count >= QUEUE_DEPTH)
        pthread_cond_wait(&p->changed, &p->lock);
    bool taken = !p->stop;
    if (taken) {
        b->next = NULL;
        if (p->full_tail != NULL)
            p->full_tail->next = b;
        else
            p->full = b;
        p->full_tail = b;
        p->full_count++;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    if (!taken)
        batch_free(b);
    return taken;
}

/* The next batch in file order; NULL when the reader ended without one (out of memory). */
static batch *pipeline_pop(pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->full == NULL && !p->reader_done)
        pthread_cond_wait(&p->changed, &p->lock);
    batch *b = p->full;
    if (b != NULL) {
        p->full = b->next;
        if (p->full == NULL)
            p->full_tail = NULL;
        p->full_count--;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    return b;
}

static void pipeline_give_back(pipeline *p, batch *b)
{
    pthread_mutex_lock(&p->lock);
    b->next = p->spare;
    p->spare = b;
    pthread_mutex_unlock(&p->lock);
}

/* An empty batch: a spare one (its JSON freed here, on the reader's time) or a new one. */
static batch *pipeline_take_spare(pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    batch *b = p->spare;
    if (b != NULL)
        p->spare = b->next;
    pthread_mutex_unlock(&p->lock);
    if (b == NULL)
        return calloc(1, sizeof *b);
    batch_clear(b);
    return b;
}

/* ---- the reader thread ------------------------------------------------------- */

/* Reads, parses and validates lines into batches until the file ends, a line
 * is bad (its error ends the last batch) or the writer stops. */
static void reader_run(pipeline *p)
{
    batch *b = pipeline_take_spare(p);
    char *text = NULL;
    size_t cap = 0;
    ssize_t len;
    int64_t lineno = 0;
    while (b != NULL && (len = getline(&text, &cap, p->f)) >= 0) {
        lineno++;
        EVP_DigestUpdate(p->digest, text, (size_t)len);
        size_t n = (size_t)len;
        while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
            text[--n] = '\0';
        if (n == 0)
            continue; /* blank lines separate nothing and are allowed */
        line_rows *l = &b->lines[b->count];
        l->lineno = lineno;
        l->guarantors = l->collateral = 0;
        l->has_investigation = false;
        size_t guarantors = b->guarantor_count, collateral = b->collateral_count;
        /* The strict reader: a second record on the line is trailing text. */
        cJSON *record = NULL;
        ld_status st = core_json_parse(text, n, NULL, &record, &b->err);
        if (st == LD_OK)
            st = read_line(&p->catalog, p->attributes, p->today, record, b, l, &b->err);
        if (st == LD_OK && !keep_line_text(b, l))
            st = LD_FAIL(&b->err, LD_EINTERNAL, "out of memory importing");
        cJSON_Delete(record);
        if (st != LD_OK) {
            b->guarantor_count = guarantors;
            b->collateral_count = collateral;
            name_line(&b->err, lineno);
            b->status = st;
            break;
        }
        if (++b->count == BATCH_LINES)
            b = pipeline_push(p, b) ? pipeline_take_spare(p) : NULL;
    }
    free(text);
    if (b == NULL)
        return;
    if (b->status == LD_OK && ferror(p->f))
        b->status = LD_FAIL(&b->err, LD_EINVAL, "%s: read error", p->path);
    b->last = true;
    pipeline_push(p, b);
}

static void *reader_main(void *arg)
{
    pipeline *p = arg;
    reader_run(p);
    pthread_mutex_lock(&p->lock);
    p->reader_done = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- the writer -------------------------------------------------------------- */

/* Stores one line's rows; the parts are the next ones in *guarantor and *collateral. */
static ld_status store_line(core_store *store, int64_t user_id, const line_rows *l,
                            const core_guarantor_row **guarantor,
                            const core_collateral_row **collateral, const char *now, ld_error *err)
{
    int64_t borrower_id, app_id, part_id;
    ld_status st;
    if ((st = core_borrower_store_new(store, user_id, &l->borrower, "borrower", now, &borrower_id,
                                      err)) != LD_OK ||
        (st = core_application_store_new(store, user_id, borrower_id, &l->application, now, &app_id,
                                         err)) != LD_OK)
        return st;
    for (size_t i = 0; i < l->guarantors; i++)
        if ((st = core_guarantor_store_new(store, user_id, app_id, (*guarantor)++, now, &part_id,
                                           err)) != LD_OK)
            return st;
    for (size_t i = 0; i < l->collateral; i++)
        if ((st = core_collateral_store_new(store, user_id, app_id, (*collateral)++, now, &part_id,
                                            err)) != LD_OK)
            return st;
    if (l->has_investigation)
        st = core_investigation_store_new(store, user_id, app_id, &l->investigation, now, &part_id,
                                          err);
    return st;
}

static ld_status store_batch(core_store *store, int64_t user_id, const batch *b,
                             core_import_stats *stats, ld_error *err)
{
    char now[32];
    core_store_now_iso(store, now);
    const core_guarantor_row *guarantor = b->guarantors;
    const core_collateral_row *collateral = b->collateral;
    for (size_t i = 0; i < b->count; i++) {
        const line_rows *l = &b->lines[i];
        ld_status st = store_line(store, user_id, l, &guarantor, &collateral, now, err);
        if (st != LD_OK) {
            name_line(err, l->lineno);
            return st;
        }
        stats->lines++;
        stats->borrowers++;
        stats->applications++;
        stats->guarantors += (int64_t)l->guarantors;
        stats->collateral += (int64_t)l->collateral;
    }
    if (b->status != LD_OK && err != NULL)
        *err = b->err;
    return b->status;
}

static ld_status import_lines(core_store *store, const core_session *who, pipeline *p,
                              core_import_stats *stats, ld_error *err)
{
    pthread_t reader;
    int rc = pthread_create(&reader, NULL, reader_main, p);
    if (rc != 0)
        return LD_FAIL(err, LD_EINTERNAL, "cannot start the import reader: %s", strerror(rc));
    ld_status st;
    for (;;) {
        batch *b = pipeline_pop(p);
        if (b == NULL) {
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory importing");
            break;
        }
        st = store_batch(store, who->user_id, b, stats, err);
        bool last = b->last;
        pipeline_give_back(p, b);
        if (st != LD_OK || last)
            break;
    }
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    pthread_join(reader, NULL);
    return st;
}

static void free_batches(batch *b)
{
    while (b != NULL) {
        batch *next = b->next;
        batch_free(b);
        b = next;
    }
}

ld_status core_import_jsonl(core_store *store, const core_session *who, const char *path,
                            core_import_stats *out, ld_error *err)
{
    ld_status st;
    pipeline p = {.path = path, .today = core_store_today(store)};
    if ((st = core_store_require_transaction(store, err)) != LD_OK ||
        (st = core_perm_require(who, CORE_ACT_BORROWER_CREATE, NULL, err)) != LD_OK ||
        (st = core_store_set_cache_mib(store, 256, err)) != LD_OK ||
        (st = core_product_catalog_get(store, &p.catalog, err)) != LD_OK)
        return st;
    const core_policy_terms *terms = NULL;
    if (core_policy_terms_get(store, &terms, NULL) == LD_OK)
        p.attributes = &terms->attributes;
    p.f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (p.f == NULL)
        return LD_FAIL(err, errno == ENOENT ? LD_ENOTFOUND : LD_EINVAL, "%s: %s", path,
                       strerror(errno));
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    core_import_stats stats = {0};
    p.digest = EVP_MD_CTX_new();
    int64_t last_borrower = 0;
    if (p.digest == NULL || EVP_DigestInit_ex(p.digest, EVP_sha256(), NULL) != 1)
        st = LD_FAIL(err, LD_EINTERNAL, "cannot hash the import file");
    else if ((st = core_borrower_postings_suspend(store, &last_borrower, err)) == LD_OK) {
        /* Every line is a new borrower: their names are posted once, sorted,
         * at the end, rather than by a trigger per row (which also journals
         * every page it touches for the statement). */
        st = import_lines(store, who, &p, &stats, err);
        ld_error resume_err;
        ld_status resumed = core_borrower_postings_resume(store, last_borrower, &resume_err);
        if (st == LD_OK && resumed != LD_OK) {
            st = resumed;
            if (err != NULL)
                *err = resume_err;
        }
    }
    if (st == LD_OK && stats.lines == 0)
        st = LD_FAIL(err, LD_EINVAL, "%s: no records", path);
    if (st == LD_OK) {
        unsigned char hash[CORE_SHA256_BYTES];
        char hex[CORE_SHA256_HEX];
        unsigned int hash_len = 0;
        EVP_DigestFinal_ex(p.digest, hash, &hash_len);
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
    free_batches(p.full);
    free_batches(p.spare);
    pthread_cond_destroy(&p.changed);
    pthread_mutex_destroy(&p.lock);
    EVP_MD_CTX_free(p.digest);
    if (p.f != stdin)
        fclose(p.f);
    return st;
}
