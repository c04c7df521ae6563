/*
 * cmd_reports.h - handlers of post-loan inspections, signed workbooks and
 * their verification (cmd_reports.c).
 */
#ifndef LD_CMD_REPORTS_H
#define LD_CMD_REPORTS_H

#include "cli.h"

int cmd_inspection_add(cli_ctx *ctx, int argc, char **argv);
int cmd_inspection_show(cli_ctx *ctx, int argc, char **argv);
int cmd_inspection_due(cli_ctx *ctx, int argc, char **argv);
int cmd_report_inspection(cli_ctx *ctx, int argc, char **argv);
int cmd_report_rating(cli_ctx *ctx, int argc, char **argv);
int cmd_report_investigation(cli_ctx *ctx, int argc, char **argv);
int cmd_report_fit(cli_ctx *ctx, int argc, char **argv);
int cmd_report_ledger(cli_ctx *ctx, int argc, char **argv);
int cmd_report_collection(cli_ctx *ctx, int argc, char **argv);
int cmd_report_portfolio(cli_ctx *ctx, int argc, char **argv);
int cmd_verify(cli_ctx *ctx, int argc, char **argv);

#endif
