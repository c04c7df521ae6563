/*
 * log_store.c - the SQLite storage of the ledger log (log.h); the only ledger
 * file that speaks SQL.
 *
 * Invariants the stored tables keep, and verify_all checks:
 *   - ledger_entry.seq runs 0 .. size-1 without gaps;
 *   - leaf_hash = SHA-256(0x00 || body) for every entry;
 *   - ledger_node holds exactly the complete subtrees from level 2 up: for
 *     every level l >= NODE_LEVEL_MIN, idx 0 .. (size >> l) - 1, each the node
 *     hash of its two children at l-1 (children at level 0 are leaf hashes).
 *
 * Level 1 is not stored: a level-1 root is one hash of two leaf hashes that
 * ledger_entry already holds, while storing it would be half of all subtree
 * rows - half the node writes on append and half the node reads in verify_all,
 * for at most one extra row read per proof element.
 *
 * Append keeps them with O(1) amortised work: entry n completes one subtree per
 * trailing one bit of n, and each needs only its left sibling, read back from
 * the store. Nothing about the tree is cached in the handle, so a caller's
 * rollback can never leave the handle disagreeing with the database.
 *
 * Reads go through perfect subtrees: a range [begin, end) of the RFC split is a
 * run of aligned perfect subtrees, each one row (level 0 from ledger_entry,
 * level 1 from two of its rows, higher levels from ledger_node), folded right
 * to left.
 *
 * All statements are prepared once, on first use, and kept in the handle.
 */
#include "log.h"

#include "canonical_json.h"
#include "merkle_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

enum stmt_id {
    ST_LAST_SEQ,
    ST_INSERT_ENTRY,
    ST_INSERT_NODE,
    ST_LEAF,
    ST_NODE,
    ST_VERIFY_ENTRIES,
    ST_NODE_FROM,
    ST_CHECKPOINT_INSERT,
    ST_CHECKPOINT_LIST,
    ST_CHECKPOINT_LAST,
    ST_COUNT
};

