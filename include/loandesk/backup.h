/*
 * loandesk/backup.h - backups that restore (operations API): an online,
 * consistent, encrypted copy of the whole book and the files beside it;
 * verification of such a copy against the CA the auditor holds; and restore
 * into a new place (docs/operations.md).
 *
 * The backup key is its custodians', apart from every login: a key file of
 * 64 hexadecimal characters (`backup keygen`), or a passphrase stretched
 * with scrypt. Taking a backup is the admin's (CORE_ACT_BACKUP); verifying
 * and restoring need no database and no login, only the archive, the backup
 * key and the CA certificate: whoever holds the backup key holds the book.
 */
#ifndef LOANDESK_BACKUP_H
#define LOANDESK_BACKUP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "loandesk/api.h"
#include "loandesk/servicing.h"

/* The backup key: key_file, or else passphrase. */
typedef struct ld_backup_key {
    const char *key_file;
    const char *passphrase;
} ld_backup_key;

typedef struct ld_backup_options {
    /* Where: the archive out (which must not exist), or a folder dir in
     * which the archive is named loandesk-YYYYMMDDTHHMMSSZ.ldbak. */
    const char *out;
    const char *dir;
    /* With dir: keep the newest keep archives there, removing older ones
     * (0 keeps all). */
    int keep;
    /* Carry the institution key file too. Left out by default: after a
     * restore the CA custodians certify a new one (`ledger key-rotate`), and
     * whoever holds the backup key cannot sign checkpoints
     * (docs/operations.md, "Keys in a backup"). */
    bool with_institution_key;
    /* Plaintext bytes per authenticated chunk; 0: 1 MiB. */
    uint32_t chunk_size;
} ld_backup_options;

/* Takes a backup while the book stays in use (admin): SQLite's online backup
 * of the database in one read transaction, its pages encrypted as they are
 * copied (no plaintext copy is made), the files beside it (the institution
 * key file only when asked), a manifest (the ledger's size and root in that
 * same read transaction, its newest signed checkpoint, the SHA-256 of every
 * part), all in a file written under a temporary name, fsynced, then given
 * its name. Result: {"archive", "bytes",
 * "ledger": {"size", "root", "checkpoint"}, "parts": [...], "removed":
 * [...]}. LD_EPERM (audited) for other roles; LD_ESTATE when out exists. */
ld_status ld_backup_create(ld_session *session, const ld_backup_key *key,
                           const ld_backup_options *options, cJSON **out, ld_error *err);

/* Decrypts an archive into a temporary folder, checks every part against
 * the manifest, SQLite's integrity check, that the ledger's size, root and
 * newest checkpoint are the manifest's, and a full ledger verification of
 * the copy under anchor. LD_EVERIFY for any difference, a wrong key
 * included; LD_EUSAGE without an anchor. Result: {"archive", "ledger",
 * "parts", "verified": {"entries", "checkpoints", "journal_entries",
 * "loans", "rows"}}. work_dir NULL: $TMPDIR or /tmp. */
ld_status ld_backup_verify(const char *archive, const ld_backup_key *key,
                           const ld_trust_anchor *anchor, const char *work_dir, cJSON **out,
                           ld_error *err);

/* Restores an archive as the book to (and the files beside it), never over
 * anything there (LD_ESTATE); it is verified first as ld_backup_verify does,
 * in a temporary folder beside to, and nothing is put in place unless it
 * verifies. Result as ld_backup_verify's, with "restored": to. */
ld_status ld_backup_restore(const char *archive, const ld_backup_key *key,
                            const ld_trust_anchor *anchor, const char *to, cJSON **out,
                            ld_error *err);

/* Writes a new random backup key file (mode 0600; never over a file).
 * Result: {"key_file"}. */
ld_status ld_backup_keygen(const char *path, cJSON **out, ld_error *err);

#endif
