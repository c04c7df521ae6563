/*
 * idempotency.h - the stored answers of exactly-once writes
 * (idempotency_store.c). A front end whose clients retry names each request
 * with a key; the answer of the operation that succeeded under that key is
 * stored in the operation's own transaction, beside the SHA-256 of the
 * request, so a retry is answered from the store and never runs twice.
 * Keys belong to a user: two users' keys never meet.
 */
#ifndef LD_IDEMPOTENCY_H
#define LD_IDEMPOTENCY_H

#include <stdint.h>

#include "ld_error.h"

struct core_store;

#define CORE_IDEMPOTENCY_KEY_MAX 129 /* 128 printable characters and the terminator */

/* LD_OK when key is 1 to 128 printable ASCII characters, else LD_EINVAL naming
 * "idempotency_key". */
ld_status core_idempotency_key_check(const char *key, ld_error *err);

/* The answer stored under (user_id, key): *response_out NULL when there is
 * none, else a copy the caller frees (free) when request_sha256 is the one it
 * answered; LD_ESTATE when the key answered a different request. */
ld_status core_idempotency_find(struct core_store *store, int64_t user_id, const char *key,
                                const char *request_sha256, char **response_out, ld_error *err);

/* Stores response under (user_id, key) in the caller's transaction; LD_ESTATE
 * when the key is already taken (another request with it committed first). */
ld_status core_idempotency_put(struct core_store *store, int64_t user_id, const char *key,
                               const char *request_sha256, const char *response, ld_error *err);

/* How long a stored answer is kept: a client retries within minutes, and a
 * day covers a retry after an outage. */
#define CORE_IDEMPOTENCY_RETENTION_SECONDS (24 * 3600)

/* Removes at most limit answers stored before the Unix time before (oldest
 * first, in the caller's transaction) and counts them in *removed (may be
 * NULL). A retry with a removed key runs again as a new request. */
ld_status core_idempotency_purge(struct core_store *store, int64_t before, int limit,
                                 int64_t *removed, ld_error *err);

#endif
