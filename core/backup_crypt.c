/*
 * backup_crypt.c - the chunked AES-256-GCM stream of a backup archive
 * (backup_crypt.h): key derivation, header, chunk framing.
 */
#include "backup_crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"

#define KIND_KEY_FILE   1
#define KIND_PASSPHRASE 2
#define SALT_BYTES      32
#define CHECK_BYTES     16
#define TAG_BYTES       16
#define FRAME_BYTES     5 /* length and last flag before each chunk */
/* scrypt: N = 2^17, r = 8, p = 1 is 128 MiB and a few tenths of a second,
 * the strength recommended for interactive secrets. */
#define SCRYPT_LOG2N 17
#define SCRYPT_R     8
#define SCRYPT_P     1

static const char magic[8] = {'L', 'D', 'B', 'A', 'C', 'K', 'U', 'P'};

typedef struct stream_keys {
    uint8_t content[CORE_BACKUP_KEY_BYTES];
    uint8_t check[CHECK_BYTES];
    uint8_t header_hash[SHA256_DIGEST_LENGTH];
} stream_keys;

struct core_backup_writer {
    FILE *f;
    char *path;
    EVP_CIPHER_CTX *ctx;
    stream_keys keys;
    uint8_t *buf, *out;
    uint32_t chunk, used;
    uint64_t index;
};

struct core_backup_reader {
    FILE *f;
    EVP_CIPHER_CTX *ctx;
    stream_keys keys;
    uint8_t *buf, *in;
    uint32_t chunk, len, pos;
    uint64_t index;
    bool last_seen;
};

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)(v & 0xff);
}

static uint32_t get_u32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)(v & 0xff);
}

ld_status core_backup_key_file_read(const char *path, uint8_t key[CORE_BACKUP_KEY_BYTES],
                                    ld_error *err)
{
    struct stat info;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return LD_FAIL(err, LD_EINVAL, "backup key file %s: %s", path, strerror(errno));
    if (fstat(fileno(f), &info) == 0 && (info.st_mode & 077) != 0) {
        fclose(f);
        return LD_FAIL(err, LD_EPERM,
                       "backup key file %s: others than its owner may read it (chmod 600)", path);
    }
    char text[2 * CORE_BACKUP_KEY_BYTES + 4];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    bool ok = n == 2 * CORE_BACKUP_KEY_BYTES && core_hex_decode(text, n, key);
    OPENSSL_cleanse(text, sizeof text);
    if (!ok)
        return LD_FAIL(err, LD_EINVAL,
                       "backup key file %s: must hold 64 hexadecimal characters (`loandesk "
                       "backup keygen` makes one)",
                       path);
    return LD_OK;
}

ld_status core_backup_key_file_new(const char *path, ld_error *err)
{
    uint8_t key[CORE_BACKUP_KEY_BYTES];
    char text[2 * CORE_BACKUP_KEY_BYTES + 2];
    if (RAND_bytes(key, sizeof key) != 1)
        return LD_FAIL(err, LD_EINTERNAL, "no random bytes for a backup key");
    core_hex_encode(key, sizeof key, text);
    OPENSSL_cleanse(key, sizeof key);
    size_t len = strlen(text);
    text[len++] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        OPENSSL_cleanse(text, sizeof text);
        return LD_FAIL(err, errno == EEXIST ? LD_ESTATE : LD_EINVAL, "%s: %s", path,
                       errno == EEXIST ? "exists already; a key file is never overwritten"
                                       : strerror(errno));
    }
    bool ok = fchmod(fd, 0600) == 0 && write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    OPENSSL_cleanse(text, sizeof text);
    if (close(fd) != 0 || !ok) {
        unlink(path);
        return LD_FAIL(err, LD_EINTERNAL, "%s: cannot write the key", path);
    }
    return LD_OK;
}

