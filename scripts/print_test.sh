#!/usr/bin/env bash
# The print test: converts every workbook of the golden book (tests/golden/,
# which test_golden keeps equal to what the code writes) to PDF with
# Gnumeric's ssconvert and checks with pdfinfo that each prints within the
# page budget of its report. With --png DIR it also renders the pages as PNG
# (pdftoppm, 72 dpi) for reviewers. Prints each workbook's pages and budget.
set -euo pipefail
cd "$(dirname "$0")/.."

png_dir=""
[ "${1:-}" = "--png" ] && png_dir=${2:?--png DIR}

# Pages at most, per report: an inspection on three pages (the report, the
# repayment schedule, the signature); the ledger grows with its journal.
budget() {
    case $1 in
    inspection-*) echo 3 ;;
    investigation-*) echo 4 ;;
    rating-*) echo 5 ;;
    portfolio-*) echo 18 ;;
    ledger-*) echo 24 ;;
    *) echo 0 ;;
    esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
for f in tests/golden/*.xlsx; do
    name=$(basename "$f" .xlsx)
    # ssconvert wants a writable home for its settings.
    HOME="$work" timeout 300 ssconvert -T Gnumeric_pdf:pdf_assistant "$f" "$work/$name.pdf" \
        >/dev/null 2>&1 || { echo "$name: ssconvert failed"; failed=$((failed + 1)); continue; }
    pages=$(pdfinfo "$work/$name.pdf" | awk '/^Pages:/ {print $2}')
    max=$(budget "$name")
    if [ -n "$pages" ] && [ "$pages" -le "$max" ]; then
        echo "ok   $name: $pages pages (budget $max)"
        passed=$((passed + 1))
    else
        echo "FAIL $name: ${pages:-?} pages (budget $max)"
        failed=$((failed + 1))
    fi
    if [ -n "$png_dir" ]; then
        mkdir -p "$png_dir"
        pdftoppm -r 72 -png "$work/$name.pdf" "$png_dir/$name"
    fi
done
echo "print: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
