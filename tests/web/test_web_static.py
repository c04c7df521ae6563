"""test_web_static.py - the web UI's files as `loandesk serve` answers them:
content types, the pages' own CSP (no inline script or style, no eval),
ETag revalidation, and every way out of web/ refused (.., encoded .., hidden
files, a symbolic link out of the folder, unknown kinds); API answers keep
their own CSP. Runs a real server over a copy of web/ with traps added.

usage: test_web_static.py LOANDESK_BINARY SOURCE_DIR
"""
import http.client
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "http"))
import httplib_ld as h  # noqa: E402

h.setup(sys.argv)
check = h.check
tmp = tempfile.mkdtemp(prefix="loandesk-web-static-")
web = os.path.join(tmp, "web")
shutil.copytree(os.path.join(h.SRC, "web"), web)
with open(os.path.join(tmp, "secret.txt"), "w") as f:
    f.write("outside the web folder")
with open(os.path.join(web, ".hidden.txt"), "w") as f:
    f.write("hidden")
with open(os.path.join(web, "notes.md"), "w") as f:
    f.write("a kind not served")
os.symlink(os.path.join(tmp, "secret.txt"), os.path.join(web, "link.txt"))
db = os.path.join(tmp, "loandesk.db")
import subprocess  # noqa: E402
subprocess.run([h.BIN, "init", "--admin", "admin", "--institution", "测试银行"],
               env=dict(os.environ, LOANDESK_DB=db, LOANDESK_PASSWORD=h.ADMIN_PW,
                        LOANDESK_CA_PASSPHRASE=h.CA_PW), check=True,
               capture_output=True)
srv = h.Server(db, extra=["--web-dir", web])


def raw_get(path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    for k, v in (headers or {}).items():
        conn.putheader(k, v)
    conn.endheaders()
    r = conn.getresponse()
    out = h.Response(r.status, r.getheaders(), r.read())
    conn.close()
    return out


try:
    for path, kind in (("/", "text/html; charset=utf-8"), ("/index.html", "text/html; charset=utf-8"),
                       ("/app.css", "text/css; charset=utf-8"), ("/js/app.js", "text/javascript; charset=utf-8")):
        r = raw_get(path)
        check(r.status == 200, f"{path}: {r.status}")
        check(r.header("Content-Type") == kind, f"{path} content type: {r.header('Content-Type')}")
        csp = r.header("Content-Security-Policy") or ""
        check("default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
              and "frame-ancestors 'none'" in csp, f"{path} page CSP: {csp}")
        check(r.header("X-Content-Type-Options") == "nosniff", f"{path} nosniff")
        check(r.header("Cache-Control") == "no-cache" and (r.header("ETag") or "").startswith('"'),
              f"{path} cached and revalidated: {r.header('Cache-Control')} {r.header('ETag')}")
        again = raw_get(path, {"If-None-Match": r.header("ETag")})
        check(again.status == 304 and again.body == b"", f"{path} unchanged: 304, got {again.status}")
    # Text files go gzip-compressed to a client that accepts it, with their own ETag.
    import gzip as gz
    for path in ("/js/screens.js", "/app.css", "/"):
        plain = raw_get(path)
        packed = raw_get(path, {"Accept-Encoding": "br, gzip;q=0.8"})
        check(packed.header("Content-Encoding") == "gzip" and gz.decompress(packed.body) == plain.body,
              f"{path} gzip: {packed.header('Content-Encoding')}")
        check(len(packed.body) < len(plain.body) * 2 // 3, f"{path} compressed: {len(packed.body)} of {len(plain.body)} bytes")
        check(plain.header("Content-Encoding") is None, f"{path} plain without Accept-Encoding")
        check("Accept-Encoding" in (packed.header("Vary") or ""), f"{path} varies by Accept-Encoding")
        check(packed.header("ETag") != plain.header("ETag"), f"{path}: each encoding its own ETag")
        again = raw_get(path, {"Accept-Encoding": "gzip", "If-None-Match": packed.header("ETag")})
        check(again.status == 304, f"{path} gzip unchanged: 304, got {again.status}")
    check(raw_get("/js/app.js", {"Accept-Encoding": "gzip;q=0, identity"}).header("Content-Encoding") is None, "gzip;q=0 is refused gzip")
    html = raw_get("/").body.decode()
    check("<script>" not in html and "style=" not in html and "<style" not in html, "no inline script or style in the page")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/js/../../secret.txt", "/js/%2e%2e/%2e%2e/secret.txt",
                 "/.hidden.txt", "/link.txt", "/notes.md", "/js", "/js/", "//etc/passwd", "/js//app.js",
                 "/..%2fsecret.txt", "/no-such.js"):
        r = raw_get(path)
        check(r.status == 404 and b"outside the web folder" not in r.body and b"hidden" != r.body,
              f"{path} refused: {r.status}")
    r = raw_get("/api/v1/openapi.json")
    check(r.status == 200 and "default-src 'none'" in (r.header("Content-Security-Policy") or ""), "the API keeps its own CSP")
    check(r.header("Cache-Control") == "no-store", "API answers are never stored")
    r = raw_get("/api/v1/no-such")
    check(r.status == 404 and r.header("Content-Type") == "application/problem+json", "an unknown API path is the API's 404")
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    conn.request("POST", "/index.html", body=b"{}", headers={"Content-Type": "application/json"})
    check(conn.getresponse().status in (404, 405), "a page takes no POST")
    conn.close()
finally:
    srv.stop()
    shutil.rmtree(tmp, ignore_errors=True)
h.finish("web_static")
