/*
 * test_backup_copy.c - the database into an archive in one pass
 * (core/backup_copy.h): what comes out of the archive is, byte for byte,
 * what SQLite's own online backup makes of the same book into a file, for
 * every page size and for chunks smaller than a page; a database past 1 GiB
 * carries SQLite's lock-byte page as the zeros a file holds there; the part's
 * SHA-256 is of the bytes as the archive carries them (pages 2..N, then page
 * 1); and an archive of the earlier layout (the database as a plain "F"
 * part) still extracts.
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup_bundle.h"
#include "backup_copy.h"
#include "backup_crypt.h"
#include "check.h"
#include "digest.h"

static char dir[256];
static core_backup_secret secret;

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, msg);
        check_failures++;
    }
    sqlite3_free(msg);
}

/* A WAL book of page size page with rows in a few tables and indexes. */
static void make_book(const char *path, int page, int rows)
{
    sqlite3 *db = NULL;
    char sql[256];
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    snprintf(sql, sizeof sql, "PRAGMA page_size = %d; PRAGMA journal_mode = WAL", page);
    exec_ok(db, sql);
    exec_ok(db, "CREATE TABLE loan(id INTEGER PRIMARY KEY, borrower TEXT, principal INTEGER);"
                "CREATE INDEX loan_borrower ON loan(borrower);"
                "CREATE TABLE note(id INTEGER PRIMARY KEY, body BLOB)");
    exec_ok(db, "BEGIN");
    for (int i = 0; i < rows; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO loan(borrower, principal) VALUES ('borrower %d', %d);"
                 "INSERT INTO note(body) VALUES (randomblob(%d))",
                 i * 7919 % rows, 100000 + i, 50 + i % 3000);
        exec_ok(db, sql);
    }
    exec_ok(db, "COMMIT");
    /* Some rows gone: the copy carries free pages as they are. */
    exec_ok(db, "DELETE FROM note WHERE id % 5 = 0");
    sqlite3_close(db);
}

/* SQLite's online backup of src into the file dst: the reference. */
static void reference_copy(const char *src, const char *dst)
{
    sqlite3 *s = NULL, *d = NULL;
    CHECK(sqlite3_open(src, &s) == SQLITE_OK);
    CHECK(sqlite3_open(dst, &d) == SQLITE_OK);
    sqlite3_backup *b = sqlite3_backup_init(d, "main", s, "main");
    CHECK(b != NULL);
    CHECK_INT(sqlite3_backup_step(b, -1), SQLITE_DONE);
    CHECK_INT(sqlite3_backup_finish(b), SQLITE_OK);
    sqlite3_close(d);
    sqlite3_close(s);
}

static ld_status no_facts(void *ctx, sqlite3 *db, ld_error *err)
{
    (void)db;
    (void)err;
    (*(int *)ctx)++;
    return LD_OK;
}

/* Copies book into an archive in chunks of chunk bytes, then extracts it as
 * out; returns the part's record (the caller's). */
static cJSON *archive_and_extract(const char *book, uint32_t chunk, const char *out)
{
    char archive[400];
    path_in(archive, sizeof archive, "copy.ldbak");
    unlink(archive);
    core_bundle_remove(out);
    ld_error err;
    core_backup_writer *w = NULL;
    cJSON *parts = cJSON_CreateArray(), *got = NULL, *manifest = NULL;
    int called = 0;
    CHECK_INT(core_backup_writer_open(archive, &secret, chunk, &w, &err), LD_OK);
    CHECK_INT(core_bundle_begin(w, &err), LD_OK);
    ld_status st = core_backup_copy_database(book, w, "database", no_facts, &called, parts, &err);
    CHECK_INT(st, LD_OK);
    if (st != LD_OK)
        fprintf(stderr, "copy: %s\n", err.message);
    CHECK_INT(called, 1);
    cJSON *m = cJSON_CreateObject();
    cJSON_AddItemToObject(m, "parts", cJSON_Duplicate(parts, true));
    CHECK_INT(core_bundle_end(w, m, &err), LD_OK);
    cJSON_Delete(m);
    CHECK_INT(core_backup_writer_finish(w, &err), LD_OK);
    core_backup_reader *r = NULL;
    CHECK_INT(core_backup_reader_open(archive, &secret, &r, &err), LD_OK);
    st = core_bundle_extract(r, out, false, &got, &manifest, &err);
    CHECK_INT(st, LD_OK);
    if (st != LD_OK)
        fprintf(stderr, "extract: %s\n", err.message);
    core_backup_reader_close(r);
    if (st == LD_OK)
        CHECK_INT(core_bundle_check_parts(manifest, got, &err), LD_OK);
    cJSON_Delete(got);
    cJSON_Delete(manifest);
    unlink(archive);
    cJSON *record = cJSON_DetachItemFromArray(parts, 0);
    cJSON_Delete(parts);
    return record;
}

