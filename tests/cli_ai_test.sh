#!/usr/bin/env bash
# The clinical AI loop from the command line: `vigil synth` two sites, `vigil
# train` with a cross-site evaluation, `vigil evaluate` on PSV files, `vigil
# score` with explanations, and the errors users hit (bad config, reused
# artifact folder, tampered model).
set -euo pipefail
VIGIL="$1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$VIGIL" synth --patients 800 --seed 3 --site community --out "$T/c" 2>/dev/null
"$VIGIL" synth --patients 300 --seed 4 --site academic --out "$T/a" --psv 2>/dev/null

cat >"$T/train.json" <<JSON
{"name": "sepsis-test",
 "input": ["c"], "labels": "c/truth.json",
 "features": "$ROOT/docs/examples/features-sepsis.json",
 "xgboost": {"num_rounds": 80, "early_stopping_rounds": 20},
 "evaluation": {"bootstrap_resamples": 20},
 "cross_site": [{"name": "academic", "input": ["a"], "labels": "a/truth.json"}]}
JSON
"$VIGIL" train --config "$T/train.json" --out "$T/model" >"$T/train.out" 2>"$T/train.err" ||
  { cat "$T/train.err"; fail "vigil train"; }
grep -q "round 1:" "$T/train.err" || fail "train shows no progress"
for f in artifact.json model.json features.json report.json report.html model_card.md; do
  [[ -s "$T/model/$f" ]] || fail "artifact lacks $f"
done

python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
r = json.load(open(f"{t}/model/report.json"))
keys = ["auroc", "auprc", "utility", "alert_rate", "ppv", "sensitivity", "median_lead_time_hours"]
for who, o in [("model", r), ("news2", r["news2"]), ("qsofa", r["qsofa"])]:
    missing = [k for k in keys if k not in o]
    assert not missing, (who, missing)
assert 0.5 < r["auroc"] <= 1, r["auroc"]
assert r["auroc_ci95"][0] <= r["auroc"] <= r["auroc_ci95"][1], r["auroc_ci95"]
assert r["explanations"]["max_abs_error_log_odds"] < 1e-3, r["explanations"]
assert "academic" in r["cross_site"] and "news2" in r["cross_site"]["academic"]
a = json.load(open(f"{t}/model/artifact.json"))
assert a["format"] == "vigil-model/1" and a["model"]["sha256"].startswith("sha256:")
assert a["training_data"]["fingerprint"].startswith("sha256:")
assert len(a["features"]["names"]) == r["training"]["features"]
assert 0 < a["threshold"] < 1
PY

# Artifacts are immutable: training into a used folder is refused.
if "$VIGIL" train --config "$T/train.json" --out "$T/model" 2>"$T/err"; then fail "reused folder accepted"; fi
grep -q "not empty" "$T/err" || fail "reused folder: no clear message"

# A bad feature spec is a clear error with exit 2.
sed 's/"features": ".*"/"features": {"format": "vigil-features\/1", "signals": {"pulse": ["last"]}}/' \
  "$T/train.json" >"$T/bad.json"
set +e
"$VIGIL" train --config "$T/bad.json" --out "$T/bad" 2>"$T/err"; rc=$?
set -e
[[ $rc == 2 ]] || fail "bad config exit $rc"
grep -q 'unknown signal "pulse"' "$T/err" || fail "bad config message: $(cat "$T/err")"

# Evaluate on the other site's PSV files (labels from SepsisLabel).
"$VIGIL" evaluate --model "$T/model" --psv "$T/a/psv" --bootstrap 10 >"$T/eval.json" 2>/dev/null
python3 -c "
import json,sys; r=json.load(open('$T/eval.json'))
assert r['stays'] == 300 and r['septic_stays'] > 0, r['stays']
assert 'news2' in r and 'qsofa' in r
"

# Score one stay: the explanation sums to the log-odds, the probability is its logistic.
ENC="$(python3 -c "import json; print(json.load(open('$T/a/truth.json'))['stays'][0]['encounter'])")"
"$VIGIL" score --input "$T/a" --model "$T/model" --encounter "$ENC" --top 1000 >"$T/score.json" 2>/dev/null
python3 -c "
import json, math
lines = open('$T/score.json').read().splitlines()
assert len(lines) == 1, lines
s = json.loads(lines[0])
assert s['encounter'] == '$ENC'
for k in ['news2', 'qsofa', 'sirs', 'mews']:
    assert s[k]['total'] == sum(c['points'] for c in s[k]['components']), k
m = s['model']
total = m['base_value'] + sum(c['contribution'] for c in m['contributions'])
assert abs(total - m['log_odds']) < 1e-3, (total, m['log_odds'])
assert abs(1 / (1 + math.exp(-m['log_odds'])) - m['probability']) < 1e-4
assert m['alert'] == (m['probability'] >= m['threshold'])
"

# The store path builds the same stays as the files: scores from an imported data
# folder equal the scores from the NDJSON it was imported from.
"$VIGIL" synth --patients 40 --seed 5 --site academic --out "$T/small" 2>/dev/null
"$VIGIL" import --data "$T/store" "$T/small"/*.ndjson >/dev/null 2>&1 || fail "import"
"$VIGIL" score --input "$T/small" --model "$T/model" >"$T/from_files.ndjson" 2>/dev/null
"$VIGIL" score --data "$T/store" --model "$T/model" >"$T/from_store.ndjson" 2>/dev/null
[[ $(wc -l <"$T/from_files.ndjson") == 40 ]] || fail "expected 40 scored stays"
cmp -s "$T/from_files.ndjson" "$T/from_store.ndjson" || fail "store and files score differently"

# A model file that does not match its manifest is refused.
echo ' ' >>"$T/model/model.json"
set +e
"$VIGIL" score --input "$T/a" --model "$T/model" >/dev/null 2>"$T/err"; rc=$?
set -e
[[ $rc == 2 ]] || fail "tampered model exit $rc"
grep -q "SHA-256" "$T/err" || fail "tampered model message: $(cat "$T/err")"
echo "cli_ai: all checks passed"
