# Backups: `loandesk backup` and `backup verify` of a book of imported
# applicants beside `sqlite3 .backup` and `ledger verify` of the same file.
add_executable(bench_backup bench_backup.c)
target_link_libraries(bench_backup PRIVATE api PkgConfig::CJSON PkgConfig::OPENSSL)
target_include_directories(bench_backup PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_compile_definitions(bench_backup PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                           BENCH_GEN_PATH="$<TARGET_FILE:bench_gen>")
add_dependencies(bench_backup bench_gen)
