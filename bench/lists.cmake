# Lists at scale: the first page of every filter of the application, borrower
# and loan lists on a book of 1,000,000 applications, against the bare SQL.
add_executable(bench_lists bench_lists.c)
target_link_libraries(bench_lists PRIVATE ledger core)
target_compile_definitions(bench_lists PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_dependencies(bench_lists bench_gen)
