/*
 * backup_bundle.c - the parts of a book and the container that carries them
 * (backup_bundle.h).
 */
#include "backup_bundle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "json_in.h"
#include "private_file.h"

#define BUNDLE_MAGIC  "loandesk-bundle 1\n"
#define IO_BLOCK      (1u << 20)
#define LINE_MAX_LEN  (CORE_BACKUP_PATH_MAX + 64)
#define MANIFEST_MAX  (64u << 20)
#define HEAD_LAST_MAX (64u << 10) /* SQLite's largest page */

static const char *const role_names[CORE_BACKUP_ROLE_COUNT] = {"database", "institution-key",
                                                               "documents", "workbooks"};
static const char *const role_suffix[CORE_BACKUP_ROLE_COUNT] = {"", ".institution-key",
                                                                ".documents", ".workbooks"};

const char *core_backup_role_name(core_backup_role role)
{
    return role_names[role];
}

void core_backup_beside(const char *db_path, core_backup_role role, char *out, size_t size)
{
    snprintf(out, size, "%s%s", db_path, role_suffix[role]);
}

ld_status core_backup_parts(const char *db_path, const char *key_path, bool with_key,
                            core_backup_part parts[CORE_BACKUP_ROLE_COUNT], size_t *count,
                            ld_error *err)
{
    size_t n = 0;
    for (int role = 0; role < CORE_BACKUP_ROLE_COUNT; role++) {
        core_backup_part *p = &parts[n];
        memset(p, 0, sizeof *p);
        p->role = (core_backup_role)role;
        p->name = role_names[role];
        p->is_dir = role == CORE_BACKUP_DOCUMENTS || role == CORE_BACKUP_WORKBOOKS;
        if (role == CORE_BACKUP_INSTITUTION_KEY && key_path != NULL)
            snprintf(p->path, sizeof p->path, "%s", key_path);
        else
            core_backup_beside(db_path, p->role, p->path, sizeof p->path);
        if (role == CORE_BACKUP_INSTITUTION_KEY && !with_key)
            continue;
        struct stat info;
        if (lstat(p->path, &info) != 0) {
            if (errno == ENOENT && role != CORE_BACKUP_DATABASE)
                continue;
            return LD_FAIL(err, errno == ENOENT ? LD_ENOTFOUND : LD_EINVAL, "%s: %s", p->path,
                           strerror(errno));
        }
        bool ok = p->is_dir ? S_ISDIR(info.st_mode) : S_ISREG(info.st_mode);
        if (!ok)
            return LD_FAIL(err, LD_EINVAL, "%s: the book's %s must be a %s, not a link or other",
                           p->path, p->name, p->is_dir ? "folder" : "plain file");
        n++;
    }
    *count = n;
    return LD_OK;
}

/* ---- Writing -------------------------------------------------------------- */

ld_status core_bundle_begin(core_backup_writer *w, ld_error *err)
{
    return core_backup_write(w, BUNDLE_MAGIC, strlen(BUNDLE_MAGIC), err);
}

static ld_status put_line(core_backup_writer *w, const char *fmt, const char *a, uint64_t size,
                          ld_error *err)
{
    char line[LINE_MAX_LEN];
    int n = fmt[0] == 'D' ? snprintf(line, sizeof line, "D %s\n", a)
                          : snprintf(line, sizeof line, "%c %" PRIu64 " %s\n", fmt[0], size, a);
    if (n < 0 || (size_t)n >= sizeof line)
        return LD_FAIL(err, LD_EINVAL, "%s: name too long for an archive", a);
    return core_backup_write(w, line, (size_t)n, err);
}

/* Adds {"name", "size", ["head_last",] "sha256"} to parts, the digest
 * finished from md. */
static void add_file_record(cJSON *parts, const char *name, uint64_t size, uint32_t head_last,
                            EVP_MD_CTX *md)
{
    unsigned char digest[32];
    char hex[65];
    EVP_DigestFinal_ex(md, digest, NULL);
    core_hex_encode(digest, sizeof digest, hex);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    core_json_put_int(o, "size", (int64_t)size);
    if (head_last > 0)
        core_json_put_int(o, "head_last", (int64_t)head_last);
    cJSON_AddStringToObject(o, "sha256", hex);
    cJSON_AddItemToArray(parts, o);
}

/* ---- A part as it streams ---------------------------------------------- */

struct core_bundle_stream {
    core_backup_writer *w;
    EVP_MD_CTX *md;
    char *name;
    uint64_t size, done;
    uint32_t head_last;
};

