# Ledger log benchmark: append rate, full verification against bare SHA-256,
# and proof latency on a large log.
add_executable(bench_log bench_log.c)
target_link_libraries(bench_log PRIVATE ledger core)
