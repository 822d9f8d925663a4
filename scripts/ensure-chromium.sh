#!/usr/bin/env bash
# Install Debian's chromium for the browser tests (tests/browser) unless it is there already.
# Needs root or sudo; otherwise it says how to install it and the browser tests skip (with
# CI=true they fail instead). Playwright drives this browser: it never downloads one of its own.
set -euo pipefail

CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then
  SUDO="sudo -n"
else
  echo "Chromium is missing ($CHROMIUM) and this user cannot install packages." >&2
  echo "Install it with: sudo apt-get update && sudo apt-get install --no-install-recommends chromium" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi

echo "Installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk > /dev/null
"$CHROMIUM" --version
