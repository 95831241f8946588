#!/usr/bin/env bash
# System packages genreport's tests and PDF output use, from Debian: chromium,
# libopenblas0-pthread, poppler-utils and strace. Installs only what is missing
# (apt-get as root or through sudo), through the same installer as
# `genreport demo` (src/cli/system-packages.ts). Needs `npm ci` first.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx scripts/install-system-deps.ts
