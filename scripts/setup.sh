#!/usr/bin/env bash
# Installs what loandesk needs to build (Debian packages) when it is missing,
# then configures and builds into build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libsqlite3-dev libssl-dev libxlsxwriter-dev
          libcjson-dev openssl sqlite3 clang-format unzip python3
          clang libclang-rt-dev # clang and its libFuzzer and sanitizer runtimes: tests/fuzz
          libmicrohttpd-dev zlib1g-dev curl nginx wrk # loandesk serve (zlib: gzip of the web UI); its tests (nginx, curl) and bench (wrk)
          gnumeric poppler-utils fonts-crosextra-carlito # the print test: ssconvert, pdfinfo
          libreoffice-calc-nogui # the print test: LibreOffice renders every workbook too
          nodejs chromium fonts-noto-cjk) # the web UI's browser tests and bench (tests/web, bench/web_bench.mjs)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Debian's nodejs comes without npm; other builds of nodejs carry their own.
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

# playwright-core and axe-core at the versions pinned in tests/web/package-lock.json;
# playwright-core drives Debian's chromium (no browser is downloaded).
if [ ! -d tests/web/node_modules/playwright-core ] || [ tests/web/package-lock.json -nt tests/web/node_modules ]; then
    (cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
