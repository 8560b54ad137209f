#!/usr/bin/env bash
# Builds the dashboard's front end into web/dist (index.html, app.js, app.css),
# which `vigil` embeds when it is next compiled (docs/dashboard.md). Run by
# scripts/setup.sh, test.sh and demo.sh. Idempotent, and offline once
# node_modules is installed: `npm ci` runs only when node_modules is missing or
# older than package-lock.json.
set -euo pipefail
WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$WEB"
if ! command -v npm >/dev/null; then
  echo "web/build.sh: npm is missing (bash scripts/setup.sh installs it)" >&2
  exit 1
fi
# npm writes node_modules/.package-lock.json on every install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
