/*
 * policy_store.c - loading, validating, storing and caching the policy and
 * product documents (policy.h). The cache is filled on first use in a command
 * and dropped on rollback, so a command always sees the documents in force.
 *
 * The policy document has one parser, core_policy_model_load_buffer
 * (policy_model.c): it builds the policy model, whose terms are read by
 * core_policy_terms_read below. The cache keeps that one model; core's terms
 * are read from it, and the rating module scores from the model core hands
 * it (core_policy_model_get).
 */
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "digest.h"
#include "json_in.h"
#include "permission.h"
#include "policy_model.h"
#include "store_sql.h"

const char *const core_collateral_type_names[CORE_COLLATERAL_TYPE_COUNT + 1] = {
    "real_estate", "land_use_right", "vehicle", "equipment", "deposit_receipt",
    "bonds",       "receivables",    "equity",  NULL};

const char *const core_category_names[CORE_CATEGORY_COUNT + 1] = {
    "normal", "special_mention", "substandard", "doubtful", "loss", NULL};

typedef struct config_cache {
    core_policy_model *model; /* the one parse of policy_text */
    char *policy_text;
    char policy_sha[CORE_SHA256_HEX];
    core_product *products;
    int product_count;
} config_cache;

static void config_cache_free(void *p)
{
    config_cache *cache = p;
    if (cache == NULL)
        return;
    core_policy_model_free(cache->model);
    free(cache->policy_text);
    free(cache->products);
    free(cache);
}

/* ---- the sections core reads, every problem reported ------------------------ */

typedef struct reader {
    core_problem_fn problem;
    void *context;
} reader;

static void said(const reader *rd, ld_status st, const ld_error *err)
{
    if (st != LD_OK)
        rd->problem(rd->context, err->message);
}

static const cJSON *member(const reader *rd, const cJSON *parent, const char *path, const char *key,
                           bool array)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (array ? cJSON_IsArray(item) : cJSON_IsObject(item))
        return item;
    char message[160];
    snprintf(message, sizeof message, "%s.%s: %s", path, key,
             item == NULL ? "is missing"
             : array      ? "must be an array"
                          : "must be an object");
    rd->problem(rd->context, message);
    return NULL;
}

/* Every key of obj in names (NULL-terminated), or a problem for each other. */
static void known_keys(const reader *rd, const cJSON *obj, const char *path,
                       const char *const *names, const char *what)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, obj)
    {
        bool known = false;
        for (int i = 0; names[i] != NULL; i++)
            known = known || strcmp(names[i], item->string) == 0;
        if (!known) {
            char message[200];
            snprintf(message, sizeof message, "%s.%s: unknown %s", path, item->string, what);
            rd->problem(rd->context, message);
        }
    }
}

static void read_authority(const reader *rd, const cJSON *doc, core_policy_terms *t)
{
    const cJSON *tiers = member(rd, doc, "$", "approval_authority", true);
    if (tiers == NULL)
        return;
    ld_money previous = -1;
    int index = 0;
    const cJSON *tier;
    cJSON_ArrayForEach(tier, tiers)
    {
        char path[64];
        snprintf(path, sizeof path, "$.approval_authority[%d]", index++);
        const char *role = NULL;
        ld_money amount = 0;
        ld_error err;
        ld_status st = core_json_text(tier, path, "role", true, 32, &role, NULL, &err);
        said(rd, st, &err);
        if (st == LD_OK && strcmp(role, "reviewer") != 0 && strcmp(role, "manager") != 0) {
            char message[128];
            snprintf(message, sizeof message, "%s.role: must be \"reviewer\" or \"manager\"", path);
            rd->problem(rd->context, message);
            role = NULL;
        }
        ld_status money =
            core_json_money(tier, path, "max_amount", true, false, &amount, NULL, &err);
        said(rd, money, &err);
        if (money != LD_OK)
            continue;
        if (amount <= previous) {
            char message[128];
            snprintf(message, sizeof message, "%s.max_amount: must be above the previous tier's",
                     path);
            rd->problem(rd->context, message);
        }
        previous = amount;
        if (role != NULL && strcmp(role, "reviewer") == 0)
            t->reviewer_authority = amount;
        else if (role != NULL)
            t->manager_authority = amount;
    }
    if (index == 0)
        rd->problem(rd->context, "$.approval_authority: must list at least one tier");
}

