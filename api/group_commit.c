/*
 * group_commit.c - the committer (loandesk/api.h, ld_committer_start): the
 * writes of many handles executed one after another on one writer
 * connection, each in its own savepoint, and committed together.
 *
 * A durable commit costs one fsync (synchronous=FULL) and, on an API
 * connection, one signed checkpoint; both are paid per transaction, not per
 * row. A server whose workers each committed their own writes would pay them
 * per request, and SQLite lets one connection write at a time anyway. So a
 * handle given a committer hands each writing operation to its thread
 * instead of running it:
 *
 *   1. the worker queues the operation (body, arguments, a copy of its
 *      session bound to the writer's handle) and waits;
 *   2. the committer takes every operation queued, begins one transaction
 *      (BEGIN IMMEDIATE; the seal hook notes the log's size), and runs each
 *      between SAVEPOINT and RELEASE: the same permission and scope checks,
 *      validation, writes and ledger events as alone. An operation that
 *      fails is rolled back to its savepoint, which undoes its rows, its log
 *      entries and the ledger's record of the rows it changed (a temporary
 *      table in the same transaction); a refusal is then audited inside the
 *      batch, as api_run audits it alone;
 *   3. the batch commits once: the ledger's commit hook logs the changed
 *      rows, the seal signs one checkpoint over every entry of the batch, and
 *      COMMIT syncs the file once;
 *   4. only then does every worker get its answer, so an operation reported
 *      done is durable, and one whose batch failed to commit is reported
 *      failed (none of the batch is in the book); the refusals of such a
 *      batch, whose audit rows went with it, are audited again in a
 *      transaction of their own, and answered refused all the same.
 *
 * An idempotency key is looked up and stored inside the operation's own
 * savepoint, so two requests racing with one key run once: the second finds
 * the first's answer in the batch (or in a batch committed before it).
 *
 * The queue grows while a batch commits; the next batch takes all of it, so
 * a batch is as large as the load, and one operation alone is a batch of one.
 */
#include "api_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "idempotency.h"
#include "store_sql.h"

/* At most this many operations share a transaction: the answer of the first
 * waits for the last. */
#define BATCH_MAX 256

/* Expired idempotency answers removed per batch at most: a bounded seek on
 * their age, so a batch never waits for a large purge, and still many times
 * the rate at which a busy server stores them. */
#define PURGE_PER_BATCH 64

typedef struct commit_job {
    ld_session *session; /* the caller's (its idempotency key, its user) */
    const char *action;
    const char *subject;
    api_body body;
    void *args;
    cJSON *result;
    ld_error *err;
    ld_status status;
    bool done;
    pthread_cond_t answered; /* its own: a batch wakes its own callers only */
    struct commit_job *next;
} commit_job;

struct ld_committer {
    ld_api *writer;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job was queued, or stop */
    commit_job *head, *tail;
    bool stop;
    bool started;
    /* Counters for tests and the bench: batches committed, operations run. */
    uint64_t batches, operations;
    size_t waiting; /* jobs queued or in the batch running */
};

/* The caller's session bound to the writer's handle: the body sees the same
 * user, role, scope, password (to unlock a signing key) and idempotency key,
 * and works on the writer's connection and institution key. */
static ld_session shadow_of(const commit_job *job, ld_api *writer)
{
    ld_session shadow = *job->session;
    shadow.api = writer;
    return shadow;
}

/* One operation inside the batch's transaction, between its savepoint and the
 * release (or the rollback to it). False when the transaction itself ended
 * (an I/O error rolled everything back): the batch is lost. */
