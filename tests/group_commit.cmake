# The operations API's group commit (ld_committer): operations of many handles
# run in savepoints of one writer's transactions, refused and invalid ones
# rolled back alone, and the store's savepoints beneath it.
loandesk_test(group_commit api_fixture api reports rating ledger core PkgConfig::SQLITE3)
target_include_directories(test_group_commit PRIVATE ${CMAKE_SOURCE_DIR}/api)
