#!/usr/bin/env python3
"""`vigil serve --tls-cert --tls-key` end to end (docs/tls.md), with certificates
made here by the openssl CLI:

- one of the two flags alone, or a key of another certificate: a clear error and
  a non-zero exit before anything listens;
- HTTPS: /fhir/metadata over TLS with the certificate as the only CA; the
  CapabilityStatement's base URL and a create's Location are https://; plain
  HTTP on the port gets no HTTP answer and one log line;
- MLLP over TLS (--mllp-port): an ORU^R01 gets AA; plain MLLP gets no ACK;
- https:// Subscription endpoints: the one whose certificate --subscription-ca
  trusts receives the notification; the one with an untrusted self-signed
  certificate ends in status error with a reason naming the problem.

Usage: tls_test.py PATH/TO/vigil     (exit 0 = all passed, 77 = no openssl CLI)
"""
import http.client
import http.server
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from mllp_client import MllpClient, oru  # noqa: E402
from vigil_server import Server, call, call_raw  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
LOINC = "http://loinc.org"
HEART_RATE = "8867-4"


def make_cert(tmp, name, san):
    """A self-signed EC P-256 certificate for `san`; (cert path, key path)."""
    cert, key = os.path.join(tmp, name + ".crt"), os.path.join(tmp, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name,
                    "-addext", "subjectAltName=" + san,
                    "-addext", "keyUsage=critical,digitalSignature,keyCertSign"],
                   check=True, capture_output=True)
    return cert, key


class HttpsHook:
    """An HTTPS endpoint on a free loopback port serving `cert`; records requests."""

    def __init__(self, cert, key):
        self.paths = []
        self.cond = threading.Condition()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                with hook.cond:
                    hook.paths.append(self.path)
                    hook.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = "https://127.0.0.1:%d/hook" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, timeout=10):
        deadline = time.time() + timeout
        with self.cond:
            while not self.paths and time.time() < deadline:
                self.cond.wait(0.05)
            return list(self.paths)

    def close(self):
        self.server.shutdown()


def check_flag_errors(tmp, cert, key, other_key):
    data = os.path.join(tmp, "refused")
    cases = [(["--tls-cert", cert], "--tls-cert and --tls-key go together"),
             (["--tls-key", key], "--tls-cert and --tls-key go together"),
             (["--tls-cert", cert, "--tls-key", other_key],
              "TLS key file '%s' does not match the certificate in '%s'" % (other_key, cert)),
             (["--tls-cert", os.path.join(tmp, "missing.crt"), "--tls-key", key],
              "TLS certificate file '%s' cannot be read" % os.path.join(tmp, "missing.crt"))]
    for flags, message in cases:
        r = subprocess.run([VIGIL, "serve", "--data", data, "--port", "0", "--no-demo", *flags],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode != 0, (flags, r.stderr)
        assert message in r.stderr, (flags, r.stderr)
        assert "listening on" not in r.stderr, r.stderr
    print("tls_test: flag errors ok")


def check_https(server, ca):
    assert server.fhir.startswith("https://127.0.0.1:"), server.fhir
    status, meta = call("GET", server.fhir + "/metadata", context=ca)
    assert status == 200, status
    assert meta["implementation"]["url"] == server.fhir, meta["implementation"]
    status, _, headers = call_raw("POST", server.fhir + "/Patient", {"resourceType": "Patient"}, context=ca)
    assert status == 201, status
    assert headers["location"].startswith(server.fhir + "/Patient/"), headers
    try:
        call("GET", server.fhir.replace("https://", "http://") + "/metadata", timeout=5)
        raise AssertionError("plain HTTP on the TLS port was answered")
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError):
        pass
    time.sleep(0.2)
    failed = [line for line in server.log_text().splitlines() if "TLS handshake with" in line]
    assert failed == ["vigil http: TLS handshake with 127.0.0.1 failed: http request"], failed
    print("tls_test: HTTPS ok (base URL %s)" % server.fhir)


def check_mllp(server, ca):
    port = int(server.wait_log(r"HL7 v2 MLLP at \S+:(\d+) \(MLLP/TLS; ").group(1))
    client = MllpClient(port, ssl_context=ca, timeout=10)
    try:
        assert client.send(oru(1)) == ("AA", "C1")
    finally:
        client.close()
    plain = MllpClient(port, timeout=10)
    try:
        plain.send(oru(2))
        raise AssertionError("plain MLLP on the TLS port was acknowledged")
    except (ConnectionError, TimeoutError):
        pass
    finally:
        plain.close()
    print("tls_test: MLLP/TLS AA ok")


def subscription(endpoint):
    return {"resourceType": "Subscription", "status": "requested", "reason": "tls_test",
            "criteria": "Observation?code=%s|%s" % (LOINC, HEART_RATE),
            "channel": {"type": "rest-hook", "endpoint": endpoint}}


def wait_status(server, ca, sid, want, timeout=15):
    deadline = time.time() + timeout
    while True:
        status, body = call("GET", server.fhir + "/Subscription/" + sid, context=ca)
        assert status == 200, status
        if body["status"] == want or time.time() > deadline:
            return body
        time.sleep(0.05)


def check_subscriptions(server, ca, trusted, untrusted):
    ids = []
    for hook in (trusted, untrusted):
        status, body = call("POST", server.fhir + "/Subscription", subscription(hook.url), context=ca)
        assert status == 201, (status, body)
        ids.append(body["id"])
        assert wait_status(server, ca, body["id"], "active")["status"] == "active"
    status, _ = call("POST", server.fhir + "/Observation", {
        "resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": LOINC, "code": HEART_RATE}]},
        "subject": {"reference": "Patient/p1"}, "valueQuantity": {"value": 88}}, context=ca)
    assert status == 201, status
    assert trusted.wait() == ["/hook"], trusted.paths
    sub = wait_status(server, ca, ids[1], "error", timeout=20)
    want = ("POST %s failed 5 times: TLS handshake failed: certificate verify failed "
            "(self-signed certificate)" % untrusted.url)
    assert sub.get("error") == want, sub
    assert untrusted.paths == [], untrusted.paths
    print("tls_test: https:// Subscriptions ok (trusted delivered, untrusted -> error)")


def main():
    if shutil.which("openssl") is None:
        print("tls_test: no openssl CLI; skipped")
        return 77
    os.environ["VIGIL_SUBSCRIPTION_RETRY_MS"] = "50"
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = make_cert(tmp, "vigil-test", "IP:127.0.0.1,DNS:localhost")
        _, other_key = make_cert(tmp, "other", "DNS:other.example")
        stranger_cert, stranger_key = make_cert(tmp, "stranger", "IP:127.0.0.1")
        check_flag_errors(tmp, cert, key, other_key)
        ca = ssl.create_default_context(cafile=cert)
        trusted, untrusted = HttpsHook(cert, key), HttpsHook(stranger_cert, stranger_key)
        try:
            flags = ["--no-demo", "--tls-cert", cert, "--tls-key", key, "--mllp-port", "0",
                     "--subscription-ca", cert]
            with Server(VIGIL, os.path.join(tmp, "data"), flags) as server:
                check_https(server, ca)
                check_mllp(server, ca)
                check_subscriptions(server, ca, trusted, untrusted)
        finally:
            trusted.close()
            untrusted.close()
    print("tls_test: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
