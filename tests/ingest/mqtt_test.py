#!/usr/bin/env python3
"""`vigil serve --mqtt-url`: device readings from a real mosquitto broker.

The test runs its own broker (persistence on, loopback, a free port) and
publishes with `mosquitto_pub -q 1`, which exits 0 only after the broker's
PUBACK: such a reading is *acknowledged*, and the promise checked here
(docs/device-streams.md, "Guarantees") is that every acknowledged reading
ends up as exactly one Observation, with its Device and the patient's
in-progress Encounter, even when
  1. the broker is stopped (SIGTERM) and restarted while a publisher streams;
  2. `vigil serve` is stopped while readings are published, and restarted
     (the broker keeps them for vigil's persistent session);
  3. a reading is delivered twice.
A reading for an unknown patient and an unparseable payload go to the
dead-letter folder; `vigil ingest dead-letter replay --source mqtt` stores the
first once its patient exists. The broker password never reaches the log.

Usage: mqtt_test.py PATH/TO/vigil     (exit 0 = passed)
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from vigil_server import Server, call, call_raw  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
PASSWORD = "hunter2-not-for-logs"
MRN = "urn:mrn|MRN-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """mosquitto -c CONF with persistence in DIR/db/; started and stopped by PID."""

    def __init__(self, work):
        self.port = free_port()
        self.work = work
        os.makedirs(os.path.join(work, "db"), exist_ok=True)
        self.conf = os.path.join(work, "mosquitto.conf")
        # `user root`: started as root, mosquitto otherwise switches to the user
        # "mosquitto", which cannot write DIR (the saved sessions would be lost);
        # as any other user the setting has no effect.
        with open(self.conf, "w") as f:
            f.write(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
                    f"persistence_location {work}/db/\nlog_dest file {work}/mosquitto.log\n"
                    "user root\n")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["mosquitto", "-c", self.conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)


def reading(device, minute, patient=MRN, value=None):
    return json.dumps({"device": device, "patient": patient, "name": "heart_rate",
                       "value": 60 + minute % 50 if value is None else value, "unit": "bpm",
                       "time": "2026-05-01T08:%02d:%02d+00:00" % (minute // 60, minute % 60)})


def key(device, minute):
    return "%s/8867-4/2026-05-01T08:%02d:%02d.000Z" % (device, minute // 60, minute % 60)


def publish(port, device, payload):
    """True when the broker acknowledged the QoS 1 message (PUBACK)."""
    r = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1",
                        "-t", f"devices/{device}/vitals", "-m", payload],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=15)
    return r.returncode == 0


def wait_for(what, predicate, timeout_s=30):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


def observations(server):
    status, bundle = call("GET", server.fhir + "/Observation?_count=1000")
    assert status == 200, bundle
    return [e["resource"] for e in bundle.get("entry", [])]


def reading_keys(server):
    keys = []
    for obs in observations(server):
        for ident in obs.get("identifier", []):
            if ident.get("system") == "urn:vigil:device-reading":
                keys.append(ident["value"])
    return keys


def stop(server):
    rc = server.stop()
    assert rc == 0, f"vigil serve exited {rc}:\n" + server.log_text()[-3000:]


def connections(server):
    return server.log_text().count("mqtt: connected to")


def main():
    work = tempfile.mkdtemp(prefix="vigil-mqtt-")
    broker = Broker(work)
    data = os.path.join(work, "data")
    server = None
    try:
        broker.start()
        url = f"mqtt://vigil:{PASSWORD}@127.0.0.1:{broker.port}"
        args = ["--no-demo", "--no-audit", "--mqtt-url", url, "--mqtt-topic", "devices/+/vitals"]
        server = Server(VIGIL, data, args)
        wait_for("the first MQTT connection", lambda: connections(server) >= 1)
        assert call("PUT", server.fhir + "/Patient/p1", {
            "resourceType": "Patient", "id": "p1",
            "identifier": [{"system": "urn:mrn", "value": "MRN-1"}]})[0] in (200, 201)
        assert call("PUT", server.fhir + "/Encounter/e1", {
            "resourceType": "Encounter", "id": "e1", "status": "in-progress",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
            "subject": {"reference": "Patient/p1"}})[0] in (200, 201)

        # 1. A publisher streams while the broker is stopped and restarted.
        acked, attempts = [], 40
        def stream():
            for minute in range(attempts):
                if publish(broker.port, "monitor-7", reading("monitor-7", minute)):
                    acked.append(key("monitor-7", minute))
                time.sleep(0.05)
        publisher = threading.Thread(target=stream)
        publisher.start()
        wait_for("some acknowledged readings", lambda: len(acked) >= 10)
        broker.stop()
        time.sleep(1.0)
        broker.start()
        publisher.join(timeout=60)
        assert 15 <= len(acked) < attempts, f"expected some publishes to fail while the broker was down: {len(acked)}"
        wait_for("vigil to reconnect", lambda: connections(server) >= 2)
        wait_for("every acknowledged reading stored", lambda: set(acked) <= set(reading_keys(server)))
        print(f"broker restart: {len(acked)} of {attempts} readings acknowledged, all stored")

        # 3. A reading delivered again stores nothing new.
        assert publish(broker.port, "monitor-7", reading("monitor-7", 0))
        acked_before_stop = len(acked)

        # 2. vigil stopped: the broker keeps what is published for its session.
        stop(server)
        for minute in range(100, 105):
            assert publish(broker.port, "bed-3", reading("bed-3", minute))
            acked.append(key("bed-3", minute))
        # Not mappable: an unknown patient; not JSON.
        assert publish(broker.port, "bed-3", reading("bed-3", 200, patient="urn:mrn|NOBODY"))
        assert publish(broker.port, "bed-3", "HR=72;SpO2=97")
        server = Server(VIGIL, data, args)
        wait_for("readings queued while vigil was stopped",
                 lambda: set(acked) <= set(reading_keys(server)))
        assert len(acked) == acked_before_stop + 5

        keys = reading_keys(server)
        assert len(keys) == len(set(keys)), "an Observation was stored twice"
        assert set(keys) == set(acked), sorted(set(keys) ^ set(acked))
        devices = {}
        status, bundle = call("GET", server.fhir + "/Device")
        for e in bundle.get("entry", []):
            devices["Device/" + e["resource"]["id"]] = e["resource"]["identifier"][0]["value"]
        assert sorted(devices.values()) == ["bed-3", "monitor-7"], devices
        for obs in observations(server):
            device = obs["identifier"][0]["value"].split("/")[0]
            assert devices[obs["device"]["reference"]] == device, obs
            assert obs["subject"]["reference"] == "Patient/p1", obs
            assert obs["encounter"]["reference"] == "Encounter/e1", obs
            assert obs["code"]["coding"][0] == {"system": "http://loinc.org", "code": "8867-4",
                                                "display": "Heart rate"}, obs
            assert obs["valueQuantity"]["code"] == "/min", obs
        print(f"vigil restart: {len(keys)} Observations, no duplicates, Device and Encounter linked")

        # Dead letters: the unknown patient and the unparseable payload.
        dead = os.path.join(data, "dead-letter", "mqtt")
        wait_for("two dead letters", lambda: os.path.isdir(dead) and
                 len([f for f in os.listdir(dead) if f.endswith(".json")]) == 2)
        letters = {}
        for name in sorted(os.listdir(dead)):
            if name.endswith(".json"):
                with open(os.path.join(dead, name)) as f:
                    letter = json.load(f)
                with open(os.path.join(dead, name[:-5] + ".payload")) as f:
                    letters[f.read()] = letter
        unknown = letters[reading("bed-3", 200, patient="urn:mrn|NOBODY")]
        assert unknown["reason"].startswith("no Patient has the identifier urn:mrn|NOBODY"), unknown
        assert unknown["peer"] == "devices/bed-3/vitals" and unknown["control_id"] == "bed-3", unknown
        assert letters["HR=72;SpO2=97"]["reason"].startswith("the payload is not JSON"), letters

        # The same over HTTP, for operators: the listing, one entry with its message.
        status, listing = call("GET", server.origin + "/api/dead-letters")
        assert status == 200 and listing["hl7v2"] == [] and len(listing["mqtt"]) == 2, listing
        status, mqtt_only = call("GET", server.origin + "/api/dead-letters/mqtt")
        assert status == 200 and mqtt_only == listing["mqtt"], mqtt_only
        first = listing["mqtt"][0]
        status, entry = call("GET", f"{server.origin}/api/dead-letters/mqtt/{first['id']}")
        assert status == 200 and entry["reason"] == first["reason"] and letters[entry["message"]]["id"] == first["id"], entry
        for bad in ("/api/dead-letters/mqtt/..%2F..%2Fvigil.db", "/api/dead-letters/ftp", "/api/dead-letters/mqtt/1-2-3"):
            assert call("GET", server.origin + bad)[0] == 404, bad
        assert call("DELETE", f"{server.origin}/api/dead-letters/mqtt/{first['id']}")[0] == 405
        print("dead letters over HTTP: GET /api/dead-letters lists them, one entry shows its message")

        status, text, _ = call_raw("GET", server.origin + "/metrics")
        metrics = text.decode()
        assert 'vigil_mqtt_messages_total{outcome="rejected"} 2' in metrics, metrics
        assert 'vigil_mqtt_messages_total{outcome="stored"} 5' in metrics, metrics

        # Replay the unknown patient's reading once the patient exists.
        assert call("PUT", server.fhir + "/Patient/p2", {
            "resourceType": "Patient", "id": "p2",
            "identifier": [{"system": "urn:mrn", "value": "NOBODY"}]})[0] in (200, 201)
        log = server.log_text()
        stop(server)
        server = None
        assert PASSWORD not in log and "mqtt://vigil:***@127.0.0.1" in log, "password in the log"
        listed = subprocess.run([VIGIL, "ingest", "dead-letter", "list", "--source", "mqtt", "--data", data],
                                capture_output=True, text=True, check=True).stdout.splitlines()
        assert len(listed) == 2, listed
        ident = [line.split("\t")[0] for line in listed if "NOBODY" in line][0]
        replay = subprocess.run([VIGIL, "ingest", "dead-letter", "replay", ident, "--source", "mqtt",
                                 "--data", data], capture_output=True, text=True)
        assert replay.returncode == 0 and "stored; removed" in replay.stdout, replay
        print("dead letters: 2 kept with reasons; the unknown patient's reading replayed")
        print("PASS")
    finally:
        if server is not None:
            server.stop()
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
