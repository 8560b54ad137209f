#!/usr/bin/env python3
"""SQL-on-FHIR inside `vigil serve`, end to end (docs/analytics.md): patients,
heart-rate and temperature Observations and a Group are posted as a transaction;
a ViewDefinition is stored and run with $run in CSV, NDJSON and JSON, with and
without a patient or group filter, and every row is checked against values this
test computes from the resources it posted. The view is then materialized: an
Observation written over REST must show in /api/sql within a second, and so must
its update and its delete. Bad views and bad or writing SQL are refused with 400;
a long cartesian query is stopped at its time limit while another request is
answered quickly; `vigil sql` reads the same tables. With --auth smart, both
paths need a valid bearer token with the vigil/analytics.read scope (roles are
checked scope by scope in tests/auth/serve_auth_test.py).

Usage: serve_analytics_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import base64
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from vigil_server import Server, call, call_raw  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
HEART_RATE = "8867-4"
TEMPERATURE = "8310-5"

VIEW = {
    "resourceType": "ViewDefinition", "name": "hr", "resource": "Observation", "status": "active",
    "where": [{"path": "code.coding.where(system = 'http://loinc.org' and code = '%s').exists()"
               % HEART_RATE}],
    "select": [{"column": [
        {"name": "id", "path": "id", "type": "id"},
        {"name": "patient", "path": "subject.getReferenceKey(Patient)", "type": "string"},
        {"name": "bpm", "path": "value.ofType(Quantity).value", "type": "integer"},
        {"name": "effective", "path": "effective.ofType(dateTime)", "type": "dateTime"}]}]}


def observation(oid, patient, code, value, minute):
    return {"resourceType": "Observation", "id": oid, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "subject": {"reference": "Patient/" + patient},
            "effectiveDateTime": "2026-03-01T08:%02d:00Z" % minute,
            "valueQuantity": {"value": value, "unit": "/min" if code == HEART_RATE else "Cel",
                              "system": "http://unitsofmeasure.org",
                              "code": "/min" if code == HEART_RATE else "Cel"}}


def resources():
    out = [{"resourceType": "Patient", "id": p, "name": [{"family": f}]}
           for p, f in (("p1", "Ng"), ("p2", "Roe"), ("p3", "Sato"))]
    n = 0
    for i, patient in enumerate(("p1", "p2", "p3")):
        for k in range(4):
            n += 1
            out.append(observation("hr%02d" % n, patient, HEART_RATE, 60 + 7 * i + 3 * k, n))
        out.append(observation("t%d" % i, patient, TEMPERATURE, 37, n))
    out.append({"resourceType": "Group", "id": "g1", "type": "person", "actual": True,
                "member": [{"entity": {"reference": "Patient/p1"}},
                           {"entity": {"reference": "Patient/p3"}}]})
    return out


def expected_rows(posted, patients=None):
    """The view's rows computed here, sorted by id: [id, patient, bpm, effective]."""
    rows = []
    for r in posted:
        if r["resourceType"] != "Observation" or r["code"]["coding"][0]["code"] != HEART_RATE:
            continue
        patient = r["subject"]["reference"].split("/")[1]
        if patients is None or patient in patients:
            rows.append([r["id"], "Patient/" + patient, r["valueQuantity"]["value"],
                         r["effectiveDateTime"]])
    return sorted(rows)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def post_transaction(fhir, posted):
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": r, "request": {"method": "PUT", "url": "%s/%s" % (r["resourceType"], r["id"])}}
        for r in posted]}
    status, body = call("POST", fhir, bundle)
    check(status == 200, "transaction: %s %s" % (status, json.dumps(body)[:500]))


def run_view(fhir, query, accept=None):
    headers = {"Accept": accept} if accept else {}
    return call_raw("GET", fhir + "/ViewDefinition/hr/$run?" + query, headers=headers)


def check_run_formats(fhir, posted):
    want = expected_rows(posted)
    status, body, headers = run_view(fhir, "_format=csv")
    check(status == 200 and headers["content-type"] == "text/csv", (status, headers))
    rows = list(csv.reader(io.StringIO(body.decode())))
    check(rows[0] == ["id", "patient", "bpm", "effective"], rows[0])
    check(sorted([r[0], r[1], int(r[2]), r[3]] for r in rows[1:]) == want, ("csv", rows))

    status, body, headers = run_view(fhir, "_format=ndjson")
    check(status == 200 and headers["content-type"] == "application/x-ndjson", headers)
    got = [json.loads(line) for line in body.decode().splitlines()]
    check(sorted([o["id"], o["patient"], o["bpm"], o["effective"]] for o in got) == want, got)

    status, body, headers = run_view(fhir, "_format=json")
    check(status == 200 and headers["content-type"] == "application/json", headers)
    got = json.loads(body)
    check(sorted([o["id"], o["patient"], o["bpm"], o["effective"]] for o in got) == want, got)

    # The Accept header chooses when _format is absent.
    status, body, headers = run_view(fhir, "", accept="text/csv")
    check(headers["content-type"] == "text/csv" and body.startswith(b"id,patient"), body[:100])


