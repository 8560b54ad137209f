#!/usr/bin/env python3
"""Writes N resources as NDJSON by copying the Synthea bundles with fresh ids.

Each copy of a bundle gets new ids for every resource (uuid4), and the bundle's
urn:uuid references are rewritten to "Type/<new id>", so the output is a valid,
self-consistent population: copy k of patient P has its own Observations,
Encounters... pointing at it. Also writes OUT.ids (type/id of every resource,
for the read benchmark) and OUT.pairs (patient id and an Observation code that
patient has, for the search benchmark).

Usage: make_ndjson.py N OUT.ndjson [SYNTHEA_DIR]
"""
import glob
import json
import os
import random
import sys
import uuid

n = int(sys.argv[1])
out_path = sys.argv[2]
synthea = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "shared", "data", "synthea-r4")

bundles = []
for path in sorted(glob.glob(os.path.join(synthea, "*.json"))):
    with open(path) as f:
        bundles.append([e for e in json.load(f)["entry"] if "resource" in e])
if not bundles:
    sys.exit(f"no Synthea bundles in {synthea}")

random.seed(42)


def rewrite(value, mapping):
    if isinstance(value, dict):
        return {k: (mapping.get(v, v) if k == "reference" and isinstance(v, str) else rewrite(v, mapping))
                for k, v in value.items()}
    if isinstance(value, list):
        return [rewrite(v, mapping) for v in value]
    return value


written = 0
with open(out_path, "w") as out, open(out_path + ".ids", "w") as ids, open(out_path + ".pairs", "w") as pairs:
    copy = 0
    while written < n:
        entries = bundles[copy % len(bundles)]
        copy += 1
        mapping = {}
        new_ids = []
        for e in entries:
            r = e["resource"]
            new_id = str(uuid.uuid4())
            new_ids.append(new_id)
            mapping[e.get("fullUrl", "")] = f"{r['resourceType']}/{new_id}"
        patient = None
        codes = []
        for e, new_id in zip(entries, new_ids):
            if written >= n:
                break
            r = rewrite(e["resource"], mapping)
            r["id"] = new_id
            out.write(json.dumps(r, separators=(",", ":")) + "\n")
            ids.write(f"{r['resourceType']}/{new_id}\n")
            written += 1
            if r["resourceType"] == "Patient":
                patient = new_id
            elif r["resourceType"] == "Observation":
                codes.append(r["code"]["coding"][0]["code"])
        if patient and codes:
            pairs.write(f"{patient} {random.choice(codes)}\n")
print(f"wrote {written} resources ({copy} bundle copies) to {out_path}", file=sys.stderr)
