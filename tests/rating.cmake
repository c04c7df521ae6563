# Tests of the rating module: policies, the scorer, statistics and fitting.
loandesk_test(rating rating core)
target_compile_definitions(test_rating PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
