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


def hl7_time(iso_time):
    """"2026-05-29T19:46:07Z" -> "20260529194607+0000" (HL7 v2 DTM)."""
    return iso_time[:19].replace("-", "").replace("T", "").replace(":", "") + "+0000"


def stay_as_hl7(resources, visit):
    """A stay from stay_resources() as HL7 v2: an ADT^A01 (PID-3 the Patient's
    identifier, PV1-19 `visit`, PV1-44 the admission) and one ORU^R01 per
    measurement time, each OBX a LOINC-coded NM value with its UCUM unit. The
    messages carry no FHIR ids: the server finds the Patient and the Encounter
    by identifier."""
    patient, encounter, observations = resources[0], resources[1], resources[2:]
    mrn = patient["identifier"][0]
    pid = (f"PID|1||{mrn['value']}^^^&{mrn['system']}&URI^MR||{patient['name'][0]['family']}^"
           f"{patient['name'][0]['given'][0]}||{patient['birthDate'].replace('-', '')}|"
           f"{'M' if patient['gender'] == 'male' else 'F'}")
    pv1 = "PV1|1|I|" + "|" * 16 + f"{visit}^^^&urn:vigil:test:visit&URI^VN" + "|" * 25 + \
        hl7_time(encounter["period"]["start"])
    msh = "MSH|^~\\&|MONITOR|WARD|VIGIL|HOSP|{t}||{type}|{id}|P|2.5.1"
    start = hl7_time(encounter["period"]["start"])
    messages = ["\r".join([msh.format(t=start, type="ADT^A01", id=f"{visit}-A01"),
                           f"EVN|A01|{start}", pid, pv1]) + "\r"]
    by_time = {}
    for o in observations:
        by_time.setdefault(o["effectiveDateTime"], []).append(o)
    for n, (when, group) in enumerate(sorted(by_time.items())):
        t = hl7_time(when)
        segs = [msh.format(t=t, type="ORU^R01", id=f"{visit}-R{n}"), pid, pv1,
                f"OBR|1||{visit}-{n}^MONITOR^urn:vigil:test:orders^URI|8716-3^Vital signs^LN|||{t}||||||||||||||||||F"]
        for i, o in enumerate(group):
            q = o["valueQuantity"]
            code = o["code"]["coding"][0]["code"]
            segs.append(f"OBX|{i + 1}|NM|{code}^^LN||{q['value']}|{q['code']}^^UCUM|||||F|||{t}")
        messages.append("\r".join(segs) + "\r")
    return messages


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
