/*
 * fuzz_ident.c - resident ID and unified social credit code checks
 * (core/ident.c). An accepted number has 18 characters, the check character
 * its first 17 call for and, for a resident ID, a real birth date not after
 * the day of the check; and the first 17 characters with the check character
 * they call for are accepted exactly when that birth date is real.
 */
#include "fuzz.h"

#include "date.h"
#include "ident.h"

static void check_resident_id(const char *text, ld_date today)
{
    ld_error err;
    ld_date birth = 0;
    if (core_resident_id_check("id_number", text, today, &birth, &err) == LD_OK) {
        FUZZ_CHECK(strlen(text) == 18 && core_resident_id_check_char(text) == text[17]);
        FUZZ_CHECK(birth <= today);
        char buf[LD_DATE_TEXT_MAX], digits[9];
        ld_date_format(birth, buf);
        memcpy(digits, buf, 4);
        memcpy(digits + 4, buf + 5, 2);
        memcpy(digits + 6, buf + 8, 2);
        FUZZ_CHECK(memcmp(digits, text + 6, 8) == 0);
    } else {
        FUZZ_CHECK(err.code == LD_EINVAL && strncmp(err.message, "id_number: ", 11) == 0);
    }

    if (strlen(text) < 17)
        return;
    char fixed[19];
    memcpy(fixed, text, 17);
    fixed[17] = core_resident_id_check_char(text);
    fixed[18] = '\0';
    if (fixed[17] == 0)
        return;
    char date_text[LD_DATE_TEXT_MAX] = {fixed[6],  fixed[7], fixed[8],  fixed[9],  '-', fixed[10],
                                        fixed[11], '-',      fixed[12], fixed[13], '\0'};
    ld_date expected_birth = 0;
    bool real = ld_date_parse("birth", date_text, &expected_birth, NULL) == LD_OK &&
                expected_birth <= today;
    FUZZ_CHECK((core_resident_id_check("id_number", fixed, today, &birth, NULL) == LD_OK) == real);
    if (real)
        FUZZ_CHECK(birth == expected_birth);
}

static void check_uscc(const char *text)
{
    ld_error err;
    if (core_uscc_check("uscc", text, &err) == LD_OK)
        FUZZ_CHECK(strlen(text) == 18 && core_uscc_check_char(text) == text[17]);
    else
        FUZZ_CHECK(err.code == LD_EINVAL && strncmp(err.message, "uscc: ", 6) == 0);

    if (strlen(text) < 17)
        return;
    char fixed[19];
    memcpy(fixed, text, 17);
    fixed[17] = core_uscc_check_char(text);
    fixed[18] = '\0';
    if (fixed[17] != 0)
        FUZZ_CHECK(core_uscc_check("uscc", fixed, NULL) == LD_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    ld_date today = ld_date_from_ymd(2026, 11, 29);
    check_resident_id(text, today);
    check_uscc(text);
    free(text);
    return 0;
}
