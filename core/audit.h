/*
 * audit.h - the audit trail: who did what, when, to which record, with the
 * before and after of every changed field, and every refused attempt.
 *
 * Successful changes are recorded inside the command's own transaction, so a
 * change and its audit row commit or vanish together. A refusal is recorded
 * after the command's transaction has been rolled back, in a transaction of its
 * own, so that the attempt is kept although nothing else is.
 *
 * The trail keeps text whatever it holds, so it stores it escaped and bounded
 * (core_text_escape, text.h): backslash, controls, line separators and bytes
 * that are not UTF-8 become visible ("\\", "\n", "\u0007", "\xFF"), and
 * text cut short ends with "…" (U+2026). The bounds, in bytes of the escaped
 * form: a user name CORE_AUDIT_NAME_MAX; each
 * string inside a detail CORE_AUDIT_TEXT_MAX; a whole detail
 * CORE_AUDIT_DETAIL_MAX, beyond which it is kept as {"truncated": true,
 * "bytes": N, "head": its escaped first CORE_AUDIT_TEXT_MAX bytes}.
 */
#ifndef LD_AUDIT_H
#define LD_AUDIT_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "ld_error.h"
#include "session.h"
#include "store.h"

#define CORE_AUDIT_NAME_MAX   256
#define CORE_AUDIT_TEXT_MAX   4096
#define CORE_AUDIT_DETAIL_MAX 65536

/* Records a change. detail (may be NULL) is copied; typically {"after": {...}} for
 * a creation or the output of core_audit_diff for an update. */
ld_status core_audit_record(core_store *store, const core_session *who, const char *action,
                            const char *entity, int64_t entity_id, const cJSON *detail,
                            ld_error *err);

/* core_audit_record with the detail {"after": after} (after is copied). */
ld_status core_audit_record_after(core_store *store, const core_session *who, const char *action,
                                  const char *entity, int64_t entity_id, const cJSON *after,
                                  ld_error *err);

/* Records a refused attempt in its own transaction (none may be open). who may
 * be NULL for failed logins, then username names the account tried. */
ld_status core_audit_record_denial(core_store *store, const core_session *who, const char *username,
                                   const char *action, const char *reason, ld_error *err);

/* Records a refusal of who inside the transaction the caller holds, which
 * must then commit: for a batch of the operations API's group commit, whose
 * refused operation was rolled back to its savepoint while the batch goes on
 * (api/group_commit.c). LD_EINTERNAL when no transaction is open. */
ld_status core_audit_record_denial_here(core_store *store, const core_session *who,
                                        const char *action, const char *reason, ld_error *err);

/* {"field": {"before": x, "after": y}, ...} for the fields of after whose value
 * differs in before; an empty object when nothing changed. Caller owns it. */
cJSON *core_audit_diff(const cJSON *before, const cJSON *after);

typedef struct core_audit_filter {
    const char *entity;   /* NULL for any */
    int64_t entity_id;    /* 0 for any */
    const char *username; /* NULL for any */
    int limit;            /* 0 for the default of 100 */
} core_audit_filter;

/* Newest first, as a JSON array the caller owns. Auditors, managers and admins. */
ld_status core_audit_list(core_store *store, const core_session *who,
                          const core_audit_filter *filter, cJSON **out, ld_error *err);

#endif
