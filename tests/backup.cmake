# Backups that restore (include/loandesk/backup.h): round trip and history,
# authentication of every part of an archive, wrong keys, restore that never
# overwrites, who may back up, retention, and a backup under a concurrent
# writer process.
loandesk_test(backup api_fixture api reports rating ledger core PkgConfig::SQLITE3)
target_include_directories(test_backup PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(test_backup PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