static const char *const STMT_SQL[ST_COUNT] = {
    [ST_LAST_SEQ] = "SELECT seq FROM ledger_entry ORDER BY seq DESC LIMIT 1",
    [ST_INSERT_ENTRY] = "INSERT INTO ledger_entry(seq, body, leaf_hash) VALUES (?1, ?2, ?3)",
    [ST_INSERT_NODE] = "INSERT INTO ledger_node(level, idx, hash) VALUES (?1, ?2, ?3)",
    [ST_LEAF] = "SELECT leaf_hash FROM ledger_entry WHERE seq = ?1",
    [ST_NODE] = "SELECT hash FROM ledger_node WHERE level = ?1 AND idx = ?2",
    [ST_VERIFY_ENTRIES] = "SELECT seq, body, leaf_hash FROM ledger_entry ORDER BY seq",
    [ST_NODE_FROM] = "SELECT idx FROM ledger_node WHERE level = ?1 AND idx >= ?2 ORDER BY idx "
                     "LIMIT 1",
    [ST_CHECKPOINT_INSERT] = "INSERT INTO ledger_checkpoint(size, root, time, signature, key_id) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_CHECKPOINT_LIST] = "SELECT size, root, time, signature, key_id FROM ledger_checkpoint "
                           "ORDER BY id",
    [ST_CHECKPOINT_LAST] = "SELECT size, root, time, signature, key_id, id FROM "
                           "ledger_checkpoint ORDER BY id DESC LIMIT 1",
};

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS ledger_entry(seq INTEGER PRIMARY KEY, body BLOB NOT NULL, "
    "leaf_hash BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS ledger_node(level INTEGER NOT NULL, idx INTEGER NOT NULL, "
    "hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS ledger_checkpoint(id INTEGER PRIMARY KEY, size INTEGER NOT NULL, "
    "root BLOB NOT NULL, time INTEGER NOT NULL, signature BLOB NOT NULL, key_id TEXT NOT NULL);";

/* Subtree levels run 1..63: 2^63 entries is beyond any int64 seq. */
#define LEVELS         64
#define NODE_LEVEL_MIN 2 /* lowest level stored in ledger_node */

struct ledger_log {
    sqlite3 *db;
    ledger_hasher *hasher;
    sqlite3_stmt *stmt[ST_COUNT];
    sqlite3_stmt *level_scan[LEVELS]; /* verify_all: nodes of one level in idx order */
};

struct ledger_log_iter {
    ledger_log *log;
    sqlite3_stmt *stmt;
    uint64_t next_seq;
};

static ld_status sql_fail(ledger_log *log, ld_error *err, const char *what)
{
    return LD_FAIL(err, LD_EINTERNAL, "ledger store: %s: %s", what, sqlite3_errmsg(log->db));
}

/* Returns the cached statement, preparing it on first use, reset and unbound. */
static ld_status stmt_get(ledger_log *log, enum stmt_id id, sqlite3_stmt **out, ld_error *err)
{
    if (log->stmt[id] == NULL &&
        sqlite3_prepare_v3(log->db, STMT_SQL[id], -1, SQLITE_PREPARE_PERSISTENT, &log->stmt[id],
                           NULL) != SQLITE_OK)
        return sql_fail(log, err, "prepare");
    *out = log->stmt[id];
    return LD_OK;
}

static void stmt_done(sqlite3_stmt *stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

ld_status ledger_log_open(sqlite3 *db, ledger_log **out, ld_error *err)
{
    ledger_log *log = calloc(1, sizeof *log);
    if (log == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "ledger store: out of memory");
    log->db = db;
    ld_status status = ledger_hasher_new(&log->hasher, err);
    if (status == LD_OK && sqlite3_exec(db, SCHEMA, NULL, NULL, NULL) != SQLITE_OK)
        status = sql_fail(log, err, "create tables");
    if (status != LD_OK) {
        ledger_log_close(log);
        return status;
    }
    *out = log;
    return LD_OK;
}

void ledger_log_close(ledger_log *log)
{
    if (log == NULL)
        return;
    for (size_t i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(log->stmt[i]);
    for (size_t i = 0; i < LEVELS; i++)
        sqlite3_finalize(log->level_scan[i]);
    ledger_hasher_free(log->hasher);
    free(log);
}

/* Copies a 32-byte hash column; false when the column is anything else. */
static bool column_hash(sqlite3_stmt *stmt, int col, ledger_hash *out)
{
    const void *blob = sqlite3_column_blob(stmt, col);
    if (blob == NULL || sqlite3_column_bytes(stmt, col) != LEDGER_HASH_SIZE)
        return false;
    memcpy(out->bytes, blob, LEDGER_HASH_SIZE);
    return true;
}

ld_status ledger_log_size(ledger_log *log, uint64_t *out, ld_error *err)
{
    sqlite3_stmt *stmt = NULL;
    ld_status status = stmt_get(log, ST_LAST_SEQ, &stmt, err);
    if (status != LD_OK)
        return status;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
        *out = 0;
    } else if (rc == SQLITE_ROW) {
        sqlite3_int64 last = sqlite3_column_int64(stmt, 0);
        if (last < 0 || last == INT64_MAX)
            status = LD_FAIL(err, LD_EVERIFY, "ledger_entry: impossible seq %lld", (long long)last);
        else
            *out = (uint64_t)last + 1;
    } else {
        status = sql_fail(log, err, "read log size");
    }
    stmt_done(stmt);
    return status;
}

/* Root of the perfect subtree (level, idx): a leaf hash at level 0. */
static ld_status read_subtree(ledger_log *log, unsigned level, uint64_t idx, ledger_hash *out,
                              ld_error *err)
{
    if (level > 0 && level < NODE_LEVEL_MIN) {
        ledger_hash left, right;
        ld_status status = read_subtree(log, level - 1, 2 * idx, &left, err);
        if (status == LD_OK)
            status = read_subtree(log, level - 1, 2 * idx + 1, &right, err);
        if (status == LD_OK)
            status = ledger_hasher_node(log->hasher, &left, &right, out, err);
        return status;
    }
    sqlite3_stmt *stmt = NULL;
    ld_status status = stmt_get(log, level == 0 ? ST_LEAF : ST_NODE, &stmt, err);
    if (status != LD_OK)
        return status;
    if (level == 0) {
        sqlite3_bind_int64(stmt, 1, (sqlite3_int64)idx);
    } else {
        sqlite3_bind_int(stmt, 1, (int)level);
        sqlite3_bind_int64(stmt, 2, (sqlite3_int64)idx);
    }
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        if (!column_hash(stmt, 0, out))
            status = LD_FAIL(err, LD_EVERIFY,
                             "ledger store: hash of subtree (%u, %" PRIu64 ") is not 32 bytes",
                             level, idx);
    } else if (rc == SQLITE_DONE && level == 0) {
        status = LD_FAIL(err, LD_EVERIFY, "ledger store: entry %" PRIu64 " is missing", idx);
    } else if (rc == SQLITE_DONE) {
        status =
            LD_FAIL(err, LD_EVERIFY,
                    "ledger store: subtree (level %u, index %" PRIu64 ") is missing", level, idx);
    } else {
        status = sql_fail(log, err, "read subtree");
    }
    stmt_done(stmt);
    return status;
}

/* MTH of entries [begin, end), a range of the RFC split (merkle_int.h): the
 * greedy run of aligned perfect subtrees, largest first, folded. */
static ld_status range_hash(ledger_log *log, uint64_t begin, uint64_t end, ledger_hash *out,
                            ld_error *err)
{
    ledger_hash parts[LEVELS];
    size_t count = 0;
    while (begin < end) {
        unsigned level = 63 - (unsigned)__builtin_clzll(end - begin);
        if (begin != 0 && (unsigned)__builtin_ctzll(begin) < level)
            level = (unsigned)__builtin_ctzll(begin);
        ld_status status = read_subtree(log, level, begin >> level, &parts[count++], err);
        if (status != LD_OK)
            return status;
        begin += UINT64_C(1) << level;
    }
    if (count == 0) {
        ledger_hash_empty(out);
        return LD_OK;
    }
    return ledger_fold_subtrees(log->hasher, parts, count, out, err);
}

ld_status ledger_log_append(ledger_log *log, const char *canonical_json, size_t len,
                            uint64_t *seq_out, ld_error *err)
{
    if (len == 0 || canonical_json[0] != '{')
        return LD_FAIL(err, LD_EINVAL, "ledger entry: must be a JSON object");
    ld_status status = ledger_json_check_canonical(canonical_json, len, err);
    if (status != LD_OK) {
        ld_error_prefix(err, "ledger entry");
        return status;
    }
    uint64_t seq;
    status = ledger_log_size(log, &seq, err);
    if (status != LD_OK)
        return status;
    ledger_hash hash;
    status = ledger_hasher_leaf(log->hasher, canonical_json, len, &hash, err);
    if (status != LD_OK)
        return status;

    sqlite3_stmt *stmt = NULL;
    if ((status = stmt_get(log, ST_INSERT_ENTRY, &stmt, err)) != LD_OK)
        return status;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)seq);
    sqlite3_bind_blob(stmt, 2, canonical_json, (int)len, SQLITE_STATIC);
    sqlite3_bind_blob(stmt, 3, hash.bytes, LEDGER_HASH_SIZE, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        status = sql_fail(log, err, "insert entry");
    stmt_done(stmt);

    /* Entry seq closes one subtree per trailing one bit of seq. */
    uint64_t idx = seq;
    for (unsigned level = 0; status == LD_OK && (idx & 1); level++) {
        ledger_hash left;
        status = read_subtree(log, level, idx - 1, &left, err);
        if (status == LD_OK)
            status = ledger_hasher_node(log->hasher, &left, &hash, &hash, err);
        idx >>= 1;
        if (status == LD_OK && level + 1 < NODE_LEVEL_MIN)
            continue;
        if (status == LD_OK)
            status = stmt_get(log, ST_INSERT_NODE, &stmt, err);
        if (status != LD_OK)
            break;
        sqlite3_bind_int(stmt, 1, (int)level + 1);
        sqlite3_bind_int64(stmt, 2, (sqlite3_int64)idx);
        sqlite3_bind_blob(stmt, 3, hash.bytes, LEDGER_HASH_SIZE, SQLITE_STATIC);
        if (sqlite3_step(stmt) != SQLITE_DONE)
            status = sql_fail(log, err, "insert subtree");
        stmt_done(stmt);
    }
    if (status == LD_OK)
        *seq_out = seq;
    return status;
}

