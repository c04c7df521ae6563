# Strict input everywhere: the JSON reader, text fields, import lines, the
# audit trail's bounds and the modes of the files loandesk creates.
loandesk_test(input core_fixture reports ledger rating core)
