"""test_http_api.py - the HTTP API end to end against a real `loandesk serve`:
every operation through its route, each error class as a problem document,
a sample of the permission matrix per role, the browser rules (cookie, CSRF,
Origin), exactly-once POSTs, ETag/If-Match, the caps, the log lines, session
expiry with the injected clock, and a clean stop on SIGTERM.

usage: test_http_api.py LOANDESK_BIN SOURCE_DIR
"""
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

import httplib_ld as h
from httplib_ld import check

h.setup(sys.argv)
tmp = tempfile.mkdtemp(prefix="ld-http-")
srv, tok = h.make_book(tmp)
port = srv.port
C = {name: h.Client(port, token=t) for name, t in tok.items()}
seen = []  # every response, for the checks that hold for all


def call(who, method, path, body=None, **kw):
    client = C[who] if isinstance(who, str) else who
    r = client.request(method, path, body=body, **kw)
    seen.append((method, path, r))
    return r


def expect(r, status, what):
    check(r.status == status, f"{what}: status {r.status}, expected {status}: {r.body[:300]!r}")
    return r


def problem(r, status, what, field=None):
    expect(r, status, what)
    check(r.header("Content-Type") == "application/problem+json", f"{what}: problem+json")
    j = r.json or {}
    check(j.get("status") == status and "type" in j and "title" in j and "detail" in j,
          f"{what}: RFC 9457 members: {j}")
    if field is not None:
        check(j.get("field") == field, f"{what}: field {j.get('field')!r}, expected {field!r}")


A = "/api/v1"
# ---- borrowers and applications (the demo's files) -----------------------------------
b1 = expect(call("chen", "POST", A + "/borrowers", h.data("borrower-zhang.json")), 201, "borrower add").json["id"]
b2 = expect(call("chen", "POST", A + "/borrowers", h.data("borrower-huaxin.json")), 201, "borrower add 2").json["id"]
b3 = expect(call("liu", "POST", A + "/borrowers", h.data("borrower-wang.json")), 201, "borrower add 3").json["id"]
r = expect(call("chen", "GET", A + "/borrowers?name=%E5%BC%A0"), 200, "borrower search")
check(r.json["total"] == 1 and r.json["rows"][0]["id"] == b1, f"search finds zhang: {r.json}")
r = expect(call("chen", "GET", A + "/borrowers?limit=1"), 200, "borrower page 1")
check(r.json["has_more"] and len(r.json["rows"]) == 1, "a page of one with more")
r2 = expect(call("chen", "GET", A + f"/borrowers?limit=1&after={r.json['next_after']}"), 200, "page 2")
check(r2.json["rows"][0]["id"] != r.json["rows"][0]["id"], "the cursor moves on")
apps = []
for who, f in (("chen", "app-zhang.json"), ("chen", "app-huaxin.json"), ("liu", "app-wang.json")):
    apps.append(expect(call(who, "POST", A + "/applications", h.data(f)), 201, "app create " + f).json["id"])
# ---- the customer archive: the checklist gates submission --------------------------
problem(call("chen", "POST", A + f"/applications/{apps[0]}/submit"), 409, "submit without papers")
check("id_card" in (seen[-1][2].json or {}).get("detail", ""), "the refusal names the document")
r = expect(call("chen", "GET", A + f"/documents?target=application&target_id={apps[0]}"), 200,
           "checklist")
check({i["type"]: i["standing"] for i in r.json["checklist"]}.get("id_card") == "missing",
      f"the ID card is missing: {r.json}")
problem(call("chen", "POST", A + "/documents", {"target": "borrower", "target_id": b1,
                                                 "type": "id_card",
                                                 "file": h.base64.b64encode(b"GIF89a").decode()}),
        422, "a GIF is refused", "file")
problem(call("liu", "POST", A + "/documents", {"target": "borrower", "target_id": b1,
                                                "type": "id_card", "file": h.SCAN}),
        403, "another officer's customer")
for who, app in (("chen", apps[0]), ("chen", apps[1]), ("liu", apps[2])):
    h.complete_documents(C[who], app)
r = expect(call("chen", "GET", A + f"/documents?target=borrower&target_id={b1}"), 200, "papers")
doc = r.json["documents"][0]["id"]
r = expect(call("sun", "GET", A + f"/documents/{doc}"), 200, "the auditor reads a document")
check(len(r.json["checks"]) == 1 and r.json["checks"][0]["authentic"], f"its check: {r.json}")
r = expect(call("sun", "GET", A + "/archive/verify"), 200, "archive verify")
check(r.json["ok"] and r.json["files"] == 1, f"one file for every scan: {r.json}")
expect(call("chen", "GET", A + "/archive/expiring?days=30"), 200, "expiring")
# a browser's upload keeps the name it was handed in under, not the server's
# temporary file's; a name that is not one line of text is refused by name
problem(call("chen", "POST", A + "/documents", {"target": "borrower", "target_id": b1,
                                                 "type": "other", "file_name": "a\nb.pdf",
                                                 "file": h.SCAN}),
        422, "a file name of two lines", "file_name")
r = expect(call("chen", "POST", A + "/documents", {"target": "borrower", "target_id": b1,
                                                    "type": "other",
                                                    "file_name": "营业执照 2026.pdf",
                                                    "file": h.SCAN}), 201, "a named upload")
r = expect(call("chen", "GET", A + f"/documents/{r.json['id']}"), 200, "the named upload")
check(r.json.get("file_name") == "营业执照 2026.pdf", f"stored under its own name: {r.json}")
r = expect(call("chen", "POST", A + "/documents", {"target": "borrower", "target_id": b1,
                                                    "type": "other", "file": h.SCAN}),
           201, "an upload without a name")
