/*
 * cmd_rating_tools.h - commands that check policies and build and validate
 * scorecards from data files. They need no database.
 *
 *   loandesk policy check FILE
 *   loandesk rating fit --data F.csv --target COL --out P.json [--base-policy P]
 *                       [--kind individual|enterprise] [--min-iv X]
 *   loandesk rating validate --data F.csv --target COL [--policy P]
 *                       [--kind individual|enterprise] [--compare OTHER.csv]
 */
#ifndef LD_CMD_RATING_TOOLS_H
#define LD_CMD_RATING_TOOLS_H

#include "cli.h"

int cmd_policy_check(cli_ctx *ctx, int argc, char **argv);
int cmd_rating_fit(cli_ctx *ctx, int argc, char **argv);
int cmd_rating_validate(cli_ctx *ctx, int argc, char **argv);

#endif
