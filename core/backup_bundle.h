/*
 * backup_bundle.h - what a backup holds and where each part lives: the book
 * and the files beside it, found by one function (core_backup_parts), and
 * the plain container they travel in inside the encrypted stream
 * (backup_crypt.h).
 *
 * The convention beside a book at DB (docs/operations.md, "What a backup
 * takes"): DB itself; DB.institution-key, the institution key file (or the
 * file the service names instead); DB.documents/, a folder of stored
 * documents; DB.workbooks/, a folder of stored workbooks. A module that keeps
 * files beside the book keeps them in such a folder and adds its role here;
 * nothing else needs to change for backups to carry them.
 *
 * The container is a line-framed sequence: "loandesk-bundle 1", then per
 * part "D NAME" (a folder), "F SIZE NAME" and SIZE bytes, or "P SIZE HEAD
 * NAME" and SIZE bytes that are the file's bytes from HEAD on followed by its
 * first HEAD bytes (the database, whose first page SQLite writes last:
 * backup_copy.h), then "M SIZE" and the manifest (JSON), then "E". NAME is
 * the role ("database", "institution-key") or the role and a relative path
 * ("documents/a/b.pdf"). A part's SHA-256 is of its bytes in the order the
 * archive carries them.
 */
#ifndef LD_BACKUP_BUNDLE_H
#define LD_BACKUP_BUNDLE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "backup_crypt.h"
#include "ld_error.h"

typedef enum core_backup_role {
    CORE_BACKUP_DATABASE,
    CORE_BACKUP_INSTITUTION_KEY,
    CORE_BACKUP_DOCUMENTS,
    CORE_BACKUP_WORKBOOKS,
    CORE_BACKUP_ROLE_COUNT,
} core_backup_role;

#define CORE_BACKUP_PATH_MAX 4096

typedef struct core_backup_part {
    core_backup_role role;
    const char *name; /* the role's name in the archive */
    char path[CORE_BACKUP_PATH_MAX];
    bool is_dir;
} core_backup_part;

/* The role's name in an archive: "database", "institution-key",
 * "documents", "workbooks". */
const char *core_backup_role_name(core_backup_role role);

/* Where role lives beside the book at db_path (the convention above). */
void core_backup_beside(const char *db_path, core_backup_role role, char *out, size_t size);

/* Everything the book at db_path needs that lives beside it, in role order:
 * the database always, the institution key file key_path (NULL: the one
 * beside the book) when with_key and it exists, and each folder that exists.
 * A part that is not what it should be (a folder where a file belongs, a
 * symbolic link) is LD_EINVAL naming it. */
ld_status core_backup_parts(const char *db_path, const char *key_path, bool with_key,
                            core_backup_part parts[CORE_BACKUP_ROLE_COUNT], size_t *count,
                            ld_error *err);

/* Writing: the opening line, each part (a file from path under name, or a
 * folder and everything in it), then the manifest and the end. Every file
 * written is added to parts_out as {"name", "size", "sha256"}; a folder as
 * {"name", "folder": true}. */
ld_status core_bundle_begin(core_backup_writer *w, ld_error *err);
ld_status core_bundle_put(core_backup_writer *w, const core_backup_part *part, cJSON *parts_out,
                          ld_error *err);
ld_status core_bundle_end(core_backup_writer *w, const cJSON *manifest, ld_error *err);

/* A file part written as it is produced, SIZE bytes announced first: its
 * line, then its bytes as they come, hashed as they pass (never read back).
 * head_last 0 is an "F" part; otherwise a "P" part whose caller writes the
 * file's bytes from head_last on, then its first head_last bytes.
 * core_bundle_stream_end checks that exactly size bytes came and adds
 * {"name", "size", ["head_last",] "sha256"} to parts_out; the stream is the
 * caller's to free either way (core_bundle_stream_free, NULL harmless). */
typedef struct core_bundle_stream core_bundle_stream;
ld_status core_bundle_stream_begin(core_backup_writer *w, const char *name, uint64_t size,
                                   uint32_t head_last, core_bundle_stream **out, ld_error *err);
ld_status core_bundle_stream_write(core_bundle_stream *s, const void *data, size_t len,
                                   ld_error *err);
ld_status core_bundle_stream_end(core_bundle_stream *s, cJSON *parts_out, ld_error *err);
void core_bundle_stream_free(core_bundle_stream *s);

/* Reading: writes every part to its place beside dest_db (the convention
 * above; files 0600, folders 0700, never over anything already there; each
 * file fsynced when durable, for a restore rather than a verification),
 * records each in *parts_out as written, and returns the manifest. Names
 * that would leave their folder are refused (LD_EVERIFY). */
ld_status core_bundle_extract(core_backup_reader *r, const char *dest_db, bool durable,
                              cJSON **parts_out, cJSON **manifest_out, ld_error *err);

/* LD_OK when the parts extracted are exactly those the manifest lists, in
 * its order, with the same sizes and SHA-256; LD_EVERIFY naming the first
 * difference. */
ld_status core_bundle_check_parts(const cJSON *manifest, const cJSON *parts, ld_error *err);

/* Removes what core_bundle_extract may have written beside dest_db (each
 * role's path; folders with everything in them). */
void core_bundle_remove(const char *dest_db);

/* Removes path: a file, or a folder with everything in it. */
void core_backup_remove_tree(const char *path);

#endif
