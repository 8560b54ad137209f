#!/usr/bin/env python3
"""Generates src/search/params_data.inc from the FHIR R4 search parameters.

The output holds the static tables behind src/search/registry.h:

  kParams   one row per SearchParameter resource (1,375 in R4): id, url, code,
            type, xpathUsage, base types, the full expression, reference target
            types and composite components.
  kByBase   one row per (base type, code) pair, sorted by base then code, with
            the part of the expression that applies to that base. Multi-base
            expressions ("AllergyIntolerance.code | Condition.code | ...") are
            split at their top-level '|' and each part goes to the base it
            starts with; an expression that cannot be split that way (a part
            that does not start with one of the bases, as "name | alias") is
            kept whole for every base.

Resource-level (base "Resource": _id, _lastUpdated, _tag, ...) and
DomainResource-level (_text) parameters keep their abstract base; the
registry applies them to every resource type.

Usage: python3 tools/gen_search_params.py [--fhir-dir DIR] [--out FILE]

Python 3 standard library only; the output is deterministic.
"""

import argparse
import json
import os
import re
import sys

TYPE_ENUM = {
    "number": "kNumber",
    "date": "kDate",
    "string": "kString",
    "token": "kToken",
    "reference": "kReference",
    "composite": "kComposite",
    "quantity": "kQuantity",
    "uri": "kUri",
    "special": "kSpecial",
}

USAGE_ENUM = {
    "normal": "kNormal",
    "phonetic": "kPhonetic",
    "nearby": "kNearby",
    "distance": "kDistance",
    "other": "kOther",
}

LEADING_NAME = re.compile(r"^\(*\s*([A-Za-z][A-Za-z0-9]*)")


def split_top_level(expression):
    """Splits at '|' outside parentheses and string literals."""
    parts, depth, quoted, current = [], 0, False, []
    i = 0
    while i < len(expression):
        c = expression[i]
        if quoted:
            current.append(c)
            if c == "\\" and i + 1 < len(expression):
                current.append(expression[i + 1])
                i += 1
            elif c == "'":
                quoted = False
        elif c == "'":
            quoted = True
            current.append(c)
        elif c == "(":
            depth += 1
            current.append(c)
        elif c == ")":
            depth -= 1
            current.append(c)
        elif c == "|" and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def per_base_expressions(expression, bases):
    """Maps each base to its part of expression (the whole one when unsplittable)."""
    if not expression:
        return {b: "" for b in bases}
    by_base = {}
    for part in split_top_level(expression):
        m = LEADING_NAME.match(part)
        if not m or m.group(1) not in bases:
            return {b: expression for b in bases}
        by_base.setdefault(m.group(1), []).append(part)
    return {b: " | ".join(by_base[b]) if b in by_base else expression for b in bases}


def cxx_string(s):
    out = ['"']
    for c in s:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif ord(c) < 0x20:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


class Emitter:
    def __init__(self):
        self.lists = {}       # tuple of names -> identifier
        self.components = {}  # tuple of (definition, expression) -> identifier

    def list_ref(self, names):
        names = tuple(names)
        if not names:
            return "{}"
        if names not in self.lists:
            self.lists[names] = f"kL{len(self.lists)}"
        return self.lists[names]

    def component_ref(self, components):
        key = tuple((c["definition"], c["expression"]) for c in components)
        if not key:
            return "{}"
        if key not in self.components:
            self.components[key] = f"kC{len(self.components)}"
        return self.components[key]

    def emit(self, params):
        param_lines, base_rows = [], []
        for index, p in enumerate(params):
            bases = p["base"]
            param_lines.append(
                f'    {{{cxx_string(p["id"])}, {cxx_string(p["url"])}, {cxx_string(p["code"])}, '
                f'ParamType::{TYPE_ENUM[p["type"]]}, '
                f'XpathUsage::{USAGE_ENUM[p.get("xpathUsage", "normal")]}, '
                f'{self.list_ref(bases)}, {cxx_string(p.get("expression", ""))}, '
                f'{self.list_ref(p.get("target", []))}, '
                f'{self.component_ref(p.get("component", []))}}},')
            for base, expr in per_base_expressions(p.get("expression", ""), bases).items():
                base_rows.append((base, p["code"], index, expr))
        base_rows.sort(key=lambda r: (r[0], r[1]))
        for a, b in zip(base_rows, base_rows[1:]):
            if (a[0], a[1]) == (b[0], b[1]):
                sys.exit(f"duplicate search parameter {a[0]}.{a[1]}")
        out = [
            "// generated by tools/gen_search_params.py; do not edit.",
            "// Source: FHIR R4 search-parameters.json.",
            "// Included once, by src/search/registry.cc, inside namespace",
            "// vigil::search::params_data.",
            "",
            "// Type-name lists (bases, targets).",
        ]
        for names, name in self.lists.items():
            out.append(f"constexpr std::string_view {name}[] = {{"
                       + ", ".join(cxx_string(n) for n in names) + "};")
        out.append("")
        out.append("// Composite components: (definition url, expression).")
        for key, name in self.components.items():
            items = ", ".join(f"{{{cxx_string(d)}, {cxx_string(e)}}}" for d, e in key)
            out.append(f"constexpr ComponentDef {name}[] = {{{items}}};")
        out.append("")
        out.append("// Every SearchParameter, in the order of search-parameters.json.")
        out.append("constexpr RawParam kParams[] = {")
        out.extend(param_lines)
        out.append("};")
        out.append("")
        out.append("// (base, code) -> kParams index and that base's expression; sorted by")
        out.append("// base, then code.")
        out.append("constexpr RawBaseEntry kByBase[] = {")
        for base, code, index, expr in base_rows:
            out.append(f"    {{{cxx_string(base)}, {cxx_string(code)}, {index}, {cxx_string(expr)}}},")
        out.append("};")
        return "\n".join(out) + "\n", len(base_rows)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fhir-dir", default=os.path.join(repo, "..", "shared", "fhir-r4"),
                        help="folder holding search-parameters.json "
                             "(default: <repo>/../shared/fhir-r4)")
    parser.add_argument("--out", default=os.path.join(repo, "src", "search", "params_data.inc"),
                        help="output file (default: <repo>/src/search/params_data.inc)")
    args = parser.parse_args()

    with open(os.path.join(args.fhir_dir, "search-parameters.json"), encoding="utf-8") as f:
        bundle = json.load(f)
    params = [e["resource"] for e in bundle["entry"]
              if e["resource"].get("resourceType") == "SearchParameter"]
    for p in params:
        if p["type"] not in TYPE_ENUM:
            sys.exit(f"{p['id']}: unknown type {p['type']}")
    text, pairs = Emitter().emit(params)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {args.out}: {len(params)} parameters, {pairs} (base, code) pairs",
          file=sys.stderr)


if __name__ == "__main__":
    main()
