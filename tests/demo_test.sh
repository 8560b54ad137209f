#!/usr/bin/env bash
# Runs the README's run command (scripts/demo.sh) against a fresh data folder on
# a free port, without package installs, and checks that every request succeeds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$1"
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
VIGIL_DATA="$DATA" VIGIL_PORT=0 VIGIL_SKIP_SETUP=1 VIGIL_DEMO_EXIT=1 VIGIL_BUILD_DIR="$BUILD" \
  bash "$ROOT/scripts/demo.sh"