static bool run_job(ld_committer *c, commit_job *job)
{
    core_store *store = c->writer->store;
    ld_session shadow = shadow_of(job, c->writer);
    api_call call = {.store = store, .who = &shadow.who, .session = &shadow};
    ld_status st = core_store_savepoint(store, job->err);
    if (st != LD_OK) {
        job->status = st;
        return core_store_in_transaction(store);
    }
    /* A request already answered under this key (in an earlier batch, or
     * earlier in this one) is answered again, not run again. */
    if (shadow.idempotency_key[0] != '\0') {
        char *stored = NULL;
        st = core_idempotency_find(store, shadow.who.user_id, shadow.idempotency_key,
                                   shadow.idempotency_request, &stored, job->err);
        if (st == LD_OK && stored != NULL) {
            job->result = cJSON_Parse(stored);
            free(stored);
            if (job->result == NULL)
                st = LD_FAIL(job->err, LD_EINTERNAL, "a stored answer does not parse");
            else
                st = core_store_release(store, job->err);
            job->status = st;
            if (st != LD_OK)
                core_store_rollback_to(store);
            return core_store_in_transaction(store);
        }
    }
    if (st == LD_OK)
        st = api_run_body(&shadow, job->body, &call, job->args, &job->result, job->err);
    if (st == LD_OK)
        st = core_store_release(store, job->err);
    if (st != LD_OK) {
        cJSON_Delete(job->result);
        job->result = NULL;
        core_store_rollback_to(store);
        if (!core_store_in_transaction(store)) {
            job->status = st;
            return false;
        }
        if (st == LD_EPERM)
            api_record_refusal(&shadow, job->action, job->subject, job->err);
    }
    job->status = st;
    return true;
}

/* Fails every job of the batch that had succeeded: the transaction they were
 * in did not commit. */
static void batch_failed(commit_job *jobs, ld_status st, const ld_error *why)
{
    for (commit_job *j = jobs; j != NULL; j = j->next) {
        if (j->status != LD_OK)
            continue;
        cJSON_Delete(j->result);
        j->result = NULL;
        j->status = st;
        if (j->err != NULL && why != NULL) {
            *j->err = *why;
            ld_error_prefix(j->err, "committing a batch of writes");
        }
    }
}

/* The batch also removes idempotency answers past their retention, in a
 * savepoint of its own: housekeeping that fails leaves the batch alone. */
static void purge_expired(core_store *store)
{
    ld_error ignored;
    if (core_store_savepoint(store, &ignored) != LD_OK)
        return;
    int64_t before = core_store_now(store) - CORE_IDEMPOTENCY_RETENTION_SECONDS;
    if (core_idempotency_purge(store, before, PURGE_PER_BATCH, NULL, &ignored) == LD_OK &&
        core_store_release(store, &ignored) == LD_OK)
        return;
    core_store_rollback_to(store);
}

/* The refusals of a batch that did not commit, audited again: their rows
 * went with the batch, and a refusal is recorded whatever became of the
 * writes it was refused beside. One transaction for them all; should that
 * fail too, each in a transaction of its own. Their callers' answer (the
 * refusal) stands either way. */
static void audit_refusals_again(ld_committer *c, commit_job *jobs)
{
    ld_api *writer = c->writer;
    core_store *store = writer->store;
    size_t refused = 0;
    for (commit_job *j = jobs; j != NULL; j = j->next)
        refused += j->status == LD_EPERM;
    if (refused == 0)
        return;
    ld_error err = {0};
    bool together = core_store_begin(store, &err) == LD_OK;
    if (together) {
        writer->unit_open = true;
        writer->unit_start = writer->txn_start;
    }
    for (commit_job *j = jobs; j != NULL; j = j->next) {
        if (j->status != LD_EPERM)
            continue;
        ld_session shadow = shadow_of(j, writer);
        api_record_refusal(&shadow, j->action, j->subject, j->err);
    }
    if (together) {
        together = core_store_commit(store, &err) == LD_OK;
        writer->unit_open = false;
        if (together)
            return;
        for (commit_job *j = jobs; j != NULL; j = j->next) {
            if (j->status != LD_EPERM)
                continue;
            ld_session shadow = shadow_of(j, writer);
            api_record_refusal(&shadow, j->action, j->subject, j->err);
        }
    }
}

static void run_batch(ld_committer *c, commit_job *jobs)
{
    ld_api *writer = c->writer;
    core_store *store = writer->store;
    ld_error err = {0};
    ld_status st = core_store_begin(store, &err);
    if (st != LD_OK) {
        for (commit_job *j = jobs; j != NULL; j = j->next)
            j->status = LD_OK;
        batch_failed(jobs, st, &err);
        return;
    }
    /* Bodies that sign a checkpoint themselves (api_seal) sign what the
     * batch appended so far; the commit's seal signs the rest. */
    writer->unit_open = true;
    writer->unit_start = writer->txn_start;
    purge_expired(store);
    bool alive = true;
    size_t n = 0;
    for (commit_job *j = jobs; j != NULL; j = j->next) {
        n++;
        if (!alive) {
            j->status = LD_EINTERNAL;
            if (j->err != NULL)
                LD_FAIL(j->err, LD_EINTERNAL, "the batch of writes was rolled back; try again");
            continue;
        }
        if (!run_job(c, j)) {
            alive = false;
            err = *j->err;
        }
    }
    if (alive)
        st = core_store_commit(store, &err);
    else {
        core_store_rollback(store);
        st = LD_EINTERNAL;
    }
    writer->unit_open = false;
    if (st != LD_OK) {
        batch_failed(jobs, st, &err);
        audit_refusals_again(c, jobs);
    }
    pthread_mutex_lock(&c->lock);
    c->batches++;
    c->operations += n;
    pthread_mutex_unlock(&c->lock);
}

