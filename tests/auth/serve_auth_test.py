#!/usr/bin/env python3
"""`vigil serve --auth smart` end to end: keys made by the `openssl` CLI, tokens
signed here with python3's standard library + openssl, and the server checked
for 401 / 403 / 200 and for a patient-context token that must not see another
patient's Observation by read, search, or any other path (scoped_access_test.py
goes through every path in detail).

Usage: serve_auth_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import hmac
import hashlib
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, failures  # noqa: E402
from jwt_keys import Key, b64u  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
ISSUER = "https://auth.vigil.test"
AUDIENCE = "https://vigil.test/fhir"
APP_ORIGIN = "https://app.vigil.test"


def claims(scope, patient=None, **extra):
    c = {"iss": ISSUER, "aud": AUDIENCE, "sub": "test-app", "exp": int(time.time()) + 300, "scope": scope}
    if patient:
        c["patient"] = patient
    c.update(extra)
    return c


def request(base, method, path, token=None, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/fhir+json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def start(folder, *args):
    os.makedirs(folder, exist_ok=True)
    log = open(os.path.join(folder, "serve.log"), "w+")
    proc = subprocess.Popen([VIGIL, "serve", "--data", os.path.join(folder, "store"), "--port", "0",
                             "--threads", "2", *args], stderr=log)
    for _ in range(300):
        log.seek(0)
        text = log.read()
        for line in text.splitlines():
            if "FHIR R4 at " in line:
                return proc, line.split("FHIR R4 at ")[1].split()[0].removesuffix("/fhir"), log
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("vigil serve did not start: " + text)


def main():
    folder = tempfile.mkdtemp(prefix="vigil-auth-")
    rsa, ec, stranger = Key(folder, "RS256", "rsa-1"), Key(folder, "ES256", "ec-1"), Key(folder, "RS256", "rsa-1")
    jwks = os.path.join(folder, "jwks.json")
    with open(jwks, "w") as f:
        json.dump({"keys": [rsa.jwk, ec.jwk]}, f)

    @check("a non-loopback --host without --auth refuses to start")
    def _():
        r = subprocess.run([VIGIL, "serve", "--data", os.path.join(folder, "x"), "--host", "0.0.0.0",
                            "--port", "0"], capture_output=True, text=True, timeout=30)
        assert r.returncode == 1 and "--insecure-listen-anywhere" in r.stderr, r.stderr

    @check("without --auth the startup log says the server is unauthenticated")
    def _():
        proc, _, log = start(os.path.join(folder, "open"))
        proc.terminate()
        proc.wait(timeout=30)
        log.seek(0)
        assert "WARNING: unauthenticated" in log.read()

    proc, base, log = start(folder, "--auth", "smart", "--issuer", ISSUER, "--audience", AUDIENCE,
                            "--jwks", jwks, "--cors-origin", APP_ORIGIN)
    try:
        admin = rsa.sign(claims("user/*.cruds"))
        for pid in ("p1", "p2"):
            s, _, b = request(base, "PUT", f"/fhir/Patient/{pid}", admin,
                              {"resourceType": "Patient", "id": pid, "name": [{"family": pid}]})
            assert s in (200, 201), b
            s, _, b = request(base, "PUT", f"/fhir/Observation/obs-{pid}", admin,
                              {"resourceType": "Observation", "id": f"obs-{pid}", "status": "final",
                               "code": {"text": "heart rate"},
                               "subject": {"reference": f"Patient/{pid}"}})
            assert s in (200, 201), b
        log.seek(0)
        assert "authentication: SMART bearer tokens" in log.read()

        @check("GET metadata and the SMART configuration need no token")
        def _():
            assert request(base, "GET", "/fhir/metadata")[0] == 200
            for path in ("/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"):
                s, _, b = request(base, "GET", path)
                doc = json.loads(b)
                assert s == 200 and doc["issuer"] == ISSUER and "permission-v2" in doc["capabilities"], b

        @check("CORS: a browser app's preflight needs no token; only the allowed origin is named")
        def _():
            preflight = {"Origin": APP_ORIGIN, "Access-Control-Request-Method": "POST",
                         "Access-Control-Request-Headers": "authorization, content-type"}
            s, h, _ = request(base, "OPTIONS", "/fhir/Patient", headers=preflight)
            assert s == 204 and h["Access-Control-Allow-Origin"] == APP_ORIGIN, (s, h)
            assert "authorization" in h["Access-Control-Allow-Headers"] and "Access-Control-Allow-Credentials" not in h
            s, h, _ = request(base, "OPTIONS", "/cds-services", headers=dict(preflight, Origin="https://evil.test"))
            assert s == 403 and "Access-Control-Allow-Origin" not in h, (s, h)
            s, h, _ = request(base, "GET", "/fhir/Patient/p1", rsa.sign(claims("user/*.rs")), headers={"Origin": APP_ORIGIN})
            assert s == 200 and h["Access-Control-Allow-Origin"] == APP_ORIGIN and "ETag" in h["Access-Control-Expose-Headers"], h
            s, h, _ = request(base, "GET", "/fhir/Patient/p1", headers={"Origin": APP_ORIGIN})
            assert s == 401 and h["Access-Control-Allow-Origin"] == APP_ORIGIN, (s, h)  # the app can read the 401
            s, h, _ = request(base, "GET", "/fhir/Patient/p1", rsa.sign(claims("user/*.rs")), headers={"Origin": "https://evil.test"})
            assert "Access-Control-Allow-Origin" not in h, h

        @check("dead letters over HTTP need the vigil/admin scope")
        def _():
            assert request(base, "GET", "/api/dead-letters")[0] == 401
            assert request(base, "GET", "/api/dead-letters", rsa.sign(claims("user/*.cruds")))[0] == 403
            s, _, b = request(base, "GET", "/api/dead-letters", rsa.sign(claims("vigil/admin")))
            assert s == 200 and json.loads(b) == {"hl7v2": [], "mqtt": []}, (s, b)

        @check("analytics need vigil/analytics.read; storing a ViewDefinition needs vigil/admin")
        def _():
            view = {"resourceType": "ViewDefinition", "name": "ids", "resource": "Patient", "status": "active",
                    "select": [{"column": [{"name": "id", "path": "id"}]}]}
            data = rsa.sign(claims("user/*.cruds"))
            analyst = rsa.sign(claims("vigil/analytics.read"))
            admin = rsa.sign(claims("vigil/admin vigil/analytics.read"))
            sql = {"sql": "SELECT 1 AS one"}
            as_json = {"Content-Type": "application/json"}
            assert request(base, "POST", "/api/sql", data, body=sql, headers=as_json)[0] == 403
            assert request(base, "GET", "/fhir/ViewDefinition", data)[0] == 403
            assert request(base, "PUT", "/fhir/ViewDefinition/ids", analyst, body=view)[0] == 403
            s, _, b = request(base, "PUT", "/fhir/ViewDefinition/ids", admin, body=view)
            assert s in (200, 201), (s, b)
            s, _, b = request(base, "GET", "/fhir/ViewDefinition/ids/$run?_format=json", analyst)
            assert s == 200, (s, b)
            s, _, b = request(base, "POST", "/api/sql", analyst, body=sql, headers=as_json)
            assert s == 200, (s, b)
            assert request(base, "DELETE", "/fhir/ViewDefinition/ids", analyst)[0] == 403
            assert request(base, "DELETE", "/fhir/ViewDefinition/ids", admin)[0] == 204

        @check("GET /fhir/AuditEvent needs the vigil/audit.read scope; writes are 405 even with it")
        def _():
            assert request(base, "GET", "/fhir/AuditEvent")[0] == 401
            assert request(base, "GET", "/fhir/AuditEvent", rsa.sign(claims("user/*.cruds")))[0] == 403
            reader = rsa.sign(claims("vigil/audit.read"))
            s, _, b = request(base, "GET", "/fhir/AuditEvent?_count=5", reader)
            assert s == 200 and json.loads(b)["type"] == "searchset", (s, b)
            assert request(base, "DELETE", "/fhir/AuditEvent/0", reader)[0] == 405

        @check("no token: 401, WWW-Authenticate: Bearer, OperationOutcome code login")
        def _():
            s, h, b = request(base, "GET", "/fhir/Patient/p1")
            assert s == 401 and h.get("WWW-Authenticate", "").startswith("Bearer"), (s, h)
            assert json.loads(b)["issue"][0]["code"] == "login", b

        bad_tokens = {
            "alg none": b64u(json.dumps({"alg": "none", "kid": "rsa-1"}).encode()) + "." +
                        b64u(json.dumps(claims("user/*.rs")).encode()) + ".",
            "HS256 keyed with the RSA public key": (lambda data: data + "." + b64u(
                hmac.new(rsa.public_pem, data.encode(), hashlib.sha256).digest()))(
                b64u(json.dumps({"alg": "HS256", "kid": "rsa-1"}).encode()) + "." +
                b64u(json.dumps(claims("user/*.rs")).encode())),
            "expired": rsa.sign(claims("user/*.rs", exp=int(time.time()) - 3600)),
            "wrong audience": rsa.sign(claims("user/*.rs", aud="https://other.test/fhir")),
            "wrong issuer": rsa.sign(claims("user/*.rs", iss="https://evil.test")),
            "other key pair, same kid": stranger.sign(claims("user/*.rs")),
            "unknown kid": rsa.sign(claims("user/*.rs"), {"alg": "RS256", "kid": "nope"}),
        }
        for name, token in bad_tokens.items():
            @check(f"invalid token ({name}): 401 invalid_token")
            def _(token=token):
                s, h, b = request(base, "GET", "/fhir/Patient/p1", token)
                assert s == 401 and 'error="invalid_token"' in h.get("WWW-Authenticate", ""), (s, h, b)

        @check("ES256 and RS256 tokens with user scopes read any patient")
        def _():
            for key in (rsa, ec):
                s, _, b = request(base, "GET", "/fhir/Observation/obs-p2", key.sign(claims("user/Observation.rs")))
                assert s == 200, (s, b)

        @check("out of scope: 403 forbidden")
        def _():
            token = rsa.sign(claims("user/Observation.rs"))
            s, h, b = request(base, "GET", "/fhir/Patient/p1", token)
            assert s == 403 and json.loads(b)["issue"][0]["code"] == "forbidden", (s, b)
            assert request(base, "DELETE", "/fhir/Observation/obs-p1", token)[0] == 403

        patient = ec.sign(claims("launch/patient openid patient/*.rs", patient="p1"))

        @check("patient token: own Observation 200, the other patient's 404 like a missing one")
        def _():
            assert request(base, "GET", "/fhir/Observation/obs-p1", patient)[0] == 200
            s, _, b = request(base, "GET", "/fhir/Observation/obs-p2", patient)
            s2, _, b2 = request(base, "GET", "/fhir/Observation/missing", patient)
            assert s == 404 and s2 == 404, (s, b)
            assert b"obs-p2" not in b.replace(b"Observation/obs-p2 is not known", b"")
            assert request(base, "GET", "/fhir/Patient/p2", patient)[0] == 404
            assert request(base, "GET", "/fhir/Observation/obs-p2/_history/1", patient)[0] == 404
            assert request(base, "GET", "/fhir/Observation/obs-p2/_history", patient)[0] == 404

        @check("patient token: searches only find the patient's resources")
        def _():
            for path in ("/fhir/Observation", "/fhir/Observation?subject=Patient/p2",
                         "/fhir/Observation?_id=obs-p2", "/fhir/Patient", "/fhir/Patient/p2/Observation",
                         "/fhir/Observation?code:text=heart"):
                s, _, b = request(base, "GET", path, patient)
                assert s == 200, (path, s, b)
                bundle = json.loads(b)
                ids = [e["resource"]["id"] for e in bundle.get("entry", [])]
                assert all(i in ("obs-p1", "p1") for i in ids), (path, ids)
                entries = json.dumps(bundle.get("entry", []))  # the links echo the query
                assert "obs-p2" not in entries and '"p2"' not in entries, (path, entries)
            s, _, b = request(base, "GET", "/fhir/Observation", patient)
            assert json.loads(b)["total"] == 1, b

        for path in ("/fhir/Observation?_include=Observation:subject",
                     "/fhir/Observation?_revinclude=Provenance:target",
                     "/fhir/Observation?subject:Patient.name=p2",
                     "/fhir/Patient?_has:Observation:subject:status=final",
                     "/fhir/Patient/p1/$everything", "/fhir/Observation/_history", "/fhir/_history"):
            @check(f"patient token: confined to the compartment: GET {path}")
            def _(path=path):
                s, _, b = request(base, "GET", path, patient)
                assert s == 200, (s, b)
                assert b"obs-p2" not in b and b'"p2"' not in b, b

        for path, status in (("/fhir/Patient/p2/$everything", 404), ("/fhir/$export", 403),
                             ("/fhir/Observation?performer:Practitioner.name=x", 403)):
            @check(f"patient token: GET {path} is {status}")
            def _(path=path, status=status):
                s, _, b = request(base, "GET", path, patient, headers={"Prefer": "respond-async"})
                assert s == status, (s, b)
                assert b"obs-p2" not in b

        @check("patient token: Bundle entries and writes outside the compartment refused")
        def _():
            bundle = {"resourceType": "Bundle", "type": "batch",
                      "entry": [{"request": {"method": "GET", "url": "Observation/obs-p2"}}]}
            s, _, b = request(base, "POST", "/fhir", patient, bundle)
            assert s == 200 and json.loads(b)["entry"][0]["response"]["status"] == "404 Not Found", (s, b)
            assert b"obs-p2" not in b.replace(b"Observation/obs-p2 is not known", b"")
            writer = ec.sign(claims("patient/*.cruds", patient="p1"))
            s, _, b = request(base, "PUT", "/fhir/Observation/obs-p2", writer,
                              {"resourceType": "Observation", "id": "obs-p2", "status": "final",
                               "code": {"text": "x"}, "subject": {"reference": "Patient/p1"}})
            assert s == 403, (s, b)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    print(f"{'FAILED: ' + ', '.join(failures) if failures else 'all passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
