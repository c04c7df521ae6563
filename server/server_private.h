/*
 * server_private.h - what the files of the HTTP server share: the request a
 * handler works on, the route table, and the helpers handlers use to read
 * parameters and answer.
 *
 * A request goes through these states (http.c): RECEIVING (headers parsed,
 * the body arriving, counted against its route's cap), then either run on
 * the connection's own thread, or POOLED on the password pool or the write
 * pool (the connection suspended until the pool has RAN it and resumes it),
 * then ANSWERED (the response queued) and finally logged when libmicrohttpd
 * reports the connection's request completed.
 */
#ifndef LD_SERVER_INT_H
#define LD_SERVER_INT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loandesk/loandesk.h"
#include "server.h"

struct MHD_Connection;
typedef struct srv_server srv_server;

#define SRV_PARAMS_MAX 3

typedef struct srv_request srv_request;
typedef ld_status (*srv_handler)(srv_request *rq);

enum srv_route_flags {
    SRV_PUBLIC = 1u << 0,   /* no session needed */
    SRV_HASH = 1u << 1,     /* runs PBKDF2 or unlocks a key: on the password pool */
    SRV_LARGE = 1u << 2,    /* the import's body cap */
    SRV_ONCE = 1u << 3,     /* a POST whose Idempotency-Key is honoured */
    SRV_IF_MATCH = 1u << 4, /* an update checked against If-Match */
    SRV_RAW_BODY = 1u << 5, /* the body is not JSON (an import's JSON Lines) */
};

typedef struct srv_route {
    const char *method;
    const char *pattern; /* "/api/v1/applications/{id}" */
    srv_handler handler;
    unsigned flags;
    int ok_status;       /* 200 or 201 */
    const char *summary; /* for the OpenAPI document */
    const char *query;   /* query parameters, comma-separated; NULL: none */
    const char *body;    /* body fields, comma-separated ("" for an object as the CLI's --json
                            file; NULL: no body) */
    void (*present)(srv_request *rq); /* shapes the answer, fresh or replayed; may be NULL */
} srv_route;

/* Where every route's pattern begins, then a lower-case letter. */
#define SRV_API_PREFIX "/api/v1/"

extern const srv_route srv_routes[];
extern const size_t srv_route_count;

/* The route for method and path, with its parameters; NULL when no pattern
 * matches (*method_known tells whether another method would). */
const srv_route *srv_route_match(const char *method, const char *path,
                                 char params[SRV_PARAMS_MAX][130], int *param_count,
                                 bool *method_known);

struct srv_request {
    srv_server *srv;
    struct MHD_Connection *conn;
    const srv_route *route;
    char method[12];
    char params[SRV_PARAMS_MAX][130];
    int param_count;
    char *body;
    size_t body_len;
    cJSON *json; /* the body parsed (an object), NULL for none */
    ld_api *api;
    ld_session *session;
    char token[LD_SESSION_TOKEN_MAX];
    bool cookie_auth;
    char username[64];
    const char *idempotency_key;
    char *query_copy[8]; /* query values copied before the pool takes the request */
    /* The answer. */
    int status;
    cJSON *result;
    char *raw; /* a file's bytes instead of JSON */
    size_t raw_len;
    const char *raw_type;
    char raw_name[96];
    /* JSON text the operations API wrote (srv_answer_text); its memory is
     * kept with the request from one use to the next (http.c). */
    ld_text text;
    bool text_answer;
    char etag[40];
    bool etag_of_answer; /* the ETag is the digest of the answer's own bytes */
    char set_cookie[256];
    ld_error err;
};

/* Answers rq->text (JSON the operations API wrote) with its ETag: its
 * bytes, or when a string in it may name a path of the server, its tree,
 * scrubbed like any other answer. */
ld_status srv_answer_text(srv_request *rq);

/* Replaces, in every string of value, a path inside the server's folders by
 * its file name: no answer names a path on the server. */
void srv_scrub_paths(const srv_server *srv, cJSON *value);

/* Request header name (NULL when absent). */
const char *srv_query_header(srv_request *rq, const char *name);

