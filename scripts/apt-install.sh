#!/usr/bin/env bash
# Install Debian packages that a command of the project needs, as root or with sudo. Otherwise it
# says how to install them and exits 0, so that what needs them skips, or 1 when REQUIRED=1 or
# CI=true, so that it fails instead.
# Usage: scripts/apt-install.sh "what they are for" PACKAGE...
set -euo pipefail

PURPOSE=$1
shift

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then
  SUDO="sudo -n"
else
  echo "$* missing ($PURPOSE), and this user cannot install packages." >&2
  echo "Install with: sudo apt-get update && sudo apt-get install --no-install-recommends $*" >&2
  if [ "${REQUIRED:-}" = "1" ] || [ "${CI:-}" = "true" ]; then exit 1; fi
  exit 0
fi

echo "Installing Debian's $* for $PURPOSE"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@" > /dev/null
