/*
 * permissions.c - the permission table as data (loandesk/api.h,
 * ld_permission_table): what each role may do and how far it reaches, read
 * from core's one table, so documentation and tests are generated from the
 * rule itself and cannot drift from it.
 */
#include "api_int.h"
#include "permission.h"

static const char *reach_name(core_perm_reach reach)
{
    switch (reach) {
    case CORE_REACH_NONE:
        return "no";
    case CORE_REACH_OWN:
        return "own";
    case CORE_REACH_UNDER_REVIEW:
        return "under_review";
    case CORE_REACH_ALL:
        return "all";
    }
    return "no";
}

ld_status ld_permission_table(cJSON **out, ld_error *err)
{
    cJSON *table = cJSON_CreateObject();
    cJSON *roles = cJSON_AddArrayToObject(table, "roles");
    cJSON *actions = cJSON_AddArrayToObject(table, "actions");
    if (table == NULL || roles == NULL || actions == NULL) {
        cJSON_Delete(table);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    for (int r = 0; r < CORE_ROLE_COUNT; r++)
        cJSON_AddItemToArray(roles, cJSON_CreateString(core_role_name((core_role)r)));
    for (int a = 0; a < CORE_ACTION_COUNT; a++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "action", core_action_name((core_action)a));
        cJSON *cells = cJSON_AddObjectToObject(row, "reach");
        for (int r = 0; r < CORE_ROLE_COUNT; r++)
            cJSON_AddStringToObject(cells, core_role_name((core_role)r),
                                    reach_name(core_perm_reach_of((core_action)a, (core_role)r)));
        cJSON_AddItemToArray(actions, row);
    }
    *out = table;
    return LD_OK;
}
