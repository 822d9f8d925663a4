#!/usr/bin/env bash
# GNU gettext (msgfmt) compiles the translation catalogues; install Debian's package when missing.
# The catalogues cannot be built without it, so a user who cannot install packages gets an error.
set -euo pipefail
command -v msgfmt > /dev/null 2>&1 && exit 0
REQUIRED=1 "$(dirname "$0")/apt-install.sh" "the translation catalogues" gettext
