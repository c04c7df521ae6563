/*
 * json_out.c - the answers' JSON text (server_private.h, srv_json_print):
 * byte for byte what cJSON_PrintUnformatted gives, by the operations API's
 * printer (ld_json_print), which writes integral numbers digit by digit.
 *
 * cJSON prints every number with sprintf and reads it back with sscanf to
 * check it, and a record carries dozens of numbers (ids, counts, days);
 * that was a large share of a read's time. The text must not change: an
 * ETag is the digest of these bytes (srv_etag_of uses this printer too, so
 * an If-Match compares like with like), and clients compare answers.
 */
#include "server_private.h"

#include <stdlib.h>

size_t srv_decimal(long long value, char out[24])
{
    char digits[24];
    size_t n = 0;
    unsigned long long magnitude =
        value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0)
        digits[n++] = '-';
    size_t len = 0;
    while (n > 0)
        out[len++] = digits[--n];
    out[len] = '\0';
    return len;
}

char *srv_json_print(const cJSON *value, size_t *len_out)
{
    ld_text text = {0};
    if (!ld_json_print(value, &text)) {
        ld_text_free(&text);
        return NULL;
    }
    if (len_out != NULL)
        *len_out = text.len;
    return text.data;
}
