# Format 2 of the log's row images (ledger/rows.h): a book written in format 1
# verifies, is recorded in format 2 by its first write, and every column
# format 2 added is then proven (tests/test_rows_format.c).
loandesk_test(rows_format api_fixture doc_fixture api reports rating ledger core PkgConfig::SQLITE3)
target_include_directories(test_rows_format PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(test_rows_format PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
