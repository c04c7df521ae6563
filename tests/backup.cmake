# Backups that restore (include/loandesk/backup.h): round trip and history,
# authentication of every part of an archive, wrong keys, restore that never
# overwrites, who may back up, retention, and a backup under a concurrent
# writer process.
loandesk_test(backup api_fixture api reports rating ledger core PkgConfig::SQLITE3)
target_include_directories(test_backup PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(test_backup PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
# A backup killed with SIGKILL at random moments (20 trials over a book of
# 3,000 imported borrowers) never leaves an archive that claims to be
# complete.
add_test(NAME backup_kill COMMAND ${CMAKE_SOURCE_DIR}/scripts/backup_kill.sh
         $<TARGET_FILE:loandesk> 20 3000 $<TARGET_FILE:bench_gen>)
set_tests_properties(backup_kill PROPERTIES TIMEOUT 600)
# The nightly job as docs/operations.md installs it (the systemd service's
# ExecStart and the cron line, run as written against a scratch book) and the
# restore drill.
add_test(NAME backup_ops COMMAND ${CMAKE_SOURCE_DIR}/tests/backup_ops.sh $<TARGET_FILE:loandesk>
         ${CMAKE_SOURCE_DIR})
