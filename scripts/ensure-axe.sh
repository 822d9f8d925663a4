#!/usr/bin/env bash
# Install axe-core (the accessibility rules the browser tests run) into var/node, git-ignored,
# unless it is there already. The browser tests inject var/node/node_modules/axe-core/axe.min.js.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE=var/node/node_modules/axe-core/axe.min.js
if [ -f "$AXE" ]; then
  exit 0
fi
if ! command -v npm > /dev/null 2>&1; then
  echo "npm is missing, so axe-core cannot be installed: the accessibility tests skip (fail in CI)." >&2
  echo "Install Node.js and npm (e.g. apt-get install --no-install-recommends npm), then run $0." >&2
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
echo "Installing axe-core into var/node"
mkdir -p var/node
npm install --prefix var/node --no-audit --no-fund --silent axe-core@4
test -f "$AXE"