ld_status core_bundle_stream_begin(core_backup_writer *w, const char *name, uint64_t size,
                                   uint32_t head_last, core_bundle_stream **out, ld_error *err)
{
    char line[LINE_MAX_LEN];
    int n = head_last == 0 ? snprintf(line, sizeof line, "F %" PRIu64 " %s\n", size, name)
                           : snprintf(line, sizeof line, "P %" PRIu64 " %" PRIu32 " %s\n", size,
                                      head_last, name);
    if (n < 0 || (size_t)n >= sizeof line)
        return LD_FAIL(err, LD_EINVAL, "%s: name too long for an archive", name);
    if (head_last > size)
        return LD_FAIL(err, LD_EINVAL, "%s: its first %" PRIu32 " bytes are more than it holds",
                       name, head_last);
    core_bundle_stream *s = calloc(1, sizeof *s);
    if (s == NULL || (s->name = strdup(name)) == NULL || (s->md = EVP_MD_CTX_new()) == NULL ||
        EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) != 1) {
        core_bundle_stream_free(s);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    s->w = w;
    s->size = size;
    s->head_last = head_last;
    ld_status st = core_backup_write(w, line, (size_t)n, err);
    if (st != LD_OK) {
        core_bundle_stream_free(s);
        return st;
    }
    *out = s;
    return LD_OK;
}

ld_status core_bundle_stream_write(core_bundle_stream *s, const void *data, size_t len,
                                   ld_error *err)
{
    if (len > s->size - s->done)
        return LD_FAIL(err, LD_EINTERNAL, "%s: more than its %" PRIu64 " bytes", s->name, s->size);
    /* The digest is of the bytes as the archive carries them, taken as they
     * pass: nothing is read twice. */
    if (EVP_DigestUpdate(s->md, data, len) != 1)
        return LD_FAIL(err, LD_EINTERNAL, "SHA-256 failed on %s", s->name);
    s->done += len;
    return core_backup_write(s->w, data, len, err);
}

ld_status core_bundle_stream_end(core_bundle_stream *s, cJSON *parts_out, ld_error *err)
{
    if (s->done != s->size)
        return LD_FAIL(err, LD_EINTERNAL, "%s: %" PRIu64 " bytes of %" PRIu64 " came", s->name,
                       s->done, s->size);
    add_file_record(parts_out, s->name, s->size, s->head_last, s->md);
    return LD_OK;
}

void core_bundle_stream_free(core_bundle_stream *s)
{
    if (s == NULL)
        return;
    EVP_MD_CTX_free(s->md);
    free(s->name);
    free(s);
}

