#!/usr/bin/env bash
# Regenerates the golden workbooks (tests/golden/*.xlsx) from the fixed book
# of tests/test_golden.c, deliberately: run it when a change to a workbook is
# meant, and commit the new copies with it. Then checks their page budgets
# and renders chosen pages as PNG under docs/print/ for reviewers.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
cmake --build build --target test_golden >/dev/null
LOANDESK_GOLDEN_UPDATE=1 build/test_golden
chmod 644 tests/golden/*.xlsx
pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
scripts/print_test.sh --png "$pages"
# The pages reviewers look at first: each report's first page in Chinese, an
# English one, and a portfolio table with its chart.
mkdir -p docs/print
rm -f docs/print/*.png
for page in inspection-loan-2-1 inspection-loan-2-2 investigation-app-2-1 rating-app-2-en-1 \
            ledger-2026-11-25-02 portfolio-2026-11-25-02 portfolio-2026-11-25-03; do
    cp "$pages/$page.png" docs/print/
done
ls -l docs/print
