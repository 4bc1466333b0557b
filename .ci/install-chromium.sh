#!/usr/bin/env bash
# Installs Debian's Chromium for the e2e suite when it is missing (idempotent, quiet).
# playwright-core drives it through executablePath; Playwright's own browser download cannot
# work here. Override the binary with DECENTDB_CHROMIUM.
set -euo pipefail

CHROMIUM="${DECENTDB_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: $CHROMIUM is missing and apt-get (as root) is not available" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "install-chromium: $CHROMIUM still missing after apt-get" >&2; exit 1; }
