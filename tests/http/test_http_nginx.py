"""test_http_nginx.py - docs/deploy.md's nginx configuration works: a real
nginx (its own prefix and configuration in a temporary folder, a self-signed
certificate made with openssl) in front of `loandesk serve --trust-proxy`,
and curl logs in and reads through HTTPS; behind TLS the answers carry HSTS
and a browser's same-origin write passes the Origin check.

usage: test_http_nginx.py LOANDESK_BIN SOURCE_DIR
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import httplib_ld as h
from httplib_ld import check

h.setup(sys.argv)
nginx = shutil.which("nginx") or "/usr/sbin/nginx"
if not os.path.exists(nginx):
    print("nginx is not installed (scripts/setup.sh installs it)", file=sys.stderr)
    sys.exit(1)
tmp = tempfile.mkdtemp(prefix="ld-nginx-")
db = os.path.join(tmp, "loandesk.db")
subprocess.run([h.BIN, "init", "--admin", "admin", "--institution", "T"], check=True,
               env=dict(os.environ, LOANDESK_DB=db, LOANDESK_PASSWORD=h.ADMIN_PW), stdout=subprocess.DEVNULL)
srv = h.Server(db, threads=2, extra=["--trust-proxy"])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


https_port, http_port = free_port(), free_port()
cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
doc = open(os.path.join(h.SRC, "docs", "deploy.md")).read()
block = re.search(r"```nginx\n(.*?)```", doc, re.S).group(1)
block = block.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
block = block.replace("    http2 on;\n", "")
block = block.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
block = block.replace("/etc/ssl/loandesk/fullchain.pem", cert).replace("/etc/ssl/loandesk/privkey.pem", key)
block = block.replace("127.0.0.1:8080", f"127.0.0.1:{srv.port}")
check(f"127.0.0.1:{srv.port}" in block and cert in block, "the documented configuration was adapted")
for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
    os.makedirs(os.path.join(tmp, d), exist_ok=True)
conf = os.path.join(tmp, "nginx.conf")
with open(conf, "w") as f:
    f.write(f"""daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/logs/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{block}
}}
""")
t = subprocess.run([nginx, "-t", "-p", tmp, "-c", conf, "-e", f"{tmp}/logs/error.log"], capture_output=True, text=True)
check(t.returncode == 0, f"nginx accepts the configuration: {t.stderr}")
proc = subprocess.Popen([nginx, "-p", tmp, "-c", conf, "-e", f"{tmp}/logs/error.log"])
base = f"https://127.0.0.1:{https_port}"
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.05)


def curl(*args):
    r = subprocess.run(["curl", "-sS", "--cacert", cert, "-D", "-", *args], capture_output=True, timeout=60)
    head, _, body = r.stdout.decode("utf-8", "replace").partition("\r\n\r\n")
    while head.startswith("HTTP/1.1 100"):
        head, _, body = body.partition("\r\n\r\n")
    status = int(head.split(" ")[1]) if head.startswith("HTTP/") else 0
    headers = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in head.split("\r\n")[1:] if ":" in l}
    return status, headers, body


try:
    status, headers, body = curl("-X", "POST", base + "/api/v1/session", "-H", "Content-Type: application/json",
                                 "-d", json.dumps({"username": "admin", "password": h.ADMIN_PW, "mode": "bearer"}))
    check(status == 201, f"login through nginx over HTTPS: {status} {body[:300]}")
    token = json.loads(body)["token"]
    check("max-age=" in headers.get("strict-transport-security", ""), f"HSTS behind TLS: {headers}")
    status, headers, body = curl(base + "/api/v1/users", "-H", "Authorization: Bearer " + token)
    check(status == 200 and json.loads(body)[0]["username"] == "admin", f"a read through nginx: {status} {body[:200]}")
    check(headers.get("content-security-policy", "").startswith("default-src 'none'"), "the server's CSP passes through")
    # a browser: cookie login, then a same-origin write with the CSRF token
    status, headers, body = curl("-X", "POST", base + "/api/v1/session", "-H", "Content-Type: application/json",
                                 "-H", f"Origin: {base}", "-d", json.dumps({"username": "admin", "password": h.ADMIN_PW}))
    check(status == 201 and headers.get("set-cookie", "").startswith("__Host-loandesk_session="), f"cookie login: {status}")
    cookie = headers["set-cookie"].split(";")[0]
    csrf = json.loads(body)["csrf_token"]
    status, _, body = curl("-X", "POST", base + "/api/v1/users/admin/unlock", "-H", "Content-Type: application/json",
                           "-H", "Cookie: " + cookie, "-H", "X-CSRF-Token: " + csrf, "-H", f"Origin: {base}", "-d", "{}")
    check(status == 200, f"a same-origin cookie write over HTTPS: {status} {body[:200]}")
    status, _, _ = curl("-X", "POST", base + "/api/v1/users/admin/unlock", "-H", "Content-Type: application/json",
                        "-H", "Cookie: " + cookie, "-H", "X-CSRF-Token: " + csrf,
                        "-H", f"Origin: http://127.0.0.1:{https_port}", "-d", "{}")
    check(status == 403, f"the plain-HTTP origin is another origin: {status}")
    r = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", f"http://127.0.0.1:{http_port}/api/v1/users"],
                       capture_output=True, text=True)
    check(r.stdout.startswith("301 https://"), f"plain HTTP is sent to HTTPS: {r.stdout}")
finally:
    proc.terminate()
    proc.wait(timeout=30)
check(srv.stop() == 0, "the server stops cleanly")
shutil.rmtree(tmp, ignore_errors=True)
h.finish("test_http_nginx")
