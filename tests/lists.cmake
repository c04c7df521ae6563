# Lists a page at a time: applications and borrowers (core), loans (ledger);
# paging, totals, data scope, filters and their validation.
loandesk_test(lists core_fixture ledger core)
target_compile_definitions(test_lists PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
