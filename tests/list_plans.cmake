# The lists and searches of the web UI read their rows through indexes: the
# query plans SQLite makes for each filter and role, checked line by line.
loandesk_test(list_plans core_fixture ledger core)
target_compile_definitions(test_list_plans PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
