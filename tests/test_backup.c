/*
 * test_backup.c - backups that restore (loandesk/backup.h): a round trip
 * whose restored book verifies and continues the history an auditor kept; a
 * backup taken while another process writes applications holds exactly a
 * prefix of what was committed, all of what was committed before it began;
 * every byte of an archive's header and of each chunk's frame, ciphertext
 * and tag is authenticated, as are its length, order and origin; a wrong key
 * restores nothing; restore never writes over anything; retention keeps the
 * newest.
 */
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api_fixture.h"
#include "api_int.h"
#include "backup_crypt.h"
#include "backup_int.h"
#include "check.h"
#include "loandesk/admin.h"
#include "loandesk/backup.h"
#include "loandesk/origination.h"
#include "loandesk/servicing.h"
#include "store_sql.h"

#ifndef LOANDESK_SOURCE_DIR
#error "LOANDESK_SOURCE_DIR must name the source tree"
#endif

#define ADMIN_PASSWORD "Admin-pass-2026"
#define USER_PASSWORD  "User-pass-2026"
#define DEMO           LOANDESK_SOURCE_DIR "/scripts/demo/"
#define SMALL_CHUNK    16384u

static ld_api *api;
static ld_session *s_admin, *s_off, *s_mgr, *s_aud;
static char dir[256], db[300], ca_path[300], key_path[300], other_key[300];
static char off_token[LD_SESSION_TOKEN_MAX], aud_token[LD_SESSION_TOKEN_MAX];
static char admin_token[LD_SESSION_TOKEN_MAX];
static ld_backup_key key;

static void ok(ld_status st, const char *what, const ld_error *err)
{
    if (st != LD_OK)
        afx_die(what, err);
}

static void path_in(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", dir, name);
}

static bool exists(const char *path)
{
    struct stat info;
    return lstat(path, &info) == 0;
}

static unsigned mode_of(const char *path)
{
    struct stat info;
    return lstat(path, &info) == 0 ? (unsigned)(info.st_mode & 0777) : 0;
}

static void add_user(const char *name, const char *role)
{
    ld_error err;
    cJSON *out = NULL;
    ld_user_spec spec = {
        .username = name, .full_name = name, .role = role, .password = USER_PASSWORD};
    ok(ld_user_add(s_admin, &spec, AFX_CA_PASSPHRASE, &out, &err), "adding a user", &err);
    cJSON_Delete(out);
}

static int64_t new_application(ld_session *s, ld_error *err, ld_status *st)
{
    cJSON *a = cJSON_Parse("{\"borrower_id\": 1, \"product\": \"PCL\", \"amount\": \"100000.00\", "
                           "\"term_months\": 12, \"method\": \"annuity\", \"purpose\": \"stock\"}");
    cJSON *out = NULL;
    *st = ld_application_create(s, a, &out, err);
    cJSON_Delete(a);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(out, "id");
    int64_t v = cJSON_IsNumber(id) ? (int64_t)id->valuedouble : 0;
    cJSON_Delete(out);
    return v;
}

