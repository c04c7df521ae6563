"""httplib_ld.py - what the HTTP API tests share: a real `loandesk serve` on a
free loopback port over a fresh book, a small client, and the accounts of
every role, logged in once each (PBKDF2 is slow).

The book is made by `loandesk init` and then through the HTTP API itself:
the admin adds one account per role, each changes its first password.
"""
import base64
import atexit
import http.client
import json
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

CA_PW = "Http-CA-custodians-2026"  # the CA custodians' passphrase, never a login's
CA_FP = ""
ADMIN_PW = "Admin2026pass"
FIRST_PW = "First-pass-2026"
USERS = {  # name: (role, password)
    "chen": ("officer", "Chen2026pass"),
    "liu": ("officer", "Liu2026pass"),
    "wang": ("reviewer", "Wang2026pass"),
    "zhao": ("manager", "Zhao2026pass"),
    "sun": ("auditor", "Sun2026pass"),
}

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def finish(name):
    passed = checks - len(failures)
    print(f"{name}: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class Client:
    """One connection per request, so tests can run clients in threads."""

    def __init__(self, port, token=None, cookie=None, csrf=None):
        self.port = port
        self.token = token
        self.cookie = cookie
        self.csrf = csrf

    def request(self, method, path, body=None, headers=None, raw=None, timeout=600):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {}
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if self.cookie:
            h["Cookie"] = "__Host-loandesk_session=" + self.cookie
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if raw is not None:
            data = raw
        h.update(headers or {})
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        out = Response(r.status, r.getheaders(), r.read())
        conn.close()
        return out

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body if body is not None else {}, **kw)


RUNNING = []  # servers to stop if a test ends early


@atexit.register
def _stop_left_over():
    for srv in RUNNING:
        if srv.proc.poll() is None:
            srv.proc.kill()
            srv.proc.wait()


class Server:
    def __init__(self, db, threads=4, extra=None, env=None, clock=True):
        self.clock_file = os.path.join(os.path.dirname(db), "clock-skew")
        with open(self.clock_file, "w") as f:
            f.write("0\n")
        e = dict(os.environ)
        e.update({"LOANDESK_DB": db, "LOANDESK_TODAY": "2026-05-25"})
        if clock:  # the test clock: a file read at every look at the clock
            e["LOANDESK_WALL_CLOCK_FILE"] = self.clock_file
        e.update(env or {})
        self.log_path = os.path.join(os.path.dirname(db), "server.log")
        self.log = open(self.log_path, "w")
        args = [BIN, "serve", "--listen", "127.0.0.1:0", "--threads", str(threads)]
        self.proc = subprocess.Popen(args + (extra or []), env=e, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if "serving http://127.0.0.1:" not in line:
            raise RuntimeError("server did not start: " + line + open(self.log_path).read())
        self.port = int(line.split("127.0.0.1:")[1].split("/")[0])
        RUNNING.append(self)

    def skew(self, seconds):
        with open(self.clock_file, "w") as f:
            f.write(f"{seconds}\n")

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        rc = self.proc.wait(timeout=120)
        self.log.close()
        return rc

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            return f.read()


BIN = None
SRC = None


def setup(argv):
    global BIN, SRC
    BIN = os.path.abspath(argv[1])
    SRC = os.path.abspath(argv[2])


def login(port, user, password, mode="bearer"):
    r = Client(port).post("/api/v1/session", {"username": user, "password": password, "mode": mode})
    return r


def make_book(tmp, threads=4, extra=None, clock=True):
    """A fresh book with every role; returns (server, tokens by user)."""
    db = os.path.join(tmp, "loandesk.db")
    global CA_FP
    env = dict(os.environ, LOANDESK_DB=db, LOANDESK_PASSWORD=ADMIN_PW,
               LOANDESK_CA_PASSPHRASE=CA_PW)
    subprocess.run([BIN, "init", "--admin", "admin", "--institution", "Test Bank"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    # The CA fingerprint an auditor holds, for every verification.
    pem = subprocess.run([BIN, "--user", "admin", "pki", "ca-cert"], env=env, check=True,
                         capture_output=True).stdout
    der = subprocess.run(["openssl", "x509", "-outform", "DER"], input=pem, check=True,
                         capture_output=True).stdout
    CA_FP = hashlib.sha256(der).hexdigest()
    srv = Server(db, threads=threads, extra=extra, clock=clock)
    r = login(srv.port, "admin", ADMIN_PW)
    assert r.status == 201, r.body
    tokens = {"admin": r.json["token"]}
    admin = Client(srv.port, token=tokens["admin"])
    def add(name):
        role, pw = USERS[name]
        r = admin.post("/api/v1/users", {"username": name, "full_name": name.title() + " Test",
                                         "role": role, "password": FIRST_PW,
                                         "key_password": CA_PW})
        assert r.status == 201, r.body
        r = login(srv.port, name, FIRST_PW)
        assert r.status == 201, r.body
        r = Client(srv.port, token=r.json["token"]).post(
            "/api/v1/session/password", {"current_password": FIRST_PW, "new_password": pw})
        assert r.status == 200, r.body
        tokens[name] = r.json["token"]
    threads_ = [threading.Thread(target=add, args=(n,)) for n in USERS]
    for t in threads_:
        t.start()
    for t in threads_:
        t.join()
    assert len(tokens) == 6, tokens.keys()
    return srv, tokens


def id_number(serial):
    """A resident identity number with a valid GB 11643 check character."""
    body = "11010519850312" + f"{serial % 1000:03d}" + "1"[:0]
    body = body[:17]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


def raw_exchange(port, data, timeout=30):
    """Sends data as it is on one connection and returns the status line's
    code (0 when the server closed without one); a server that answers early
    and closes is not an error."""
    import socket
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        try:
            while b"\r\n" not in got:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    finally:
        s.close()
    parts = got.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def data(name):
    with open(os.path.join(SRC, "scripts", "demo", name)) as f:
        return json.load(f)


SCAN = base64.b64encode(b"%PDF-1.4\n%scanned by the officer\n").decode()


def complete_documents(client, app_id):
    """Adds and checks, as the customer's officer, every document the
    checklist of the application's product requires at some gate."""
    r = client.get(f"/api/v1/documents?target=application&target_id={app_id}")
    assert r.status == 200, r.body
    for item in r.json["checklist"]:
        if item["required"] == "none" or item["standing"] == "ok":
            continue
        own = item["belongs_to"] == "borrower"
        body = {"target": "borrower" if own else "application",
                "target_id": r.json["borrower_id"] if own else app_id,
                "type": item["type"], "file": SCAN}
        d = client.post("/api/v1/documents", body)
        assert d.status == 201, d.body
        c = client.post(f"/api/v1/documents/{d.json['id']}/check",
                        {"authentic": True, "legal": True, "valid": True})
        assert c.status == 201, c.body
