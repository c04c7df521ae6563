# Tests of reports/ and post-loan inspections: workbooks opened as ZIP files,
# signatures checked with the openssl command line, tampering and revocation.
loandesk_test(reports reports ledger rating core)
target_compile_definitions(test_reports PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                               LOANDESK_BIN="$<TARGET_FILE:loandesk>")
add_dependencies(test_reports loandesk)
