/*
 * test_clock.h - pins the business date of a test's store, as the operations
 * API does for its callers: core reads no environment variable, so a test says
 * which day the books are kept on through the store's injected clock.
 */
#ifndef LD_TEST_CLOCK_H
#define LD_TEST_CLOCK_H

#include <stdio.h>
#include <stdlib.h>

#include "date.h"
#include "store.h"

static inline void test_set_today(core_store *store, const char *date)
{
    core_clock clock = {0};
    if (ld_date_parse("today", date, &clock.business_date, NULL) != LD_OK) {
        fprintf(stderr, "test: bad business date %s\n", date);
        exit(99);
    }
    core_store_set_clock(store, &clock);
}

#endif
