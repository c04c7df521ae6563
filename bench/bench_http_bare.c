/*
 * bench_http_bare.c - the baseline of the HTTP benchmark: libmicrohttpd with
 * the daemon options `loandesk serve` uses (thread pool, epoll, the same
 * limits) and a handler that answers every request with a fixed JSON body of
 * the size of one application. What the loandesk server adds on top of this
 * (session resume, the operation, JSON, the log line) is the difference.
 *
 *   bench_http_bare PORT THREADS   (serves until SIGINT or SIGTERM)
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char body[1400];

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)cls, (void)url, (void)method, (void)version, (void)upload, (void)upload_size;
    if (*state == NULL) {
        *state = conn;
        return MHD_YES;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_http_bare PORT THREADS\n");
        return 1;
    }
    unsigned port = (unsigned)strtoul(argv[1], NULL, 10);
    unsigned threads = (unsigned)strtoul(argv[2], NULL, 10);
    size_t used = (size_t)snprintf(body, sizeof body, "{\"id\":1,\"purpose\":\"");
    while (used + 3 < sizeof body)
        body[used++] = 'x';
    memcpy(body + used, "\"}", 3);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO, (uint16_t)port, NULL, NULL,
        answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)1024, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)128,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "bench_http_bare: cannot listen on %u\n", port);
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    return 0;
}
