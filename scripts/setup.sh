#!/usr/bin/env bash
# Installs what loandesk needs to build (Debian packages) when it is missing,
# then configures and builds into build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libsqlite3-dev libssl-dev libxlsxwriter-dev
          libcjson-dev openssl sqlite3 clang-format unzip python3
          clang libclang-rt-dev # clang and its libFuzzer and sanitizer runtimes: tests/fuzz
          libmicrohttpd-dev curl nginx wrk # loandesk serve; its tests (nginx, curl) and bench (wrk)
          gnumeric poppler-utils fonts-crosextra-carlito) # the print test: ssconvert, pdfinfo
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
