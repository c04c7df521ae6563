/*
 * cmd_core.c - handlers for accounts, configuration, borrowers, applications
 * and their parts, and the audit trail. Each parses its arguments, calls one
 * core function and prints the result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "application.h"
#include "audit.h"
#include "borrower.h"
#include "import.h"
#include "commands.h"
#include "loandesk/origination.h"
#include "json_in.h"
#include "keystore.h"
#include "policy.h"
#include "user.h"

/* Fields whose flag values are whole numbers in JSON; everything else is text
 * (money included, as DESIGN.md wants), and "true"/"false" are booleans. */
static const char *const integer_fields[] = {"term_months",
                                             "years_employed",
                                             "years_in_business",
                                             "industry_risk_class",
                                             "lien_rank",
                                             "borrower_id",
                                             "year",
                                             NULL};

static bool is_integer_field(const char *key)
{
    for (int i = 0; integer_fields[i] != NULL; i++)
        if (strcmp(integer_fields[i], key) == 0)
            return true;
    return false;
}

/* Builds the input record from --json FILE (or -) or from --field-name VALUE
 * flags. Global options and those in skip are not fields. */
static int read_input(int argc, char **argv, const char *const *skip, cJSON **out)
{
    ld_error err;
    const char *file = cli_opt(argc, argv, "--json");
    if (file != NULL) {
        if (core_json_parse_file(file, out, &err) != LD_OK)
            return cli_fail(&err);
        return 0;
    }
    cJSON *record = cJSON_CreateObject();
    for (int i = 1; i + 1 < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0)
            continue;
        bool skipped = strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--user") == 0;
        for (int s = 0; skip != NULL && skip[s] != NULL && !skipped; s++)
            skipped = strcmp(argv[i], skip[s]) == 0;
        if (skipped) {
            i++;
            continue;
        }
        char key[64];
        snprintf(key, sizeof key, "%s", argv[i] + 2);
        for (char *p = key; *p; p++)
            if (*p == '-')
                *p = '_';
        const char *value = argv[++i];
        char *end = NULL;
        long long number = strtoll(value, &end, 10);
        if (is_integer_field(key) && end != value && *end == '\0')
            cJSON_AddNumberToObject(record, key, (double)number);
        else if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0)
            cJSON_AddBoolToObject(record, key, strcmp(value, "true") == 0);
        else
            cJSON_AddStringToObject(record, key, value);
    }
    if (record->child == NULL) {
        cJSON_Delete(record);
        return cli_usage(argv[0], "give the record as --json FILE (or - for stdin) or as flags");
    }
    *out = record;
    return 0;
}

typedef ld_status (*create_fn)(core_store *, const core_session *, const cJSON *, int64_t *,
                               ld_error *);

/* Creates a record from --json or flags and says what it made. */
static int create_record(cli_ctx *ctx, int argc, char **argv, create_fn create, const char *what)
{
    ld_error err;
    cJSON *input = NULL;
    int rc = read_input(argc, argv, NULL, &input);
    if (rc != 0)
        return rc;
    int64_t id;
    ld_status st = create(ctx->store, &ctx->session, input, &id, &err);
    cJSON_Delete(input);
    if (st != LD_OK)
        return cli_fail(&err);
    printf("created %s %lld\n", what, (long long)id);
    return 0;
}

int cmd_borrower_add(cli_ctx *ctx, int argc, char **argv)
{
    return create_record(ctx, argc, argv, core_borrower_add, "borrower");
}

int cmd_borrower_show(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int64_t id;
    int rc = cli_check("borrower show", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("borrower", args.positional[0], &id)) != 0)
        return rc;
    ld_error err;
    cJSON *record;
    if (ld_borrower_show(ctx->s, id, &record, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, record, NULL);
}

