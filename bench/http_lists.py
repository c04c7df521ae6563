#!/usr/bin/env python3
"""http_lists.py - a page of each list the web UI shows, fetched over HTTP from
`loandesk serve` on a book of 1,000,000 applications, beside the least a
request costs on the same server and connection: GET /api/v1/session (the
session looked up, no list read). Medians of RUNS fetches, alternating with
the baseline; the machine's load average is printed with them.

The book: a fresh one made through the server (one account per role), then
filled with plain SQL the way a branch's book looks after three years:
100,000 customers over two officers, 1,000,000 applications in every
workflow state, ratings for those past submission, review steps (returned
drafts, referrals). Bench code may write SQLite directly; the server reads it
as it reads any book (no ANALYZE: a book keeps no statistics, so the plans
are those the product makes everywhere).

usage: bench/http_lists.py [BUILD_DIR] [--count N] [--runs R] [--book DIR]
  --book DIR keeps the book in DIR and, when DIR already holds one, measures
  it again without filling it anew.
"""
import os
import sqlite3
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests", "http"))
import httplib_ld as h  # noqa: E402

args = sys.argv[1:]
build = args.pop(0) if args and not args[0].startswith("--") else os.path.join(SRC, "build")
opts = dict(zip(args[::2], args[1::2]))
COUNT = int(opts.get("--count", 1000000))
RUNS = int(opts.get("--runs", 15))
h.setup(["", os.path.join(build, "loandesk"), SRC])

FILL = [
    # 100,000 customers, nine in ten individuals, half each officer's
    "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {customers}) "
    "INSERT INTO borrower (kind, name, id_number, officer_id, created_by, created_at, updated_at) "
    "SELECT CASE WHEN n % 10 = 0 THEN 'enterprise' ELSE 'individual' END, "
    "CASE WHEN n % 10 = 0 THEN '苏州' || n || '精密机械有限公司' ELSE "
    "substr('王李张刘陈杨赵黄周吴', n % 10 + 1, 1) || substr('伟芳娜敏静丽强磊军洋', n / 10 % 10 + 1, 1) END, "
    "printf('B%017d', n), (SELECT id FROM app_user WHERE username = "
    "CASE WHEN n % 2 = 0 THEN 'chen' ELSE 'liu' END), 1, '2023-06-01T00:00:00Z', "
    "'2023-06-01T00:00:00Z' FROM k",
    # ten applications a customer, three years of them, every state
    "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {count}) "
    "INSERT INTO application (borrower_id, product_code, amount, term_months, method, period, "
    "purpose, state, created_by, created_at, updated_at) "
    "SELECT (n - 1) % {customers} + 1, CASE n % 3 WHEN 0 THEN 'SWC' ELSE 'PCL' END, "
    "(10000 + n * 7919 % 4990000) * 100, 12, 'annuity', 'monthly', '经营周转', "
    "CASE WHEN n * 2654435761 % 100 < 10 THEN 'draft' "
    "WHEN n * 2654435761 % 100 < 20 THEN 'submitted' WHEN n * 2654435761 % 100 < 25 THEN 'rated' "
    "WHEN n * 2654435761 % 100 < 27 THEN 'approved' WHEN n * 2654435761 % 100 < 47 THEN "
    "'rejected' WHEN n * 2654435761 % 100 < 55 THEN 'withdrawn' ELSE 'disbursed' END, 1, "
    "strftime('%Y-%m-%dT%H:%M:%SZ', '2023-06-15', '+' || (n * 1095 / {count}) || ' days'), "
    "'2023-06-15T00:00:00Z' FROM k",
    "UPDATE application SET grade = CASE id % 7 WHEN 0 THEN 'AA' WHEN 1 THEN 'A' WHEN 2 THEN 'BBB' "
    "WHEN 3 THEN 'BBB' WHEN 4 THEN 'BB' WHEN 5 THEN 'B' ELSE 'CCC' END "
    "WHERE state IN ('rated', 'approved', 'rejected', 'disbursed')",
    # a fifth of the drafts came back from review, a third of the rated files were referred
    "INSERT INTO application_step (application_id, kind, reason, user_id, at) "
    "SELECT id, CASE state WHEN 'draft' THEN 'return' ELSE 'refer' END, 'bench', "
    "(SELECT id FROM app_user WHERE username = 'wang'), created_at FROM application "
    "WHERE (state = 'draft' AND id % 5 = 0) OR (state = 'rated' AND id % 3 = 0)",
]

CASES = [
    ("applications, first page (manager)", "zhao", "/api/v1/applications?limit=50"),
    ("applications, state=submitted", "zhao", "/api/v1/applications?state=submitted&limit=50"),
    ("applications, referred (manager's count)", "zhao",
     "/api/v1/applications?state=rated&referred=true&limit=50"),
    ("applications, own (officer)", "chen", "/api/v1/applications?limit=50"),
    ("applications, returned drafts (officer)", "chen",
     "/api/v1/applications?state=draft&returned=true&limit=50"),
    ("applications, one borrower", "zhao", "/api/v1/applications?borrower_id=777&limit=50"),
    ("applications, page 2000 (cursor)", "zhao", "/api/v1/applications?limit=50&after=100000"),
    ("borrowers, first page (manager)", "zhao", "/api/v1/borrowers?limit=50"),
    ("borrowers, name contains 李伟", "zhao", "/api/v1/borrowers?name=%E6%9D%8E%E4%BC%9F&limit=50"),
]


def timed(client, path):
    t0 = time.perf_counter()
    r = client.get(path)
    elapsed = (time.perf_counter() - t0) * 1000
    if r.status != 200:
        raise RuntimeError(f"{path}: {r.status} {r.body[:200]!r}")
    return elapsed, r.json


def main():
    keep = opts.get("--book")
    db = os.path.join(keep, "loandesk.db") if keep else None
    if db and os.path.exists(db):
        srv = h.Server(db)
        tokens = {u: h.login(srv.port, u, h.USERS[u][1]).json["token"] for u in ("zhao", "chen")}
        print(f"book: {db}, as filled before")
    else:
        tmp = keep or tempfile.mkdtemp(prefix="loandesk-http-lists-")
        os.makedirs(tmp, exist_ok=True)
        srv, tokens = h.make_book(tmp)
        db = os.path.join(tmp, "loandesk.db")
        t0 = time.time()
        con = sqlite3.connect(db, timeout=600)
        con.execute("PRAGMA journal_mode = WAL")
        for sql in FILL:
            con.execute(sql.format(count=COUNT, customers=max(1, COUNT // 10)))
            con.commit()
        con.close()
        print(f"book: {COUNT} applications, {max(1, COUNT // 10)} customers, filled in "
              f"{time.time() - t0:.0f} s")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    clients = {u: h.Client(srv.port, token=tokens[u]) for u in ("zhao", "chen")}
    print(f"  {'list and filter':44} {'total':>8} {'rows':>4} {'page ms':>8} {'base ms':>8}  (median of {RUNS})")
    for name, user, path in CASES:
        c = clients[user]
        timed(c, path)  # warm the page cache the same way for both
        got, base = [], []
        for _ in range(RUNS):
            ms, page = timed(c, path)
            got.append(ms)
            base.append(timed(c, "/api/v1/session")[0])
        print(f"  {name:44} {page['total']:>8} {len(page['rows']):>4} {statistics.median(got):>8.1f} "
              f"{statistics.median(base):>8.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    srv.stop()


if __name__ == "__main__":
    main()
