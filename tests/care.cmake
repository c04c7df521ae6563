# The customer archive and the care of loans after the decision
# (loandesk/care.h): documents and their gates, the archive's verification.
loandesk_test(care api_fixture api reports rating ledger core)
target_include_directories(test_care PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(test_care PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
