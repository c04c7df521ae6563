/*
 * backup_copy.h - the book's database into a backup archive in one pass.
 *
 * SQLite's online backup copies the database within one read transaction of
 * the book, so the copy is the book at one moment while officers go on
 * writing (their commits land in the WAL, after the snapshot). Its
 * destination is no file: a small SQLite VFS (backup_copy_store.c) hands
 * every page SQLite writes straight to the archive's encrypted stream
 * (backup_crypt.h) through a bundle part (backup_bundle.h), which hashes it
 * as it passes. No plaintext copy of the book is ever made, in memory or on
 * a disk, and the book is read once.
 *
 * SQLite writes the destination's pages in order, all but the first: the
 * destination's first page stays in its cache until the copy commits, then
 * goes out first of what is left. So the part is a "P" part (backup_bundle.h):
 * pages 2..N as they come, then page 1, held in memory meanwhile. A write
 * behind what was streamed (other than the first page), or a gap other than
 * SQLite's lock-byte page at 1 GiB (which no database uses and a file holds
 * as zeros), fails the copy rather than make a wrong one.
 */
#ifndef LD_BACKUP_COPY_H
#define LD_BACKUP_COPY_H

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "backup_crypt.h"
#include "ld_error.h"

/* Called within the copy's read transaction, before a page is copied, with
 * a read-only connection to the book: what it reads (the ledger's size,
 * root and newest checkpoint) is of the same moment as the copy. */
typedef ld_status (*core_backup_snapshot_fn)(void *ctx, sqlite3 *db, ld_error *err);

/* Copies the database at db_path into w as the part name, then adds the
 * part ({"name", "size", "head_last", "sha256"}) to parts_out. Waits up to
 * a minute for a moment when a read transaction can begin (a writer
 * switching journal modes). LD_EINTERNAL naming SQLite's or the stream's
 * fault; whatever in_snapshot returns. On failure the archive holds a part
 * cut short: the caller aborts the writer. */
ld_status core_backup_copy_database(const char *db_path, core_backup_writer *w, const char *name,
                                    core_backup_snapshot_fn in_snapshot, void *ctx,
                                    cJSON *parts_out, ld_error *err);

#endif