r = expect(call("chen", "GET", A + f"/documents/{r.json['id']}"), 200, "the unnamed upload")
check("file_name" not in r.json, f"no temporary name shown for it: {r.json}")
for who, app in (("chen", apps[0]), ("chen", apps[1]), ("liu", apps[2])):
    r = expect(call(who, "POST", A + f"/applications/{app}/submit"), 200, "submit")
    check(r.json["state"] == "submitted", f"submitted: {r.json}")
problem(call("chen", "POST", A + f"/applications/{apps[0]}/submit"), 409, "submit twice")
expect(call("chen", "POST", A + f"/applications/{apps[0]}/rating"), 200, "rate 1")
expect(call("wang", "POST", A + f"/applications/{apps[1]}/rating"), 200, "rate 2")
r = expect(call("wang", "POST", A + f"/applications/{apps[2]}/rating"), 200, "rate 3")
check("grade" in r.json and "score" in r.json, "a rating has grade and score")
expect(call("wang", "GET", A + f"/applications/{apps[1]}/rating"), 200, "rating show")
expect(call("wang", "POST", A + f"/applications/{apps[2]}/rating/override",
            {"grade": "C", "reason": "debts under-reported"}), 200, "override")
problem(call("chen", "POST", A + f"/applications/{apps[0]}/approve", {}), 403, "the officer may not approve")
r = expect(call("wang", "POST", A + f"/applications/{apps[0]}/approve", {}), 200, "approve 1")
check(r.json["state"] == "approved", "approved")
problem(call("wang", "POST", A + f"/applications/{apps[1]}/approve", {}), 403, "above authority")
expect(call("zhao", "POST", A + f"/applications/{apps[1]}/approve", {"reason": "within the line"}), 200, "manager approves 2")
expect(call("wang", "POST", A + f"/applications/{apps[2]}/reject", {"reason": "debt too high"}), 200, "reject 3")
r = expect(call("wang", "GET", A + f"/applications/{apps[1]}/file"), 200, "whole file")
check("borrower" in r.json and "application" in r.json, f"whole file parts: {list(r.json)}")
r = expect(call("chen", "GET", A + f"/applications/{apps[0]}/guarantors"), 200, "guarantor list")
check(isinstance(r.json, list) and len(r.json) == 1, "one guarantor")
expect(call("chen", "GET", A + f"/applications/{apps[0]}/collateral"), 200, "collateral list")
# a bare draft, its parts added one by one, then withdrawn
app = h.data("app-zhang.json")
parts = {k: app.pop(k) for k in ("guarantors", "collateral", "investigation")}
a4 = expect(call("chen", "POST", A + "/applications", app), 201, "bare draft").json["id"]
expect(call("chen", "POST", A + f"/applications/{a4}/guarantors", parts["guarantors"][0]), 201, "guarantor add")
expect(call("chen", "POST", A + f"/applications/{a4}/collateral", parts["collateral"][0]), 201, "collateral add")
expect(call("chen", "POST", A + f"/applications/{a4}/investigations", parts["investigation"]), 201, "investigation add")
problem(call("chen", "POST", A + f"/applications/{a4}/guarantors", dict(parts["guarantors"][0], guaranteed_amount="lots")),
        422, "an amount that is not one", field="guaranteed_amount")
expect(call("chen", "POST", A + f"/applications/{a4}/withdraw", {"reason": "customer changed plans"}), 200, "withdraw")
r = expect(call("zhao", "GET", A + "/applications?state=approved"), 200, "app list by state")
check(r.json["total"] == 2, f"two approved: {r.json['total']}")
# One application is the CLI's `app show --json` (approved with every part,
# rejected, withdrawn), its ETag the digest of the bytes sent; a string that
# names the server's own files comes back as the file's name only.
db = os.path.join(tmp, "loandesk.db")
odd = expect(call("chen", "POST", A + "/applications", dict(app, purpose=db)), 201, "a purpose naming the book's file").json["id"]
for who, app_id in (("chen", apps[0]), ("liu", apps[2]), ("chen", a4), ("chen", odd)):
    r = expect(call(who, "GET", A + f"/applications/{app_id}"), 200, f"app show {app_id}")
    check(r.header("ETag") == '"' + hashlib.sha256(r.body).hexdigest()[:32] + '"', f"app {app_id}: the ETag is the bytes' digest")
    cli = subprocess.run([h.BIN, "app", "show", str(app_id), "--json"], capture_output=True, text=True,
                         env=dict(os.environ, LOANDESK_DB=db, LOANDESK_SESSION=tok[who]))
    shown = json.loads(cli.stdout) if cli.returncode == 0 else {}
    if app_id == odd:
        check(shown.get("purpose") == db and r.json["purpose"] == "loandesk.db",
              f"no path of the server in an answer: {r.json['purpose']}")
        shown["purpose"] = "loandesk.db"
    check(shown == r.json, f"app {app_id}: the CLI's --json: {cli.stderr}")

# ---- ETag and If-Match -------------------------------------------------------------------
r = expect(call("chen", "GET", A + f"/borrowers/{b1}"), 200, "borrower show")
etag = r.header("ETag")
check(etag is not None and etag.startswith('"'), "a read carries an ETag")
problem(call("chen", "PATCH", A + f"/borrowers/{b1}", {"phone": "13900000001"}), 428, "an update without If-Match")
r = expect(call("chen", "PATCH", A + f"/borrowers/{b1}", {"phone": "13900000001"}, headers={"If-Match": etag}), 200, "update with the ETag")
check(r.header("ETag") not in (None, etag), "the update gives the new ETag")
problem(call("chen", "PATCH", A + f"/borrowers/{b1}", {"phone": "13900000002"}, headers={"If-Match": etag}), 412, "a stale If-Match")
r = expect(call("chen", "GET", A + f"/borrowers/{b1}"), 200, "borrower after the refused update")
check(r.json.get("phone") == "13900000001", f"the stale update changed nothing: {r.json.get('phone')}")
r = call("chen", "GET", A + f"/applications/{a4}")
problem(call("chen", "PATCH", A + f"/applications/{a4}", {"amount": "1.00"}, headers={"If-Match": r.header("ETag")}), 409, "update a withdrawn application")

