# The reader of the log's "rows" entries against the general JSON parser.
loandesk_test(rows_reader ledger core)
