/*
 * check.h - the small assertion kit every loandesk test program uses.
 *
 * CHECK records a failure with its expression and line and carries on, so one run
 * reports every broken case; a test program's exit status is the failure count
 * (capped), which is what ctest reads. Test functions are listed in a table and
 * run by check_main in order; `prog NAME` runs only the tests whose name contains NAME.
 */
#ifndef LD_CHECK_H
#define LD_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

extern int check_failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_INT(actual, expected)                                                                \
    do {                                                                                           \
        long long check_a_ = (long long)(actual), check_e_ = (long long)(expected);                \
        if (check_a_ != check_e_) {                                                                \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #actual,     \
                    check_a_, check_e_);                                                           \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_STR(actual, expected)                                                                \
    do {                                                                                           \
        const char *check_a_ = (actual), *check_e_ = (expected);                                   \
        if (check_a_ == NULL || strcmp(check_a_, check_e_) != 0) {                                 \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
                    check_a_ ? check_a_ : "(null)", check_e_);                                     \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* Checks that a message contains a fragment (field names in errors). */
#define CHECK_CONTAINS(haystack, needle)                                                           \
    do {                                                                                           \
        const char *check_h_ = (haystack), *check_n_ = (needle);                                   \
        if (check_h_ == NULL || strstr(check_h_, check_n_) == NULL) {                              \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,         \
                    check_h_ ? check_h_ : "(null)", check_n_);                                     \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

typedef struct check_case {
    const char *name;
    void (*run)(void);
} check_case;

int check_main(int argc, char **argv, const check_case *cases, size_t count);

#define CHECK_RUN(argc, argv, table)                                                               \
    check_main((argc), (argv), (table), sizeof(table) / sizeof((table)[0]))

#endif
