/*
 * cmd_documents.c - the customer archive on the command line: `doc add`,
 * `doc check`, `doc show`, `doc list`, `doc expiring` and `doc verify`. Thin:
 * parse, call the operations API (loandesk/care.h), print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_care.h"
#include "loandesk/care.h"

/* "borrower", "application" (or "app") or "loan", then the id. */
static int parse_target(const char *command, const cli_args *args, const char **kind, int64_t *id)
{
    const char *word = args->positional_count > 0 ? args->positional[0] : NULL;
    if (word == NULL || args->positional_count < 2)
        return cli_usage("doc", "%s: give borrower|application|loan and its id", command);
    if (strcmp(word, "app") == 0)
        word = "application";
    if (strcmp(word, "borrower") != 0 && strcmp(word, "application") != 0 &&
        strcmp(word, "loan") != 0)
        return cli_usage("doc", "%s: the target is borrower, application or loan, not %s", command,
                         word);
    *kind = word;
    return cli_parse_id(word, args->positional[1], id);
}

int cmd_doc_add(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--type", "--file", "--expires", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 2};
    cli_args args;
    ld_document_spec d = {0};
    int rc = cli_check("doc add", argc, argv, &spec, &args);
    if (rc != 0 || (rc = parse_target("doc add", &args, &d.target, &d.target_id)) != 0)
        return rc;
    d.type = cli_opt(argc, argv, "--type");
    d.path = cli_opt(argc, argv, "--file");
    d.expires = cli_opt(argc, argv, "--expires");
    if (d.type == NULL || d.path == NULL)
        return cli_usage("doc", "doc add: --type T and --file F are required");
    ld_error err;
    cJSON *o = NULL;
    if (ld_document_add(ctx->s, &d, &o, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        cli_print_json(o);
    else
        printf("document %lld added (%s, sha256 %s%s)\n", cli_int(o, "id"), cli_text(o, "type"),
               cli_text(o, "sha256"),
               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "stored"))
                   ? ""
                   : "; the archive already held this file");
    cJSON_Delete(o);
    return 0;
}

static int yes_no(const char *name, const char *text, bool *out)
{
    if (text != NULL && strcmp(text, "yes") == 0)
        *out = true;
    else if (text != NULL && strcmp(text, "no") == 0)
        *out = false;
    else
        return cli_usage("doc", "doc check: %s yes|no is required", name);
    return 0;
}

int cmd_doc_check(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--authentic", "--legal", "--valid", "--note", NULL};
    static const cli_spec spec = {.values = values, .max_positionals = 1};
    cli_args args;
    int64_t id = 0;
    bool authentic = false, legal = false, valid = false;
    int rc = cli_check("doc check", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("document", args.positional[0], &id)) != 0 ||
        (rc = yes_no("--authentic", cli_opt(argc, argv, "--authentic"), &authentic)) != 0 ||
        (rc = yes_no("--legal", cli_opt(argc, argv, "--legal"), &legal)) != 0 ||
        (rc = yes_no("--valid", cli_opt(argc, argv, "--valid"), &valid)) != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_document_check(ctx->s, id, authentic, legal, valid, cli_opt(argc, argv, "--note"), &o,
                          &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        cli_print_json(o);
    else
        printf("document %lld checked: %s\n", (long long)id,
               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "passed")) ? "passed" : "failed");
    cJSON_Delete(o);
    return 0;
}

int cmd_doc_show(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 1};
    cli_args args;
    int64_t id = 0;
    int rc = cli_check("doc show", argc, argv, &spec, &args);
    if (rc != 0 || (rc = cli_parse_id("document", args.positional[0], &id)) != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_document_show(ctx->s, id, &o, &err) != LD_OK)
        return cli_fail(&err);
    return cli_show(argc, argv, o, NULL);
}

int cmd_doc_list(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {.max_positionals = 2};
    cli_args args;
    const char *kind = NULL;
    int64_t id = 0;
    int rc = cli_check("doc list", argc, argv, &spec, &args);
    if (rc != 0 || (rc = parse_target("doc list", &args, &kind, &id)) != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    if (ld_document_list(ctx->s, kind, id, &o, &err) != LD_OK)
        return cli_fail(&err);
    if (ctx->json)
        return cli_show(argc, argv, o, NULL);
    static const char *const doc_columns[] = {"id",     "type",        "standing", "expires",
                                              "sha256", "uploaded_by", NULL};
    cli_print_table(cJSON_GetObjectItemCaseSensitive(o, "documents"), doc_columns);
    const cJSON *checklist = cJSON_GetObjectItemCaseSensitive(o, "checklist");
    if (checklist != NULL) {
        static const char *const list_columns[] = {"type",     "name_zh",     "required",
                                                   "standing", "document_id", NULL};
        printf("\nchecklist\n");
        cli_print_table(checklist, list_columns);
    }
    cJSON_Delete(o);
    return 0;
}

int cmd_doc_expiring(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const values[] = {"--days", NULL};
    static const cli_spec spec = {.values = values};
    cli_args args;
    int rc = cli_check("doc expiring", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    int days = -1;
    const char *text = cli_opt(argc, argv, "--days");
    if (text != NULL) {
        char *end = NULL;
        long v = strtol(text, &end, 10);
        if (end == text || *end != '\0' || v < 0 || v > 3660)
            return cli_usage("doc", "doc expiring: --days must be 0 to 3660");
        days = (int)v;
    }
    ld_error err;
    cJSON *rows = NULL;
    if (ld_document_expiring(ctx->s, days, &rows, &err) != LD_OK)
        return cli_fail(&err);
    static const char *const columns[] = {"id",        "borrower_id", "type", "expires",
                                          "days_left", "lapsed",      NULL};
    return cli_show(argc, argv, rows, columns);
}

int cmd_doc_verify(cli_ctx *ctx, int argc, char **argv)
{
    static const cli_spec spec = {0};
    cli_args args;
    int rc = cli_check("doc verify", argc, argv, &spec, &args);
    if (rc != 0)
        return rc;
    ld_error err;
    cJSON *o = NULL;
    ld_status st = ld_document_verify(ctx->s, &o, &err);
    if (o != NULL) {
        if (ctx->json)
            cli_print_json(o);
        else
            printf("archive: %lld file(s) for %lld document(s), %s\n", cli_int(o, "files"),
                   cli_int(o, "documents"), st == LD_OK ? "every file matches its hash" : "FAILED");
        cJSON_Delete(o);
    }
    return st == LD_OK ? 0 : cli_fail(&err);
}
