/*
 * fuzz_canonical_json.c - RFC 8785 canonical JSON of ledger entries
 * (ledger/canonical_json.c). For any JSON the serialiser accepts, its output
 * passes the byte checker and is a fixed point (canonicalising it again gives
 * the same bytes); bytes the checker accepts are exactly the serialiser's
 * output for the value they hold, so one value has one byte form.
 */
#include "fuzz.h"

#include "canonical_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    ld_error err;
    bool canonical_input = ledger_json_check_canonical(bytes, size, &err) == LD_OK;
    if (!canonical_input)
        FUZZ_CHECK(err.code == LD_EINVAL);

    cJSON *doc = cJSON_ParseWithLength(bytes, size);
    if (canonical_input)
        FUZZ_CHECK(doc != NULL);
    char *once = NULL, *twice = NULL;
    size_t once_len = 0, twice_len = 0;
    if (doc != NULL && ledger_json_canonical(doc, &once, &once_len, &err) == LD_OK) {
        FUZZ_CHECK(strlen(once) == once_len);
        FUZZ_CHECK(ledger_json_check_canonical(once, once_len, NULL) == LD_OK);
        cJSON *again = cJSON_ParseWithLength(once, once_len);
        FUZZ_CHECK(again != NULL);
        FUZZ_CHECK(ledger_json_canonical(again, &twice, &twice_len, NULL) == LD_OK);
        FUZZ_CHECK(twice_len == once_len && memcmp(once, twice, once_len) == 0);
        cJSON_Delete(again);
        if (canonical_input)
            FUZZ_CHECK(once_len == size && memcmp(once, bytes, size) == 0);
    } else if (canonical_input) {
        FUZZ_CHECK(!"the checker accepted bytes the serialiser refuses");
    }
    free(once);
    free(twice);
    cJSON_Delete(doc);
    return 0;
}
