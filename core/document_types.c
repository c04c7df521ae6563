/*
 * document_types.c - the document types of the archive, the stages a
 * checklist item gates, and the product catalogue's checklist (document.h).
 * Pure: no database.
 */
#include <stdio.h>
#include <string.h>

#include "document.h"
#include "json_in.h"

static const char *const type_names[CORE_DOC_TYPE_COUNT] = {
    "id_card",
    "household_register",
    "marriage_certificate",
    "income_proof",
    "business_licence",
    "articles",
    "financial_statements",
    "bank_statements",
    "collateral_title",
    "valuation_report",
    "guarantor_consent",
    "signed_contract",
    "other",
};

static const char *const type_zh[CORE_DOC_TYPE_COUNT] = {
    "身份证",   "户口簿",         "结婚证",   "收入证明",     "营业执照", "公司章程", "财务报表",
    "银行流水", "抵押物权属证明", "评估报告", "担保人同意书", "借款合同", "其他",
};

static const char *const stage_names[] = {"none", "submission", "approval", "disbursement", NULL};

const char *core_doc_type_name(core_doc_type type)
{
    return (unsigned)type < CORE_DOC_TYPE_COUNT ? type_names[type] : "?";
}

const char *core_doc_type_label_zh(core_doc_type type)
{
    return (unsigned)type < CORE_DOC_TYPE_COUNT ? type_zh[type] : "?";
}

bool core_doc_type_on_borrower(core_doc_type type)
{
    return type <= CORE_DOC_BANK_STATEMENTS;
}

const char *core_doc_stage_name(core_doc_stage stage)
{
    return (unsigned)stage <= CORE_DOC_STAGE_DISBURSEMENT ? stage_names[stage] : "?";
}

ld_status core_doc_type_parse(const char *field, const char *text, core_doc_type *out,
                              ld_error *err)
{
    for (int i = 0; text != NULL && i < CORE_DOC_TYPE_COUNT; i++) {
        if (strcmp(text, type_names[i]) == 0) {
            *out = (core_doc_type)i;
            return LD_OK;
        }
    }
    return LD_FAIL(err, LD_EINVAL,
                   "%s: unknown document type \"%s\" (one of id_card, household_register, "
                   "marriage_certificate, income_proof, business_licence, articles, "
                   "financial_statements, bank_statements, collateral_title, valuation_report, "
                   "guarantor_consent, signed_contract, other)",
                   field, text != NULL ? text : "");
}

ld_status core_doc_checklist_parse(const cJSON *product, const char *path, core_doc_checklist *out,
                                   ld_error *err)
{
    static const char *const known[] = {"type", "required", NULL};
    memset(out, 0, sizeof *out);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(product, "documents");
    if (list == NULL)
        return LD_OK;
    if (!cJSON_IsArray(list))
        return LD_FAIL(err, LD_EINVAL, "%s.documents: must be a list", path);
    if (cJSON_GetArraySize(list) > CORE_DOC_CHECKLIST_MAX)
        return LD_FAIL(err, LD_EINVAL, "%s.documents: at most %d items", path,
                       CORE_DOC_CHECKLIST_MAX);
    int i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        char at[160], field[200];
        snprintf(at, sizeof at, "%s.documents[%d]", path, i);
        if (!cJSON_IsObject(item))
            return LD_FAIL(err, LD_EINVAL, "%s: must be an object", at);
        const char *type_text = NULL;
        int stage = 0;
        /* Set by core_doc_type_parse whenever it succeeds; initialised for
         * the optimiser of a Release build, which cannot see that. */
        core_doc_type type = CORE_DOC_ID_CARD;
        ld_status st;
        if ((st = core_json_reject_unknown(item, at, known, err)) != LD_OK ||
            (st = core_json_text(item, at, "type", true, 64, &type_text, NULL, err)) != LD_OK ||
            (st = core_doc_type_parse(core_json_field(field, sizeof field, at, "type"), type_text,
                                      &type, err)) != LD_OK ||
            (st = core_json_choice(item, at, "required", true, stage_names, &stage, NULL, err)) !=
                LD_OK)
            return st;
        for (int j = 0; j < out->count; j++)
            if (out->items[j].type == (unsigned char)type)
                return LD_FAIL(err, LD_EINVAL, "%s.type: %s is listed twice", at, type_text);
        out->items[out->count].type = (unsigned char)type;
        out->items[out->count].stage = (unsigned char)stage;
        out->count++;
        i++;
    }
    return LD_OK;
}