ld_status ledger_log_root(ledger_log *log, uint64_t size, ledger_hash *out, ld_error *err)
{
    uint64_t have = 0;
    ld_status status = ledger_log_size(log, &have, err);
    if (status != LD_OK)
        return status;
    if (size > have)
        return LD_FAIL(err, LD_EINVAL, "size: %" PRIu64 " is beyond the log's %" PRIu64 " entries",
                       size, have);
    return range_hash(log, 0, size, out, err);
}

ld_status ledger_log_leaf_hash(ledger_log *log, uint64_t index, ledger_hash *out, ld_error *err)
{
    uint64_t have = 0;
    ld_status status = ledger_log_size(log, &have, err);
    if (status != LD_OK)
        return status;
    if (index >= have)
        return LD_FAIL(err, LD_ENOTFOUND,
                       "entry: %" PRIu64 ": no such entry (the log has %" PRIu64 ")", index, have);
    return read_subtree(log, 0, index, out, err);
}

ld_status ledger_log_inclusion_proof(ledger_log *log, uint64_t index, uint64_t size,
                                     ledger_proof *out, ld_error *err)
{
    uint64_t have = 0;
    ld_status status = ledger_log_size(log, &have, err);
    if (status != LD_OK)
        return status;
    if (size > have)
        return LD_FAIL(err, LD_EINVAL, "size: %" PRIu64 " is beyond the log's %" PRIu64 " entries",
                       size, have);
    if (index >= size)
        return LD_FAIL(err, LD_EINVAL, "entry: %" PRIu64 " is not below the tree size %" PRIu64,
                       index, size);
    ledger_range ranges[LEDGER_PROOF_MAX];
    ledger_proof proof = {.count = ledger_inclusion_ranges(index, size, ranges)};
    for (size_t i = 0; status == LD_OK && i < proof.count; i++)
        status = range_hash(log, ranges[i].begin, ranges[i].end, &proof.hashes[i], err);
    if (status == LD_OK)
        *out = proof;
    return status;
}

ld_status ledger_log_consistency_proof(ledger_log *log, uint64_t old_size, uint64_t new_size,
                                       ledger_proof *out, ld_error *err)
{
    uint64_t have = 0;
    ld_status status = ledger_log_size(log, &have, err);
    if (status != LD_OK)
        return status;
    if (new_size > have)
        return LD_FAIL(err, LD_EINVAL, "to: %" PRIu64 " is beyond the log's %" PRIu64 " entries",
                       new_size, have);
    if (old_size > new_size)
        return LD_FAIL(err, LD_EINVAL, "from: %" PRIu64 " is larger than to %" PRIu64, old_size,
                       new_size);
    ledger_range ranges[LEDGER_PROOF_MAX];
    ledger_proof proof = {.count = 0};
    if (old_size != 0 && old_size != new_size)
        proof.count = ledger_consistency_ranges(old_size, new_size, ranges);
    for (size_t i = 0; status == LD_OK && i < proof.count; i++)
        status = range_hash(log, ranges[i].begin, ranges[i].end, &proof.hashes[i], err);
    if (status == LD_OK)
        *out = proof;
    return status;
}

/* ---- verify_all -------------------------------------------------------------- */

