# Tests of the operations API's accounts, keys, policy, workbooks and their
# verification (include/loandesk/admin.h, reports.h), on a database made by
# ld_api_init in a temporary folder; the audit trail is read with SQLite.
loandesk_test(api_admin api reports rating ledger core PkgConfig::SQLITE3)
target_compile_definitions(test_api_admin PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
