/*
 * http.c - the daemon of `loandesk serve` (server.h): libmicrohttpd with a
 * thread pool, one ld_api store connection per thread, authentication per
 * request (cookie or bearer token, resumed on the thread's own connection),
 * the browser rules (CSRF token and same origin for cookie-authenticated
 * writes), the security headers on every answer, problem documents for
 * errors (RFC 9457), one JSON log line per request, and a bounded pool for
 * password hashing so a storm of logins cannot take the request threads.
 *
 * Life of a request (states in server_private.h): the first call of the access
 * handler finds the route and checks the declared body size; later calls
 * collect the body up to the route's cap; the last call authenticates and
 * either runs the handler or hands the request to the password pool with
 * the connection suspended. The pool resumes the connection when done, and
 * the next call queues the answer. libmicrohttpd's completion notice writes
 * the log line and frees the request.
 *
 * Shutdown: SIGINT and SIGTERM are blocked in every thread and taken by
 * sigwait in server_run, which stops accepting (MHD_quiesce_daemon), waits
 * for the requests in flight (at most SHUTDOWN_WAIT_SECONDS), drains the
 * password pool and stops the daemon; the store connections close last.
 */
#include "server_private.h"

#include "loandesk/messages.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SESSION_COOKIE        "__Host-loandesk_session"
#define SHUTDOWN_WAIT_SECONDS 30
#define HASH_QUEUE_MAX        256
/* Writes wait in the write pool for their batch (group commit); a batch
 * holds at most as many operations as the pool has threads, so the pool is
 * as large as the connections that write at once, and its queue as long.
 * What a write-pool thread does on a store connection is short (resume the
 * session, look its Idempotency-Key up, queue the operation); the rest is
 * waiting, on no connection. So its threads take turns on a few
 * connections (WRITE_CONNECTIONS), each given back while its holder waits
 * for the batch (ld_api_set_batch_wait): the committer writes on one
 * connection of its own, and the pool needs no more than a handful for its
 * reads. */
#define WRITE_THREADS     48
#define WRITE_CONNECTIONS 4
#define WRITE_QUEUE_MAX   1024
#define API_HANDLES_MAX   256
/* libmicrohttpd's memory per connection: the request's headers and the
 * answer's, in one pool it zeroes whole before each request. It reads
 * headers into half of it, so 32 KiB is what takes the 8 KiB header line
 * nginx passes (16 KiB refuses it: tests/http/test_http_api.py). */
#define CONNECTION_MEMORY (32 * 1024)
/* Requests kept for reuse: as many as connections are commonly open at once. */
#define SPARE_REQUESTS_MAX 256
/* The most answer text a spare request keeps (an application with a few
 * parts is 2 KiB). */
#define SPARE_TEXT_MAX (64 * 1024)

/* POOLED: on a pool's queue or thread, the connection suspended; RAN: the
 * pool ran it and resumed the connection. */
typedef enum request_state { RECEIVING, POOLED, RAN, ANSWERED } request_state;

/* What http.c keeps per request beside what handlers see. */
typedef struct request {
    srv_request rq;
    request_state state;
    struct timespec started;
    char request_id[33];
    char route_name[96];
    bool too_large;
    bool bad_length;
    bool is_static; /* a file of the web UI, not an API answer */
    int static_status;
    srv_static_file file;
    size_t cap;
    size_t dropped; /* bytes of a body over the cap, read and thrown away */
    struct request *next_job;
} request;

struct srv_server {
    server_options options;
    struct MHD_Daemon *daemon;
    char work_dir[PATH_MAX];
    char reports_dir[PATH_MAX];
    bool own_work_dir;
    atomic_int in_flight;
    srv_log *log;
    /* The write turn (execute_in_turn): shared by writes that are one
     * operation each, which the committer batches; taken alone by a write
     * that reads before it writes (If-Match) or hashes inside its
     * operation. */
    pthread_rwlock_t write_turn;
    pthread_mutex_t turn_gate; /* taken to enter the turn: one waiting alone is not starved */
    /* The committer and its handle: every worker's writes commit in its
     * batches (loandesk/api.h, group commit). */
    ld_api *writer;
    ld_committer *committer;
    /* Every store connection opened, closed at shutdown. */
    pthread_mutex_t api_lock;
    ld_api *apis[API_HANDLES_MAX];
    int api_count;
    /* Requests answered, kept for the next ones (request_new): a request is
     * larger than malloc's small sizes, and allocating one each time cost
     * a consolidation of its free lists on every request. */
    pthread_mutex_t spare_lock;
    struct request *spare;
    int spare_count;
    /* The password pool and the write pool. */
    struct pool {
        srv_server *srv;
        bool hashing; /* the password pool, else the write pool */
        int max_queued;
        pthread_mutex_t lock;
        pthread_cond_t ready;
        request *head, *tail;
        int queued;
        bool stop;
        int threads;
        pthread_t tid[WRITE_THREADS];
        struct pool_thread {
            struct pool *pool;
            struct conn_slot *slot; /* the write pool's connection it takes turns on */
        } thread[WRITE_THREADS];
    } hash_pool, write_pool;
    /* The write pool's connections, each used by one thread at a time. */
    struct conn_slot {
        pthread_mutex_t lock;
        ld_api *api; /* NULL when it could not be opened: the thread opens its own */
    } write_slots[WRITE_CONNECTIONS];
};

static _Thread_local ld_api *thread_api;

/* Request ids: 16 random hex characters drawn at start, then a counter, so
 * ids are unique without a draw from the random generator per request. */
static char id_prefix[17];
static atomic_ullong id_counter;

const char *srv_work_dir(const srv_server *srv)
{
    return srv->work_dir;
}

const char *srv_reports_dir(const srv_server *srv)
{
    return srv->reports_dir;
}

/* The calling thread's store connection, opened on first use. */
static ld_api *api_of_thread(srv_server *srv, ld_error *err)
{
    if (thread_api != NULL)
        return thread_api;
    ld_api *api = NULL;
    if (ld_api_open(srv->options.db_path, srv->options.clock, &api, err) != LD_OK)
        return NULL;
    pthread_mutex_lock(&srv->api_lock);
    if (srv->api_count >= API_HANDLES_MAX) {
        pthread_mutex_unlock(&srv->api_lock);
        ld_api_close(api);
        err->code = LD_EINTERNAL;
        snprintf(err->message, sizeof err->message, "too many store connections");
        return NULL;
    }
    srv->apis[srv->api_count++] = api;
    pthread_mutex_unlock(&srv->api_lock);
    ld_api_set_committer(api, srv->committer);
    thread_api = api;
    return api;
}

