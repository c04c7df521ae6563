/*
 * cmd_admin.c - handlers for the database's creation, accounts, the
 * institution's CA certificate and the policy: parse, call the operations API
 * (loandesk/admin.h), print. Which role gets a certificate, re-keying on a
 * password change and the policy's full check are the API's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "loandesk/admin.h"

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
    init.ca_passphrase = cli_ca_passphrase();
    if (init.ca_passphrase == NULL)
        return cli_usage("init", "the CA custodians' passphrase is needed: set "
                                 "LOANDESK_CA_PASSPHRASE_FILE (and LOANDESK_CA_PASSPHRASE2_FILE "
                                 "for a second custodian's half)");
    init.institution_key_path = cli_institution_key_path();
    init.institution_key_passphrase = cli_institution_key_passphrase();
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

/* Checks argv against spec and, when a positional word is wanted, that it
 * was given (what names it in the usage error). */
static int check_args(const char *command, int argc, char **argv, const cli_spec *spec,
                      cli_args *args, const char *what)
{
    int rc = cli_check(command, argc, argv, spec, args);
    if (rc == 0 && what != NULL && args->positional_count == 0)
        rc = cli_usage(command, "name the user to %s", what);
    return rc;
}

int cmd_user_add(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--username", "--name", "--role", "--limit", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = check_args("user add", argc, argv, &spec, &args, NULL);
    if (rc != 0)
        return rc;
    ld_user_spec user = {.username = cli_opt(argc, argv, "--username"),
                         .full_name = cli_opt(argc, argv, "--name"),
                         .role = cli_opt(argc, argv, "--role"),
                         .authority_limit = cli_opt(argc, argv, "--limit")};
    if (user.username == NULL || user.full_name == NULL || user.role == NULL)
        return cli_usage("user", "--username, --name and --role are required");
    user.password = cli_password("LOANDESK_NEW_PASSWORD", "password for the new user: ");
    if (user.password == NULL)
        return cli_usage("user", "no password for the new user: set LOANDESK_NEW_PASSWORD");
    ld_error err;
    cJSON *o = NULL;
    if (ld_user_add(ctx->s, &user, cli_ca_passphrase(), &o, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, o, NULL);
    printf("added user %s (%s), id %.0f%s\n", user.username,
           cJSON_GetStringValue(cJSON_GetObjectItem(o, "role")),
           cJSON_GetNumberValue(cJSON_GetObjectItem(o, "id")),
           cJSON_IsTrue(cJSON_GetObjectItem(o, "signing_certificate"))
               ? ", with a signing certificate"
               : "");
    cJSON_Delete(o);
    return 0;
}

int cmd_user_list(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = check_args("user list", argc, argv, &spec, &args, NULL);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *rows;
    if (ld_user_list(ctx->s, &rows, &err) != LD_OK)
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

/* Prints "VERB USERNAME" from a result naming the user, or the JSON. */
static int print_user_result(cli_ctx *ctx, int argc, char **argv, cJSON *o, const char *verb,
                             const char *tail)
{
    if (ctx->json)
        return cli_show(argc, argv, o, NULL);
    printf("%s %s%s\n", verb, cJSON_GetStringValue(cJSON_GetObjectItem(o, "username")), tail);
    cJSON_Delete(o);
    return 0;
}

int cmd_user_passwd(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int rc = check_args("user passwd", argc, argv, &spec, &args, NULL);
    if (rc != 0)
        return rc;
    const char *password = cli_password("LOANDESK_NEW_PASSWORD", "new password: ");
    if (password == NULL)
        return cli_usage("user", "no new password: set LOANDESK_NEW_PASSWORD");
    ld_error err;
    cJSON *o = NULL;
    /* Resetting another's password issues them a new certificate: the CA's
     * custodians unlock it. One's own change re-encrypts one's own key. */
    const char *target = args.positional[0];
    bool other = target != NULL && (ctx->username == NULL || strcmp(target, ctx->username) != 0);
    const char *key_secret = other ? cli_ca_passphrase() : cli_key_password();
    if (ld_user_passwd(ctx->s, target, password, key_secret, &o, &err) != LD_OK)
        return cli_fail(&err);
    return print_user_result(ctx, argc, argv, o, "password changed for", "");
}

int cmd_user_unlock(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int rc = check_args("user unlock", argc, argv, &spec, &args, "unlock");
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_user_unlock(ctx->s, args.positional[0], &o, &err) != LD_OK)
        return cli_fail(&err);
    return print_user_result(ctx, argc, argv, o, "unlocked", "");
}

int cmd_user_revoke(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int rc = check_args("user revoke", argc, argv, &spec, &args, "revoke");
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_user_revoke(ctx->s, args.positional[0], &o, &err) != LD_OK)
        return cli_fail(&err);
    return print_user_result(ctx, argc, argv, o, "revoked",
                             " and their signing certificate; their sessions are ended");
}

int cmd_pki_ca_cert(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = check_args("pki ca-cert", argc, argv, &spec, &args, NULL);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_pki_ca_cert(ctx->s, &o, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, o, NULL);
    fputs(cJSON_GetStringValue(cJSON_GetObjectItem(o, "pem")), stdout);
    cJSON_Delete(o);
    return 0;
}

int cmd_policy_load(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--policy", "--products", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = check_args("policy load", argc, argv, &spec, &args, NULL);
    if (rc != 0)
        return rc;
    const char *policy = cli_opt(argc, argv, "--policy");
    const char *products = cli_opt(argc, argv, "--products");
    if (policy == NULL && products == NULL)
        return cli_usage("policy", "give --policy FILE and/or --products FILE");
    ld_error err;
    cJSON *o = NULL;
    if (ld_policy_load(ctx->s, policy, products, &o, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, o, NULL);
    printf("loaded%s%s%s%s\n", policy ? " policy " : "", policy ? policy : "",
           products ? " products " : "", products ? products : "");
    cJSON_Delete(o);
    return 0;
}
