#!/usr/bin/env python3
"""The audit trail end to end: `vigil serve` answers a few requests (a create,
a read, a search with a query, a failing read), stops cleanly on SIGTERM, and
`vigil audit verify` must exit 0; `vigil audit show` must list one AuditEvent
per request with its interaction and base64 query. Then the log is tampered
with (a byte edited, the file truncated) and verify must exit 1 naming the
broken record. See docs/formats/audit_log.md.

Usage: serve_audit_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import base64
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

VIGIL = os.path.abspath(sys.argv[1])


def start(data):
    log = open(os.path.join(os.path.dirname(data), "serve.log"), "w+")
    proc = subprocess.Popen([VIGIL, "serve", "--data", data, "--port", "0", "--threads", "2"],
                            stderr=log)
    for _ in range(2400):  # up to 2 min: the 2-core CI machine runs two suites at once
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
                                 headers={"Content-Type": "application/fhir+json",
                                          "Authorization": "Bearer not-a-secret-but-never-logged"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def vigil(*args):
    return subprocess.run([VIGIL, "audit", *args], capture_output=True, text=True, timeout=60)


def main():
    folder = tempfile.mkdtemp(prefix="vigil-audit-")
    data = os.path.join(folder, "store")
    proc, base = start(data)
    try:
        assert call("PUT", base + "/Patient/p1", {"resourceType": "Patient", "id": "p1"}) in (200, 201)
        assert call("GET", base + "/Patient/p1") == 200
        assert call("GET", base + "/Observation?code=8302-2&_count=5") == 200
        assert call("GET", base + "/Patient/does-not-exist") == 404
        assert call("GET", base[:-len("/fhir")] + "/api/dead-letters?source=hl7v2") == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, "vigil serve did not stop cleanly"

    audit_dir = os.path.join(data, "audit")
    mode = stat.S_IMODE(os.stat(os.path.join(audit_dir, "audit_key.pem")).st_mode)
    assert mode == 0o600, oct(mode)

    r = vigil("verify", "--data", data)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("OK: "), r.stdout
    print("ok   verify of the untouched log:", r.stdout.splitlines()[0])

    r = vigil("show", "--data", data, "--limit", "100")
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(events) == 5, r.stdout
    subtypes = [e["subtype"][0]["code"] for e in events[:4]]
    assert subtypes == ["update", "read", "search-type", "read"], subtypes
    assert [e["outcome"] for e in events] == ["0", "0", "0", "4", "0"], events
    api = events[4]  # a non-FHIR API: no interaction subtype, the path and query as the entity
    assert "subtype" not in api and api["action"] == "R", api
    assert api["entity"][0]["name"] == "/api/dead-letters", api
    assert api["entity"][0]["query"] == base64.b64encode(b"source=hl7v2").decode(), api
    assert events[2]["entity"][0]["query"] == base64.b64encode(b"code=8302-2&_count=5").decode()
    assert events[1]["entity"][0]["what"]["reference"] == "Patient/p1"
    assert events[0]["agent"][0]["network"]["address"] == "127.0.0.1"
    with open(os.path.join(audit_dir, "audit.log"), "rb") as f:
        log = f.read()
    assert b"Bearer" not in log and b"never-logged" not in log, "a token reached the audit log"
    print("ok   5 AuditEvents: update, read, search-type (query base64), failed read, /api request")

    # Tamper: one byte of the second event's payload.
    pristine = log
    at = log.index(b'"read"')
    tampered = bytearray(log)
    tampered[at + 2] ^= 1
    with open(os.path.join(audit_dir, "audit.log"), "wb") as f:
        f.write(tampered)
    r = vigil("verify", "--data", data)
    assert r.returncode == 1 and r.stdout.startswith("BROKEN: record "), r.stdout + r.stderr
    print("ok   edited byte caught:", r.stdout.splitlines()[0])

    # Truncate in the middle of the last record.
    with open(os.path.join(audit_dir, "audit.log"), "wb") as f:
        f.write(pristine[:-20])
    r = vigil("verify", "--data", data)
    assert r.returncode == 1 and "BROKEN" in r.stdout, r.stdout + r.stderr
    print("ok   truncation caught:", r.stdout.splitlines()[0])

    # A server refuses to continue a broken log.
    log_file = open(os.path.join(folder, "restart.log"), "w+")
    restart = subprocess.run([VIGIL, "serve", "--data", data, "--port", "0"], stderr=log_file,
                             timeout=30)
    assert restart.returncode == 1
    print("ok   vigil serve refuses a broken log")
    search_audit_events(os.path.join(folder, "search", "store"))
    mllp_messages_audited(os.path.join(folder, "mllp", "store"))
    shutil.rmtree(folder)
    return 0


def fetch(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"{}" if method in ("POST", "PUT") else None,
                                 headers={"Content-Type": "application/fhir+json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def search_audit_events(data):
    """GET /fhir/AuditEvent answers from the log: newest first, filters, reads by id;
    every other method is 405."""
    os.makedirs(os.path.dirname(data))
    proc, base = start(data)
    try:
        assert call("PUT", base + "/Patient/p1", {"resourceType": "Patient", "id": "p1"}) in (200, 201)
        assert call("PUT", base + "/Patient/p2", {"resourceType": "Patient", "id": "p2"}) in (200, 201)
        assert call("GET", base + "/Patient/p1") == 200
        assert call("GET", base + "/Patient/nobody") == 404
        def wait_for(query, n):
            """The trail writes in batches: polls until the search finds n events (10 s)."""
            deadline = time.time() + 10
            while True:
                status, bundle = fetch(f"{base}/AuditEvent?{query}")
                assert status == 200, bundle
                if len(bundle["entry"]) >= n or time.time() > deadline:
                    return bundle
                time.sleep(0.1)  # each poll is audited too: keep them few

        def recent_requests(n):
            """The newest n audited requests, other than these searches themselves."""
            events = [e["resource"] for e in fetch(base + "/AuditEvent?_count=1000")[1]["entry"]]
            return [(e["subtype"][0]["code"], e["outcomeDesc"]) for e in events
                    if e["subtype"][0]["code"] != "search-type"][:n]

        wait_for("outcome=4", 1)  # the last of the four requests above
        bundle = wait_for("", 4)
        assert bundle["type"] == "searchset", bundle
        assert all(e["resource"]["resourceType"] == "AuditEvent" and e["resource"]["id"] for e in bundle["entry"])
        assert recent_requests(4) == [("read", "GET 404"), ("read", "GET 200"), ("update", "PUT 201"),
                                      ("update", "PUT 201")], recent_requests(4)
        status, bundle = fetch(base + "/AuditEvent?patient=Patient/p1&subtype=update")
        assert status == 200 and len(bundle["entry"]) == 1, bundle
        one = bundle["entry"][0]["resource"]
        assert bundle["entry"][0]["fullUrl"].endswith("/AuditEvent/" + one["id"])
        assert fetch(f"{base}/AuditEvent/{one['id']}") == (200, one)
        status, bundle = fetch(base + "/AuditEvent?outcome=4")
        assert status == 200 and [e["resource"]["entity"][0]["what"]["reference"] for e in bundle["entry"]] == ["Patient/nobody"], bundle
        status, bundle = fetch(base + "/AuditEvent?date=gt2099-01-01")
        assert status == 200 and bundle["entry"] == [], bundle
        assert fetch(base + "/AuditEvent?_count=1")[1]["entry"].__len__() == 1
        assert fetch(base + "/AuditEvent?bogus=1")[0] == 400
        assert fetch(base + "/AuditEvent?date=yesterday")[0] == 400
        assert fetch(base + "/AuditEvent/999999")[0] == 404
        for method, path in [("POST", "/AuditEvent"), ("PUT", "/AuditEvent/0"), ("DELETE", "/AuditEvent/0")]:
            status, outcome = fetch(base + path, method)
            assert status == 405 and outcome["resourceType"] == "OperationOutcome", (method, status, outcome)
        # These requests are audited too, the refused writes as attempted.
        wait_for("action=D", 1)
        recent = recent_requests(4)
        assert recent == [("delete", "DELETE 405"), ("update", "PUT 405"), ("create", "POST 405"),
                          ("read", "GET 404")], recent
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, "vigil serve did not stop cleanly"
    assert vigil("verify", "--data", data).returncode == 0
    print("ok   GET /fhir/AuditEvent: newest first, patient/subtype/outcome/date filters, read by id, "
          "405 for writes, its own requests audited")


def mllp_messages_audited(data):
    """Every HL7 v2 message is an Import AuditEvent (subtype hl7v2): the sender, the
    control id, the resources written; a refused one with its dead letter."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
    from mllp_client import MllpClient, oru
    from vigil_server import Server
    os.makedirs(os.path.dirname(data))
    with Server(VIGIL, data, ["--mllp-port", "0"]) as server:
        port = server.mllp_port()
        client = MllpClient(port)
        assert client.send(oru(7, obx=2))[0] == "AA"
        assert client.send("this is not an HL7 message")[0] == "AR"
        client.close()
        deadline = time.time() + 10
        while True:
            status, bundle = fetch(server.fhir + "/AuditEvent?subtype=hl7v2")
            assert status == 200, bundle
            if len(bundle["entry"]) >= 2 or time.time() > deadline:
                break
            time.sleep(0.1)
        refused, accepted = [e["resource"] for e in bundle["entry"]]
        assert accepted["type"]["code"] == "110107" and accepted["action"] == "C", accepted
        assert accepted["outcome"] == "0" and accepted["agent"][0]["who"]["display"] == "LAB^GH", accepted
        assert accepted["agent"][0]["network"]["address"] == "127.0.0.1", accepted
        assert accepted["entity"][0]["what"]["identifier"]["value"] == "C7", accepted
        written = [e["what"]["reference"] for e in accepted["entity"][1:]]
        assert any(w.startswith("Patient/") for w in written), written
        assert sum(w.startswith("Observation/") for w in written) == 2, written
        assert refused["outcome"] == "4" and refused["action"] == "E", refused
        details = {d["type"]: d["valueString"] for d in refused["entity"][0]["detail"]}
        assert details["ack"] == "AR" and details["deadLetter"], details
        assert server.stop() == 0
    assert vigil("verify", "--data", data).returncode == 0
    print("ok   MLLP messages audited: Import events with sender, control id, resources, dead letter")


if __name__ == "__main__":
    sys.exit(main())
