/*
 * output.c - printing results: pretty JSON for machines, aligned tables and
 * indented records for people. Column widths count display cells so that
 * Chinese names (two cells each) line up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_print_json(const cJSON *value)
{
    char *text = cJSON_Print(value);
    if (text != NULL) {
        fputs(text, stdout);
        fputc('\n', stdout);
    }
    cJSON_free(text);
}

/* Display width of UTF-8 text: CJK and other wide characters take two cells. */
static int display_width(const char *s)
{
    int width = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p < 0x80) {
            width++;
            p++;
        } else if ((*p & 0xE0) == 0xC0) {
            width++;
            p += 2;
        } else if ((*p & 0xF0) == 0xE0) {
            width += 2;
            p += 3;
        } else {
            width += 2;
            p += 4;
        }
    }
    return width;
}

static void scalar_text(const cJSON *item, char *buf, size_t size)
{
    if (cJSON_IsString(item))
        snprintf(buf, size, "%s", item->valuestring);
    else if (cJSON_IsNumber(item) && item->valuedouble == (double)(long long)item->valuedouble)
        snprintf(buf, size, "%lld", (long long)item->valuedouble);
    else if (cJSON_IsNumber(item))
        snprintf(buf, size, "%.6g", item->valuedouble);
    else if (cJSON_IsBool(item))
        snprintf(buf, size, "%s", cJSON_IsTrue(item) ? "yes" : "no");
    else if (item == NULL || cJSON_IsNull(item))
        snprintf(buf, size, "-");
    else {
        char *text = cJSON_PrintUnformatted(item);
        snprintf(buf, size, "%s", text ? text : "");
        cJSON_free(text);
    }
}

static void print_padded(const char *text, int width)
{
    fputs(text, stdout);
    for (int pad = width - display_width(text); pad > 0; pad--)
        fputc(' ', stdout);
}

void cli_print_table(const cJSON *rows, const char *const *columns)
{
    int ncols = 0;
    while (columns[ncols] != NULL)
        ncols++;
    int *widths = calloc((size_t)ncols, sizeof *widths);
    if (widths == NULL)
        return;
    for (int c = 0; c < ncols; c++)
        widths[c] = display_width(columns[c]);
    char cell[512];
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        for (int c = 0; c < ncols; c++) {
            scalar_text(cJSON_GetObjectItemCaseSensitive(row, columns[c]), cell, sizeof cell);
            int w = display_width(cell);
            if (w > widths[c])
                widths[c] = w > 60 ? 60 : w;
        }
    }
    for (int c = 0; c < ncols; c++) {
        print_padded(columns[c], c + 1 < ncols ? widths[c] + 2 : 0);
    }
    fputc('\n', stdout);
    cJSON_ArrayForEach(row, rows)
    {
        for (int c = 0; c < ncols; c++) {
            scalar_text(cJSON_GetObjectItemCaseSensitive(row, columns[c]), cell, sizeof cell);
            print_padded(cell, c + 1 < ncols ? widths[c] + 2 : 0);
        }
        fputc('\n', stdout);
    }
    printf("(%d rows)\n", cJSON_GetArraySize(rows));
    free(widths);
}

static void print_record_at(const cJSON *record, int indent)
{
    int key_width = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, record)
    {
        if (!cJSON_IsObject(item) && !cJSON_IsArray(item)) {
            int w = display_width(item->string);
            key_width = w > key_width ? w : key_width;
        }
    }
    char cell[4096];
    cJSON_ArrayForEach(item, record)
    {
        if (cJSON_IsObject(item) || cJSON_IsArray(item))
            continue;
        printf("%*s", indent, "");
        print_padded(item->string, key_width + 2);
        scalar_text(item, cell, sizeof cell);
        printf("%s\n", cell);
    }
    cJSON_ArrayForEach(item, record)
    {
        if (cJSON_IsObject(item)) {
            printf("%*s%s:\n", indent, "", item->string);
            print_record_at(item, indent + 2);
        } else if (cJSON_IsArray(item)) {
            printf("%*s%s: %d\n", indent, "", item->string, cJSON_GetArraySize(item));
            int index = 0;
            const cJSON *element;
            cJSON_ArrayForEach(element, item)
            {
                if (cJSON_IsObject(element)) {
                    printf("%*s[%d]\n", indent + 2, "", index);
                    print_record_at(element, indent + 4);
                } else {
                    scalar_text(element, cell, sizeof cell);
                    printf("%*s- %s\n", indent + 2, "", cell);
                }
                index++;
            }
        }
    }
}

void cli_print_record(const cJSON *record)
{
    print_record_at(record, 0);
}

static bool listed(const char *const *list, const char *word)
{
    for (int i = 0; list != NULL && list[i] != NULL; i++)
        if (strcmp(list[i], word) == 0)
            return true;
    return false;
}

int cli_check(const char *command, int argc, char **argv, const cli_spec *spec, cli_args *out)
{
    cli_args args = {.positional_count = 0};
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        bool option = listed(spec->values, word) ||
                      (strncmp(word, "--", 2) == 0 && strcmp(word, "--") != 0 && word[2] != '\0');
        if (!option) {
            if (args.positional_count >= spec->max_positionals ||
                args.positional_count >= CLI_MAX_ARGS)
                return cli_usage(command, "unexpected argument \"%s\"", word);
            args.positional[args.positional_count++] = word;
            continue;
        }
        if (strcmp(word, "--json") == 0 && (!listed(spec->values, "--json") || i + 1 >= argc ||
                                            strncmp(argv[i + 1], "--", 2) == 0))
            continue; /* JSON output, accepted by every command */
        if (listed(spec->flags, word))
            continue;
        if (listed(spec->values, word)) {
            if (i + 1 >= argc)
                return cli_usage(command, "%s needs a value", word);
            i++;
            continue;
        }
        return cli_usage(command, "unknown option %s", word);
    }
    *out = args;
    return 0;
}

/* Prints a result as JSON with --json, else with the readable printer. */
int cli_show(int argc, char **argv, cJSON *value, const char *const *columns)
{
    if (cli_flag(argc, argv, "--json"))
        cli_print_json(value);
    else if (columns != NULL)
        cli_print_table(value, columns);
    else
        cli_print_record(value);
    cJSON_Delete(value);
    return 0;
}

const char *cli_key_password(void)
{
    const char *token = getenv("LOANDESK_SESSION");
    return token != NULL && token[0] != '\0' ? getenv("LOANDESK_PASSWORD") : NULL;
}

int cli_positional_id(int argc, char **argv, const char *what, int64_t *id)
{
    return cli_parse_id(what, cli_positional(argc, argv, NULL), id);
}

const char *cli_text(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(item) ? item->valuestring : "";
}

long long cli_int(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsNumber(item) ? (long long)item->valuedouble : 0;
}
