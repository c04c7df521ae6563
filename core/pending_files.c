/*
 * pending_files.c - the files of the open transaction that come into place
 * only if it commits (pending_files.h).
 */
#include "pending_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pending {
    char *part, *final;
    bool placed; /* core_pending_place renamed it into place */
};

struct core_pending_files {
    struct pending *files;
    int count, cap;
    int *marks; /* the count at each open savepoint, innermost last */
    int depth, mark_cap;
};

static bool grow(void **items, int *cap, int need, size_t size)
{
    if (need <= *cap)
        return true;
    int n = *cap > 0 ? *cap * 2 : 8;
    while (n < need)
        n *= 2;
    void *p = realloc(*items, (size_t)n * size);
    if (p == NULL)
        return false;
    *items = p;
    *cap = n;
    return true;
}

static ld_status made(core_pending_files **set, ld_error *err)
{
    if (*set == NULL && (*set = calloc(1, sizeof **set)) == NULL)
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    return LD_OK;
}

ld_status core_pending_add(core_pending_files **set, const char *part, const char *final,
                           ld_error *err)
{
    ld_status st = made(set, err);
    if (st != LD_OK)
        return st;
    core_pending_files *s = *set;
    if (!grow((void **)&s->files, &s->cap, s->count + 1, sizeof *s->files))
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    struct pending p = {strdup(part), strdup(final), false};
    if (p.part == NULL || p.final == NULL) {
        free(p.part);
        free(p.final);
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    }
    s->files[s->count++] = p;
    return LD_OK;
}

bool core_pending_has(const core_pending_files *set, const char *final)
{
    for (int i = 0; set != NULL && i < set->count; i++)
        if (strcmp(set->files[i].final, final) == 0)
            return true;
    return false;
}

/* Removes the parts from index from on (their files too) and forgets them. */
static void drop_from(core_pending_files *set, int from)
{
    for (int i = from; i < set->count; i++) {
        unlink(set->files[i].part);
        free(set->files[i].part);
        free(set->files[i].final);
    }
    if (from < set->count)
        set->count = from;
}

ld_status core_pending_mark(core_pending_files **set, ld_error *err)
{
    ld_status st = made(set, err);
    if (st != LD_OK)
        return st;
    core_pending_files *s = *set;
    if (!grow((void **)&s->marks, &s->mark_cap, s->depth + 1, sizeof *s->marks))
        return LD_FAIL(err, LD_EINTERNAL, "out of memory");
    s->marks[s->depth++] = s->count;
    return LD_OK;
}

void core_pending_unmark(core_pending_files *set)
{
    if (set != NULL && set->depth > 0)
        set->depth--;
}

void core_pending_drop_to_mark(core_pending_files *set)
{
    if (set == NULL || set->depth == 0)
        return;
    drop_from(set, set->marks[--set->depth]);
}

ld_status core_pending_place(core_pending_files *set, ld_error *err)
{
    for (int i = 0; set != NULL && i < set->count; i++) {
        struct pending *p = &set->files[i];
        struct stat sb;
        if (lstat(p->final, &sb) == 0) {
            unlink(p->part); /* the same bytes are there already */
            continue;
        }
        if (rename(p->part, p->final) != 0) {
            int e = errno;
            core_pending_unplace(set);
            return LD_FAIL(err, LD_EINTERNAL, "placing the archive file %s: %s", p->final,
                           strerror(e));
        }
        p->placed = true;
    }
    return LD_OK;
}

void core_pending_unplace(core_pending_files *set)
{
    for (int i = 0; set != NULL && i < set->count; i++) {
        struct pending *p = &set->files[i];
        if (p->placed)
            unlink(p->final);
        else
            unlink(p->part);
        p->placed = false;
    }
}

void core_pending_forget(core_pending_files *set)
{
    for (int i = 0; set != NULL && i < set->count; i++) {
        free(set->files[i].part);
        free(set->files[i].final);
    }
    if (set != NULL)
        set->count = set->depth = 0;
}

void core_pending_discard(core_pending_files *set)
{
    if (set == NULL)
        return;
    drop_from(set, 0);
    set->depth = 0;
}

void core_pending_free(core_pending_files *set)
{
    if (set == NULL)
        return;
    core_pending_discard(set);
    free(set->files);
    free(set->marks);
    free(set);
}
