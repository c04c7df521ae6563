/*
 * cmd_care.h - handlers of the customer archive: `doc add|check|show|list|
 * expiring|verify` (cmd_documents.c); collection of overdue loans:
 * `collection list|show|action|promise|recover` (cmd_collection.c); visits,
 * complaints and the churn warning (cmd_care.c).
 */
#ifndef LD_CMD_CARE_H
#define LD_CMD_CARE_H

#include "cli.h"

int cmd_doc_add(cli_ctx *ctx, int argc, char **argv);
int cmd_doc_check(cli_ctx *ctx, int argc, char **argv);
int cmd_doc_show(cli_ctx *ctx, int argc, char **argv);
int cmd_doc_list(cli_ctx *ctx, int argc, char **argv);
int cmd_doc_expiring(cli_ctx *ctx, int argc, char **argv);
int cmd_doc_verify(cli_ctx *ctx, int argc, char **argv);
int cmd_collection_list(cli_ctx *ctx, int argc, char **argv);
int cmd_collection_show(cli_ctx *ctx, int argc, char **argv);
int cmd_collection_action(cli_ctx *ctx, int argc, char **argv);
int cmd_collection_promise(cli_ctx *ctx, int argc, char **argv);
int cmd_collection_recover(cli_ctx *ctx, int argc, char **argv);
int cmd_visit_add(cli_ctx *ctx, int argc, char **argv);
int cmd_visit_list(cli_ctx *ctx, int argc, char **argv);
int cmd_complaint_add(cli_ctx *ctx, int argc, char **argv);
int cmd_complaint_assign(cli_ctx *ctx, int argc, char **argv);
int cmd_complaint_respond(cli_ctx *ctx, int argc, char **argv);
int cmd_complaint_close(cli_ctx *ctx, int argc, char **argv);
int cmd_complaint_list(cli_ctx *ctx, int argc, char **argv);
int cmd_churn_list(cli_ctx *ctx, int argc, char **argv);

#endif