static void world_close(void)
{
    ld_session *all[] = {s_admin, s_off, s_mgr, s_aud};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ld_session_free(all[i]);
    ld_api_close(api);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void book(void)
{
    ld_error err;
    cJSON *out = NULL;
    api = afx_book_new("backup", ADMIN_PASSWORD, dir, sizeof dir, db, sizeof db);
    atexit(world_close);
    s_admin = afx_login(api, "admin", ADMIN_PASSWORD);
    add_user("off1", "officer");
    add_user("mgr", "manager");
    add_user("aud", "auditor");
    /* Each has replaced the first password the admin gave them. */
    afx_passwords_replaced(api);
    s_off = afx_login(api, "off1", USER_PASSWORD);
    s_mgr = afx_login(api, "mgr", USER_PASSWORD);
    s_aud = afx_login(api, "aud", USER_PASSWORD);
    ok(ld_session_token_issue(s_off, off_token, &err), "token", &err);
    ok(ld_session_token_issue(s_aud, aud_token, &err), "token", &err);
    ok(ld_session_token_issue(s_admin, admin_token, &err), "token", &err);
    afx_ca_file(s_aud, dir, ca_path, sizeof ca_path);
    cJSON *b = NULL;
    ok(ld_json_read_file(DEMO "borrower-zhang.json", &b, &err), "borrower file", &err);
    ok(ld_borrower_add(s_off, b, &out, &err), "borrower", &err);
    cJSON_Delete(b);
    cJSON_Delete(out);
    ld_status st;
    for (int i = 0; i < 3; i++) {
        new_application(s_off, &err, &st);
        ok(st, "application", &err);
    }
    path_in(key_path, sizeof key_path, "backup.key");
    path_in(other_key, sizeof other_key, "other.key");
    ok(ld_backup_keygen(key_path, &out, &err), "keygen", &err);
    cJSON_Delete(out);
    ok(ld_backup_keygen(other_key, &out, &err), "keygen", &err);
    cJSON_Delete(out);
    key.key_file = key_path;
    /* A documents folder beside the book, as the convention names it. */
    char docs[400], sub[420], file[440];
    snprintf(docs, sizeof docs, "%s.documents", db);
    snprintf(sub, sizeof sub, "%s/2026", docs);
    snprintf(file, sizeof file, "%s/contract-1.txt", sub);
    if (mkdir(docs, 0700) != 0 || mkdir(sub, 0700) != 0)
        afx_die("documents folder", NULL);
    FILE *f = fopen(file, "w");
    if (f == NULL)
        afx_die("document", NULL);
    fputs("contract 1, signed\n", f);
    fclose(f);
}

static ld_status take_with(const char *name, uint32_t chunk, const ld_backup_key *k, bool with_key,
                           cJSON **out, ld_error *err)
{
    char path[400];
    path_in(path, sizeof path, name);
    ld_backup_options o = {.out = path, .chunk_size = chunk, .with_institution_key = with_key};
    return ld_backup_create(s_admin, k, &o, out, err);
}

static ld_status take(const char *name, uint32_t chunk, const ld_backup_key *k, cJSON **out,
                      ld_error *err)
{
    char path[400];
    path_in(path, sizeof path, name);
    ld_backup_options o = {.out = path, .chunk_size = chunk};
    return ld_backup_create(s_admin, k, &o, out, err);
}

/* The archive name in the test folder, taken now when no earlier case
 * took it (each case may run alone). */
static void ensure(const char *name, char *path, size_t size)
{
    path_in(path, size, name);
    if (exists(path))
        return;
    ld_error err;
    cJSON *out = NULL;
    ok(take(name, 0, &key, &out, &err), name, &err);
    cJSON_Delete(out);
}

static ld_trust_anchor anchor(const char *since)
{
    return (ld_trust_anchor){.ca_file = ca_path, .since_path = since};
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        afx_die(path, NULL);
    fputs(text, f);
    fclose(f);
}

static void a_restored_book_verifies_and_is_the_history_kept(void)
{
    ld_error err;
    cJSON *cp = NULL, *out = NULL;
    char kept[400], later[400], archive[400], to[400], restored_dir[400];
    path_in(kept, sizeof kept, "kept.checkpoint");
    path_in(later, sizeof later, "later.checkpoint");
    path_in(archive, sizeof archive, "one.ldbak");
    path_in(restored_dir, sizeof restored_dir, "restored");
    snprintf(to, sizeof to, "%s/book.db", restored_dir);
    ok(ld_ledger_checkpoint(s_mgr, &cp, &err), "checkpoint", &err);
    write_text(kept, cJSON_GetObjectItemCaseSensitive(cp, "block")->valuestring);
    cJSON_Delete(cp);

    CHECK_INT(take("one.ldbak", 0, &key, &out, &err), LD_OK);
    CHECK_INT(mode_of(archive), 0600);
    const cJSON *parts = cJSON_GetObjectItemCaseSensitive(out, "parts");
    char *listed = cJSON_PrintUnformatted(parts);
    CHECK_CONTAINS(listed, "\"name\":\"database\"");
    CHECK_CONTAINS(listed, "\"name\":\"documents/2026/contract-1.txt\"");
    CHECK(strstr(listed, "institution-key") == NULL);
    free(listed);
    cJSON_Delete(out);

    /* The book moves on after the copy: an auditor keeps a later checkpoint. */
    ld_status st;
    new_application(s_off, &err, &st);
    CHECK_INT(st, LD_OK);
    ok(ld_ledger_checkpoint(s_mgr, &cp, &err), "checkpoint", &err);
    write_text(later, cJSON_GetObjectItemCaseSensitive(cp, "block")->valuestring);
    cJSON_Delete(cp);

    ld_trust_anchor a = anchor(NULL);
    CHECK_INT(ld_backup_verify(archive, &key, &a, dir, &out, &err), LD_OK);
    cJSON_Delete(out);
    if (mkdir(restored_dir, 0700) != 0)
        afx_die("restore folder", NULL);
    CHECK_INT(ld_backup_restore(archive, &key, &a, to, &out, &err), LD_OK);
    cJSON_Delete(out);
    char p[460];
    CHECK_INT(mode_of(to), 0600);
    snprintf(p, sizeof p, "%s.institution-key", to);
    CHECK(!exists(p));
    snprintf(p, sizeof p, "%s.documents", to);
    CHECK_INT(mode_of(p), 0700);
    snprintf(p, sizeof p, "%s.documents/2026/contract-1.txt", to);
    FILE *f = fopen(p, "r");
    char line[64] = "";
    CHECK(f != NULL && fgets(line, sizeof line, f) != NULL);
    if (f != NULL)
        fclose(f);
    CHECK_STR(line, "contract 1, signed\n");

    /* The restored book is the history kept before the copy, and not the
     * longer one kept after it. */
    ld_api *r = NULL;
    ld_session *aud = NULL, *off = NULL;
    ok(ld_api_open(to, &afx_clock, &r, &err), "open restored", &err);
    ok(ld_session_resume(r, aud_token, &aud, &err), "resume", &err);
    ld_trust_anchor since = anchor(kept);
    CHECK_INT(ld_ledger_verify(aud, &since, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    ld_trust_anchor since_later = anchor(later);
    CHECK_INT(ld_ledger_verify(aud, &since_later, &out, &err), LD_EVERIFY);
    cJSON_Delete(out);
    /* No institution key came with it: nothing is written until the CA
     * custodians certify a new one; then it keeps the same history. */
    ok(ld_session_resume(r, off_token, &off, &err), "resume", &err);
    new_application(off, &err, &st);
    CHECK_INT(st, LD_EPERM);
    ld_session *adm = NULL;
    ok(ld_session_resume(r, admin_token, &adm, &err), "resume", &err);
    out = NULL;
    CHECK_INT(ld_ledger_key_rotate(adm, AFX_CA_PASSPHRASE, NULL, &out, &err), LD_OK);
    cJSON_Delete(out);
    CHECK_INT(mode_of(p), 0600);
    int64_t id = new_application(off, &err, &st);
    CHECK_INT(st, LD_OK);
    CHECK_INT(id, 4);
    out = NULL;
    CHECK_INT(ld_ledger_verify(aud, &since, &out, &err), LD_OK);
    cJSON_Delete(out);
    ld_session_free(adm);
    ld_session_free(aud);
    ld_session_free(off);
    ld_api_close(r);
}

static void with_its_key_a_restored_book_writes_at_once(void)
{
    ld_error err;
    cJSON *out = NULL;
    char archive[400], to[400], p[460];
    path_in(archive, sizeof archive, "withkey.ldbak");
    path_in(to, sizeof to, "withkey.db");
    CHECK_INT(take_with("withkey.ldbak", 0, &key, true, &out, &err), LD_OK);
    char *listed = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(out, "parts"));
    CHECK_CONTAINS(listed, "\"name\":\"institution-key\"");
    free(listed);
    cJSON_Delete(out);
    ld_trust_anchor a = anchor(NULL);
    out = NULL;
    CHECK_INT(ld_backup_restore(archive, &key, &a, to, &out, &err), LD_OK);
    cJSON_Delete(out);
    snprintf(p, sizeof p, "%s.institution-key", to);
    CHECK_INT(mode_of(p), 0600);
    ld_api *r = NULL;
    ld_session *off = NULL;
    ok(ld_api_open(to, &afx_clock, &r, &err), "open restored", &err);
    ok(ld_session_resume(r, off_token, &off, &err), "resume", &err);
    ld_status st;
    new_application(off, &err, &st);
    CHECK_INT(st, LD_OK);
    ld_session_free(off);
    ld_api_close(r);
}

/* The archive's bytes, read whole. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        afx_die(path, NULL);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n)
        afx_die("reading an archive", NULL);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void spill(const char *path, const unsigned char *b, size_t len)
{
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(b, 1, len, f) != len)
        afx_die(path, NULL);
    fclose(f);
}

/* Decrypts an archive to its end: LD_OK only when every chunk
 * authenticates, in order, up to the flagged last one and nothing after. */
static ld_status decrypts(const char *path, const char *with_key)
{
    core_backup_secret s = {0};
    ld_error err;
    ld_status st = core_backup_key_file_read(with_key, s.key, &err);
    core_backup_reader *r = NULL;
    if (st != LD_OK || (st = core_backup_reader_open(path, &s, &r, &err)) != LD_OK)
        return st;
    static unsigned char buf[1 << 16];
    size_t got = sizeof buf;
    while (st == LD_OK && got == sizeof buf)
        st = core_backup_read(r, buf, sizeof buf, &got, &err);
    core_backup_reader_close(r);
    return st;
}

/* Offsets of each chunk of an archive (header 68 bytes, then frames). */
static size_t chunk_offsets(const unsigned char *b, size_t len, size_t *at, size_t cap)
{
    size_t n = 0, pos = CORE_BACKUP_HEADER_BYTES;
    while (pos + 5 <= len && n < cap) {
        size_t clen = ((size_t)b[pos] << 24) | ((size_t)b[pos + 1] << 16) |
                      ((size_t)b[pos + 2] << 8) | b[pos + 3];
        at[n++] = pos;
        pos += 5 + clen + 16;
    }
    return n;
}

static void every_byte_of_the_header_and_each_chunk_is_authenticated(void)
{
    ld_error err;
    cJSON *out = NULL;
    char archive[400], bad[400];
    path_in(archive, sizeof archive, "small.ldbak");
    path_in(bad, sizeof bad, "bad.ldbak");
    CHECK_INT(take("small.ldbak", SMALL_CHUNK, &key, &out, &err), LD_OK);
    cJSON_Delete(out);
    size_t len;
    unsigned char *b = slurp(archive, &len);
    CHECK_INT(decrypts(archive, key_path), LD_OK);
    size_t at[4096];
    size_t chunks = chunk_offsets(b, len, at, 4096);
    CHECK(chunks > 20);
    int refused = 0, tried = 0;
    /* Every header byte. */
    for (size_t i = 0; i < CORE_BACKUP_HEADER_BYTES; i++, tried++) {
        b[i] ^= 0x01;
        spill(bad, b, len);
        b[i] ^= 0x01;
        refused += decrypts(bad, key_path) == LD_EVERIFY;
    }
    /* Each chunk: its length, its last flag, a ciphertext byte, both ends of
     * its tag. */
    for (size_t c = 0; c < chunks; c++) {
        size_t end = c + 1 < chunks ? at[c + 1] : len;
        size_t spots[] = {at[c] + 3, at[c] + 4, at[c] + 5 + (end - at[c] - 21) / 2, end - 16,
                          end - 1};
        for (size_t s = 0; s < sizeof spots / sizeof spots[0]; s++, tried++) {
            b[spots[s]] ^= 0x80;
            spill(bad, b, len);
            b[spots[s]] ^= 0x80;
            refused += decrypts(bad, key_path) == LD_EVERIFY;
        }
    }
    CHECK_INT(refused, tried);

    /* Truncated anywhere: inside the header, at chunk boundaries, a byte short. */
    size_t cuts[] = {0,
                     10,
                     CORE_BACKUP_HEADER_BYTES,
                     at[1],
                     at[chunks / 2],
                     at[chunks - 1],
                     at[chunks - 1] + 7,
                     len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        spill(bad, b, cuts[i]);
        CHECK_INT(decrypts(bad, key_path), LD_EVERIFY);
    }
    /* Something after the end. */
    unsigned char *longer = malloc(len + 1);
    memcpy(longer, b, len);
    longer[len] = 0;
    spill(bad, longer, len + 1);
    CHECK_INT(decrypts(bad, key_path), LD_EVERIFY);
    free(longer);
    /* Two chunks swapped (same length), one chunk twice, one left out. */
    size_t csz = at[2] - at[1];
    unsigned char *moved = malloc(len + csz);
    memcpy(moved, b, len);
    memcpy(moved + at[1], b + at[2], csz);
    memcpy(moved + at[2], b + at[1], csz);
    spill(bad, moved, len);
    CHECK_INT(decrypts(bad, key_path), LD_EVERIFY);
    memcpy(moved, b, at[2]);
    memcpy(moved + at[2], b + at[1], len - at[1]);
    spill(bad, moved, len + csz);
    CHECK_INT(decrypts(bad, key_path), LD_EVERIFY);
    memcpy(moved, b, at[1]);
    memcpy(moved + at[1], b + at[2], len - at[2]);
    spill(bad, moved, len - csz);
    CHECK_INT(decrypts(bad, key_path), LD_EVERIFY);
    /* A chunk of another archive under the same key, in the same place. */
    CHECK_INT(take("second.ldbak", SMALL_CHUNK, &key, &out, &err), LD_OK);
    cJSON_Delete(out);
    char second[400];
    path_in(second, sizeof second, "second.ldbak");
    size_t len2;
    unsigned char *b2 = slurp(second, &len2);
    memcpy(moved, b, len);
    memcpy(moved + at[3], b2 + at[3], csz);
    spill(bad, moved, len);
    CHECK_INT(decrypts(bad, key_path), LD_EVERIFY);
    free(b2);
    free(moved);

    /* Through the operations: a flipped byte in the header, the middle and
     * the last tag is refused by verify and restore, which leaves nothing. */
    size_t flips[] = {20, at[chunks / 2] + 40, len - 1};
    char to[400];
    path_in(to, sizeof to, "flipped.db");
    ld_trust_anchor a = anchor(NULL);
    for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
        b[flips[i]] ^= 0x04;
        spill(bad, b, len);
        b[flips[i]] ^= 0x04;
        out = NULL;
        CHECK_INT(ld_backup_verify(bad, &key, &a, dir, &out, &err), LD_EVERIFY);
        CHECK_INT(ld_backup_restore(bad, &key, &a, to, &out, &err), LD_EVERIFY);
        CHECK(!exists(to));
    }
    free(b);
}

/* No file in dir whose name begins with prefix. */
static bool none_named(const char *prefix)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A %s | grep -q '^%s'", dir, prefix);
    return system(cmd) != 0;
}

