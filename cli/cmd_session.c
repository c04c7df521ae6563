/*
 * cmd_session.c - `login` and `logout`: a session token for scripts, so a run
 * of many commands checks the password once. The token is printed once and
 * given back through $LOANDESK_SESSION; the database keeps only its hash.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

int cmd_login(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = cli_check("login", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    char token[LD_SESSION_TOKEN_MAX];
    if (ld_session_token_issue(ctx->s, token, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json) {
        cJSON *o = NULL;
        if (ld_session_whoami(ctx->s, &o, &err) != LD_OK)
            return cli_fail(&err);
        cJSON_AddStringToObject(o, "token", token);
        cli_print_json(o);
        cJSON_Delete(o);
    } else {
        printf("%s\n", token);
    }
    return 0;
}

int cmd_logout(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = cli_check("logout", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    if (ld_session_logout(ctx->s, &err) != LD_OK)
        return cli_fail(&err);
    printf("session ended\n");
    return 0;
}

int cmd_whoami(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = cli_check("whoami", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_session_whoami(ctx->s, &o, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        cli_print_json(o);
    else
        cli_print_record(o);
    cJSON_Delete(o);
    return 0;
}