/* ---- Answers ---------------------------------------------------------------- */

static const char *status_title(int status)
{
    switch (status) {
    case 400:
        return "bad request";
    case 401:
        return "not logged in";
    case 403:
        return "permission denied";
    case 404:
        return "not found";
    case 405:
        return "method not allowed";
    case 409:
        return "not allowed in the current state";
    case 412:
        return "precondition failed";
    case 428:
        return "precondition required";
    case 413:
        return "content too large";
    case 415:
        return "unsupported media type";
    case 422:
        return "invalid input";
    case 503:
        return "service unavailable";
    default:
        return "internal error";
    }
}

/* text into buf (size bytes), cut to fit and NUL-terminated: a copy
 * without a formatted print, for what every request copies. */
static void copy_text(char *buf, size_t size, const char *text)
{
    size_t n = strlen(text);
    if (n >= size)
        n = size - 1;
    memcpy(buf, text, n);
    buf[n] = '\0';
}

static bool starts_with(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    return n > 0 && strncmp(text, prefix, n) == 0 && (text[n] == '/' || text[n] == '\0');
}

void srv_scrub_paths(const srv_server *srv, cJSON *value)
{
    if (value == NULL)
        return;
    if (cJSON_IsString(value) && value->valuestring != NULL && value->valuestring[0] == '/') {
        const char *text = value->valuestring;
        if (starts_with(text, srv->work_dir) || starts_with(text, srv->reports_dir) ||
            starts_with(text, srv->options.db_path)) {
            /* The name is copied first: cJSON copies the new text over the
             * old one, which it is a part of. */
            char name[256];
            snprintf(name, sizeof name, "%s", strrchr(text, '/') + 1);
            cJSON_SetValuestring(value, name);
        }
        return;
    }
    for (cJSON *child = value->child; child != NULL; child = child->next)
        srv_scrub_paths(srv, child);
}

/* Whether text may hold a string srv_scrub_paths would change: one that
 * begins with one of the server's own paths. The paths' bytes appear as they
 * are in the text unless JSON escapes one of them; such a path is assumed
 * present. */
static bool may_name_a_path(const srv_server *srv, const char *text)
{
    const char *paths[] = {srv->work_dir, srv->reports_dir, srv->options.db_path};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *path = paths[i];
        if (path == NULL || path[0] == '\0')
            continue;
        for (const unsigned char *c = (const unsigned char *)path; *c != '\0'; c++)
            if (*c < 0x20 || *c == '"' || *c == '\\')
                return true;
        /* The reports folder is commonly inside the work folder: a string
         * beginning with it begins with the work folder too. */
        if (i == 1 && starts_with(path, srv->work_dir))
            continue;
        if (strstr(text, path) != NULL)
            return true;
    }
    return false;
}

ld_status srv_answer_text(srv_request *rq)
{
    rq->etag_of_answer = true;
    if (may_name_a_path(rq->srv, rq->text.data)) {
        /* As a tree, which execute_once scrubs like any other answer. */
        if ((rq->result = cJSON_Parse(rq->text.data)) == NULL)
            return srv_fail(rq, LD_EINTERNAL, "out of memory reading an answer");
        return LD_OK;
    }
    rq->text_answer = true;
    return LD_OK;
}

static int status_of(ld_status code)
{
    switch (code) {
    case LD_EUSAGE:
    case LD_EINVAL:
        return 422;
    case LD_EPERM:
        return 403;
    case LD_ENOTFOUND:
        return 404;
    case LD_ESTATE:
        return 409;
    case LD_EVERIFY:
        return 422;
    default:
        return 500;
    }
}

static const char *problem_slug(int status, ld_status code)
{
    if (code == LD_EVERIFY)
        return "verification-failed";
    switch (status) {
    case 401:
        return "no-session";
    case 403:
        return "permission-denied";
    case 404:
        return "not-found";
    case 405:
        return "method-not-allowed";
    case 409:
        return "wrong-state";
    case 412:
        return "precondition-failed";
    case 428:
        return "precondition-required";
    case 413:
        return "too-large";
    case 415:
        return "unsupported-media-type";
    case 422:
        return "invalid-input";
    case 503:
        return "unavailable";
    default:
        return status >= 500 ? "internal" : "bad-request";
    }
}

/* Removes every occurrence of the server's own folders and the database path
 * from a message: no answer names a path on the server. */
static void scrub(srv_server *srv, char *message)
{
    const char *secrets[] = {srv->work_dir, srv->reports_dir, srv->options.db_path};
    for (size_t s = 0; s < sizeof secrets / sizeof secrets[0]; s++) {
        size_t n = secrets[s] != NULL ? strlen(secrets[s]) : 0;
        if (n == 0)
            continue;
        char *hit;
        while ((hit = strstr(message, secrets[s])) != NULL)
            memmove(hit, hit + n, strlen(hit + n) + 1);
    }
}

/* The field a message names: its text before ": " when that is a field path
 * (letters, digits, '_', '.', '[', ']'). */
static bool message_field(const char *message, char *field, size_t size)
{
    const char *colon = strstr(message, ": ");
    if (colon == NULL || colon == message || (size_t)(colon - message) >= size)
        return false;
    for (const char *p = message; p < colon; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '[' || c == ']'))
            return false;
    }
    memcpy(field, message, (size_t)(colon - message));
    field[colon - message] = '\0';
    return true;
}

