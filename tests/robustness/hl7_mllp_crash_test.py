#!/usr/bin/env python3
"""SIGKILL `vigil serve` while 4 MLLP senders stream ORU^R01 messages.

What the listener promises (server/mllp/hl7_ingest.h): an AA is sent only
after the message's resources and its dedupe record committed together. So
after a restart every AA'd message must be in the store, and resending every
message must apply none twice (one Provenance per message, exactly).

Usage: hl7_mllp_crash_test.py PATH/TO/vigil     (exit 0 = passed)
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from mllp_client import MllpClient, oru  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
MESSAGES, SENDERS = 600, 4


def start(data, run):
    log = open(os.path.join(data, f"serve-{run}.log"), "w+")
    proc = subprocess.Popen([VIGIL, "serve", "--data", os.path.join(data, "store"), "--port", "0",
                             "--mllp-port", "0", "--threads", "2"], stderr=log)
    for _ in range(300):
        log.seek(0)
        text = log.read()
        base = re.findall(r"FHIR R4 at (http\S+)", text)
        port = re.findall(r"HL7 v2 MLLP at \S+:(\d+) ", text)
        if proc.poll() is None and base and port:
            return proc, base[0], int(port[0])
        time.sleep(0.1)
    raise RuntimeError("vigil serve did not start:\n" + text)


def total(base, query):
    with urllib.request.urlopen(f"{base}/{query}", timeout=30) as r:
        return json.load(r)["total"]


def stream(port, numbers, acked):
    try:
        client = MllpClient(port)
        for n in numbers:
            code, control = client.send(oru(n))
            if code == "AA" and control == f"C{n}":
                acked.append(n)
    except (OSError, ConnectionError):
        pass  # the server was killed


def main():
    data = tempfile.mkdtemp(prefix="vigil-mllp-crash-")
    proc, base, port = start(data, 1)
    acked = []
    threads = [threading.Thread(target=stream, args=(port, range(i, MESSAGES, SENDERS), acked))
               for i in range(SENDERS)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while len(acked) < MESSAGES // 4 and time.time() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for t in threads:
        t.join()
    failures = []
    if not 0 < len(acked) < MESSAGES:
        failures.append(f"kill was not mid-stream: {len(acked)} of {MESSAGES} acknowledged")
    print(f"killed after {len(acked)} AA of {MESSAGES}", flush=True)

    proc, base, port = start(data, 2)
    try:
        missing = [n for n in acked if total(base, f"DiagnosticReport?identifier=F{n}&_summary=count") != 1]
        if missing:
            failures.append(f"{len(missing)} acknowledged messages not in the store, e.g. C{missing[0]}")
        client = MllpClient(port)
        not_aa = [n for n in range(MESSAGES) if client.send(oru(n))[0] != "AA"]
        client.close()
        if not_aa:
            failures.append(f"{len(not_aa)} resent messages not answered AA, e.g. C{not_aa[0]}")
        # /metrics counts the ACKs this server sent (the resends, all AA).
        metrics = urllib.request.urlopen(base[: -len("/fhir")] + "/metrics", timeout=10).read().decode()
        aa = [line for line in metrics.splitlines() if line.startswith('vigil_mllp_messages_total{ack="AA"}')]
        if aa != [f'vigil_mllp_messages_total{{ack="AA"}} {MESSAGES}']:
            failures.append(f"/metrics MLLP ACK count: {aa}, want {MESSAGES} AA")
        for query, want in [("Provenance?_summary=count", MESSAGES),
                            ("DiagnosticReport?_summary=count", MESSAGES),
                            ("Observation?_summary=count", MESSAGES * 3)]:
            got = total(base, query)
            if got != want:
                failures.append(f"{query}: {got}, want {want} (a message applied twice or lost)")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    for f in failures:
        print(f"FAIL {f}")
    if not failures:
        shutil.rmtree(data, ignore_errors=True)
    print("hl7 mllp crash test:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
