/*
 * test_ledger_log.c - canonical JSON (RFC 8785) and the SQLite-stored log.
 *
 * Canonical JSON: key order by UTF-16 code units (the RFC's own example),
 * the exact escapes, integers only with the offending path named, and the
 * byte-for-byte canonical check used on exports.
 *
 * The stored log, on :memory: databases: roots and proofs read from the store
 * equal those computed in memory for every size and many indexes; rollbacks
 * leave nothing stale; and tampering through raw SQL - a changed, deleted,
 * inserted or reordered row, in bodies, leaf hashes or subtree roots - makes
 * verify_all fail with LD_EVERIFY and the right first bad entry.
 */
#include <stdlib.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "canonical_json.h"
#include "check.h"
#include "log.h"
#include "merkle.h"
#include "proof.h"

/* ---- Canonical JSON ---------------------------------------------------------- */

static char *canon(const cJSON *value, ld_error *err, ld_status expect)
{
    char *out = NULL;
    size_t len = 0;
    ld_status status = ledger_json_canonical(value, &out, &len, err);
    CHECK_INT(status, expect);
    if (status == LD_OK)
        CHECK_INT(len, strlen(out));
    return out;
}

static void canonical_sorts_keys_by_utf16_code_units(void)
{
    /* RFC 8785 §3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB33,
     * though its code point is larger. */
    cJSON *obj = cJSON_CreateObject();
    static const char *keys[] = {"\xe2\x82\xac",     "\r",       "\xef\xac\xb3", "1",
                                 "\xf0\x9f\x98\x80", "\xc2\x80", "\xc3\xb6"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        cJSON_AddItemToObject(obj, keys[i], cJSON_CreateString(keys[i][0] == '1' ? "One" : "x"));
    ld_error err;
    char *out = canon(obj, &err, LD_OK);
    CHECK_STR(out, "{\"\\r\":\"x\",\"1\":\"One\",\"\xc2\x80\":\"x\",\"\xc3\xb6\":\"x\","
                   "\"\xe2\x82\xac\":\"x\",\"\xf0\x9f\x98\x80\":\"x\",\"\xef\xac\xb3\":\"x\"}");
    free(out);
    cJSON_Delete(obj);

    /* Prefixes first, upper case before lower, nested objects sorted too. */
    cJSON *entry = cJSON_Parse("{\"b\":[3,{\"z\":1,\"y\":2}],\"a\":{\"bb\":true,\"b\":false,"
                               "\"B\":null},\"aa\":\"\",\"A\":[]}");
    out = canon(entry, &err, LD_OK);
    CHECK_STR(out, "{\"A\":[],\"a\":{\"B\":null,\"b\":false,\"bb\":true},\"aa\":\"\",\"b\":[3,{"
                   "\"y\":2,\"z\":1}]}");
    free(out);
    cJSON_Delete(entry);

    cJSON *empty = cJSON_CreateObject();
    out = canon(empty, &err, LD_OK);
    CHECK_STR(out, "{}");
    free(out);
    cJSON_Delete(empty);
}

static void canonical_escapes_exactly_as_rfc_8785(void)
{
    cJSON *s = cJSON_CreateString("q\" b\\ \b\f\n\r\t \x01\x1f \x7f / \xc3\xa9 \xe2\x80\xa8 "
                                  "\xf0\x9f\x98\x80");
    ld_error err;
    char *out = canon(s, &err, LD_OK);
    CHECK_STR(out, "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f \x7f / \xc3\xa9 \xe2\x80\xa8 "
                   "\xf0\x9f\x98\x80\"");
    free(out);
    cJSON_Delete(s);
    cJSON *key = cJSON_CreateObject();
    cJSON_AddItemToObject(key, "a\"\n", cJSON_CreateTrue());
    out = canon(key, &err, LD_OK);
    CHECK_STR(out, "{\"a\\\"\\n\":true}");
    free(out);
    cJSON_Delete(key);
}

static void canonical_accepts_integers_and_rejects_the_rest_with_path(void)
{
    cJSON *ok = cJSON_Parse("[0,-1,1,500000000,9007199254740991,-9007199254740991,1E2,-0]");
    ld_error err;
    char *out = canon(ok, &err, LD_OK);
    CHECK_STR(out, "[0,-1,1,500000000,9007199254740991,-9007199254740991,100,0]");
    free(out);
    cJSON_Delete(ok);

    static const struct {
        const char *json, *path;
    } bad[] = {
        {"{\"amount\":1.5}", "$.amount"},
        {"{\"items\":[{\"rate\":1},{\"rate\":0.0435}]}", "$.items[1].rate"},
        {"[9007199254740992]", "$[0]"},
        {"[-9007199254740993]", "$[0]"},
        {"{\"x\":1e300}", "$.x"},
        {"{\"loan\":{\"principal\":50000000.01}}", "$.loan.principal"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *value = cJSON_Parse(bad[i].json);
        CHECK(value != NULL);
        out = canon(value, &err, LD_EINVAL);
        CHECK(out == NULL);
        CHECK_CONTAINS(err.message, bad[i].path);
        CHECK_CONTAINS(err.message, "integer");
        cJSON_Delete(value);
    }
}

static void canonical_rejects_duplicates_bad_utf8_raw_and_depth(void)
{
    ld_error err;
    cJSON *dup = cJSON_CreateObject();
    cJSON_AddItemToObject(dup, "k", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(dup, "k", cJSON_CreateNumber(2));
    CHECK(canon(dup, &err, LD_EINVAL) == NULL);
    CHECK_CONTAINS(err.message, "duplicate key");
    cJSON_Delete(dup);

    static const char *bad_utf8[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                     "ab\xe2\x82"};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        cJSON *obj = cJSON_CreateObject();
        cJSON *list = cJSON_AddArrayToObject(obj, "names");
        cJSON_AddItemToArray(list, cJSON_CreateString("fine"));
        cJSON_AddItemToArray(list, cJSON_CreateString(bad_utf8[i]));
        CHECK(canon(obj, &err, LD_EINVAL) == NULL);
        CHECK_CONTAINS(err.message, "$.names[1]");
        CHECK_CONTAINS(err.message, "UTF-8");
        cJSON_Delete(obj);
        obj = cJSON_CreateObject();
        cJSON_AddItemToObject(obj, bad_utf8[i], cJSON_CreateNull());
        CHECK(canon(obj, &err, LD_EINVAL) == NULL);
        CHECK_CONTAINS(err.message, "key");
        cJSON_Delete(obj);
    }
    cJSON *raw = cJSON_CreateRaw("1.5");
    CHECK(canon(raw, &err, LD_EINVAL) == NULL);
    cJSON_Delete(raw);

    cJSON *deep = cJSON_CreateArray(), *at = deep;
    for (int i = 0; i < LEDGER_JSON_DEPTH_MAX + 1; i++) {
        cJSON *inner = cJSON_CreateArray();
        cJSON_AddItemToArray(at, inner);
        at = inner;
    }
    CHECK(canon(deep, &err, LD_EINVAL) == NULL);
    CHECK_CONTAINS(err.message, "deeper");
    cJSON_Delete(deep);
}

static void check_canonical_accepts_only_the_canonical_bytes(void)
{
    static const char *good[] = {
        "{}",
        "[]",
        "0",
        "\"\"",
        "{\"amount\":50000000,\"event\":\"repayment\",\"loan\":\"L-1\",\"ok\":true,\"x\":null}",
        "{\"\\r\":1,\"1\":2,\"\xc2\x80\":3,\"\xf0\x9f\x98\x80\":4,\"\xef\xac\xb3\":5}",
        "[\"\\u0001\\u001f\\\"\\\\\\b\\f\\n\\r\\t\x7f\xe2\x80\xa8\"]",
    };
    ld_error err;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        ld_status status = ledger_json_check_canonical(good[i], strlen(good[i]), &err);
        CHECK_INT(status, LD_OK);
        if (status != LD_OK)
            fprintf(stderr, "  %s: %s\n", good[i], err.message);
    }
    static const char *bad[] = {
        "",
        " {}",
        "{} ",
        "{}\n",
        "{\"a\": 1}",
        "{\"b\":1,\"a\":2}",
        "{\"a\":1,\"a\":1}",
        "{\"a\":1.0}",
        "{\"a\":1e2}",
        "{\"a\":-0}",
        "{\"a\":01}",
        "{\"a\":1.5}",
        "{\"a\":9007199254740993}",
        "[\"\\u00e9\"]",
        "[\"\\/\"]",
        "[\"\\u001F\"]",
        "[\"\\u000a\"]",
        "[\"\\ud83d\\ude00\"]",
        "[\"\xff\"]",
        "{\"a\":1",
        "{\"a\":1}}",
        "{'a':1}",
        "[1,]",
        "{\"\xf0\x9f\x98\x80\":1,\"\xef\xac\xb3\":2,\"\\r\":3}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ld_status status = ledger_json_check_canonical(bad[i], strlen(bad[i]), &err);
        CHECK_INT(status, LD_EINVAL);
        if (status == LD_OK)
            fprintf(stderr, "  accepted: %s\n", bad[i]);
    }
    CHECK_INT(ledger_json_check_canonical("[\"a\0b\"]", 7, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "control character");
    CHECK_INT(ledger_json_check_canonical("{\"b\":1,\"a\":2}", 13, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "byte 7");
}

/* The definition the fast check must agree with: parse with cJSON, serialise
 * canonically, compare bytes. */
static bool oracle_canonical(const char *bytes, size_t len)
{
    if (len == 0 || memchr(bytes, '\0', len) != NULL)
        return false;
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithLengthOpts(bytes, len, &end, 0);
    if (value == NULL)
        return false;
    char *again = NULL;
    size_t again_len = 0;
    ld_error err;
    bool same = ledger_json_canonical(value, &again, &again_len, &err) == LD_OK &&
                again_len == len && memcmp(again, bytes, len) == 0;
    free(again);
    cJSON_Delete(value);
    return same;
}

static void check_canonical_agrees_with_reserialising_on_mutations(void)
{
    static const char *seeds[] = {
        "{\"amount\":50000000,\"event\":\"repayment\",\"loan\":\"L-1\",\"ok\":true,\"x\":null}",
        "{\"\\r\":1,\"1\":[2,-3,{}],\"\xc2\x80\":\"\\u001f\",\"\xf0\x9f\x98\x80\":4,"
        "\"\xef\xac\xb3\":5}",
        "[\"a\\\"b\\\\c\\n\",0,-9007199254740991,9007199254740991,false,[[]],{\"a\":{\"b\":1}}]",
        "{\"A\":1,\"a\":2,\"aa\":3,\"ab\":\"\xe5\xbc\xa0\xe4\xb8\x89\",\"b\":[true,null]}",
    };
    static const char alphabet[] = "{}[]\":,\\ 0123456789-.eEutfnrlsab/\x01\x1f\x7f\x80\xbf\xc3"
                                   "\xe2\xf0\xff";
    uint64_t state = 88172645463325252ULL;
    int disagreements = 0, accepted = 0;
    ld_error err;
    for (int iter = 0; iter < 40000; iter++) {
        char buf[256];
        const char *seed = seeds[iter % 4];
        size_t len = strlen(seed);
        memcpy(buf, seed, len);
        int edits = 1 + (int)(iter % 3);
        for (int e = 0; e < edits; e++) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            size_t pos = (size_t)(state % len);
            char ch = alphabet[(state >> 20) % (sizeof alphabet - 1)];
            switch ((state >> 40) % 4) {
            case 0:
                buf[pos] = ch;
                break;
            case 1:
                if (len + 1 < sizeof buf) {
                    memmove(buf + pos + 1, buf + pos, len - pos);
                    buf[pos] = ch;
                    len++;
                }
                break;
            case 2:
                if (len > 1) {
                    memmove(buf + pos, buf + pos + 1, len - pos - 1);
                    len--;
                }
                break;
            default:
                if (pos + 1 < len) {
                    char t = buf[pos];
                    buf[pos] = buf[pos + 1];
                    buf[pos + 1] = t;
                }
            }
        }
        bool fast = ledger_json_check_canonical(buf, len, &err) == LD_OK;
        bool slow = oracle_canonical(buf, len);
        accepted += fast;
        if (fast != slow && disagreements++ < 5)
            fprintf(stderr, "check %d, reserialise %d: %.*s\n", fast, slow, (int)len, buf);
    }
    CHECK_INT(disagreements, 0);
    CHECK(accepted > 100); /* the mutations do reach valid documents too */
    for (size_t i = 0; i < 4; i++)
        CHECK(oracle_canonical(seeds[i], strlen(seeds[i])));
}

/* ---- Checkpoint text ---------------------------------------------------------- */

static void checkpoint_text_is_exact_and_parses_back(void)
{
    ledger_checkpoint cp = {.index = 3, .size = 8, .time = 1700000000};
    ld_error err;
    CHECK_INT(ledger_hash_from_hex(
                  "root", "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
                  &cp.root, &err),
              LD_OK);
    char text[LEDGER_CHECKPOINT_TEXT_MAX];
    size_t len = 0;
    CHECK_INT(ledger_checkpoint_text(&cp, text, &len, &err), LD_OK);
    const char *want = "loandesk-checkpoint v2\n3\n8\n"
                       "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328\n"
                       "1700000000\n";
    CHECK_STR(text, want);
    CHECK_INT(len, strlen(want));
    ledger_checkpoint back;
    CHECK_INT(ledger_checkpoint_parse(text, len, &back, &err), LD_OK);
    CHECK_INT(back.index, 3);
    CHECK_INT(back.size, 8);
    CHECK_INT(back.time, 1700000000);
    CHECK(ledger_hash_equal(&back.root, &cp.root));

    ledger_checkpoint huge = {
        .index = UINT64_MAX, .size = UINT64_MAX, .root = cp.root, .time = INT64_MAX};
    CHECK_INT(ledger_checkpoint_text(&huge, text, &len, &err), LD_OK);
    CHECK_INT(ledger_checkpoint_parse(text, len, &back, &err), LD_OK);
    CHECK(back.size == UINT64_MAX && back.time == INT64_MAX);
    ledger_checkpoint negative = {.size = 1, .root = cp.root, .time = -1};
    CHECK_INT(ledger_checkpoint_text(&negative, text, &len, &err), LD_EINVAL);

    static const char *bad[] = {
        "loandesk-checkpoint "
        "v2\n0\n8\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        "\n1700000000",
        "loandesk-checkpoint v1\n8\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff46043"
        "28\n1700000000\n",
        "loandesk-checkpoint "
        "v2\n0\n08\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604"
        "328\n1700000000\n",
        "loandesk-checkpoint "
        "v2\n0\n+8\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604"
        "328\n1700000000\n",
        "loandesk-checkpoint "
        "v2\n0\n8\n5DC9DA79A70659A9AD559CB701DED9A2AB9D823AAD2F4960CFE370EFF46043"
        "28\n1700000000\n",
        "loandesk-checkpoint "
        "v2\n0\n8\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        "\n-1\n",
        "loandesk-checkpoint "
        "v2\n0\n8\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        "\n1700000000\n\n",
        "loandesk-checkpoint "
        "v2\n0\n18446744073709551616\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f"
        "4960cfe370eff4604328\n1\n",
        "loandesk-checkpoint "
        "v2\r\n0\n8\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff460"
        "4328\n1700000000\n",
        "loandesk-checkpoint "
        "v2\n01\n8\n5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff46043"
        "28\n1700000000\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(ledger_checkpoint_parse(bad[i], strlen(bad[i]), &back, &err), LD_EINVAL);
}

/* A NUL byte ends a C string but not the signed bytes: a line holding one must
 * not pass for the line before it, or one checkpoint would have many texts. */
static void checkpoint_text_with_a_nul_byte_is_refused(void)
{
    static const char root[] = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";
    const char *lines[5] = {"loandesk-checkpoint v2", "0", "8", root, "1700000000"};
    for (int at = 0; at < 5; at++) {
        char text[LEDGER_CHECKPOINT_TEXT_MAX + 8];
        size_t len = 0;
        for (int i = 0; i < 5; i++) {
            size_t n = strlen(lines[i]);
            memcpy(text + len, lines[i], n);
            len += n;
            if (i == at)
                text[len++] = '\0';
            text[len++] = '\n';
        }
        ledger_checkpoint back;
        ld_error err;
        CHECK_INT(ledger_checkpoint_parse(text, len, &back, &err), LD_EINVAL);
    }
}

/* ---- The stored log ------------------------------------------------------------ */

typedef struct fixture {
    sqlite3 *db;
    ledger_log *log;
    uint64_t count;
    ledger_hash *leaves; /* computed in memory, independently of the store */
} fixture;

static void entry_text(uint64_t i, char *buf, size_t cap)
{
    snprintf(buf, cap,
             "{\"amount\":%llu,\"event\":\"repayment\",\"loan\":\"L-%05llu\",\"officer\":"
             "\"\xe5\xbc\xa0\xe4\xb8\x89\"}",
             (unsigned long long)(i * 1234 % 100000), (unsigned long long)(i % 97));
}

static void fixture_open(fixture *f, uint64_t count)
{
    ld_error err;
    memset(f, 0, sizeof *f);
    CHECK_INT(sqlite3_open(":memory:", &f->db), SQLITE_OK);
    CHECK_INT(ledger_log_open(f->db, &f->log, &err), LD_OK);
    f->leaves = calloc(count > 0 ? count : 1, sizeof *f->leaves);
    for (uint64_t i = 0; i < count; i++) {
        char body[256];
        entry_text(i, body, sizeof body);
        uint64_t seq = UINT64_MAX;
        CHECK_INT(ledger_log_append(f->log, body, strlen(body), &seq, &err), LD_OK);
        CHECK_INT(seq, i);
        CHECK_INT(ledger_hash_leaf(body, strlen(body), &f->leaves[i], &err), LD_OK);
    }
    f->count = count;
}

static void fixture_close(fixture *f)
{
    ledger_log_close(f->log);
    sqlite3_close(f->db);
    free(f->leaves);
}

static void sql(fixture *f, const char *statement)
{
    char *msg = NULL;
    if (sqlite3_exec(f->db, statement, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "sql failed: %s: %s\n", statement, msg);
        check_failures++;
    }
    sqlite3_free(msg);
}

static bool proofs_equal(const ledger_proof *a, const ledger_proof *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++)
        if (!ledger_hash_equal(&a->hashes[i], &b->hashes[i]))
            return false;
    return true;
}

static void store_roots_and_proofs_equal_memory_for_every_size(void)
{
    enum { N = 300 };
    fixture f;
    fixture_open(&f, N);
    ld_error err;
    uint64_t size = 0;
    CHECK_INT(ledger_log_size(f.log, &size, &err), LD_OK);
    CHECK_INT(size, N);
    ledger_hash roots[N + 1];
    for (uint64_t n = 0; n <= N; n++) {
        ledger_hash stored;
        CHECK_INT(ledger_log_root(f.log, n, &stored, &err), LD_OK);
        CHECK_INT(ledger_tree_root(f.leaves, n, &roots[n], &err), LD_OK);
        CHECK(ledger_hash_equal(&stored, &roots[n]));
    }
    int mismatches = 0;
    for (uint64_t n = 1; n <= N; n += (n < 40 ? 1 : 13)) {
        for (uint64_t i = 0; i < n; i += (n < 40 ? 1 : 7)) {
            ledger_proof stored, memory;
            CHECK_INT(ledger_log_inclusion_proof(f.log, i, n, &stored, &err), LD_OK);
            CHECK_INT(ledger_tree_inclusion_proof(f.leaves, n, i, &memory, &err), LD_OK);
            mismatches += !proofs_equal(&stored, &memory);
            CHECK(ledger_inclusion_verify(i, n, &f.leaves[i], stored.hashes, stored.count,
                                          &roots[n], &err));
        }
        for (uint64_t m = 0; m <= n; m += (n < 40 ? 1 : 11)) {
            ledger_proof stored, memory;
            CHECK_INT(ledger_log_consistency_proof(f.log, m, n, &stored, &err), LD_OK);
            CHECK_INT(ledger_tree_consistency_proof(f.leaves, m, n, &memory, &err), LD_OK);
            mismatches += !proofs_equal(&stored, &memory);
            CHECK(ledger_consistency_verify(m, n, &roots[m], &roots[n], stored.hashes, stored.count,
                                            &err));
        }
    }
    CHECK_INT(mismatches, 0);
    ledger_hash leaf;
    CHECK_INT(ledger_log_leaf_hash(f.log, 17, &leaf, &err), LD_OK);
    CHECK(ledger_hash_equal(&leaf, &f.leaves[17]));
    CHECK_INT(ledger_log_leaf_hash(f.log, N, &leaf, &err), LD_ENOTFOUND);

    ledger_proof proof;
    CHECK_INT(ledger_log_inclusion_proof(f.log, 5, N + 1, &proof, &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "size");
    CHECK_INT(ledger_log_inclusion_proof(f.log, 5, 5, &proof, &err), LD_EINVAL);
    CHECK_INT(ledger_log_consistency_proof(f.log, 6, 5, &proof, &err), LD_EINVAL);
    CHECK_INT(ledger_log_consistency_proof(f.log, 5, N + 1, &proof, &err), LD_EINVAL);
    ledger_hash root;
    CHECK_INT(ledger_log_root(f.log, N + 1, &root, &err), LD_EINVAL);

    uint64_t first_bad = 12345;
    CHECK_INT(ledger_log_verify_all(f.log, &first_bad, &err), LD_OK);
    CHECK_INT(first_bad, 12345);
    fixture_close(&f);
}

static void store_node_table_has_exactly_the_complete_subtrees(void)
{
    fixture f;
    fixture_open(&f, 300);
    sqlite3_stmt *stmt = NULL;
    CHECK_INT(sqlite3_prepare_v2(f.db, "SELECT count(*) FROM ledger_node", -1, &stmt, NULL),
              SQLITE_OK);
    CHECK_INT(sqlite3_step(stmt), SQLITE_ROW);
    /* Levels 2 and up: sum of 300 >> level = 300 - popcount(300) - (300 >> 1). */
    CHECK_INT(sqlite3_column_int(stmt, 0), 300 - __builtin_popcount(300) - 150);
    sqlite3_finalize(stmt);
    fixture_close(&f);
}

static void store_empty_log_and_reopen(void)
{
    fixture f;
    fixture_open(&f, 0);
    ld_error err;
    ledger_hash root, empty;
    ledger_hash_empty(&empty);
    CHECK_INT(ledger_log_root(f.log, 0, &root, &err), LD_OK);
    CHECK(ledger_hash_equal(&root, &empty));
    uint64_t first_bad = 0;
    CHECK_INT(ledger_log_verify_all(f.log, &first_bad, &err), LD_OK);
    ledger_proof proof;
    CHECK_INT(ledger_log_consistency_proof(f.log, 0, 0, &proof, &err), LD_OK);
    CHECK_INT(proof.count, 0);
    /* A second handle on the same connection finds the tables in place. */
    ledger_log *again = NULL;
    CHECK_INT(ledger_log_open(f.db, &again, &err), LD_OK);
    uint64_t seq = 9;
    CHECK_INT(ledger_log_append(again, "{\"a\":1}", 7, &seq, &err), LD_OK);
    CHECK_INT(seq, 0);
    ledger_log_close(again);
    ledger_log_close(NULL);
    uint64_t size = 0;
    CHECK_INT(ledger_log_size(f.log, &size, &err), LD_OK);
    CHECK_INT(size, 1);
    fixture_close(&f);
}

static void store_append_rejects_non_canonical_entries(void)
{
    fixture f;
    fixture_open(&f, 3);
    ld_error err;
    static const char *bad[] = {"{\"b\":1,\"a\":1}", "{\"a\": 1}", "[1]",        "\"x\"",
                                "{\"a\":1.5}",       "",           "{\"a\":1}\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t seq = 77;
        CHECK_INT(ledger_log_append(f.log, bad[i], strlen(bad[i]), &seq, &err), LD_EINVAL);
        CHECK_CONTAINS(err.message, "ledger entry");
        CHECK_INT(seq, 77);
    }
    uint64_t size = 0;
    CHECK_INT(ledger_log_size(f.log, &size, &err), LD_OK);
    CHECK_INT(size, 3);
    fixture_close(&f);
}

static void store_rollback_leaves_nothing_stale(void)
{
    fixture f;
    fixture_open(&f, 5);
    ld_error err;
    uint64_t seq;
    sql(&f, "BEGIN");
    CHECK_INT(ledger_log_append(f.log, "{\"rolled\":\"back\"}", 17, &seq, &err), LD_OK);
    CHECK_INT(seq, 5);
    sql(&f, "ROLLBACK");
    CHECK_INT(ledger_log_append(f.log, "{\"kept\":true}", 13, &seq, &err), LD_OK);
    CHECK_INT(seq, 5);
    ledger_hash leaves[6], memory, stored;
    memcpy(leaves, f.leaves, 5 * sizeof leaves[0]);
    CHECK_INT(ledger_hash_leaf("{\"kept\":true}", 13, &leaves[5], &err), LD_OK);
    CHECK_INT(ledger_tree_root(leaves, 6, &memory, &err), LD_OK);
    CHECK_INT(ledger_log_root(f.log, 6, &stored, &err), LD_OK);
    CHECK(ledger_hash_equal(&memory, &stored));
    uint64_t first_bad = 0;
    CHECK_INT(ledger_log_verify_all(f.log, &first_bad, &err), LD_OK);
    fixture_close(&f);
}

/* Builds a fresh log, applies one tampering, and checks verify_all. */
static void expect_tamper(const char *what, const char *statements, uint64_t want_bad)
{
    fixture f;
    fixture_open(&f, 300);
    sql(&f, statements);
    ld_error err;
    ld_error_clear(&err);
    uint64_t first_bad = UINT64_MAX;
    ld_status status = ledger_log_verify_all(f.log, &first_bad, &err);
    if (status != LD_EVERIFY || first_bad != want_bad) {
        fprintf(stderr, "tamper \"%s\": status %d first_bad %llu (want %llu): %s\n", what, status,
                (unsigned long long)first_bad, (unsigned long long)want_bad, err.message);
        check_failures++;
    }
    fixture_close(&f);
}

static void verify_all_finds_changed_bodies_and_leaf_hashes(void)
{
    expect_tamper("body changed", "UPDATE ledger_entry SET body = '{\"amount\":1}' WHERE seq = 37",
                  37);
    expect_tamper("first body changed", "UPDATE ledger_entry SET body = body || ' ' WHERE seq = 0",
                  0);
    expect_tamper("leaf hash changed",
                  "UPDATE ledger_entry SET leaf_hash = zeroblob(32) WHERE seq = 150", 150);
    expect_tamper("leaf hash truncated",
                  "UPDATE ledger_entry SET leaf_hash = substr(leaf_hash, 1, 31) WHERE seq = 9", 9);
    expect_tamper("body made text",
                  "UPDATE ledger_entry SET body = CAST(body AS TEXT) || 'x' "
                  "WHERE seq = 298",
                  298);
    /* Body and leaf hash rewritten together: the subtree (2, 9) over 36..39 no
     * longer matches, so the first bad entry is that subtree's first. */
    expect_tamper("body and leaf hash changed together",
                  "UPDATE ledger_entry SET body = (SELECT body FROM ledger_entry WHERE seq = 5), "
                  "leaf_hash = (SELECT leaf_hash FROM ledger_entry WHERE seq = 5) WHERE seq = 37",
                  36);
}

static void verify_all_finds_deleted_and_inserted_rows(void)
{
    expect_tamper("row deleted", "DELETE FROM ledger_entry WHERE seq = 50", 50);
    expect_tamper("first row deleted", "DELETE FROM ledger_entry WHERE seq = 0", 0);
    /* 299 closed subtree (2, 74), which outlives the entry. */
    expect_tamper("last row deleted", "DELETE FROM ledger_entry WHERE seq = 299", 299);
    expect_tamper("last rows deleted", "DELETE FROM ledger_entry WHERE seq >= 200", 200);
    expect_tamper("row inserted after a gap",
                  "INSERT INTO ledger_entry SELECT 301, body, leaf_hash FROM ledger_entry "
                  "WHERE seq = 3",
                  300);
    expect_tamper("row inserted before the first",
                  "INSERT INTO ledger_entry SELECT -1, body, leaf_hash FROM ledger_entry "
                  "WHERE seq = 3",
                  0);
    expect_tamper("row appended with a wrong leaf hash",
                  "INSERT INTO ledger_entry VALUES (300, '{\"a\":1}', zeroblob(32))", 300);
    /* Entries 40.. shifted up by one and a copy of entry 3 put at 40, with its
     * own correct leaf hash: the subtree over 40..43 gives it away. */
    expect_tamper("row inserted in the middle",
                  "UPDATE ledger_entry SET seq = seq + 1000 WHERE seq >= 40;"
                  "UPDATE ledger_entry SET seq = seq - 999 WHERE seq >= 1000;"
                  "INSERT INTO ledger_entry SELECT 40, body, leaf_hash FROM ledger_entry "
                  "WHERE seq = 3",
                  40);
}

static void verify_all_finds_reordered_rows(void)
{
    expect_tamper("two bodies swapped",
                  "UPDATE ledger_entry SET body = CASE seq WHEN 10 THEN (SELECT body FROM "
                  "ledger_entry WHERE seq = 200) ELSE (SELECT body FROM ledger_entry WHERE seq "
                  "= 10) END WHERE seq IN (10, 200)",
                  10);
    expect_tamper("two whole rows swapped",
                  "UPDATE ledger_entry SET seq = -seq - 1 WHERE seq IN (12, 13);"
                  "UPDATE ledger_entry SET seq = CASE seq WHEN -13 THEN 13 ELSE 12 END "
                  "WHERE seq < 0",
                  12);
    expect_tamper("distant whole rows swapped",
                  "UPDATE ledger_entry SET seq = -seq - 1 WHERE seq IN (64, 191);"
                  "UPDATE ledger_entry SET seq = CASE seq WHEN -65 THEN 191 ELSE 64 END "
                  "WHERE seq < 0",
                  64);
}

static void verify_all_finds_tampered_subtree_rows(void)
{
    expect_tamper("subtree root changed",
                  "UPDATE ledger_node SET hash = zeroblob(32) WHERE level = 3 AND idx = 5", 40);
    expect_tamper("subtree root deleted", "DELETE FROM ledger_node WHERE level = 2 AND idx = 7",
                  28);
    expect_tamper("subtree root added beyond the end",
                  "INSERT INTO ledger_node VALUES (2, 75, zeroblob(32))", 300);
    expect_tamper("top subtree root changed",
                  "UPDATE ledger_node SET hash = zeroblob(32) WHERE level = 8 AND idx = 0", 0);
}

/* Tampers with a long log in place, checks verify_all names want_bad, and
 * puts the rows back (the statements keep what they change in temp.keep). */
static void expect_tamper_in(fixture *f, const char *what, const char *tamper, const char *restore,
                             uint64_t want_bad)
{
    sql(f, tamper);
    ld_error err;
    ld_error_clear(&err);
    uint64_t first_bad = UINT64_MAX;
    ld_status status = ledger_log_verify_all(f->log, &first_bad, &err);
    if (status != LD_EVERIFY || first_bad != want_bad) {
        fprintf(stderr, "tamper \"%s\": status %d first_bad %llu (want %llu): %s\n", what, status,
                (unsigned long long)first_bad, (unsigned long long)want_bad, err.message);
        check_failures++;
    }
    sql(f, restore);
    CHECK_INT(ledger_log_verify_all(f->log, &first_bad, &err), LD_OK);
}

/* Replaces the body of each entry in changed (one at a time) and checks
 * verify_all names it; the body is put back after each. */
static void expect_changed_bodies(fixture *f, const uint64_t *changed, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char tamper[256], restore[256], what[64];
        snprintf(tamper, sizeof tamper,
                 "CREATE TEMP TABLE keep AS SELECT seq, body FROM ledger_entry WHERE seq = %llu;"
                 "UPDATE ledger_entry SET body = CAST('{\"forged\":1}' AS BLOB) WHERE seq = %llu",
                 (unsigned long long)changed[i], (unsigned long long)changed[i]);
        snprintf(restore, sizeof restore,
                 "UPDATE ledger_entry SET body = (SELECT body FROM temp.keep) WHERE seq = %llu;"
                 "DROP TABLE temp.keep",
                 (unsigned long long)changed[i]);
        snprintf(what, sizeof what, "body of entry %llu", (unsigned long long)changed[i]);
        expect_tamper_in(f, what, tamper, restore, changed[i]);
    }
}

typedef struct subtree {
    unsigned level;
    uint64_t idx;
} subtree;

/* Zeroes each stored subtree root in nodes (one at a time) and checks
 * verify_all names the subtree's first entry; the root is put back after each. */
static void expect_changed_subtrees(fixture *f, const subtree *nodes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char tamper[256], restore[256], what[64];
        snprintf(tamper, sizeof tamper,
                 "CREATE TEMP TABLE keep AS SELECT hash FROM ledger_node WHERE level = %u AND "
                 "idx = %llu; UPDATE ledger_node SET hash = zeroblob(32) WHERE level = %u AND "
                 "idx = %llu",
                 nodes[i].level, (unsigned long long)nodes[i].idx, nodes[i].level,
                 (unsigned long long)nodes[i].idx);
        snprintf(restore, sizeof restore,
                 "UPDATE ledger_node SET hash = (SELECT hash FROM temp.keep) WHERE level = %u "
                 "AND idx = %llu; DROP TABLE temp.keep",
                 nodes[i].level, (unsigned long long)nodes[i].idx);
        snprintf(what, sizeof what, "subtree (%u, %llu)", nodes[i].level,
                 (unsigned long long)nodes[i].idx);
        expect_tamper_in(f, what, tamper, restore, nodes[i].idx << nodes[i].level);
    }
}

/* The pass reads in batches of 8,192 entries into a ring of four and hashes
 * chunks of 64 on two threads: a log of more than the ring holds, whose
 * last batch is partial, is checked exactly wherever it is changed — in a
 * later chunk, after the ring wrapped, in the partial batch, and in subtrees
 * inside a chunk, joining chunks and larger than a batch (the last two
 * folded as batches are compared). */
static void verify_all_finds_tampering_across_batches(void)
{
    fixture f;
    const uint64_t n = 4 * 8192 + 5000 + 17;
    fixture_open(&f, n);
    ld_error err;
    uint64_t first_bad = UINT64_MAX;
    CHECK_INT(ledger_log_verify_all(f.log, &first_bad, &err), LD_OK);
    static const uint64_t changed[] = {1537,           8191,         8192,
                                       3 * 8192 + 700, 4 * 8192 + 1, 4 * 8192 + 5000 + 16};
    expect_changed_bodies(&f, changed, sizeof changed / sizeof changed[0]);
    /* Subtrees: inside a chunk (level 4), joining chunks (level 11), larger
     * than a batch (level 15, folded as batches complete). */
    static const subtree nodes[] = {{4, 2000}, {11, 17}, {15, 0}};
    expect_changed_subtrees(&f, nodes, sizeof nodes / sizeof nodes[0]);
    /* A missing entry in the fourth batch: everything before it is whole. */
    expect_tamper_in(&f, "entry deleted after the ring wrapped",
                     "CREATE TEMP TABLE keep AS SELECT * FROM ledger_entry WHERE seq = 33000;"
                     "DELETE FROM ledger_entry WHERE seq = 33000",
                     "INSERT INTO ledger_entry SELECT * FROM temp.keep; DROP TABLE temp.keep",
                     33000);
    fixture_close(&f);
}

/* Entries of 70 KB (a close of business writes such): a batch ends at the
 * first chunk's end past 4 MB of bodies, here every 64 entries, so batches
 * are not aligned to 8,192; changes are still found exactly, in a batch's
 * first and last entry, in subtrees inside a chunk and across batches. */
static void verify_all_finds_tampering_in_large_entries(void)
{
    enum { LARGE = 70000, COUNT = 200 };
    fixture f;
    fixture_open(&f, 0);
    ld_error err;
    char *body = malloc(LARGE + 64);
    CHECK(body != NULL);
    if (body == NULL)
        return;
    for (uint64_t i = 0; i < COUNT; i++) {
        int n = snprintf(body, 64, "{\"pad\":\"");
        memset(body + n, 'a' + (int)(i % 26), LARGE);
        n += LARGE;
        n += snprintf(body + n, 64, "\",\"seq\":%llu}", (unsigned long long)i);
        uint64_t seq = UINT64_MAX;
        CHECK_INT(ledger_log_append(f.log, body, (size_t)n, &seq, &err), LD_OK);
        CHECK_INT(seq, i);
    }
    free(body);
    uint64_t first_bad = UINT64_MAX;
    CHECK_INT(ledger_log_verify_all(f.log, &first_bad, &err), LD_OK);
    static const uint64_t changed[] = {0, 63, 64, 130, 199};
    expect_changed_bodies(&f, changed, sizeof changed / sizeof changed[0]);
    static const subtree nodes[] = {{3, 17}, {6, 2}, {7, 0}, {2, 49}};
    expect_changed_subtrees(&f, nodes, sizeof nodes / sizeof nodes[0]);
    fixture_close(&f);
}

static void append_refuses_to_extend_a_damaged_tree(void)
{
    fixture f;
    fixture_open(&f, 15);
    sql(&f, "DELETE FROM ledger_node WHERE level = 2 AND idx = 2");
    ld_error err;
    uint64_t seq = 42;
    /* Entry 15 closes (1, 7), (2, 3), (3, 1) and (4, 0); (3, 1) needs (2, 2). */
    CHECK_INT(ledger_log_append(f.log, "{\"a\":1}", 7, &seq, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "missing");
    CHECK_INT(seq, 42);
    ledger_proof proof;
    CHECK_INT(ledger_log_inclusion_proof(f.log, 0, 15, &proof, &err), LD_EVERIFY);
    fixture_close(&f);
}

static void iterator_reads_entries_in_order_and_detects_gaps(void)
{
    fixture f;
    fixture_open(&f, 20);
    ld_error err;
    ledger_log_iter *iter = NULL;
    CHECK_INT(ledger_log_iter_new(f.log, 0, &iter, &err), LD_OK);
    bool has = true;
    uint64_t n = 0;
    ledger_log_entry entry;
    while (ledger_log_iter_next(iter, &has, &entry, &err) == LD_OK && has) {
        char want[256];
        entry_text(n, want, sizeof want);
        CHECK_INT(entry.seq, n);
        CHECK(entry.len == strlen(want) && memcmp(entry.body, want, entry.len) == 0);
        CHECK(ledger_hash_equal(&entry.leaf_hash, &f.leaves[n]));
        n++;
    }
    CHECK_INT(n, 20);
    ledger_log_iter_free(iter);

    CHECK_INT(ledger_log_iter_new(f.log, 15, &iter, &err), LD_OK);
    CHECK_INT(ledger_log_iter_next(iter, &has, &entry, &err), LD_OK);
    CHECK(has && entry.seq == 15);
    ledger_log_iter_free(iter);

    sql(&f, "DELETE FROM ledger_entry WHERE seq = 3");
    CHECK_INT(ledger_log_iter_new(f.log, 0, &iter, &err), LD_OK);
    ld_status status = LD_OK;
    for (int i = 0; i < 5 && status == LD_OK; i++)
        status = ledger_log_iter_next(iter, &has, &entry, &err);
    CHECK_INT(status, LD_EVERIFY);
    CHECK_CONTAINS(err.message, "entry 3 is missing");
    ledger_log_iter_free(iter);
    ledger_log_iter_free(NULL);
    fixture_close(&f);
}

static void checkpoints_store_and_list_with_signatures(void)
{
    fixture f;
    fixture_open(&f, 10);
    ld_error err;
    ledger_checkpoint cp;
    CHECK_INT(ledger_log_checkpoint_current(f.log, 1700000000, &cp, &err), LD_OK);
    CHECK_INT(cp.size, 10);
    ledger_hash memory;
    CHECK_INT(ledger_tree_root(f.leaves, 10, &memory, &err), LD_OK);
    CHECK(ledger_hash_equal(&cp.root, &memory));
    const uint8_t sig1[] = {0x30, 0x45, 0x02, 0x00, 0xff};
    CHECK_INT(ledger_log_checkpoint_insert(f.log, &cp, sig1, sizeof sig1, "inst-2024", &err),
              LD_OK);

    ledger_checkpoint older = {.size = 4, .time = 1600000000};
    CHECK_INT(ledger_tree_root(f.leaves, 4, &older.root, &err), LD_OK);
    const uint8_t sig2[] = {1, 2, 3};
    CHECK_INT(ledger_log_checkpoint_insert(f.log, &older, sig2, sizeof sig2, "inst-2023", &err),
              LD_OK);

    ledger_checkpoint wrong = cp;
    wrong.root.bytes[0] ^= 1;
    CHECK_INT(ledger_log_checkpoint_insert(f.log, &wrong, sig1, sizeof sig1, "k", &err), LD_EINVAL);
    CHECK_CONTAINS(err.message, "root");
    wrong = cp;
    wrong.size = 11;
    CHECK_INT(ledger_log_checkpoint_insert(f.log, &wrong, sig1, sizeof sig1, "k", &err), LD_EINVAL);
    CHECK_INT(ledger_log_checkpoint_insert(f.log, &cp, sig1, sizeof sig1, "", &err), LD_EINVAL);
    CHECK_INT(ledger_log_checkpoint_insert(f.log, &cp, sig1, 0, "k", &err), LD_EINVAL);

    ledger_checkpoint_record *records = NULL;
    size_t count = 0;
    CHECK_INT(ledger_log_checkpoint_list(f.log, &records, &count, &err), LD_OK);
    CHECK_INT(count, 2);
    if (count == 2) {
        CHECK_INT(records[0].checkpoint.size, 10);
        CHECK_INT(records[0].checkpoint.time, 1700000000);
        CHECK(ledger_hash_equal(&records[0].checkpoint.root, &cp.root));
        CHECK(records[0].signature_len == sizeof sig1 &&
              memcmp(records[0].signature, sig1, sizeof sig1) == 0);
        CHECK_STR(records[0].key_id, "inst-2024");
        CHECK_INT(records[1].checkpoint.size, 4);
        CHECK_STR(records[1].key_id, "inst-2023");
        /* Consecutive checkpoints are consistent, by a proof from the store. */
        ledger_proof proof;
        CHECK_INT(ledger_log_consistency_proof(f.log, 4, 10, &proof, &err), LD_OK);
        CHECK(ledger_consistency_verify(4, 10, &records[1].checkpoint.root,
                                        &records[0].checkpoint.root, proof.hashes, proof.count,
                                        &err));
    }
    ledger_checkpoint_records_free(records, count);
    ledger_checkpoint_records_free(NULL, 0);

    /* Entry 10 is not yet under any complete subtree, so rewriting its body
     * and leaf hash together escapes verify_all; the checkpoint's root does
     * not. (This is what checkpoints are for.) */
    uint64_t seq;
    CHECK_INT(ledger_log_append(f.log, "{\"late\":1}", 10, &seq, &err), LD_OK);
    CHECK_INT(seq, 10);
    ledger_checkpoint at11;
    CHECK_INT(ledger_log_checkpoint_current(f.log, 1700000001, &at11, &err), LD_OK);
    ledger_hash forged;
    char hex[LEDGER_HASH_HEX], statement[256];
    CHECK_INT(ledger_hash_leaf("{\"a\":1}", 7, &forged, &err), LD_OK);
    snprintf(statement, sizeof statement,
             "UPDATE ledger_entry SET body = '{\"a\":1}', leaf_hash = X'%s' WHERE seq = 10",
             ledger_hash_to_hex(&forged, hex));
    sql(&f, statement);
    uint64_t first_bad = 0;
    CHECK_INT(ledger_log_verify_all(f.log, &first_bad, &err), LD_OK);
    ledger_hash now;
    CHECK_INT(ledger_log_root(f.log, 11, &now, &err), LD_OK);
    CHECK(!ledger_hash_equal(&now, &at11.root));
    fixture_close(&f);
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
        {"canonical_sorts_keys_by_utf16_code_units", canonical_sorts_keys_by_utf16_code_units},
        {"canonical_escapes_exactly_as_rfc_8785", canonical_escapes_exactly_as_rfc_8785},
        {"canonical_accepts_integers_and_rejects_the_rest_with_path",
         canonical_accepts_integers_and_rejects_the_rest_with_path},
        {"canonical_rejects_duplicates_bad_utf8_raw_and_depth",
         canonical_rejects_duplicates_bad_utf8_raw_and_depth},
        {"check_canonical_accepts_only_the_canonical_bytes",
         check_canonical_accepts_only_the_canonical_bytes},
        {"check_canonical_agrees_with_reserialising_on_mutations",
         check_canonical_agrees_with_reserialising_on_mutations},
        {"checkpoint_text_is_exact_and_parses_back", checkpoint_text_is_exact_and_parses_back},
        {"checkpoint_text_with_a_nul_byte_is_refused", checkpoint_text_with_a_nul_byte_is_refused},
        {"store_roots_and_proofs_equal_memory_for_every_size",
         store_roots_and_proofs_equal_memory_for_every_size},
        {"store_node_table_has_exactly_the_complete_subtrees",
         store_node_table_has_exactly_the_complete_subtrees},
        {"store_empty_log_and_reopen", store_empty_log_and_reopen},
        {"store_append_rejects_non_canonical_entries", store_append_rejects_non_canonical_entries},
        {"store_rollback_leaves_nothing_stale", store_rollback_leaves_nothing_stale},
        {"verify_all_finds_changed_bodies_and_leaf_hashes",
         verify_all_finds_changed_bodies_and_leaf_hashes},
        {"verify_all_finds_deleted_and_inserted_rows", verify_all_finds_deleted_and_inserted_rows},
        {"verify_all_finds_reordered_rows", verify_all_finds_reordered_rows},
        {"verify_all_finds_tampered_subtree_rows", verify_all_finds_tampered_subtree_rows},
        {"verify_all_finds_tampering_across_batches", verify_all_finds_tampering_across_batches},
        {"verify_all_finds_tampering_in_large_entries",
         verify_all_finds_tampering_in_large_entries},
        {"append_refuses_to_extend_a_damaged_tree", append_refuses_to_extend_a_damaged_tree},
        {"iterator_reads_entries_in_order_and_detects_gaps",
         iterator_reads_entries_in_order_and_detects_gaps},
        {"checkpoints_store_and_list_with_signatures", checkpoints_store_and_list_with_signatures},
    };
    return CHECK_RUN(argc, argv, cases);
}
