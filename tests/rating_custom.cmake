# The bank's own variables from end to end: fit on generated data with named and
# unnamed columns, load the fitted policy, rate applications carrying them.
loandesk_test(rating_custom api_fixture api reports rating ledger core)
target_compile_definitions(test_rating_custom PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
