#!/usr/bin/env python3
"""Real-time scoring benchmark (issue: clinical AI part 2).

1. Latency: a 100-tree sepsis model (explanations on) scores live in `vigil
   serve`; the Observations of septic synthetic stays are POSTed one at a time
   and, for each, the time from the Observation's commit to its model
   RiskAssessment's commit is read from the server's own timestamps
   (meta.lastUpdated of both, millisecond resolution). Prints p50/p90/p99/max
   and how the delay grows with the stay's length (the stay is rebuilt from the
   store on every event).
2. Scoring during ingestion: 200 synthetic stays (in-progress Encounters, all
   their Observations) are POSTed as transaction Bundles from 2 clients, once
   with scoring and once without (the peer in the same run); prints the ingest
   rate of both, how long scoring takes to drain its backlog after the last
   write, and the scoring throughput.
3. Scoring while `vigil import` runs: the same stays as NDJSON files imported by
   a separate `vigil import` process into the data folder of a running `vigil
   serve --model` (the server follows the other process's commits), and, as the
   peer in the same run, into a folder no server has open.

Usage: bench/ai/scoring_bench.py BUILD/vigil [--stays-latency 3] [--stays-ingest 200]
                                   [--parts latency,ingest,import]
Outputs under bench/ai/out/scoring (gitignored).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from clinical import Clinical  # noqa: E402
from vigil_server import Server, call, call_raw  # noqa: E402


def ms(ts):
    """meta.lastUpdated -> epoch milliseconds."""
    base, frac = ts.rstrip("Z").split(".") if "." in ts else (ts.rstrip("Z"), "0")
    t = time.mktime(time.strptime(base[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
    return t * 1000 + int((frac + "000")[:3])


def newest_model_ra(fhir, encounter, want):
    """Waits (polling a count, cheap for the server) until the encounter has
    `want` RiskAssessments, then returns the newest model one."""
    deadline = time.time() + 30
    while time.time() < deadline:
        status, bundle = call("GET", f"{fhir}/RiskAssessment?encounter=Encounter/{encounter}&_summary=count")
        if bundle["total"] >= want:
            status, bundle = call("GET", f"{fhir}/RiskAssessment?encounter=Encounter/{encounter}"
                                         f"&method=model:sepsis-e2e&_sort=-_lastUpdated&_count=1")
            return bundle["entry"][0]["resource"]
        time.sleep(0.01)
    raise RuntimeError("no RiskAssessment")


def latency(c, model, stays, out):
    server = Server(c.vigil, os.path.join(out, "latency-store"), ["--model", model])
    delays = []
    by_size = []
    try:
        truth = json.load(open(os.path.join(c.synth, "truth.json")))
        septic = [s for s in truth["stays"] if s["sepsis"]][:stays]
        for stay in septic:
            resources = c.stay_resources(stay)
            for r in resources[:2]:
                assert call("PUT", f"{server.fhir}/{r['resourceType']}/{r['id']}", r)[0] in (200, 201)
            scored = 0
            for i, obs in enumerate(resources[2:]):
                obs = dict(obs)
                obs.pop("id")
                status, created = call("POST", server.fhir + "/Observation", obs)
                assert status == 201, created
                scored += 1
                ra = newest_model_ra(server.fhir, stay["encounter"], 2 * scored)
                d = ms(ra["meta"]["lastUpdated"]) - ms(created["meta"]["lastUpdated"])
                delays.append(d)
                by_size.append((i + 1, d))
    finally:
        server.stop()
    delays.sort()
    q = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))]
    print(f"latency: {len(delays)} Observations, commit -> model RiskAssessment stored: "
          f"p50 {q(0.5):.0f} ms, p90 {q(0.9):.0f} ms, p99 {q(0.99):.0f} ms, max {delays[-1]:.0f} ms")
    for lo, hi in [(1, 50), (51, 100), (101, 200), (201, 10000)]:
        ds = [d for n, d in by_size if lo <= n <= hi]
        if ds:
            print(f"  stay with {lo}-{hi} Observations: mean {statistics.mean(ds):.1f} ms, max {max(ds):.0f} ms")


def bundles(c, stays, per_bundle=20):
    truth = json.load(open(os.path.join(c.synth, "truth.json")))
    chosen = truth["stays"][:stays]
    out, entries, observations = [], [], 0
    for stay in chosen:
        for r in c.stay_resources(stay):
            entries.append({"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}})
            observations += r["resourceType"] == "Observation"
        if len(entries) and stays and (chosen.index(stay) + 1) % per_bundle == 0:
            out.append({"resourceType": "Bundle", "type": "transaction", "entry": entries})
            entries = []
    if entries:
        out.append({"resourceType": "Bundle", "type": "transaction", "entry": entries})
    return out, observations


def metric(origin, name, labels):
    status, text, _ = call_raw("GET", origin + "/metrics")
    total = 0.0
    for line in text.decode().splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def ingest(c, model, stays, out, scoring):
    args = ["--model", model] if scoring else []
    server = Server(c.vigil, os.path.join(out, f"ingest-store-{scoring}"), args)
    try:
        work, observations = bundles(c, stays)
        resources = sum(len(b["entry"]) for b in work)
        queue = list(work)
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    if not queue:
                        return
                    b = queue.pop()
                status, body = call("POST", server.fhir, b, timeout=300)
                assert status == 200, str(body)[:300]
        start = time.time()
        threads = [threading.Thread(target=client) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ingest_s = time.time() - start
        line = (f"ingest {'with' if scoring else 'without'} scoring: {resources} resources "
                f"({observations} Observations) in {ingest_s:.1f} s = {resources / ingest_s:.0f} resources/s")
        if scoring:
            backlog_at_end = metric(server.origin, "vigil_event_backlog", {"subscriber": "scoring"})
            while metric(server.origin, "vigil_event_backlog", {"subscriber": "scoring"}) > 0:
                time.sleep(0.2)
            drained_s = time.time() - start
            scored = metric(server.origin, "vigil_predictions_total", {"mode": "live", "scorer": "news2"})
            line += (f"; scoring backlog at the last write {backlog_at_end:.0f} events, drained "
                     f"{drained_s - ingest_s:.1f} s later; {scored:.0f} stays re-scored = "
                     f"{scored / drained_s:.0f} scores/s (each scores NEWS2 and the model)")
        print(line)
    finally:
        server.stop()


def write_ndjson(c, stays, folder):
    """The stays (as admitted patients) as NDJSON files, one per type."""
    truth = json.load(open(os.path.join(c.synth, "truth.json")))
    os.makedirs(folder, exist_ok=True)
    files = {t: open(os.path.join(folder, f"{t}.ndjson"), "w") for t in ("Patient", "Encounter", "Observation")}
    resources = 0
    for stay in truth["stays"][:stays]:
        for r in c.stay_resources(stay):
            files[r["resourceType"]].write(json.dumps(r) + "\n")
            resources += 1
    for f in files.values():
        f.close()
    return [os.path.join(folder, f"{t}.ndjson") for t in ("Patient", "Encounter", "Observation")], resources


def import_while_serving(c, model, stays, out):
    """`vigil import` (its own process) into the data folder of a running `vigil
    serve --model`: the server follows the import's commits (Store::
    AnnounceExternalWrites) and scores them live. The peer in the same run: the
    same import into a folder no server has open."""
    files, resources = write_ndjson(c, stays, os.path.join(out, "import-files"))

    def run_import(data):
        start = time.time()
        r = subprocess.run([c.vigil, "import", "--data", data, *files], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr[-2000:]
        return time.time() - start

    alone_s = run_import(os.path.join(out, "import-alone"))
    print(f"import alone: {resources} resources in {alone_s:.1f} s = {resources / alone_s:.0f} resources/s")
    data = os.path.join(out, "import-serving")
    server = Server(c.vigil, data, ["--model", model])
    try:
        start = time.time()
        import_s = run_import(data)
        backlog_at_end = metric(server.origin, "vigil_event_backlog", {"subscriber": "scoring"})
        while True:
            time.sleep(0.5)
            if metric(server.origin, "vigil_event_backlog", {"subscriber": "scoring"}) == 0:
                break
        drained_s = time.time() - start
        scored = metric(server.origin, "vigil_predictions_total", {"mode": "live", "scorer": "news2"})
        print(f"import while vigil serve scores: {resources} resources in {import_s:.1f} s = "
              f"{resources / import_s:.0f} resources/s; scoring backlog at the end of the import "
              f"{backlog_at_end:.0f} events, drained {drained_s - import_s:.1f} s later; {scored:.0f} "
              f"re-scores = {scored / drained_s:.0f} scores/s")
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vigil")
    ap.add_argument("--stays-latency", type=int, default=3)
    ap.add_argument("--stays-ingest", type=int, default=200)
    ap.add_argument("--parts", default="latency,ingest,import",
                    help="which measurements to run (comma-separated; default all)")
    args = ap.parse_args()
    parts = set(args.parts.split(","))
    out = os.path.join(ROOT, "bench", "ai", "out", "scoring")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    c = Clinical(os.path.abspath(args.vigil), out)
    print(f"machine: {os.cpu_count()} cores")
    model = c.train("model-100", rounds=100, early_stopping_rounds=0)
    rounds = json.load(open(os.path.join(model, "artifact.json")))["model"]["rounds"]
    print(f"model: {rounds} trees, TreeSHAP explanations in every RiskAssessment")
    if "latency" in parts:
        latency(c, model, args.stays_latency, out)
    if "ingest" in parts:
        ingest(c, model, args.stays_ingest, out, scoring=False)
        ingest(c, model, args.stays_ingest, out, scoring=True)
    if "import" in parts:
        import_while_serving(c, model, args.stays_ingest, out)


if __name__ == "__main__":
    main()