static bool hkdf(const uint8_t *master, const uint8_t *salt, const char *info, uint8_t *out,
                 size_t len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (ctx == NULL)
        return false;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)master,
                                          CORE_BACKUP_KEY_BYTES),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, SALT_BYTES),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info)),
        OSSL_PARAM_construct_end(),
    };
    bool ok = EVP_KDF_derive(ctx, out, len, params) == 1;
    EVP_KDF_CTX_free(ctx);
    return ok;
}

/* The archive's keys from the secret and the header (whose salt and scrypt
 * parameters are filled in already). */
static ld_status derive(const core_backup_secret *secret, const uint8_t *header, stream_keys *keys,
                        ld_error *err)
{
    uint8_t master[CORE_BACKUP_KEY_BYTES];
    const uint8_t *salt = header + 20;
    if (secret->is_passphrase) {
        uint64_t n = (uint64_t)1 << header[16];
        const char *pass = secret->passphrase != NULL ? secret->passphrase : "";
        if (EVP_PBE_scrypt(pass, strlen(pass), salt, SALT_BYTES, n, header[17], header[18],
                           (uint64_t)1 << 30, master, sizeof master) != 1)
            return LD_FAIL(err, LD_EINTERNAL, "scrypt failed deriving the backup key");
    } else {
        memcpy(master, secret->key, sizeof master);
    }
    bool ok =
        hkdf(master, salt, "loandesk backup content v1", keys->content, sizeof keys->content) &&
        hkdf(master, salt, "loandesk backup check v1", keys->check, sizeof keys->check);
    OPENSSL_cleanse(master, sizeof master);
    if (!ok)
        return LD_FAIL(err, LD_EINTERNAL, "HKDF failed deriving the archive's key");
    return LD_OK;
}

/* Nonce and associated data of chunk index: what binds it to its place. */
static void chunk_binding(const stream_keys *keys, uint64_t index, bool last, uint32_t len,
                          uint8_t nonce[12], uint8_t aad[SHA256_DIGEST_LENGTH + 13])
{
    put_u64(nonce, index);
    put_u32(nonce + 8, last ? 1u : 0u);
    memcpy(aad, keys->header_hash, SHA256_DIGEST_LENGTH);
    put_u64(aad + SHA256_DIGEST_LENGTH, index);
    aad[SHA256_DIGEST_LENGTH + 8] = last ? 1 : 0;
    put_u32(aad + SHA256_DIGEST_LENGTH + 9, len);
}

ld_status core_backup_writer_open(const char *path, const core_backup_secret *secret,
                                  uint32_t chunk_size, core_backup_writer **out, ld_error *err)
{
    if (chunk_size == 0)
        chunk_size = CORE_BACKUP_CHUNK_DEFAULT;
    if (chunk_size < CORE_BACKUP_CHUNK_MIN || chunk_size > CORE_BACKUP_CHUNK_MAX)
        return LD_FAIL(err, LD_EINVAL, "chunk_size: must be %u to %u bytes", CORE_BACKUP_CHUNK_MIN,
                       CORE_BACKUP_CHUNK_MAX);
    uint8_t header[CORE_BACKUP_HEADER_BYTES] = {0};
    memcpy(header, magic, sizeof magic);
    header[8] = 1;
    header[9] = secret->is_passphrase ? KIND_PASSPHRASE : KIND_KEY_FILE;
    put_u32(header + 12, chunk_size);
    if (secret->is_passphrase) {
        header[16] = SCRYPT_LOG2N;
        header[17] = SCRYPT_R;
        header[18] = SCRYPT_P;
    }
    if (RAND_bytes(header + 20, SALT_BYTES) != 1)
        return LD_FAIL(err, LD_EINTERNAL, "no random bytes for the archive's salt");
    core_backup_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    w->chunk = chunk_size;
    ld_status st = derive(secret, header, &w->keys, err);
    if (st != LD_OK) {
        free(w);
        return st;
    }
    memcpy(header + 52, w->keys.check, CHECK_BYTES);
    SHA256(header, sizeof header, w->keys.header_hash);
    w->buf = malloc(chunk_size);
    w->out = malloc((size_t)chunk_size + FRAME_BYTES + TAG_BYTES);
    w->ctx = EVP_CIPHER_CTX_new();
    w->path = strdup(path);
    if (w->buf == NULL || w->out == NULL || w->ctx == NULL || w->path == NULL) {
        core_backup_writer_abort(w);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int code = errno;
        free(w->path);
        w->path = NULL; /* not ours to remove */
        core_backup_writer_abort(w);
        return LD_FAIL(err, code == EEXIST ? LD_ESTATE : LD_EINVAL, "%s: %s", path, strerror(code));
    }
    if (fchmod(fd, 0600) != 0 || (w->f = fdopen(fd, "wb")) == NULL) {
        close(fd);
        core_backup_writer_abort(w);
        return LD_FAIL(err, LD_EINTERNAL, "%s: %s", path, strerror(errno));
    }
    if (fwrite(header, 1, sizeof header, w->f) != sizeof header) {
        core_backup_writer_abort(w);
        return LD_FAIL(err, LD_EINTERNAL, "%s: cannot write: %s", path, strerror(errno));
    }
    *out = w;
    return LD_OK;
}

