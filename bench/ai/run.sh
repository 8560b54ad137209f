#!/usr/bin/env bash
# Clinical AI benchmark and goal check (issue: synthetic hospital + trained
# deterioration models): generates 10,000 community stays and 4,000 academic
# stays with `vigil synth`, trains docs/examples/train-sepsis.json on them
# (cross-site evaluation on the academic site included) and prints the times and
# the report's headline figures for the model, NEWS2 and qSOFA.
#
# Usage: bench/ai/run.sh [BUILD_DIR]     (outputs in bench/ai/out/, ~3 GB)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${1:-${VIGIL_BUILD_DIR:-build}}"
cd "$ROOT"
bash scripts/configure.sh "$BUILD" >/dev/null
cmake --build "$BUILD" --target vigil -j"$(nproc)" >/dev/null
VIGIL="$ROOT/$BUILD/vigil"
OUT="$ROOT/bench/ai/out"
rm -rf "$OUT" && mkdir -p "$OUT"
# The example config reads demo-data/ beside the repository root; point it here.
sed -e "s#\\.\\./\\.\\./demo-data#$OUT/data#g" -e "s#\"features-sepsis.json\"#\"$ROOT/docs/examples/features-sepsis.json\"#" \
  docs/examples/train-sepsis.json >"$OUT/train.json"

seconds() { local s=$SECONDS; "$@"; echo $((SECONDS - s)); }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
t=$(seconds "$VIGIL" synth --patients 10000 --seed 1 --site community --out "$OUT/data/community" 2>/dev/null)
echo "synth 10,000 community stays: ${t} s, $(du -sh "$OUT/data/community" | cut -f1)"
t=$(seconds "$VIGIL" synth --patients 4000 --seed 2 --site academic --out "$OUT/data/academic" 2>/dev/null)
echo "synth 4,000 academic stays: ${t} s"
/usr/bin/time -f "train: %e s wall, %U s user, %M KB max RSS" \
  "$VIGIL" train --config "$OUT/train.json" --out "$OUT/model" 2>&1 | grep -v "read \|round "
python3 - "$OUT/model/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
keys = ["auroc", "auprc", "utility", "alert_rate", "ppv", "sensitivity", "median_lead_time_hours"]
def row(name, o):
    print(f"{name:22}" + "".join(f"{o.get(k) if o.get(k) is not None else 'n/a':>12.4}" if isinstance(o.get(k), float) else f"{str(o.get(k)):>12}" for k in keys))
print(f"{'':22}" + "".join(f"{k[:11]:>12}" for k in keys))
row("model (community test)", r); row("NEWS2", r["news2"]); row("qSOFA", r["qsofa"])
for site, s in r.get("cross_site", {}).items():
    row(f"model ({site})", s); row(f"NEWS2 ({site})", s["news2"]); row(f"qSOFA ({site})", s["qsofa"])
print("AUROC 95% CI model", r["auroc_ci95"], "NEWS2", r["news2"]["auroc_ci95"])
print("TreeSHAP max |sum - log-odds|:", r["explanations"]["max_abs_error_log_odds"])
print("training:", r["training"])
PY
