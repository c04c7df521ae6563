/*
 * schema_int.h - the ordered list of schema migrations (private to the store).
 */
#ifndef LD_SCHEMA_INT_H
#define LD_SCHEMA_INT_H

/* migration i (0-based) takes the schema from version i to version i + 1. */
extern const char *const core_schema_migrations[];
extern const int core_schema_migration_count;

#endif
