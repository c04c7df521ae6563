/*
 * server.h - `loandesk serve`: the JSON HTTP API over the operations API
 * (docs/http.md). The server is a front end like the command line: every
 * route calls include/loandesk functions and nothing below them, so it adds
 * no rule and skips none.
 *
 * server_run binds, serves on a pool of threads (one ld_api store connection
 * per thread, password hashing on a bounded pool of its own) and returns
 * when SIGINT or SIGTERM arrives, after the requests in flight are answered.
 */
#ifndef LD_SERVER_H
#define LD_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "loandesk/api.h"

typedef struct server_options {
    const char *db_path;
    const char *listen;       /* "127.0.0.1:8080" (NULL: that); port 0 picks a free one */
    int threads;              /* request threads (0: 4) */
    const ld_clock *clock;    /* the clock every store connection keeps the books by */
    const char *reports_dir;  /* where workbooks are written (NULL: a private temp folder) */
    bool trust_proxy;         /* X-Forwarded-Proto from a proxy on loopback counts (HSTS) */
    size_t body_max;          /* request body cap (0: 1 MiB) */
    size_t import_max;        /* cap of an import's body (0: 64 MiB) */
    unsigned per_client;      /* connections per client address (0: 128) */
    unsigned timeout_seconds; /* idle connection time-out (0: 15) */
    void (*ready)(const char *url, void *context); /* called once listening; may be NULL */
    void *ready_context;
} server_options;

/* Serves until SIGINT or SIGTERM (blocked in the calling thread and every
 * thread it starts). LD_EUSAGE for a bad --listen, LD_ENOTFOUND for a missing
 * database, LD_EINTERNAL when the socket cannot be bound. */
ld_status server_run(const server_options *options, ld_error *err);

/* The OpenAPI 3.1 document of every route (the one served at
 * /api/v1/openapi.json); the caller frees it. */
cJSON *server_openapi(void);

/* True when a route answers method and path (path without the query). */
bool server_route_exists(const char *method, const char *path);

#endif
