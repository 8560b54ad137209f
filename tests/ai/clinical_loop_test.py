#!/usr/bin/env python3
"""The clinical AI loop end to end (issue: real-time scoring, CDS Hooks,
feedback): two models are trained and registered (`vigil model register`), one
made champion and one challenger (`vigil model alias`); `vigil serve` (no
--model) scores a septic synthetic stay streamed in over REST (and a
second one as HL7 v2 over MLLP) with the champion, writes RiskAssessments whose explanations sum to the log-odds, raises
exactly one alert Flag and clears it when the risk falls, runs the challenger in
shadow (logged, never written); a CDS Hooks patient-view call answers the card
from the store and from prefetch alike, feedback and alert acknowledgements are
recorded; moving the alias over HTTP and with the CLI, and rolling it back,
changes which version scores; /metrics counts it all; the audit trail verifies
and holds every prediction and piece of feedback with the model version.

Usage: clinical_loop_test.py PATH/TO/vigil     (exit 0 = all passed)
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
from clinical import Clinical, assessments, explanation, observation, replay, stay_as_hl7  # noqa: E402
from mllp_client import MllpClient  # noqa: E402
from vigil_server import Server, call, call_raw  # noqa: E402

SERVICE = "vigil-sepsis-risk"


def part(resource, url):
    return next(x for x in explanation(resource) if x["url"] == url)


def model_ras(found):
    return [r for r in found if r["method"]["coding"][0]["code"].startswith("model:")]


def newest_model_ra(fhir, patient, want):
    found = model_ras(assessments(fhir, patient, want))
    return max(found, key=lambda r: r["meta"]["lastUpdated"])


def flags(fhir, patient):
    status, bundle = call("GET", f"{fhir}/Flag?patient=Patient/{patient}")
    assert status == 200, bundle
    return [e["resource"] for e in bundle.get("entry", [])]


def search(fhir, query):
    status, bundle = call("GET", f"{fhir}/{query}")
    assert status == 200, bundle
    return bundle


def stream_over_mllp(c, model, fhir, port):
    """A second septic stay arrives as HL7 v2 (ADT^A01, then ORU^R01 vital signs
    and labs): scored live like the REST stream, the same risk as `vigil score`."""
    stay, resources, last, offline = c.alerting_septic_stay(model, skip=1)
    client = MllpClient(port)
    try:
        for message in stay_as_hl7(resources, "V-MLLP-1"):
            code, _ = client.send(message)
            assert code == "AA", (code, message[:200])
    finally:
        client.close()
    mrn = resources[0]["identifier"][0]
    [patient] = [e["resource"] for e in search(fhir, f"Patient?identifier={mrn['system']}|{mrn['value']}")["entry"]]
    [encounter] = [e["resource"] for e in search(fhir, "Encounter?identifier=urn:vigil:test:visit|V-MLLP-1")["entry"]]
    assert encounter["status"] == "in-progress" and encounter["subject"]["reference"] == "Patient/" + patient["id"]
    n = len(resources) - 2
    found = assessments(fhir, patient["id"], 2 * n, timeout=120)
    assert len(found) == 2 * n, (len(found), 2 * n)
    ras = model_ras(found)
    assert all(r["encounter"]["reference"] == "Encounter/" + encounter["id"] for r in ras)
    # One score per Observation: the last message's Observations share its time,
    # and the score after the last of them has the whole stay.
    at_last = [r for r in ras if r["occurrenceDateTime"][:19] == last[:19]]
    basis = search(fhir, at_last[0]["basis"][-1]["reference"])
    assert basis["encounter"]["reference"] == "Encounter/" + encounter["id"], basis
    live = min((r["prediction"][0]["probabilityDecimal"] for r in at_last),
               key=lambda p: abs(p - offline["probability"]))
    assert abs(live - offline["probability"]) < 1e-5 * max(1, live), (live, offline)
    fl = flags(fhir, patient["id"])
    assert len(fl) == 1 and fl[0]["status"] == "active", fl
    print(f"ok   {n} Observations sent as {1 + len({r['effectiveDateTime'] for r in resources[2:]})} HL7 v2 "
          f"messages over MLLP scored live: risk {live:.3f} = offline; one alert Flag")


def main():
    folder = tempfile.mkdtemp(prefix="vigil-loop-")
    try:
        c = Clinical(VIGIL, folder)
        model_a = c.train("model-a", rounds=60)
        model_b = c.train("model-b", rounds=20)
        data = os.path.join(folder, "store")
        id_a = c.run("model", "register", "--data", data, model_a).stdout.strip()
        id_b = c.run("model", "register", "--data", data, model_b).stdout.strip()
        assert id_a.startswith("m-") and id_b.startswith("m-") and id_a != id_b, (id_a, id_b)
        assert c.run("model", "register", "--data", data, model_a).stdout.strip() == id_a
        c.run("model", "alias", "--data", data, "champion", id_a)
        c.run("model", "alias", "--data", data, "challenger", id_b)
        listing = c.run("model", "list", "--data", data).stdout
        assert any(line.startswith(id_a) and line.endswith("champion") for line in listing.splitlines()), listing
        assert any(line.startswith(id_b) and line.endswith("challenger") for line in listing.splitlines()), listing
        print(f"ok   registered {id_a} (champion) and {id_b} (challenger); registering again is idempotent")

        stay, resources, last, offline = c.alerting_septic_stay(model_a)
        pid, eid = stay["patient"], stay["encounter"]
        threshold = json.load(open(os.path.join(model_a, "artifact.json")))["threshold"]
        server = Server(VIGIL, data, ["--mllp-port", "0"])
        fhir = server.fhir
        try:
            status, models = call("GET", server.origin + "/api/models")
            assert status == 200, models
            assert models["aliases"] == {"champion": id_a, "challenger": id_b}, models["aliases"]
            assert [s["version"] for s in models["active"]["shown"]] == ["RCP-2017", id_a], models["active"]
            assert [s["version"] for s in models["active"]["shadow"]] == [id_b], models["active"]

            # Live scoring with the champion; the challenger in shadow.
            replay(fhir, resources)
            n = len(resources) - 2
            found = assessments(fhir, pid, 2 * n, timeout=120)
            assert len(found) == 2 * n, (len(found), 2 * n)
            ras = model_ras(found)
            assert all(part(r, "registryVersion")["valueString"] == id_a for r in ras)
            assert all(id_a in r["method"]["coding"][0]["display"] for r in ras)
            for r in ras:
                total = part(r, "baseValue")["valueDecimal"] + sum(
                    x["valueDecimal"] for p in explanation(r) if p["url"] == "contribution"
                    for x in p["extension"] if x["url"] == "contribution")
                assert abs(total - part(r, "logOdds")["valueDecimal"]) < 1e-3, r["id"]
            at_last = [r for r in ras if r["occurrenceDateTime"][:19] == last[:19]]
            live = at_last[0]["prediction"][0]["probabilityDecimal"]
            assert abs(live - offline["probability"]) < 1e-5 * max(1, live), (live, offline)
            fl = flags(fhir, pid)
            assert len(fl) == 1 and fl[0]["status"] == "active", fl
            print(f"ok   {n} Observations scored live by {id_a}: explanations sum to the log-odds, "
                  f"risk {live:.3f} = offline; one alert Flag for the episode")

            shadow_log = os.path.join(data, "models", "shadow.ndjson")
            deadline = time.time() + 10
            while time.time() < deadline:
                shadow = [json.loads(x) for x in open(shadow_log)]
                if len(shadow) >= n:
                    break
                time.sleep(0.1)
            assert len(shadow) == n and all(s["version"] == id_b and s["patient"] == pid for s in shadow), len(shadow)
            assert not any(id_b in r["method"]["coding"][0]["display"] for r in found)
            print(f"ok   the challenger scored all {n} in shadow (DATA/models/shadow.ndjson), none shown")

            # CDS Hooks: discovery, the card from the store and from prefetch alike.
            status, discovery = call("GET", server.origin + "/cds-services")
            assert status == 200 and discovery["services"][0]["id"] == SERVICE, discovery
            hook = server.origin + "/cds-services/" + SERVICE
            request = {"hookInstance": "h-1", "hook": "patient-view", "fhirServer": fhir,
                       "context": {"patientId": pid, "userId": "Practitioner/dr-1"}}
            status, answer = call("POST", hook, request)
            assert status == 200, answer
            [card] = answer["cards"]
            assert card["indicator"] == "critical" and card["summary"].startswith("Sepsis risk HIGH"), card
            assert len(card["summary"]) < 140 and "raised the risk" in card["detail"], card
            assert card["links"][0]["url"] == f"{server.origin}/#/patient/{pid}"
            prefetch = {"patient": call("GET", f"{fhir}/Patient/{pid}")[1],
                        "encounters": search(fhir, f"Encounter?patient={pid}&status=in-progress"),
                        "observations": search(fhir, f"Observation?patient={pid}&_count=5000")}
            status, answer2 = call("POST", hook, dict(request, hookInstance="h-2", prefetch=prefetch))
            assert status == 200, answer2
            assert answer2["cards"][0]["summary"] == card["summary"], (answer2["cards"][0]["summary"], card["summary"])
            assert answer2["cards"][0]["uuid"] != card["uuid"]
            missing = dict(prefetch, observations=None)
            assert call("POST", hook, dict(request, prefetch=missing))[0] == 412
            assert call("POST", hook, dict(request, fhirServer="https://ehr.example.org/fhir"))[0] == 412
            assert call("POST", hook, dict(request, context={"patientId": "nobody"}))[0] == 412
            assert call("POST", hook, {"context": {}})[0] == 400
            print(f"ok   CDS Hooks patient-view: '{card['summary']}' (same from prefetch; 412 without data; 400 malformed)")

            feedback = {"feedback": [{"card": card["uuid"], "outcome": "overridden",
                                      "outcomeTimestamp": "2026-11-30T10:00:00Z",
                                      "overrideReason": {"reason": card["overrideReasons"][0],
                                                         "userComment": "antibiotics started"}}]}
            assert call("POST", hook + "/feedback", feedback)[0] == 200
            assert call("POST", hook + "/feedback", {"feedback": [{"card": "x"}]})[0] == 400
            flag_id = fl[0]["id"]
            status, acked = call("POST", f"{server.origin}/api/alerts/{flag_id}/feedback",
                                 {"action": "acknowledge", "user": "Practitioner/dr-1"})
            assert status == 200 and acked["status"] == "active", acked
            assert acked["extension"][-1]["url"] == "https://vigil.dev/fhir/StructureDefinition/alert-feedback"
            assert call("POST", f"{server.origin}/api/alerts/{flag_id}/feedback", {"action": "dismiss"})[0] == 400
            print("ok   CDS feedback (overridden, with reason) and the alert acknowledged on its Flag")

            # The alert clears once the risk falls below half the threshold: the
            # patient recovers (normal vital signs and labs, hourly for a day).
            t = time.mktime(time.strptime(last, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
            normal = [("8867-4", 72, "/min"), ("9279-1", 14, "/min"), ("8480-6", 128, "mm[Hg]"),
                      ("8478-0", 90, "mm[Hg]"), ("8310-5", 36.8, "Cel"), ("59408-5", 98, "%"),
                      ("2524-7", 0.9, "mmol/L"), ("6690-2", 7.5, "10*3/uL")]
            posted = 0
            for h in range(1, 25):
                for loinc, value, unit in normal:
                    assert call("POST", fhir + "/Observation",
                                observation(pid, eid, loinc, value, unit, t + h * 3600))[0] == 201
                    posted += 1
            found = assessments(fhir, pid, 2 * (n + posted), timeout=120)
            assert len(found) == 2 * (n + posted), (len(found), 2 * (n + posted))
            later = sorted((r for r in model_ras(found) if r["occurrenceDateTime"] > last),
                           key=lambda r: r["occurrenceDateTime"])
            lowest = min(r["prediction"][0]["probabilityDecimal"] for r in later)
            fl = flags(fhir, pid)
            assert len(fl) == 1, fl  # never a second alert for the episode
            assert lowest < 0.5 * threshold, f"the risk never fell below half the threshold: {lowest}"
            assert fl[0]["status"] == "inactive" and "end" in fl[0]["period"], fl[0]
            print(f"ok   recovery: risk fell to {lowest:.4f} (< {0.5 * threshold:.4f}), the alert cleared once")

            # Moving the champion changes which version scores: over HTTP, then the
            # CLI while the server runs, then a rollback.
            def score_one(h):
                assert call("POST", fhir + "/Observation",
                            observation(pid, eid, "8867-4", 75, "/min", t + h * 3600))[0] == 201
                nonlocal posted
                posted += 1
                return part(newest_model_ra(fhir, pid, 2 * (n + posted)), "registryVersion")["valueString"]

            status, moved = call("PUT", server.origin + "/api/models/aliases/champion", {"version": id_b})
            assert status == 200 and moved["moved"]["previous"] == id_a, moved
            assert score_one(30) == id_b
            status, back = call("POST", server.origin + "/api/models/aliases/champion/rollback")
            assert status == 200 and back["aliases"]["champion"] == id_a, back
            assert score_one(31) == id_a
            c.run("model", "alias", "--data", data, "champion", id_b)
            time.sleep(1.5)  # the server polls the registry every 0.5 s
            assert score_one(32) == id_b
            c.run("model", "rollback", "--data", data, "champion")
            time.sleep(1.5)
            assert score_one(33) == id_a
            assert call("PUT", server.origin + "/api/models/aliases/champion", {"version": "m-0"})[0] == 404
            print("ok   alias moves and rollbacks (HTTP and CLI) switch the scoring version at once")

            status, text, headers = call_raw("GET", server.origin + "/metrics")
            text = text.decode()
            assert status == 200 and headers["content-type"].startswith("text/plain"), headers
            for needle in [f'vigil_predictions_total{{decision="high",mode="live",scorer="model:sepsis-e2e",version="{id_a}"}}',
                           f'mode="shadow",scorer="model:sepsis-e2e",version="{id_b}"',
                           f'vigil_alerts_total{{change="raised",scorer="model:sepsis-e2e",version="{id_a}"}} 1',
                           f'vigil_alerts_total{{change="cleared",scorer="model:sepsis-e2e",version="{id_a}"}} 1',
                           'vigil_feedback_total{outcome="overridden",source="cds"} 1',
                           'vigil_feedback_total{outcome="acknowledge",source="alert"} 1',
                           'vigil_event_backlog{subscriber="scoring"}',
                           'vigil_scoring_delay_seconds_bucket{mode="live",scorer="model:sepsis-e2e",le="0.01"}',
                           'vigil_http_requests_total{code="2xx",interaction="transaction",surface="fhir"} 1']:
                assert needle in text, needle
            print("ok   /metrics: predictions by version and mode, alerts, feedback, backlog, latency, requests")

            stream_over_mllp(c, model_a, fhir, server.mllp_port())
        finally:
            assert server.stop() == 0, "vigil serve did not stop cleanly"

        c.run("audit", "verify", "--data", data)
        events = [json.loads(x) for x in c.run("audit", "show", "--data", data, "--limit", "1000000").stdout.splitlines()]
        kinds = [e["type"]["code"] for e in events]

        def details(e):
            return {d["type"]: d["valueString"] for x in e["entity"] for d in x.get("detail", [])}
        predictions = [e for e in events if e["type"]["code"] == "prediction"]
        live = [e for e in predictions if e["subtype"][0]["code"] == "live" and details(e)["modelVersion"] == id_a]
        assert live and all("threshold" in details(e) and "explanation" in details(e) for e in live)
        assert any(x.get("what", {}).get("reference", "").startswith("Observation/") for x in live[0]["entity"])
        assert any(e["subtype"][0]["code"] == "shadow" and details(e)["modelVersion"] == id_b for e in predictions)
        assert any(e["subtype"][0]["code"] == "cds" and details(e).get("card") == card["uuid"] for e in predictions)
        fb = [details(e) for e in events if e["type"]["code"] == "feedback"]
        assert any(d["outcome"] == "overridden" and "antibiotics started" in d["reason"] and d["modelVersion"] == id_a
                   for d in fb), fb
        assert any(d["outcome"] == "acknowledge" for d in fb), fb
        print(f"ok   audit trail verifies; {len(predictions)} predictions and {len(fb)} feedback events recorded "
              f"(of {len(kinds)} events)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("clinical_loop: all checks passed")


if __name__ == "__main__":
    main()
