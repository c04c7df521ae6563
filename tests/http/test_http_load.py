"""test_http_load.py - the HTTP API under concurrent use: 16 clients create,
submit, rate, approve and disburse applications at once, after which the
counts, the loan balances, the trial balance and `ledger verify` are exact;
then a storm of 50 logins (PBKDF2 each, on the server's bounded pool) while
a reader keeps reading, which must go on being answered before the storm
ends. No timing is asserted: only that everything is answered, and in what
order.

usage: test_http_load.py LOANDESK_BIN SOURCE_DIR
"""
import json
import shutil
import sys
import tempfile
import threading

import httplib_ld as h
from httplib_ld import check

h.setup(sys.argv)
tmp = tempfile.mkdtemp(prefix="ld-http-load-")
srv, tok = h.make_book(tmp, threads=4)
port = srv.port
A = "/api/v1"
C = {name: h.Client(port, token=t) for name, t in tok.items()}

CLIENTS, ROUNDS = 16, 3
borrowers = {}
for i in range(CLIENTS):
    officer = "chen" if i % 2 == 0 else "liu"
    b = dict(h.data("borrower-zhang.json"), id_number=h.id_number(300 + i), name=f"并发{i}")
    r = C[officer].post(A + "/borrowers", b)
    check(r.status == 201, f"borrower {i}: {r.status} {r.body[:200]!r}")
    borrowers[i] = (officer, r.json["id"])

errors = []
amount = "100000.00"


def client(i):
    officer, borrower = borrowers[i]
    for k in range(ROUNDS):
        app = dict(h.data("app-zhang.json"), borrower_id=borrower, amount=amount)
        app["guarantors"][0]["guaranteed_amount"] = amount
        steps = [
            (C[officer], "POST", A + "/applications", app, 201),
            (C[officer], "POST", A + "/applications/{id}/submit", {}, 200),
            (C[officer], "POST", A + "/applications/{id}/rating", {}, 200),
            (C["wang"], "POST", A + "/applications/{id}/approve", {}, 200),
            (C["zhao"], "POST", A + "/applications/{id}/loan", {"date": "2026-05-25"}, 201),
        ]
        app_id = None
        for client_, method, path, body, status in steps:
            key = f"c{i}-r{k}-{path.rsplit('/', 1)[-1]}"
            r = client_.request(method, path.replace("{id}", str(app_id)), body=body,
                                headers={"Idempotency-Key": key})
            if r.status != status:
                errors.append(f"client {i} round {k} {method} {path}: {r.status} {r.body[:200]!r}")
                return
            if app_id is None:
                app_id = r.json["id"]
                h.complete_documents(client_, app_id)


threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check(not errors, "every step of every client succeeded: " + "; ".join(errors[:5]))
n = CLIENTS * ROUNDS
r = C["zhao"].get(A + "/applications?state=disbursed&limit=1000")
check(r.status == 200 and r.json["total"] == n, f"{n} applications disbursed: {r.json and r.json.get('total')} {r.body[:200]!r}")
r = C["zhao"].get(A + "/applications?limit=1000")
check(r.json["total"] == n, f"{n} applications in all: {r.json['total']}")
r = C["zhao"].get(A + "/loans?limit=1000")
check(r.json["total"] == n, f"{n} loans: {r.json['total']}")
outstanding = sum(int(round(float(row.get("outstanding_principal", row.get("principal", "0"))) * 100)) for row in r.json["rows"])
check(outstanding == n * 10000000, f"outstanding principal is exactly {n} x {amount}: {outstanding}")
r = C["sun"].get(A + "/journal/trial-balance?date=2026-05-25")
check(r.status == 200 and r.json["balanced"] is True and r.json["total_debit"] == r.json["total_credit"], f"trial balance: {r.body[:300]!r}")
r = C["sun"].get(A + "/ledger/verify?ca_fingerprint=" + h.CA_FP)
check(r.status == 200, f"ledger verify: {r.status} {r.body[:300]!r}")
check(r.json.get("loans") == n, f"verify replays {n} loans: {r.json}")
# a retry of any step replays, and adds nothing
again = dict(h.data("app-zhang.json"), borrower_id=borrowers[0][1], amount=amount)
again["guarantors"][0]["guaranteed_amount"] = amount
r = C["chen"].post(A + "/applications", again, headers={"Idempotency-Key": "c0-r0-applications"})
check(r.status == 201, f"a replay after the run: {r.status}")
check(C["zhao"].get(A + "/applications?limit=1").json["total"] == n, "a replay adds no application")

# ---- a storm of 50 logins while a reader reads ----------------------------------------------------------
STORM = 50
tokens, storm_errors, reads = [], [], []
lock = threading.Lock()
done = threading.Event()


def storm_login():
    r = h.login(port, "sun", h.USERS["sun"][1])
    with lock:
        if r.status == 201:
            tokens.append(r.json["token"])
        else:
            storm_errors.append(f"{r.status} {r.body[:120]!r}")


def reader():
    while not done.is_set():
        r = C["wang"].get(A + "/applications/1")
        with lock:
            reads.append((r.status, len(tokens)))


rt = threading.Thread(target=reader)
rt.start()
storm = [threading.Thread(target=storm_login) for _ in range(STORM)]
for t in storm:
    t.start()
for t in storm:
    t.join()
done.set()
rt.join()
check(not storm_errors and len(tokens) == STORM, f"every login of the storm succeeded: {storm_errors[:3]}")
check(len(set(tokens)) == STORM, "each login got its own token")
check(all(s == 200 for s, _ in reads), "every read during the storm succeeded")
early = [s for s, logged_in in reads if logged_in < STORM // 2]
check(len(early) >= 10, f"reads were answered while the storm was under way: {len(early)} before half the logins")
check(srv.stop() == 0, "a clean stop")
shutil.rmtree(tmp, ignore_errors=True)
h.finish("test_http_load")