static void *committer_main(void *arg)
{
    ld_committer *c = arg;
    pthread_mutex_lock(&c->lock);
    for (;;) {
        while (c->head == NULL && !c->stop)
            pthread_cond_wait(&c->work, &c->lock);
        if (c->head == NULL)
            break;
        commit_job *jobs = c->head, *last = c->head;
        for (int i = 1; i < BATCH_MAX && last->next != NULL; i++)
            last = last->next;
        c->head = last->next;
        if (c->head == NULL)
            c->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&c->lock);
        run_batch(c, jobs);
        pthread_mutex_lock(&c->lock);
        for (commit_job *j = jobs; j != NULL;) {
            commit_job *next = j->next;
            j->done = true;
            /* Its owner wakes once the lock is released, and then frees it. */
            pthread_cond_signal(&j->answered);
            j = next;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

ld_status ld_committer_start(ld_api *writer, ld_committer **out, ld_error *err)
{
    ld_committer *c = calloc(1, sizeof *c);
    if (c == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    c->writer = writer;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->work, NULL);
    if (pthread_create(&c->thread, NULL, committer_main, c) != 0) {
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->work);
        free(c);
        return LD_FAIL(err, LD_EINTERNAL, "cannot start the committer's thread");
    }
    c->started = true;
    *out = c;
    return LD_OK;
}

void ld_committer_stop(ld_committer *c)
{
    if (c == NULL)
        return;
    /* Jobs queued before the stop still run: their callers are waiting. */
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->lock);
    if (c->started)
        pthread_join(c->thread, NULL);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->work);
    free(c);
}

void ld_committer_counts(ld_committer *c, uint64_t *batches, uint64_t *operations, size_t *waiting)
{
    pthread_mutex_lock(&c->lock);
    *batches = c->batches;
    *operations = c->operations;
    *waiting = c->waiting;
    pthread_mutex_unlock(&c->lock);
}

void ld_api_set_committer(ld_api *api, ld_committer *committer)
{
    api->committer = committer;
}

void ld_api_set_batch_wait(ld_api *api, void (*release)(void *), void (*take)(void *),
                           void *context)
{
    api->batch_release = release;
    api->batch_take = take;
    api->batch_context = context;
}

ld_status api_commit_in_batch(ld_session *session, const char *action, const char *subject,
                              api_body body, void *args, cJSON **result, ld_error *err)
{
    ld_api *api = session->api;
    ld_committer *c = api->committer;
    commit_job job = {.session = session,
                      .action = action,
                      .subject = subject,
                      .body = body,
                      .args = args,
                      .err = err};
    ld_error local = {0};
    if (job.err == NULL)
        job.err = &local;
    /* From here until the answer, nothing touches api (the committer works
     * on a copy of the session bound to its writer): another thread may
     * use it meanwhile (ld_api_set_batch_wait). Given back before the
     * committer's lock is taken, so the two locks never nest. */
    if (api->batch_release != NULL)
        api->batch_release(api->batch_context);
    pthread_mutex_lock(&c->lock);
    if (c->stop) {
        pthread_mutex_unlock(&c->lock);
        if (api->batch_take != NULL)
            api->batch_take(api->batch_context);
        return LD_FAIL(err, LD_EINTERNAL, "the server is stopping; try again");
    }
    pthread_cond_init(&job.answered, NULL);
    if (c->tail != NULL)
        c->tail->next = &job;
    else
        c->head = &job;
    c->tail = &job;
    c->waiting++;
    pthread_cond_signal(&c->work);
    while (!job.done)
        pthread_cond_wait(&job.answered, &c->lock);
    c->waiting--;
    pthread_mutex_unlock(&c->lock);
    pthread_cond_destroy(&job.answered);
    if (api->batch_take != NULL)
        api->batch_take(api->batch_context);
    *result = job.result;
    return job.status;
}
