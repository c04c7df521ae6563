/*
 * util.c - small services of the HTTP server: digests and random text
 * (OpenSSL stays in this file), ETags and CSRF tokens, private files and
 * folders for the operations that read or write files.
 */
#include "server_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ld_status srv_fail_plain(ld_error *err, ld_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->code = code;
    err->file = __FILE__;
    err->line = __LINE__;
    return code;
}

static void hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* SHA-256 fetched once per process (see core/digest.c for why), and a
 * digest context per thread, kept for the thread's life: every answer with
 * an ETag is digested, and EVP_Digest makes and frees a context each time. */
static EVP_MD *sha256_fetched;
static pthread_key_t sha256_context;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void context_free(void *context)
{
    EVP_MD_CTX_free(context);
}

static void sha256_fetch(void)
{
    sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (pthread_key_create(&sha256_context, context_free) != 0)
        sha256_fetched = NULL; /* without a key, EVP_Digest with its own context */
}

void srv_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char digest[32];
    unsigned int n = 0;
    pthread_once(&sha256_once, sha256_fetch);
    EVP_MD_CTX *context = NULL;
    if (sha256_fetched != NULL && (context = pthread_getspecific(sha256_context)) == NULL &&
        (context = EVP_MD_CTX_new()) != NULL && pthread_setspecific(sha256_context, context) != 0) {
        EVP_MD_CTX_free(context);
        context = NULL;
    }
    bool ok = context != NULL ? EVP_DigestInit_ex(context, sha256_fetched, NULL) == 1 &&
                                    EVP_DigestUpdate(context, data, len) == 1 &&
                                    EVP_DigestFinal_ex(context, digest, &n) == 1
                              : EVP_Digest(data, len, digest, &n, EVP_sha256(), NULL) == 1;
    if (!ok || n != 32) {
        memset(out, '0', 64);
        out[64] = '\0';
        return;
    }
    hex(digest, 32, out);
}

bool srv_random_hex(size_t n, char *out)
{
    unsigned char bytes[64];
    if (n > sizeof bytes || RAND_bytes(bytes, (int)n) != 1)
        return false;
    hex(bytes, n, out);
    return true;
}

void srv_etag_of(const cJSON *value, char out[40])
{
    size_t len = 0;
    char *text = srv_json_print(value, &len);
    char digest[65];
    srv_sha256_hex(text != NULL ? text : "", text != NULL ? len : 0, digest);
    free(text);
    snprintf(out, 40, "\"%.32s\"", digest);
}

void srv_csrf_token(const char *session_token, char out[65])
{
    char text[128];
    int n = snprintf(text, sizeof text, "loandesk-csrf:%s", session_token);
    srv_sha256_hex(text, (size_t)n, out);
}

ld_status srv_read_file(const char *path, size_t max, char **out, size_t *out_len, ld_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return srv_fail_plain(err, errno == ENOENT ? LD_ENOTFOUND : LD_EINTERNAL,
                              "file: cannot read it (%s)", strerror(errno));
    char *data = NULL;
    size_t len = 0, size = 0;
    ld_status st = LD_OK;
    for (;;) {
        if (len == size) {
            size = size == 0 ? 65536 : size * 2;
            char *grown = realloc(data, size + 1);
            if (grown == NULL) {
                st = srv_fail_plain(err, LD_EINTERNAL, "out of memory");
                break;
            }
            data = grown;
        }
        size_t got = fread(data + len, 1, size - len, f);
        len += got;
        if (len > max) {
            st = srv_fail_plain(err, LD_EINTERNAL, "file: larger than %zu bytes", max);
            break;
        }
        if (got == 0)
            break;
    }
    if (st == LD_OK && ferror(f))
        st = srv_fail_plain(err, LD_EINTERNAL, "file: read error");
    fclose(f);
    if (st != LD_OK) {
        free(data);
        return st;
    }
    if (data == NULL && (data = malloc(1)) == NULL)
        return srv_fail_plain(err, LD_EINTERNAL, "out of memory");
    data[len] = '\0';
    *out = data;
    *out_len = len;
    return LD_OK;
}

ld_status srv_write_file(const char *path, const void *data, size_t len, ld_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return srv_fail_plain(err, LD_EINTERNAL, "cannot write a temporary file: %s",
                              strerror(errno));
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            unlink(path);
            return srv_fail_plain(err, LD_EINTERNAL, "cannot write a temporary file");
        }
        p += n;
        left -= (size_t)n;
    }
    if (close(fd) != 0)
        return srv_fail_plain(err, LD_EINTERNAL, "cannot write a temporary file");
    return LD_OK;
}

static void remove_entries(const char *dir, bool folders)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (folders)
                srv_remove_dir(path);
        } else {
            unlink(path);
        }
    }
    closedir(d);
}

void srv_remove_dir(const char *dir)
{
    remove_entries(dir, false);
    rmdir(dir);
}

void srv_remove_tree(const char *dir)
{
    remove_entries(dir, true);
    rmdir(dir);
}

/* The quality of one Accept-Language item ("zh-CN;q=0.8"): 1000 without a
 * q, thousandths otherwise; -1 when malformed. */
static int language_quality(const char *item, size_t n)
{
    const char *q = NULL;
    for (size_t i = 0; i + 2 < n; i++)
        if (item[i] == ';' && (item[i + 1] == 'q' || item[i + 1] == 'Q') && item[i + 2] == '=')
            q = item + i + 3;
    if (q == NULL)
        return 1000;
    int value = 0, digits = 0;
    const char *end = item + n;
    if (q < end && *q == '1')
        return 1000;
    if (q >= end || *q != '0')
        return -1;
    q++;
    if (q < end && *q == '.')
        for (q++; q < end && *q >= '0' && *q <= '9' && digits < 3; q++, digits++)
            value = value * 10 + (*q - '0');
    while (digits++ < 3)
        value *= 10;
    return value;
}

bool srv_wants_zh(srv_request *rq)
{
    const char *header = srv_query_header(rq, "Accept-Language");
    if (header == NULL)
        return false;
    int best = 0;
    bool zh = false;
    for (const char *p = header; *p != '\0';) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        if (n == 0)
            break;
        int quality = language_quality(p, n);
        if (quality > best) {
            best = quality;
            zh = n >= 2 && (p[0] == 'z' || p[0] == 'Z') && (p[1] == 'h' || p[1] == 'H') &&
                 (n == 2 || p[2] == '-' || p[2] == ';' || p[2] == '_');
        }
        p += n;
    }
    return zh;
}
