/*
 * api_fixture.h - what the tests of the operations API share: a fresh book
 * made by ld_api_init in a temporary folder with the shipped policy and
 * products, the fixed clock they keep it by (business date 2026-06-15, wall
 * clock 09:00 UTC that day), logins, and a setup failure that stops the
 * program (exit 99, as a test that could not start).
 */
#ifndef LD_API_FIXTURE_H
#define LD_API_FIXTURE_H

#include <stddef.h>

#include "loandesk/api.h"

#define AFX_TODAY "2026-06-15"

/* The CA custodians' passphrase of every fixture book (never a login's). */
#define AFX_CA_PASSPHRASE "Fixture-CA-custodians-2026"

extern const ld_clock afx_clock;

/* Prints "setup: WHAT: MESSAGE" and exits 99. err may be NULL. */
void afx_die(const char *what, const ld_error *err) __attribute__((noreturn));

/* Makes a temporary folder named after name (written to dir_out), a new book
 * in it (its path to db_out) with an admin account "admin" of admin_password,
 * and returns the API open on it. */
ld_api *afx_book_new(const char *name, const char *admin_password, char *dir_out, size_t dir_size,
                     char *db_out, size_t db_size);

/* Writes the book's CA certificate, as an auditor holds it, to dir/ca.pem
 * (its path into out), using a session that may read it; or exit 99. */
void afx_ca_file(ld_session *session, const char *dir, char *out, size_t size);

/* Adds and passes a check of every document application app_id's product
 * requires at any gate (its checklist, as `doc list application` gives it),
 * as officer, the customer's, would: a small PDF for each, the borrower's own
 * papers on the borrower, the rest on the application. Or exit 99. */
void afx_documents(ld_session *officer, int64_t app_id);

/* A session of username, or exit 99. */
ld_session *afx_login(ld_api *api, const char *username, const char *password);

/* scripts/demo/NAME parsed (the caller deletes it), or exit 99. */
cJSON *afx_demo_file(const char *name);

/* Adds the account name of role with password through admin's session (its
 * signing certificate issued under the fixture's CA passphrase), or exit 99. */
void afx_user_add(ld_session *admin, const char *name, const char *role, const char *password);

/* Marks every account's password as replaced by its owner on AFX_TODAY, so
 * that nobody must change one before working; written below the API (there
 * is no operation that does it) and signed as an operation's unit of work
 * is (api_seal). Or exit 99. */
void afx_passwords_replaced(ld_api *api);

#endif