static void a_wrong_key_restores_nothing(void)
{
    ld_error err;
    cJSON *out = NULL;
    char archive[400], to[400];
    ensure("one.ldbak", archive, sizeof archive);
    path_in(to, sizeof to, "wrong.db");
    ld_backup_key wrong = {.key_file = other_key};
    ld_trust_anchor a = anchor(NULL);
    CHECK_INT(ld_backup_restore(archive, &wrong, &a, to, &out, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "backup key");
    CHECK(!exists(to));
    CHECK(none_named("wrong.db"));
    CHECK(none_named(".loandesk-restore-"));
    CHECK_INT(ld_backup_verify(archive, &wrong, &a, dir, &out, &err), LD_EVERIFY);
    /* A passphrase instead: the right one opens it, another does not. */
    ld_backup_key pass = {.passphrase = "backup custodians' long passphrase"};
    ld_backup_key wrong_pass = {.passphrase = "backup custodians' long passphrasE"};
    CHECK_INT(take("pass.ldbak", 0, &pass, &out, &err), LD_OK);
    cJSON_Delete(out);
    out = NULL;
    path_in(archive, sizeof archive, "pass.ldbak");
    CHECK_INT(ld_backup_restore(archive, &wrong_pass, &a, to, &out, &err), LD_EVERIFY);
    CHECK(!exists(to));
    CHECK_INT(ld_backup_restore(archive, &key, &a, to, &out, &err), LD_EVERIFY);
    CHECK(!exists(to));
    CHECK_INT(ld_backup_verify(archive, &pass, &a, dir, &out, &err), LD_OK);
    cJSON_Delete(out);
}

static void restore_never_writes_over_anything(void)
{
    ld_error err;
    cJSON *out = NULL;
    char archive[400], to[400], beside[440];
    ensure("one.ldbak", archive, sizeof archive);
    ld_trust_anchor a = anchor(NULL);
    /* The live book itself. */
    CHECK_INT(ld_backup_restore(archive, &key, &a, db, &out, &err), LD_ESTATE);
    /* A new path whose documents folder is taken. */
    path_in(to, sizeof to, "taken.db");
    snprintf(beside, sizeof beside, "%s.documents", to);
    if (mkdir(beside, 0700) != 0)
        afx_die("folder", NULL);
    CHECK_INT(ld_backup_restore(archive, &key, &a, to, &out, &err), LD_ESTATE);
    CHECK(!exists(to));
    rmdir(beside);
    /* No anchor: nothing is verified, nothing restored. */
    ld_trust_anchor none = {0};
    CHECK_INT(ld_backup_restore(archive, &key, &none, to, &out, &err), LD_EUSAGE);
    CHECK(!exists(to));
    /* A backup never replaces a file either. */
    CHECK_INT(take("one.ldbak", 0, &key, &out, &err), LD_ESTATE);
}

static void only_the_admin_backs_up_and_it_is_audited(void)
{
    ld_error err;
    cJSON *out = NULL;
    char path[400];
    path_in(path, sizeof path, "by-officer.ldbak");
    ld_backup_options o = {.out = path};
    CHECK_INT(ld_backup_create(s_off, &key, &o, &out, &err), LD_EPERM);
    CHECK_INT(ld_backup_create(s_aud, &key, &o, &out, &err), LD_EPERM);
    CHECK(!exists(path));
    int64_t denied = 0, done = 0;
    ok(core_store_query_int(api->store,
                            "SELECT count(*) FROM audit_event WHERE action = 'backup.create' AND "
                            "outcome = 'denied' AND ?1 = ?1",
                            0, &denied, &err),
       "count", &err);
    ok(core_store_query_int(api->store,
                            "SELECT count(*) FROM audit_event WHERE action = 'backup.create' AND "
                            "outcome = 'ok' AND ?1 = ?1",
                            0, &done, &err),
       "count", &err);
    CHECK_INT(denied, 2);
    CHECK(done >= 1);
}

static void retention_keeps_the_newest_and_says_what_it_removed(void)
{
    ld_error err;
    char folder[400];
    path_in(folder, sizeof folder, "nightly");
    ld_backup_options o = {.dir = folder, .keep = 2};
    char *names[3] = {0};
    for (int i = 0; i < 3; i++) {
        cJSON *out = NULL;
        CHECK_INT(ld_backup_create(s_admin, &key, &o, &out, &err), LD_OK);
        names[i] = strdup(cJSON_GetObjectItemCaseSensitive(out, "archive")->valuestring);
        const cJSON *removed = cJSON_GetObjectItemCaseSensitive(out, "removed");
        CHECK_INT(cJSON_GetArraySize(removed), i == 2 ? 1 : 0);
        if (i == 2)
            CHECK_STR(cJSON_GetArrayItem(removed, 0)->valuestring, names[0]);
        cJSON_Delete(out);
    }
    CHECK_INT(mode_of(folder), 0700);
    CHECK(!exists(names[0]));
    CHECK(exists(names[1]) && exists(names[2]));
    for (int i = 0; i < 3; i++)
        free(names[i]);
}

/* ---- A backup while another process writes -------------------------------- */

/* The writer: its own handle on the book, the officer's session resumed, one
 * application after another; each id goes down the pipe once committed. It
 * stops when the stop file appears, so that every id it committed is read. */
static char stop_file[300];

static void writer(int fd)
{
    ld_api *w = NULL;
    ld_session *s = NULL;
    ld_error err;
    if (ld_api_open(db, &afx_clock, &w, &err) != LD_OK ||
        ld_session_resume(w, off_token, &s, &err) != LD_OK)
        _exit(3);
    for (int i = 0; i < 100000 && !exists(stop_file); i++) {
        ld_status st;
        int64_t id = new_application(s, &err, &st);
        if (st != LD_OK)
            _exit(4);
        if (write(fd, &id, sizeof id) != sizeof id)
            _exit(0); /* the reader has gone: stop */
        /* A millisecond between applications, as between officers: back to
         * back, one writer would starve every other (SQLite's busy wait). */
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    _exit(0);
}

static size_t read_ids(int fd, int64_t *ids, size_t have, size_t want, size_t cap)
{
    while (have < want && have < cap) {
        ssize_t n = read(fd, &ids[have], sizeof ids[have]);
        if (n != (ssize_t)sizeof ids[have])
            break;
        have++;
    }
    return have;
}

/* Restores archive and checks that its applications from the writer are
 * the writer's first K of total, K at least before: a prefix, none missing,
 * none invented; and that its log is the manifest's size. */
static void check_copy_of_writer(const char *archive, const char *to, const int64_t *ids,
                                 size_t before, size_t total)
{
    ld_error err;
    cJSON *out = NULL;
    ld_trust_anchor a = anchor(NULL);
    CHECK_INT(ld_backup_restore(archive, &key, &a, to, &out, &err), LD_OK);
    if (out == NULL)
        return;
    const cJSON *ledger = cJSON_GetObjectItemCaseSensitive(out, "ledger");
    int64_t manifest_size = (int64_t)cJSON_GetObjectItemCaseSensitive(ledger, "size")->valuedouble;
    cJSON_Delete(out);
    sqlite3 *h = NULL;
    sqlite3_stmt *stmt = NULL;
    CHECK(sqlite3_open_v2(to, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(h, "SELECT id FROM application WHERE id >= ?1 ORDER BY id", -1, &stmt,
                             NULL) == SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, ids[0]);
    size_t k = 0;
    bool prefix = true;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        if (k >= total || sqlite3_column_int64(stmt, 0) != ids[k])
            prefix = false;
        k++;
    }
    sqlite3_finalize(stmt);
    int64_t log_size = 0;
    CHECK(sqlite3_prepare_v2(h, "SELECT count(*) FROM ledger_entry", -1, &stmt, NULL) == SQLITE_OK);
    if (stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW)
        log_size = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(h);
    CHECK(prefix);
    CHECK(k >= before);
    CHECK(k <= total);
    CHECK_INT(log_size, manifest_size);
    fprintf(stderr, "writer had committed %zu when the backup began; the copy holds %zu\n", before,
            k);
}

/* Reads every id already in the pipe without waiting for more. */
static size_t drain_ids(int fd, int64_t *ids, size_t have, size_t cap)
{
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    have = read_ids(fd, ids, have, cap, cap);
    fcntl(fd, F_SETFL, flags);
    return have;
}

/* A child process running body with the write end of a pipe whose read end
 * is fds[0]; it stops when the stop file (named in the test folder, made
 * anew) appears. */
static pid_t spawn(const char *stop_name, void (*body)(int fd), int fds[2])
{
    path_in(stop_file, sizeof stop_file, stop_name);
    unlink(stop_file);
    if (pipe(fds) != 0)
        afx_die("pipe", NULL);
    pid_t child = fork();
    if (child < 0)
        afx_die("fork", NULL);
    if (child == 0) {
        close(fds[0]);
        body(fds[1]);
    }
    close(fds[1]);
    return child;
}

static void a_backup_while_another_process_writes_holds_every_commit_before_it(void)
{
    int fds[2];
    pid_t child = spawn("writer.stop", writer, fds);
    enum { CAP = 100000, BACKUPS = 3 };
    int64_t *ids = calloc(CAP, sizeof *ids);
    size_t before[BACKUPS], have = 0;
    ld_error err;
    for (int i = 0; i < BACKUPS; i++) {
        char name[32];
        cJSON *out = NULL;
        snprintf(name, sizeof name, "busy%d.ldbak", i);
        have = read_ids(fds[0], ids, have, have + 3, CAP);
        have = drain_ids(fds[0], ids, have, CAP);
        before[i] = have;
        /* The second archive in chunks smaller than a page, so that pages
         * streamed from the copy straddle chunks. */
        char path[400];
        path_in(path, sizeof path, name);
        ld_backup_options o = {.out = path, .chunk_size = i == 1 ? 4096 : 0};
        ld_status st = ld_backup_create(s_admin, &key, &o, &out, &err);
        CHECK_INT(st, LD_OK);
        if (st != LD_OK)
            fprintf(stderr, "backup %d: %s\n", i, err.message);
        cJSON_Delete(out);
    }
    write_text(stop_file, "stop\n");
    size_t total = read_ids(fds[0], ids, have, CAP, CAP); /* to the writer's end */
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(total > before[BACKUPS - 1]);
    for (int i = 0; i < BACKUPS; i++) {
        char archive[400], to[400];
        snprintf(to, sizeof to, "%s/busy%d-restored.db", dir, i);
        snprintf(archive, sizeof archive, "%s/busy%d.ldbak", dir, i);
        check_copy_of_writer(archive, to, ids, before[i], total);
    }
    free(ids);
}

/* A plain copy of the book (SQLite's own backup), for the manifest checks. */
static void copy_book(const char *to)
{
    sqlite3 *from = NULL, *into = NULL;
    unlink(to);
    if (sqlite3_open_v2(db, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_open(to, &into) != SQLITE_OK)
        afx_die("copying the book", NULL);
    sqlite3_backup *b = sqlite3_backup_init(into, "main", from, "main");
    if (b == NULL || sqlite3_backup_step(b, -1) != SQLITE_DONE)
        afx_die("copying the book", NULL);
    sqlite3_backup_finish(b);
    sqlite3_close(into);
    sqlite3_close(from);
}

/* The manifest of the copy at path, with its ledger size replaced by the
 * JSON number text size (NULL: as read). */
static cJSON *manifest_with_size(const char *path, const char *size)
{
    sqlite3 *h = NULL;
    api_backup_facts f;
    ld_error err;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        afx_die("opening the copy", NULL);
    ok(api_backup_facts_read(h, &f, &err), "ledger facts", &err);
    sqlite3_close(h);
    cJSON *parts = cJSON_CreateArray();
    cJSON *m = api_backup_manifest(path, 0, &f, parts);
    cJSON_Delete(parts);
    api_backup_facts_clear(&f);
    if (size != NULL) {
        cJSON *l = cJSON_GetObjectItemCaseSensitive(m, "ledger");
        cJSON_ReplaceItemInObjectCaseSensitive(l, "size", cJSON_Parse(size));
    }
    return m;
}

static void the_manifest_size_is_read_exactly_and_only_a_whole_number(void)
{
    ld_error err;
    char copy[400];
    path_in(copy, sizeof copy, "manifest-size.db");
    copy_book(copy);
    cJSON *m = manifest_with_size(copy, NULL);
    CHECK_INT(api_backup_check_copy(copy, m, &err), LD_OK);
    uint64_t n = 0;
    CHECK_INT(api_backup_manifest_size(m, &n, &err), LD_OK);
    char text[64], more[80];
    snprintf(text, sizeof text, "%llu", (unsigned long long)n);
    cJSON_Delete(m);
    /* A fraction of an entry, which an int conversion rounds away. */
    snprintf(more, sizeof more, "%s.5", text);
    m = manifest_with_size(copy, more);
    CHECK_INT(api_backup_check_copy(copy, m, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "ledger.size");
    cJSON_Delete(m);
    /* The same size 2^32 entries on: not this copy's. */
    snprintf(more, sizeof more, "%llu", (unsigned long long)n + (1ull << 32));
    m = manifest_with_size(copy, more);
    CHECK_INT(api_backup_check_copy(copy, m, &err), LD_EVERIFY);
    CHECK_CONTAINS(err.message, "is not the manifest's");
    cJSON_Delete(m);
    /* Sizes past 2^31 are read to the entry; no size is negative or past
     * what a JSON number holds exactly. */
    static const struct {
        const char *text;
        uint64_t size;
        ld_status st;
    } sizes[] = {{"2147483648", 2147483648ull, LD_OK},
                 {"1099511627777", 1099511627777ull, LD_OK},
                 {"9007199254740991", 9007199254740991ull, LD_OK},
                 {"9007199254740993", 0, LD_EVERIFY},
                 {"-1", 0, LD_EVERIFY},
                 {"1e300", 0, LD_EVERIFY},
                 {"\"12\"", 0, LD_EVERIFY},
                 {"null", 0, LD_EVERIFY}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        m = manifest_with_size(copy, sizes[i].text);
        n = 0;
        CHECK_INT(api_backup_manifest_size(m, &n, &err), sizes[i].st);
        if (sizes[i].st == LD_OK)
            CHECK(n == sizes[i].size);
        else
            CHECK_INT(api_backup_check_copy(copy, m, &err), LD_EVERIFY);
        cJSON_Delete(m);
    }
    unlink(copy);
}

/* An auditor's reader: its own handle and process, running op on the book
 * again and again until the stop file appears; one byte down the pipe once
 * it is at work, and its count of runs at the end. */
static void repeat_until_stopped(int fd, ld_status (*op)(ld_session *s, ld_error *err))
{
    ld_api *v = NULL;
    ld_session *s = NULL;
    ld_error err;
    if (ld_api_open(db, &afx_clock, &v, &err) != LD_OK ||
        ld_session_resume(v, aud_token, &s, &err) != LD_OK)
        _exit(3);
    int runs = 0;
    for (; runs < 100000 && !exists(stop_file); runs++) {
        if (op(s, &err) != LD_OK) {
            fprintf(stderr, "reader: %s\n", err.message);
            _exit(4);
        }
        if (runs == 0 && write(fd, "v", 1) != 1)
            _exit(5);
    }
    if (write(fd, &runs, sizeof runs) != sizeof runs)
        _exit(5);
    _exit(0);
}

static ld_status verify_once(ld_session *s, ld_error *err)
{
    ld_trust_anchor a = anchor(NULL);
    cJSON *out = NULL;
    ld_status st = ld_ledger_verify(s, &a, &out, err);
    cJSON_Delete(out);
    return st;
}

static ld_status export_once(ld_session *s, ld_error *err)
{
    char to[300];
    path_in(to, sizeof to, "export-beside-writers");
    cJSON *out = NULL;
    ld_status st = ld_ledger_export(s, to, &out, err);
    cJSON_Delete(out);
    return st;
}

static void verifier(int fd)
{
    repeat_until_stopped(fd, verify_once);
}

static void exporter(int fd)
{
    repeat_until_stopped(fd, export_once);
}

/* While reader runs without a pause in another process, a writer that will
 * not wait takes the write lock: a reader that held it (its whole run in a
 * write transaction) would refuse nearly every try. An officer's write and
 * an archive of the whole book go through meanwhile. */
static void neither_writers_nor_backups_wait_for(void (*reader)(int fd), const char *backup_name)
{
    int fds[2];
    pid_t child = spawn("reader.stop", reader, fds);
    char started = 0;
    CHECK(read(fds[0], &started, 1) == 1 && started == 'v');
    sqlite3 *h = NULL;
    CHECK(sqlite3_open(db, &h) == SQLITE_OK);
    sqlite3_busy_timeout(h, 0);
    int busy = 0, tries = 0;
    for (; tries < 200; tries++) {
        if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            busy++;
        else
            sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
        nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
    }
    sqlite3_close(h);
    CHECK_INT(busy, 0);
    ld_error err;
    ld_status st;
    new_application(s_off, &err, &st);
    CHECK_INT(st, LD_OK);
    cJSON *out = NULL;
    CHECK_INT(take(backup_name, 0, &key, &out, &err), LD_OK);
    cJSON_Delete(out);
    write_text(stop_file, "stop\n");
    int runs = 0;
    CHECK(read(fds[0], &runs, sizeof runs) == (ssize_t)sizeof runs);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(runs >= 1);
    fprintf(stderr, "%d runs beside %d tries of the write lock\n", runs, tries);
    unlink(stop_file);
}

static void a_verify_blocks_neither_writers_nor_backups(void)
{
    neither_writers_nor_backups_wait_for(verifier, "during-verify.ldbak");
}

/* An export reads the log and writes files, never the book. */
static void an_export_blocks_neither_writers_nor_backups(void)
{
    neither_writers_nor_backups_wait_for(exporter, "during-export.ldbak");
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    book();
    static const check_case cases[] = {
        {"a_restored_book_verifies_and_is_the_history_kept",
         a_restored_book_verifies_and_is_the_history_kept},
        {"with_its_key_a_restored_book_writes_at_once",
         with_its_key_a_restored_book_writes_at_once},
        {"every_byte_of_the_header_and_each_chunk_is_authenticated",
         every_byte_of_the_header_and_each_chunk_is_authenticated},
        {"a_wrong_key_restores_nothing", a_wrong_key_restores_nothing},
        {"restore_never_writes_over_anything", restore_never_writes_over_anything},
        {"only_the_admin_backs_up_and_it_is_audited", only_the_admin_backs_up_and_it_is_audited},
        {"retention_keeps_the_newest_and_says_what_it_removed",
         retention_keeps_the_newest_and_says_what_it_removed},
        {"a_backup_while_another_process_writes_holds_every_commit_before_it",
         a_backup_while_another_process_writes_holds_every_commit_before_it},
        {"the_manifest_size_is_read_exactly_and_only_a_whole_number",
         the_manifest_size_is_read_exactly_and_only_a_whole_number},
        {"a_verify_blocks_neither_writers_nor_backups",
         a_verify_blocks_neither_writers_nor_backups},
        {"an_export_blocks_neither_writers_nor_backups",
         an_export_blocks_neither_writers_nor_backups},
    };
    return CHECK_RUN(argc, argv, cases);
}