/* One pass over the entries in seq order recomputes the tree as append built
 * it; each subtree root is compared, as it completes, with the next row of a
 * per-level cursor over ledger_node, so the whole check is sequential reads.
 *
 * Two threads share the work so that both stay busy whatever the entries'
 * sizes and however the machine is loaded. Entries are read in batches of at
 * most BATCH_LEAVES entries and about BATCH_BYTES of bodies, into a ring of
 * RING buffers. A batch's hashing is cut into chunks of CHUNK_LEAVES aligned
 * leaves; whoever takes a chunk hashes its leaves and every subtree inside
 * it. A batch ends at a chunk's end, so every chunk is a whole run of aligned
 * subtrees; larger subtrees are folded as the batches are compared. A second
 * thread, made once per run, takes chunks of the oldest batches as they are
 * posted. This thread alone touches SQLite (connections are opened without
 * mutexes): it reads ahead while the ring has room, compares each batch with
 * the stored hashes once all its chunks are hashed, and otherwise takes
 * chunks itself; it waits only when the ring is full and every chunk is
 * taken. The hashing thread sees nothing but copied bytes; nothing is
 * allocated per entry.
 *
 * The bytes in flight stay within a few times BATCH_BYTES whatever the
 * entries' sizes (a close of business writes entries of 100 KB and more), so
 * the copies land in the same memory from batch to batch, warm in the
 * caches, and are hashed from there: a batch of 8,192 such entries would be
 * most of a gigabyte of fresh pages, each faulted in, zeroed and written
 * once, and read back from main memory. Without a second thread
 * (pthread_create failing) this thread takes every chunk. */
#define BATCH_LOG    13
#define BATCH_LEAVES (1u << BATCH_LOG)
#define BATCH_BYTES  (4u << 20)
#define CHUNK_LOG    6
#define CHUNK_LEAVES (1u << CHUNK_LOG)
#define RING         4

typedef struct verify_batch {
    uint64_t first; /* seq of its first entry, a multiple of CHUNK_LEAVES */
    size_t count;   /* entries read */
    char *bytes;    /* bodies, back to back */
    size_t bytes_cap;
    size_t offset[BATCH_LEAVES + 1];
    ledger_hash stored[BATCH_LEAVES];               /* leaf hashes as stored */
    bool stored_ok[BATCH_LEAVES];                   /* the stored leaf hash was 32 bytes */
    ledger_hash level[CHUNK_LOG + 1][BATCH_LEAVES]; /* [l][i]: root of subtree (l, i) */
    /* Under the pool's mutex: */
    size_t chunks, next_chunk, done_chunks;
    ld_status status; /* of the hashing: the first failure */
    ld_error err;
} verify_batch;

typedef struct verify_pool {
    pthread_mutex_t mutex;
    pthread_cond_t cond;      /* a batch posted, a chunk done, or quit */
    verify_batch *ring[RING]; /* posted batches, oldest first from head */
    size_t head, posted;      /* under the mutex */
    bool quit;
    bool threaded;
    pthread_t thread;
    ledger_hasher *hasher; /* the hashing thread's own */
} verify_pool;

/* Hashes chunk c of b: its leaves and the subtrees inside it. */
static ld_status chunk_hash(verify_batch *b, size_t c, ledger_hasher *hasher, ld_error *err)
{
    size_t begin = c << CHUNK_LOG, end = begin + CHUNK_LEAVES;
    if (end > b->count)
        end = b->count;
    ld_status st = LD_OK;
    for (size_t i = begin; i < end && st == LD_OK; i++)
        st = ledger_hasher_leaf(hasher, b->bytes + b->offset[i], b->offset[i + 1] - b->offset[i],
                                &b->level[0][i], err);
    for (unsigned l = 1; l <= CHUNK_LOG && st == LD_OK; l++)
        for (size_t i = begin >> l; i < (end >> l) && st == LD_OK; i++)
            st = ledger_hasher_node(hasher, &b->level[l - 1][2 * i], &b->level[l - 1][2 * i + 1],
                                    &b->level[l][i], err);
    return st;
}

/* The oldest posted batch with a chunk nobody took, or NULL; mutex held. */
static verify_batch *pool_open_batch(verify_pool *pool)
{
    for (size_t i = 0; i < pool->posted; i++) {
        verify_batch *b = pool->ring[(pool->head + i) % RING];
        if (b->next_chunk < b->chunks)
            return b;
    }
    return NULL;
}

/* Takes and hashes one chunk of the oldest open batch; false when there was
 * none. Called with the mutex held, returns with it held. */
static bool pool_take(verify_pool *pool, ledger_hasher *hasher)
{
    verify_batch *b = pool_open_batch(pool);
    if (b == NULL)
        return false;
    size_t c = b->next_chunk++;
    pthread_mutex_unlock(&pool->mutex);
    ld_error err;
    ld_status st = chunk_hash(b, c, hasher, &err);
    pthread_mutex_lock(&pool->mutex);
    if (st != LD_OK && b->status == LD_OK) {
        b->status = st;
        b->err = err;
    }
    if (++b->done_chunks == b->chunks)
        pthread_cond_broadcast(&pool->cond);
    return true;
}

static void *pool_main(void *arg)
{
    verify_pool *pool = arg;
    pthread_mutex_lock(&pool->mutex);
    while (!pool->quit)
        if (!pool_take(pool, pool->hasher))
            pthread_cond_wait(&pool->cond, &pool->mutex);
    pthread_mutex_unlock(&pool->mutex);
    return NULL;
}

/* Posts b (read, not yet hashed) at the ring's end; the ring has room. */
static void pool_post(verify_pool *pool, verify_batch *b)
{
    pthread_mutex_lock(&pool->mutex);
    b->chunks = (b->count + CHUNK_LEAVES - 1) >> CHUNK_LOG;
    b->next_chunk = b->done_chunks = 0;
    b->status = LD_OK;
    pool->ring[(pool->head + pool->posted) % RING] = b;
    pool->posted++;
    pthread_cond_broadcast(&pool->cond);
    pthread_mutex_unlock(&pool->mutex);
}

/* The oldest posted batch once all its chunks are hashed, taken off the ring;
 * NULL when it is not ready (or none is posted) and wait is false. With wait,
 * this thread hashes chunks, or waits, until it is ready. */
