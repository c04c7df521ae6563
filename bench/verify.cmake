# Verification of a synthetic book whose rows are all in the log: the log's
# hashing, the checkpoints and the state replay, beside bare SHA-256.
add_executable(bench_verify bench_verify.c)
target_link_libraries(bench_verify PRIVATE ledger core)
target_compile_definitions(bench_verify PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
