#!/usr/bin/env python3
"""Real-time scoring end to end: a model is trained on the synthetic hospital,
`vigil serve --model DIR` starts, a patient with an in-progress Encounter gets
vital signs over the REST API, and every Observation must produce two
RiskAssessments (NEWS2 and the model) readable with a FHIR search: NEWS2 with the
published chart's points, the model with a calibrated probability and an
explanation that sums to its log-odds (docs/risk-assessment.md). Observations of a
finished Encounter or with an unknown code trigger nothing.

Usage: serve_scoring_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

VIGIL = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPLANATION = "https://vigil.dev/fhir/StructureDefinition/risk-explanation"


def run(*args):
    r = subprocess.run([VIGIL, *args], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, (args, r.stderr[-2000:])
    return r


def train(folder):
    run("synth", "--patients", "600", "--seed", "11", "--out", os.path.join(folder, "synth"))
    config = {"name": "sepsis-e2e", "input": ["synth"], "labels": "synth/truth.json",
              "features": os.path.join(ROOT, "docs/examples/features-sepsis.json"),
              "xgboost": {"num_rounds": 60, "early_stopping_rounds": 20},
              "evaluation": {"bootstrap_resamples": 10}}
    with open(os.path.join(folder, "train.json"), "w") as f:
        json.dump(config, f)
    run("train", "--config", os.path.join(folder, "train.json"), "--out", os.path.join(folder, "model"))
    return os.path.join(folder, "model")


def start(data, model):
    log = open(os.path.join(os.path.dirname(data), "serve.log"), "w+")
    proc = subprocess.Popen([VIGIL, "serve", "--data", data, "--port", "0", "--threads", "2",
                             "--model", model], stderr=log)
    for _ in range(600):
        log.seek(0)
        text = log.read()
        for line in text.splitlines():
            if "FHIR R4 at " in line:
                return proc, line.split("FHIR R4 at ")[1].split()[0]
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("vigil serve did not start: " + text)


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/fhir+json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def observation(patient, encounter, loinc, value, unit, t):
    return {"resourceType": "Observation", "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                      "code": "vital-signs"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
            "subject": {"reference": f"Patient/{patient}"},
            "encounter": {"reference": f"Encounter/{encounter}"},
            "effectiveDateTime": iso(t),
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}}


def assessments(base, patient, want, timeout=30):
    deadline = time.time() + timeout
    while True:
        status, bundle = call("GET", f"{base}/RiskAssessment?subject=Patient/{patient}&_count=1000")
        assert status == 200, bundle
        found = [e["resource"] for e in bundle.get("entry", [])]
        if len(found) >= want or time.time() > deadline:
            return found
        time.sleep(0.1)


def stay_resources(synth, stay):
    """One synthetic stay as an admitted patient: Patient, its Encounter made
    in-progress (no end, no locations), and its Observations up to onset + 3 h."""
    def lines(name):
        with open(os.path.join(synth, name)) as f:
            for line in f:
                yield json.loads(line)
    patient = next(r for r in lines("Patient.ndjson") if r["id"] == stay["patient"])
    patient.pop("deceasedDateTime", None)
    encounter = next(r for r in lines("Encounter.ndjson") if r["id"] == stay["encounter"])
    encounter["status"] = "in-progress"
    encounter["period"].pop("end")
    encounter.pop("hospitalization", None)
    encounter.pop("location", None)
    onset = time.strptime(stay["onset"], "%Y-%m-%dT%H:%M:%SZ")
    limit = iso(time.mktime(onset) - time.timezone + 3 * 3600)
    observations = [r for r in lines("Observation.ndjson")
                    if r["encounter"]["reference"] == "Encounter/" + stay["encounter"]
                    and r["effectiveDateTime"] <= limit]
    return [patient, encounter] + observations


def offline_score(folder, model, resources, at):
    path = os.path.join(folder, "candidate.ndjson")
    with open(path, "w") as f:
        for r in resources:
            f.write(json.dumps(r) + "\n")
    out = run("score", "--input", path, "--model", model, "--at", at).stdout.splitlines()
    assert len(out) == 1, out
    return json.loads(out[0])["model"]


def alerting_septic_stay(folder, model):
    """The first septic synthetic stay that `vigil score` (offline) alerts on at its
    last Observation before onset + 3 h: the live test must then alert too."""
    synth = os.path.join(folder, "synth")
    truth = json.load(open(os.path.join(synth, "truth.json")))
    for stay in [s for s in truth["stays"] if s["sepsis"]][:30]:
        resources = stay_resources(synth, stay)
        last = max(r["effectiveDateTime"] for r in resources[2:])
        offline = offline_score(folder, model, resources, last)
        if offline["alert"]:
            return stay, resources, last, offline
    raise AssertionError("the model alerts on none of 30 septic stays")


def replay(base, resources):
    entries = [{"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
               for r in resources]
    status, body = call("POST", base, {"resourceType": "Bundle", "type": "transaction", "entry": entries})
    assert status == 200, str(body)[:500]


def ext(resource):
    [e] = [x for x in resource["extension"] if x["url"] == EXPLANATION]
    return e["extension"]


def main():
    folder = tempfile.mkdtemp(prefix="vigil-scoring-")
    try:
        model = train(folder)
        manifest = json.load(open(os.path.join(model, "artifact.json")))
        proc, base = start(os.path.join(folder, "store"), model)
        try:
            now = time.time()
            assert call("PUT", base + "/Patient/p1", {"resourceType": "Patient", "id": "p1", "gender": "male",
                                                      "birthDate": "1950-01-01"})[0] in (200, 201)
            enc = {"resourceType": "Encounter", "id": "e1", "status": "in-progress",
                   "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
                   "subject": {"reference": "Patient/p1"}, "period": {"start": iso(now - 10 * 3600)}}
            assert call("PUT", base + "/Encounter/e1", enc)[0] in (200, 201)
            vitals = [("9279-1", 24, "/min"), ("59408-5", 95, "%"), ("8480-6", 105, "mm[Hg]"),
                      ("8867-4", 115, "/min"), ("9269-2", 15, "{score}"), ("8310-5", 38.5, "Cel")]
            for i, (loinc, value, unit) in enumerate(vitals):
                status, body = call("POST", base + "/Observation",
                                    observation("p1", "e1", loinc, value, unit, now - 3600 + i))
                assert status == 201, body
            found = assessments(base, "p1", 2 * len(vitals))
            assert len(found) == 2 * len(vitals), f"{len(found)} RiskAssessments for {len(vitals)} Observations"
            latest = max(found, key=lambda r: (r["occurrenceDateTime"], r["method"]["coding"][0]["code"]))
            by_method = {}
            for r in found:
                if r["occurrenceDateTime"] == latest["occurrenceDateTime"]:
                    by_method[r["method"]["coding"][0]["code"]] = r
            news2 = by_method["news2"]
            parts = ext(news2)
            score = [p["valueInteger"] for p in parts if p["url"] == "score"][0]
            points = [c for p in parts if p["url"] == "component" for c in p["extension"] if c["url"] == "points"]
            assert score == sum(c["valueInteger"] for c in points)
            # RR 24 -> 2, SpO2 95 -> 1, air (not charted) -> 0, SBP 105 -> 1, HR 115 -> 2, alert -> 0, 38.5 -> 1
            assert score == 7, score
            assert news2["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == "high"
            assert news2["subject"]["reference"] == "Patient/p1" and news2["encounter"]["reference"] == "Encounter/e1"
            assert len(news2["basis"]) == len(vitals), news2["basis"]
            print("ok   NEWS2 RiskAssessment: score 7 (high) with its components and basis")

            m = by_method["model:sepsis-e2e"]
            p = m["prediction"][0]["probabilityDecimal"]
            parts = ext(m)
            value = {x["url"]: x for x in parts if x["url"] != "contribution"}
            log_odds = value["logOdds"]["valueDecimal"]
            total = value["baseValue"]["valueDecimal"] + sum(
                c["valueDecimal"] for x in parts if x["url"] == "contribution"
                for c in x["extension"] if c["url"] == "contribution")
            assert abs(total - log_odds) < 1e-3, (total, log_odds)
            assert abs(1 / (1 + math.exp(-log_odds)) - p) < 1e-4, (p, log_odds)
            assert value["modelVersion"]["valueString"] == manifest["model"]["sha256"]
            assert m["prediction"][0]["qualitativeRisk"]["coding"][0]["code"] == (
                "high" if p >= manifest["threshold"] else "low")
            print(f"ok   model RiskAssessment: probability {p:.4f}, explanation sums to the log-odds")

            # One alert Flag per episode: at most one active, and one exactly when a score crossed.
            status, flags = call("GET", f"{base}/Flag?encounter=Encounter/e1")
            assert status == 200, flags
            flags = [e["resource"] for e in flags.get("entry", [])]
            crossed = any(r["prediction"][0].get("probabilityDecimal", 0) >= manifest["threshold"]
                          for r in found if r["method"]["coding"][0]["code"].startswith("model:"))
            assert sum(f["status"] == "active" for f in flags) <= 1, flags
            assert (len(flags) >= 1) == crossed, (len(flags), crossed)
            print(f"ok   alert Flags consistent with the scores ({len(flags)} Flag(s), threshold crossed: {crossed})")

            # A septic stay of the synthetic hospital replayed as an admitted patient, up to
            # 3 h after onset, in one transaction. Live scoring must give, at the last
            # Observation, exactly the probability `vigil score` gives offline (one feature
            # code path), cross the threshold, and raise exactly one alert Flag.
            stay, resources, last, offline = alerting_septic_stay(folder, model)
            replay(base, resources)
            n = len(resources) - 2
            pid = stay["patient"]
            found = assessments(base, pid, 2 * n, timeout=120)
            assert len(found) == 2 * n, (len(found), 2 * n)
            model_ras = [r for r in found if r["method"]["coding"][0]["code"].startswith("model:")]
            at_last = [r for r in model_ras if r["occurrenceDateTime"][:19] == last[:19]]
            assert at_last, last
            live = at_last[0]["prediction"][0]["probabilityDecimal"]
            assert abs(live - offline["probability"]) < 1e-5 * max(1, offline["probability"]), (live, offline)
            status, flags = call("GET", f"{base}/Flag?patient=Patient/{pid}")
            flags = [e["resource"] for e in flags.get("entry", [])]
            assert len(flags) >= 1 and sum(f["status"] == "active" for f in flags) <= 1, flags
            raised_by = flags[0]["extension"][0]["valueReference"]["reference"]
            assert call("GET", f"{base}/{raised_by}")[0] == 200
            print(f"ok   replayed septic stay: {n} Observations scored live; at the last one "
                  f"{live:.4f} = offline {offline['probability']:.4f}; {len(flags)} alert Flag(s)")

            # Nothing is scored for a finished Encounter or an Observation that is no signal.
            enc2 = dict(enc, id="e2", status="finished", period={"start": iso(now - 48 * 3600), "end": iso(now - 30 * 3600)})
            assert call("PUT", base + "/Encounter/e2", enc2)[0] in (200, 201)
            assert call("POST", base + "/Observation", observation("p1", "e2", "8867-4", 90, "/min", now - 40 * 3600))[0] == 201
            assert call("POST", base + "/Observation", observation("p1", "e1", "29463-7", 80, "kg", now - 60))[0] == 201
            assert call("POST", base + "/Observation", observation("p1", "e1", "8867-4", 120, "/min", now - 30))[0] == 201
            found = assessments(base, "p1", 2 * len(vitals) + 2)
            time.sleep(1.0)
            found = assessments(base, "p1", 2 * len(vitals) + 2, timeout=1)
            assert len(found) == 2 * len(vitals) + 2, len(found)
            print("ok   a finished Encounter and a non-signal Observation trigger nothing")
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, "vigil serve did not stop cleanly"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("serve_scoring: all checks passed")


if __name__ == "__main__":
    main()