static verify_batch *pool_ready(verify_pool *pool, bool wait, ledger_hasher *hasher)
{
    verify_batch *b = NULL;
    pthread_mutex_lock(&pool->mutex);
    while (pool->posted > 0) {
        verify_batch *oldest = pool->ring[pool->head];
        if (oldest->done_chunks == oldest->chunks) {
            b = oldest;
            pool->head = (pool->head + 1) % RING;
            pool->posted--;
            break;
        }
        if (!wait)
            break;
        if (!pool_take(pool, hasher))
            pthread_cond_wait(&pool->cond, &pool->mutex);
    }
    pthread_mutex_unlock(&pool->mutex);
    return b;
}

/* The hashing's outcome for a batch whose chunks are all hashed. */
static ld_status batch_status(const verify_batch *b, ld_error *err)
{
    if (b->status != LD_OK)
        *err = b->err;
    return b->status;
}

/* Stops the hashing thread once nothing posted is still being hashed. */
static void pool_stop(verify_pool *pool, ledger_hasher *hasher)
{
    while (pool_ready(pool, true, hasher) != NULL)
        ;
    pthread_mutex_lock(&pool->mutex);
    pool->quit = true;
    pthread_cond_broadcast(&pool->cond);
    pthread_mutex_unlock(&pool->mutex);
    if (pool->threaded)
        pthread_join(pool->thread, NULL);
    pthread_cond_destroy(&pool->cond);
    pthread_mutex_destroy(&pool->mutex);
    ledger_hasher_free(pool->hasher);
}

typedef struct verify_state {
    ledger_log *log;
    ledger_hash stack[LEVELS + 1]; /* roots of the complete subtrees not yet merged */
    size_t depth;
    uint64_t *first_bad;
    ld_error *err;
} verify_state;

static ld_status bad(verify_state *v, uint64_t first_bad)
{
    *v->first_bad = first_bad;
    return LD_EVERIFY;
}

/* Compares the recomputed root of subtree (level, idx) with the stored one. */
static ld_status check_node(verify_state *v, unsigned level, uint64_t idx, const ledger_hash *hash)
{
    if (level < NODE_LEVEL_MIN)
        return LD_OK;
    ledger_log *log = v->log;
    sqlite3_stmt *scan = log->level_scan[level];
    if (scan == NULL) {
        if (sqlite3_prepare_v3(log->db,
                               "SELECT idx, hash FROM ledger_node WHERE level = ?1 ORDER BY idx",
                               -1, SQLITE_PREPARE_PERSISTENT, &scan, NULL) != SQLITE_OK)
            return sql_fail(log, v->err, "prepare");
        log->level_scan[level] = scan;
    }
    if (idx == 0) {
        sqlite3_reset(scan);
        sqlite3_bind_int(scan, 1, (int)level);
    }
    uint64_t first = idx << level;
    int rc = sqlite3_step(scan);
    if (rc == SQLITE_DONE)
        return LD_FAIL(v->err, LD_EVERIFY,
                       "ledger_node: subtree (level %u, index %" PRIu64 ") over entries %" PRIu64
                       "..%" PRIu64 " is missing",
                       level, idx, first, first + (UINT64_C(1) << level) - 1),
               bad(v, first);
    if (rc != SQLITE_ROW)
        return sql_fail(log, v->err, "scan subtrees");
    ledger_hash stored;
    sqlite3_int64 stored_idx = sqlite3_column_int64(scan, 0);
    if (stored_idx != (sqlite3_int64)idx)
        return LD_FAIL(v->err, LD_EVERIFY,
                       "ledger_node: level %u holds index %lld where %" PRIu64 " belongs", level,
                       (long long)stored_idx, idx),
               bad(v, first);
    if (!column_hash(scan, 1, &stored) || !ledger_hash_equal(&stored, hash))
        return LD_FAIL(v->err, LD_EVERIFY,
                       "entries %" PRIu64 "..%" PRIu64 " do not match their stored subtree root "
                       "(level %u, index %" PRIu64 ")",
                       first, first + (UINT64_C(1) << level) - 1, level, idx),
               bad(v, first);
    return LD_OK;
}

/* Checks a hashed batch in seq order: each leaf against the stored one, each
 * completed subtree against ledger_node (subtrees inside a chunk come ready
 * from whoever hashed it; larger ones are folded here). */
static ld_status batch_check(verify_state *v, verify_batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        uint64_t seq = b->first + i;
        const ledger_hash *leaf = &b->level[0][i];
        if (!b->stored_ok[i] || !ledger_hash_equal(leaf, &b->stored[i]))
            return LD_FAIL(v->err, LD_EVERIFY,
                           "entry %" PRIu64 ": body does not match its leaf hash", seq),
                   bad(v, seq);
        v->stack[v->depth++] = *leaf;
        unsigned level = 0;
        for (uint64_t j = seq; j & 1; j >>= 1) {
            level++;
            ledger_hash *left = &v->stack[v->depth - 2];
            if (level <= CHUNK_LOG) {
                *left = b->level[level][i >> level];
            } else {
                ld_status status =
                    ledger_hasher_node(v->log->hasher, left, &v->stack[v->depth - 1], left, v->err);
                if (status != LD_OK)
                    return status;
            }
            v->depth--;
            ld_status status = check_node(v, level, seq >> level, left);
            if (status != LD_OK)
                return status;
        }
    }
    return LD_OK;
}

