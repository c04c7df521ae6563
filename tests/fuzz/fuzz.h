/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share: a NUL-terminated
 * copy of the input for functions that read C strings, and FUZZ_CHECK, which
 * stops the run as a crash (abort) when a property of the code under test does
 * not hold, so libFuzzer keeps the input that broke it.
 */
#ifndef LOANDESK_FUZZ_H
#define LOANDESK_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* data[0..size) and a NUL in a new buffer (free()). Text stops at the first NUL
 * the input holds, as it would for any C string reader. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        abort();
    if (size > 0)
        memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

#endif
