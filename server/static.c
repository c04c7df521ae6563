/*
 * static.c - the web UI's files (web/) for `loandesk serve`: a path outside
 * /api/ is looked up under the web folder and answered with its content type.
 * Only plain names are served (letters, digits, '.', '_', '-' in each part,
 * none starting with '.'), so "..", hidden files and encoded tricks are
 * refused before the file system is asked; the resolved path must still lie
 * inside the folder, so a symbolic link cannot lead out of it. Files of an
 * unknown kind are not served at all.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "server_private.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STATIC_MAX (4u << 20)

static const struct {
    const char *ext;
    const char *type;
} kinds[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(dot, kinds[i].ext) == 0)
            return kinds[i].type;
    return NULL;
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

int srv_static_load(const char *web_dir, const char *url, srv_static_file *out)
{
    memset(out, 0, sizeof *out);
    if (web_dir == NULL || url == NULL || url[0] != '/')
        return 404;
    const char *rel = strcmp(url, "/") == 0 ? "index.html" : url + 1;
    if (strlen(rel) > 200 || !plain_path(rel) || (out->type = type_of(rel)) == NULL)
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
    snprintf(out->etag, sizeof out->etag, "\"%.32s\"", digest);
    return 200;
}