/* Reads the next batch of entries into b (b->count of them). *gap is set
 * when a seq is out of place, with the error in err; rows up to it are in the
 * batch. */
static ld_status batch_read(ledger_log *log, sqlite3_stmt *rows, verify_batch *b, uint64_t first,
                            bool *done, bool *gap, uint64_t *gap_seq, ld_error *err)
{
    b->first = first;
    b->count = 0;
    size_t used = 0;
    while (b->count < BATCH_LEAVES) {
        /* A batch ends at a chunk's end; past BATCH_BYTES, at the next. */
        if (used >= BATCH_BYTES && (b->count & (CHUNK_LEAVES - 1)) == 0)
            break;
        int rc = sqlite3_step(rows);
        if (rc == SQLITE_DONE) {
            *done = true;
            break;
        }
        if (rc != SQLITE_ROW)
            return sql_fail(log, err, "scan entries");
        uint64_t expected = first + b->count;
        sqlite3_int64 seq = sqlite3_column_int64(rows, 0);
        if (seq != (sqlite3_int64)expected) {
            LD_FAIL(err, LD_EVERIFY,
                    seq > (sqlite3_int64)expected
                        ? "entry %" PRIu64 " is missing (next stored is %lld)"
                        : "entry %" PRIu64 ": unexpected row with seq %lld",
                    expected, (long long)seq);
            *gap = true;
            *gap_seq = expected;
            *done = true;
            break;
        }
        const void *body = sqlite3_column_blob(rows, 1);
        size_t len = (size_t)sqlite3_column_bytes(rows, 1);
        if (len > SIZE_MAX - used)
            return LD_FAIL(err, LD_EVERIFY, "entry %" PRIu64 ": body too large", expected);
        if (used + len > b->bytes_cap) {
            size_t cap = b->bytes_cap ? b->bytes_cap : 1u << 20;
            while (cap < used + len)
                cap = cap > SIZE_MAX / 2 ? used + len : cap * 2;
            char *grown = realloc(b->bytes, cap);
            if (grown == NULL)
                return LD_FAIL(err, LD_EINTERNAL, "ledger store: out of memory");
            b->bytes = grown;
            b->bytes_cap = cap;
        }
        if (len > 0)
            memcpy(b->bytes + used, body, len);
        b->offset[b->count] = used;
        used += len;
        b->stored_ok[b->count] = column_hash(rows, 2, &b->stored[b->count]);
        b->count++;
    }
    b->offset[b->count] = used;
    return LD_OK;
}

/* The pass reads the whole file once, in order: mapped, SQLite reads its
 * pages in place instead of copying each (an entry of the close of business
 * spans several overflow pages) from the page cache. The connection's own
 * setting is put back afterwards. Returns it, or -1 when it could not be
 * read (then nothing is changed). */
#define VERIFY_MMAP_BYTES (INT64_C(1) << 32)

