"""Shared helpers for the clinical AI end-to-end tests: train a model on the
synthetic hospital, pick a septic stay the model alerts on, replay it into a
running server as an admitted patient, read the RiskAssessments back.

    from clinical import Clinical
    c = Clinical(VIGIL, folder)
    model = c.train("model", rounds=60)
"""
import json
import os
import subprocess
import time

from vigil_server import call

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPLANATION = "https://vigil.dev/fhir/StructureDefinition/risk-explanation"


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


def explanation(resource):
    """The risk-explanation extension's parts (docs/risk-assessment.md)."""
    [e] = [x for x in resource["extension"] if x["url"] == EXPLANATION]
    return e["extension"]


def assessments(fhir, patient, want, timeout=30):
    """The patient's RiskAssessments once there are at least `want` (or at the timeout)."""
    deadline = time.time() + timeout
    while True:
        status, bundle = call("GET", f"{fhir}/RiskAssessment?subject=Patient/{patient}&_count=1000")
        assert status == 200, bundle
        found = [e["resource"] for e in bundle.get("entry", [])]
        if len(found) >= want or time.time() > deadline:
            return found
        time.sleep(0.1)


def replay(fhir, resources):
    """PUTs the resources in one transaction."""
    entries = [{"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
               for r in resources]
    status, body = call("POST", fhir, {"resourceType": "Bundle", "type": "transaction", "entry": entries})
    assert status == 200, str(body)[:500]


class Clinical:
    """Synthetic hospital (600 stays, seed 11) in FOLDER/synth, generated on first use."""

    def __init__(self, vigil, folder):
        self.vigil = vigil
        self.folder = folder
        self.synth = os.path.join(folder, "synth")

    def run(self, *args):
        r = subprocess.run([self.vigil, *args], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, (args, r.stderr[-2000:])
        return r

    def train(self, name, rounds=60, **xgboost):
        """Trains "sepsis-e2e" with up to `rounds` boosting rounds (and other
        XGBoost parameters, e.g. eta=0.05) into FOLDER/name."""
        if not os.path.exists(self.synth):
            self.run("synth", "--patients", "600", "--seed", "11", "--out", self.synth)
        config = {"name": "sepsis-e2e", "input": ["synth"], "labels": "synth/truth.json",
                  "features": os.path.join(ROOT, "docs/examples/features-sepsis.json"),
                  "xgboost": dict({"num_rounds": rounds, "early_stopping_rounds": rounds}, **xgboost),
                  "evaluation": {"bootstrap_resamples": 10}}
        path = os.path.join(self.folder, f"train-{name}.json")
        with open(path, "w") as f:
            json.dump(config, f)
        out = os.path.join(self.folder, name)
        self.run("train", "--config", path, "--out", out)
        return out

    def stay_resources(self, stay):
        """One synthetic stay as an admitted patient: Patient, its Encounter made
        in-progress (no end, no locations), and its Observations up to onset + 3 h
        (all of them for a stay without sepsis)."""
        def lines(name):
            with open(os.path.join(self.synth, name)) as f:
                for line in f:
                    yield json.loads(line)
        patient = next(r for r in lines("Patient.ndjson") if r["id"] == stay["patient"])
        patient.pop("deceasedDateTime", None)
        encounter = next(r for r in lines("Encounter.ndjson") if r["id"] == stay["encounter"])
        encounter["status"] = "in-progress"
        encounter["period"].pop("end")
        encounter.pop("hospitalization", None)
        encounter.pop("location", None)
        limit = "9999"
        if stay.get("onset"):
            onset = time.strptime(stay["onset"], "%Y-%m-%dT%H:%M:%SZ")
            limit = iso(time.mktime(onset) - time.timezone + 3 * 3600)
        observations = [r for r in lines("Observation.ndjson")
                        if r["encounter"]["reference"] == "Encounter/" + stay["encounter"]
                        and r["effectiveDateTime"] <= limit]
        return [patient, encounter] + observations

    def offline_score(self, model, resources, at):
        path = os.path.join(self.folder, "candidate.ndjson")
        with open(path, "w") as f:
            for r in resources:
                f.write(json.dumps(r) + "\n")
        out = self.run("score", "--input", path, "--model", model, "--at", at).stdout.splitlines()
        assert len(out) == 1, out
        return json.loads(out[0])["model"]

    def alerting_septic_stay(self, model, skip=0):
        """The first septic synthetic stay (after `skip` such stays) that `vigil
        score` (offline) alerts on at its last Observation before onset + 3 h:
        (stay, resources, last time, offline model score)."""
        truth = json.load(open(os.path.join(self.synth, "truth.json")))
        for stay in [s for s in truth["stays"] if s["sepsis"]][:40]:
            resources = self.stay_resources(stay)
            last = max(r["effectiveDateTime"] for r in resources[2:])
            offline = self.offline_score(model, resources, last)
            if offline["alert"]:
                if skip == 0:
                    return stay, resources, last, offline
                skip -= 1
        raise AssertionError("the model alerts on too few of 40 septic stays")