def check_run_filters(fhir, posted):
    status, body, _ = run_view(fhir, "_format=json&patient=Patient/p2")
    got = sorted([o["id"], o["patient"], o["bpm"], o["effective"]] for o in json.loads(body))
    check(status == 200 and got == expected_rows(posted, {"p2"}), ("patient", got))

    status, body, _ = run_view(fhir, "_format=ndjson&patient=p1&patient=Patient/p3&_limit=5")
    got = [json.loads(line)["id"] for line in body.decode().splitlines()]
    both = [r[0] for r in expected_rows(posted, {"p1", "p3"})]
    check(status == 200 and len(got) == 5 and set(got) <= set(both), ("limit", got))

    params = {"resourceType": "Parameters", "parameter": [
        {"name": "viewResource", "resource": VIEW},
        {"name": "group", "valueReference": {"reference": "Group/g1"}},
        {"name": "_format", "valueCode": "csv"}]}
    status, body, headers = call_raw("POST", fhir + "/ViewDefinition/$run", params)
    rows = list(csv.reader(io.StringIO(body.decode())))[1:]
    got = sorted([r[0], r[1], int(r[2]), r[3]] for r in rows)
    check(status == 200 and got == expected_rows(posted, {"p1", "p3"}), ("group", status, body[:300]))

    status, body = call("GET", fhir + "/ViewDefinition/hr/$run?patient=Patient/nobody")
    check(status == 404 and body["resourceType"] == "OperationOutcome", ("unknown patient", status))
    status, body = call("GET", fhir + "/ViewDefinition/hr/$run?_page=2")
    check(status == 400, ("unsupported parameter", status, body))


def check_view_crud(fhir):
    status, body, headers = call_raw("PUT", fhir + "/ViewDefinition/hr", VIEW)
    check(status == 201 and "location" in headers, ("create", status, body[:300]))
    status, body = call("PUT", fhir + "/ViewDefinition/hr", VIEW)
    check(status == 200 and body["meta"]["versionId"] == "2", ("replace", status, body))
    status, body = call("GET", fhir + "/ViewDefinition/hr")
    check(status == 200 and body["id"] == "hr" and body["name"] == "hr", ("read", status))
    status, body = call("GET", fhir + "/ViewDefinition")
    check(status == 200 and body["type"] == "searchset" and body["total"] == 1, ("list", body))
    bad = dict(VIEW, select=[{"column": [{"name": "bad name", "path": "id"}]}])
    status, body = call("PUT", fhir + "/ViewDefinition/bad", bad)
    check(status == 400 and body["resourceType"] == "OperationOutcome"
          and "invalid column name 'bad name'" in body["issue"][0]["diagnostics"], ("bad view", body))
    status, _ = call("GET", fhir + "/ViewDefinition/bad")
    check(status == 404, ("bad view stored", status))


def sql(origin, query, **extra):
    return call("POST", origin + "/api/sql", dict(sql=query, **extra))


def wait_for(origin, query, want, timeout_s=1.0):
    """Polls /api/sql until it answers rows == want; returns the seconds it took."""
    start = time.monotonic()
    while True:
        status, body = sql(origin, query)
        check(status == 200, (query, status, body))
        if body["rows"] == want:
            return time.monotonic() - start
        if time.monotonic() - start > timeout_s:
            raise AssertionError("%s: %s after %.1f s, want %s" % (query, body["rows"], timeout_s, want))
        time.sleep(0.005)


def check_materialized(server, posted):
    fhir, origin = server.fhir, server.origin
    status, body = call("PUT", fhir + "/ViewDefinition/hr?materialize=true", VIEW)
    check(status == 200, ("materialize", status, body))
    status, body = sql(origin, "SELECT id, patient, bpm, effective FROM view_hr ORDER BY id")
    check(status == 200 and body["columns"] == ["id", "patient", "bpm", "effective"], body)
    check(body["rows"] == expected_rows(posted) and body["truncated"] is False, body["rows"])

    query = "SELECT bpm FROM view_hr WHERE id = 'live1'"
    new = observation("live1", "p2", HEART_RATE, 101, 59)
    status, _ = call("PUT", fhir + "/Observation/live1", new)
    check(status == 201, ("write", status))
    wait_for(origin, query, [[101]])
    new["valueQuantity"]["value"] = 77
    status, _ = call("PUT", fhir + "/Observation/live1", new)
    check(status == 200, ("update", status))
    wait_for(origin, query, [[77]])
    status, _ = call("DELETE", fhir + "/Observation/live1")
    check(status in (200, 204), ("delete", status))
    wait_for(origin, query, [])

    status, body = sql(origin, "SELECT id FROM view_hr ORDER BY id", limit=3)
    check(body["truncated"] is True and len(body["rows"]) == 3, body)
    status, text, headers = call_raw("POST", origin + "/api/sql", "SELECT count(*) AS n FROM view_hr",
                                     headers={"Content-Type": "text/plain", "Accept": "text/csv"})
    check(status == 200 and headers["content-type"] == "text/csv"
          and text == b"n\n%d\n" % len(expected_rows(posted)), (status, text))


