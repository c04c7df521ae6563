# The origination operations of the operations API (include/loandesk/origination.h):
# records typed from flags, the blocklist, four eyes on overrides, lists by the page,
# an application's whole file.
loandesk_test(api_origination api_fixture api reports rating ledger core)
target_compile_definitions(test_api_origination PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