int cmd_borrower_list(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    cJSON *rows;
    if (core_borrower_list(ctx->store, &ctx->session, &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",      "kind",         "name", "id_number",
                                          "officer", "applications", NULL};
    return cli_show(argc, argv, rows, columns);
}

int cmd_borrower_update(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_positional_id(argc, argv, "borrower", &id);
    cJSON *changes = NULL;
    if (rc != 0 || (rc = read_input(argc, argv, NULL, &changes)) != 0)
        return rc;
    ld_status st = core_borrower_update(ctx->store, &ctx->session, id, changes, &err);
    cJSON_Delete(changes);
    if (st != LD_OK)
        return cli_fail(&err);
    printf("updated borrower %lld\n", (long long)id);
    return 0;
}

int cmd_borrower_assign(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_positional_id(argc, argv, "borrower", &id);
    if (rc != 0)
        return rc;
    const char *officer = cli_opt(argc, argv, "--officer");
    if (officer == NULL)
        return cli_usage("borrower", "--officer USERNAME is required");
    if (core_borrower_assign(ctx->store, &ctx->session, id, officer, &err) != LD_OK)
        return cli_fail(&err);
    printf("borrower %lld is now assigned to %s\n", (long long)id, officer);
    return 0;
}

int cmd_app_create(cli_ctx *ctx, int argc, char **argv)
{
    return create_record(ctx, argc, argv, core_application_create, "draft application");
}

int cmd_app_show(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_positional_id(argc, argv, "application", &id);
    if (rc != 0)
        return rc;
    cJSON *record;
    if (core_application_show(ctx->store, &ctx->session, id, &record, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, record, NULL);
}

int cmd_app_list(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    core_application_filter filter = {0};
    filter.state = cli_opt(argc, argv, "--state");
    const char *borrower = cli_opt(argc, argv, "--borrower");
    if (borrower != NULL) {
        int rc = cli_parse_id("borrower", borrower, &filter.borrower_id);
        if (rc != 0)
            return rc;
    }
    core_app_state state;
    if (filter.state != NULL && core_app_state_parse(filter.state, &state, &err) != LD_OK)
        return cli_fail(&err);
    cJSON *rows;
    if (core_application_list(ctx->store, &ctx->session, &filter, &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",     "borrower", "product", "amount", "term_months",
                                          "method", "state",    "officer", NULL};
    return cli_show(argc, argv, rows, columns);
}

int cmd_app_update(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_positional_id(argc, argv, "application", &id);
    cJSON *changes = NULL;
    if (rc != 0 || (rc = read_input(argc, argv, NULL, &changes)) != 0)
        return rc;
    ld_status st = core_application_update(ctx->store, &ctx->session, id, changes, &err);
    cJSON_Delete(changes);
    if (st != LD_OK)
        return cli_fail(&err);
    printf("updated application %lld\n", (long long)id);
    return 0;
}

typedef ld_status (*decision_fn)(core_store *, const core_session *, int64_t, const char *,
                                 ld_error *);

static int decide(cli_ctx *ctx, int argc, char **argv, decision_fn fn, const char *done)
{
    ld_error err;
    int64_t id;
    int rc = cli_positional_id(argc, argv, "application", &id);
    if (rc != 0)
        return rc;
    if (fn(ctx->store, &ctx->session, id, cli_opt(argc, argv, "--reason"), &err) != LD_OK)
        return cli_fail(&err);
    printf("application %lld %s\n", (long long)id, done);
    return 0;
}

int cmd_app_submit(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_positional_id(argc, argv, "application", &id);
    if (rc != 0)
        return rc;
    if (core_application_submit(ctx->store, &ctx->session, id, &err) != LD_OK)
        return cli_fail(&err);
    printf("application %lld submitted\n", (long long)id);
    return 0;
}

int cmd_app_approve(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    int64_t id;
    int rc = cli_positional_id(argc, argv, "application", &id);
    if (rc != 0)
        return rc;
    core_approval_terms terms = {.rate = -1};
    const char *amount = cli_opt(argc, argv, "--amount");
    const char *term = cli_opt(argc, argv, "--term");
    const char *rate = cli_opt(argc, argv, "--rate");
    const char *fee = cli_opt(argc, argv, "--fee");
    const char *fee_method = cli_opt(argc, argv, "--fee-method");
    if (amount != NULL && ld_money_parse_nonneg("amount", amount, &terms.amount, &err) != LD_OK)
        return cli_fail(&err);
    if (term != NULL) {
        int64_t months;
        if ((rc = cli_parse_id("term", term, &months)) != 0)
            return rc;
        terms.term_months = months > 360 ? 361 : (int)months;
    }
    if (rate != NULL && ld_rate_parse("rate", rate, &terms.rate, &err) != LD_OK)
        return cli_fail(&err);
    if (fee != NULL && ld_money_parse_nonneg("fee", fee, &terms.fee_amount, &err) != LD_OK)
        return cli_fail(&err);
    terms.fee_given = fee_method != NULL || fee != NULL;
    if (fee_method != NULL) {
        bool known = false;
        for (int f = CORE_FEE_NONE; f <= CORE_FEE_PER_INSTALLMENT && !known; f++)
            if (strcmp(fee_method, core_fee_method_name((core_fee_method)f)) == 0) {
                terms.fee_method = (core_fee_method)f;
                known = true;
            }
        if (!known) {
            fprintf(stderr, "loandesk: error: fee_method: must be none, upfront or "
                            "per_installment\n");
            return LD_EINVAL;
        }
    }
    if (core_application_approve(ctx->store, &ctx->session, id, &terms,
                                 cli_opt(argc, argv, "--reason"), &err) != LD_OK)
        return cli_fail(&err);
    printf("application %lld approved\n", (long long)id);
    return 0;
}

int cmd_app_reject(cli_ctx *ctx, int argc, char **argv)
{
    return decide(ctx, argc, argv, core_application_reject, "rejected");
}

int cmd_app_withdraw(cli_ctx *ctx, int argc, char **argv)
{
    return decide(ctx, argc, argv, core_application_withdraw, "withdrawn");
}

typedef ld_status (*part_add_fn)(core_store *, const core_session *, int64_t, const cJSON *,
                                 int64_t *, ld_error *);
typedef ld_status (*part_list_fn)(core_store *, const core_session *, int64_t, cJSON **,
                                  ld_error *);

static int add_part(cli_ctx *ctx, int argc, char **argv, part_add_fn fn, const char *what)
{
    ld_error err;
    int64_t app;
    int rc = cli_positional_id(argc, argv, "application", &app);
    cJSON *input = NULL;
    if (rc != 0 || (rc = read_input(argc, argv, NULL, &input)) != 0)
        return rc;
    int64_t id;
    ld_status st = fn(ctx->store, &ctx->session, app, input, &id, &err);
    cJSON_Delete(input);
    if (st != LD_OK)
        return cli_fail(&err);
    printf("added %s %lld to application %lld\n", what, (long long)id, (long long)app);
    return 0;
}

static int list_parts(cli_ctx *ctx, int argc, char **argv, part_list_fn fn,
                      const char *const *columns)
{
    ld_error err;
    int64_t app;
    int rc = cli_positional_id(argc, argv, "application", &app);
    if (rc != 0)
        return rc;
    cJSON *rows;
    if (fn(ctx->store, &ctx->session, app, &rows, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, rows, columns);
}

int cmd_guarantor_add(cli_ctx *ctx, int argc, char **argv)
{
    return add_part(ctx, argc, argv, core_guarantor_add, "guarantor");
}

int cmd_guarantor_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const columns[] = {
        "id", "kind", "name", "guarantee_type", "guaranteed_amount", "capacity", "short", NULL};
    return list_parts(ctx, argc, argv, core_guarantor_list, columns);
}

int cmd_collateral_add(cli_ctx *ctx, int argc, char **argv)
{
    return add_part(ctx, argc, argv, core_collateral_add, "collateral");
}

int cmd_collateral_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const columns[] = {
        "id",      "type",           "arrangement", "owner_name", "appraised_value",
        "ltv_cap", "lendable_value", "lien_rank",   NULL};
    return list_parts(ctx, argc, argv, core_collateral_list, columns);
}

int cmd_investigation_add(cli_ctx *ctx, int argc, char **argv)
{
    return add_part(ctx, argc, argv, core_investigation_add, "investigation");
}

int cmd_audit_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--entity", "--id", "--user", "--limit", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int checked = cli_check("audit", argc, argv, &spec, &args);
    if (checked != 0)
        return checked;
    ld_error err;
    core_audit_filter filter = {0};
    filter.entity = cli_opt(argc, argv, "--entity");
    filter.username = cli_opt(argc, argv, "--user");
    const char *id = cli_opt(argc, argv, "--id");
    const char *limit = cli_opt(argc, argv, "--limit");
    int rc;
    if (id != NULL && (rc = cli_parse_id("id", id, &filter.entity_id)) != 0)
        return rc;
    if (limit != NULL) {
        int64_t n;
        if ((rc = cli_parse_id("limit", limit, &n)) != 0)
            return rc;
        filter.limit = n > 100000 ? 100000 : (int)n;
    }
    cJSON *rows;
    if (core_audit_list(ctx->store, &ctx->session, &filter, &rows, &err) != LD_OK)
        return cli_fail(&err);
    if (cli_flag(argc, argv, "--json"))
        return cli_show(argc, argv, rows, NULL);
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        char *detail = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(row, "detail"));
        const cJSON *entity_id = cJSON_GetObjectItemCaseSensitive(row, "entity_id");
        char entity[96];
        if (entity_id != NULL)
            snprintf(entity, sizeof entity, "%s %lld",
                     cJSON_GetObjectItemCaseSensitive(row, "entity")->valuestring,
                     (long long)entity_id->valuedouble);
        else
            snprintf(entity, sizeof entity, "%s",
                     cJSON_GetObjectItemCaseSensitive(row, "entity")->valuestring);
        printf("%s  %-10s %-6s %-20s %-16s %s\n",
               cJSON_GetObjectItemCaseSensitive(row, "at")->valuestring,
               cJSON_GetObjectItemCaseSensitive(row, "user")->valuestring,
               cJSON_GetObjectItemCaseSensitive(row, "outcome")->valuestring,
               cJSON_GetObjectItemCaseSensitive(row, "action")->valuestring, entity,
               detail ? detail : "");
        cJSON_free(detail);
    }
    cJSON_Delete(rows);
    return 0;
}

int cmd_import(cli_ctx *ctx, int argc, char **argv)
{
    ld_error err;
    const char *path = cli_positional(argc, argv, NULL);
    if (path == NULL)
        return cli_usage("import", "name the JSON Lines file (or - for stdin)");
    core_import_stats stats;
    if (core_import_jsonl(ctx->store, &ctx->session, path, &stats, &err) != LD_OK)
        return cli_fail(&err);
    printf("imported %lld lines: %lld borrowers, %lld applications, %lld guarantors, %lld "
           "collateral items\n",
           (long long)stats.lines, (long long)stats.borrowers, (long long)stats.applications,
           (long long)stats.guarantors, (long long)stats.collateral);
    return 0;
}
