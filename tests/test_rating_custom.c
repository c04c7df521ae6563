/*
 * test_rating_custom.c - the bank's own variables from end to end: `rating
 * fit` on generated data whose columns are partly built-in features and partly
 * the bank's own names, the fitted policy loaded through the operations API,
 * borrowers and applications carrying those variables as attributes (checked
 * against the policy in force), and their ratings checked against the fitted
 * policy's points, looked up here by hand from its JSON.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_fixture.h"
#include "check.h"
#include "ident.h"
#include "loandesk/admin.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"
#include "store.h"
#include "store_sql.h"
#include "user.h"

#define PASSWORD "Test-pass-2026"

static char dir[300], db_path[300], csv_path[300], policy_path[300];
static ld_api *api;
static ld_session *admin, *off1, *rev1;
static core_store *raw;

#define die afx_die

static uint64_t rng_state = 20261129;

static double uniform(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* logit P(bad) = -1.2 + 3 dti + housing effect + region effect - 0.02 tenure;
 * "Region Code" is named as no feature is, "island" is rare (pooled). */
static void write_data(void)
{
    static const char *const housing[] = {"own", "mortgage", "rent", "family"};
    static const double housing_effect[] = {-0.5, -0.2, 0.4, 0.1};
    static const char *const region[] = {"north", "south", "east", "west", "island"};
    static const double region_effect[] = {-0.6, 0.5, 0.0, 0.3, 0.3};
    FILE *f = fopen(csv_path, "w");
    if (f == NULL)
        die("data file", NULL);
    fprintf(f, "dti_after_loan,housing,Region Code,tenure_months,noise,bad\n");
    for (int r = 0; r < 20000; r++) {
        double dti = 0.8 * uniform();
        int h = (int)(4 * uniform());
        double u = uniform();
        int g = u < 0.01 ? 4 : (int)(4 * uniform());
        double tenure = floor(120 * uniform());
        double z = -1.2 + 3 * dti + housing_effect[h] + region_effect[g] - 0.02 * tenure;
        int bad = uniform() < 1 / (1 + exp(-z));
        fprintf(f, "%.4f,%s,%s,%.0f,%.4f,%d\n", dti, housing[h], region[g], tenure, uniform(), bad);
    }
    fclose(f);
}

static ld_session *user(const char *username, core_role role)
{
    ld_error err;
    core_session boss = {.role = CORE_ROLE_ADMIN};
    snprintf(boss.username, sizeof boss.username, "admin");
    if (core_user_id(raw, "admin", &boss.user_id, &err) != LD_OK)
        die("admin id", &err);
    core_user_spec spec = {.username = username,
                           .full_name = username,
                           .role = role,
                           .authority_limit = -1,
                           .password = PASSWORD};
    int64_t id;
    if (core_store_begin(raw, &err) != LD_OK ||
        core_user_add(raw, &boss, &spec, &id, &err) != LD_OK ||
        core_store_exec(raw, "UPDATE app_user SET password_changed_on = date('now')", &err) !=
            LD_OK ||
        core_store_commit(raw, &err) != LD_OK)
        die("adding a user", &err);
    return afx_login(api, username, PASSWORD);
}

static void setup(void)
{
    api = afx_book_new("custom", PASSWORD, dir, sizeof dir, db_path, sizeof db_path);
    snprintf(csv_path, sizeof csv_path, "%s/history.csv", dir);
    snprintf(policy_path, sizeof policy_path, "%s/fitted.json", dir);
    ld_error err;
    if (core_store_open_existing(db_path, &raw, &err) != LD_OK)
        die("raw open", &err);
    admin = afx_login(api, "admin", PASSWORD);
    off1 = user("off1", CORE_ROLE_OFFICER);
    rev1 = user("rev1", CORE_ROLE_REVIEWER);
    write_data();
}

static void teardown(void)
{
    ld_session_free(admin);
    ld_session_free(off1);
    ld_session_free(rev1);
    core_store_close(raw);
    ld_api_close(api);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static const cJSON *column_named(const cJSON *fit, const char *name)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(fit, "columns"))
    {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(c, "name")->valuestring, name) == 0)
            return c;
    }
    return NULL;
}

/* ---- the fitted policy's points, looked up by hand ------------------------ */

static cJSON *fitted;

static const cJSON *factor_of(const char *feature)
{
    const cJSON *card = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(fitted, "scorecards"), "individual");
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(card, "factors"))
    {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(f, "feature")->valuestring, feature) == 0)
            return f;
    }
    return NULL;
}

