#!/usr/bin/env bash
# The print test: converts every workbook of the golden book (tests/golden/,
# which test_golden keeps equal to what the code writes) to PDF with
# Gnumeric's ssconvert and with LibreOffice Calc, and checks with pdfinfo that
# each prints within the page budget of its report, and with pdftotext that
# no cell prints as "###" (a number too wide for its column).
#
#   scripts/print_test.sh [--png DIR] [--demo]
#
# --png DIR also renders the pages as PNG (pdftoppm, 72 dpi) for reviewers,
# from LibreOffice's PDF as NAME-lo-N.png and Gnumeric's as NAME-N.png.
# --demo also checks the demo book's workbooks (demo/*.xlsx), running
# scripts/demo.sh --no-serve first when they are missing or older than the
# loandesk binary: a real portfolio of several hundred loans.
#
# Budgets: the fixed-form reports have fixed ones (an inspection on three
# pages: the report, the repayment schedule, the signature). The ledger and
# the portfolio grow with the book: their budget is computed from the rows
# each data sheet holds, as the signature sheet lists them: per sheet one
# page plus a page per rows_per_page rows, plus one page per chart and the
# signature sheet. The demo's November ledger (666 loans, 5,259 journal
# lines) gets 94 pages and prints on 66 (Gnumeric) to 72 (LibreOffice).
set -euo pipefail
cd "$(dirname "$0")/.."

png_dir="" demo=false
while [ $# -gt 0 ]; do
    case $1 in
    --png) png_dir=${2:?--png DIR}; shift 2 ;;
    --demo) demo=true; shift ;;
    *) echo "usage: scripts/print_test.sh [--png DIR] [--demo]" >&2; exit 1 ;;
    esac
done

# Rows one printed page holds, with room for either program's layout (both
# print about 62 loans on an A3 landscape page of the dense ledger, and 78
# journal lines on an A3 portrait one): "SHEET=ROWS ... DEFAULT".
rows_per_page() {
    case $1 in
    ledger-*) echo "会计分录=70 Journal=70 55" ;;
    portfolio-*) echo "30" ;;
    *) echo "" ;;
    esac
}

fixed_budget() {
    case $1 in
    inspection-*) echo 3 ;;
    investigation-*) echo 4 ;;
    rating-*) echo 5 ;;
    *) echo 0 ;;
    esac
}

# The budget of a growing workbook from its own signature sheet.
grown_budget() {
    python3 - "$1" "$2" <<'EOF'
import sys
sys.path.insert(0, "scripts")
import sheet_hashes

path, spec = sys.argv[1], sys.argv[2].split()
default = int(spec[-1])
per_sheet = {k: int(v) for k, v in (x.split("=") for x in spec[:-1])}
sheets = sheet_hashes.workbook(path)
rows = {}
for name, _, cells in sheets:
    if name in ("签名", "Signature"):
        col = {}
        for ref, _, v in cells:
            letters = ref.rstrip("0123456789")
            col.setdefault(ref[len(letters):], {})[letters] = v
        names = {n for n, _, _ in sheets}
        for r in col.values():
            if r.get("A") in names and "C" in r:
                rows[r["A"]] = int(float(r["C"]))
pages = 1  # the signature sheet
for name, _, cells in sheets:
    if name in rows:
        per_page = per_sheet.get(name, default)
        pages += 1 + (rows[name] + per_page - 1) // per_page
    elif not cells:
        pages += 1  # a chart on its page
print(pages)
EOF
}

if $demo; then
    if ! ls demo/ledger-*.xlsx >/dev/null 2>&1 || [ build/loandesk -nt demo/loandesk.db ]; then
        echo "print: building the demo book (scripts/demo.sh --no-serve)"
        scripts/demo.sh --no-serve >/dev/null
    fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
books=(tests/golden/*.xlsx)
$demo && books+=(demo/*.xlsx)
passed=0 failed=0

check() { # NAME PROGRAM PDF BUDGET
    local pages
    pages=$(pdfinfo "$3" 2>/dev/null | awk '/^Pages:/ {print $2}')
    if [ -z "$pages" ] || [ "$pages" -gt "$4" ]; then
        echo "FAIL $1 ($2): ${pages:-?} pages (budget $4)"
        failed=$((failed + 1))
    elif pdftotext "$3" - 2>/dev/null | grep -q '###'; then
        echo "FAIL $1 ($2): a cell prints as ### (its column is too narrow)"
        failed=$((failed + 1))
    else
        echo "ok   $1 ($2): $pages pages (budget $4)"
        passed=$((passed + 1))
    fi
}

# LibreOffice converts each folder's list in one start (it is slow to
# start), into a folder of its own (the demo and the golden book share names).
lo_dir="$work/lo"
for src in $(printf '%s\n' "${books[@]}" | xargs -n1 dirname | sort -u); do
    mkdir -p "$lo_dir/$src"
    HOME="$work" timeout 900 soffice --headless --norestore --convert-to pdf \
        --outdir "$lo_dir/$src" "$src"/*.xlsx >/dev/null 2>&1 || echo "print: LibreOffice stopped early"
done

for f in "${books[@]}"; do
    name=$(basename "$f" .xlsx)
    label=$name
    case $f in demo/*) label="demo/$name" ;; esac
    per=$(rows_per_page "$name")
    if [ -n "$per" ]; then max=$(grown_budget "$f" "$per"); else max=$(fixed_budget "$name"); fi
    # ssconvert wants a writable home for its settings.
    if HOME="$work" timeout 600 ssconvert -T Gnumeric_pdf:pdf_assistant "$f" "$work/$name.pdf" \
        >/dev/null 2>&1; then
        check "$label" gnumeric "$work/$name.pdf" "$max"
    else
        echo "FAIL $label (gnumeric): ssconvert failed"
        failed=$((failed + 1))
    fi
    lo_pdf="$lo_dir/$(dirname "$f")/$name.pdf"
    if [ -f "$lo_pdf" ]; then
        check "$label" libreoffice "$lo_pdf" "$max"
    else
        echo "FAIL $label (libreoffice): no PDF"
        failed=$((failed + 1))
    fi
    if [ -n "$png_dir" ]; then
        mkdir -p "$png_dir"
        pdftoppm -r 72 -png "$work/$name.pdf" "$png_dir/$name"
        [ -f "$lo_pdf" ] && pdftoppm -r 72 -png "$lo_pdf" "$png_dir/$name-lo"
    fi
    rm -f "$work/$name.pdf" "$lo_pdf"
done
echo "print: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
