/*
 * backup_crypt.h - the encrypted stream a backup archive is: AES-256-GCM in
 * chunks, each authenticated with its index, whether it is the last, its
 * length and the archive's header, so that a changed byte anywhere, a
 * truncation, chunks moved or chunks taken from another archive are all
 * refused (docs/operations.md, "The archive").
 *
 * Layout: a 68-byte header (magic "LDBACKUP", version 1, how the key is
 * made, the chunk size, scrypt's parameters, a random 32-byte salt, a
 * 16-byte key check), then chunks of [4-byte length][1-byte last flag]
 * [ciphertext][16-byte tag]. Every chunk but the last holds exactly the
 * chunk size. The archive's key is HKDF-SHA256 of the backup key (a key
 * file's 32 bytes, or scrypt of a passphrase) and the salt, so no two
 * archives share a key and nonces (index, last flag) never repeat under one.
 */
#ifndef LD_BACKUP_CRYPT_H
#define LD_BACKUP_CRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ld_error.h"

#define CORE_BACKUP_KEY_BYTES     32
#define CORE_BACKUP_HEADER_BYTES  68
#define CORE_BACKUP_CHUNK_DEFAULT (1u << 20)
#define CORE_BACKUP_CHUNK_MIN     512u
#define CORE_BACKUP_CHUNK_MAX     (16u << 20)

/* The backup key as its custodians hold it: a key file's 32 bytes, or a
 * passphrase (stretched with scrypt, N = 2^17, r = 8, p = 1, 128 MiB). */
typedef struct core_backup_secret {
    bool is_passphrase;
    uint8_t key[CORE_BACKUP_KEY_BYTES];
    const char *passphrase;
} core_backup_secret;

/* Reads a key file: 64 hexadecimal characters (a line end may follow).
 * LD_EINVAL naming the file when it is not that; LD_EPERM when others than
 * its owner may read it. */
ld_status core_backup_key_file_read(const char *path, uint8_t key[CORE_BACKUP_KEY_BYTES],
                                    ld_error *err);

/* Writes a new random key file at path, mode 0600; never over an existing
 * file (LD_ESTATE). */
ld_status core_backup_key_file_new(const char *path, ld_error *err);

typedef struct core_backup_writer core_backup_writer;

/* Creates path (which must not exist; mode 0600) and writes the header.
 * chunk_size 0 is the default. */
ld_status core_backup_writer_open(const char *path, const core_backup_secret *secret,
                                  uint32_t chunk_size, core_backup_writer **out, ld_error *err);
ld_status core_backup_write(core_backup_writer *w, const void *data, size_t len, ld_error *err);
/* Writes the last chunk, flushes and fsyncs the file and closes it; the
 * writer is freed whatever the outcome. */
ld_status core_backup_writer_finish(core_backup_writer *w, ld_error *err);
/* Closes and removes the file; NULL is harmless. */
void core_backup_writer_abort(core_backup_writer *w);

typedef struct core_backup_reader core_backup_reader;

/* Opens an archive and checks its header and that the secret is its key
 * (LD_EVERIFY: "wrong backup key" or the header's fault). */
ld_status core_backup_reader_open(const char *path, const core_backup_secret *secret,
                                  core_backup_reader **out, ld_error *err);
/* Reads up to len authenticated bytes; *got < len only at the end of the
 * archive, which is then known to be its authenticated last chunk with
 * nothing after it. LD_EVERIFY naming the chunk otherwise. */
ld_status core_backup_read(core_backup_reader *r, void *buf, size_t len, size_t *got,
                           ld_error *err);
/* LD_OK when everything has been read up to the authenticated end. */
ld_status core_backup_reader_at_end(core_backup_reader *r, ld_error *err);
void core_backup_reader_close(core_backup_reader *r);

#endif
