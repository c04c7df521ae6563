# The sheet hashes' number texts and reader: each number's text as the sheet
# hash writes it equals libxlsxwriter's "%.16G", and the bounded reader reads
# back the same cells the writer hashed (tests/test_workbook_cells.c).
loandesk_test(workbook_cells reports ledger rating core)
