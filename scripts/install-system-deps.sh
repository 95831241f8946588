#!/usr/bin/env bash
# System packages genreport's tests and PDF output use, from Debian:
# chromium (prints the PDF), libopenblas0-pthread (fast float64 linear algebra
# for the metrics, loaded through koffi), poppler-utils (pdftotext/pdftoppm,
# used by tests) and strace (the test that proves printing opens no outside connection).
# Installs only what is missing; needs root (or sudo) for apt-get.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v strace >/dev/null 2>&1 || need+=(strace)
ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so\.0' || need+=(libopenblas0-pthread)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "missing ${need[*]}: install them with apt-get as root (the PDF tests are skipped without them)" >&2
    exit 0
  fi
fi
echo "installing ${need[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
  $sudo apt-get update >/dev/null
  $sudo apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
}
