/*
 * openapi.c - the OpenAPI 3.1 document of the HTTP API, made from the route
 * table itself (routes.c), so a route cannot exist undocumented: each path
 * with its methods, path and query parameters, the body's fields, the
 * answer's status, the problem document of every error, and the two ways to
 * authenticate (the session cookie with its CSRF header, or a bearer token).
 */
#include "server_private.h"

#include <stdio.h>
#include <string.h>

static void add_parameter(cJSON *list, const char *name, const char *in, bool required)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    cJSON_AddStringToObject(p, "in", in);
    cJSON_AddBoolToObject(p, "required", required);
    cJSON *schema = cJSON_AddObjectToObject(p, "schema");
    cJSON_AddStringToObject(schema, "type", "string");
    cJSON_AddItemToArray(list, p);
}

/* Calls add for each comma-separated name in list. */
static void each_name(const char *list, cJSON *into, const char *in,
                      void (*add)(cJSON *, const char *, const char *, bool))
{
    while (list != NULL && *list != '\0') {
        const char *comma = strchr(list, ',');
        size_t n = comma != NULL ? (size_t)(comma - list) : strlen(list);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)n, list);
        add(into, name, in, strcmp(in, "path") == 0);
        list = comma != NULL ? comma + 1 : "";
    }
}

static void add_property(cJSON *properties, const char *name, const char *in, bool required)
{
    (void)in;
    (void)required;
    cJSON *schema = cJSON_AddObjectToObject(properties, name);
    if (strstr(name, "_id") != NULL)
        cJSON_AddStringToObject(schema, "type", "integer");
    else if (strcmp(name, "backdated") == 0 || strcmp(name, "no_sign") == 0)
        cJSON_AddStringToObject(schema, "type", "boolean");
    else if (strcmp(name, "policy") == 0 || strcmp(name, "products") == 0)
        cJSON_AddStringToObject(schema, "type", "object");
    else
        cJSON_AddStringToObject(schema, "type", "string");
}

static cJSON *operation(const srv_route *route)
{
    cJSON *op = cJSON_CreateObject();
    char id[160] = "";
    size_t used = 0;
    used += (size_t)snprintf(id, sizeof id, "%s", route->method);
    for (const char *p = route->pattern + strlen("/api/v1"); *p && used + 1 < sizeof id; p++)
        if (*p != '{' && *p != '}')
            id[used++] = (*p == '/' || *p == '-' || *p == '.') ? '_' : *p;
    id[used] = '\0';
    cJSON_AddStringToObject(op, "operationId", id);
    cJSON_AddStringToObject(op, "summary", route->summary);
    cJSON *parameters = cJSON_AddArrayToObject(op, "parameters");
    for (const char *p = strchr(route->pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
        add_parameter(parameters, name, "path", true);
    }
    each_name(route->query, parameters, "query", add_parameter);
    if (route->flags & SRV_ONCE)
        add_parameter(parameters, "Idempotency-Key", "header", false);
    if (route->flags & SRV_IF_MATCH)
        add_parameter(parameters, "If-Match", "header", true);
    if (route->body != NULL || (route->flags & SRV_RAW_BODY)) {
        cJSON *body = cJSON_AddObjectToObject(op, "requestBody");
        cJSON *content = cJSON_AddObjectToObject(body, "content");
        cJSON *media = cJSON_AddObjectToObject(
            content, (route->flags & SRV_RAW_BODY) ? "application/jsonl" : "application/json");
        cJSON *schema = cJSON_AddObjectToObject(media, "schema");
        cJSON_AddStringToObject(schema, "type",
                                (route->flags & SRV_RAW_BODY) ? "string" : "object");
        if (route->body != NULL && route->body[0] != '\0') {
            cJSON *properties = cJSON_AddObjectToObject(schema, "properties");
            each_name(route->body, properties, "body", add_property);
        }
    }
    cJSON *responses = cJSON_AddObjectToObject(op, "responses");
    char status[8];
    snprintf(status, sizeof status, "%d", route->ok_status);
    cJSON *ok = cJSON_AddObjectToObject(responses, status);
    cJSON_AddStringToObject(ok, "description", "the operation's result, as `--json` prints it");
    cJSON *problem = cJSON_AddObjectToObject(responses, "default");
    cJSON_AddStringToObject(problem, "description", "an RFC 9457 problem document");
    cJSON *pc = cJSON_AddObjectToObject(problem, "content");
    cJSON *pm = cJSON_AddObjectToObject(pc, "application/problem+json");
    cJSON *ps = cJSON_AddObjectToObject(pm, "schema");
    cJSON_AddStringToObject(ps, "$ref", "#/components/schemas/Problem");
    if (route->flags & SRV_PUBLIC)
        cJSON_AddArrayToObject(op, "security");
    return op;
}

static cJSON *components(void)
{
    cJSON *c = cJSON_CreateObject();
    cJSON *schemes = cJSON_AddObjectToObject(c, "securitySchemes");
    cJSON *bearer = cJSON_AddObjectToObject(schemes, "bearer");
    cJSON_AddStringToObject(bearer, "type", "http");
    cJSON_AddStringToObject(bearer, "scheme", "bearer");
    cJSON *cookie = cJSON_AddObjectToObject(schemes, "cookie");
    cJSON_AddStringToObject(cookie, "type", "apiKey");
    cJSON_AddStringToObject(cookie, "in", "cookie");
    cJSON_AddStringToObject(cookie, "name", "__Host-loandesk_session");
    cJSON_AddStringToObject(cookie, "description",
                            "unsafe methods also need X-CSRF-Token and a same-origin Origin");
    cJSON *schemas = cJSON_AddObjectToObject(c, "schemas");
    cJSON *problem = cJSON_AddObjectToObject(schemas, "Problem");
    cJSON_AddStringToObject(problem, "type", "object");
    cJSON *props = cJSON_AddObjectToObject(problem, "properties");
    static const char *const fields[] = {"type", "title", "detail", "field", "request_id"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(props, fields[i]), "type", "string");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(props, "status"), "type", "integer");
    return c;
}

cJSON *server_openapi(void)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "openapi", "3.1.0");
    cJSON *info = cJSON_AddObjectToObject(doc, "info");
    cJSON_AddStringToObject(info, "title", "loandesk HTTP API");
    cJSON_AddStringToObject(info, "version", ld_api_version());
    cJSON *security = cJSON_AddArrayToObject(doc, "security");
    cJSON *s1 = cJSON_CreateObject();
    cJSON_AddArrayToObject(s1, "bearer");
    cJSON_AddItemToArray(security, s1);
    cJSON *s2 = cJSON_CreateObject();
    cJSON_AddArrayToObject(s2, "cookie");
    cJSON_AddItemToArray(security, s2);
    cJSON *paths = cJSON_AddObjectToObject(doc, "paths");
    for (size_t i = 0; i < srv_route_count; i++) {
        const srv_route *route = &srv_routes[i];
        cJSON *item = cJSON_GetObjectItemCaseSensitive(paths, route->pattern);
        if (item == NULL)
            item = cJSON_AddObjectToObject(paths, route->pattern);
        char method[12];
        size_t n = 0;
        for (; route->method[n] != '\0' && n + 1 < sizeof method; n++)
            method[n] = (char)(route->method[n] - 'A' + 'a');
        method[n] = '\0';
        cJSON_AddItemToObject(item, method, operation(route));
    }
    cJSON_AddItemToObject(doc, "components", components());
    return doc;
}
