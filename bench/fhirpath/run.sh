#!/usr/bin/env bash
# FHIRPath speed: Vigil against the HL7 reference implementation (npm fhirpath).
#
# 1. ref_bench.js times fhirpath.js and writes workload.json: the (expression, input)
#    pairs it evaluates without error;
# 2. fhirpath_bench times Vigil on exactly those pairs;
# 3. prints ns/evaluation for both and the ratio (JS ÷ Vigil) per workload.
# Parsing of expressions and of input JSON is excluded on both sides.
#
# Both engines run TRIALS times (default 3), alternating, and the table reports the
# best (lowest) and median ns/evaluation of each: the machine's noise hits both.
#
# Usage: bench/fhirpath/run.sh [--min-time-ms N] [--trials N]   (from any directory)
# Env:   VIGIL_BUILD_DIR (default build-release: a Release build with link-time
#        optimisation, as Vigil is built for deployment), VIGIL_SHARED_DIR (default ../shared)
# Results: bench/fhirpath/out/{ref,vigil}.json
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${VIGIL_BUILD_DIR:-build-release}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
SHARED="${VIGIL_SHARED_DIR:-$ROOT/../shared}"
OUT="$HERE/out"
MIN_TIME_MS=2000
TRIALS=3
while (($#)); do
  case "$1" in
    --min-time-ms) MIN_TIME_MS="$2"; shift 2 ;;
    --trials) TRIALS="$2"; shift 2 ;;
    *) echo "usage: $0 [--min-time-ms N] [--trials N]" >&2; exit 2 ;;
  esac
done

[[ -d "$SHARED/conformance/fhirpath-r4" ]] || { echo "run.sh: $SHARED not found" >&2; exit 1; }
mkdir -p "$OUT"

if [[ ! -d "$HERE/node_modules/fhirpath" ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON -DVIGIL_BUILD_TESTS=OFF
fi
if grep -q '^VIGIL_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  echo "run.sh: warning: $BUILD is a sanitizer build; Vigil's figures will be slow" >&2
fi
cmake --build "$BUILD" --target fhirpath_bench -j"$(nproc)"

BENCH="$BUILD/bench/fhirpath_bench"
[[ -x "$BENCH" ]] || BENCH="$BUILD/fhirpath_bench"
rm -f "$OUT"/ref.*.json "$OUT"/vigil.*.json
for ((t = 1; t <= TRIALS; t++)); do
  echo "== trial $t/$TRIALS: fhirpath.js (reference) =="
  node "$HERE/ref_bench.js" --shared "$SHARED" --workload "$HERE/workload.json" \
    --min-time-ms "$MIN_TIME_MS" > "$OUT/ref.$t.json"
  echo "== trial $t/$TRIALS: Vigil =="
  "$BENCH" --workload "$HERE/workload.json" --min-time-ms "$MIN_TIME_MS" > "$OUT/vigil.$t.json"
done

node - "$OUT" "$TRIALS" <<'JS'
const fs = require('fs');
const [dir, trials] = process.argv.slice(2);
const load = e => Array.from({length: Number(trials)}, (_, i) =>
    JSON.parse(fs.readFileSync(`${dir}/${e}.${i + 1}.json`, 'utf8')));
const refs = load('ref'), vigils = load('vigil');
const ref = refs[0], vigil = vigils[0];
// Best and median ns/eval of one workload over all trials.
const stats = (runs, name) => {
  const xs = runs.map(r => r.workloads.find(w => w.name === name)).filter(Boolean)
                 .map(w => w.ns_per_eval).sort((a, b) => a - b);
  return {best: xs[0], median: xs[Math.floor(xs.length / 2)]};
};
console.log(`\n${ref.engine} (${ref.runtime}) vs ${vigil.engine}; ${ref.machine}; ` +
            `${trials} trials, best (median) ns/eval`);
const pad = (s, n) => String(s).padStart(n);
console.log(`${'workload'.padEnd(20)}${pad('pairs', 8)}${pad('js ns/eval', 18)}` +
            `${pad('vigil ns/eval', 18)}${pad('ratio', 9)}`);
let mismatch = false;
for (const r of ref.workloads) {
  const v = vigil.workloads.find(w => w.name === r.name);
  if (!v) { console.log(`${r.name}: missing from Vigil's results`); mismatch = true; continue; }
  const js = stats(refs, r.name), vg = stats(vigils, r.name);
  const ratio = vg.best > 0 ? js.best / vg.best : NaN;
  const cell = s => `${s.best.toFixed(0)} (${s.median.toFixed(0)})`;
  console.log(`${r.name.padEnd(20)}${pad(r.pairs, 8)}${pad(cell(js), 18)}` +
              `${pad(cell(vg), 18)}${pad(ratio.toFixed(1) + 'x', 9)}`);
  if (v.pairs !== r.pairs) {
    console.log(`  note: Vigil skipped ${v.skipped} of ${r.pairs} pairs (compile/evaluation ` +
                `errors; see fhirpath_bench --verbose): the ratio is not over identical work`);
    mismatch = true;
  }
}
if (mismatch) console.log('(workloads differ between the engines: see the notes above)');
JS