static int outcome_points(const cJSON *factor, const char *key)
{
    return (int)cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(factor, key),
                                                 "points")
        ->valuedouble;
}

static int points_of_number(const cJSON *factor, double x)
{
    const cJSON *bin;
    cJSON_ArrayForEach(bin, cJSON_GetObjectItemCaseSensitive(factor, "bins"))
    {
        const cJSON *lo = cJSON_GetObjectItemCaseSensitive(bin, "min");
        const cJSON *hi = cJSON_GetObjectItemCaseSensitive(bin, "max");
        if ((lo == NULL || x >= lo->valuedouble) && (hi == NULL || x < hi->valuedouble))
            return (int)cJSON_GetObjectItemCaseSensitive(bin, "points")->valuedouble;
    }
    return -100000;
}

static int points_of_category(const cJSON *factor, const char *value)
{
    const cJSON *bin;
    cJSON_ArrayForEach(bin, cJSON_GetObjectItemCaseSensitive(factor, "bins"))
    {
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(bin, "categories"))
        {
            if (strcmp(c->valuestring, value) == 0)
                return (int)cJSON_GetObjectItemCaseSensitive(bin, "points")->valuedouble;
        }
    }
    return outcome_points(factor, "else");
}

/* The score the fitted policy gives: base points, then each factor by its
 * value (missing unless given). dti is the value the rating computed. */
static int expected_score(double dti, const char *housing, const char *region, double tenure)
{
    const cJSON *card = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(fitted, "scorecards"), "individual");
    int score = (int)cJSON_GetObjectItemCaseSensitive(card, "base_points")->valuedouble;
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(card, "factors"))
    {
        const char *feature = cJSON_GetObjectItemCaseSensitive(f, "feature")->valuestring;
        if (strcmp(feature, "dti_after_loan") == 0)
            score += points_of_number(f, dti);
        else if (strcmp(feature, "housing") == 0)
            score += housing ? points_of_category(f, housing) : outcome_points(f, "missing");
        else if (strcmp(feature, "region_code") == 0)
            score += region ? points_of_category(f, region) : outcome_points(f, "missing");
        else if (strcmp(feature, "tenure_months") == 0)
            score += tenure >= 0 ? points_of_number(f, tenure) : outcome_points(f, "missing");
        else
            score += outcome_points(f, "missing");
    }
    return score;
}

/* ---- the cases ------------------------------------------------------------- */

static void fit_makes_unnamed_columns_the_banks_own_variables(void)
{
    ld_fit_spec spec = {.data_path = csv_path,
                        .target = "bad",
                        .out_path = policy_path,
                        .base_policy = LOANDESK_SOURCE_DIR "/policy/default.json"};
    cJSON *fit = NULL, *check = NULL;
    ld_error err;
    /* Fitting is the risk function's: an officer is refused before anything
     * is read or written. */
    CHECK_INT(ld_rating_fit(off1, &spec, &fit, &err), LD_EPERM);
    CHECK_CONTAINS(err.message, "the officer role may not fit scorecards");
    CHECK(fit == NULL);
    CHECK(access(policy_path, F_OK) != 0);
    CHECK_INT(ld_rating_fit(rev1, &spec, &fit, &err), LD_OK);
    if (fit == NULL)
        die("fit", &err);
    const cJSON *region = column_named(fit, "Region Code");
    const cJSON *tenure = column_named(fit, "tenure_months");
    const cJSON *dti = column_named(fit, "dti_after_loan");
    const cJSON *noise = column_named(fit, "noise");
    CHECK(region && tenure && dti && noise);
    if (!(region && tenure && dti && noise))
        return;
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(region, "feature")->valuestring, "region_code");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(region, "source")->valuestring, "bank variable");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(region, "type")->valuestring, "categorical");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(dti, "source")->valuestring, "built-in");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(region, "kept")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tenure, "kept")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(dti, "kept")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(noise, "kept")));
    CHECK(cJSON_GetObjectItemCaseSensitive(noise, "note") != NULL);
    /* The rare "island" (1 %) is pooled with another region: four bins. */
    CHECK_INT((int)cJSON_GetObjectItemCaseSensitive(region, "bins")->valuedouble, 4);
    /* The fit report gives each bin's rows, bads and WoE. */
    const cJSON *bins = cJSON_GetObjectItemCaseSensitive(tenure, "bin_detail");
    CHECK(cJSON_GetArraySize(bins) >= 2);
    double rows = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, bins) rows += cJSON_GetObjectItemCaseSensitive(b, "rows")->valuedouble;
    CHECK_INT((long long)rows, 20000);
    cJSON_Delete(fit);
    /* The written policy passes its check and declares the variables. */
    CHECK_INT(ld_policy_check(policy_path, &check, &err), LD_OK);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(check, "ok")));
    cJSON_Delete(check);
    char *text = NULL;
    size_t length = 0;
    FILE *f = fopen(policy_path, "rb");
    if (f != NULL) {
        text = calloc(1, 1 << 20);
        length = text ? fread(text, 1, (1 << 20) - 1, f) : 0;
        fclose(f);
    }
    fitted = text && length ? cJSON_Parse(text) : NULL;
    free(text);
    CHECK(fitted != NULL);
    if (fitted == NULL)
        return;
    const cJSON *def;
    int declared = 0;
    cJSON_ArrayForEach(def, cJSON_GetObjectItemCaseSensitive(fitted, "features"))
    {
        const char *name = cJSON_GetObjectItemCaseSensitive(def, "name")->valuestring;
        const char *type = cJSON_GetObjectItemCaseSensitive(def, "type")->valuestring;
        if (strcmp(name, "region_code") == 0) {
            CHECK_STR(type, "categorical");
            CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(def, "values")), 5);
            declared++;
        } else if (strcmp(name, "tenure_months") == 0) {
            CHECK_STR(type, "numeric");
            declared++;
        }
    }
    CHECK_INT(declared, 2);
    CHECK(factor_of("region_code") != NULL && factor_of("tenure_months") != NULL);
}