/* Turns the request's error into its problem document. */
static void set_problem(request *r, int status, ld_status code, const char *detail)
{
    srv_request *rq = &r->rq;
    cJSON_Delete(rq->result);
    free(rq->raw);
    rq->raw = NULL;
    rq->status = status;
    char text[sizeof rq->err.message];
    if (status >= 500 && status != 503) {
        /* The cause goes to the log, never to the client. */
        cJSON *message = cJSON_CreateString(detail);
        char *quoted = cJSON_PrintUnformatted(message);
        cJSON_Delete(message);
        char line[1200];
        int n =
            snprintf(line, sizeof line,
                     "{\"level\":\"error\",\"request_id\":\"%s\",\"status\":%d,\"message\":%s}\n",
                     r->request_id, status, quoted != NULL ? quoted : "\"\"");
        free(quoted);
        if (n >= (int)sizeof line) {
            n = (int)sizeof line - 1;
            line[n - 1] = '\n'; /* cut, still one line */
        }
        srv_log_write(rq->srv->log, line, (size_t)n);
        snprintf(text, sizeof text, "internal error; the server log has request %s", r->request_id);
    } else {
        snprintf(text, sizeof text, "%s", detail);
        scrub(rq->srv, text);
    }
    cJSON *p = cJSON_CreateObject();
    char type[80];
    snprintf(type, sizeof type, "urn:loandesk:problem:%s", problem_slug(status, code));
    cJSON_AddStringToObject(p, "type", type);
    const char *title = code == LD_EVERIFY ? "verification failed" : status_title(status);
    if (srv_wants_zh(rq)) {
        /* The client reads Chinese: the title and detail from the API's
         * table, the English kept beside them (docs/http.md, "Errors"). */
        char zh[sizeof text * 2];
        ld_message_zh(code, text, zh, sizeof zh);
        cJSON_AddStringToObject(p, "title", ld_code_zh(code));
        cJSON_AddStringToObject(p, "title_en", title);
        cJSON_AddStringToObject(p, "detail", zh);
        cJSON_AddStringToObject(p, "detail_en", text);
    } else {
        cJSON_AddStringToObject(p, "title", title);
        cJSON_AddStringToObject(p, "detail", text);
    }
    cJSON_AddNumberToObject(p, "status", status);
    char field[96];
    if (status < 500 && message_field(text, field, sizeof field))
        cJSON_AddStringToObject(p, "field", field);
    cJSON_AddStringToObject(p, "request_id", r->request_id);
    rq->result = p;
}

static void fail_from(request *r)
{
    ld_status code = r->rq.err.code == LD_OK ? LD_EINTERNAL : r->rq.err.code;
    set_problem(r, status_of(code), code, r->rq.err.message);
}

ld_status srv_fail(srv_request *rq, ld_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rq->err.message, sizeof rq->err.message, fmt, ap);
    va_end(ap);
    rq->err.code = code;
    return code;
}

/* Whether the client reached us over TLS: only a proxy we trust (on
 * loopback, with --trust-proxy) may say so. */
static bool behind_tls(srv_request *rq)
{
    if (!rq->srv->options.trust_proxy)
        return false;
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL)
        return false;
    const struct sockaddr *sa = info->client_addr;
    bool loopback = false;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    const char *proto = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
    return loopback && proto != NULL && strcmp(proto, "https") == 0;
}

/* The pages' policy: their own scripts, styles and API only; no inline
 * script or style and no eval, nothing from another origin. */
#define PAGE_CSP                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "                    \
    "frame-ancestors 'none'; form-action 'self'"

static void add_security_headers(srv_request *rq, struct MHD_Response *resp, bool page)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            page ? PAGE_CSP
                                 : "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
                                   "form-action 'none'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    /* Pages are kept but asked after each time (their ETag), so a new
     * release shows at once; API answers are never stored. */
    MHD_add_response_header(resp, "Cache-Control", page ? "no-cache" : "no-store");
    if (behind_tls(rq))
        MHD_add_response_header(resp, "Strict-Transport-Security",
                                "max-age=63072000; includeSubDomains");
}

/* Queues a file of the web UI, or 304 when the client holds it already. */
static enum MHD_Result queue_static(request *r)
{
    srv_request *rq = &r->rq;
    const char *held = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "If-None-Match");
    bool unchanged = held != NULL && strcmp(held, r->file.etag) == 0;
    rq->status = unchanged ? 304 : 200;
    struct MHD_Response *resp;
    if (unchanged) {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer(r->file.len, r->file.data, MHD_RESPMEM_MUST_FREE);
        if (resp != NULL)
            r->file.data = NULL;
    }
    if (resp == NULL)
        return MHD_NO;
    if (!unchanged)
        MHD_add_response_header(resp, "Content-Type", r->file.type);
    if (!unchanged && r->file.gzip)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    MHD_add_response_header(resp, "ETag", r->file.etag);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    add_security_headers(rq, resp, true);
    enum MHD_Result ok = MHD_queue_response(rq->conn, (unsigned)rq->status, resp);
    MHD_destroy_response(resp);
    r->state = ANSWERED;
    return ok;
}

/* Queues the request's answer: its JSON (or problem) or raw bytes. */
static enum MHD_Result queue_answer(request *r)
{
    srv_request *rq = &r->rq;
    if (r->is_static)
        return queue_static(r);
    char *data;
    size_t len;
    const char *type;
    /* The request's own text is sent from where it is: it stays until the
     * request is freed, after its answer has gone (on_completed). */
    enum MHD_ResponseMemoryMode memory = MHD_RESPMEM_MUST_FREE;
    if (rq->text_answer && rq->status < 300) {
        data = rq->text.data;
        len = rq->text.len;
        type = "application/json";
        memory = MHD_RESPMEM_PERSISTENT;
    } else if (rq->raw != NULL) {
        data = rq->raw;
        len = rq->raw_len;
        rq->raw = NULL;
        type = rq->raw_type;
    } else {
        data = rq->result != NULL ? srv_json_print(rq->result, &len) : NULL;
        if (data == NULL) {
            if (rq->result != NULL)
                rq->status = 500; /* out of memory printing it */
            data = strdup("{}");
            len = data != NULL ? 2 : 0;
        }
        type = rq->status >= 400 ? "application/problem+json" : "application/json";
    }
    if (rq->etag_of_answer && rq->status < 300) {
        char digest[65];
        srv_sha256_hex(data, len, digest);
        snprintf(rq->etag, sizeof rq->etag, "\"%.32s\"", digest);
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, memory);
    if (resp == NULL) {
        if (memory == MHD_RESPMEM_MUST_FREE)
            free(data);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    if (rq->raw_name[0] != '\0') {
        char disposition[160];
        snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", rq->raw_name);
        MHD_add_response_header(resp, "Content-Disposition", disposition);
    }
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    add_security_headers(rq, resp, false);
    if (rq->etag[0] != '\0')
        MHD_add_response_header(resp, "ETag", rq->etag);
    if (rq->set_cookie[0] != '\0')
        MHD_add_response_header(resp, "Set-Cookie", rq->set_cookie);
    if (rq->status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"loandesk\"");
    if (rq->status == 503)
        MHD_add_response_header(resp, "Retry-After", "1");
    enum MHD_Result ok = MHD_queue_response(rq->conn, (unsigned)rq->status, resp);
    MHD_destroy_response(resp);
    r->state = ANSWERED;
    return ok;
}

/* ---- Authentication and the browser rules ---------------------------------- */

/* The session token: the bearer token when given, else the cookie. */
static bool find_token(srv_request *rq)
{
    const char *auth = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Authorization");
    if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0) {
        snprintf(rq->token, sizeof rq->token, "%s", auth + 7);
        rq->cookie_auth = false;
        return true;
    }
    const char *cookie = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
    if (cookie != NULL) {
        snprintf(rq->token, sizeof rq->token, "%s", cookie);
        rq->cookie_auth = true;
        return true;
    }
    return false;
}

