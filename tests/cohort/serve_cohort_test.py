#!/usr/bin/env python3
"""Cohorts end to end: `vigil serve --no-demo` on a fresh folder, a dozen
patients with known conditions, HbA1c and creatinine results and ages written
over the FHIR API, then /api/cohorts/evaluate, /compare and /{id}/members. Every
count, rate and interval is computed here independently from the data written
(docs/cohorts.md).

Usage: serve_cohort_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import datetime
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
from vigil_server import Server, call  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
SNOMED, LOINC = "http://snomed.info/sct", "http://loinc.org"
DM, CKD, HTN = "44054006", "431855005", "38341003"
A1C, CREAT = "4548-4", "2160-0"
KIND = "https://vigil.dev/fhir/CodeSystem/cohort-criterion"
EXT = "https://vigil.dev/fhir/StructureDefinition/"

# id, gender, birthDate, conditions [(code, onset)], HbA1c [(value, date)], creatinine [(value, date)]
PATIENTS = [
    ("p01", "female", "1968-03-10", [(DM, "2015-01-10"), (HTN, "2012-05-01")], [(8.2, "2015-06-01")], [(1.1, "2019-01-01"), (1.3, "2021-01-01")]),
    ("p02", "male", "1975-07-21", [(DM, "2016-02-01"), (CKD, "2019-03-01")], [(6.4, "2016-05-01"), (7.9, "2018-09-01")], [(2.1, "2020-01-01")]),
    ("p03", "male", "1982-11-02", [(DM, "2019-06-15")], [(7.4, "2019-12-01")], [(0.9, "2020-03-01")]),
    ("p04", "female", "1990-01-30", [(DM, "2020-09-01")], [(6.8, "2021-01-01")], [(0.8, "2021-02-01")]),
    ("p05", "female", "1950-04-12", [(DM, "2005-01-01"), (CKD, "2010-01-01"), (HTN, "2001-01-01")], [(9.1, "2005-04-01")], [(1.9, "2022-01-01")]),
    ("p06", "male", "1961-08-08", [(DM, "2012-12-12")], [(7.0, "2014-01-01")], [(1.2, "2020-06-01")]),
    ("p07", "male", "2008-05-05", [(DM, "2019-01-01")], [(7.6, "2019-02-01")], []),
    ("p08", "female", "1970-10-10", [(HTN, "2015-01-01")], [(5.4, "2018-01-01")], [(0.7, "2019-01-01")]),
    ("p09", "male", "1958-02-02", [(CKD, "2017-01-01"), (HTN, "2010-01-01")], [], [(1.8, "2021-01-01")]),
    ("p10", "female", "1985-06-06", [], [], [(0.6, "2020-01-01"), (0.9, "2016-01-01")]),
    ("p11", "male", "1940-09-09", [(HTN, "1999-01-01")], [], [(1.5, "2018-01-01")]),
    ("p12", "unknown", "1979-12-12", [(DM, "2021-03-03")], [(10.2, "2022-03-01")], [(1.0, "2022-04-01")]),
]


def coding(system, code):
    return {"coding": [{"system": system, "code": code, "display": "code " + code}]}


def resources():
    out = []
    for pid, gender, birth, conds, a1cs, creats in PATIENTS:
        out.append({"resourceType": "Patient", "id": pid, "gender": gender, "birthDate": birth})
        subject = {"reference": "Patient/" + pid}
        for i, (code, onset) in enumerate(conds):
            out.append({"resourceType": "Condition", "id": "%s-c%d" % (pid, i), "subject": subject,
                        "code": coding(SNOMED, code), "onsetDateTime": onset})
        for name, loinc, unit, values in (("a", A1C, "%", a1cs), ("k", CREAT, "mg/dL", creats)):
            for i, (v, when) in enumerate(values):
                out.append({"resourceType": "Observation", "id": "%s-%s%d" % (pid, name, i), "status": "final",
                            "subject": subject, "code": coding(LOINC, loinc), "effectiveDateTime": when,
                            "valueQuantity": {"value": v, "unit": unit, "system": "http://unitsofmeasure.org",
                                              "code": unit}})
    return {"resourceType": "Bundle", "type": "transaction",
            "entry": [{"resource": r, "request": {"method": "PUT", "url": "%s/%s" % (r["resourceType"], r["id"])}}
                      for r in out]}


# ---- independent expectations ------------------------------------------------

TODAY = datetime.date.today()


def age(birth, at=None):
    b, a = datetime.date.fromisoformat(birth), at or TODAY
    return a.year - b.year - ((a.month, a.day) < (b.month, b.day))


def has(p, code):
    return any(c == code for c, _ in p[3])


def onset(p, code):
    return min(datetime.date.fromisoformat(d) for c, d in p[3] if c == code)


def latest(values):
    return max(values, key=lambda v: v[1])[0] if values else None


def wilson(x, n, z=1.959963984540054):
    c = (x + z * z / 2) / (n + z * z)
    h = z * math.sqrt(x * (n - x) / n + z * z / 4) / (n + z * z)
    return [max(0.0, c - h), min(1.0, c + h)]


def t_cdf(t, df, steps=4000):
    """Student t CDF by Simpson's rule on the density (independent of the server's beta function)."""
    k = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    f = lambda x: k * (1 + x * x / df) ** (-(df + 1) / 2)
    h = abs(t) / steps
    s = f(0) + f(abs(t)) + sum((4 if i % 2 else 2) * f(i * h) for i in range(1, steps))
    area = s * h / 3
    return 0.5 + area if t >= 0 else 0.5 - area


def t_quantile(p, df):
    lo, hi = 0.0, 50.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if t_cdf(mid, df) < p else (lo, mid)
    return (lo + hi) / 2


def median(xs):
    s, n = sorted(xs), len(xs)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def mean_var(xs):
    m = sum(xs) / len(xs)
    return m, sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def band(a):
    return "0-17" if a <= 17 else "18-39" if a <= 39 else "40-64" if a <= 64 else "65-79" if a <= 79 else "80+"


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(b))


def check_close_list(got, want, what):
    assert len(got) == len(want) and all(close(g, w) for g, w in zip(got, want)), (what, got, want)


# ---- Group JSON -------------------------------------------------------------------

def char(kind, value, exclude=False, **extra):
    c = {"code": {"coding": [{"system": KIND, "code": kind}]}, "exclude": exclude}
    c.update(value)
    c.update(extra)
    return c


def concept(system, code):
    return {"valueCodeableConcept": {"coding": [{"system": system, "code": code}]}}


def group(*chars):
    return {"resourceType": "Group", "type": "person", "actual": False, "characteristic": list(chars)}


DIABETIC_40_64_NO_CKD = group(
    char("condition", concept(SNOMED, DM)),
    char("age", {"valueRange": {"low": {"value": 40, "unit": "a"}, "high": {"value": 64, "unit": "a"}}}),
    char("condition", concept(SNOMED, CKD), exclude=True))

A1C_HIGH_WITHIN_YEAR = group(
    char("condition", concept(SNOMED, DM), id="dm"),
    char("observation", concept(LOINC, A1C), extension=[
        {"url": EXT + "cohort-value-range", "valueRange": {"low": {"value": 7.1, "code": "%"}}},
        {"url": EXT + "cohort-window", "extension": [
            {"url": "anchor", "valueString": "dm"},
            {"url": "after", "valueDuration": {"value": 1, "unit": "year", "system": "http://unitsofmeasure.org", "code": "a"}}]}]))

EVERYONE_WITHOUT_DM = group(
    char("age", {"valueRange": {"low": {"value": 0, "unit": "a"}}}),
    char("condition", concept(SNOMED, DM), exclude=True))


def evaluate(server, body):
    status, out = call("POST", server.origin + "/api/cohorts/evaluate", body)
    assert status == 200, (status, out)
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        with Server(VIGIL, data, ["--no-demo"]) as server:
            status, out = call("POST", server.fhir, resources())
            assert status == 200, (status, str(out)[:2000])
            check_evaluate(server)
            check_window(server)
            check_members(server)
            check_compare(server)
            check_errors(server)
            check_sql(server, data)
            direct = evaluate(server, {"group": DIABETIC_40_64_NO_CKD})
        check_cli(tmp, data, direct)
    print("serve_cohort_test: all passed")


def check_cli(tmp, data, want):
    path = os.path.join(tmp, "group.json")
    with open(path, "w") as f:
        json.dump(DIABETIC_40_64_NO_CKD, f)
    r = subprocess.run([VIGIL, "cohort", "--data", data, path], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == want, (r.stdout, want)
    r = subprocess.run([VIGIL, "cohort", "--data", data, os.path.join(tmp, "missing.json")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "vigil cohort:" in r.stderr, r


def check_evaluate(server):
    want = [p for p in PATIENTS if has(p, DM) and 40 <= age(p[2]) <= 64 and not has(p, CKD)]
    out = evaluate(server, {"group": DIABETIC_40_64_NO_CKD, "measure": {"code": LOINC + "|" + CREAT}})
    assert out["count"] == len(want), out
    assert out["members"] == ["Patient/" + p[0] for p in want] and out["truncated"] is False, out
    bands = {b: 0 for b in ("0-17", "18-39", "40-64", "65-79", "80+")}
    for p in want:
        bands[band(age(p[2]))] += 1
    assert out["age"] == [{"band": b, "count": n} for b, n in bands.items()], out["age"]
    sex = {g: sum(1 for p in want if p[1] == g) for g in ("male", "female", "other", "unknown")}
    assert out["sex"] == sex, out["sex"]
    counts = {}
    for p in want:
        for c in {c for c, _ in p[3]}:
            counts[c] = counts.get(c, 0) + 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    assert [(t["code"], t["count"]) for t in out["topConditions"]] == top, out["topConditions"]
    assert out["topConditions"][0]["display"] == "code " + DM
    values = [latest(p[5]) for p in want if p[5]]
    m, v = mean_var(values)
    half = t_quantile(0.975, len(values) - 1) * math.sqrt(v / len(values))
    meas = out["measure"]
    assert meas["code"] == LOINC + "|" + CREAT and meas["unit"] == "mg/dL" and meas["n"] == len(values), meas
    assert close(meas["mean"], m) and close(meas["median"], median(values)), (meas, values)
    check_close_list(meas["ci95"], [m - half, m + half], "measure ci95")


def check_window(server):
    want = []
    for p in PATIENTS:
        if not has(p, DM):
            continue
        start = onset(p, DM)
        end = start + datetime.timedelta(days=365.25)
        if any(v >= 7.1 and start <= datetime.date.fromisoformat(d) <= end for v, d in p[4]):
            want.append("Patient/" + p[0])
    out = evaluate(server, {"group": A1C_HIGH_WITHIN_YEAR})
    assert out["members"] == want, (out["members"], want)
    assert 0 < len(want) < sum(1 for p in PATIENTS if has(p, DM) and p[4]), want  # the window matters
    # Age at the anchor event: diagnosed before 18.
    young = group(char("condition", concept(SNOMED, DM), id="dm"),
                  char("age", {"valueRange": {"high": {"value": 17, "unit": "a"}}}, extension=[
                      {"url": EXT + "cohort-window", "extension": [{"url": "anchor", "valueString": "dm"}]}]))
    want = ["Patient/" + p[0] for p in PATIENTS if has(p, DM) and age(p[2], onset(p, DM)) <= 17]
    assert evaluate(server, {"group": young})["members"] == want, want


def check_members(server):
    status, out = call("PUT", server.fhir + "/Group/dm4064", dict(DIABETIC_40_64_NO_CKD, id="dm4064"))
    assert status in (200, 201), (status, out)
    direct = evaluate(server, {"group": DIABETIC_40_64_NO_CKD})
    by_id = evaluate(server, {"groupId": "dm4064"})
    assert by_id == direct, (by_id, direct)
    status, bundle = call("GET", server.origin + "/api/cohorts/dm4064/members?_count=2")
    assert status == 200, (status, bundle)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset", bundle
    assert bundle["total"] == direct["count"], bundle
    assert [e["resource"]["id"] for e in bundle["entry"]] == [m[8:] for m in direct["members"][:2]], bundle
    assert bundle["entry"][0]["fullUrl"] == server.fhir + "/" + direct["members"][0]
    assert any(l["relation"] == "next" for l in bundle["link"]) == (direct["count"] > 2), bundle["link"]
    status, page2 = call("GET", server.origin + "/api/cohorts/dm4064/members?_count=2&_offset=2")
    assert [e["resource"]["id"] for e in page2["entry"]] == [m[8:] for m in direct["members"][2:4]], page2
    status, out = call("GET", server.origin + "/api/cohorts/nope/members")
    assert status == 404 and out["resourceType"] == "OperationOutcome", (status, out)


def check_compare(server):
    a = [p for p in PATIENTS if has(p, DM)]
    b = [p for p in PATIENTS if not has(p, DM)]
    outcome = char("condition", concept(SNOMED, HTN))
    body = {"a": {"group": group(char("condition", concept(SNOMED, DM)))}, "b": {"group": EVERYONE_WITHOUT_DM},
            "outcome": outcome, "measure": {"code": LOINC + "|" + CREAT}}
    status, out = call("POST", server.origin + "/api/cohorts/compare", body)
    assert status == 200, (status, out)
    ea, eb = sum(has(p, HTN) for p in a), sum(has(p, HTN) for p in b)
    na, nb = len(a), len(b)
    for side, n, e in (("a", na, ea), ("b", nb, eb)):
        o = out[side]["outcome"]
        assert out[side]["count"] == n and o["events"] == e, (side, out[side])
        assert close(o["rate"], e / n), o
        check_close_list(o["ci95"], wilson(e, n), side + " wilson")
    pa, pb = ea / na, eb / nb
    la, ua = wilson(ea, na)
    lb, ub = wilson(eb, nb)
    d = out["difference"]
    assert close(d["rate"], pa - pb), d
    check_close_list(d["ci95"], [pa - pb - math.hypot(pa - la, ub - pb), pa - pb + math.hypot(ua - pa, pb - lb)],
                     "newcombe")
    va = [latest(p[5]) for p in a if p[5]]
    vb = [latest(p[5]) for p in b if p[5]]
    (ma, sa), (mb, sb) = mean_var(va), mean_var(vb)
    qa, qb = sa / len(va), sb / len(vb)
    df = (qa + qb) ** 2 / (qa * qa / (len(va) - 1) + qb * qb / (len(vb) - 1))
    half = t_quantile(0.975, df) * math.sqrt(qa + qb)
    assert close(d["mean"], ma - mb), d
    check_close_list(d["ci95Mean"], [ma - mb - half, ma - mb + half], "welch")


def check_errors(server):
    bad = group(char("condition", concept(SNOMED, DM)),
                dict(char("lab", concept(LOINC, A1C)), id="oops"))
    status, out = call("POST", server.origin + "/api/cohorts/evaluate", {"group": bad})
    assert status == 400 and out["resourceType"] == "OperationOutcome", (status, out)
    assert "characteristic[1] (id 'oops')" in out["issue"][0]["diagnostics"], out
    status, out = call("POST", server.origin + "/api/cohorts/compare",
                       {"a": {"group": DIABETIC_40_64_NO_CKD}, "b": {"group": {"resourceType": "Group"}}})
    assert status == 400 and out["issue"][0]["diagnostics"].startswith("b: "), (status, out)
    status, out = call("POST", server.origin + "/api/cohorts/evaluate", {"groupId": "missing"})
    assert status == 404, (status, out)
    status, out = call("GET", server.origin + "/api/cohorts/evaluate")
    assert status == 405, (status, out)


def check_sql(server, data):
    db = os.path.join(data, "analytics.sqlite")
    url = server.origin + "/api/cohorts/evaluate"
    if not os.path.exists(db):
        status, out = call("POST", url, {"sql": "SELECT 'p01'"})
        assert status == 400 and "no materialized views" in out["issue"][0]["diagnostics"], (status, out)
        con = sqlite3.connect(db)
        con.execute("CREATE TABLE cohort_test_view(patient_id TEXT)")
        con.executemany("INSERT INTO cohort_test_view VALUES (?)", [("Patient/p03",), ("p01",), ("p99",)])
        con.commit()
        con.close()
        out = evaluate(server, {"sql": "SELECT patient_id FROM cohort_test_view"})
        assert out["members"] == ["Patient/p01", "Patient/p03"], out  # p99 does not exist
    out = evaluate(server, {"sql": "SELECT 'Patient/p05' UNION SELECT 'p02'"})
    assert out["count"] == 2 and out["members"] == ["Patient/p02", "Patient/p05"], out
    status, out = call("POST", url, {"sql": "SELECT 1; SELECT 2"})
    assert status == 400, (status, out)


if __name__ == "__main__":
    main()
