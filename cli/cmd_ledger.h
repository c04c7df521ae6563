/*
 * cmd_ledger.h - the loan ledger's commands: loans, close of business, the
 * journal and the tamper-evident log.
 */
#ifndef LD_CMD_LEDGER_H
#define LD_CMD_LEDGER_H

#include "cli.h"

int cmd_loan_disburse(cli_ctx *ctx, int argc, char **argv);
int cmd_loan_repay(cli_ctx *ctx, int argc, char **argv);
int cmd_loan_reverse(cli_ctx *ctx, int argc, char **argv);
int cmd_loan_history(cli_ctx *ctx, int argc, char **argv);
int cmd_loan_settle(cli_ctx *ctx, int argc, char **argv);
int cmd_loan_show(cli_ctx *ctx, int argc, char **argv);
int cmd_loan_classify(cli_ctx *ctx, int argc, char **argv);
int cmd_loan_write_off(cli_ctx *ctx, int argc, char **argv);
int cmd_cob(cli_ctx *ctx, int argc, char **argv);
int cmd_journal_trial_balance(cli_ctx *ctx, int argc, char **argv);
int cmd_ledger_checkpoint(cli_ctx *ctx, int argc, char **argv);
int cmd_ledger_verify(cli_ctx *ctx, int argc, char **argv);
int cmd_ledger_export(cli_ctx *ctx, int argc, char **argv);
int cmd_ledger_prove(cli_ctx *ctx, int argc, char **argv);
int cmd_ledger_verify_proof(cli_ctx *ctx, int argc, char **argv);
int cmd_ledger_key_rotate(cli_ctx *ctx, int argc, char **argv);

#endif
