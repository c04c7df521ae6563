/*
 * loandesk/messages.h - the operations API's one-line messages in Chinese,
 * for front ends whose users read Chinese (the HTTP server when the client
 * asks with Accept-Language: zh, the web UI).
 *
 * Every operation reports in English ("amount: must be positive"), the
 * language of the logs and of the audit trail. This is a table of the
 * messages users see, keyed by the error code and the field a message names
 * (the text before ": "): the field's Chinese name, then the problem, matched
 * against known wordings with their values carried over ("amount: product
 * SWC lends 10000.00 to 5000000.00" -> "金额：产品 SWC 的金额须在 10000.00 至
 * 5000000.00 之间"). A problem the table does not know reads as the code's
 * Chinese meaning followed by the English text, so nothing is lost. No rule
 * is decided here: the text changes, never the outcome.
 */
#ifndef LOANDESK_MESSAGES_H
#define LOANDESK_MESSAGES_H

#include <stddef.h>

#include "loandesk/api.h"

/* The Chinese text of message (an ld_error's one-line message of code) into
 * out (size bytes, always NUL-terminated, cut at a character boundary);
 * returns out. */
const char *ld_message_zh(ld_status code, const char *message, char *out, size_t size);

/* The Chinese name of a field ("amount" -> "金额"), or NULL when the table
 * has none. */
const char *ld_field_zh(const char *field);

/* A short Chinese title for an error code ("输入无效"). */
const char *ld_code_zh(ld_status code);

#endif