def check_sql_refusals(origin, posted):
    count = len(expected_rows(posted))
    for bad in ("SELEC id FROM view_hr", "DELETE FROM view_hr", "DROP TABLE view_hr",
                "UPDATE view_hr SET bpm = 0", "INSERT INTO view_hr (id) VALUES ('x')",
                "ATTACH DATABASE '/tmp/x.sqlite' AS x", "PRAGMA writable_schema = 1",
                "SELECT * FROM vigil_views", "SELECT 1; DELETE FROM view_hr"):
        status, body = sql(origin, bad)
        check(status == 400 and body["resourceType"] == "OperationOutcome", (bad, status, body))
    status, body = sql(origin, "SELECT count(*) FROM view_hr")
    check(body["rows"] == [[count]], ("data changed", body))


def check_long_query(origin):
    """A cartesian join stopped at its time limit; meanwhile the server answers."""
    result = {}

    def long_query():
        start = time.monotonic()
        result["answer"] = sql(origin, "SELECT count(*) FROM view_hr a, view_hr b, view_hr c, "
                                       "view_hr d, view_hr e, view_hr f, view_hr g WHERE a.id || "
                                       "b.id || c.id || d.id || e.id || f.id || g.id LIKE '%zz%'",
                               timeout_ms=1500)
        result["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=long_query)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    status, body = sql(origin, "SELECT count(*) FROM view_hr")
    quick = time.monotonic() - start
    thread.join()
    check(status == 200 and quick < 0.5, ("not responsive", status, quick))
    status, body = result["answer"]
    check(status == 400 and body["issue"][0]["code"] == "too-costly", ("long query", status, body))
    check(1.4 < result["seconds"] < 4, ("time limit", result["seconds"]))


def check_cli(data, posted):
    r = subprocess.run([VIGIL, "sql", "--data", data, "SELECT count(*) AS n FROM view_hr"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and r.stdout == "n\n%d\n" % len(expected_rows(posted)), r)
    r = subprocess.run([VIGIL, "sql", "--data", data, "DELETE FROM view_hr"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 1 and "not authorized" in r.stderr, r)


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def ec_token(folder):
    """(JWKS file, a signed ES256 token for issuer/audience "test") with a fresh P-256 key."""
    pem = os.path.join(folder, "key.pem")
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pem)
    point = openssl("pkey", "-in", pem, "-pubout", "-outform", "DER")[-65:]
    jwks = os.path.join(folder, "jwks.json")
    with open(jwks, "w") as f:
        json.dump({"keys": [{"kty": "EC", "crv": "P-256", "alg": "ES256", "kid": "k1",
                             "x": b64u(point[1:33]), "y": b64u(point[33:])}]}, f)
    header = {"alg": "ES256", "kid": "k1", "typ": "JWT"}
    claims = {"iss": "test", "aud": "test", "sub": "app", "exp": int(time.time()) + 300,
              "scope": "vigil/analytics.read"}
    signing_input = (b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode()))
    der = openssl("dgst", "-sha256", "-sign", pem, data=signing_input.encode())
    raw, i = b"", 2 + (1 if der[1] & 0x80 else 0)  # DER SEQUENCE of two INTEGERs -> r || s
    for _ in range(2):
        n = der[i + 1]
        raw += der[i + 2:i + 2 + n].lstrip(b"\0").rjust(32, b"\0")
        i += 2 + n
    return jwks, signing_input + "." + b64u(raw)


def check_auth(tmp):
    jwks, token = ec_token(tmp)
    args = ["--auth", "smart", "--issuer", "test", "--audience", "test", "--jwks", jwks, "--no-audit"]
    with Server(VIGIL, os.path.join(tmp, "auth-data"), args) as server:
        status, _ = call("GET", server.fhir + "/ViewDefinition")
        check(status == 401, ("no token: views", status))
        status, _ = sql(server.origin, "SELECT 1")
        check(status == 401, ("no token: sql", status))
        status, body = call("GET", server.fhir + "/ViewDefinition",
                            headers={"Authorization": "Bearer " + token})
        check(status == 200 and body["total"] == 0, ("token: views", status, body))


def main():
    tmp = tempfile.mkdtemp(prefix="vigil-analytics-")
    try:
        data = os.path.join(tmp, "data")
        posted = resources()
        with Server(VIGIL, data, ["--no-demo", "--no-audit"]) as server:
            post_transaction(server.fhir, posted)
            check_view_crud(server.fhir)
            check_run_formats(server.fhir, posted)
            check_run_filters(server.fhir, posted)
            check_materialized(server, posted)
            check_sql_refusals(server.origin, posted)
            check_long_query(server.origin)
            check_cli(data, posted)
            status, _ = call("DELETE", server.fhir + "/ViewDefinition/hr")
            check(status == 204, ("delete view", status))
            status, body = sql(server.origin, "SELECT 1 FROM view_hr")
            check(status == 400, ("table kept", status, body))
        check_auth(tmp)
        print("serve_analytics: all checks passed")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
