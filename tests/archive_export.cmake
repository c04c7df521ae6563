# The customer archive's copy in a ledger export, verified offline against
# the hashes the log recorded (ledger/verify_archive.h).
loandesk_test(archive_export api_fixture api reports rating ledger core)
target_include_directories(test_archive_export PRIVATE ${CMAKE_SOURCE_DIR}/api)
