#!/usr/bin/env python3
"""http_bench.py - `loandesk serve` under wrk on loopback, bounded runs, each
figure printed beside its baseline measured in the same run (medians of
ROUNDS alternating runs):

  1. authenticated GET of one application, 64 connections, against a bare
     libmicrohttpd handler with the same daemon options returning a fixed
     body of the same size (bench_http_bare): requests/s, p99, ratio;
  2. application creation (audit row and ledger event each), 64 connections:
     requests/s, p99, and every created row present afterwards, against bare
     SQLite one-row commits at synchronous=FULL on the same file system
     (commits/s and the p99 of one commit);
  3. reads (16 connections) during a storm of 50 concurrent logins, against
     the same reads without the storm: p99.

usage: bench/http_bench.py [BUILD_DIR] [--seconds S] [--rounds N] [--threads T] [--parts 123]

(--parts picks which of the three measurements run, all by default.)
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(SRC, "tests", "http"))
import httplib_ld as h  # noqa: E402

args = sys.argv[1:]
build = args.pop(0) if args and not args[0].startswith("--") else os.path.join(SRC, "build")
opts = dict(zip(args[::2], args[1::2]))
SECONDS = int(opts.get("--seconds", 5))
ROUNDS = int(opts.get("--rounds", 3))
THREADS = int(opts.get("--threads", 2))
PARTS = opts.get("--parts", "123")
h.setup(["", os.path.join(build, "loandesk"), SRC])


def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, connections, seconds, headers=(), script=None):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for hd in headers:
        cmd += ["-H", hd]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p99": p99, "total": total, "non2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}


def cpu_seconds(pid):
    """User and system CPU time of process pid so far (Linux /proc)."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def wrk_cpu(pid, *args, **kwargs):
    """wrk, and the CPU time the server (pid) spent per request meanwhile."""
    before = cpu_seconds(pid)
    run = wrk(*args, **kwargs)
    run["cpu_us"] = (cpu_seconds(pid) - before) / max(run["total"], 1) * 1e6
    return run


def median(runs, key):
    return statistics.median(r[key] for r in runs)


