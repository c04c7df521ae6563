/*
 * pending_files.h - files a transaction writes beside the database (the
 * document archive) that must exist only if it commits. Each is written
 * under a temporary name (its part) and registered here; the store
 * (store.c) renames the parts into place just before COMMIT, removes what it
 * placed should the COMMIT fail, and removes the parts on a rollback, whole
 * or to a savepoint taken before them. A crash between the rename and the
 * COMMIT can leave a file that no row names, never a row naming a file that
 * is missing. Callers use core_store_defer_file (store.h); this header is
 * the store's own.
 */
#ifndef LD_PENDING_FILES_H
#define LD_PENDING_FILES_H

#include <stdbool.h>

#include "ld_error.h"

typedef struct core_pending_files core_pending_files;

/* Registers part, to become final at the commit; *set is made on first use. */
ld_status core_pending_add(core_pending_files **set, const char *part, const char *final,
                           ld_error *err);
/* True when final is already waiting for the commit. */
bool core_pending_has(const core_pending_files *set, const char *final);

/* A savepoint begins (mark), is released (unmark) or rolled back to (drop:
 * the parts registered since its mark are removed). */
ld_status core_pending_mark(core_pending_files **set, ld_error *err);
void core_pending_unmark(core_pending_files *set);
void core_pending_drop_to_mark(core_pending_files *set);

/* Before COMMIT: each part renamed to its final name (a final already there
 * holds the same bytes, named by their hash: the part is removed). On
 * failure nothing is left placed. */
ld_status core_pending_place(core_pending_files *set, ld_error *err);
/* The COMMIT failed: the files place put are removed again. */
void core_pending_unplace(core_pending_files *set);
/* The transaction ended: committed (forget), or rolled back (parts removed). */
void core_pending_forget(core_pending_files *set);
void core_pending_discard(core_pending_files *set);
void core_pending_free(core_pending_files *set);

#endif
