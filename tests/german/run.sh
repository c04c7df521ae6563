#!/usr/bin/env bash
# run.sh - a scorecard fitted on a real credit data set ranks its test part at
# least as well as an unpenalised logistic regression with one-hot categories.
#
#   tests/german/run.sh LOANDESK_BIN SOURCE_DIR
#
# The Statlog German Credit data (tests/data/german, 20 columns under their own
# names, 13 of them categorical codes) is split 70/30 by row number
# (reference_lr.py, which also fits the reference and prints its test AUC);
# `rating fit` fits a scorecard on the training part with its default method,
# and the fitted policy must pass `policy check`, name the data's columns as
# the bank's own variables, and rank the test part (`rating validate`) with an
# AUC no lower than the reference's. Both AUCs are printed.
set -euo pipefail
BIN=$1
SRC=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/loandesk-german.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Fitting is a permission (docs/permissions.md): a new book's admin fits.
unset LOANDESK_USER LOANDESK_PASSWORD LOANDESK_SESSION LOANDESK_CA_PASSPHRASE_FILE
export LOANDESK_DB=$WORK/book.db LOANDESK_CA_PASSPHRASE=German-CA-custodians-2026
LOANDESK_PASSWORD=Admin-pass-2026 "$BIN" init --admin admin >/dev/null </dev/null

reference=$(python3 "$SRC/tests/german/reference_lr.py" "$SRC/tests/data/german/german.csv" bad \
    "$WORK/train.csv" "$WORK/test.csv")
LOANDESK_USER=admin LOANDESK_PASSWORD=Admin-pass-2026 "$BIN" rating fit --data "$WORK/train.csv" --target bad --out "$WORK/fitted.json" \
    --json >"$WORK/fit.json"
"$BIN" policy check "$WORK/fitted.json" >/dev/null
"$BIN" rating validate --data "$WORK/test.csv" --target bad --policy "$WORK/fitted.json" \
    --json >"$WORK/validate.json"
python3 - "$WORK" "$reference" <<'PY'
import json, sys
work, reference = sys.argv[1], float(sys.argv[2])
fitted = json.load(open(work + "/fitted.json"))
fit = json.load(open(work + "/fit.json"))
validate = json.load(open(work + "/validate.json"))
declared = {f["name"]: f["type"] for f in fitted.get("features", [])}
used = [f["feature"] for f in fitted["scorecards"]["individual"]["factors"]]
failures = []
for name, kind in (("checking_status", "categorical"), ("duration_months", "numeric"),
                   ("credit_history", "categorical"), ("purpose", "categorical")):
    if declared.get(name) != kind:
        failures.append("%s is not declared as a %s variable: %r" % (name, kind, declared.get(name)))
    if name not in used:
        failures.append("%s is not a factor of the fitted scorecard" % name)
if validate["unmatched_features"] != 0:
    failures.append("the test part lacks columns the scorecard uses: %s" % validate.get("unmatched"))
if validate["rows"] != 300 or validate["bads"] != 91:
    failures.append("test part: %s rows, %s bad (300 and 91 expected)" % (validate["rows"], validate["bads"]))
for column in fit["columns"]:
    if not column["kept"] and "note" not in column:
        failures.append("%s was left out without a reason" % column["name"])
auc = validate["auc"]
print("German credit, 700 training rows / 300 test rows: scorecard test AUC %.4f, "
      "logistic regression (one-hot, unpenalised) test AUC %.4f" % (auc, reference))
if auc < reference:
    failures.append("scorecard AUC %.4f is below the reference %.4f" % (auc, reference))
for f in failures:
    print("FAIL: " + f)
sys.exit(1 if failures else 0)
PY
