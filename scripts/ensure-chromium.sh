#!/usr/bin/env bash
# Install Debian's chromium for the browser tests (tests/browser) unless it is there already.
# Without root or sudo it says how to install it and the browser tests skip (with CI=true they
# fail). Playwright drives this browser: it never downloads one of its own.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
"$(dirname "$0")/apt-install.sh" "the browser tests" chromium fonts-noto-cjk
if [ -x "$CHROMIUM" ]; then "$CHROMIUM" --version; fi
