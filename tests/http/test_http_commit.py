"""test_http_commit.py - the server's writes under group commit (one writer
connection, each request in a savepoint of a shared transaction, one commit
for the batch; api/group_commit.c).

1. 16 clients at once create applications: accepted ones, ones refused to a
   reviewer (403) and ones whose collateral is refused after the
   application's row was written (422). Afterwards every 201 is in the book,
   nothing else is, each refusal has its audit row, the trial balance
   balances and `ledger verify` passes; the server holds at most 12 store
   connections (--threads 4) after all that.
2. A crash: the server is killed (SIGKILL) while 16 clients create
   applications. The book, opened again, verifies, and every request that
   was answered 201 before the kill is in it (a 201 means committed and
   synced, never "queued").
"""
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httplib_ld as h  # noqa: E402
from httplib_ld import check  # noqa: E402

h.setup(sys.argv)
tmp = tempfile.mkdtemp(prefix="ld-http-commit-")
srv, tok = h.make_book(tmp, threads=4)
db = os.path.join(tmp, "loandesk.db")
A = "/api/v1"
chen = h.Client(srv.port, token=tok["chen"])
borrower = chen.post(A + "/borrowers", h.data("borrower-zhang.json")).json["id"]
app = dict(h.data("app-zhang.json"), borrower_id=borrower)
bad = dict(app, collateral=[dict(app["collateral"][0], appraised_value="-1.00")])

# ---- 1. refusals and failures in the middle of batches ---------------------------------------------
CLIENTS, ROUNDS = 16, 6
lock = threading.Lock()
made, refused, invalid, other = [], [], [], []


def mixed(i):
    port = srv.port
    for k in range(ROUNDS):
        kind = (i + k) % 3
        who = "wang" if kind == 1 else "chen"
        r = h.Client(port, token=tok[who]).post(A + "/applications", bad if kind == 2 else app)
        with lock:
            if kind == 0 and r.status == 201:
                made.append(r.json["id"])
            elif kind == 1 and r.status == 403:
                refused.append(r.status)
            elif kind == 2 and r.status == 422:
                invalid.append(r.status)
            else:
                other.append(f"{kind}: {r.status} {r.body[:160]!r}")


before = h.Client(srv.port, token=tok["zhao"]).get(A + "/applications?limit=1").json["total"]
threads = [threading.Thread(target=mixed, args=(i,)) for i in range(CLIENTS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check(not other, "every request got the answer its kind expects: " + "; ".join(other[:3]))
check(len(made) + len(refused) + len(invalid) == CLIENTS * ROUNDS, "every request answered")
check(refused and invalid and made, "some of each kind")
zhao = h.Client(srv.port, token=tok["zhao"])
after = zhao.get(A + "/applications?limit=1").json["total"]
check(after - before == len(made), f"exactly the {len(made)} created are in the book: {after - before}")
check(len(set(made)) == len(made), "each creation its own application")
for app_id in made[:: max(1, len(made) // 10)]:
    check(chen.get(A + f"/applications/{app_id}").status == 200, f"application {app_id} present")
sun = h.Client(srv.port, token=tok["sun"])
trail = sun.get(A + "/audit?username=wang&limit=100000").json
rows = trail["rows"] if isinstance(trail, dict) else trail
denied = [r for r in rows if r.get("action") == "app.create" and r.get("outcome") == "denied"]
check(len(denied) == len(refused), f"each refusal audited: {len(denied)} of {len(refused)}")
chen_rows = sun.get(A + "/audit?username=chen&limit=100000").json
chen_rows = chen_rows["rows"] if isinstance(chen_rows, dict) else chen_rows
created = [r for r in chen_rows if r.get("action") == "app.create" and r.get("outcome") == "ok"]
check(len(created) == len(made), f"an audit row for each creation, none for a rolled-back one: "
      f"{len(created)} of {len(made)}")
r = sun.get(A + "/journal/trial-balance?date=2026-05-25")
check(r.status == 200 and r.json["balanced"] is True, f"trial balance: {r.body[:200]!r}")
r = sun.get(A + "/ledger/verify?ca_fingerprint=" + h.CA_FP)
check(r.status == 200, f"ledger verify: {r.status} {r.body[:300]!r}")
# The pools are sized by what they do (docs/deploy.md): one writer, one connection per request
# thread and per hashing thread, and 4 the write pool's 48 threads take turns on: 2 x 4 + 4.
if os.path.isdir(f"/proc/{srv.proc.pid}/fd"):
    fd_dir = f"/proc/{srv.proc.pid}/fd"
    book = os.path.realpath(db)
    opened = sum(1 for f in os.listdir(fd_dir) if os.path.realpath(os.path.join(fd_dir, f)) == book)
    check(0 < opened <= 2 * 4 + 4, f"store connections after 16 clients wrote at once: {opened}")

# ---- 2. SIGKILL during a write storm ---------------------------------------------------------------
answered, failed = [], []
stop = threading.Event()


def storm(i):
    port = srv.port
    n = 0
    while not stop.is_set():
        n += 1
        try:
            r = h.Client(port, token=tok["chen"]).request(
                "POST", A + "/applications", body=app,
                headers={"Idempotency-Key": f"storm-{i}-{n}"}, timeout=30)
        except OSError:
            return  # the server is gone
        with lock:
            if r.status == 201:
                answered.append(r.json["id"])
            else:
                failed.append(r.status)


threads = [threading.Thread(target=storm, args=(i,)) for i in range(CLIENTS)]
for t in threads:
    t.start()
deadline = time.time() + 20
while len(answered) < 200 and time.time() < deadline:
    time.sleep(0.05)
srv.proc.send_signal(signal.SIGKILL)
srv.proc.wait(timeout=60)
stop.set()
for t in threads:
    t.join()
srv.log.close()
check(len(answered) >= 50, f"the storm was under way when the server died: {len(answered)} answered")
check(not failed, f"no request failed before the kill: {failed[:5]}")

# The book, opened again after the crash.
srv = h.Server(db, threads=2)
chen = h.Client(srv.port, token=tok["chen"])
zhao = h.Client(srv.port, token=tok["zhao"])
sun = h.Client(srv.port, token=tok["sun"])
missing = [i for i in answered if chen.get(A + f"/applications/{i}").status != 200]
check(not missing, f"every application answered 201 survived the crash: missing {missing[:5]}")
total = zhao.get(A + "/applications?limit=1").json["total"]
check(total >= after + len(answered), f"the book holds at least what was answered: {total}")
r = sun.get(A + "/ledger/verify?ca_fingerprint=" + h.CA_FP)
check(r.status == 200, f"ledger verify after the crash: {r.status} {r.body[:300]!r}")
r = sun.get(A + "/journal/trial-balance?date=2026-05-25")
check(r.status == 200 and r.json["balanced"] is True, f"trial balance after the crash: {r.body[:200]!r}")
# A retry of an answered request replays its answer: the key was stored with it.
r = h.Client(srv.port, token=tok["chen"]).request(
    "POST", A + "/applications", body=app, headers={"Idempotency-Key": "storm-0-1"})
check(r.status == 201 and r.json["id"] in answered, f"a retry after the crash replays: {r.status}")
check(zhao.get(A + "/applications?limit=1").json["total"] == total, "the replay added nothing")
check(srv.stop() == 0, "a clean stop")
shutil.rmtree(tmp, ignore_errors=True)
h.finish("test_http_commit")