static int64_t created_id(const cJSON *out)
{
    return (int64_t)cJSON_GetObjectItemCaseSensitive(out, "id")->valuedouble;
}

static cJSON *borrower_record(const char *id_number, const char *region)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "kind", "individual");
    cJSON_AddStringToObject(b, "name", "Chen Jing");
    cJSON_AddStringToObject(b, "id_number", id_number);
    cJSON_AddStringToObject(b, "phone", "13800138000");
    cJSON_AddStringToObject(b, "address", "Hangzhou");
    cJSON_AddStringToObject(b, "monthly_income", "30000.00");
    cJSON_AddStringToObject(b, "housing", "rent");
    if (region != NULL)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(b, "attributes"), "region_code", region);
    return b;
}

/* A submitted application of a new borrower; tenure < 0: not given. */
static int64_t application(int seq, const char *region, double tenure)
{
    char id[19];
    snprintf(id, sizeof id, "3301061988%02d01%03d", 1 + seq % 12, seq);
    id[17] = core_resident_id_check_char(id);
    id[18] = '\0';
    cJSON *record = borrower_record(id, region), *out = NULL;
    ld_error err;
    if (ld_borrower_add(off1, record, &out, &err) != LD_OK)
        die("borrower", &err);
    int64_t borrower = created_id(out);
    cJSON_Delete(record);
    cJSON_Delete(out);
    record = cJSON_CreateObject();
    cJSON_AddNumberToObject(record, "borrower_id", (double)borrower);
    cJSON_AddStringToObject(record, "product", "PCL");
    cJSON_AddStringToObject(record, "amount", "100000.00");
    cJSON_AddNumberToObject(record, "term_months", 24);
    cJSON_AddStringToObject(record, "method", "annuity");
    cJSON_AddStringToObject(record, "purpose", "renovation");
    if (tenure >= 0)
        cJSON_AddNumberToObject(cJSON_AddObjectToObject(record, "attributes"), "tenure_months",
                                tenure);
    if (ld_application_create(off1, record, &out, &err) != LD_OK)
        die("application", &err);
    int64_t app = created_id(out);
    cJSON_Delete(record);
    cJSON_Delete(out);
    record = cJSON_Parse("{\"site_visit_date\": \"2026-06-01\", \"operations\": \"salaried\", "
                         "\"assets_liabilities\": \"rents\", \"repayment_capacity\": \"ok\", "
                         "\"conclusion\": \"recommend\"}");
    if (ld_investigation_add(off1, app, record, &out, &err) != LD_OK)
        die("investigation", &err);
    cJSON_Delete(record);
    cJSON_Delete(out);
    afx_documents(off1, app);
    if (ld_application_submit(off1, app, &out, &err) != LD_OK)
        die("submit", &err);
    cJSON_Delete(out);
    return app;
}

