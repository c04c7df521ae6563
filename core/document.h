/*
 * document.h - the customer archive (客户档案) and the check of what a borrower
 * hands in (资料审查): the document types, each product's checklist, stored
 * files and the officer's check of each, the gates that refuse submission,
 * approval and disbursement while a required document is missing or
 * unchecked, the list of documents about to lapse, and the auditor's check
 * that every stored file still matches its recorded hash.
 *
 * A file is stored once, content-addressed by its SHA-256, in the archive
 * folder beside the database (core_document_dir: mode 0700, files 0600). The
 * document and check tables are covered by the ledger's row log, so the hash,
 * type, uploader and time of every document, and every check, are in the
 * tamper-evident log. Only PDF, JPEG and PNG files are accepted, recognised by
 * their first bytes (never by name), up to CORE_DOC_MAX_BYTES.
 *
 * A document belongs to a borrower, and may be attached to one application
 * or loan of that borrower. A borrower's own documents (an ID card, a
 * business licence) count for every application of theirs.
 */
#ifndef LD_DOCUMENT_H
#define LD_DOCUMENT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "ld_error.h"
#include "session.h"
#include "store.h"

#define CORE_DOC_MAX_BYTES     (20 * 1024 * 1024)
#define CORE_DOC_CHECKLIST_MAX 16
#define CORE_DOC_NOTE_MAX      2000

typedef enum core_doc_type {
    CORE_DOC_ID_CARD,
    CORE_DOC_HOUSEHOLD_REGISTER,
    CORE_DOC_MARRIAGE_CERTIFICATE,
    CORE_DOC_INCOME_PROOF,
    CORE_DOC_BUSINESS_LICENCE,
    CORE_DOC_ARTICLES,
    CORE_DOC_FINANCIAL_STATEMENTS,
    CORE_DOC_BANK_STATEMENTS,
    CORE_DOC_COLLATERAL_TITLE,
    CORE_DOC_VALUATION_REPORT,
    CORE_DOC_GUARANTOR_CONSENT,
    CORE_DOC_SIGNED_CONTRACT,
    CORE_DOC_OTHER,
} core_doc_type;

#define CORE_DOC_TYPE_COUNT 13

/* The gate a checklist item must be met by; NONE: kept on file, gates nothing. */
typedef enum core_doc_stage {
    CORE_DOC_STAGE_NONE,
    CORE_DOC_STAGE_SUBMISSION,
    CORE_DOC_STAGE_APPROVAL,
    CORE_DOC_STAGE_DISBURSEMENT,
} core_doc_stage;

typedef struct core_doc_requirement {
    unsigned char type;  /* core_doc_type */
    unsigned char stage; /* core_doc_stage */
} core_doc_requirement;

typedef struct core_doc_checklist {
    core_doc_requirement items[CORE_DOC_CHECKLIST_MAX];
    int count;
} core_doc_checklist;

const char *core_doc_type_name(core_doc_type type);     /* "id_card" */
const char *core_doc_type_label_zh(core_doc_type type); /* "身份证" */
const char *core_doc_stage_name(core_doc_stage stage);  /* "submission" */
ld_status core_doc_type_parse(const char *field, const char *text, core_doc_type *out,
                              ld_error *err);
/* Whether a document of type is the borrower's own (an ID card, a licence,
 * statements), counting for every application of theirs, rather than one
 * application's (a title, a valuation, a consent, a contract). */
bool core_doc_type_on_borrower(core_doc_type type);

/* Reads a product's "documents" list ([{"type", "required"}], each type once;
 * "required" one of none, submission, approval, disbursement) into out.
 * Absent: an empty checklist. LD_EINVAL naming the field. */
ld_status core_doc_checklist_parse(const cJSON *product, const char *path, core_doc_checklist *out,
                                   ld_error *err);

/* The archive folder of the database at db_path ("<db_path>.documents"), for
 * backups and exports: every stored file is in it, named by its SHA-256. */