a5 = expect(call("chen", "POST", A + "/applications", app), 201, "another draft").json["id"]
r = call("chen", "GET", A + f"/applications/{a5}")
r = expect(call("chen", "PATCH", A + f"/applications/{a5}", {"amount": "250000.00"}, headers={"If-Match": r.header("ETag")}), 200, "update a draft with its ETag")
check(call("chen", "GET", A + f"/applications/{a5}").json["amount"] == "250000.00", "the draft's new amount")
r = expect(call("zhao", "POST", A + f"/borrowers/{b2}/assign", {"officer": "liu"}), 200, "assign to another officer")
check(call("liu", "GET", A + f"/borrowers/{b2}").status == 200 and call("chen", "GET", A + f"/borrowers/{b2}").status == 403, "the customer moved with its file")
expect(call("zhao", "POST", A + f"/borrowers/{b2}/assign", {"officer": "chen"}), 200, "assign back")
r = expect(call("wang", "POST", A + f"/borrowers/{b3}/blocklist", {"reason": "fraud alert"}), 200, "blocklist")
check(r.json.get("blocklisted") is True, f"blocklisted: {r.json}")
problem(call("wang", "POST", A + f"/borrowers/{b3}/blocklist", {"reason": "again"}), 409, "blocklist twice")
expect(call("wang", "POST", A + f"/borrowers/{b3}/unblock", {"reason": "cleared"}), 200, "unblock")

# ---- exactly once ---------------------------------------------------------------------------
before = call("chen", "GET", A + "/borrowers").json["total"]
body = dict(h.data("borrower-zhang.json"), id_number=h.id_number(198), name="重试")
r1 = expect(call("chen", "POST", A + "/borrowers", body, headers={"Idempotency-Key": "k-1"}), 201, "first POST with a key")
r2 = expect(call("chen", "POST", A + "/borrowers", body, headers={"Idempotency-Key": "k-1"}), 201, "the same POST again")
check(r1.json == r2.json, f"the replay gives the same answer: {r1.json} {r2.json}")
check(call("chen", "GET", A + "/borrowers").json["total"] == before + 1, "one borrower, not two")
problem(call("chen", "POST", A + "/borrowers", dict(body, name="别人"), headers={"Idempotency-Key": "k-1"}), 409, "the key on another body", field="idempotency_key")
# another user's key space is their own
expect(call("liu", "POST", A + "/borrowers", dict(body, id_number=h.id_number(171)), headers={"Idempotency-Key": "k-1"}), 201, "liu's own k-1")
problem(call("chen", "POST", A + "/borrowers", body, headers={"Idempotency-Key": "bad key"}), 422, "a key with a space", field="idempotency_key")

# ---- loans, close of business, the journal, the log -------------------------------------------
loan = expect(call("zhao", "POST", A + f"/applications/{apps[0]}/loan", {"date": "2026-05-25"}), 201, "disburse").json
loan_id = loan.get("id") or loan.get("loan_id") or loan.get("loan", {}).get("id")
check(loan_id is not None, f"the loan has an id: {list(loan)}")
loan2 = expect(call("zhao", "POST", A + f"/applications/{apps[1]}/loan", {"date": "2026-05-25"}), 201, "disburse 2").json
loan2_id = loan2.get("id")
problem(call("zhao", "POST", A + f"/applications/{apps[2]}/loan", {"date": "2026-05-25"}), 409, "disburse a rejected application")
r = expect(call("chen", "GET", A + "/loans"), 200, "loan list")
check(r.json["total"] == 2, f"two loans: {r.json['total']}")
expect(call("chen", "GET", A + f"/loans/{loan_id}"), 200, "loan show")
r = expect(call("chen", "POST", A + f"/loans/{loan_id}/repayments", {"amount": "1000.00", "date": "2026-05-25"}), 201, "repay")
check(r.json.get("amount") == "1000.00", f"repayment echoes its amount: {r.json}")
problem(call("chen", "POST", A + f"/loans/{loan_id}/repayments", {"amount": 1000, "date": "2026-05-25"}), 422, "money as a JSON number", field="amount")
expect(call("wang", "POST", A + f"/loans/{loan_id}/classify", {"category": "special_mention", "reason": "sector stress"}), 200, "classify")
problem(call("zhao", "POST", A + f"/loans/{loan_id}/write-off", {"reason": "x"}), 409, "write off a loan that is not a loss")
r = expect(call("zhao", "POST", A + "/cob", {"date": "2026-05-25"}), 200, "close of business")
check(r.json.get("date") == "2026-05-25", f"cob date: {r.json}")
r = expect(call("sun", "GET", A + "/journal/trial-balance?date=2026-05-25"), 200, "trial balance")
check(r.json.get("balanced") is True, f"balanced: {r.json}")
expect(call("chen", "POST", A + f"/loans/{loan2_id}/settle", {"date": "2026-05-25"}), 200, "settle")
cp = expect(call("zhao", "POST", A + "/ledger/checkpoints", {}), 201, "checkpoint").json
check(cp.get("size", 0) > 0, f"checkpoint size: {cp}")
r = expect(call("sun", "GET", A + "/ledger/verify?ca_fingerprint=" + h.CA_FP), 200, "ledger verify")
check(r.json.get("entries", 0) > 0, f"verify counts entries: {r.json}")
proof = expect(call("sun", "GET", A + "/ledger/proofs/inclusion?index=1"), 200, "inclusion proof").json
r = expect(h.Client(port).post(A + "/ledger/proofs/verify?ca_fingerprint=" + h.CA_FP, proof), 200, "proof verify")
check(r.json.get("holds") is True, "the proof holds")
bad = json.loads(json.dumps(proof))
for k, v in bad.items():
    if isinstance(v, str) and len(v) == 64:
        bad[k] = ("0" if v[0] != "0" else "1") + v[1:]
        break
