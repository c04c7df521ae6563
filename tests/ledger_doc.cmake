# docs/ledger.md's table of what verification covers, checked against the
# covered tables the code records (ledger/rows.h).
loandesk_test(ledger_doc api_fixture api reports rating ledger core)
target_include_directories(test_ledger_doc PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(test_ledger_doc PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
