# The trust the ledger earns under the auditor's anchor: tamperings of the
# database's certificates, checkpoints and keys and of an export, workbooks
# re-signed by a foreign key, and the custody of the CA and institution keys
# apart from every login (tests/test_trust.c).
loandesk_test(trust api_fixture doc_fixture api reports rating ledger core PkgConfig::SQLITE3)
target_include_directories(test_trust PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(test_trust PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