static void read_inspection(const reader *rd, const cJSON *doc, core_policy_terms *t)
{
    const cJSON *section = member(rd, doc, "$", "inspection", false);
    if (section == NULL)
        return;
    ld_error err;
    int64_t days = 0;
    static const char *const firsts[] = {"first_individual_days", "first_enterprise_days"};
    for (int k = 0; k < 2; k++) {
        ld_status st =
            core_json_int(section, "$.inspection", firsts[k], true, 1, 366, &days, NULL, &err);
        said(rd, st, &err);
        t->first_inspection_days[k] = st == LD_OK ? (int)days : 0;
    }
    const cJSON *every = member(rd, section, "$.inspection", "every_days", false);
    if (every == NULL)
        return;
    known_keys(rd, every, "$.inspection.every_days", core_category_names, "class");
    for (int i = 0; i < CORE_CATEGORY_COUNT; i++) {
        ld_status st = core_json_int(every, "$.inspection.every_days", core_category_names[i], true,
                                     1, 366, &days, NULL, &err);
        said(rd, st, &err);
        t->inspection_every_days[i] = st == LD_OK ? (int)days : 0;
    }
}

static void read_provisions(const reader *rd, const cJSON *doc, core_policy_terms *t)
{
    const cJSON *section = member(rd, doc, "$", "provision_rates", false);
    if (section == NULL)
        return;
    known_keys(rd, section, "$.provision_rates", core_category_names, "class");
    ld_rate previous = -1;
    for (int i = 0; i < CORE_CATEGORY_COUNT; i++) {
        ld_error err;
        ld_status st = core_json_rate(section, "$.provision_rates", core_category_names[i], true,
                                      &t->provision_rate[i], NULL, &err);
        said(rd, st, &err);
        if (st != LD_OK)
            continue;
        if (t->provision_rate[i] < previous) {
            char message[128];
            snprintf(message, sizeof message,
                     "$.provision_rates.%s: must not be below the better class's",
                     core_category_names[i]);
            rd->problem(rd->context, message);
        }
        previous = t->provision_rate[i];
    }
}

static void read_signals(const reader *rd, const cJSON *doc, core_policy_terms *t)
{
    /* Read by inspections, not by core's own rules: checked when given (the
     * policy parser requires it). */
    if (cJSON_GetObjectItemCaseSensitive(doc, "risk_signals") == NULL)
        return;
    const cJSON *signals = member(rd, doc, "$", "risk_signals", true);
    int i = 0;
    const cJSON *signal;
    cJSON_ArrayForEach(signal, signals)
    {
        char path[64], message[200];
        snprintf(path, sizeof path, "$.risk_signals[%d]", i++);
        const char *code = NULL, *zh = NULL, *en = NULL;
        ld_error err;
        ld_status st = core_json_text(signal, path, "code", true, 64, &code, NULL, &err);
        said(rd, st, &err);
        const core_risk_signal *earlier = st == LD_OK ? core_risk_signal_find(t, code) : NULL;
        if (earlier != NULL) {
            snprintf(message, sizeof message, "%s.code: \"%s\" repeats risk_signals[%d]", path,
                     code, (int)(earlier - t->risk_signals));
            rd->problem(rd->context, message);
        }
        ld_status zh_st = core_json_text(signal, path, "zh", true, 200, &zh, NULL, &err);
        said(rd, zh_st, &err);
        ld_status en_st = core_json_text(signal, path, "en", true, 200, &en, NULL, &err);
        said(rd, en_st, &err);
        if (t->risk_signal_count == CORE_RISK_SIGNAL_MAX) {
            snprintf(message, sizeof message, "%s: at most %d risk signals", path,
                     CORE_RISK_SIGNAL_MAX);
            rd->problem(rd->context, message);
        } else if (st == LD_OK && earlier == NULL && zh_st == LD_OK && en_st == LD_OK) {
            core_risk_signal *out = &t->risk_signals[t->risk_signal_count++];
            snprintf(out->code, sizeof out->code, "%s", code);
            snprintf(out->zh, sizeof out->zh, "%s", zh);
            snprintf(out->en, sizeof out->en, "%s", en);
        }
    }
}

const core_risk_signal *core_risk_signal_find(const core_policy_terms *terms, const char *code)
{
    for (size_t i = 0; i < terms->risk_signal_count; i++)
        if (strcmp(terms->risk_signals[i].code, code) == 0)
            return &terms->risk_signals[i];
    return NULL;
}

