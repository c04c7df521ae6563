# Loan ledger tests: the pure arithmetic, then loans, the journal, the close of
# business and tampering in an in-memory database made through the core API.
loandesk_test(loan doc_fixture ledger core)
target_compile_definitions(test_loan PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
