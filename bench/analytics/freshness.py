#!/usr/bin/env python3
"""Freshness of a materialized view: how long after a write commits its row is
visible to POST /api/sql (docs/analytics.md, "Freshness").

Starts `vigil serve` on a fresh folder, stores a materialized ViewDefinition over
Observation, then writes N Observations one at a time over REST (PUT) and, after
each, polls /api/sql until the new row is there. Three figures per write:

  commit->visible   from the version's meta.lastUpdated (stamped just before the
                    commit, same clock) to the first poll that sees the row
  ack->visible      from the write's HTTP response to that poll (lower bound)
  send->visible     from sending the write to that poll (upper bound; includes the
                    write itself)

Usage: bench/analytics/freshness.py [--vigil build/vigil] [--n 200]
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from vigil_server import Server, call  # noqa: E402

VIEW = {"resourceType": "ViewDefinition", "name": "fresh", "resource": "Observation",
        "select": [{"column": [{"name": "id", "path": "id"},
                               {"name": "value", "path": "value.ofType(Quantity).value",
                                "type": "decimal"}]}]}


def observation(oid, i):
    return {"resourceType": "Observation", "id": oid, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
            "subject": {"reference": "Patient/bench"},
            "valueQuantity": {"value": 60 + i % 50, "unit": "/min"}}


def instant_seconds(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def measure(server, n, prefix):
    commit, ack, send = [], [], []
    for i in range(n):
        oid = "%s%d" % (prefix, i)
        t_send = time.time()
        status, body = call("PUT", server.fhir + "/Observation/" + oid, observation(oid, i))
        t_ack = time.time()
        assert status == 201, (status, body)
        query = {"sql": "SELECT 1 FROM view_fresh WHERE id = '%s'" % oid}
        while True:
            status, rows = call("POST", server.origin + "/api/sql", query)
            assert status == 200, rows
            if rows["rows"]:
                break
        t_seen = time.time()
        commit.append(t_seen - instant_seconds(body["meta"]["lastUpdated"]))
        ack.append(t_seen - t_ack)
        send.append(t_seen - t_send)
    return commit, ack, send


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigil", default=os.path.join(ROOT, "build", "vigil"))
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="vigil-freshness-")
    try:
        with Server(os.path.abspath(args.vigil), os.path.join(tmp, "data"), ["--no-audit"]) as server:
            status, _ = call("PUT", server.fhir + "/Patient/bench", {"resourceType": "Patient", "id": "bench"})
            assert status == 201, status
            status, _ = call("PUT", server.fhir + "/ViewDefinition/fresh?materialize=true", VIEW)
            assert status == 201, status
            measure(server, 10, "warm")  # warm-up (not counted)
            commit, ack, send = measure(server, args.n, "f")
        print("freshness over %d writes (ms)      p50     p99     max" % args.n)
        for name, values in (("commit->visible", commit), ("ack->visible", ack),
                             ("send->visible", send)):
            print("  %-30s %7.1f %7.1f %7.1f" % (name, 1000 * statistics.median(values),
                                                 1000 * percentile(values, 99), 1000 * max(values)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