static ld_status put_file(core_backup_writer *w, const char *name, const char *path,
                          cJSON *parts_out, ld_error *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat info;
    if (fd < 0 || fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        if (fd >= 0)
            close(fd);
        return LD_FAIL(err, LD_EINVAL, "%s: cannot read it as a plain file", path);
    }
    uint64_t left = (uint64_t)info.st_size;
    core_bundle_stream *s = NULL;
    ld_status st = core_bundle_stream_begin(w, name, left, 0, &s, err);
    uint8_t *buf = st == LD_OK ? malloc(IO_BLOCK) : NULL;
    if (st == LD_OK && buf == NULL)
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
    while (st == LD_OK && left > 0) {
        size_t want = left < IO_BLOCK ? (size_t)left : IO_BLOCK;
        ssize_t got = read(fd, buf, want);
        if (got <= 0) {
            st = LD_FAIL(err, LD_EINTERNAL, "%s: shrank or failed while being copied", path);
            break;
        }
        st = core_bundle_stream_write(s, buf, (size_t)got, err);
        left -= (uint64_t)got;
    }
    if (st == LD_OK)
        st = core_bundle_stream_end(s, parts_out, err);
    core_bundle_stream_free(s);
    free(buf);
    close(fd);
    return st;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* A folder and everything in it, in name order, so that two backups of the
 * same files list them alike. */
static ld_status put_dir(core_backup_writer *w, const char *name, const char *path,
                         cJSON *parts_out, ld_error *err)
{
    ld_status st = put_line(w, "D", name, 0, err);
    if (st != LD_OK)
        return st;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddBoolToObject(o, "folder", true);
    cJSON_AddItemToArray(parts_out, o);
    struct dirent **list = NULL;
    int n = scandir(path, &list, NULL, by_name);
    if (n < 0)
        return LD_FAIL(err, LD_EINVAL, "%s: %s", path, strerror(errno));
    for (int i = 0; i < n; i++) {
        const char *entry = list[i]->d_name;
        if (st != LD_OK || strcmp(entry, ".") == 0 || strcmp(entry, "..") == 0)
            continue;
        char child[CORE_BACKUP_PATH_MAX], child_name[CORE_BACKUP_PATH_MAX];
        struct stat info;
        if ((size_t)snprintf(child, sizeof child, "%s/%s", path, entry) >= sizeof child ||
            (size_t)snprintf(child_name, sizeof child_name, "%s/%s", name, entry) >=
                sizeof child_name) {
            st = LD_FAIL(err, LD_EINVAL, "%s/%s: path too long", path, entry);
        } else if (lstat(child, &info) != 0) {
            st = LD_FAIL(err, LD_EINVAL, "%s: %s", child, strerror(errno));
        } else if (S_ISDIR(info.st_mode)) {
            st = put_dir(w, child_name, child, parts_out, err);
        } else if (S_ISREG(info.st_mode)) {
            st = put_file(w, child_name, child, parts_out, err);
        } else {
            /* A link could carry a file from anywhere on the machine. */
            st = LD_FAIL(err, LD_EINVAL, "%s: neither a plain file nor a folder; not backed up",
                         child);
        }
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return st;
}

ld_status core_bundle_put(core_backup_writer *w, const core_backup_part *part, cJSON *parts_out,
                          ld_error *err)
{
    return part->is_dir ? put_dir(w, part->name, part->path, parts_out, err)
                        : put_file(w, part->name, part->path, parts_out, err);
}

ld_status core_bundle_end(core_backup_writer *w, const cJSON *manifest, ld_error *err)
{
    char *text = cJSON_PrintUnformatted(manifest);
    if (text == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    size_t len = strlen(text);
    ld_status st = put_line(w, "M", "manifest", len, err);
    if (st == LD_OK)
        st = core_backup_write(w, text, len, err);
    if (st == LD_OK)
        st = core_backup_write(w, "E\n", 2, err);
    free(text);
    return st;
}

/* ---- Reading -------------------------------------------------------------- */

static ld_status read_exact(core_backup_reader *r, void *buf, size_t len, ld_error *err)
{
    size_t got = 0;
    ld_status st = core_backup_read(r, buf, len, &got, err);
    if (st == LD_OK && got != len)
        return LD_FAIL(err, LD_EVERIFY, "archive ends inside its contents (no end mark)");
    return st;
}

static ld_status read_line(core_backup_reader *r, char *line, size_t cap, ld_error *err)
{
    for (size_t i = 0; i + 1 < cap; i++) {
        ld_status st = read_exact(r, &line[i], 1, err);
        if (st != LD_OK)
            return st;
        if (line[i] == '\n') {
            line[i] = '\0';
            return LD_OK;
        }
    }
    return LD_FAIL(err, LD_EVERIFY, "archive contents: a part's name line is too long");
}

/* Where name goes beside dest_db; false for a name that is not a role, or
 * whose path would leave the role's folder. */
static bool target_of(const char *dest_db, const char *name, bool is_dir, char *out, size_t size)
{
    for (int role = 0; role < CORE_BACKUP_ROLE_COUNT; role++) {
        size_t len = strlen(role_names[role]);
        if (strncmp(name, role_names[role], len) != 0)
            continue;
        bool folder = role == CORE_BACKUP_DOCUMENTS || role == CORE_BACKUP_WORKBOOKS;
        const char *rest = name + len;
        if (rest[0] == '\0') {
            if (folder != is_dir)
                return false;
        } else if (!folder || rest[0] != '/') {
            continue;
        } else {
            /* Each segment non-empty, not "." or "..", no control characters. */
            const char *seg = rest + 1;
            while (true) {
                size_t n = strcspn(seg, "/");
                if (n == 0 || (n == 1 && seg[0] == '.') ||
                    (n == 2 && seg[0] == '.' && seg[1] == '.'))
                    return false;
                for (size_t i = 0; i < n; i++)
                    if ((unsigned char)seg[i] < 0x20 || seg[i] == 0x7f)
                        return false;
                if (seg[n] == '\0')
                    break;
                seg += n + 1;
            }
        }
        char base[CORE_BACKUP_PATH_MAX];
        core_backup_beside(dest_db, (core_backup_role)role, base, sizeof base);
        return (size_t)snprintf(out, size, "%s%s", base, rest) < size;
    }
    return false;
}

/* Writes a part into path as the archive carries it: with head_last, the
 * first size - head_last bytes go after the file's first head_last bytes,
 * which come last. */
static ld_status extract_file(core_backup_reader *r, const char *name, const char *path,
                              uint64_t size, uint32_t head_last, bool durable, cJSON *parts,
                              ld_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return LD_FAIL(err, errno == EEXIST ? LD_ESTATE : LD_EINVAL, "%s: %s", path,
                       strerror(errno));
    ld_status st = LD_OK;
    uint8_t *buf = malloc(IO_BLOCK);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (fchmod(fd, 0600) != 0 || buf == NULL || md == NULL ||
        EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
        st = LD_FAIL(err, LD_EINTERNAL, "%s: cannot write", path);
    uint64_t done = 0, body = size - head_last;
    while (st == LD_OK && done < size) {
        /* One block never spans the body's end and the head's start. */
        uint64_t left = done < body ? body - done : size - done;
        size_t want = left < IO_BLOCK ? (size_t)left : IO_BLOCK;
        off_t at = (off_t)(done < body ? head_last + done : done - body);
        if ((st = read_exact(r, buf, want, err)) != LD_OK)
            break;
        EVP_DigestUpdate(md, buf, want);
        if (pwrite(fd, buf, want, at) != (ssize_t)want)
            st = LD_FAIL(err, LD_EINTERNAL, "%s: cannot write: %s", path, strerror(errno));
        done += want;
    }
    if (st == LD_OK && durable && fsync(fd) != 0)
        st = LD_FAIL(err, LD_EINTERNAL, "%s: cannot write: %s", path, strerror(errno));
    if (close(fd) != 0 && st == LD_OK)
        st = LD_FAIL(err, LD_EINTERNAL, "%s: cannot write: %s", path, strerror(errno));
    if (st == LD_OK)
        add_file_record(parts, name, size, head_last, md);
    EVP_MD_CTX_free(md);
    free(buf);
    return st;
}

static ld_status parse_size(const char *text, uint64_t *out, const char **rest, ld_error *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || text[0] == '-' || text[0] == '+' || *end != ' ')
        return LD_FAIL(err, LD_EVERIFY, "archive contents: a part's size is malformed");
    *out = v;
    *rest = end + 1;
    return LD_OK;
}

ld_status core_bundle_extract(core_backup_reader *r, const char *dest_db, bool durable,
                              cJSON **parts_out, cJSON **manifest_out, ld_error *err)
{
    char line[LINE_MAX_LEN], path[CORE_BACKUP_PATH_MAX];
    char magic[sizeof BUNDLE_MAGIC];
    ld_status st = read_exact(r, magic, strlen(BUNDLE_MAGIC), err);
    if (st != LD_OK)
        return st;
    if (memcmp(magic, BUNDLE_MAGIC, strlen(BUNDLE_MAGIC)) != 0)
        return LD_FAIL(err, LD_EVERIFY, "archive contents: not a loandesk bundle");
    cJSON *parts = cJSON_CreateArray(), *manifest = NULL;
    while (st == LD_OK && manifest == NULL) {
        if ((st = read_line(r, line, sizeof line, err)) != LD_OK)
            break;
        uint64_t size = 0;
        const char *name = NULL;
        if (line[0] == 'D' && line[1] == ' ') {
            name = line + 2;
            if (!target_of(dest_db, name, true, path, sizeof path)) {
                st = LD_FAIL(err, LD_EVERIFY, "archive contents: part \"%s\" has no place", name);
            } else if (mkdir(path, 0700) != 0 || chmod(path, 0700) != 0) {
                st = LD_FAIL(err, errno == EEXIST ? LD_ESTATE : LD_EINVAL, "%s: %s", path,
                             strerror(errno));
            } else {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "name", name);
                cJSON_AddBoolToObject(o, "folder", true);
                cJSON_AddItemToArray(parts, o);
            }
        } else if ((line[0] == 'F' || line[0] == 'P') && line[1] == ' ') {
            uint64_t head = 0;
            if ((st = parse_size(line + 2, &size, &name, err)) != LD_OK ||
                (line[0] == 'P' && (st = parse_size(name, &head, &name, err)) != LD_OK))
                break;
            if (line[0] == 'P' && (head == 0 || head > HEAD_LAST_MAX || head > size)) {
                st = LD_FAIL(err, LD_EVERIFY, "archive contents: part \"%s\" has a bad layout",
                             name);
                break;
            }
            if (!target_of(dest_db, name, false, path, sizeof path))
                st = LD_FAIL(err, LD_EVERIFY, "archive contents: part \"%s\" has no place", name);
            else
                st = extract_file(r, name, path, size, (uint32_t)head, durable, parts, err);
        } else if (line[0] == 'M' && line[1] == ' ') {
            if ((st = parse_size(line + 2, &size, &name, err)) != LD_OK)
                break;
            if (strcmp(name, "manifest") != 0 || size > MANIFEST_MAX) {
                st = LD_FAIL(err, LD_EVERIFY, "archive contents: the manifest's line is malformed");
                break;
            }
            char *text = malloc((size_t)size + 1);
            if (text == NULL) {
                st = LD_FAIL(err, LD_EINTERNAL, "out of memory");
                break;
            }
            if ((st = read_exact(r, text, (size_t)size, err)) == LD_OK) {
                text[size] = '\0';
                if (core_json_parse(text, (size_t)size, "manifest", &manifest, err) != LD_OK ||
                    !cJSON_IsObject(manifest)) {
                    cJSON_Delete(manifest);
                    manifest = NULL;
                    st = LD_FAIL(err, LD_EVERIFY, "archive manifest is not a JSON object");
                }
            }
            free(text);
        } else {
            st = LD_FAIL(err, LD_EVERIFY, "archive contents: unexpected line \"%.40s\"", line);
        }
    }
    if (st == LD_OK &&
        ((st = read_line(r, line, sizeof line, err)) != LD_OK || strcmp(line, "E") != 0 ||
         (st = core_backup_reader_at_end(r, err)) != LD_OK))
        st = st != LD_OK ? st : LD_FAIL(err, LD_EVERIFY, "archive contents: no end mark");
    if (st != LD_OK) {
        cJSON_Delete(parts);
        cJSON_Delete(manifest);
        return st;
    }
    *parts_out = parts;
    *manifest_out = manifest;
    return LD_OK;
}

ld_status core_bundle_check_parts(const cJSON *manifest, const cJSON *parts, ld_error *err)
{
    const cJSON *listed = cJSON_GetObjectItemCaseSensitive(manifest, "parts");
    if (!cJSON_IsArray(listed))
        return LD_FAIL(err, LD_EVERIFY, "archive manifest lists no parts");
    int n = cJSON_GetArraySize(listed);
    if (n != cJSON_GetArraySize(parts))
        return LD_FAIL(err, LD_EVERIFY, "archive holds %d parts, its manifest lists %d",
                       cJSON_GetArraySize(parts), n);
    for (int i = 0; i < n; i++) {
        const cJSON *want = cJSON_GetArrayItem(listed, i), *have = cJSON_GetArrayItem(parts, i);
        const char *keys[] = {"name", "size", "head_last", "sha256", "folder"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const cJSON *a = cJSON_GetObjectItemCaseSensitive(want, keys[k]);
            const cJSON *b = cJSON_GetObjectItemCaseSensitive(have, keys[k]);
            if (!cJSON_Compare(a, b, true) && !(a == NULL && b == NULL)) {
                const cJSON *name = cJSON_GetObjectItemCaseSensitive(have, "name");
                return LD_FAIL(err, LD_EVERIFY,
                               "archive part %s: its %s differs from the manifest's",
                               cJSON_IsString(name) ? name->valuestring : "?", keys[k]);
            }
        }
    }
    return LD_OK;
}

void core_backup_remove_tree(const char *path)
{
    struct stat info;
    if (lstat(path, &info) != 0)
        return;
    if (S_ISDIR(info.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[CORE_BACKUP_PATH_MAX];
            if ((size_t)snprintf(child, sizeof child, "%s/%s", path, e->d_name) < sizeof child)
                core_backup_remove_tree(child);
        }
        if (d != NULL)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

void core_bundle_remove(const char *dest_db)
{
    char path[CORE_BACKUP_PATH_MAX];
    for (int role = 0; role < CORE_BACKUP_ROLE_COUNT; role++) {
        core_backup_beside(dest_db, (core_backup_role)role, path, sizeof path);
        core_backup_remove_tree(path);
    }
    static const char *const sqlite_side[] = {"-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof sqlite_side / sizeof sqlite_side[0]; i++) {
        snprintf(path, sizeof path, "%s%s", dest_db, sqlite_side[i]);
        unlink(path);
    }
}