r = h.Client(port).post(A + "/ledger/proofs/verify?ca_fingerprint=" + h.CA_FP, bad)
problem(r, 422, "a tampered proof")
check((r.json or {}).get("type", "").endswith("verification-failed"), f"verification failed type: {r.json}")
expect(call("sun", "GET", A + f"/ledger/proofs/consistency?from=1&to={cp['size']}"), 200, "consistency proof")
problem(call("sun", "GET", A + "/ledger/proofs/consistency?from=1"), 422, "a proof without its size", field="to")
r = expect(call("sun", "GET", A + "/ledger/export"), 200, "ledger export")
check(r.header("Content-Type") == "application/x-tar", "a tar archive")
names = tarfile.open(fileobj=io.BytesIO(r.body)).getnames()
check(sorted(names) == ["ca.pem", "checkpoints", "consistency", "entries.jsonl", "institution.pem"], f"tar members: {names}")
entries = tarfile.open(fileobj=io.BytesIO(r.body)).extractfile("entries.jsonl").read().decode().splitlines()
check(len(entries) == r.json is None and len(entries) or len(entries) > 0, "entries exported")

# ---- inspections ------------------------------------------------------------------------------
problem(call("chen", "GET", A + f"/loans/{loan_id}/inspections/latest"), 404, "no inspection yet")
insp = h.data("inspection-zhang-first.json")
insp["date"] = "2026-05-25"
r = call("chen", "POST", A + f"/loans/{loan_id}/inspections", insp)
check(r.status in (201, 422), f"inspection add answers: {r.status} {r.body[:200]!r}")
expect(call("chen", "GET", A + "/inspections/due?date=2026-12-31"), 200, "inspections due")

# ---- reports ------------------------------------------------------------------------------------
r = expect(call("wang", "POST", A + "/reports", {"kind": "rating", "application_id": apps[1], "key_password": h.USERS["wang"][1]}), 201, "rating workbook")
rep = r.json
check("/" not in rep.get("file", "/") and rep.get("download", "").startswith(A + "/reports/"), f"no server path: {rep}")
x = expect(call("wang", "GET", rep["download"]), 200, "download the workbook")
check(x.body[:2] == b"PK", "an xlsx is a zip")
s = expect(call("wang", "GET", rep["signature_download"]), 200, "download the signature")
check(s.body[:1] == b"\x30", "a DER signature")
r = expect(call("wang", "POST", rep["download"] + "/verify?ca_fingerprint=" + h.CA_FP), 200, "verify the workbook")
check(r.json.get("in_ledger") is True, f"verified in the ledger: {r.json}")
problem(call("zhao", "GET", rep["download"]), 404, "another user's workbook")
problem(call("wang", "GET", A + "/reports/..%2F..%2Fetc%2Fpasswd"), 404, "a path as a report name")
expect(call("sun", "POST", A + "/reports", {"kind": "ledger", "no_sign": True}), 201, "ledger workbook, unsigned")
r = expect(call("zhao", "POST", A + "/reports", {"kind": "portfolio", "date": "2026-05-25", "lang": "en", "key_password": h.USERS["zhao"][1]}), 201, "portfolio workbook, signed")
check(r.json.get("signed") is True and "signature_download" in r.json, f"signed portfolio: {r.json}")
problem(call("zhao", "POST", A + "/reports", {"kind": "portfolio", "date": "2026-05-25", "key_password": "wrong-password-1"}), 403, "a wrong key password")
problem(call("zhao", "POST", A + "/reports", {"kind": "pie-chart"}), 422, "an unknown kind", field="kind")
problem(call("sun", "POST", A + "/reports", {"kind": "ledger", "key_password": h.USERS["sun"][1]}), 403, "an auditor does not sign")

# ---- credit reports: add, import, list --------------------------------------------------------------
cr = {"report_date": "2026-05-20", "source": "PBOC", "inquiries_6m": 2, "card_utilisation": "35",
      "open_loans": 1, "worst_dpd_24m": 0, "outstanding_balance": "80000.00"}
r = expect(call("chen", "POST", A + f"/borrowers/{b1}/credit-reports", cr), 201, "credit report add")
check(isinstance(r.json.get("id"), int), f"a credit report has an id: {r.json}")
problem(call("chen", "POST", A + f"/borrowers/{b1}/credit-reports", dict(cr, inquiries_6m=-1)), 422,
        "a negative inquiry count", field="inquiries_6m")
problem(call("liu", "POST", A + f"/borrowers/{b1}/credit-reports", cr), 403, "another officer's customer")
problem(call("chen", "POST", A + "/credit-reports/import",
             {"credit_reports": [dict(cr, borrower_id=b1, report_date="2026-05-22"), dict(cr, borrower_id=b1, source="")]}),
        422, "one bad report in an import")
r = expect(call("chen", "POST", A + "/credit-reports/import",
                {"credit_reports": [dict(cr, borrower_id=b1, report_date="2026-05-21", inquiries_6m=4), dict(cr, borrower_id=b2)]}),
           200, "credit report import")
check(r.json.get("credit_reports") == 2, f"two reports imported: {r.json}")
problem(call("chen", "POST", A + "/credit-reports/import", {"reports": []}), 422, "an import without its list")
r = expect(call("chen", "GET", A + f"/borrowers/{b1}/credit-reports"), 200, "credit report list")
rows = r.json if isinstance(r.json, list) else r.json.get("rows", r.json.get("credit_reports", []))
check([x.get("report_date") for x in rows] == ["2026-05-21", "2026-05-20"],
      f"the good import's report and the added one, newest first, the refused import's none: {r.json}")
