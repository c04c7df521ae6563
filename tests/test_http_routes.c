/*
 * test_http_routes.c - the HTTP server's tables without a socket: every route
 * is in the OpenAPI document and every documented operation is a route, path
 * patterns match and bind their parameters, and the ledger export's tar
 * writer produces valid ustar headers holding the files' bytes; the
 * answers' JSON printer gives cJSON's bytes exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "server_private.h"

/* A documented path with its parameters filled in. */
static void concrete(const char *pattern, char *out, size_t size)
{
    size_t used = 0;
    for (const char *p = pattern; *p && used + 2 < size; p++) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            used += (size_t)snprintf(out + used, size - used, "7");
            p = end;
        } else {
            out[used++] = *p;
        }
    }
    out[used] = '\0';
}

static void every_route_is_documented_and_every_documented_route_exists(void)
{
    cJSON *doc = server_openapi();
    CHECK(doc != NULL);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(doc, "openapi")->valuestring, "3.1.0");
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(doc, "paths");
    for (size_t i = 0; i < srv_route_count; i++) {
        const cJSON *item = cJSON_GetObjectItemCaseSensitive(paths, srv_routes[i].pattern);
        char method[12];
        size_t n = 0;
        for (; srv_routes[i].method[n]; n++)
            method[n] = (char)(srv_routes[i].method[n] + ('a' - 'A'));
        method[n] = '\0';
        CHECK(item != NULL && cJSON_GetObjectItemCaseSensitive(item, method) != NULL);
    }
    int operations = 0;
    const cJSON *path;
    cJSON_ArrayForEach(path, paths)
    {
        const cJSON *op;
        cJSON_ArrayForEach(op, path)
        {
            char upper[12], url[200];
            size_t n = 0;
            for (; op->string[n] && n + 1 < sizeof upper; n++)
                upper[n] = (char)(op->string[n] - ('a' - 'A'));
            upper[n] = '\0';
            concrete(path->string, url, sizeof url);
            CHECK(server_route_exists(upper, url));
            operations++;
        }
    }
    CHECK_INT(operations, (long long)srv_route_count);
    cJSON_Delete(doc);
}

static void patterns_bind_parameters_and_refuse_near_misses(void)
{
    char params[SRV_PARAMS_MAX][130];
    int count = 0;
    bool known = false;
    const srv_route *r =
        srv_route_match("GET", "/api/v1/loans/12/inspections/latest", params, &count, &known);
    CHECK(r != NULL);
    CHECK_INT(count, 2);
    CHECK_STR(params[0], "12");
    CHECK_STR(params[1], "latest");
    CHECK(srv_route_match("GET", "/api/v1/loans/12/", params, &count, &known) == NULL);
    CHECK(srv_route_match("GET", "/api/v1/loans//inspections/latest", params, &count, &known) ==
          NULL);
    CHECK(srv_route_match("GET", "/api/v1/applications/3/approve", params, &count, &known) == NULL);
    CHECK(known); /* POST would take it: 405, not 404 */
    CHECK(srv_route_match("GET", "/api/v2/loans", params, &count, &known) == NULL);
    CHECK(!known);
    CHECK(srv_route_match("GET", "/api/v1/", params, &count, &known) == NULL);
    CHECK(srv_route_match("GET", "/api/v1", params, &count, &known) == NULL);
    CHECK(!known);
    /* The matcher passes over a pattern by the letter after the prefix. */
    size_t prefix = strlen(SRV_API_PREFIX);
    for (size_t i = 0; i < srv_route_count; i++) {
        const char *pattern = srv_routes[i].pattern;
        CHECK(strncmp(pattern, SRV_API_PREFIX, prefix) == 0 && pattern[prefix] >= 'a' &&
              pattern[prefix] <= 'z');
    }
}

static unsigned header_sum(const unsigned char *h)
{
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    return sum;
}

