"""Expanding R4 value sets from their compose, shared by the generators.

A value set is expanded from compose alone: each include lists concepts of a
system, names a whole CodeSystem present in valuesets.json / v3-codesystems.json
with content "complete" (every concept, nested ones included), or names other
value sets (expanded the same way); excludes that list concepts are removed.
Anything else (filters, external or incomplete code systems, unknown value
sets) makes the value set "cannot expand": None. Versions are ignored.

Python 3 standard library only.
"""

import json
import os


class Expander:
    """(system, code) expansions of the R4 value sets."""

    def __init__(self, fhir_dir):
        self.value_sets, self.code_systems = {}, {}
        for name in ("valuesets.json", "v3-codesystems.json"):
            with open(os.path.join(fhir_dir, name), encoding="utf-8") as f:
                bundle = json.load(f)
            for entry in bundle["entry"]:
                r = entry["resource"]
                if r["resourceType"] == "ValueSet":
                    self.value_sets.setdefault(r["url"], r)
                elif r["resourceType"] == "CodeSystem":
                    self.code_systems.setdefault(r["url"], r)

    def expand(self, url, seen=()):
        """The set of (system, code) of value set url, or None."""
        url = url.split("|", 1)[0]
        vs = self.value_sets.get(url)
        if vs is None or url in seen or "compose" not in vs:
            return None
        codes = set()
        for inc in vs["compose"].get("include", []):
            part = self.expand_include(inc, seen + (url,))
            if part is None:
                return None
            codes |= part
        for exc in vs["compose"].get("exclude", []):
            if "concept" not in exc or "filter" in exc or "valueSet" in exc or "system" not in exc:
                return None
            codes -= {(exc["system"], c["code"]) for c in exc["concept"]}
        return codes

    def expand_include(self, inc, seen):
        if "filter" in inc or ("system" in inc) == ("valueSet" in inc):
            return None
        if "valueSet" in inc:
            codes = set()
            for url in inc["valueSet"]:
                part = self.expand(url, seen)
                if part is None:
                    return None
                codes |= part
            return codes
        system = inc["system"]
        if "concept" in inc:
            return {(system, c["code"]) for c in inc["concept"]}
        cs = self.code_systems.get(system)
        if cs is None or cs.get("content") != "complete":
            return None
        return {(system, code) for code in all_concepts(cs.get("concept", []))}


def all_concepts(concepts):
    for c in concepts:
        yield c["code"]
        yield from all_concepts(c.get("concept", []))
