# The workbooks of a fixed book (fixed clock and business dates, unsigned)
# compared byte for byte with tests/golden/*.xlsx; scripts/golden.sh
# regenerates them.
loandesk_test(golden api_fixture api reports rating ledger core)
target_compile_definitions(test_golden PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
