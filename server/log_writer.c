/*
 * log_writer.c - the server's log (server_private.h, srv_log_*): request
 * threads append whole lines to a buffer under a lock, and one thread of
 * its own writes what has gathered with one write(2) at a time.
 *
 * Writing each line with an unbuffered write of its own cost a system call
 * per request on the request's thread; here a request only copies its line.
 * Invariants: a line is never split or interleaved with another (it is
 * copied whole under the lock); lines leave in the order they were
 * appended; the writer is woken by the first line after it went idle and
 * lets lines gather for LOG_GATHER_NS before it writes them, so a line
 * reaches the file within that time, and a busy server pays one wake-up
 * and one write per that span rather than per request; the
 * buffer never grows past LOG_BUFFER_MAX (a line that does not fit waits
 * for the writer, and one larger than the buffer is written directly);
 * srv_log_stop writes everything appended before it.
 */
#include "server_private.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_BUFFER_MAX (256 * 1024)
#define LOG_GATHER_NS  (5 * 1000 * 1000)

struct srv_log {
    int fd;
    pthread_mutex_t lock;
    pthread_cond_t wake;    /* lines to write, or stop */
    pthread_cond_t drained; /* the writer took the buffer */
    char *buffer;           /* lines appended, not yet taken */
    size_t used;
    char *spare; /* the other buffer: the one being written */
    bool stop;
    bool idle; /* the writer waits for a line: the next one wakes it */
    pthread_t thread;
    bool started;
};

/* Writes all of data (a short write is continued; an error drops the rest:
 * a log that cannot be written must not stop the server). */
static void write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

static void *log_main(void *arg)
{
    srv_log *log = arg;
    pthread_mutex_lock(&log->lock);
    for (;;) {
        while (log->used == 0 && !log->stop) {
            log->idle = true;
            pthread_cond_wait(&log->wake, &log->lock);
            log->idle = false;
        }
        if (log->used == 0)
            break;
        if (!log->stop) {
            /* Let the lines of the next few milliseconds join this one. */
            pthread_mutex_unlock(&log->lock);
            struct timespec gather = {0, LOG_GATHER_NS};
            nanosleep(&gather, NULL);
            pthread_mutex_lock(&log->lock);
        }
        /* Take the buffer and give the spare: appending goes on while this
         * one is written. */
        char *full = log->buffer;
        size_t len = log->used;
        log->buffer = log->spare;
        log->used = 0;
        log->spare = NULL;
        pthread_cond_broadcast(&log->drained);
        pthread_mutex_unlock(&log->lock);
        write_all(log->fd, full, len);
        pthread_mutex_lock(&log->lock);
        log->spare = full;
    }
    pthread_mutex_unlock(&log->lock);
    return NULL;
}

srv_log *srv_log_start(int fd)
{
    srv_log *log = calloc(1, sizeof *log);
    if (log == NULL)
        return NULL;
    log->fd = fd;
    log->buffer = malloc(LOG_BUFFER_MAX);
    log->spare = malloc(LOG_BUFFER_MAX);
    pthread_mutex_init(&log->lock, NULL);
    pthread_cond_init(&log->wake, NULL);
    pthread_cond_init(&log->drained, NULL);
    if (log->buffer != NULL && log->spare != NULL &&
        pthread_create(&log->thread, NULL, log_main, log) == 0)
        log->started = true;
    return log;
}

void srv_log_write(srv_log *log, const char *line, size_t len)
{
    if (log == NULL || !log->started || len > LOG_BUFFER_MAX) {
        /* No writer (it could not start), or a line larger than the whole
         * buffer: written at once, still whole under the lock. */
        if (log != NULL)
            pthread_mutex_lock(&log->lock);
        write_all(log != NULL ? log->fd : STDERR_FILENO, line, len);
        if (log != NULL)
            pthread_mutex_unlock(&log->lock);
        return;
    }
    pthread_mutex_lock(&log->lock);
    while (LOG_BUFFER_MAX - log->used < len)
        pthread_cond_wait(&log->drained, &log->lock);
    memcpy(log->buffer + log->used, line, len);
    log->used += len;
    if (log->idle) {
        log->idle = false; /* one wake-up is enough */
        pthread_cond_signal(&log->wake);
    }
    pthread_mutex_unlock(&log->lock);
}

void srv_log_stop(srv_log *log)
{
    if (log == NULL)
        return;
    if (log->started) {
        pthread_mutex_lock(&log->lock);
        log->stop = true;
        pthread_cond_signal(&log->wake);
        pthread_mutex_unlock(&log->lock);
        pthread_join(log->thread, NULL);
    }
    pthread_mutex_destroy(&log->lock);
    pthread_cond_destroy(&log->wake);
    pthread_cond_destroy(&log->drained);
    free(log->buffer);
    free(log->spare);
    free(log);
}
