/*
 * private_file.h - files and folders only their owner may read: customer data
 * leaves loandesk only this way.
 *
 * Every file loandesk creates (the database and SQLite's -wal, -shm and
 * -journal beside it, ledger exports, workbooks, signatures, their parts) is
 * mode 0600 and every folder 0700, whatever the process umask: the mode is set
 * with fchmod/chmod after creation, since the umask can only take bits away
 * and a umask of 077 or more would otherwise leave 0400 or less. SQLite gives
 * its side files the mode of the database file, so creating the database file
 * here is enough for all of them.
 */
#ifndef LD_PRIVATE_FILE_H
#define LD_PRIVATE_FILE_H

#include <stdbool.h>
#include <stdio.h>

#include "ld_error.h"

#define CORE_PRIVATE_FILE_MODE 0600
#define CORE_PRIVATE_DIR_MODE  0700

/* Creates path, or truncates the file already there, with mode 0600 and
 * opens it for writing ("wb"); the caller owns *out (fclose). A symbolic link
 * at path is refused (ELOOP), so a planted link cannot redirect the write.
 * LD_EINVAL with the system's reason when the file cannot be created. */
ld_status core_private_file_create(const char *path, FILE **out, ld_error *err);

/* Creates path empty with mode 0600 when nothing is there, for a file another
 * library then opens by name (SQLite); an existing file is left untouched.
 * *created (may be NULL) says whether this call made it. */
ld_status core_private_file_precreate(const char *path, bool *created, ld_error *err);

/* Creates the folder path with mode 0700; an existing folder is kept as it
 * is (its owner chose its mode). LD_EINVAL when it cannot be made. */
ld_status core_private_dir_create(const char *path, ld_error *err);

#endif