void core_policy_terms_read(const cJSON *doc, core_policy_terms *t, core_name_taken_fn taken,
                            core_problem_fn problem, void *context)
{
    reader rd = {problem, context};
    memset(t, 0, sizeof *t);
    ld_error err;
    const cJSON *caps = member(&rd, doc, "$", "ltv_caps", false);
    if (caps != NULL) {
        known_keys(&rd, caps, "$.ltv_caps", core_collateral_type_names, "collateral type");
        for (int i = 0; i < CORE_COLLATERAL_TYPE_COUNT; i++)
            said(&rd,
                 core_json_rate(caps, "$.ltv_caps", core_collateral_type_names[i], true,
                                &t->ltv_cap[i], NULL, &err),
                 &err);
    }
    const cJSON *capacity = cJSON_GetObjectItemCaseSensitive(doc, "guarantor_capacity") != NULL
                                ? member(&rd, doc, "$", "guarantor_capacity", false)
                                : NULL;
    const char *rule = NULL;
    if (capacity != NULL) {
        ld_status st =
            core_json_text(capacity, "$.guarantor_capacity", "rule", true, 64, &rule, NULL, &err);
        said(&rd, st, &err);
        if (st == LD_OK && strcmp(rule, "net_assets_minus_outstanding") != 0) {
            char message[200];
            snprintf(message, sizeof message,
                     "$.guarantor_capacity.rule: unknown rule \"%s\" (known: "
                     "net_assets_minus_outstanding)",
                     rule);
            problem(context, message);
        }
    }
    read_authority(&rd, doc, t);
    said(&rd,
         core_json_rate(doc, "$", "penalty_surcharge", true, &t->penalty_surcharge, NULL, &err),
         &err);
    read_inspection(&rd, doc, t);
    read_provisions(&rd, doc, t);
    read_signals(&rd, doc, t);
    core_lpr_parse(doc, &t->lpr, problem, context);
    core_rate_band_parse(doc, &t->lpr, &t->band, problem, context);
    core_attribute_set_parse(doc, &t->attributes, taken, problem, context);
}

static const char *const kind_names[] = {"individual", "enterprise", NULL};
static const char *const prepay_names[] = {"shorten_term", "reduce_installment", NULL};

static ld_status parse_product(const cJSON *item, const char *path, core_product *p, ld_error *err)
{
    static const char *const known[] = {"code",
                                        "name_zh",
                                        "name_en",
                                        "borrower_kind",
                                        "min_amount",
                                        "max_amount",
                                        "min_term",
                                        "max_term",
                                        "methods",
                                        "period",
                                        "min_age",
                                        "max_age_at_maturity",
                                        "penalty_surcharge",
                                        "prepayment",
                                        "documents",
                                        NULL};
    memset(p, 0, sizeof *p);
    ld_status st;
    const char *code = NULL, *zh = NULL, *en = NULL;
    int kind = 0, prepay = 0;
    int64_t value;
    if ((st = core_json_reject_unknown(item, path, known, err)) != LD_OK ||
        (st = core_json_text(item, path, "code", true, sizeof p->code - 1, &code, NULL, err)) !=
            LD_OK ||
        (st = core_json_text(item, path, "name_zh", true, sizeof p->name_zh - 1, &zh, NULL, err)) !=
            LD_OK ||
        (st = core_json_text(item, path, "name_en", true, sizeof p->name_en - 1, &en, NULL, err)) !=
            LD_OK ||
        (st = core_json_choice(item, path, "borrower_kind", true, kind_names, &kind, NULL, err)) !=
            LD_OK ||
        (st = core_json_money(item, path, "min_amount", true, false, &p->min_amount, NULL, err)) !=
            LD_OK ||
        (st = core_json_money(item, path, "max_amount", true, false, &p->max_amount, NULL, err)) !=
            LD_OK)
        return st;
    snprintf(p->code, sizeof p->code, "%s", code);
    snprintf(p->name_zh, sizeof p->name_zh, "%s", zh);
    snprintf(p->name_en, sizeof p->name_en, "%s", en);
    p->borrower_kind = (core_borrower_kind)kind;
    if (p->min_amount <= 0 || p->max_amount < p->min_amount)
        return LD_FAIL(err, LD_EINVAL,
                       "%s.max_amount: must be at least min_amount, which is "
                       "positive",
                       path);
    if ((st = core_json_int(item, path, "min_term", true, 1, LD_TERM_MAX_MONTHS, &value, NULL,
                            err)) != LD_OK)
        return st;
    p->min_term = (int)value;
    if ((st = core_json_int(item, path, "max_term", true, p->min_term, LD_TERM_MAX_MONTHS, &value,
                            NULL, err)) != LD_OK)
        return st;
    p->max_term = (int)value;
    const cJSON *methods = cJSON_GetObjectItemCaseSensitive(item, "methods");
    if (!cJSON_IsArray(methods) || cJSON_GetArraySize(methods) == 0)
        return LD_FAIL(err, LD_EINVAL, "%s.methods: must be a non-empty array", path);
    int index = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, methods)
    {
        char field[96];
        snprintf(field, sizeof field, "%s.methods[%d]", path, index++);
        ld_repay_method method;
        if ((st = core_repay_method_parse(field, cJSON_IsString(m) ? m->valuestring : NULL, &method,
                                          err)) != LD_OK)
            return st;
        p->methods |= 1u << method;
    }
    const char *period = NULL;
    char field[96];
    if ((st = core_json_text(item, path, "period", true, 16, &period, NULL, err)) != LD_OK ||
        (st = core_period_parse(core_json_field(field, sizeof field, path, "period"), period,
                                &p->period, err)) != LD_OK)
        return st;
    bool present = false;
    p->min_age = 18;
    p->max_age_at_maturity = 70;
    if ((st = core_json_int(item, path, "min_age", false, 18, 100, &value, &present, err)) != LD_OK)
        return st;
    if (present)
        p->min_age = (int)value;
    if ((st = core_json_int(item, path, "max_age_at_maturity", false, p->min_age, 100, &value,
                            &present, err)) != LD_OK)
        return st;
    if (present)
        p->max_age_at_maturity = (int)value;
    p->penalty_surcharge = -1; /* the policy's, unless the product says */
    if ((st = core_json_rate(item, path, "penalty_surcharge", false, &p->penalty_surcharge, NULL,
                             err)) != LD_OK ||
        (st = core_json_choice(item, path, "prepayment", true, prepay_names, &prepay, NULL, err)) !=
            LD_OK)
        return st;
    p->prepayment = (core_prepayment_rule)prepay;
    return core_doc_checklist_parse(item, path, &p->documents, err);
}