static ld_status emit_chunk(core_backup_writer *w, bool last, ld_error *err)
{
    uint8_t nonce[12], aad[SHA256_DIGEST_LENGTH + 13];
    int n = 0, fin = 0;
    chunk_binding(&w->keys, w->index, last, w->used, nonce, aad);
    put_u32(w->out, w->used);
    w->out[4] = last ? 1 : 0;
    uint8_t *ct = w->out + FRAME_BYTES;
    if (EVP_EncryptInit_ex(w->ctx, EVP_aes_256_gcm(), NULL, w->keys.content, nonce) != 1 ||
        EVP_EncryptUpdate(w->ctx, NULL, &n, aad, sizeof aad) != 1 ||
        (w->used > 0 && EVP_EncryptUpdate(w->ctx, ct, &n, w->buf, (int)w->used) != 1) ||
        EVP_EncryptFinal_ex(w->ctx, ct + w->used, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(w->ctx, EVP_CTRL_GCM_GET_TAG, TAG_BYTES, ct + w->used) != 1)
        return LD_FAIL(err, LD_EINTERNAL, "AES-256-GCM failed on chunk %llu",
                       (unsigned long long)w->index);
    size_t total = FRAME_BYTES + (size_t)w->used + TAG_BYTES;
    if (fwrite(w->out, 1, total, w->f) != total)
        return LD_FAIL(err, LD_EINTERNAL, "%s: cannot write: %s", w->path, strerror(errno));
    w->index++;
    w->used = 0;
    return LD_OK;
}

ld_status core_backup_write(core_backup_writer *w, const void *data, size_t len, ld_error *err)
{
    const uint8_t *p = data;
    while (len > 0) {
        /* A full chunk goes out only once more follows, so that the last
         * chunk (flagged) may be a full one. */
        if (w->used == w->chunk) {
            ld_status st = emit_chunk(w, false, err);
            if (st != LD_OK)
                return st;
        }
        size_t take = w->chunk - w->used;
        if (take > len)
            take = len;
        memcpy(w->buf + w->used, p, take);
        w->used += (uint32_t)take;
        p += take;
        len -= take;
    }
    return LD_OK;
}

static void writer_free(core_backup_writer *w)
{
    if (w->f != NULL)
        fclose(w->f);
    EVP_CIPHER_CTX_free(w->ctx);
    if (w->buf != NULL)
        OPENSSL_cleanse(w->buf, w->chunk);
    free(w->buf);
    free(w->out);
    free(w->path);
    OPENSSL_cleanse(&w->keys, sizeof w->keys);
    free(w);
}

ld_status core_backup_writer_finish(core_backup_writer *w, ld_error *err)
{
    ld_status st = emit_chunk(w, true, err);
    if (st == LD_OK && (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0))
        st = LD_FAIL(err, LD_EINTERNAL, "%s: cannot write: %s", w->path, strerror(errno));
    if (st == LD_OK) {
        int rc = fclose(w->f);
        w->f = NULL;
        if (rc != 0)
            st = LD_FAIL(err, LD_EINTERNAL, "%s: cannot write: %s", w->path, strerror(errno));
    }
    if (st != LD_OK) {
        core_backup_writer_abort(w);
        return st;
    }
    writer_free(w);
    return LD_OK;
}

void core_backup_writer_abort(core_backup_writer *w)
{
    if (w == NULL)
        return;
    if (w->f != NULL) {
        fclose(w->f);
        w->f = NULL;
    }
    if (w->path != NULL)
        unlink(w->path);
    writer_free(w);
}

/* ---- Reading -------------------------------------------------------------- */

static ld_status header_check(const uint8_t *h, const core_backup_secret *secret, ld_error *err)
{
    if (memcmp(h, magic, sizeof magic) != 0)
        return LD_FAIL(err, LD_EVERIFY, "not a loandesk backup archive (no LDBACKUP header)");
    if (h[8] != 1)
        return LD_FAIL(err, LD_EVERIFY, "archive header: version %u is not one this program reads",
                       h[8]);
    uint32_t chunk = get_u32(h + 12);
    bool pass = h[9] == KIND_PASSPHRASE;
    bool params_ok = pass ? h[16] >= 14 && h[16] <= 22 && h[17] >= 1 && h[17] <= 32 && h[18] >= 1 &&
                                h[18] <= 16 && h[19] == 0
                          : h[16] == 0 && h[17] == 0 && h[18] == 0 && h[19] == 0;
    if ((h[9] != KIND_KEY_FILE && !pass) || h[10] != 0 || h[11] != 0 ||
        chunk < CORE_BACKUP_CHUNK_MIN || chunk > CORE_BACKUP_CHUNK_MAX || !params_ok)
        return LD_FAIL(err, LD_EVERIFY, "archive header is damaged");
    if (pass != secret->is_passphrase)
        return LD_FAIL(err, LD_EVERIFY,
                       "the archive was made with a backup %s; give that "
                       "(LOANDESK_BACKUP_%s)",
                       pass ? "passphrase" : "key file", pass ? "PASSPHRASE_FILE" : "KEY_FILE");
    return LD_OK;
}

ld_status core_backup_reader_open(const char *path, const core_backup_secret *secret,
                                  core_backup_reader **out, ld_error *err)
{
    uint8_t header[CORE_BACKUP_HEADER_BYTES];
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return LD_FAIL(err, errno == ENOENT ? LD_ENOTFOUND : LD_EINVAL, "%s: %s", path,
                       strerror(errno));
    ld_status st;
    if (fread(header, 1, sizeof header, f) != sizeof header) {
        fclose(f);
        return LD_FAIL(err, LD_EVERIFY, "%s: too short for a backup archive", path);
    }
    if ((st = header_check(header, secret, err)) != LD_OK) {
        fclose(f);
        return st;
    }
    core_backup_reader *r = calloc(1, sizeof *r);
    if (r == NULL) {
        fclose(f);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    r->f = f;
    r->chunk = get_u32(header + 12);
    if ((st = derive(secret, header, &r->keys, err)) != LD_OK) {
        core_backup_reader_close(r);
        return st;
    }
    if (CRYPTO_memcmp(r->keys.check, header + 52, CHECK_BYTES) != 0) {
        core_backup_reader_close(r);
        return LD_FAIL(err, LD_EVERIFY,
                       "the archive does not open with this backup key (another key, or its "
                       "header is damaged)");
    }
    SHA256(header, sizeof header, r->keys.header_hash);
    r->buf = malloc(r->chunk);
    r->in = malloc((size_t)r->chunk + TAG_BYTES);
    r->ctx = EVP_CIPHER_CTX_new();
    if (r->buf == NULL || r->in == NULL || r->ctx == NULL) {
        core_backup_reader_close(r);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    *out = r;
    return LD_OK;
}

static ld_status next_chunk(core_backup_reader *r, ld_error *err)
{
    uint8_t frame[FRAME_BYTES];
    unsigned long long i = (unsigned long long)r->index;
    if (fread(frame, 1, sizeof frame, r->f) != sizeof frame)
        return LD_FAIL(err, LD_EVERIFY,
                       "archive is truncated: it ends before chunk %llu, and no last chunk was "
                       "seen",
                       i);
    uint32_t len = get_u32(frame);
    bool last = frame[4] == 1;
    if (frame[4] > 1 || len > r->chunk || (!last && len != r->chunk))
        return LD_FAIL(err, LD_EVERIFY, "archive chunk %llu: its frame is damaged", i);
    if (fread(r->in, 1, (size_t)len + TAG_BYTES, r->f) != (size_t)len + TAG_BYTES)
        return LD_FAIL(err, LD_EVERIFY, "archive is truncated inside chunk %llu", i);
    uint8_t nonce[12], aad[SHA256_DIGEST_LENGTH + 13];
    int n = 0, fin = 0;
    chunk_binding(&r->keys, r->index, last, len, nonce, aad);
    bool ok = EVP_DecryptInit_ex(r->ctx, EVP_aes_256_gcm(), NULL, r->keys.content, nonce) == 1 &&
              EVP_DecryptUpdate(r->ctx, NULL, &n, aad, sizeof aad) == 1 &&
              (len == 0 || EVP_DecryptUpdate(r->ctx, r->buf, &n, r->in, (int)len) == 1) &&
              EVP_CIPHER_CTX_ctrl(r->ctx, EVP_CTRL_GCM_SET_TAG, TAG_BYTES, r->in + len) == 1 &&
              EVP_DecryptFinal_ex(r->ctx, r->buf + len, &fin) == 1;
    if (!ok) {
        OPENSSL_cleanse(r->buf, r->chunk);
        return LD_FAIL(err, LD_EVERIFY,
                       "archive chunk %llu does not authenticate (changed, moved, or from "
                       "another archive)",
                       i);
    }
    if (last && fgetc(r->f) != EOF)
        return LD_FAIL(err, LD_EVERIFY, "archive has data after its last chunk (%llu)", i);
    r->len = len;
    r->pos = 0;
    r->last_seen = last;
    r->index++;
    return LD_OK;
}

ld_status core_backup_read(core_backup_reader *r, void *buf, size_t len, size_t *got, ld_error *err)
{
    uint8_t *p = buf;
    size_t done = 0;
    while (done < len) {
        if (r->pos == r->len) {
            if (r->last_seen)
                break;
            ld_status st = next_chunk(r, err);
            if (st != LD_OK)
                return st;
            continue;
        }
        size_t take = r->len - r->pos;
        if (take > len - done)
            take = len - done;
        memcpy(p + done, r->buf + r->pos, take);
        r->pos += (uint32_t)take;
        done += take;
    }
    *got = done;
    return LD_OK;
}

ld_status core_backup_reader_at_end(core_backup_reader *r, ld_error *err)
{
    uint8_t probe;
    size_t got = 0;
    ld_status st = core_backup_read(r, &probe, 1, &got, err);
    if (st != LD_OK)
        return st;
    if (got != 0)
        return LD_FAIL(err, LD_EVERIFY, "archive holds data after its end mark");
    return LD_OK;
}

void core_backup_reader_close(core_backup_reader *r)
{
    if (r == NULL)
        return;
    if (r->f != NULL)
        fclose(r->f);
    EVP_CIPHER_CTX_free(r->ctx);
    if (r->buf != NULL)
        OPENSSL_cleanse(r->buf, r->chunk);
    free(r->buf);
    free(r->in);
    OPENSSL_cleanse(&r->keys, sizeof r->keys);
    free(r);
}
