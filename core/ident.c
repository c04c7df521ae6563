/*
 * ident.c - check characters of GB 11643 and GB 32100, per docs/regulation.md.
 */
#include "ident.h"

#include <string.h>

static const int resident_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char resident_checks[] = "10X98765432";

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};

char core_resident_id_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (first17[i] < '0' || first17[i] > '9')
            return 0;
        sum += (first17[i] - '0') * resident_weights[i];
    }
    return resident_checks[sum % 11];
}

ld_status core_resident_id_check(const char *field, const char *id, ld_date today,
                                 ld_date *birth_out, ld_error *err)
{
    if (id == NULL || strlen(id) != 18)
        return LD_FAIL(err, LD_EINVAL, "%s: a resident ID has 18 characters", field);
    char expected = core_resident_id_check_char(id);
    if (expected == 0)
        return LD_FAIL(err, LD_EINVAL, "%s: the first 17 characters must be digits", field);
    if (id[17] != expected)
        return LD_FAIL(err, LD_EINVAL, "%s: check character is %c, expected %c (GB 11643)", field,
                       id[17], expected);
    int year = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
    int month = (id[10] - '0') * 10 + (id[11] - '0');
    int day = (id[12] - '0') * 10 + (id[13] - '0');
    if (!ld_date_valid_ymd(year, month, day))
        return LD_FAIL(err, LD_EINVAL, "%s: birth date %.8s is not a real date", field, id + 6);
    ld_date birth = ld_date_from_ymd(year, month, day);
    if (birth > today)
        return LD_FAIL(err, LD_EINVAL, "%s: birth date %.8s is in the future", field, id + 6);
    if (birth_out != NULL)
        *birth_out = birth;
    return LD_OK;
}

static int uscc_value(char c)
{
    const char *at = c ? strchr(uscc_alphabet, c) : NULL;
    return at == NULL ? -1 : (int)(at - uscc_alphabet);
}

char core_uscc_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = uscc_value(first17[i]);
        if (v < 0)
            return 0;
        sum += v * uscc_weights[i];
    }
    int check = 31 - sum % 31;
    return uscc_alphabet[check == 31 ? 0 : check];
}

ld_status core_uscc_check(const char *field, const char *code, ld_error *err)
{
    if (code == NULL || strlen(code) != 18)
        return LD_FAIL(err, LD_EINVAL, "%s: a unified social credit code has 18 characters", field);
    char expected = core_uscc_check_char(code);
    if (expected == 0)
        return LD_FAIL(err, LD_EINVAL,
                       "%s: only digits and capital letters other than I, O, S, V, Z are allowed",
                       field);
    if (code[17] != expected)
        return LD_FAIL(err, LD_EINVAL, "%s: check character is %c, expected %c (GB 32100)", field,
                       code[17], expected);
    return LD_OK;
}
