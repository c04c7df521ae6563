/*
 * static.c - the web UI's files (web/) for `loandesk serve`: a path outside
 * /api/ is looked up under the web folder and answered with its content type.
 * Only plain names are served (letters, digits, '.', '_', '-' in each part,
 * none starting with '.'), so "..", hidden files and encoded tricks are
 * refused before the file system is asked; the resolved path must still lie
 * inside the folder, so a symbolic link cannot lead out of it. Files of an
 * unknown kind are not served at all.
 *
 * Text files (pages, scripts, styles) go gzip-compressed to a client that
 * accepts it: a third of the bytes, compressed once per version of the file
 * (a small cache keyed by the file's SHA-256) rather than on every request.
 * The compressed answer has its own ETag (the file's with "-gz").
 */
#define _DEFAULT_SOURCE /* realpath */
#include "server_private.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#define STATIC_MAX (4u << 20)

static const struct {
    const char *ext;
    const char *type;
    bool text; /* worth compressing */
} kinds[] = {
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".svg", "image/svg+xml", true},
    {".png", "image/png", false},
    {".ico", "image/x-icon", false},
    {".json", "application/json", true},
    {".woff2", "font/woff2", false},
    {".txt", "text/plain; charset=utf-8", true},
};

static const char *type_of(const char *name, bool *text)
{
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(dot, kinds[i].ext) == 0) {
            *text = kinds[i].text;
            return kinds[i].type;
        }
    }
    return NULL;
}

/* ---- Compressed copies ------------------------------------------------------ */

#define GZ_CACHE 32

static struct gz_entry {
    char digest[65];
    unsigned char *data;
    size_t len;
} gz_cache[GZ_CACHE];
static unsigned gz_next;
static pthread_mutex_t gz_lock = PTHREAD_MUTEX_INITIALIZER;

/* data gzip-compressed (level 9) into a new buffer, or NULL. */
static unsigned char *gzip_bytes(const char *data, size_t len, size_t *out_len)
{
    z_stream z = {0};
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    uLong bound = deflateBound(&z, (uLong)len);
    unsigned char *out = malloc(bound);
    if (out != NULL) {
        z.next_in = (Bytef *)(uintptr_t)data;
        z.avail_in = (uInt)len;
        z.next_out = out;
        z.avail_out = (uInt)bound;
        if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
            *out_len = z.total_out;
        } else {
            free(out);
            out = NULL;
        }
    }
    deflateEnd(&z);
    return out;
}

/* Replaces file's bytes with their gzip form (from the cache when this
 * version was compressed before); false leaves the file as it was. */
static bool gzip_file(srv_static_file *file, const char *digest)
{
    unsigned char *copy = NULL;
    size_t len = 0;
    pthread_mutex_lock(&gz_lock);
    for (int i = 0; i < GZ_CACHE; i++) {
        if (gz_cache[i].data != NULL && strcmp(gz_cache[i].digest, digest) == 0) {
            if ((copy = malloc(gz_cache[i].len)) != NULL) {
                memcpy(copy, gz_cache[i].data, gz_cache[i].len);
                len = gz_cache[i].len;
            }
            break;
        }
    }
    pthread_mutex_unlock(&gz_lock);
    if (copy == NULL) {
        unsigned char *made = gzip_bytes(file->data, file->len, &len);
        if (made == NULL || len >= file->len || (copy = malloc(len)) == NULL) {
            free(made);
            return false;
        }
        memcpy(copy, made, len);
        pthread_mutex_lock(&gz_lock);
        struct gz_entry *slot = &gz_cache[gz_next++ % GZ_CACHE];
        free(slot->data);
        snprintf(slot->digest, sizeof slot->digest, "%s", digest);
        slot->data = made; /* now owned by the cache */
        slot->len = len;
        pthread_mutex_unlock(&gz_lock);
    }
    free(file->data);
    file->data = (char *)copy;
    file->len = len;
    file->gzip = true;
    return true;
}

/* Whether an Accept-Encoding value admits gzip: "gzip" or "*" named
 * without q=0 (RFC 9110 section 12.5.3). */
bool srv_accepts_gzip(const char *accept_encoding)
{
    for (const char *p = accept_encoding; p != NULL && *p != '\0';) {
        while (*p == ' ' || *p == ',')
            p++;
        size_t n = strcspn(p, ",");
        char item[64];
        snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), p);
        p += n;
        size_t name = strcspn(item, " ;");
        bool gzip =
            (name == 4 && strncasecmp(item, "gzip", 4) == 0) || (name == 1 && item[0] == '*');
        if (!gzip)
            continue;
        const char *q = strstr(item + name, "q=");
        /* q=0, q=0.0, q=0.000: refused; any other weight admits it */
        return q == NULL || strspn(q + 2, "0.") != strlen(q + 2) || q[2] == '\0';
    }
    return false;
}

/* Whether every part of the path is a plain name. */
static bool plain_path(const char *path)
{
    bool part_start = true;
    for (const char *p = path; *p != '\0'; p++) {
        char c = *p;
        if (c == '/') {
            if (part_start)
                return false; /* "//" or a trailing part that is empty */
            part_start = true;
            continue;
        }
        if (part_start && c == '.')
            return false; /* "..", ".", hidden files */
        part_start = false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return !part_start;
}

int srv_static_load(const char *web_dir, const char *url, bool gzip, srv_static_file *out)
{
    memset(out, 0, sizeof *out);
    if (web_dir == NULL || url == NULL || url[0] != '/')
        return 404;
    const char *rel = strcmp(url, "/") == 0 ? "index.html" : url + 1;
    bool text = false;
    if (strlen(rel) > 200 || !plain_path(rel) || (out->type = type_of(rel, &text)) == NULL)
        return 404;
    char root[PATH_MAX], joined[PATH_MAX], real[PATH_MAX];
    if (realpath(web_dir, root) == NULL)
        return 404;
    int n = snprintf(joined, sizeof joined, "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= sizeof joined || realpath(joined, real) == NULL)
        return 404;
    size_t rl = strlen(root);
    if (strncmp(real, root, rl) != 0 || real[rl] != '/')
        return 404;
    struct stat st;
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > STATIC_MAX)
        return 404;
    ld_error err;
    if (srv_read_file(real, STATIC_MAX, &out->data, &out->len, &err) != LD_OK)
        return 404;
    char digest[65];
    srv_sha256_hex(out->data, out->len, digest);
    if (gzip && text && gzip_file(out, digest))
        snprintf(out->etag, sizeof out->etag, "\"%.32s-gz\"", digest);
    else
        snprintf(out->etag, sizeof out->etag, "\"%.32s\"", digest);
    return 200;
}
