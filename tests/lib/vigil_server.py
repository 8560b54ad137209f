"""Shared helpers for the Python end-to-end tests: start `vigil serve` on a free
port, call it, stop it.

    sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
    from vigil_server import Server, call
    with Server(VIGIL, data_dir, ["--model", model]) as server:
        status, body = call("GET", server.fhir + "/Patient")
        status, text, headers = call_raw("GET", server.origin + "/metrics")

With `--tls-cert`, .fhir and .origin are https:// URLs; pass an ssl.SSLContext
that trusts the certificate as `context=` to call / call_raw.
"""
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request


class Server:
    """`vigil serve --data DATA --port 0 --threads 2 [extra]`; .fhir is the FHIR
    base URL ("http://127.0.0.1:PORT/fhir"), .origin the server's root. The log
    goes to DATA/../serve-<n>.log (returned by .log_text())."""

    _count = 0

    def __init__(self, vigil, data, extra=(), timeout_s=120):
        Server._count += 1
        self.log_path = os.path.join(os.path.dirname(os.path.abspath(data)),
                                     "serve-%d.log" % Server._count)
        self._log = open(self.log_path, "w+")
        self.proc = subprocess.Popen(
            [vigil, "serve", "--data", data, "--port", "0", "--threads", "2", *extra],
            stderr=self._log)
        deadline = time.time() + timeout_s
        while time.time() < deadline:
            for line in self.log_text().splitlines():
                if "FHIR R4 at " in line:
                    self.fhir = line.split("FHIR R4 at ")[1].split()[0]
                    self.origin = self.fhir[: -len("/fhir")]
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.proc.kill()
        raise RuntimeError("vigil serve did not start:\n" + self.log_text()[-3000:])

    def log_text(self):
        self._log.flush()
        with open(self.log_path) as f:
            return f.read()

    def wait_log(self, pattern, timeout_s=30):
        """The first match of regex `pattern` in the log, waiting for it: listeners
        started after the FHIR one (MLLP) log their line a moment later."""
        deadline = time.time() + timeout_s
        while True:
            found = re.search(pattern, self.log_text())
            if found:
                return found
            if time.time() > deadline or self.proc.poll() is not None:
                raise AssertionError("no %r in the log:\n%s" % (pattern, self.log_text()[-3000:]))
            time.sleep(0.05)

    def mllp_port(self):
        """The port of the MLLP listener (`--mllp-port`), once it is listening."""
        return int(self.wait_log(r"HL7 v2 MLLP at \S+:(\d+) ").group(1))

    def stop(self, sig=signal.SIGTERM, timeout_s=30):
        """Stops the server; returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def call_raw(method, url, body=None, headers=None, timeout=30, context=None):
    """(status, body bytes, headers dict with lower-case names). body: bytes,
    str or a JSON-able value. context: an ssl.SSLContext for https:// URLs."""
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    req = urllib.request.Request(url, data=body, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
            return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, e.read(), {k.lower(): v for k, v in e.headers.items()}


def call(method, url, body=None, headers=None, timeout=30, context=None):
    """(status, parsed JSON or None)."""
    status, data, _ = call_raw(method, url, body, headers, timeout, context)
    return status, (json.loads(data) if data else None)
