# Backups: `loandesk backup` and `backup verify` of a book of imported
# applicants beside `sqlite3 .backup` and `ledger verify` of the same file.
add_executable(bench_backup bench_backup.c bench_book.c)
target_link_libraries(bench_backup PRIVATE api PkgConfig::CJSON PkgConfig::OPENSSL PkgConfig::SQLITE3)
target_include_directories(bench_backup PRIVATE ${CMAKE_SOURCE_DIR}/include)
target_compile_definitions(bench_backup PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                           BENCH_GEN_PATH="$<TARGET_FILE:bench_gen>")
add_dependencies(bench_backup bench_gen)
# The loan book bench_backup copies at full size: applicants taken through
# the operations API to disbursed loans in bulk transactions, then closes of
# business (bench_loan_book DIR LOANS; then bench_backup with that DIR).
add_executable(bench_loan_book bench_loan_book.c bench_book.c)
target_link_libraries(bench_loan_book PRIVATE api core PkgConfig::CJSON PkgConfig::SQLITE3)
target_include_directories(bench_loan_book PRIVATE ${CMAKE_SOURCE_DIR}/include
                           ${CMAKE_SOURCE_DIR}/api)
target_compile_definitions(bench_loan_book PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                           BENCH_GEN_PATH="$<TARGET_FILE:bench_gen>")
add_dependencies(bench_loan_book bench_gen)