static int64_t mmap_widen(ledger_log *log)
{
    sqlite3_stmt *stmt = NULL;
    int64_t before = -1;
    if (sqlite3_prepare_v2(log->db, "PRAGMA mmap_size", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        before = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (before >= 0 && before < VERIFY_MMAP_BYTES) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA mmap_size = %" PRId64, VERIFY_MMAP_BYTES);
        sqlite3_exec(log->db, pragma, NULL, NULL, NULL);
    }
    return before;
}

static void mmap_restore(ledger_log *log, int64_t before)
{
    if (before < 0 || before >= VERIFY_MMAP_BYTES)
        return;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA mmap_size = %" PRId64, before);
    sqlite3_exec(log->db, pragma, NULL, NULL, NULL);
}

ld_status ledger_log_verify_all(ledger_log *log, uint64_t *first_bad, ld_error *err)
{
    verify_state v = {.log = log, .depth = 0, .first_bad = first_bad, .err = err};
    uint64_t bad_seq = 0;
    v.first_bad = &bad_seq;
    sqlite3_stmt *rows = NULL;
    ld_status status = stmt_get(log, ST_VERIFY_ENTRIES, &rows, err);
    if (status != LD_OK)
        return status;
    verify_pool pool = {.head = 0, .posted = 0, .quit = false, .threaded = false};
    verify_batch *batch[RING] = {NULL};
    bool allocated = true;
    for (size_t i = 0; i < RING; i++)
        allocated = (batch[i] = calloc(1, sizeof(verify_batch))) != NULL && allocated;
    if (!allocated || (status = ledger_hasher_new(&pool.hasher, err)) != LD_OK) {
        if (status == LD_OK)
            status = LD_FAIL(err, LD_EINTERNAL, "ledger store: out of memory");
        for (size_t i = 0; i < RING; i++)
            free(batch[i]);
        ledger_hasher_free(pool.hasher);
        return status;
    }
    pthread_mutex_init(&pool.mutex, NULL);
    pthread_cond_init(&pool.cond, NULL);
    pool.threaded = pthread_create(&pool.thread, NULL, pool_main, &pool) == 0;
    int64_t mmap_before = mmap_widen(log);
    uint64_t expected = 0;
    bool done = false, gap = false;
    uint64_t gap_seq = 0;
    ld_error gap_err;
    size_t in_ring = 0, next_free = 0; /* batches posted and not yet compared */
    while (status == LD_OK && (!done || in_ring > 0)) {
        /* Read ahead while there is room; compare what is ready; else hash. */
        verify_batch *ready = pool_ready(&pool, done || in_ring == RING, log->hasher);
        if (ready != NULL) {
            in_ring--;
            status = batch_status(ready, err);
            if (status == LD_OK)
                status = batch_check(&v, ready);
            continue;
        }
        verify_batch *next = batch[next_free];
        status = batch_read(log, rows, next, expected, &done, &gap, &gap_seq, &gap_err);
        if (status != LD_OK) {
            *err = gap_err;
            break;
        }
        expected += next->count;
        if (next->count > 0) {
            pool_post(&pool, next);
            in_ring++;
            next_free = (next_free + 1) % RING;
        }
    }
    /* Nothing may still be hashing when the buffers go. */
    pool_stop(&pool, log->hasher);
    mmap_restore(log, mmap_before);
    if (status == LD_OK && gap) {
        *err = gap_err;
        status = LD_EVERIFY;
        bad_seq = gap_seq;
    }
    stmt_done(rows);
    for (size_t i = 0; i < LEVELS; i++)
        if (log->level_scan[i] != NULL)
            sqlite3_reset(log->level_scan[i]);

    /* Subtree rows beyond the entries mean entries were cut off the end. */
    sqlite3_stmt *extra = NULL;
    if (status == LD_OK)
        status = stmt_get(log, ST_NODE_FROM, &extra, err);
    for (unsigned level = NODE_LEVEL_MIN; status == LD_OK && level < LEVELS; level++) {
        sqlite3_bind_int(extra, 1, (int)level);
        sqlite3_bind_int64(extra, 2, (sqlite3_int64)(expected >> level));
        int rc = sqlite3_step(extra);
        if (rc == SQLITE_ROW) {
            status = LD_FAIL(err, LD_EVERIFY,
                             "ledger_node: subtree (level %u, index %lld) covers entries beyond "
                             "the last, %" PRIu64 ": entries were removed from the end",
                             level, (long long)sqlite3_column_int64(extra, 0), expected);
            bad_seq = expected;
        } else if (rc != SQLITE_DONE) {
            status = sql_fail(log, err, "scan subtrees");
        }
        stmt_done(extra);
    }
    if (status == LD_EVERIFY)
        *first_bad = bad_seq;
    for (size_t i = 0; i < RING; i++) {
        free(batch[i]->bytes);
        free(batch[i]);
    }
    return status;
}

/* ---- Iteration --------------------------------------------------------------- */

ld_status ledger_log_iter_new(ledger_log *log, uint64_t first_seq, ledger_log_iter **out,
                              ld_error *err)
{
    if (first_seq > INT64_MAX)
        return LD_FAIL(err, LD_EINVAL, "from: %" PRIu64 " is out of range", first_seq);
    ledger_log_iter *iter = calloc(1, sizeof *iter);
    if (iter == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "ledger store: out of memory");
    iter->log = log;
    iter->next_seq = first_seq;
    if (sqlite3_prepare_v2(log->db,
                           "SELECT seq, body, leaf_hash FROM ledger_entry WHERE seq >= ?1 "
                           "ORDER BY seq",
                           -1, &iter->stmt, NULL) != SQLITE_OK) {
        ld_status status = sql_fail(log, err, "prepare");
        ledger_log_iter_free(iter);
        return status;
    }
    sqlite3_bind_int64(iter->stmt, 1, (sqlite3_int64)first_seq);
    *out = iter;
    return LD_OK;
}

ld_status ledger_log_iter_next(ledger_log_iter *iter, bool *has_entry, ledger_log_entry *entry,
                               ld_error *err)
{
    int rc = sqlite3_step(iter->stmt);
    if (rc == SQLITE_DONE) {
        *has_entry = false;
        return LD_OK;
    }
    if (rc != SQLITE_ROW)
        return sql_fail(iter->log, err, "read entries");
    sqlite3_int64 seq = sqlite3_column_int64(iter->stmt, 0);
    if (seq != (sqlite3_int64)iter->next_seq)
        return LD_FAIL(err, LD_EVERIFY, "entry %" PRIu64 " is missing (next stored is %lld)",
                       iter->next_seq, (long long)seq);
    ledger_log_entry e = {.seq = iter->next_seq};
    e.body = sqlite3_column_blob(iter->stmt, 1);
    e.len = (size_t)sqlite3_column_bytes(iter->stmt, 1);
    if (e.body == NULL)
        e.body = "";
    if (!column_hash(iter->stmt, 2, &e.leaf_hash))
        return LD_FAIL(err, LD_EVERIFY, "entry %" PRIu64 ": leaf hash is not 32 bytes", e.seq);
    iter->next_seq++;
    *entry = e;
    *has_entry = true;
    return LD_OK;
}

void ledger_log_iter_free(ledger_log_iter *iter)
{
    if (iter == NULL)
        return;
    sqlite3_finalize(iter->stmt);
    free(iter);
}

/* ---- Checkpoints ------------------------------------------------------------- */

ld_status ledger_log_checkpoint_current(ledger_log *log, int64_t time, ledger_checkpoint *out,
                                        ld_error *err)
{
    if (time < 0)
        return LD_FAIL(err, LD_EINVAL, "checkpoint.time: must not be negative");
    ledger_checkpoint checkpoint = {.time = time};
    ld_status status = ledger_log_size(log, &checkpoint.size, err);
    if (status == LD_OK)
        status = range_hash(log, 0, checkpoint.size, &checkpoint.root, err);
    if (status == LD_OK)
        *out = checkpoint;
    return status;
}

ld_status ledger_log_checkpoint_insert(ledger_log *log, const ledger_checkpoint *checkpoint,
                                       const uint8_t *signature, size_t signature_len,
                                       const char *key_id, ld_error *err)
{
    if (key_id == NULL || key_id[0] == '\0')
        return LD_FAIL(err, LD_EINVAL, "checkpoint.key_id: must not be empty");
    if (signature_len == 0 || signature_len > INT32_MAX)
        return LD_FAIL(err, LD_EINVAL, "checkpoint.signature: must not be empty");
    if (checkpoint->time < 0)
        return LD_FAIL(err, LD_EINVAL, "checkpoint.time: must not be negative");
    ledger_hash root;
    ld_status status = ledger_log_root(log, checkpoint->size, &root, err);
    if (status != LD_OK)
        return status;
    if (!ledger_hash_equal(&root, &checkpoint->root))
        return LD_FAIL(err, LD_EINVAL, "checkpoint.root: not the log's root at size %" PRIu64,
                       checkpoint->size);
    sqlite3_stmt *stmt = NULL;
    if ((status = stmt_get(log, ST_CHECKPOINT_INSERT, &stmt, err)) != LD_OK)
        return status;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)checkpoint->size);
    sqlite3_bind_blob(stmt, 2, checkpoint->root.bytes, LEDGER_HASH_SIZE, SQLITE_STATIC);
    sqlite3_bind_int64(stmt, 3, checkpoint->time);
    sqlite3_bind_blob(stmt, 4, signature, (int)signature_len, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 5, key_id, -1, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE)
        status = sql_fail(log, err, "insert checkpoint");
    stmt_done(stmt);
    return status;
}