check(rows and rows[0].get("inquiries_6m") == 4, f"the imported report's facts: {rows[:1]}")
problem(call("liu", "GET", A + f"/borrowers/{b1}/credit-reports"), 403, "another officer's customer's reports")

# ---- a scorecard fit on the analyst's own columns, its workbook --------------------------------------
import random  # noqa: E402
rnd = random.Random(14)
lines = ["age,checking_status,duration_months,bad"]
for _ in range(1200):
    age = rnd.randint(20, 65)
    checking = rnd.choice(["A11", "A12", "A13", "A14"])
    duration = rnd.choice([6, 12, 24, 36, 48])
    risk = {"A11": 0.35, "A12": 0.25, "A13": 0.12, "A14": 0.06}[checking] + duration / 400 - (age - 20) / 600
    lines.append(f"{age},{checking},{duration},{1 if rnd.random() < risk else 0}")
csv_body = ("\n".join(lines) + "\n").encode()
problem(call("wang", "POST", A + "/rating/fit", raw=csv_body, headers={"Content-Type": "text/csv"}), 422,
        "a fit without its target", field="target")
# Fitting is the risk function's (docs/permissions.md): an officer is refused.
problem(call("chen", "POST", A + "/rating/fit?target=bad&kind=individual", raw=csv_body,
             headers={"Content-Type": "text/csv"}), 403, "an officer does not fit scorecards")
r = expect(call("wang", "POST", A + "/rating/fit?target=bad&kind=individual", raw=csv_body,
                headers={"Content-Type": "text/csv"}), 200, "rating fit")
fit = r.json
cols = {c["name"]: c for c in fit.get("columns", [])}
check(cols.get("checking_status", {}).get("source") == "bank variable" and cols["checking_status"].get("kept"),
      f"the bank's own column is a kept variable: {cols.get('checking_status')}")
check(fit.get("rows") == 1200 and "out" not in fit and "/" not in json.dumps(fit.get("version", "")),
      f"the fit answers rows, no server path: {[k for k in fit]}")
fitted = fit.get("fitted_policy", {})
check(any(f.get("name") == "checking_status" for f in fitted.get("features", [])),
      "the fitted policy declares the bank's variable")
r = expect(call("wang", "POST", A + "/policy/check", fitted), 200, "the fitted policy is checked")
check(r.json.get("ok") is True and r.json.get("version") == fit.get("version"),
      f"the fitted policy passes the check and is the one the report names: {r.json.get('problems')}")
in_force = expect(call("chen", "GET", A + "/policy"), 200, "the policy in force").json
check(in_force.get("policy", {}).get("version") == in_force.get("version") and len(in_force.get("sha256", "")) == 64,
      f"the policy in force with its digest: {list(in_force)}")
r = expect(call("wang", "POST", A + "/reports", {"kind": "fit", "fit_report": fit, "key_password": h.USERS["wang"][1]}),
           201, "fit workbook")
check(r.json.get("download", "").startswith(A + "/reports/fit-"), f"a fit workbook to download: {r.json}")
x = expect(call("wang", "GET", r.json["download"]), 200, "download the fit workbook")
check(x.body[:2] == b"PK", "the fit workbook is an xlsx")
problem(call("wang", "POST", A + "/reports", {"kind": "fit"}), 422, "a fit workbook without its report", field="fit_report")

# ---- accounts, policy, tools, audit, import ----------------------------------------------------------------
r = expect(call("admin", "GET", A + "/users"), 200, "user list")
check(len(r.json) == 6 and all("hash" not in json.dumps(u) for u in r.json), "six accounts, no hashes")
expect(call("admin", "GET", A + "/pki/ca-cert"), 200, "CA certificate")
expect(h.Client(port).get(A + "/roles"), 200, "permission table")
policy = json.load(open(os.path.join(h.SRC, "policy", "default.json")))
r = expect(call("admin", "POST", A + "/policy/check", policy), 200, "policy check")
check(r.json.get("ok") is True and "/" not in r.json.get("file", ""), f"policy ok, no path: {r.json.get('file')}")
r = expect(call("admin", "POST", A + "/policy", {"policy": policy}), 200, "policy load")
check("policy_sha256" in r.json, "a loaded policy has its digest")
problem(call("admin", "POST", A + "/policy", {"policy": {"version": "x"}}), 422, "a broken policy")
r = expect(h.Client(port).post(A + "/schedule", {"principal": "12000.00", "rate": "6.00", "term": 12, "method": "equal_principal", "start": "2026-01-31"}), 200, "schedule calculator")
check(len(r.json["installments"]) == 12, "twelve installments")
problem(h.Client(port).post(A + "/schedule", {"principal": "12000.00"}), 422, "a schedule without terms")
r = expect(call("sun", "GET", A + "/audit?limit=5"), 200, "audit list")
check(isinstance(r.json, list) and len(r.json) == 5, "five audit rows")
jsonl = open(os.path.join(h.SRC, "tests", "cli", "cases", "import-good.jsonl"), "rb").read()
r = call("chen", "POST", A + "/import", raw=jsonl, headers={"Content-Type": "application/jsonl"})
check(r.status in (200, 422), f"import answers: {r.status} {r.body[:200]!r}")
problem(call("chen", "POST", A + "/import", raw=b'{"borrower": 1}\n', headers={"Content-Type": "application/jsonl"}), 422, "a bad import line")
# accounts: add, reset, lock out, unlock, revoke
expect(call("admin", "POST", A + "/users", {"username": "qian", "full_name": "Qian Test", "role": "officer", "password": h.FIRST_PW, "key_password": h.CA_PW}), 201, "user add qian")
problem(call("admin", "POST", A + "/users", {"username": "qian", "full_name": "Qian", "role": "officer", "password": h.FIRST_PW, "key_password": h.CA_PW}), 409, "a name taken", field="username")
problem(call("admin", "POST", A + "/users", {"username": "zz", "full_name": "Z", "role": "boss", "password": h.FIRST_PW, "key_password": h.CA_PW}), 422, "a role that does not exist", field="role")
unknown = h.login(port, "nobody-here", "Whatever-2026")
wrong = h.login(port, "qian", "Whatever-2026")
check(unknown.status == wrong.status == 401 and unknown.json["detail"] == wrong.json["detail"], "an unknown name and a wrong password look alike")
for _ in range(4):
    h.login(port, "qian", "Whatever-2026")
