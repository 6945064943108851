#!/bin/sh
# The e2e tests drive Debian's Chromium (Playwright downloads no browser here).
# Installs it with apt when it is missing and we are root; otherwise says what to do.
set -eu
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$CHROMIUM" = /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium
  exit 0
fi
echo "ensure-chromium: $CHROMIUM is missing." >&2
echo "  Install it (Debian/Ubuntu: sudo apt-get install -y chromium)," >&2
echo "  or point CHROMIUM_PATH at a Chromium/Chrome executable." >&2
exit 1
