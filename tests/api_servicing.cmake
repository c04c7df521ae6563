# Tests of the servicing operations of the operations API (loandesk/servicing.h)
# on a database made by ld_api_init: rating, loans, close of business, the
# journal, the log and its proofs, inspections and the tools without a database.
loandesk_test(api_servicing api_fixture doc_fixture api reports rating ledger core)
target_include_directories(test_api_servicing PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(test_api_servicing PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
