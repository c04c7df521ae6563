# The database file: migrations, upgrades, refusal of newer files, module schemas.
loandesk_test(store core)
