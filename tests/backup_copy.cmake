# The database into a backup archive in one pass (core/backup_copy.h): the
# copy is what SQLite's own online backup makes, at every page size and in
# chunks smaller than a page; a book past 1 GiB (SQLite's lock-byte page)
# is carried whole; archives of the earlier layout still extract.
loandesk_test(backup_copy core)
set_tests_properties(backup_copy PROPERTIES TIMEOUT 900)