static ld_status parse_products(const char *text, core_product **out, int *count, ld_error *err)
{
    cJSON *doc = NULL;
    ld_status parsed = core_json_parse(text, strlen(text), "products", &doc, err);
    if (parsed != LD_OK)
        return parsed;
    ld_status st = LD_OK;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "products");
    int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    core_product *products = NULL;
    if (n == 0) {
        st = LD_FAIL(err, LD_EINVAL, "$.products: must be a non-empty array");
        goto out;
    }
    products = calloc((size_t)n, sizeof *products);
    if (products == NULL) {
        st = LD_FAIL(err, LD_EINTERNAL, "out of memory reading products");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        char path[48];
        snprintf(path, sizeof path, "$.products[%d]", i);
        if ((st = parse_product(cJSON_GetArrayItem(list, i), path, &products[i], err)) != LD_OK)
            goto out;
        for (int j = 0; j < i; j++) {
            if (strcmp(products[j].code, products[i].code) == 0) {
                st = LD_FAIL(err, LD_EINVAL, "%s.code: %s appears twice", path, products[i].code);
                goto out;
            }
        }
    }
    *out = products;
    *count = n;
    products = NULL;
out:
    free(products);
    cJSON_Delete(doc);
    return st;
}

/* The newest stored body of a document, copied; LD_ESTATE when none. */
static ld_status latest_document(core_store *store, const char *name, char **body,
                                 char sha[CORE_SHA256_HEX], ld_error *err)
{
    static const char sql[] =
        "SELECT body, sha256 FROM config_document WHERE name = ? ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, name);
    int rc = sqlite3_step(stmt);
    ld_status st = LD_OK;
    if (rc == SQLITE_ROW) {
        *body = core_store_column_strdup(stmt, 0);
        snprintf(sha, CORE_SHA256_HEX, "%s", (const char *)sqlite3_column_text(stmt, 1));
        if (*body == NULL)
            st = LD_FAIL(err, LD_EINTERNAL, "out of memory reading the %s", name);
    } else if (rc == SQLITE_DONE) {
        st = LD_FAIL(err, LD_ESTATE,
                     "no %s is loaded; run `loandesk init` or `loandesk policy "
                     "load`",
                     name);
    } else {
        st = core_store_fail(store, "reading configuration", err);
    }
    sqlite3_reset(stmt);
    return st;
}

