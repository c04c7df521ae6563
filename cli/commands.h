/*
 * commands.h - the handlers of the loandesk program, by command group.
 */
#ifndef LD_COMMANDS_H
#define LD_COMMANDS_H

#include "cli.h"

int cmd_init(cli_ctx *ctx, int argc, char **argv);
int cmd_login(cli_ctx *ctx, int argc, char **argv);
int cmd_logout(cli_ctx *ctx, int argc, char **argv);
int cmd_whoami(cli_ctx *ctx, int argc, char **argv);
int cmd_roles(cli_ctx *ctx, int argc, char **argv);
int cmd_user_add(cli_ctx *ctx, int argc, char **argv);
int cmd_user_list(cli_ctx *ctx, int argc, char **argv);
int cmd_user_passwd(cli_ctx *ctx, int argc, char **argv);
int cmd_user_unlock(cli_ctx *ctx, int argc, char **argv);
int cmd_user_revoke(cli_ctx *ctx, int argc, char **argv);
int cmd_pki_ca_cert(cli_ctx *ctx, int argc, char **argv);
int cmd_policy_load(cli_ctx *ctx, int argc, char **argv);

int cmd_borrower_add(cli_ctx *ctx, int argc, char **argv);
int cmd_borrower_show(cli_ctx *ctx, int argc, char **argv);
int cmd_borrower_list(cli_ctx *ctx, int argc, char **argv);
int cmd_borrower_update(cli_ctx *ctx, int argc, char **argv);
int cmd_borrower_assign(cli_ctx *ctx, int argc, char **argv);
int cmd_borrower_blocklist(cli_ctx *ctx, int argc, char **argv);
int cmd_borrower_unblock(cli_ctx *ctx, int argc, char **argv);
int cmd_credit_report_add(cli_ctx *ctx, int argc, char **argv);
int cmd_credit_report_import(cli_ctx *ctx, int argc, char **argv);
int cmd_credit_report_list(cli_ctx *ctx, int argc, char **argv);

int cmd_app_create(cli_ctx *ctx, int argc, char **argv);
int cmd_app_show(cli_ctx *ctx, int argc, char **argv);
int cmd_app_file(cli_ctx *ctx, int argc, char **argv);
int cmd_app_list(cli_ctx *ctx, int argc, char **argv);
int cmd_app_update(cli_ctx *ctx, int argc, char **argv);
int cmd_app_submit(cli_ctx *ctx, int argc, char **argv);
int cmd_app_approve(cli_ctx *ctx, int argc, char **argv);
int cmd_app_reject(cli_ctx *ctx, int argc, char **argv);
int cmd_app_withdraw(cli_ctx *ctx, int argc, char **argv);
int cmd_app_return(cli_ctx *ctx, int argc, char **argv);
int cmd_app_refer(cli_ctx *ctx, int argc, char **argv);

int cmd_guarantor_add(cli_ctx *ctx, int argc, char **argv);
int cmd_guarantor_list(cli_ctx *ctx, int argc, char **argv);
int cmd_collateral_add(cli_ctx *ctx, int argc, char **argv);
int cmd_collateral_list(cli_ctx *ctx, int argc, char **argv);
int cmd_investigation_add(cli_ctx *ctx, int argc, char **argv);

int cmd_rate(cli_ctx *ctx, int argc, char **argv);
int cmd_rating_show(cli_ctx *ctx, int argc, char **argv);
int cmd_rating_override(cli_ctx *ctx, int argc, char **argv);

int cmd_audit_list(cli_ctx *ctx, int argc, char **argv);
int cmd_import(cli_ctx *ctx, int argc, char **argv);
int cmd_loan_list(cli_ctx *ctx, int argc, char **argv);
int cmd_schedule(cli_ctx *ctx, int argc, char **argv);
int cmd_serve(cli_ctx *ctx, int argc, char **argv);

int cmd_backup(cli_ctx *ctx, int argc, char **argv);
int cmd_backup_verify(cli_ctx *ctx, int argc, char **argv);
int cmd_backup_keygen(cli_ctx *ctx, int argc, char **argv);
int cmd_restore(cli_ctx *ctx, int argc, char **argv);

#endif