locked = h.login(port, "qian", h.FIRST_PW)
check(locked.status == 401 and locked.json["detail"] == wrong.json["detail"], "five failures lock the account; the right password fails alike")
cli = subprocess.run([h.BIN, "--user", "qian", "whoami"], env=dict(os.environ, LOANDESK_DB=os.path.join(tmp, "loandesk.db"), LOANDESK_PASSWORD=h.FIRST_PW), capture_output=True, text=True)
check(cli.returncode == 3 and "locked" in cli.stderr, f"the CLI sees the same lock: {cli.returncode} {cli.stderr}")
expect(call("admin", "POST", A + "/users/qian/unlock"), 200, "unlock")
check(h.login(port, "qian", h.FIRST_PW).status == 201, "unlocked: the password works")
expect(call("admin", "POST", A + "/users/qian/password", {"new_password": "Second-pass-2026", "key_password": h.CA_PW}), 200, "admin reset")
expect(call("admin", "POST", A + "/users/qian/revoke"), 200, "revoke")
check(h.login(port, "qian", "Second-pass-2026").status == 401, "a revoked account cannot log in")

# ---- permission matrix, a sample per role (tests/test_permissions.c holds the whole) -------------
matrix = [
    ("chen", "GET", "/users", None, 403), ("chen", "POST", "/cob", {"date": "2026-05-25"}, 403),
    ("chen", "GET", "/ledger/verify?ca_fingerprint=" + h.CA_FP, None, 403), ("liu", "GET", f"/borrowers/{b1}", None, 403),
    ("liu", "POST", f"/loans/{loan_id}/repayments", {"amount": "1.00", "date": "2026-05-25"}, 403),
    ("chen", "GET", f"/borrowers/{b1}", None, 200),
    ("wang", "POST", "/borrowers", h.data("borrower-wang.json"), 403), ("wang", "POST", f"/applications/{apps[0]}/loan", {"date": "2026-05-25"}, 403),
    ("wang", "GET", f"/borrowers/{b1}", None, 200), ("wang", "GET", "/ledger/verify?ca_fingerprint=" + h.CA_FP, None, 200),
    ("zhao", "POST", "/users", {"username": "x1", "full_name": "X", "role": "officer", "password": h.FIRST_PW, "key_password": h.USERS["zhao"][1]}, 403),
    ("zhao", "GET", "/users", None, 200), ("zhao", "GET", f"/borrowers/{b3}", None, 200),
    ("sun", "POST", "/borrowers", h.data("borrower-wang.json"), 403), ("sun", "POST", f"/loans/{loan_id}/repayments", {"amount": "1.00", "date": "2026-05-25"}, 403),
    ("sun", "POST", f"/applications/{a4}/approve", {}, 403), ("sun", "GET", "/loans", None, 200), ("sun", "GET", "/audit", None, 200),
    ("admin", "GET", "/borrowers", None, 403), ("admin", "GET", f"/loans/{loan_id}", None, 403),
    ("admin", "POST", f"/applications/{a4}/approve", {}, 403), ("admin", "GET", "/audit", None, 200),
]
for who, method, path, body, status in matrix:
    r = call(who, method, A + path, body)
    check(r.status == status, f"permission {who} {method} {path}: {r.status}, expected {status}: {r.body[:160]!r}")

# ---- error classes ------------------------------------------------------------------------------------
problem(h.Client(port).get(A + "/applications"), 401, "no session")
problem(h.Client(port, token="f" * 64).get(A + "/applications"), 401, "an unknown token")
problem(h.Client(port, token="../../etc").get(A + "/applications"), 401, "a malformed token")
problem(call("chen", "GET", A + "/borrowers/999999"), 404, "no such borrower")
problem(call("chen", "GET", A + "/borrowers/abc"), 422, "a word as an id", field="borrower")
problem(call("chen", "GET", A + "/nothing-here"), 404, "no such route")
problem(call("chen", "PUT", A + "/borrowers"), 405, "a method the route does not take")
problem(call("chen", "POST", A + "/borrowers", raw=b"name=x", headers={"Content-Type": "application/x-www-form-urlencoded"}), 415, "a form body")
problem(call("chen", "POST", A + "/borrowers", raw=b'{"kind": ', headers={"Content-Type": "application/json"}), 422, "broken JSON", field="body")
problem(call("chen", "POST", A + "/borrowers", raw=b'{"a":1} {"b":2}', headers={"Content-Type": "application/json"}), 422, "two documents")
problem(call("chen", "POST", A + "/borrowers", dict(h.data("borrower-zhang.json"), id_number="123")), 422, "a bad identity number", field="id_number")
big = b'{"name": "' + b"x" * (2 << 20) + b'"}'
head = (f"POST {A}/borrowers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tok['chen']}\r\n"
        f"Content-Type: application/json\r\n").encode()
