/*
 * cmd_admin.c - handlers for the database's creation, accounts, the
 * institution's CA certificate and the policy: parse, call, print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "keystore.h"
#include "policy.h"
#include "user.h"

#ifndef LOANDESK_POLICY_DIR
#define LOANDESK_POLICY_DIR "policy"
#endif

int cmd_init(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--admin",  "--name",     "--institution",
                                         "--policy", "--products", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("init", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_init_spec init = {
        .admin_username = cli_opt(argc, argv, "--admin"),
        .admin_full_name = cli_opt(argc, argv, "--name"),
        .institution = cli_opt(argc, argv, "--institution"),
        .policy_path = cli_opt(argc, argv, "--policy"),
        .products_path = cli_opt(argc, argv, "--products"),
    };
    if (init.admin_username == NULL)
        init.admin_username = ctx->username ? ctx->username : "admin";
    if (init.admin_full_name == NULL)
        init.admin_full_name = "System administrator";
    if (init.policy_path == NULL)
        init.policy_path = LOANDESK_POLICY_DIR "/default.json";
    if (init.products_path == NULL)
        init.products_path = LOANDESK_POLICY_DIR "/products.json";
    if (init.institution == NULL)
        init.institution = "loandesk";
    init.admin_password = cli_password("LOANDESK_PASSWORD", "new admin password: ");
    if (init.admin_password == NULL)
        return cli_usage("init", "no admin password: set LOANDESK_PASSWORD");
    ld_error err;
    cJSON *result = NULL;
    if (ld_api_init(ctx->db_path, &ctx->api_clock, &init, &ctx->api, &result, &err) != LD_OK)
        return cli_fail(&err);
    ld_api_close(ctx->api);
    ctx->api = NULL;
    if (ctx->json)
        cli_print_json(result);
    else
        printf("initialised %s with admin account %s and the CA of %s\n", ctx->db_path,
               init.admin_username, init.institution);
    cJSON_Delete(result);
    return 0;
}

int cmd_user_add(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    core_user_spec spec = {.authority_limit = -1};
    spec.username = cli_opt(argc, argv, "--username");
    spec.full_name = cli_opt(argc, argv, "--name");
    const char *role = cli_opt(argc, argv, "--role");
    const char *limit = cli_opt(argc, argv, "--limit");
    if (spec.username == NULL || spec.full_name == NULL || role == NULL)
        return cli_usage("user", "--username, --name and --role are required");
    if (core_role_parse("role", role, &spec.role, &err) != LD_OK ||
        (limit != NULL &&
         ld_money_parse_nonneg("limit", limit, &spec.authority_limit, &err) != LD_OK))
        return cli_fail(&err);
    spec.password = cli_password("LOANDESK_NEW_PASSWORD", "password for the new user: ");
    if (spec.password == NULL)
        return cli_usage("user", "no password for the new user: set LOANDESK_NEW_PASSWORD");
    int64_t id;
    if (core_user_add(ctx->store, &ctx->session, &spec, &id, &err) != LD_OK)
        return cli_fail(&err);
    /* Those who sign workbooks get a certificate, their key under their password. */
    bool signs = spec.role == CORE_ROLE_OFFICER || spec.role == CORE_ROLE_REVIEWER ||
                 spec.role == CORE_ROLE_MANAGER;
    if (signs && core_keystore_issue_user(ctx->store, &ctx->session, ctx->password, id,
                                          spec.password, time(NULL), &err) != LD_OK)
        return cli_fail(&err);
    printf("added user %s (%s), id %lld%s\n", spec.username, role, (long long)id,
           signs ? ", with a signing certificate" : "");
    return 0;
}

int cmd_user_list(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    cJSON *rows;
    if (core_user_list(ctx->store, &ctx->session, &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",
                                          "username",
                                          "name",
                                          "role",
                                          "authority_limit",
                                          "locked",
                                          "active",
                                          "password_changed_on",
                                          NULL};
    return cli_show(argc, argv, rows, columns);
}

int cmd_user_passwd(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    const char *target = cli_positional(argc, argv, NULL);
    const char *password = cli_password("LOANDESK_NEW_PASSWORD", "new password: ");
    if (password == NULL)
        return cli_usage("user", "no new password: set LOANDESK_NEW_PASSWORD");
    if (core_user_set_password(ctx->store, &ctx->session, target, password, &err) != LD_OK)
        return cli_fail(&err);
    bool own = target == NULL || strcmp(target, ctx->session.username) == 0;
    if (own) {
        if (core_keystore_rekey_user(ctx->store, ctx->session.user_id, ctx->password, password,
                                     &err) != LD_OK)
            return cli_fail(&err);
    } else {
        int64_t id;
        if (core_user_id(ctx->store, target, &id, &err) != LD_OK ||
            core_keystore_reissue_user(ctx->store, &ctx->session, ctx->password, id, password,
                                       time(NULL), &err) != LD_OK)
            return cli_fail(&err);
    }
    printf("password changed for %s\n", target ? target : ctx->session.username);
    return 0;
}

int cmd_user_unlock(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    const char *target = cli_positional(argc, argv, NULL);
    if (target == NULL)
        return cli_usage("user", "name the user to unlock");
    if (core_user_unlock(ctx->store, &ctx->session, target, &err) != LD_OK)
        return cli_fail(&err);
    printf("unlocked %s\n", target);
    return 0;
}

int cmd_user_revoke(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    const char *target = cli_positional(argc, argv, NULL);
    if (target == NULL)
        return cli_usage("user", "name the user to revoke");
    if (core_user_revoke(ctx->store, &ctx->session, target, time(NULL), &err) != LD_OK)
        return cli_fail(&err);
    printf("revoked %s and their signing certificate\n", target);
    return 0;
}

int cmd_pki_ca_cert(cli_ctx *ctx, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    ld_error err;
    char *pem = NULL;
    if (core_keystore_ca_cert(ctx->store, &pem, &err) != LD_OK)
        return cli_fail(&err);
    fputs(pem, stdout);
    free(pem);
    return 0;
}

int cmd_policy_load(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    const char *policy = cli_opt(argc, argv, "--policy");
    const char *products = cli_opt(argc, argv, "--products");
    if (policy == NULL && products == NULL)
        return cli_usage("policy", "give --policy FILE and/or --products FILE");
    if (core_policy_load(ctx->store, &ctx->session, policy, products, &err) != LD_OK)
        return cli_fail(&err);
    printf("loaded%s%s%s%s\n", policy ? " policy " : "", policy ? policy : "",
           products ? " products " : "", products ? products : "");
    return 0;
}
