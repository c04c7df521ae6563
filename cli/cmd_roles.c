/*
 * cmd_roles.c - `loandesk roles`: the permission table, printed from the rule
 * itself (ld_permission_table), as text, JSON or the Markdown that
 * docs/permissions.md and the README carry.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

static const char *cell_text(const char *reach)
{
    if (strcmp(reach, "all") == 0)
        return "yes";
    if (strcmp(reach, "own") == 0)
        return "own customers";
    if (strcmp(reach, "under_review") == 0)
        return "customers under review";
    return "-";
}

static void print_markdown(const cJSON *table)
{
    const cJSON *roles = cJSON_GetObjectItemCaseSensitive(table, "roles");
    const cJSON *role;
    printf("| action |");
    cJSON_ArrayForEach(role, roles) printf(" %s |", role->valuestring);
    printf("\n|---|");
    cJSON_ArrayForEach(role, roles) printf("---|");
    printf("\n");
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(table, "actions"))
    {
        const cJSON *reach = cJSON_GetObjectItemCaseSensitive(row, "reach");
        printf("| %s |", cJSON_GetObjectItemCaseSensitive(row, "action")->valuestring);
        cJSON_ArrayForEach(role, roles) printf(
            " %s |",
            cell_text(cJSON_GetObjectItemCaseSensitive(reach, role->valuestring)->valuestring));
        printf("\n");
    }
}

int cmd_roles(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = cli_check("roles", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *table = NULL;
    if (ld_permission_table(&table, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        cli_print_json(table);
    else
        print_markdown(table);
    cJSON_Delete(table);
    return 0;
}
