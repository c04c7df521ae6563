/*
 * loan_state.c - a loan's balances as the log records them: a fixed list of
 * integers (loan_int.h), and the streaming digest over all loans that each
 * close-of-business entry carries. The order of the values is part of the log
 * format: never reorder it, only append (and bump the "v1" tag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"
#include "loan_int.h"

void ledger_state_values(int64_t id, const ledger_loan_state *s, int64_t out[LEDGER_STATE_FIELDS])
{
    int64_t v[LEDGER_STATE_FIELDS] = {
        id,
        s->status,
        s->accrued_through,
        s->principal,
        s->principal_due,
        s->interest_due,
        s->fee_due,
        s->accrued,
        s->penalty,
        s->compound,
        s->penalty_daily,
        s->compound_daily,
        s->next_number,
        s->next_due,
        s->oldest_unpaid_due,
        s->dpd,
        s->floor,
        s->manual,
        s->category,
        s->next_inspection,
    };
    memcpy(out, v, sizeof v);
}

cJSON *ledger_state_json(int64_t id, const ledger_loan_state *s)
{
    int64_t v[LEDGER_STATE_FIELDS];
    ledger_state_values(id, s, v);
    cJSON *array = cJSON_CreateArray();
    for (int i = 0; i < LEDGER_STATE_FIELDS; i++)
        cJSON_AddItemToArray(array, core_json_int_item(v[i]));
    return array;
}

#define DIGEST_CHUNK 65536

struct ledger_state_digest {
    ledger_hasher *hasher;
    char chunk[DIGEST_CHUNK];
    size_t used;
    uint8_t *hashes; /* 32 bytes per chunk hashed so far */
    size_t count, cap;
};

ld_status ledger_state_digest_new(ledger_state_digest **out, ld_error *err)
{
    ledger_state_digest *d = calloc(1, sizeof *d);
    if (d == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory for a state digest");
    ld_status st = ledger_hasher_new(&d->hasher, err);
    if (st != LD_OK) {
        free(d);
        return st;
    }
    *out = d;
    return LD_OK;
}

static ld_status flush_chunk(ledger_state_digest *d, ld_error *err)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        uint8_t *grown = realloc(d->hashes, cap * LEDGER_HASH_SIZE);
        if (grown == NULL)
            return LD_FAIL(err, LD_EINTERNAL, "out of memory for a state digest");
        d->hashes = grown;
        d->cap = cap;
    }
    ledger_hash h;
    ld_status st = ledger_hasher_sha256(d->hasher, d->chunk, d->used, &h, err);
    if (st != LD_OK)
        return st;
    memcpy(d->hashes + d->count * LEDGER_HASH_SIZE, h.bytes, LEDGER_HASH_SIZE);
    d->count++;
    d->used = 0;
    return LD_OK;
}

ld_status ledger_state_digest_add_values(ledger_state_digest *d,
                                         const int64_t v[LEDGER_STATE_FIELDS], ld_error *err)
{
    char line[LEDGER_STATE_FIELDS * 21 + 8];
    size_t len = 0;
    memcpy(line, "v1", 2);
    len = 2;
    for (int i = 0; i < LEDGER_STATE_FIELDS; i++)
        len += (size_t)snprintf(line + len, sizeof line - len, ",%lld", (long long)v[i]);
    line[len++] = '\n';
    if (d->used + len > DIGEST_CHUNK) {
        ld_status st = flush_chunk(d, err);
        if (st != LD_OK)
            return st;
    }
    memcpy(d->chunk + d->used, line, len);
    d->used += len;
    return LD_OK;
}

ld_status ledger_state_digest_add(ledger_state_digest *d, int64_t id, const ledger_loan_state *s,
                                  ld_error *err)
{
    int64_t v[LEDGER_STATE_FIELDS];
    ledger_state_values(id, s, v);
    return ledger_state_digest_add_values(d, v, err);
}

ld_status ledger_state_digest_finish(ledger_state_digest *d, ledger_hash *out, ld_error *err)
{
    ld_status st;
    if (d->used > 0 && (st = flush_chunk(d, err)) != LD_OK)
        return st;
    return ledger_hasher_sha256(d->hasher, d->hashes ? (const void *)d->hashes : (const void *)"",
                                d->count * LEDGER_HASH_SIZE, out, err);
}

void ledger_state_digest_free(ledger_state_digest *d)
{
    if (d == NULL)
        return;
    ledger_hasher_free(d->hasher);
    free(d->hashes);
    free(d);
}
