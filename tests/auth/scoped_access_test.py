#!/usr/bin/env python3
"""`vigil serve --auth smart` end to end: two patients, each with a vital-sign and a
laboratory Observation and an Encounter, a Practitioner both Observations name, a
Group of both. A patient-context token for p1 must not get p2's data from ANY
path: search, _include, _revinclude, chain, _has, type history, system history,
batch and transaction Bundles (read entries, a write for p2), $everything on
p2's id, the NDJSON files of Patient/$export. A granular token
(patient/Observation.rs?category=vital-signs) sees only vital signs. Tokens are
signed here with keys made by the `openssl` CLI (docs/authorization.md).

Usage: scoped_access_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, failures  # noqa: E402
from jwt_keys import Key  # noqa: E402
from vigil_server import Server, call_raw  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
ISSUER = "https://auth.vigil.test"
AUDIENCE = "https://vigil.test/fhir"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# Every id of p2's data: none may appear in a response to p1's token.
OTHER = ("p2", "enc-p2", "vital-p2", "lab-p2")


def observation(oid, patient, category, **more):
    return dict({"resourceType": "Observation", "id": oid, "status": "final",
                 "category": [{"coding": [{"system": CATEGORY, "code": category}]}],
                 "code": {"text": category}, "subject": {"reference": f"Patient/{patient}"}}, **more)


def resource_ids(value):
    """Every resource id anywhere in a JSON value, Bundles themselves left out
    (they nest resources)."""
    out = []
    if isinstance(value, dict):
        if "resourceType" in value and "id" in value and value["resourceType"] != "Bundle":
            out.append(value["id"])
        for v in value.values():
            out += resource_ids(v)
    elif isinstance(value, list):
        for v in value:
            out += resource_ids(v)
    return out


def main():
    folder = tempfile.mkdtemp(prefix="vigil-scoped-")
    key = Key(folder, "ES256", "es-1")
    jwks = key.jwks_file(folder)

    def token(scope, patient=None):
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "app", "exp": int(time.time()) + 300,
                  "scope": scope}
        if patient:
            claims["patient"] = patient
        return key.sign(claims)

    admin, p1, vitals = (token("user/*.cruds"), token("launch/patient patient/*.rs", "p1"),
                         token("patient/Observation.rs?category=vital-signs", "p1"))
    writer = token("patient/*.cruds", "p1")

    with Server(VIGIL, os.path.join(folder, "data"),
                ["--auth", "smart", "--issuer", ISSUER, "--audience", AUDIENCE, "--jwks", jwks]) as server:
        def fhir(method, path, tok, body=None, headers=None):
            h = {"Authorization": "Bearer " + tok, "Content-Type": "application/fhir+json"}
            h.update(headers or {})
            url = path if path.startswith("http") else server.fhir + path
            status, data, hdrs = call_raw(method, url, body, h)
            return status, (json.loads(data) if data and data[:1] == b"{" else data), hdrs

        def put(resource):
            status, body, _ = fhir("PUT", f"/{resource['resourceType']}/{resource['id']}", admin, resource)
            assert status in (200, 201), (status, body)

        put({"resourceType": "Practitioner", "id": "dr", "name": [{"family": "Who"}]})
        for pid, family in (("p1", "One"), ("p2", "Two")):
            put({"resourceType": "Patient", "id": pid, "name": [{"family": family}]})
            put({"resourceType": "Encounter", "id": f"enc-{pid}", "status": "finished",
                 "class": {"code": "AMB"}, "subject": {"reference": f"Patient/{pid}"}})
            put(observation(f"vital-{pid}", pid, "vital-signs", encounter={"reference": f"Encounter/enc-{pid}"},
                            performer=[{"reference": "Practitioner/dr"}]))
            put(observation(f"lab-{pid}", pid, "laboratory"))
        put({"resourceType": "Group", "id": "both", "type": "person", "actual": True,
             "member": [{"entity": {"reference": "Patient/p1"}}, {"entity": {"reference": "Patient/p2"}}]})

        def confined(path, expect_ids):
            """GET path with p1's token: 200, exactly these resource ids, nothing of p2."""
            status, body, _ = fhir("GET", path, p1)
            assert status == 200, (path, status, body)
            ids = resource_ids(body.get("entry", []))
            assert not set(ids) & set(OTHER), (path, ids)
            assert sorted(ids) == sorted(expect_ids), (path, sorted(ids), sorted(expect_ids))
            return body

        mine = ["p1", "enc-p1", "vital-p1", "lab-p1"]
        cases = {
            "search": ("/Observation", ["vital-p1", "lab-p1"]),
            "search for p2 by subject": ("/Observation?subject=Patient/p2", []),
            "_include (p2 and the Practitioner dropped)":
                ("/Observation?_include=Observation:subject&_include=Observation:performer",
                 ["vital-p1", "lab-p1", "p1"]),
            "_revinclude": ("/Patient?_revinclude=Observation:subject", ["p1", "vital-p1", "lab-p1"]),
            "_include of a Group's members": ("/Group?_include=Group:member", ["both", "p1"]),
            "chain into p2": ("/Observation?subject:Patient.name=Two", []),
            "chain into p1": ("/Observation?subject:Patient.name=One", ["vital-p1", "lab-p1"]),
            "_has": ("/Patient?_has:Observation:subject:category=laboratory", ["p1"]),
            "type history": ("/Observation/_history", ["vital-p1", "lab-p1"]),
            "system history": ("/_history", mine + ["both"]),
            "$everything on the own id": ("/Patient/p1/$everything", mine + ["both"]),
            "type-level $everything": ("/Patient/$everything", mine + ["both"]),
        }
        for name, (path, expect) in cases.items():
            check(f"patient token, {name}: GET {path}")(lambda path=path, expect=expect: confined(path, expect))

        @check("patient token: a chain into Practitioner, outside the compartment, is 403")
        def _():
            status, body, _ = fhir("GET", "/Observation?performer:Practitioner.name=Who", p1)
            assert status == 403 and body["issue"][0]["code"] == "forbidden", (status, body)

        @check("patient token: $everything on p2's id is 404, like a missing patient")
        def _():
            status, body, _ = fhir("GET", "/Patient/p2/$everything", p1)
            assert status == 404 and not set(resource_ids(body)) & set(OTHER), (status, body)
            assert body["issue"][0]["diagnostics"] == "Patient/p2 is not known", body

        @check("patient token: batch read entries of p2 are 404, p1's are 200")
        def _():
            bundle = {"resourceType": "Bundle", "type": "batch", "entry": [
                {"request": {"method": "GET", "url": "Observation/vital-p2"}},
                {"request": {"method": "GET", "url": "Patient/p2"}},
                {"request": {"method": "GET", "url": "Observation?category=laboratory"}},
                {"request": {"method": "GET", "url": "Observation/vital-p1"}}]}
            status, body, _ = fhir("POST", "", p1, bundle)
            assert status == 200, (status, body)
            assert [e["response"]["status"] for e in body["entry"]] == \
                ["404 Not Found", "404 Not Found", "200 OK", "200 OK"], body
            assert sorted(resource_ids(body)) == ["lab-p1", "vital-p1"], resource_ids(body)

        @check("patient token: a transaction with a write for p2 is refused as a whole (403)")
        def _():
            bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
                {"request": {"method": "GET", "url": "Observation/lab-p1"}},
                {"resource": observation("new-p1", "p1", "laboratory"), "request": {"method": "PUT", "url": "Observation/new-p1"}},
                {"resource": observation("lab-p2", "p2", "vital-signs"), "request": {"method": "PUT", "url": "Observation/lab-p2"}}]}
            status, body, _ = fhir("POST", "", writer, bundle)
            assert status == 403 and not set(resource_ids(body)) & set(OTHER), (status, body)
            assert fhir("GET", "/Observation/new-p1", admin)[0] == 404  # nothing was written
            s, lab, _ = fhir("GET", "/Observation/lab-p2", admin)
            assert s == 200 and lab["category"][0]["coding"][0]["code"] == "laboratory", lab

        @check("patient token: writes of p2's resources are refused (403), p1's allowed")
        def _():
            assert fhir("POST", "/Observation", writer, observation("x", "p2", "laboratory"))[0] == 403
            assert fhir("DELETE", "/Observation/lab-p2", writer)[0] == 403
            assert fhir("PUT", "/Observation/vital-p1", writer, observation("vital-p1", "p2", "vital-signs"))[0] == 403
            assert fhir("POST", "/Observation", writer, observation("x", "p1", "laboratory"))[0] == 201

        @check("patient token: Patient/$export holds only p1's compartment; system $export 403")
        def _():
            async_ = {"Prefer": "respond-async"}
            assert fhir("GET", "/$export", p1, headers=async_)[0] == 403
            status, body, headers = fhir("GET", "/Patient/$export", p1, headers=async_)
            assert status == 202, (status, body)
            location = headers["content-location"]
            for _ in range(200):
                status, manifest, _ = fhir("GET", location, p1)
                if status == 200:
                    break
                time.sleep(0.05)
            assert status == 200, (status, manifest)
            exported = {}
            for output in manifest["output"]:
                s, data, _ = call_raw("GET", output["url"], headers={"Authorization": "Bearer " + p1})
                assert s == 200, (s, data)
                exported.setdefault(output["type"], []).extend(
                    json.loads(line) for line in data.decode().splitlines())
            ids = {t: sorted(r["id"] for r in rs) for t, rs in exported.items()}
            assert not set(resource_ids(list(exported.values()))) & set(OTHER), ids
            observations = exported.pop("Observation")
            assert {"lab-p1", "vital-p1"} <= {r["id"] for r in observations}, ids
            assert all(r["subject"]["reference"] == "Patient/p1" for r in observations), observations
            assert {t: ids[t] for t in exported} == {"Patient": ["p1"], "Encounter": ["enc-p1"],
                                                      "Group": ["both"]}, ids
            # Another patient's token does not see the job.
            assert fhir("GET", location, token("patient/*.rs", "p2"))[0] == 404

        @check("granular token: only vital signs (search total, a lab result reads as 404)")
        def _():
            status, body, _ = fhir("GET", "/Observation", vitals)
            assert status == 200 and body["total"] == 1, (status, body)
            assert resource_ids(body["entry"]) == ["vital-p1"], body
            status, body, _ = fhir("GET", "/Observation/lab-p1", vitals)
            assert status == 404 and body["issue"][0]["diagnostics"] == "Observation/lab-p1 is not known", body
            assert fhir("GET", "/Observation/vital-p1", vitals)[0] == 200
            assert fhir("GET", "/Observation/vital-p2", vitals)[0] == 404

    print(f"{'FAILED: ' + ', '.join(failures) if failures else 'all passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
