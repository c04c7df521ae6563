/*
 * session.h - who is acting: roles (docs/design.md, "Roles") and the authenticated
 * session every core function takes. A session is only ever produced by
 * core_user_login (or core_user_init_admin for the very first user), so holding
 * one means the password was checked.
 */
#ifndef LD_SESSION_H
#define LD_SESSION_H

#include <stdint.h>

#include "ld_error.h"
#include "money.h"

typedef enum core_role {
    CORE_ROLE_OFFICER,
    CORE_ROLE_REVIEWER,
    CORE_ROLE_MANAGER,
    CORE_ROLE_AUDITOR,
    CORE_ROLE_ADMIN,
} core_role;

#define CORE_ROLE_COUNT   5
#define CORE_USERNAME_MAX 64

typedef struct core_session {
    int64_t user_id;
    char username[CORE_USERNAME_MAX];
    core_role role;
    ld_money authority_limit; /* largest amount this user may approve (fen) */
} core_session;

const char *core_role_name(core_role role);
ld_status core_role_parse(const char *field, const char *text, core_role *out, ld_error *err);

#endif