tmp = tempfile.mkdtemp(prefix="ld-bench-http-")
print(f"loandesk serve under wrk: {THREADS} server threads, 2 wrk threads, {SECONDS} s runs, "
      f"medians of {ROUNDS}, on {os.cpu_count()} cores (client and server share them); "
      f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
srv, tok = h.make_book(tmp, threads=THREADS, clock=False)
port = srv.port
A = "/api/v1"
chen = h.Client(port, token=tok["chen"])
borrower = chen.post(A + "/borrowers", h.data("borrower-zhang.json")).json["id"]
app = dict(h.data("app-zhang.json"), borrower_id=borrower)
app_id = chen.post(A + "/applications", app).json["id"]
one = chen.get(A + f"/applications/{app_id}")
assert one.status == 200, one.body
auth = "Authorization: Bearer " + tok["chen"]

# ---- 1. one application against the bare handler ---------------------------------------------------
if "1" in PARTS:
    bare_port = 20000 + os.getpid() % 20000
    bare = subprocess.Popen([os.path.join(build, "bench_http_bare"), str(bare_port), str(THREADS)],
                            stdout=subprocess.PIPE, text=True)
    bare.stdout.readline()
    reads, bares = [], []
    for _ in range(ROUNDS):
        bares.append(wrk_cpu(bare.pid, f"http://127.0.0.1:{bare_port}/", 64, SECONDS))
        reads.append(wrk_cpu(srv.proc.pid, f"http://127.0.0.1:{port}{A}/applications/{app_id}", 64,
                             SECONDS, [auth]))
    bare.terminate()
    bare.wait()
    r_rps, b_rps = median(reads, "rps"), median(bares, "rps")
    print(f"\n1. GET /applications/{{id}} ({len(one.body)} bytes), 64 connections")
    print(f"   loandesk serve: {r_rps:10.0f} req/s  p99 {median(reads, 'p99'):6.2f} ms  (non-2xx: {sum(r['non2xx'] for r in reads)})")
    print(f"   bare handler:   {b_rps:10.0f} req/s  p99 {median(bares, 'p99'):6.2f} ms")
    print(f"   ratio {r_rps / b_rps:.2f} (goal >= 0.3; goal >= 10,000 req/s, p99 < 20 ms)")
    r_cpu, b_cpu = median(reads, "cpu_us"), median(bares, "cpu_us")
    print(f"   server CPU per request (user + system, the load-independent cost): loandesk serve "
          f"{r_cpu:.1f} us, bare handler {b_cpu:.1f} us (ratio {b_cpu / r_cpu:.2f}); "
          f"wrk shares the same 2 cores")

# ---- 2. application creation ---------------------------------------------------------------------------
if "2" in PARTS:
    bare_app = {k: v for k, v in app.items() if k not in ("guarantors", "collateral", "investigation")}
    import json  # noqa: E402
    lua = os.path.join(tmp, "create.lua")
    with open(lua, "w", encoding="utf-8") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                "wrk.body = [==[" + json.dumps(bare_app, ensure_ascii=False) + "]==]\n")
    zhao = h.Client(port, token=tok["zhao"])
    creates = []
    for _ in range(ROUNDS):
        before = zhao.get(A + "/applications?limit=1").json["total"]
        run = wrk(f"http://127.0.0.1:{port}{A}/applications", 64, SECONDS, [auth], script=lua)
        time.sleep(0.5)
        after = zhao.get(A + "/applications?limit=1").json["total"]
        run["rows"] = after - before
        run["ok"] = run["total"] - run["non2xx"]
        creates.append(run)
    # The ceiling beside it: bare SQLite commits of one small row each, on the
    # same file system with the store's settings (WAL, synchronous FULL, 16 KiB
    # pages), one writer: what a durable commit costs here, whatever runs above.
    import sqlite3  # noqa: E402
    bare_db = os.path.join(tmp, "bare.db")
    con = sqlite3.connect(bare_db, isolation_level=None)
    con.executescript("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                      "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);")
    commits, commit_p99 = [], []
    for _ in range(ROUNDS):
        n, t0, each = 0, time.time(), []
        while time.time() - t0 < SECONDS:
            c0 = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO t (body) VALUES (?)", ("x" * 300,))
            con.execute("COMMIT")
            each.append((time.perf_counter() - c0) * 1000.0)
            n += 1
        commits.append(n / (time.time() - t0))
        each.sort()
        commit_p99.append(each[min(len(each) - 1, int(len(each) * 0.99))])
    con.close()
    print("\n2. POST /applications (a draft, its audit row and ledger event), 64 connections")
    for i, c in enumerate(creates):
        present = c["rows"] >= c["ok"]
        print(f"   run {i + 1}: {c['rps']:8.0f} req/s  p99 {c['p99']:6.2f} ms  answered 201: {c['ok']}, "
              f"rows added: {c['rows']} ({'every answered row present' if present else 'ROWS MISSING'}; "
              f"{c['rows'] - c['ok']} more were committed for requests wrk stopped waiting for at the end)")
    print(f"   median: {median(creates, 'rps'):.0f} req/s, p99 {median(creates, 'p99'):.2f} ms "
          f"(goal >= 1,000/s, p99 < 50 ms)")
    print(f"   baseline, bare SQLite: {statistics.median(commits):.0f} durable commits/s of one row, "
          f"p99 {statistics.median(commit_p99):.2f} ms per commit (WAL, synchronous FULL, one writer): "
          f"the ceiling of one transaction per write here; the server commits a batch of writes "
          f"at once (group commit)")

# ---- 3. reads during a login storm ------------------------------------------------------------------------
if "3" in PARTS:
    calm, storm = [], []
    for _ in range(ROUNDS):
        calm.append(wrk(f"http://127.0.0.1:{port}{A}/applications/{app_id}", 16, SECONDS * 2, [auth]))
        results = []

        def login():
            results.append(h.login(port, "sun", h.USERS["sun"][1]).status)

        def start_storm():
            time.sleep(0.5)
            ts = [threading.Thread(target=login) for _ in range(50)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()

        st = threading.Thread(target=start_storm)
        st.start()
        t0 = time.time()
        run = wrk(f"http://127.0.0.1:{port}{A}/applications/{app_id}", 16, SECONDS * 2, [auth])
        st.join()
        run["storm_seconds"] = time.time() - t0
        run["logins_ok"] = results.count(201)
        storm.append(run)
    print("\n3. GET /applications/{id}, 16 connections, while 50 logins (PBKDF2, 600,000 rounds) run")
    print(f"   during the storm: {median(storm, 'rps'):8.0f} req/s  p99 {median(storm, 'p99'):6.2f} ms  "
          f"(logins answered 201: {[s['logins_ok'] for s in storm]})")
    print(f"   without storm:    {median(calm, 'rps'):8.0f} req/s  p99 {median(calm, 'p99'):6.2f} ms")
    print("   goal: p99 of reads < 100 ms during the storm")
print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
      f"(other work on the machine moves every figure)")
srv.stop()
import shutil  # noqa: E402
shutil.rmtree(tmp, ignore_errors=True)