ld_status core_document_dir(const char *db_path, char *out, size_t size, ld_error *err);

/* The archive folder of the open store's database. */
ld_status core_document_store_dir(core_store *store, char *out, size_t size, ld_error *err);

/* What a document is attached to: the borrower alone, or one application
 * (application_id) of theirs, or the loan made from one (loan_id with its
 * application_id, which the caller resolves from the ledger). */
typedef enum core_doc_target_kind {
    CORE_DOC_ON_BORROWER,
    CORE_DOC_ON_APPLICATION,
    CORE_DOC_ON_LOAN,
} core_doc_target_kind;

typedef struct core_doc_target {
    core_doc_target_kind kind;
    int64_t borrower_id;    /* ON_BORROWER */
    int64_t application_id; /* ON_APPLICATION, ON_LOAN */
    int64_t loan_id;        /* ON_LOAN */
} core_doc_target;

typedef struct core_doc_input {
    core_doc_type type;
    const unsigned char *bytes;
    size_t length;
    ld_date expires_on; /* 0 with has_expiry false: does not lapse */
    bool has_expiry;
    const char *file_name; /* for people only: the name it was handed in under (may be NULL) */
} core_doc_input;

/* Stores the file (once: an archived file with the same hash is kept as it
 * is) and records the document (the customer's officer): *out gets {"id",
 * "sha256", "content_type", "size", "stored"} ("stored": false when the
 * archive already held the bytes). LD_EINVAL naming "file" for a type not
 * PDF, JPEG or PNG, an empty or oversized file, or "expires" for a date
 * already past. */
ld_status core_document_add(core_store *store, const core_session *who,
                            const core_doc_target *target, const core_doc_input *input, cJSON **out,
                            ld_error *err);

/* Records the customer's officer's check of document id: whether it is
 * authentic, legal and valid, and a note (required when any is false). */
ld_status core_document_check(core_store *store, const core_session *who, int64_t id,
                              bool authentic, bool legal, bool valid, const char *note, cJSON **out,
                              ld_error *err);

/* One document with its checks, for whoever may read the customer. */
ld_status core_document_show(core_store *store, const core_session *who, int64_t id, cJSON **out,
                             ld_error *err);

/* The documents attached to target (a borrower's: all of theirs), each with
 * its latest check, and for an application the product's checklist with each
 * item's standing (ok, missing, unchecked, failed, expired). */
ld_status core_document_list(core_store *store, const core_session *who,
                             const core_doc_target *target, cJSON **out, ld_error *err);

/* Documents with an expiry date on or before today + days (those already
 * lapsed included), soonest first, of the customers who may see them
 * (officers: their own). */
ld_status core_document_expiring(core_store *store, const core_session *who, int days, cJSON **out,
                                 ld_error *err);

/* The gate: LD_ESTATE naming the first checklist item of application app_id's
 * product required at or before stage that is missing, unchecked, failed its
 * check or lapsed. verb names the refused step ("submit"). */
ld_status core_document_gate(core_store *store, int64_t app_id, const char *product_code,
                             int64_t borrower_id, core_doc_stage stage, const char *verb,
                             ld_error *err);

/* The auditor's check of the archive (read the whole ledger): every recorded
 * file is present and hashes to its recorded SHA-256. *out gets {"files",
 * "documents", "ok", "problems": [{"sha256", "document_id", "problem"}]},
 * "ok" false when any file is missing or changed. */
ld_status core_document_verify(core_store *store, const core_session *who, cJSON **out,
                               ld_error *err);

/* Copies every archived file, checked against its hash, into dir/documents
 * (0700; files 0600, named by SHA-256) beside a ledger export in dir (read
 * the whole ledger): {"dir", "files"}. LD_EVERIFY when a file is missing or
 * changed. The export's entries hold each document's row, hash included. */
ld_status core_document_export(core_store *store, const core_session *who, const char *dir,
                               cJSON **out, ld_error *err);

#endif