static bool unsafe_method(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/* A cookie-authenticated write must come from our own origin with the
 * session's CSRF token: a browser sends the cookie on a cross-site request,
 * but only a page of ours can read the token and set the header. */
static ld_status check_browser_rules(srv_request *rq)
{
    if (!unsafe_method(rq->method))
        return LD_OK;
    bool public_route = (rq->route->flags & SRV_PUBLIC) != 0;
    if (!rq->cookie_auth && !public_route)
        return LD_OK;
    const char *site = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Sec-Fetch-Site");
    const char *origin = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Host");
    if (site != NULL && strcmp(site, "same-origin") != 0)
        return srv_fail(rq, LD_EPERM, "origin: a cross-site request may not change anything");
    if (site != NULL && strcmp(site, "none") == 0 && public_route)
        site = NULL; /* typed by the user, not sent by another site */
    if (origin == NULL && site == NULL && !public_route)
        return srv_fail(rq, LD_EPERM,
                        "origin: a cookie-authenticated change needs an Origin header");
    if (origin != NULL) {
        char expected[300];
        snprintf(expected, sizeof expected, "%s://%s", behind_tls(rq) ? "https" : "http",
                 host != NULL ? host : "");
        if (host == NULL || strcmp(origin, expected) != 0)
            return srv_fail(rq, LD_EPERM, "origin: %s is not this site's origin", origin);
    }
    if (public_route)
        return LD_OK; /* a login or a tool: the origin is all there is to check */
    const char *csrf = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    char expected_token[65];
    srv_csrf_token(rq->token, expected_token);
    if (csrf == NULL || strlen(csrf) != 64 || CRYPTO_memcmp(csrf, expected_token, 64) != 0)
        return srv_fail(rq, LD_EPERM, "csrf_token: missing or wrong X-CSRF-Token header");
    return LD_OK;
}

/* ---- Running a handler ----------------------------------------------------- */

/* The digest an Idempotency-Key is tied to: the method, the path (its
 * parameters included) and the body. */
static void request_digest(request *r, char out[65])
{
    srv_request *rq = &r->rq;
    const char *uri = r->route_name;
    size_t n = strlen(rq->method) + strlen(uri) + 2 + rq->body_len + 3 * 131;
    char *text = malloc(n + 1);
    if (text == NULL) {
        out[0] = '\0';
        return;
    }
    int used = snprintf(text, n + 1, "%s\n%s\n", rq->method, uri);
    for (int i = 0; i < rq->param_count; i++)
        used += snprintf(text + used, n + 1 - (size_t)used, "%s\n", rq->params[i]);
    if (rq->body_len > 0)
        memcpy(text + used, rq->body, rq->body_len);
    srv_sha256_hex(text, (size_t)used + rq->body_len, out);
    free(text);
}

/* Resumes the session on the calling thread's connection and runs the
 * route's handler; the outcome is left in the request. Runs on a request
 * thread or on the password pool. */
static void execute_once(request *r);

static void execute(request *r)
{
    srv_request *rq = &r->rq;
    rq->api = api_of_thread(rq->srv, &rq->err);
    if (rq->api == NULL) {
        fail_from(r);
        return;
    }
    /* A read runs in one snapshot, the session check included: one read
     * transaction per request, and the session's row is read again only
     * when something was committed since (loandesk/api.h). */
    bool snapshot = !unsafe_method(rq->method) && !(rq->route->flags & SRV_PUBLIC);
    if (snapshot && ld_api_read_begin(rq->api, &rq->err) != LD_OK) {
        fail_from(r);
        return;
    }
    execute_once(r);
    if (snapshot)
        ld_api_read_end(rq->api);
}

static void execute_once(request *r)
{
    srv_request *rq = &r->rq;
    const srv_route *route = rq->route;
    if (!(route->flags & SRV_PUBLIC)) {
        if (ld_session_resume(rq->api, rq->token, &rq->session, &rq->err) != LD_OK) {
            if (rq->err.code == LD_EPERM)
                set_problem(r, 401, LD_EPERM, rq->err.message);
            else
                fail_from(r);
            return;
        }
        copy_text(rq->username, sizeof rq->username, ld_session_username(rq->session));
    }
    if ((route->flags & SRV_ONCE) && rq->idempotency_key != NULL && rq->session != NULL) {
        char digest[65];
        request_digest(r, digest);
        cJSON *replay = NULL;
        if (ld_session_idempotency(rq->session, rq->idempotency_key, digest, &replay, &rq->err) !=
            LD_OK) {
            fail_from(r);
            return;
        }
        if (replay != NULL) {
            rq->result = replay;
            rq->status = route->ok_status;
            if (route->present != NULL)
                route->present(rq);
            srv_scrub_paths(rq->srv, rq->result);
            return;
        }
    }
    rq->status = route->ok_status;
    ld_status st = route->handler(rq);
    if (rq->session != NULL)
        ld_session_idempotency_clear(rq->session);
    if (st == LD_OK && rq->result != NULL) {
        if (route->present != NULL)
            route->present(rq);
        srv_scrub_paths(rq->srv, rq->result);
    }
    if (st != LD_OK) {
        if (rq->err.code == LD_OK)
            rq->err.code = st;
        if (rq->status == 412 || rq->status == 428)
            set_problem(r, rq->status, LD_ESTATE, rq->err.message);
        else if (rq->status == 401)
            set_problem(r, 401, LD_EPERM, rq->err.message);
        else
            fail_from(r);
    }
}

static void finish_session(srv_request *rq)
{
    ld_session_free(rq->session);
    rq->session = NULL;
}

/* Enters the write turn, shared or alone. Both pass the gate first, and one
 * waiting to be alone holds it: writes arriving after it wait, rather than
 * keep the turn shared for ever. */
static void turn_enter(srv_server *srv, bool alone)
{
    pthread_mutex_lock(&srv->turn_gate);
    if (alone)
        pthread_rwlock_wrlock(&srv->write_turn);
    else
        pthread_rwlock_rdlock(&srv->write_turn);
    pthread_mutex_unlock(&srv->turn_gate);
}

void srv_write_turn(srv_server *srv, bool take)
{
    if (take)
        turn_enter(srv, true);
    else
        pthread_rwlock_unlock(&srv->write_turn);
}

enum turn { TURN_NONE, TURN_SHARED, TURN_ALONE };

/* The turn a request runs in. A write that is one operation shares it: the
 * committer runs such writes one after another in its batches, each with
 * its own checks, so they need no turn of their own. A write that checks
 * before it writes (If-Match), hashes inside its operation or imports takes
 * the turn alone, so nothing commits between its check and its write. */
static enum turn turn_of(const request *r)
{
    if (!unsafe_method(r->rq.method))
        return TURN_NONE;
    unsigned flags = r->rq.route->flags;
    if ((flags & SRV_ONCE) && !(flags & (SRV_HASH | SRV_IF_MATCH | SRV_LARGE)))
        return TURN_SHARED;
    return TURN_ALONE;
}

/* Runs the request in its turn and frees its session; with connection
 * (a write-pool slot's lock), holding the connection it runs on. The turn
 * is entered first: a thread waiting for the turn holds no connection that
 * a thread inside the turn needs to finish. */
static void execute_in_turn(srv_server *srv, request *r, enum turn turn,
                            pthread_mutex_t *connection)
{
    if (turn != TURN_NONE)
        turn_enter(srv, turn == TURN_ALONE);
    if (connection != NULL)
        pthread_mutex_lock(connection);
    execute(r);
    finish_session(&r->rq);
    if (connection != NULL)
        pthread_mutex_unlock(connection);
    if (turn != TURN_NONE)
        pthread_rwlock_unlock(&srv->write_turn);
}

/* ---- The pools --------------------------------------------------------------- */

/* Two pools of threads run requests off libmicrohttpd's threads, the
 * connection suspended meanwhile: the password pool runs what hashes (a
 * storm of logins cannot starve reads), the write pool the writes that wait
 * for the committer's batch (a blocked request thread would serve none of
 * its other connections, and a batch could hold no more operations than
 * there are request threads). */
static void *pool_worker(void *arg)
{
    struct pool_thread *self = arg;
    struct pool *p = self->pool;
    thread_api = self->slot != NULL ? self->slot->api : NULL;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (p->head == NULL && !p->stop)
            pthread_cond_wait(&p->ready, &p->lock);
        request *r = p->head;
        if (r == NULL) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        p->head = r->next_job;
        if (p->head == NULL)
            p->tail = NULL;
        p->queued--;
        pthread_mutex_unlock(&p->lock);
        /* A login hashes outside any transaction; the others (password
         * changes, new accounts, signing) hash inside their operation's
         * transaction, so they take the server's write turn alone rather
         * than hold SQLite's lock against its busy time-out. */
        enum turn turn = !p->hashing                       ? turn_of(r)
                         : r->rq.route->flags & SRV_PUBLIC ? TURN_NONE
                                                           : TURN_ALONE;
        execute_in_turn(p->srv, r, turn, self->slot != NULL ? &self->slot->lock : NULL);
        r->state = RAN;
        MHD_resume_connection(r->rq.conn);
    }
}