/* Whether the client's Accept-Language ranks Chinese ("zh", "zh-CN", ...)
 * above every other language it names (RFC 9110 quality values; equal
 * values keep the order written). */
bool srv_wants_zh(srv_request *rq);

/* Query parameter name (NULL when absent or empty). */
const char *srv_query(srv_request *rq, const char *name);

/* ---- Helpers for handlers (routes.c) ---- */

/* Path parameter i as a positive record id named what. */
ld_status srv_param_id(srv_request *rq, int i, const char *what, int64_t *out);
/* A body member as a string: NULL when absent; LD_EINVAL naming it when not a string. */
ld_status srv_body_text(srv_request *rq, const char *name, const char **out);
/* Fails with code and a message naming the field. */
ld_status srv_fail(srv_request *rq, ld_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fails err with code and a formatted message (no request at hand). */
ld_status srv_fail_plain(ld_error *err, ld_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Takes (true) or gives back (false) the server's write turn alone: no other
 * write runs meanwhile (http.c, turn_of). */
void srv_write_turn(srv_server *srv, bool take);

/* The server's private folder for temporary files and workbooks. */
const char *srv_work_dir(const srv_server *srv);
const char *srv_reports_dir(const srv_server *srv);

/* The SHA-256 of data as 64 hex characters. */
void srv_sha256_hex(const void *data, size_t len, char out[65]);
/* n random bytes as 2n hex characters into out (2n+1 bytes); false on failure. */
bool srv_random_hex(size_t n, char *out);

/* value as JSON text, the same bytes cJSON_PrintUnformatted gives, faster
 * (json_out.c); *len_out (may be NULL) gets its length. NULL when out of
 * memory or value holds an item cJSON would not print. The caller frees it. */
char *srv_json_print(const cJSON *value, size_t *len_out);

/* value's decimal digits into out (NUL-terminated); their count. */
size_t srv_decimal(long long value, char out[24]);

/* The ETag of a representation: a quoted prefix of its SHA-256. */
void srv_etag_of(const cJSON *value, char out[40]);

/* The CSRF token of a session token (a digest no one without the token can
 * compute). */
void srv_csrf_token(const char *session_token, char out[65]);

/* A tar archive (ustar) of the regular files in dir, sorted by name. */
ld_status srv_tar_dir(const char *dir, char **out, size_t *out_len, ld_error *err);

/* Removes dir and the files in it (one level); srv_remove_tree also the
 * folders in it, one level down. */
void srv_remove_dir(const char *dir);
void srv_remove_tree(const char *dir);

/* Reads the whole file at path (at most max bytes). */
ld_status srv_read_file(const char *path, size_t max, char **out, size_t *out_len, ld_error *err);
/* A file of the web UI (static.c). */
typedef struct srv_static_file {
    char *data; /* the caller frees it */
    size_t len;
    const char *type;
    char etag[40];
    bool gzip; /* data is the file gzip-compressed */
} srv_static_file;

/* Looks url up under web_dir: 200 with the file, or 404 when there is no
 * such plain file of a served kind inside the folder ("/" is index.html).
 * With gzip, a text file comes compressed (out->gzip) when that is smaller. */
int srv_static_load(const char *web_dir, const char *url, bool gzip, srv_static_file *out);

/* Whether a request's Accept-Encoding (may be NULL) admits gzip. */
bool srv_accepts_gzip(const char *accept_encoding);

/* The server's log (log_writer.c): whole lines appended by any thread,
 * written in order by a thread of its own. srv_log_start never fails for
 * want of that thread (lines are then written at once); srv_log_stop writes
 * every line appended before it. */
typedef struct srv_log srv_log;
srv_log *srv_log_start(int fd);
/* Appends line (len bytes, ending in a newline). */
void srv_log_write(srv_log *log, const char *line, size_t len);
void srv_log_stop(srv_log *log);

/* Writes len bytes to a new private file at path. */
ld_status srv_write_file(const char *path, const void *data, size_t len, ld_error *err);

#endif