void ledger_checkpoint_records_free(ledger_checkpoint_record *records, size_t count)
{
    if (records == NULL)
        return;
    for (size_t i = 0; i < count; i++) {
        free(records[i].signature);
        free(records[i].key_id);
    }
    free(records);
}

/* Reads one ledger_checkpoint row (size, root, time, signature, key_id) into
 * r, zeroed first; row is its 1-based position among the rows, and its number
 * (checkpoint.index) is row - 1: the signature covers the number, so a row
 * deleted or moved breaks the signatures of those after it. */
static ld_status checkpoint_row(sqlite3_stmt *stmt, size_t row, ledger_checkpoint_record *r,
                                ld_error *err)
{
    memset(r, 0, sizeof *r);
    sqlite3_int64 size = sqlite3_column_int64(stmt, 0);
    sqlite3_int64 time = sqlite3_column_int64(stmt, 2);
    if (size < 0 || time < 0 || !column_hash(stmt, 1, &r->checkpoint.root))
        return LD_FAIL(err, LD_EVERIFY, "ledger_checkpoint: row %zu is malformed", row);
    r->checkpoint.index = (uint64_t)row - 1;
    r->checkpoint.size = (uint64_t)size;
    r->checkpoint.time = time;
    int sig_len = sqlite3_column_bytes(stmt, 3);
    const void *sig = sqlite3_column_blob(stmt, 3);
    const unsigned char *key = sqlite3_column_text(stmt, 4);
    r->signature = malloc(sig_len > 0 ? (size_t)sig_len : 1);
    r->key_id = strdup(key != NULL ? (const char *)key : "");
    if (r->signature == NULL || r->key_id == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "ledger store: out of memory");
    if (sig_len > 0)
        memcpy(r->signature, sig, (size_t)sig_len);
    r->signature_len = (size_t)sig_len;
    return LD_OK;
}

ld_status ledger_log_checkpoint_last(ledger_log *log, ledger_checkpoint_record *out, bool *has,
                                     ld_error *err)
{
    sqlite3_stmt *stmt = NULL;
    ld_status status = stmt_get(log, ST_CHECKPOINT_LAST, &stmt, err);
    if (status != LD_OK)
        return status;
    int rc = sqlite3_step(stmt);
    *has = false;
    if (rc == SQLITE_ROW) {
        /* Rows are only ever appended, so the newest row's id is its
         * position: no count over the whole table on every command. */
        sqlite3_int64 rows = sqlite3_column_int64(stmt, 5);
        status = checkpoint_row(stmt, rows > 0 ? (size_t)rows : 1, out, err);
        if (status == LD_OK)
            *has = true;
        else {
            free(out->signature);
            free(out->key_id);
        }
    } else if (rc != SQLITE_DONE) {
        status = sql_fail(log, err, "read checkpoints");
    }
    stmt_done(stmt);
    return status;
}

ld_status ledger_log_checkpoint_list(ledger_log *log, ledger_checkpoint_record **out, size_t *count,
                                     ld_error *err)
{
    sqlite3_stmt *stmt = NULL;
    ld_status status = stmt_get(log, ST_CHECKPOINT_LIST, &stmt, err);
    if (status != LD_OK)
        return status;
    ledger_checkpoint_record *records = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while (status == LD_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n == cap) {
            size_t grown_cap = cap == 0 ? 8 : cap * 2;
            ledger_checkpoint_record *grown = realloc(records, grown_cap * sizeof *records);
            if (grown == NULL) {
                status = LD_FAIL(err, LD_EINTERNAL, "ledger store: out of memory");
                break;
            }
            records = grown;
            cap = grown_cap;
        }
        ledger_checkpoint_record *r = &records[n];
        n++;
        status = checkpoint_row(stmt, n, r, err);
    }
    if (status == LD_OK && rc != SQLITE_DONE)
        status = sql_fail(log, err, "read checkpoints");
    stmt_done(stmt);
    if (status != LD_OK) {
        ledger_checkpoint_records_free(records, n);
        return status;
    }
    *out = records;
    *count = n;
    return LD_OK;
}
