# Rating benchmark: scorer throughput on one core (built-in features only and with ten of
# the bank's own variables) and `fit` on 1,000,000 rows x 30 columns.
add_executable(bench_rating bench_rating.c)
target_link_libraries(bench_rating PRIVATE rating core)
target_compile_definitions(bench_rating PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
