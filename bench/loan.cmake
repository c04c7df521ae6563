# Close-of-business benchmark: one business day over a synthetic book of
# 1,000,000 loans, against a bare read-compute-write loop in the same run.
add_executable(bench_cob bench_cob.c)
target_link_libraries(bench_cob PRIVATE ledger core)
target_compile_definitions(bench_cob PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

# Close of business with its collection pass beside the same close without
# it, over the same synthetic book (about 10 % of loans in collection).
add_executable(bench_collection bench_collection.c)
target_link_libraries(bench_collection PRIVATE ledger core)
target_compile_definitions(bench_collection PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

# A back-dated repayment 60 days before the last close of business (value
# dated), against a repayment on the open day in the same run.
add_executable(bench_backdate bench_backdate.c)
target_link_libraries(bench_backdate PRIVATE ledger core doc_fixture)
target_compile_definitions(bench_backdate PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