/* Whether files a and b hold the same bytes; with counters_apart, but for
 * the header fields a commit of a copy writes for itself (change counter and
 * size, schema cookie, version-valid-for and SQLite's version number). */
static bool same_files(const char *a, const char *b, bool counters_apart)
{
    static const int counters[][2] = {{24, 32}, {40, 44}, {92, 100}};
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa != NULL && fb != NULL;
    static unsigned char x[1 << 16], y[1 << 16];
    for (long block = 0; same; block++) {
        size_t n = fread(x, 1, sizeof x, fa), m = fread(y, 1, sizeof y, fb);
        for (size_t k = 0; counters_apart && block == 0 && n >= 100 && m >= 100 && k < 3; k++) {
            size_t from = (size_t)counters[k][0], len = (size_t)(counters[k][1] - counters[k][0]);
            memset(x + from, 0, len);
            memset(y + from, 0, len);
        }
        same = n == m && memcmp(x, y, n) == 0;
        if (n == 0)
            break;
    }
    if (fa != NULL)
        fclose(fa);
    if (fb != NULL)
        fclose(fb);
    return same;
}

/* SHA-256 of the file's bytes from head on, then its first head bytes. */
static void rotated_sha256(const char *path, long head, char hex[65])
{
    FILE *f = fopen(path, "rb");
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    unsigned char buf[1 << 16], digest[32];
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    for (int pass = 0; f != NULL && pass < 2; pass++) {
        long left = pass == 0 ? -1 : head;
        fseek(f, pass == 0 ? head : 0, SEEK_SET);
        while (left != 0) {
            size_t want = left < 0 || left > (long)sizeof buf ? sizeof buf : (size_t)left;
            size_t n = fread(buf, 1, want, f);
            if (n == 0)
                break;
            EVP_DigestUpdate(c, buf, n);
            if (left > 0)
                left -= (long)n;
        }
    }
    EVP_DigestFinal_ex(c, digest, NULL);
    EVP_MD_CTX_free(c);
    core_hex_encode(digest, sizeof digest, hex);
    if (f != NULL)
        fclose(f);
}

