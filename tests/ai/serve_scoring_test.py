#!/usr/bin/env python3
"""Real-time scoring end to end: a model is trained on the synthetic hospital,
`vigil serve --model DIR` starts, a patient with an in-progress Encounter gets
vital signs over the REST API, and every Observation must produce two
RiskAssessments (NEWS2 and the model) readable with a FHIR search: NEWS2 with the
published chart's points, the model with a calibrated probability and an
explanation that sums to its log-odds (docs/risk-assessment.md). Observations of a
finished Encounter or with an unknown code trigger nothing. `--rules qsofa,mews`
scores those rules instead of NEWS2.

Usage: serve_scoring_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import json
import math
import os
import shutil
import sys
import tempfile
import time

VIGIL = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from clinical import Clinical, assessments, explanation as ext, iso, observation, replay  # noqa: E402
from vigil_server import Server, call  # noqa: E402


def main():
    folder = tempfile.mkdtemp(prefix="vigil-scoring-")
    try:
        clinical = Clinical(VIGIL, folder)
        model = clinical.train("model")
        manifest = json.load(open(os.path.join(model, "artifact.json")))
        server = Server(VIGIL, os.path.join(folder, "store"), ["--model", model])
        base = server.fhir
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
            stay, resources, last, offline = clinical.alerting_septic_stay(model)
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
            assert server.stop() == 0, "vigil serve did not stop cleanly"

        # Other bedside rules beside the model (--rules): qSOFA and MEWS instead of NEWS2.
        server = Server(VIGIL, os.path.join(folder, "store-rules"), ["--model", model, "--rules", "qsofa,mews"])
        base = server.fhir
        try:
            assert call("PUT", base + "/Patient/p1", {"resourceType": "Patient", "id": "p1", "gender": "male",
                                                      "birthDate": "1950-01-01"})[0] in (200, 201)
            assert call("PUT", base + "/Encounter/e1", enc)[0] in (200, 201)
            for i, (loinc, value, unit) in enumerate(vitals):
                assert call("POST", base + "/Observation",
                            observation("p1", "e1", loinc, value, unit, now - 3600 + i))[0] == 201
            found = assessments(base, "p1", 3 * len(vitals))
            methods = sorted({r["method"]["coding"][0]["code"] for r in found})
            assert len(found) == 3 * len(vitals) and methods == ["mews", "model:sepsis-e2e", "qsofa"], methods
            last = max(r["occurrenceDateTime"] for r in found)

            def latest(code):
                [r] = [r for r in found if r["occurrenceDateTime"] == last and r["method"]["coding"][0]["code"] == code]
                parts = {p["url"]: p for p in ext(r)}
                return (parts["score"]["valueInteger"], parts["band"]["valueCode"],
                        r["prediction"][0]["qualitativeRisk"]["coding"][0]["code"])
            # qSOFA: RR 24 -> 1, SBP 105 -> 0, GCS 15 -> 0. MEWS: SBP 105 -> 0, HR 115 -> 2,
            # RR 24 -> 2, temperature 38.5 -> 2, alert -> 0.
            assert latest("qsofa") == (1, "negative", "low"), latest("qsofa")
            assert latest("mews") == (6, "high", "high"), latest("mews")
            print("ok   --rules qsofa,mews: both scored beside the model with their charts' points, no NEWS2")
        finally:
            assert server.stop() == 0, "vigil serve did not stop cleanly"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("serve_scoring: all checks passed")


if __name__ == "__main__":
    main()
