# Ledger log tests: pure Merkle hashing and proofs, canonical JSON, and the
# SQLite-backed log with tampering through raw SQL.
loandesk_test(merkle ledger core)
loandesk_test(ledger_log ledger core)