static const char *integrity_of(const char *path)
{
    static char result[64];
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    snprintf(result, sizeof result, "(no answer)");
    if (sqlite3_open(path, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
        snprintf(result, sizeof result, "%s", (const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return result;
}

static void the_copy_is_what_sqlites_backup_makes_at_every_page_size(void)
{
    static const int pages[] = {512, 4096, 16384, 65536};
    static const uint32_t chunks[] = {CORE_BACKUP_CHUNK_MIN, 0};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            char book[400], ref[400], out[400], hex[65];
            path_in(book, sizeof book, "book.db");
            path_in(ref, sizeof ref, "reference.db");
            path_in(out, sizeof out, "restored.db");
            core_bundle_remove(book);
            unlink(ref);
            make_book(book, pages[i], 3000);
            reference_copy(book, ref);
            cJSON *record = archive_and_extract(book, chunks[c], out);
            struct stat info;
            CHECK(stat(ref, &info) == 0);
            CHECK(same_files(out, ref, false));
            CHECK_STR(integrity_of(out), "ok");
            const cJSON *size = cJSON_GetObjectItemCaseSensitive(record, "size");
            const cJSON *head = cJSON_GetObjectItemCaseSensitive(record, "head_last");
            CHECK(cJSON_IsNumber(size) && (off_t)size->valueint == info.st_size);
            CHECK(cJSON_IsNumber(head) && head->valueint == pages[i]);
            rotated_sha256(ref, pages[i], hex);
            const cJSON *sha = cJSON_GetObjectItemCaseSensitive(record, "sha256");
            CHECK_STR(cJSON_IsString(sha) ? sha->valuestring : NULL, hex);
            cJSON_Delete(record);
            core_bundle_remove(out);
        }
    }
}

/* Past 1 GiB SQLite skips the page holding its lock bytes: no database uses
 * it, and a file holds zeros there. The copy carries those zeros, and is the
 * book page for page. */
static void a_book_past_one_gib_is_carried_whole(void)
{
    char book[400], out[400];
    path_in(book, sizeof book, "big.db");
    path_in(out, sizeof out, "big-restored.db");
    core_bundle_remove(book);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(book, &db) == SQLITE_OK);
    exec_ok(db, "PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;"
                "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);"
                "INSERT INTO t(b) VALUES (zeroblob(560000000)), (zeroblob(560000000));"
                "INSERT INTO t(b) VALUES (randomblob(100000));"
                "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
    struct stat info;
    CHECK(stat(book, &info) == 0 && info.st_size > (off_t)(1 << 30));
    cJSON *record = archive_and_extract(book, 0, out);
    CHECK(record != NULL);
    cJSON_Delete(record);
    /* The book itself, opened by nothing since, is the reference: page 1
     * differs only where the copy's commit writes its own counters. */
    CHECK(same_files(book, out, true));
    CHECK_STR(integrity_of(out), "ok");
    core_bundle_remove(out);
    core_bundle_remove(book);
}

/* Archives made before the one-pass copy carry the database as an "F" part. */
static void an_archive_with_the_database_as_a_plain_file_still_extracts(void)
{
    char book[400], out[400], archive[400];
    path_in(book, sizeof book, "old.db");
    path_in(out, sizeof out, "old-restored.db");
    path_in(archive, sizeof archive, "old.ldbak");
    core_bundle_remove(book);
    make_book(book, 4096, 500);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(book, &db) == SQLITE_OK);
    exec_ok(db, "PRAGMA journal_mode = DELETE");
    sqlite3_close(db);
    ld_error err;
    core_backup_writer *w = NULL;
    core_backup_part part = {.role = CORE_BACKUP_DATABASE, .name = "database"};
    snprintf(part.path, sizeof part.path, "%s", book);
    cJSON *parts = cJSON_CreateArray(), *got = NULL, *manifest = NULL;
    CHECK_INT(core_backup_writer_open(archive, &secret, 0, &w, &err), LD_OK);
    CHECK_INT(core_bundle_begin(w, &err), LD_OK);
    CHECK_INT(core_bundle_put(w, &part, parts, &err), LD_OK);
    cJSON *m = cJSON_CreateObject();
    cJSON_AddItemToObject(m, "parts", parts);
    CHECK_INT(core_bundle_end(w, m, &err), LD_OK);
    CHECK_INT(core_backup_writer_finish(w, &err), LD_OK);
    core_backup_reader *r = NULL;
    CHECK_INT(core_backup_reader_open(archive, &secret, &r, &err), LD_OK);
    CHECK_INT(core_bundle_extract(r, out, false, &got, &manifest, &err), LD_OK);
    core_backup_reader_close(r);
    CHECK_INT(core_bundle_check_parts(m, got, &err), LD_OK);
    CHECK(same_files(out, book, false));
    cJSON_Delete(m);
    cJSON_Delete(got);
    cJSON_Delete(manifest);
    core_bundle_remove(out);
    core_bundle_remove(book);
    unlink(archive);
}

int main(int argc, char **argv)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/test-backup-copy-XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        return 1;
    for (size_t i = 0; i < sizeof secret.key; i++)
        secret.key[i] = (uint8_t)(i * 5 + 3);
    static const check_case cases[] = {
        {"the_copy_is_what_sqlites_backup_makes_at_every_page_size",
         the_copy_is_what_sqlites_backup_makes_at_every_page_size},
        {"a_book_past_one_gib_is_carried_whole", a_book_past_one_gib_is_carried_whole},
        {"an_archive_with_the_database_as_a_plain_file_still_extracts",
         an_archive_with_the_database_as_a_plain_file_still_extracts},
    };
    int rc = CHECK_RUN(argc, argv, cases);
    core_backup_remove_tree(dir);
    return rc;
}
