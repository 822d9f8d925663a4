#!/usr/bin/env bash
# GNU gettext (msgfmt) compiles the translation catalogues; install Debian's package when missing.
set -euo pipefail
command -v msgfmt > /dev/null && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "Installing gettext"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext > /dev/null
elif command -v sudo > /dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext > /dev/null
else
  echo "error: msgfmt is missing; install GNU gettext (Debian: apt-get install gettext)" >&2
  exit 1
fi