static void tar_holds_each_file_with_a_valid_header(void)
{
    char dir[] = "/tmp/ld-tar-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/b.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("second\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/a.txt", dir);
    f = fopen(path, "w");
    for (int i = 0; i < 600; i++)
        fputc('x', f);
    fclose(f);
    char *tar = NULL;
    size_t len = 0;
    ld_error err;
    CHECK_INT(srv_tar_dir(dir, &tar, &len, &err), LD_OK);
    /* a.txt: header + 2 blocks; b.txt: header + 1 block; two closing blocks */
    CHECK_INT((long long)len, 512 * (3 + 2 + 2));
    const unsigned char *h = (const unsigned char *)tar;
    CHECK_STR((const char *)h, "a.txt");
    CHECK(memcmp(h + 257, "ustar", 5) == 0);
    CHECK_INT(strtol((const char *)h + 124, NULL, 8), 600);
    CHECK_INT(strtol((const char *)h + 148, NULL, 8), header_sum(h));
    CHECK(tar[512] == 'x' && tar[512 + 599] == 'x' && tar[512 + 600] == '\0');
    const unsigned char *h2 = h + 512 * 3;
    CHECK_STR((const char *)h2, "b.txt");
    CHECK(memcmp(h2 + 512, "second\n", 7) == 0);
    for (size_t i = len - 1024; i < len; i++)
        CHECK(tar[i] == '\0');
    free(tar);
    srv_remove_dir(dir);
    CHECK(access(dir, F_OK) != 0);
}

/* The answers' printer gives cJSON_PrintUnformatted's bytes exactly (an
 * ETag is their digest): numbers at the edges of its rules, strings with
 * every kind of escape, nesting, empty containers, the OpenAPI document. */
static void json_print_matches_cjson(void)
{
    static const double numbers[] = {0,
                                     -0.0,
                                     1,
                                     -1,
                                     7,
                                     2147483647.0,
                                     2147483648.0,
                                     -2147483648.0,
                                     -2147483649.0,
                                     1781514000,
                                     9007199254740991.0,
                                     999999999999999.0,
                                     1e15,
                                     -1e15,
                                     1e16,
                                     123456789012345678.0,
                                     0.5,
                                     -0.25,
                                     0.1,
                                     1.0 / 3.0,
                                     2.0 / 3.0,
                                     1e-7,
                                     12.3456789012345678,
                                     1e300,
                                     -1e-300,
                                     5e-324};
    cJSON *all = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(all, "numbers");
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        cJSON *one = cJSON_CreateNumber(numbers[i]);
        char *mine = srv_json_print(one, NULL), *theirs = cJSON_PrintUnformatted(one);
        CHECK(mine != NULL && theirs != NULL);
        if (mine != NULL && theirs != NULL)
            CHECK_STR(mine, theirs);
        free(mine);
        free(theirs);
        cJSON_AddItemToArray(list, one);
    }
    cJSON_AddStringToObject(all, "quote\"and\\slash", "tab\tnl\ncr\rbs\bff\f\x01\x1f\x7f");
    cJSON_AddStringToObject(all, "chinese", "张伟 苏州华鑫精密机械有限公司 ¥1,000.00");
    cJSON_AddStringToObject(all, "", "");
    cJSON_AddItemToObject(all, "empty_object", cJSON_CreateObject());
    cJSON_AddItemToObject(all, "empty_array", cJSON_CreateArray());
    cJSON_AddItemToObject(all, "null", cJSON_CreateNull());
    cJSON_AddItemToObject(all, "yes", cJSON_CreateTrue());
    cJSON_AddItemToObject(all, "no", cJSON_CreateFalse());
    cJSON_AddItemToObject(all, "raw", cJSON_CreateRaw("{\"a\":[1,2]}"));
    cJSON *nested = cJSON_AddArrayToObject(all, "nested");
    cJSON_AddItemToArray(nested, cJSON_CreateString("x"));
    cJSON_AddItemToArray(nested, cJSON_Duplicate(list, 1));
    cJSON_AddItemToObject(all, "openapi", server_openapi());
    size_t len = 0;
    char *mine = srv_json_print(all, &len), *theirs = cJSON_PrintUnformatted(all);
    CHECK(mine != NULL && theirs != NULL);
    if (mine != NULL && theirs != NULL) {
        CHECK_INT(len, strlen(theirs));
        CHECK(strcmp(mine, theirs) == 0);
    }
    free(mine);
    free(theirs);
    cJSON_Delete(all);
}

static const check_case cases[] = {
    {"json_print_matches_cjson", json_print_matches_cjson},
    {"every_route_is_documented_and_every_documented_route_exists",
     every_route_is_documented_and_every_documented_route_exists},
    {"patterns_bind_parameters_and_refuse_near_misses",
     patterns_bind_parameters_and_refuse_near_misses},
    {"tar_holds_each_file_with_a_valid_header", tar_holds_each_file_with_a_valid_header},
};

int main(int argc, char **argv)
{
    return CHECK_RUN(argc, argv, cases);
}
