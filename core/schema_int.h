/*
 * schema_int.h - the ordered list of schema migrations (private to the store).
 */
#ifndef LD_SCHEMA_INT_H
#define LD_SCHEMA_INT_H

/* migration i (0-based) takes the schema from version i to version i + 1. */
extern const char *const core_schema_migrations[];
extern const int core_schema_migration_count;

/* A bulk load of new borrowers (core_import_jsonl) posts their names once,
 * sorted, instead of a trigger per row: inside its transaction it runs
 * _suspend (drops the name postings' triggers), loads, then _resume with
 * ?1 bound to the largest borrower id before the load (posts every later
 * borrower's name, creates the triggers again). A rollback restores the
 * triggers with everything else. _resume is several statements: run each
 * with sqlite3_prepare_v2's tail, binding ?1 where a statement has it. */
extern const char core_schema_name_postings_suspend[];
extern const char core_schema_name_postings_resume[];

#endif