/* Hands r to pool p; false when its queue is full. */
static bool pool_enqueue(struct pool *p, request *r)
{
    pthread_mutex_lock(&p->lock);
    if (p->queued >= p->max_queued || p->stop) {
        pthread_mutex_unlock(&p->lock);
        return false;
    }
    r->next_job = NULL;
    if (p->tail != NULL)
        p->tail->next_job = r;
    else
        p->head = r;
    p->tail = r;
    p->queued++;
    r->state = POOLED;
    pthread_cond_signal(&p->ready);
    pthread_mutex_unlock(&p->lock);
    return true;
}

static void pool_init(struct pool *p, srv_server *srv, bool hashing, int max_queued)
{
    p->srv = srv;
    p->hashing = hashing;
    p->max_queued = max_queued;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->ready, NULL);
}

static void slot_release(void *context)
{
    pthread_mutex_unlock(context);
}

static void slot_take(void *context)
{
    pthread_mutex_lock(context);
}

/* Opens the write pool's connections before the server answers anything:
 * opening one checks the schema and installs the ledger's triggers, which
 * no request should wait for. */
static void write_slots_open(srv_server *srv)
{
    for (int i = 0; i < WRITE_CONNECTIONS; i++) {
        struct conn_slot *slot = &srv->write_slots[i];
        pthread_mutex_init(&slot->lock, NULL);
        ld_error ignored;
        if (srv->api_count >= API_HANDLES_MAX ||
            ld_api_open(srv->options.db_path, srv->options.clock, &slot->api, &ignored) != LD_OK)
            continue;
        ld_api_set_committer(slot->api, srv->committer);
        /* The slot's lock is held by the thread running on it, and given
         * back while that thread's write waits for its batch. */
        ld_api_set_batch_wait(slot->api, slot_release, slot_take, &slot->lock);
        srv->apis[srv->api_count++] = slot->api;
    }
}

/* Starts the pool's threads; with slots, thread i takes turns on the write
 * pool's connection i mod WRITE_CONNECTIONS (else each opens its own on
 * first use). */
static void pool_start(struct pool *p, int threads, bool slots)
{
    for (int i = 0; i < threads && i < WRITE_THREADS; i++) {
        struct pool_thread *t = &p->thread[i];
        t->pool = p;
        t->slot = slots ? &p->srv->write_slots[i % WRITE_CONNECTIONS] : NULL;
        if (pthread_create(&p->tid[i], NULL, pool_worker, t) != 0)
            break;
        p->threads++;
    }
}

static void pool_stop(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->threads; i++)
        pthread_join(p->tid[i], NULL);
    p->threads = 0;
}

static void pool_destroy(struct pool *p)
{
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->ready);
}

/* ---- The access handler ----------------------------------------------------- */