check(h.raw_exchange(port, head + f"Content-Length: {len(big)}\r\n\r\n".encode() + big) == 413, "a declared body over the cap: 413")
chunked = head + b"Transfer-Encoding: chunked\r\n\r\n" + b"".join(b"%x\r\n%s\r\n" % (len(big[i:i + 65536]), big[i:i + 65536]) for i in range(0, len(big), 65536)) + b"0\r\n\r\n"
check(h.raw_exchange(port, chunked) == 413, "a chunked body over the cap: 413")
check(h.raw_exchange(port, f"GET {A}/applications HTTP/1.1\r\nHost: x\r\nX-Filler: {'y' * 100000}\r\n\r\n".encode()) in (0, 413, 431), "a header over the cap is refused")
# Under the cap, headers as large as browsers and proxies send are served:
# 9 KiB of them, a line of 8 KiB among them (the longest nginx passes).
status = h.raw_exchange(port, (f"GET {A}/applications?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tok['chen']}\r\n"
                               f"Cookie: other={'c' * 8000}\r\nX-Filler: {'y' * 1000}\r\n\r\n").encode())
check(status == 200, f"9 KiB of headers are served (got {status})")
problem(call("chen", "GET", A + "/applications?limit=0"), 422, "limit 0", field="limit")

# ---- refusals in the client's language (Accept-Language), the field kept as a key ----------------------
r = call("wang", "POST", A + f"/applications/{apps[1]}/approve", {}, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
problem(r, 409, "approve a disbursed application, in Chinese")
check(r.json["detail"] == f"无法对申请 {apps[1]} 执行“批准”：当前状态为“已放款”", f"a Chinese detail: {r.json}")
check(r.json.get("detail_en") == f"cannot approve application {apps[1]}: it is disbursed", f"the English kept beside it: {r.json}")
check(r.json["title"] == "当前状态不允许此操作", f"a Chinese title: {r.json}")
r = call("chen", "POST", A + "/borrowers", dict(h.data("borrower-zhang.json"), id_number="123"), headers={"Accept-Language": "zh"})
problem(r, 422, "a bad identity number, in Chinese", field="id_number")
check(r.json["detail"].startswith("证件号码："), f"the field's Chinese name: {r.json}")
r = call("chen", "GET", A + "/applications?limit=0", headers={"Accept-Language": "en-GB,zh;q=0.5"})
check("detail_en" not in r.json and r.json["detail"].startswith("limit:"), f"English first: English: {r.json}")
r = call("chen", "GET", A + "/applications?returned=maybe")
problem(r, 422, "a returned flag that is neither", field="returned")
check(expect(call("chen", "GET", A + "/products"), 200, "the catalogue").json[0]["code"] != "", "products have codes")
r = expect(call("chen", "GET", A + f"/loans?borrower_id={b1}"), 200, "one borrower's loans")
check(all(row["borrower_id"] == b1 for row in r.json["rows"]), "only that borrower's loans")
problem(call("chen", "GET", A + "/loans?borrower_id=x"), 422, "a word as a borrower", field="borrower_id")

# ---- the browser: cookie, CSRF token, origin ------------------------------------------------------------
r = h.login(port, "chen", h.USERS["chen"][1], mode="cookie")
expect(r, 201, "cookie login")
cookie = r.header("Set-Cookie")
check(cookie.startswith("__Host-loandesk_session=") and all(a in cookie for a in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/")), f"cookie attributes: {cookie}")
check("token" not in r.json, "a cookie login does not put the token in the body")
ctoken = cookie.split(";")[0].split("=", 1)[1]
csrf = r.json["csrf_token"]
browser = h.Client(port, cookie=ctoken)
origin = f"http://127.0.0.1:{port}"
expect(call(browser, "GET", A + "/applications"), 200, "a cookie read")
b = dict(h.data("borrower-wang.json"), id_number=h.id_number(155))
problem(call(browser, "POST", A + "/borrowers", b, headers={"Origin": origin}), 403, "a cookie write without the CSRF token", field="csrf_token")
problem(call(browser, "POST", A + "/borrowers", b, headers={"X-CSRF-Token": csrf}), 403, "a cookie write without Origin", field="origin")
problem(call(browser, "POST", A + "/borrowers", b, headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"}), 403, "another origin", field="origin")
problem(call(browser, "POST", A + "/borrowers", b, headers={"X-CSRF-Token": csrf, "Origin": origin, "Sec-Fetch-Site": "cross-site"}), 403, "a cross-site fetch", field="origin")
problem(call(browser, "POST", A + "/borrowers", b, headers={"X-CSRF-Token": "0" * 64, "Origin": origin}), 403, "a wrong CSRF token", field="csrf_token")
expect(call(browser, "POST", A + "/borrowers", b, headers={"X-CSRF-Token": csrf, "Origin": origin, "Sec-Fetch-Site": "same-origin"}), 201, "a same-origin write with the token")
r = expect(call(browser, "GET", A + "/session"), 200, "whoami")
check(r.json["csrf_token"] == csrf and r.json["username"] == "chen", "whoami gives the CSRF token")
problem(h.Client(port).post(A + "/session", {"username": "chen", "password": "x"}, headers={"Origin": "http://evil.example"}), 403, "a login from another origin")
r2 = h.login(port, "chen", h.USERS["chen"][1], mode="cookie")
check(r2.header("Set-Cookie").split(";")[0] != cookie.split(";")[0], "a new token at every login")
expect(call(browser, "DELETE", A + "/session", headers={"X-CSRF-Token": csrf, "Origin": origin}), 200, "logout")
problem(call(browser, "GET", A + "/applications"), 401, "the logged-out cookie")

# ---- what holds for every answer ------------------------------------------------------------------------------
for method, path, r in seen:
    for name, value in (("Content-Security-Policy", "default-src 'none'"), ("X-Content-Type-Options", "nosniff"),
                        ("Referrer-Policy", None), ("Cross-Origin-Opener-Policy", None), ("X-Request-Id", None)):
        v = r.header(name)
        if v is None or (value and value not in v):
            check(False, f"{method} {path}: header {name} missing or wrong ({v})")
    check("frame-ancestors 'none'" in (r.header("Content-Security-Policy") or ""), f"{method} {path}: frame-ancestors")
    check(r.header("Strict-Transport-Security") is None, f"{method} {path}: no HSTS over plain HTTP")
    if r.status >= 400:
        text = r.body.decode("utf-8", "replace")
        for leak in (tmp, "/tmp", "SELECT", "sqlite", "INSERT", ".c:"):
            check(leak not in text, f"{method} {path}: the answer shows {leak!r}: {text[:200]}")
r = call("chen", "GET", A + "/applications", headers={"X-Forwarded-Proto": "https"})
check(r.header("Strict-Transport-Security") is None, "X-Forwarded-Proto is not believed without --trust-proxy")

# ---- OpenAPI: every route documented, every documented route answers --------------------------------------------
doc = expect(h.Client(port).get(A + "/openapi.json"), 200, "openapi").json
check(doc["openapi"].startswith("3.1"), "OpenAPI 3.1")
for path, item in doc["paths"].items():
    for method in item:
        concrete = path.replace("{id}", "1").replace("{username}", "chen").replace("{inspection}", "latest").replace("{name}", "rating-00000000000000000000000000000000.xlsx")
        r = C["zhao"].request(method.upper(), concrete, body=None)
        check(not (r.status in (404, 405) and (r.json or {}).get("detail", "").startswith(("path:", "method:"))), f"documented {method} {path} exists: {r.status}")

# ---- session expiry with the injected clock ----------------------------------------------------------------------
expect(call("sun", "GET", A + "/loans"), 200, "before the idle time-out")
srv.skew(29 * 60)
expect(call("sun", "GET", A + "/loans"), 200, "29 minutes idle: still on")
srv.skew(29 * 60 + 31 * 60)
problem(call("sun", "GET", A + "/loans"), 401, "31 minutes idle: ended")
fresh = h.login(port, "sun", h.USERS["sun"][1]).json["token"]
base = 29 * 60 + 31 * 60
minutes = 0
while minutes < 13 * 60:
    minutes += 25
    srv.skew(base + minutes * 60)
    if h.Client(port, token=fresh).get(A + "/session").status != 200:
        break
check(11 * 60 + 35 < minutes <= 12 * 60 + 25, f"used every 25 minutes, the session ends at its absolute limit: {minutes}")
problem(h.Client(port, token=fresh).get(A + "/session"), 401, "past 12 hours: ended")

# ---- the log and a clean stop ----------------------------------------------------------------------------------------
rc = srv.stop()
check(rc == 0, f"SIGTERM stops cleanly: {rc}")
lines = [json.loads(l) for l in srv.log_text().splitlines() if l.startswith("{")]
reqs = [l for l in lines if "route" in l]
check(len(reqs) >= len(seen), f"one log line per request: {len(reqs)} for {len(seen)}")
check(all({"time", "user", "method", "route", "status", "duration_us", "request_id"} <= set(l) for l in reqs), "log lines have every member")
log = srv.log_text()
for secret in [h.ADMIN_PW, h.FIRST_PW, "110105198503120215"] + [p for _, p in h.USERS.values()] + list(tok.values()) + [ctoken, fresh]:
    check(secret not in log, f"the log shows a secret: {secret[:6]}...")
check(any(l["route"] == "/api/v1/borrowers/{id}" for l in reqs), "the log names the route's pattern")
# ---- a second server on the book: connections per client, slow clients, SIGINT mid-request ---------
import signal  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
small = h.Server(os.path.join(tmp, "loandesk.db"), threads=2, extra=["--per-client", "3", "--timeout", "2"])
held = [socket.create_connection(("127.0.0.1", small.port)) for _ in range(3)]
extra = socket.create_connection(("127.0.0.1", small.port))
extra.settimeout(30)
try:
    extra.sendall(f"GET {A}/roles HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    refused = extra.recv(100) == b""
except (ConnectionResetError, BrokenPipeError):
    refused = True
check(refused, "a fourth connection from one client is closed without an answer")
for sck in held:
    sck.close()


def recv_until(sck, marker):
    """What sck sends until marker has arrived or the connection closes."""
    got = b""
    while marker not in got:
        chunk = sck.recv(65536)
        if not chunk:
            break
        got += chunk
    return got


def answered_connection(port):
    """A connection the server has answered once (retried while it still
    counts the closed ones), kept open for a next request."""
    for _ in range(200):
        sck = socket.create_connection(("127.0.0.1", port))
        sck.settimeout(120)
        try:
            sck.sendall(f"GET {A}/roles HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            head, _, rest = recv_until(sck, b"\r\n\r\n").partition(b"\r\n\r\n")
            if head.startswith(b"HTTP/1.1 200"):
                length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
                while len(rest) < length:
                    rest += sck.recv(65536)
                return sck
        except (ConnectionResetError, BrokenPipeError):
            pass
        sck.close()
        time.sleep(0.1)
    raise RuntimeError("the server never answered a new connection")


slow = answered_connection(small.port)
slow.sendall(b"GET /api/v1/roles HTTP/1.1\r\nHost: x\r\n")  # and never the end of the headers
try:
    closed = slow.recv(100) == b""
except ConnectionResetError:
    closed = True
check(closed, "a client that stops sending is disconnected (--timeout)")
slow.close()
# SIGINT while a login's body is still arriving: the login is answered, then the server exits 0
body = json.dumps({"username": "chen", "password": h.USERS["chen"][1], "mode": "bearer"}).encode()
inflight = answered_connection(small.port)
inflight.sendall(f"POST {A}/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
time.sleep(0.5)
small.proc.send_signal(signal.SIGINT)
time.sleep(0.2)
inflight.sendall(body[10:])
answer = recv_until(inflight, b"\r\n")
inflight.close()
check(answer.startswith(b"HTTP/1.1 201"), f"the request in flight at SIGINT is answered: {answer[:40]!r}")
check(small.proc.wait(timeout=120) == 0, "and the server then exits 0")
small.log.close()
shutil.rmtree(tmp, ignore_errors=True)
h.finish("test_http_api")
