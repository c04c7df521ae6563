/*
 * doc_fixture.h - what the tests that walk an application through its gates
 * share: the documents its product's checklist requires, added and checked
 * as the customer's officer would (core/document.h).
 */
#ifndef LD_DOC_FIXTURE_H
#define LD_DOC_FIXTURE_H

#include <stdint.h>

#include "session.h"
#include "store.h"

/* Adds and passes a check of every document application app_id's product
 * requires at any gate, as officer (the customer's), in a transaction of its
 * own unless one is open. A file-backed book archives a small PDF; an
 * in-memory one, which has no archive folder, gets the rows alone. Exits 99
 * on failure. */
void dfx_complete(core_store *store, const core_session *officer, int64_t app_id);

#endif