const char *srv_query_header(srv_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *srv_query(srv_request *rq, const char *name)
{
    const char *value = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
    return value != NULL && value[0] != '\0' ? value : NULL;
}

static request *request_new(srv_server *srv, struct MHD_Connection *conn, const char *method,
                            const char *url)
{
    pthread_mutex_lock(&srv->spare_lock);
    request *r = srv->spare;
    if (r != NULL) {
        srv->spare = r->next_job;
        srv->spare_count--;
    }
    pthread_mutex_unlock(&srv->spare_lock);
    if (r != NULL) {
        ld_text text = r->rq.text; /* its memory serves the next answer too */
        memset(r, 0, sizeof *r);
        r->rq.text = text;
    } else if ((r = calloc(1, sizeof *r)) == NULL) {
        return NULL;
    }
    r->rq.srv = srv;
    r->rq.conn = conn;
    clock_gettime(CLOCK_MONOTONIC, &r->started);
    /* The prefix, then the counter as 16 hex digits (no formatted print:
     * every request draws one). */
    static const char hex[] = "0123456789abcdef";
    unsigned long long serial = atomic_fetch_add(&id_counter, 1);
    memcpy(r->request_id, id_prefix, 16);
    for (int i = 31; i >= 16; i--, serial >>= 4)
        r->request_id[i] = hex[serial & 15];
    r->request_id[32] = '\0';
    copy_text(r->rq.method, sizeof r->rq.method, method);
    bool method_known = false;
    r->rq.route = srv_route_match(method, url, r->rq.params, &r->rq.param_count, &method_known);
    copy_text(r->route_name, sizeof r->route_name,
              r->rq.route != NULL ? r->rq.route->pattern : "(none)");
    r->cap = srv->options.body_max;
    if (r->rq.route != NULL && (r->rq.route->flags & SRV_LARGE))
        r->cap = srv->options.import_max;
    bool readable = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    if (r->rq.route == NULL && readable && strncmp(url, "/api/", 5) != 0 &&
        srv->options.web_dir != NULL) {
        /* The web UI's files, before the API's 404. */
        snprintf(r->route_name, sizeof r->route_name, "(web)");
        bool gzip =
            srv_accepts_gzip(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding"));
        if (srv_static_load(srv->options.web_dir, url, gzip, &r->file) == 200) {
            r->is_static = true;
            return r;
        }
    }
    if (r->rq.route == NULL) {
        srv_fail(&r->rq, LD_ENOTFOUND, "path: no such route; /api/v1/openapi.json lists them");
        set_problem(r, method_known ? 405 : 404, LD_ENOTFOUND,
                    method_known ? "method: this route does not take this method"
                                 : r->rq.err.message);
        return r;
    }
    const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (length != NULL) {
        char *end = NULL;
        errno = 0;
        unsigned long long declared = strtoull(length, &end, 10);
        if (errno != 0 || end == length || *end != '\0' || declared > r->cap)
            r->too_large = true;
    }
    return r;
}

static bool body_append(request *r, const char *data, size_t size)
{
    srv_request *rq = &r->rq;
    if (r->too_large || size > r->cap - rq->body_len) {
        r->too_large = true;
        return false;
    }
    char *grown = realloc(rq->body, rq->body_len + size + 1);
    if (grown == NULL) {
        r->too_large = true;
        return false;
    }
    memcpy(grown + rq->body_len, data, size);
    rq->body = grown;
    rq->body_len += size;
    rq->body[rq->body_len] = '\0';
    return true;
}

/* Checks and parses what arrived; false with the problem set when the
 * request cannot go on. */
static bool prepare(request *r)
{
    srv_request *rq = &r->rq;
    const srv_route *route = rq->route;
    if (r->too_large) {
        char detail[96];
        snprintf(detail, sizeof detail, "body: larger than %zu bytes", r->cap);
        set_problem(r, 413, LD_EINVAL, detail);
        return false;
    }
    if (!find_token(rq) && !(route->flags & SRV_PUBLIC)) {
        set_problem(r, 401, LD_EPERM, "session: log in first (POST /api/v1/session)");
        return false;
    }
    if (check_browser_rules(rq) != LD_OK) {
        set_problem(r, 403, LD_EPERM, rq->err.message);
        return false;
    }
    if (rq->body_len > 0 && !(route->flags & SRV_RAW_BODY)) {
        const char *type = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Content-Type");
        if (type == NULL || strncmp(type, "application/json", 16) != 0) {
            set_problem(r, 415, LD_EINVAL, "content_type: send application/json");
            return false;
        }
        /* The body is kept NUL-terminated; one with a NUL inside is refused,
         * and the parse takes the terminator so nothing may follow the JSON. */
        const char *end = NULL;
        if (strlen(rq->body) == rq->body_len)
            rq->json = cJSON_ParseWithLengthOpts(rq->body, rq->body_len + 1, &end, true);
        if (rq->json == NULL || !cJSON_IsObject(rq->json)) {
            set_problem(r, 422, LD_EINVAL, "body: must be one JSON object");
            return false;
        }
    }
    rq->idempotency_key = MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, "Idempotency-Key");
    if (rq->idempotency_key != NULL && (route->flags & SRV_ONCE)) {
        /* The pool reads the key after the connection is suspended: copy it. */
        rq->query_copy[0] = strdup(rq->idempotency_key);
        rq->idempotency_key = rq->query_copy[0];
    }
    return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    srv_server *srv = cls;
    request *r = *con_cls;
    if (r == NULL) {
        if ((r = request_new(srv, conn, method, url)) == NULL)
            return MHD_NO;
        atomic_fetch_add(&srv->in_flight, 1);
        *con_cls = r;
        /* An unknown route or a declared body over the cap is answered at
         * once, without reading the body. */
        if (r->rq.route == NULL)
            return queue_answer(r);
        if (r->too_large) {
            prepare(r);
            return queue_answer(r);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* Over the cap the body is read and dropped, and answered 413 at its
         * end (libmicrohttpd takes no answer in the middle of a body); one
         * that goes on past 16 caps loses its connection. */
        if (r->state == RECEIVING && !body_append(r, upload_data, *upload_data_size)) {
            r->dropped += *upload_data_size;
            if (r->dropped / 16 > r->cap)
                return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->state == ANSWERED)
        return MHD_YES;
    if (r->state == RAN || r->rq.route == NULL)
        return queue_answer(r);
    if (r->state == POOLED)
        return MHD_YES;
    if (!prepare(r))
        return queue_answer(r);
    bool hashes = r->rq.route->flags & SRV_HASH;
    if (hashes || turn_of(r) == TURN_SHARED) {
        /* Suspended before the pool can see it, so the pool's resume never
         * comes first. */
        MHD_suspend_connection(conn);
        if (!pool_enqueue(hashes ? &srv->hash_pool : &srv->write_pool, r)) {
            set_problem(r, 503, LD_EINTERNAL,
                        hashes ? "busy: too many logins waiting; retry"
                               : "busy: too many writes waiting; retry");
            r->rq.status = 503;
            r->state = RAN;
            MHD_resume_connection(conn);
        }
        return MHD_YES;
    }
    /* Writes of this server go through the committer's batches (one writer
     * connection: SQLite lets one connection write at a time, and a
     * connection that finds the lock taken sleeps in its busy handler) and
     * take turns around it (turn_of). Reads (GET) run beside them on WAL
     * snapshots. */
    execute_in_turn(srv, r, turn_of(r), NULL);
    return queue_answer(r);
}

/* Appends text as it is (the line's fixed parts). */
static void put_text(char *buf, size_t size, size_t *used, const char *text)
{
    size_t n = strlen(text);
    if (n > size - 1 - *used)
        n = size - 1 - *used;
    memcpy(buf + *used, text, n);
    *used += n;
    buf[*used] = '\0';
}

/* The log's time of the current second, "YYYY-MM-DDTHH:MM:SSZ", formatted
 * once per second per thread. */
static const char *log_time(void)
{
    static _Thread_local time_t second = -1;
    static _Thread_local char text[32];
    time_t wall = time(NULL);
    if (wall != second) {
        struct tm tm;
        gmtime_r(&wall, &tm);
        if (strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
            text[0] = '\0';
        second = wall;
    }
    return text;
}

/* Writes the request's log line: no password, token or identity number is
 * ever in it (the route's pattern stands for the path). Built by appending,
 * not by a formatted print: it is written for every request. */
static void log_request(srv_server *srv, request *r, enum MHD_RequestTerminationCode toe)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long micros = (long long)(now.tv_sec - r->started.tv_sec) * 1000000 +
                       (now.tv_nsec - r->started.tv_nsec) / 1000;
    char line[1024];
    size_t used = 0;
    put_text(line, sizeof line, &used, "{\"time\":\"");
    put_text(line, sizeof line, &used, log_time());
    put_text(line, sizeof line, &used, "\",\"request_id\":\"");
    ld_json_escape(line, sizeof line, &used, r->request_id);
    put_text(line, sizeof line, &used, "\",\"user\":\"");
    ld_json_escape(line, sizeof line, &used, r->rq.username);
    put_text(line, sizeof line, &used, "\",\"method\":\"");
    ld_json_escape(line, sizeof line, &used, r->rq.method);
    put_text(line, sizeof line, &used, "\",\"route\":\"");
    ld_json_escape(line, sizeof line, &used, r->route_name);
    put_text(line, sizeof line, &used, "\",\"status\":");
    char number[24];
    srv_decimal(r->rq.status, number);
    put_text(line, sizeof line, &used, number);
    put_text(line, sizeof line, &used, ",\"duration_us\":");
    srv_decimal(micros, number);
    put_text(line, sizeof line, &used, number);
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        put_text(line, sizeof line, &used,
                 ",\"ended\":\"connection closed before the answer was sent\"");
    put_text(line, sizeof line, &used, "}\n");
    srv_log_write(srv->log, line, used);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    srv_server *srv = cls;
    request *r = *con_cls;
    if (r == NULL)
        return;
    if (r->rq.status == 0)
        r->rq.status = 499;
    log_request(srv, r, toe);
    free(r->rq.body);
    cJSON_Delete(r->rq.json);
    cJSON_Delete(r->rq.result);
    free(r->rq.raw);
    free(r->file.data);
    for (size_t i = 0; i < sizeof r->rq.query_copy / sizeof r->rq.query_copy[0]; i++)
        free(r->rq.query_copy[i]);
    finish_session(&r->rq);
    if (r->rq.text.size > SPARE_TEXT_MAX)
        ld_text_free(&r->rq.text); /* a rare large answer's memory is not kept */
    pthread_mutex_lock(&srv->spare_lock);
    if (srv->spare_count < SPARE_REQUESTS_MAX) {
        r->next_job = srv->spare;
        srv->spare = r;
        srv->spare_count++;
        r = NULL;
    }
    pthread_mutex_unlock(&srv->spare_lock);
    if (r != NULL)
        ld_text_free(&r->rq.text);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- Starting and stopping ------------------------------------------------- */

/* "HOST:PORT" or "[V6]:PORT" into a socket address. */
static ld_status parse_listen(const char *text, struct sockaddr_storage *out, socklen_t *len,
                              ld_error *err)
{
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(text, ':');
    if (colon == NULL || colon == text || (size_t)(colon - text) >= sizeof host)
        return srv_fail_plain(err, LD_EUSAGE, "--listen: give HOST:PORT (127.0.0.1:8080)");
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *end = NULL;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno != 0 || end == colon + 1 || *end != '\0' || port < 0 || port > 65535)
        return srv_fail_plain(err, LD_EUSAGE, "--listen: the port must be 0 to 65535");
    memset(out, 0, sizeof *out);
    size_t hl = strlen(host);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
            return srv_fail_plain(err, LD_EUSAGE, "--listen: %s is not an IPv6 address", host + 1);
        *len = sizeof *in6;
        return LD_OK;
    }
    struct sockaddr_in *in = (struct sockaddr_in *)out;
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
        return srv_fail_plain(err, LD_EUSAGE, "--listen: %s is not an IPv4 address", host);
    *len = sizeof *in;
    return LD_OK;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    srv_server *srv = cls;
    char message[512];
    vsnprintf(message, sizeof message, fmt, ap);
    message[strcspn(message, "\n")] = '\0';
    cJSON *line = cJSON_CreateObject();
    cJSON_AddStringToObject(line, "level", "http");
    cJSON_AddStringToObject(line, "message", message);
    char *text = cJSON_PrintUnformatted(line);
    cJSON_Delete(line);
    char out[700];
    int n = snprintf(out, sizeof out, "%s\n", text != NULL ? text : "{}");
    free(text);
    if (n < 0)
        return;
    if (n >= (int)sizeof out) {
        n = (int)sizeof out - 1;
        out[n - 1] = '\n'; /* cut, still one line */
    }
    srv_log_write(srv->log, out, (size_t)n);
}

static ld_status make_dirs(srv_server *srv, ld_error *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(srv->work_dir, sizeof srv->work_dir, "%s/loandesk-serve-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(srv->work_dir) == NULL)
        return srv_fail_plain(err, LD_EINTERNAL, "cannot make a temporary folder: %s",
                              strerror(errno));
    srv->own_work_dir = true;
    if (srv->options.reports_dir != NULL) {
        snprintf(srv->reports_dir, sizeof srv->reports_dir, "%s", srv->options.reports_dir);
        if (mkdir(srv->reports_dir, 0700) != 0 && errno != EEXIST)
            return srv_fail_plain(err, LD_EINTERNAL, "--reports-dir: %s", strerror(errno));
    } else {
        snprintf(srv->reports_dir, sizeof srv->reports_dir, "%s/reports", srv->work_dir);
        if (mkdir(srv->reports_dir, 0700) != 0)
            return srv_fail_plain(err, LD_EINTERNAL, "cannot make the reports folder: %s",
                                  strerror(errno));
    }
    return LD_OK;
}

static void wait_for_requests(srv_server *srv)
{
    for (int waited = 0; waited < SHUTDOWN_WAIT_SECONDS * 20; waited++) {
        if (atomic_load(&srv->in_flight) == 0)
            return;
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static void stop_pools(srv_server *srv)
{
    pool_stop(&srv->hash_pool);
    pool_stop(&srv->write_pool);
}

static void server_free(srv_server *srv)
{
    ld_committer_stop(srv->committer);
    ld_api_close(srv->writer);
    for (int i = 0; i < srv->api_count; i++)
        ld_api_close(srv->apis[i]);
    if (srv->own_work_dir) {
        if (srv->options.reports_dir == NULL)
            srv_remove_tree(srv->reports_dir);
        srv_remove_dir(srv->work_dir);
    }
    while (srv->spare != NULL) {
        request *next = srv->spare->next_job;
        ld_text_free(&srv->spare->rq.text);
        free(srv->spare);
        srv->spare = next;
    }
    pthread_mutex_destroy(&srv->spare_lock);
    srv_log_stop(srv->log);
    pthread_rwlock_destroy(&srv->write_turn);
    pthread_mutex_destroy(&srv->turn_gate);
    pthread_mutex_destroy(&srv->api_lock);
    pool_destroy(&srv->hash_pool);
    pool_destroy(&srv->write_pool);
    for (int i = 0; i < WRITE_CONNECTIONS; i++)
        pthread_mutex_destroy(&srv->write_slots[i].lock);
    free(srv);
}

ld_status server_run(const server_options *options, ld_error *err)
{
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    ld_status st = parse_listen(options->listen != NULL ? options->listen : "127.0.0.1:8080", &addr,
                                &addr_len, err);
    if (st != LD_OK)
        return st;
    /* The database must exist and open before anything listens. */
    ld_api *probe = NULL;
    if ((st = ld_api_open(options->db_path, options->clock, &probe, err)) != LD_OK)
        return st;
    srv_server *srv = calloc(1, sizeof *srv);
    if (srv == NULL) {
        ld_api_close(probe);
        return srv_fail_plain(err, LD_EINTERNAL, "out of memory");
    }
    srv->options = *options;
    if (srv->options.threads <= 0)
        srv->options.threads = 4;
    if (srv->options.body_max == 0)
        srv->options.body_max = 1u << 20;
    if (srv->options.import_max == 0)
        srv->options.import_max = 64u << 20;
    if (srv->options.per_client == 0)
        srv->options.per_client = 128;
    if (srv->options.timeout_seconds == 0)
        srv->options.timeout_seconds = 15;
    if (!srv_random_hex(8, id_prefix))
        snprintf(id_prefix, sizeof id_prefix, "0000000000000000");
    srv->log = srv_log_start(STDERR_FILENO);
    pthread_rwlock_init(&srv->write_turn, NULL);
    pthread_mutex_init(&srv->turn_gate, NULL);
    pthread_mutex_init(&srv->api_lock, NULL);
    pthread_mutex_init(&srv->spare_lock, NULL);
    pool_init(&srv->hash_pool, srv, true, HASH_QUEUE_MAX);
    pool_init(&srv->write_pool, srv, false, WRITE_QUEUE_MAX);
    /* The connection that showed the book opens becomes the committer's
     * writer. */
    srv->writer = probe;
    if ((st = ld_committer_start(srv->writer, &srv->committer, err)) != LD_OK ||
        (st = make_dirs(srv, err)) != LD_OK) {
        server_free(srv);
        return st;
    }
    /* Every thread started from here inherits the blocked signals, so only
     * sigwait below sees them. */
    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
    signal(SIGPIPE, SIG_IGN);
    /* Hashing gets all request threads but one, at least one: a login storm
     * keeps one thread (and one core) for everything else. */
    int hashers = srv->options.threads - 1;
    hashers = hashers < 1 ? 1 : hashers > 16 ? 16 : hashers;
    pool_start(&srv->hash_pool, hashers, false);
    write_slots_open(srv);
    pool_start(&srv->write_pool, WRITE_THREADS, true);
    srv->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG | MHD_USE_TURBO,
        0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)srv->options.threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, srv->options.per_client, MHD_OPTION_CONNECTION_TIMEOUT,
        srv->options.timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        srv, MHD_OPTION_END);
    if (srv->daemon == NULL) {
        stop_pools(srv);
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
        server_free(srv);
        return srv_fail_plain(err, LD_EINTERNAL, "cannot listen on %s (in use, or not allowed)",
                              options->listen != NULL ? options->listen : "127.0.0.1:8080");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[INET6_ADDRSTRLEN + 2] = "127.0.0.1";
    if (addr.ss_family == AF_INET6) {
        char v6[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr)->sin6_addr, v6, sizeof v6);
        snprintf(host, sizeof host, "[%s]", v6);
    } else {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&addr)->sin_addr, host, sizeof host);
    }
    char url[128];
    snprintf(url, sizeof url, "http://%s:%u", host, info != NULL ? info->port : 0);
    if (srv->options.ready != NULL)
        srv->options.ready(url, srv->options.ready_context);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    /* Stop taking connections, answer what is in flight, then stop. */
    MHD_socket listener = MHD_quiesce_daemon(srv->daemon);
    wait_for_requests(srv);
    stop_pools(srv);
    MHD_stop_daemon(srv->daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    char stopped[96];
    int n = snprintf(stopped, sizeof stopped,
                     "{\"level\":\"info\",\"message\":\"stopped on signal %d\"}\n", sig);
    srv_log_write(srv->log, stopped, (size_t)n);
    server_free(srv);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return LD_OK;
}
