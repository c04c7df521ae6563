/*
 * labels_int.h - private to reports/: typed reads of the JSON the other
 * modules return, and category names in both languages (labels.c).
 */
#ifndef REPORT_LABELS_INT_H
#define REPORT_LABELS_INT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "money.h"
#include "report.h"
#include "policy.h"
#include "store.h"

/* A date cell holding no date (written blank); the ledger's LEDGER_NO_DATE. */
#define REPORT_NO_DATE ((ld_date)INT32_MIN)

const char *report_json_str(const cJSON *obj, const char *key); /* "" when absent */
ld_money report_json_money(const cJSON *obj, const char *key);  /* 0 when absent */
int64_t report_json_int(const cJSON *obj, const char *key);
ld_rate report_json_rate(const cJSON *obj, const char *key);
ld_date report_json_date(const cJSON *obj, const char *key); /* REPORT_NO_DATE when absent */
bool report_json_has(const cJSON *obj, const char *key);
/* A JSON number in millionths, rounded (0 when not a number or beyond
 * +-9e12). */
int64_t report_json_micro(const cJSON *v);

const char *report_category_label(report_lang lang, int category);
int report_category_index(const char *name); /* -1 when unknown */
const char *report_yes_no(report_lang lang, bool value);

/* A code value in words: set is "method", "decision", "fee_method",
 * "bin_kind", "scorecard", "borrower_kind", "installment", "journal",
 * "collateral", "arrangement", "guarantee", "guarantor", "report",
 * "lpr_tenor", "period", "role" or "account". Unknown codes come back as
 * they are. */
const char *report_code_label(report_lang lang, const char *set, const char *code);
const char *report_kind_label(report_lang lang, const char *kind);

/* A loan's status as the ledger holds it (ledger_loan_status: 0 active,
 * 1 settled, 2 written off), an active loan past due being overdue. */
const char *report_loan_status_label(report_lang lang, int status, int64_t dpd);

/* "CODE name" of a product in the catalogue in force; the code alone when
 * the catalogue does not hold it. */
void report_product_label(core_store *store, report_lang lang, const char *code, char *buf,
                          size_t size);
/* The same from a catalogue (NULL: the code alone). */
void report_product_name(const core_product_catalog *catalog, report_lang lang, const char *code,
                         char *buf, size_t size);

#endif
