/*
 * check.c - runner behind check.h.
 */
#include "check.h"

int check_failures = 0;

int check_main(int argc, char **argv, const check_case *cases, size_t count)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    size_t ran = 0;
    for (size_t i = 0; i < count; i++) {
        if (only != NULL && strstr(cases[i].name, only) == NULL)
            continue;
        int before = check_failures;
        cases[i].run();
        ran++;
        printf("%s %s\n", check_failures == before ? "ok  " : "FAIL", cases[i].name);
    }
    printf("%zu tests, %d failed checks\n", ran, check_failures);
    if (ran == 0)
        return 1;
    return check_failures > 100 ? 100 : check_failures;
}