static ld_status cache_get(core_store *store, config_cache **out, ld_error *err)
{
    config_cache *cache = core_store_config_cache(store);
    if (cache != NULL) {
        *out = cache;
        return LD_OK;
    }
    cache = calloc(1, sizeof *cache);
    if (cache == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    char *products_text = NULL;
    char sha[CORE_SHA256_HEX];
    ld_status st = latest_document(store, "policy", &cache->policy_text, cache->policy_sha, err);
    if (st == LD_OK)
        st = core_policy_model_load_buffer(cache->policy_text, strlen(cache->policy_text),
                                           &cache->model, err);
    if (st == LD_OK)
        st = latest_document(store, "products", &products_text, sha, err);
    if (st == LD_OK)
        st = parse_products(products_text, &cache->products, &cache->product_count, err);
    free(products_text);
    if (st != LD_OK) {
        config_cache_free(cache);
        return st;
    }
    core_store_set_config_cache(store, cache, config_cache_free);
    *out = cache;
    return LD_OK;
}

static ld_status store_document(core_store *store, const core_session *who, const char *name,
                                const char *text, size_t len, ld_error *err)
{
    char sha[CORE_SHA256_HEX], now[32];
    core_sha256_hex(text, len, sha);
    core_store_now_iso(store, now);
    static const char sql[] = "INSERT INTO config_document (name, body, sha256, loaded_at, "
                              "loaded_by) VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = core_store_stmt(store, sql, err);
    if (stmt == NULL)
        return LD_EINTERNAL;
    core_store_bind_text(stmt, 1, name);
    sqlite3_bind_text(stmt, 2, text, (int)len, SQLITE_TRANSIENT);
    core_store_bind_text(stmt, 3, sha);
    core_store_bind_text(stmt, 4, now);
    if (who != NULL)
        sqlite3_bind_int64(stmt, 5, who->user_id);
    int rc = sqlite3_step(stmt);
    int64_t id = sqlite3_last_insert_rowid(core_store_db(store));
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE)
        return core_store_fail(store, "storing configuration", err);
    if (who == NULL)
        return LD_OK;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "document", name);
    cJSON_AddStringToObject(detail, "sha256", sha);
    ld_status st = core_audit_record(store, who, "policy.load", "config_document", id, detail, err);
    cJSON_Delete(detail);
    return st;
}

ld_status core_policy_load(core_store *store, const core_session *who, const char *policy_path,
                           const char *products_path, ld_error *err)
{
    ld_status st;
    if ((st = core_store_require_transaction(store, err)) != LD_OK)
        return st;
    if (who != NULL && (st = core_perm_require(who, CORE_ACT_POLICY_MANAGE, NULL, err)) != LD_OK)
        return st;
    core_store_set_config_cache(store, NULL, NULL);
    char *text = NULL;
    size_t len = 0;
    if (policy_path != NULL) {
        core_policy_model *model = NULL;
        if ((st = core_read_file(policy_path, &text, &len, err)) != LD_OK)
            return st;
        if ((st = core_policy_model_load_buffer(text, len, &model, err)) == LD_OK)
            st = store_document(store, who, "policy", text, len, err);
        core_policy_model_free(model);
        free(text);
        if (st != LD_OK) {
            ld_error_prefix(err, "%s", policy_path);
            return st;
        }
    }
    if (products_path != NULL) {
        core_product *products = NULL;
        int count = 0;
        if ((st = core_read_file(products_path, &text, &len, err)) != LD_OK)
            return st;
        if ((st = parse_products(text, &products, &count, err)) == LD_OK)
            st = store_document(store, who, "products", text, len, err);
        free(products);
        free(text);
        if (st != LD_OK) {
            ld_error_prefix(err, "%s", products_path);
            return st;
        }
    }
    return LD_OK;
}

ld_status core_policy_terms_get(core_store *store, const core_policy_terms **out, ld_error *err)
{
    config_cache *cache = NULL;
    ld_status st = cache_get(store, &cache, err);
    if (st == LD_OK)
        *out = &cache->model->terms;
    return st;
}

ld_status core_policy_model_get(core_store *store, const core_policy_model **out, ld_error *err)
{
    config_cache *cache = NULL;
    ld_status st = cache_get(store, &cache, err);
    if (st == LD_OK)
        *out = cache->model;
    return st;
}

