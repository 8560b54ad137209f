#!/usr/bin/env python3
"""R4 Subscriptions with rest-hook channels, end to end (docs/subscriptions.md):
`vigil serve --no-demo` on a fresh folder and a real HTTP endpoint in this
process (http.server on 127.0.0.1). A requested Subscription becomes active;
a matching Observation is notified once (an empty POST carrying the
channel.header values), a non-matching one and a delete are not; a
Subscription with a payload gets PUT [endpoint]/Observation/[id] with the
resource; a Subscription whose endpoint refuses connections ends in status
error with the reason; an unsupported channel type is refused with a reason.
Header values never reach the log.

Usage: rest_hook_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import http.server
import json
import os
import socket
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from vigil_server import Server, call  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
LOINC = "http://loinc.org"
HEART_RATE, TEMPERATURE = "8867-4", "8310-5"
SECRET = "s3cret-token-do-not-log"


class Hook:
    """An HTTP endpoint on a free loopback port that records every request."""

    def __init__(self):
        self.requests = []
        self.cond = threading.Condition()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with hook.cond:
                    hook.requests.append({"method": self.command, "path": self.path,
                                          "headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": body})
                    hook.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PUT = _record

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, path_prefix, count=1, timeout=10):
        """The requests whose path starts with path_prefix, once there are count of them."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                got = [r for r in self.requests if r["path"].startswith(path_prefix)]
                if len(got) >= count or time.time() > deadline:
                    return got
                self.cond.wait(0.05)

    def close(self):
        self.server.shutdown()


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def subscription(criteria, endpoint, **channel):
    return {"resourceType": "Subscription", "status": "requested", "reason": "rest_hook_test",
            "criteria": criteria,
            "channel": dict({"type": "rest-hook", "endpoint": endpoint}, **channel)}


def observation(code, patient="p1"):
    return {"resourceType": "Observation", "status": "final",
            "code": {"coding": [{"system": LOINC, "code": code}]},
            "subject": {"reference": "Patient/" + patient},
            "effectiveDateTime": "2024-03-01T10:00:00Z",
            "valueQuantity": {"value": 88, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}}


def create(server, resource):
    status, body = call("POST", server.fhir + "/" + resource["resourceType"], resource)
    assert status == 201, (status, body)
    return body["id"]


def wait_status(server, sid, want, timeout=15):
    deadline = time.time() + timeout
    while True:
        status, body = call("GET", server.fhir + "/Subscription/" + sid)
        assert status == 200, (status, body)
        if body["status"] == want or time.time() > deadline:
            return body
        time.sleep(0.05)


def check_notification_without_payload(server, hook):
    sid = create(server, subscription("Observation?code=%s|%s" % (LOINC, HEART_RATE), hook.url + "/hook",
                                      header=["Authorization: Bearer " + SECRET, "X-Trace: t-42"]))
    sub = wait_status(server, sid, "active")
    assert sub["status"] == "active", sub
    assert "error" not in sub, sub
    create(server, observation(TEMPERATURE))  # not matching: handled first, never notified
    oid = create(server, observation(HEART_RATE))
    got = hook.wait_for("/hook")
    time.sleep(0.5)  # room for a wrong second notification
    got = hook.wait_for("/hook", timeout=0)
    assert len(got) == 1, got
    n = got[0]
    assert n["method"] == "POST" and n["path"] == "/hook", n
    assert n["headers"]["authorization"] == "Bearer " + SECRET, n["headers"]
    assert n["headers"]["x-trace"] == "t-42", n["headers"]
    assert n["headers"].get("content-length") == "0" and n["body"] == b"", n
    print("rest_hook_test: notification without payload ok")
    return oid


def check_delete_not_notified(server, hook, oid):
    status, _ = call("DELETE", server.fhir + "/Observation/" + oid)
    assert status in (200, 204), status
    time.sleep(0.5)
    got = hook.wait_for("/hook", timeout=0)
    assert len(got) == 1, got
    print("rest_hook_test: delete not notified ok")


def check_payload(server, hook):
    sid = create(server, subscription("Observation?code=%s|%s&subject=Patient/p2" % (LOINC, HEART_RATE),
                                      hook.url + "/sink/", payload="application/fhir+json"))
    assert wait_status(server, sid, "active")["status"] == "active"
    create(server, observation(HEART_RATE, patient="p1"))  # another patient: not for this one
    oid = create(server, observation(HEART_RATE, patient="p2"))
    got = hook.wait_for("/sink")
    time.sleep(0.3)
    got = hook.wait_for("/sink", timeout=0)
    assert len(got) == 1, got
    n = got[0]
    assert n["method"] == "PUT" and n["path"] == "/sink/Observation/" + oid, n
    assert n["headers"]["content-type"] == "application/fhir+json", n["headers"]
    body = json.loads(n["body"])
    status, stored = call("GET", server.fhir + "/Observation/" + oid)
    assert status == 200 and body == stored, (body, stored)
    assert body["subject"]["reference"] == "Patient/p2" and body["meta"]["versionId"] == "1", body
    print("rest_hook_test: payload PUT ok")


def check_dead_endpoint(server):
    endpoint = "http://127.0.0.1:%d/dead" % closed_port()
    sid = create(server, subscription("Observation?code=%s|%s" % (LOINC, HEART_RATE), endpoint))
    assert wait_status(server, sid, "active")["status"] == "active"
    start = time.time()
    create(server, observation(HEART_RATE))
    sub = wait_status(server, sid, "error", timeout=20)
    assert sub["status"] == "error", sub
    assert sub["error"] == "POST %s failed 5 times: connection refused" % endpoint, sub
    print("rest_hook_test: dead endpoint -> error in %.1f s ok" % (time.time() - start))


def check_unsupported_channel(server):
    sid = create(server, {"resourceType": "Subscription", "status": "requested", "reason": "r",
                          "criteria": "Observation", "channel": {"type": "websocket"}})
    sub = wait_status(server, sid, "error")
    assert sub["error"] == "channel.type 'websocket' is not supported: only rest-hook is supported", sub
    sid = create(server, subscription("Observation?colour=red", "http://127.0.0.1:9/x"))
    sub = wait_status(server, sid, "error")
    assert sub["error"].startswith("criteria: ") and "colour" in sub["error"], sub
    print("rest_hook_test: refused Subscriptions ok")


def main():
    os.environ["VIGIL_SUBSCRIPTION_RETRY_MS"] = "50"  # 5 attempts within ~1 s
    hook = Hook()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            with Server(VIGIL, os.path.join(tmp, "data"), ["--no-demo"]) as server:
                status, meta = call("GET", server.fhir + "/metadata")
                assert status == 200
                assert any(r["type"] == "Subscription" for r in meta["rest"][0]["resource"])
                oid = check_notification_without_payload(server, hook)
                check_delete_not_notified(server, hook, oid)
                check_payload(server, hook)
                check_dead_endpoint(server)
                check_unsupported_channel(server)
                log = server.log_text()
                assert server.stop() == 0, "vigil serve did not stop cleanly"
            assert "vigil serve: subscriptions: " in log, log[-2000:]
            assert SECRET not in log, "a header value reached the log"
    finally:
        hook.close()
    print("rest_hook_test: all passed")


if __name__ == "__main__":
    main()
