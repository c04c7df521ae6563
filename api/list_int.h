/*
 * list_int.h - what the list operations of the operations API share: the
 * page a caller asked for as core takes it, and core's page as the one JSON
 * shape every list returns.
 */
#ifndef LD_API_LIST_INT_H
#define LD_API_LIST_INT_H

#include "loandesk/origination.h"
#include "page.h"

/* The page to ask core for: page NULL or limit 0 is the default first page. */
core_page api_page_from(const ld_page *page);

/* {"rows", "total", "next_after", "has_more"} from a page result, taking its
 * rows (the result is left empty); NULL when out of memory. */
cJSON *api_page_json(core_page_result *result);

#endif