static double factor_value(const cJSON *result, const char *feature)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(result, "factors"))
    {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(f, "feature")->valuestring, feature) == 0) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, "value");
            return cJSON_IsNumber(v) ? v->valuedouble : NAN;
        }
    }
    return NAN;
}

static void loaded_policy_rates_applications_by_their_attributes(void)
{
    if (fitted == NULL)
        return;
    cJSON *out = NULL;
    ld_error err;
    CHECK_INT(ld_policy_load(admin, policy_path, NULL, &out, &err), LD_OK);
    cJSON_Delete(out);
    static const struct {
        const char *region;
        double tenure;
    } cases[] = {{"north", 100}, {"south", 3}, {"island", 60}, {NULL, 40}, {"west", -1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t app = application((int)i + 1, cases[i].region, cases[i].tenure);
        cJSON *result = NULL;
        CHECK_INT(ld_application_rate(rev1, app, &result, &err), LD_OK);
        if (result == NULL)
            continue;
        double dti = factor_value(result, "dti_after_loan");
        CHECK(dti > 0 && dti < 1);
        int score = (int)cJSON_GetObjectItemCaseSensitive(result, "score")->valuedouble;
        CHECK_INT(score, expected_score(dti, "rent", cases[i].region, cases[i].tenure));
        if (cases[i].region != NULL)
            CHECK(factor_value(result, "tenure_months") == cases[i].tenure || cases[i].tenure < 0);
        cJSON_Delete(result);
    }
}

static void attributes_are_checked_against_the_policy_in_force(void)
{
    if (fitted == NULL)
        return;
    ld_error err;
    cJSON *out = NULL;
    char id[19] = "33010619880101999";
    id[17] = core_resident_id_check_char(id);
    id[18] = '\0';
    cJSON *record = borrower_record(id, "mars");
    CHECK_INT(ld_borrower_add(off1, record, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "attributes.region_code");
    CHECK_CONTAINS(err.message, "north");
    cJSON_Delete(record);
    record = borrower_record(id, "north");
    cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(record, "attributes"), "shoe_size",
                            "42");
    CHECK_INT(ld_borrower_add(off1, record, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "attributes.shoe_size: is not a variable of the policy in force");
    cJSON_Delete(record);
    /* Numeric variables take numbers, also given as text (as flags give them). */
    const char *names[] = {"--borrower-id", "--attr-tenure-months"};
    const char *values[] = {"1", "twelve"};
    CHECK_INT(ld_record_from_flags(2, names, values, &record, &err), LD_OK);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(
                  cJSON_GetObjectItemCaseSensitive(record, "attributes"), "tenure_months")
                  ->valuestring,
              "twelve");
    cJSON_AddStringToObject(record, "product", "PCL");
    cJSON_AddStringToObject(record, "amount", "100000.00");
    cJSON_AddNumberToObject(record, "term_months", 24);
    cJSON_AddStringToObject(record, "method", "annuity");
    cJSON_AddStringToObject(record, "purpose", "renovation");
    CHECK_INT(ld_application_create(off1, record, &out, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "attributes.tenure_months: must be a number");
    cJSON_ReplaceItemInObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(record, "attributes"),
                                           "tenure_months", cJSON_CreateString("12"));
    CHECK_INT(ld_application_create(off1, record, &out, &err), LD_OK);
    cJSON *shown = NULL;
    if (out != NULL && ld_application_show(off1, created_id(out), &shown, &err) == LD_OK) {
        const cJSON *app = cJSON_GetObjectItemCaseSensitive(shown, "application");
        const cJSON *attributes = cJSON_GetObjectItemCaseSensitive(app ? app : shown, "attributes");
        const cJSON *tenure = cJSON_GetObjectItemCaseSensitive(attributes, "tenure_months");
        CHECK(cJSON_IsNumber(tenure) && tenure->valuedouble == 12);
    }
    cJSON_Delete(shown);
    cJSON_Delete(out);
    cJSON_Delete(record);
}

static const check_case cases[] = {
    {"fit_makes_unnamed_columns_the_banks_own_variables",
     fit_makes_unnamed_columns_the_banks_own_variables},
    {"loaded_policy_rates_applications_by_their_attributes",
     loaded_policy_rates_applications_by_their_attributes},
    {"attributes_are_checked_against_the_policy_in_force",
     attributes_are_checked_against_the_policy_in_force},
};

int main(int argc, char **argv)
{
    setup();
    int rc = CHECK_RUN(argc, argv, cases);
    cJSON_Delete(fitted);
    teardown();
    return rc;
}
