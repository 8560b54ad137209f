#!/usr/bin/env bash
# Runs the dashboard's browser test (dashboard_test.mjs): Debian's Chromium
# driven by playwright-core from web/node_modules (which never downloads a
# browser). Screenshots go to OUT.
# Usage: run_dashboard_test.sh PATH/TO/vigil OUT_DIR
# Exit 77 (skipped) only when /usr/bin/chromium is missing (scripts/setup.sh installs it).
set -euo pipefail
VIGIL="$1"
OUT="$2"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WEB="$HERE/../../web"
CHROMIUM="${VIGIL_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "SKIP: $CHROMIUM is missing (apt-get install chromium, or bash scripts/setup.sh)"
  exit 77
fi
if [[ ! -d "$WEB/node_modules/playwright-core" ]]; then
  (cd "$WEB" && npm ci --no-audit --no-fund --silent)
fi
mkdir -p "$OUT"
exec node "$HERE/dashboard_test.mjs" "$VIGIL" "$OUT" "$CHROMIUM"
