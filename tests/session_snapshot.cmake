# Resumed sessions in a front end's read snapshot (ld_api_read_begin): the
# session cache's invalidation, the time-outs judged afresh, refusals audited,
# and the last use written under another connection's write lock.
loandesk_test(session_snapshot api_fixture api reports rating ledger core PkgConfig::SQLITE3)