ld_status core_product_catalog_get(core_store *store, core_product_catalog *out, ld_error *err)
{
    config_cache *cache = NULL;
    ld_status st = cache_get(store, &cache, err);
    if (st == LD_OK)
        *out = (core_product_catalog){cache->products, cache->product_count};
    return st;
}

ld_status core_product_find(const core_product_catalog *catalog, const char *field,
                            const char *code, const core_product **out, ld_error *err)
{
    for (int i = 0; code != NULL && i < catalog->count; i++) {
        if (strcmp(catalog->products[i].code, code) == 0) {
            *out = &catalog->products[i];
            return LD_OK;
        }
    }
    return LD_FAIL(err, LD_EINVAL, "%s: no product %s in the product catalogue", field,
                   code ? code : "(none)");
}

ld_status core_product_get(core_store *store, const char *field, const char *code,
                           const core_product **out, ld_error *err)
{
    core_product_catalog catalog;
    ld_status st = core_product_catalog_get(store, &catalog, err);
    if (st != LD_OK)
        return st;
    return core_product_find(&catalog, field, code, out, err);
}

ld_status core_policy_document(core_store *store, const char **text, const char **sha256_hex,
                               ld_error *err)
{
    config_cache *cache = NULL;
    ld_status st = cache_get(store, &cache, err);
    if (st != LD_OK)
        return st;
    *text = cache->policy_text;
    *sha256_hex = cache->policy_sha;
    return LD_OK;
}

ld_status core_policy_default_authority(core_store *store, core_role role, ld_money *out,
                                        ld_error *err)
{
    if (role != CORE_ROLE_REVIEWER && role != CORE_ROLE_MANAGER) {
        *out = 0;
        return LD_OK;
    }
    const core_policy_terms *terms;
    ld_status st = core_policy_terms_get(store, &terms, err);
    if (st != LD_OK)
        return st;
    *out = role == CORE_ROLE_REVIEWER ? terms->reviewer_authority : terms->manager_authority;
    return LD_OK;
}

ld_status core_product_code_check(const char *field, const char *code, ld_error *err)
{
    size_t n = strlen(code);
    bool ok = n > 0 && n < sizeof((core_product *)0)->code;
    for (size_t i = 0; ok && i < n; i++)
        ok = (code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= 'a' && code[i] <= 'z') ||
             (code[i] >= '0' && code[i] <= '9') || code[i] == '_' || code[i] == '-';
    if (!ok)
        return LD_FAIL(err, LD_EINVAL, "%s: not a product code (letters, digits, - and _)", field);
    return LD_OK;
}

ld_status core_product_catalog_json(core_store *store, cJSON **out, ld_error *err)
{
    core_product_catalog catalog;
    ld_status st = core_product_catalog_get(store, &catalog, err);
    if (st != LD_OK)
        return st;
    cJSON *list = cJSON_CreateArray();
    for (int i = 0; i < catalog.count; i++) {
        const core_product *p = &catalog.products[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", p->code);
        cJSON_AddStringToObject(o, "name_zh", p->name_zh);
        cJSON_AddStringToObject(o, "name_en", p->name_en);
        cJSON_AddStringToObject(o, "borrower_kind", kind_names[p->borrower_kind]);
        core_json_put_money(o, "min_amount", p->min_amount);
        core_json_put_money(o, "max_amount", p->max_amount);
        core_json_put_int(o, "min_term_months", p->min_term);
        core_json_put_int(o, "max_term_months", p->max_term);
        cJSON *methods = cJSON_AddArrayToObject(o, "methods");
        for (int m = LD_METHOD_ANNUITY; m <= LD_METHOD_BULLET; m++)
            if (p->methods & (1u << m))
                cJSON_AddItemToArray(
                    methods, cJSON_CreateString(core_repay_method_name((ld_repay_method)m)));
        cJSON_AddStringToObject(o, "period", core_period_name(p->period));
        if (p->borrower_kind == CORE_BORROWER_INDIVIDUAL) {
            core_json_put_int(o, "min_age", p->min_age);
            core_json_put_int(o, "max_age_at_maturity", p->max_age_at_maturity);
        }
        core_json_put_rate(o, "penalty_surcharge", p->penalty_surcharge);
        cJSON_AddStringToObject(o, "prepayment", prepay_names[p->prepayment]);
        cJSON_AddItemToArray(list, o);
    }
    *out = list;
    return LD_OK;
}
