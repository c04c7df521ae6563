# The row-tampering suite: every covered table changed, deleted, inserted or
# reordered behind the application's back is caught by ledger verify (exit 6),
# and the close of business refuses to run over a changed loan.
loandesk_test(tamper api_fixture api reports rating ledger core)
target_include_directories(test_tamper PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(test_tamper PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
