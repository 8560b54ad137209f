#!/usr/bin/env python3
"""Generates src/fhir/model_data.inc from the FHIR R4 StructureDefinitions.

The output holds the static tables behind src/fhir/model.h: one TypeInfo per
primitive, complex, resource and backbone type, each with its elements in
definition order (inherited ones included), plus a per-type index of element
positions sorted by name so that TypeInfo::FindElement can binary-search.

Elements of type `code` with a *required* binding also get the value set's
codes (sorted), expanded from valuesets.json and v3-codesystems.json: every
include by system (all codes of a complete CodeSystem, or its listed concepts)
or by valueSet, minus listed excludes. A value set that cannot be expanded that
way (filters, external code systems such as BCP-47 or MIME types) gets no list,
and its binding is not enforced. The base definitions carry no fixed[x] or
pattern[x] values, so none are emitted.

Usage: python3 tools/gen_fhir_model.py [--fhir-dir DIR] [--out FILE]

Only base definitions are used: logical models and constraint profiles
(SimpleQuantity, MoneyQuantity) are skipped. The output is deterministic.
"""

import argparse
import json
import os
import sys

from value_set_expansion import Expander

FHIR_TYPE_EXT = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
SYSTEM_PREFIX = "http://hl7.org/fhirpath/System."

# FHIRPath System type -> FHIR primitive, for System-typed elements that lack
# the structuredefinition-fhir-type extension.
SYSTEM_TO_FHIR = {
    "Boolean": "boolean",
    "String": "string",
    "Integer": "integer",
    "Decimal": "decimal",
    "Date": "date",
    "DateTime": "dateTime",
    "Time": "time",
}

# FHIR primitive -> model.h SystemType enumerator; anything else is kString.
PRIMITIVE_SYSTEM_TYPE = {
    "boolean": "kBoolean",
    "integer": "kInteger",
    "unsignedInt": "kInteger",
    "positiveInt": "kInteger",
    "decimal": "kDecimal",
    "date": "kDate",
    "dateTime": "kDateTime",
    "instant": "kDateTime",
    "time": "kTime",
}

KIND_ENUM = {
    "primitive-type": "kPrimitive",
    "complex-type": "kComplex",
    "resource": "kResource",
}

BACKBONE_CODES = ("BackboneElement", "Element")


def last_segment(url):
    return url.rstrip("/").rsplit("/", 1)[-1]


class ValueSets:
    """Expands the value sets of required bindings into code lists."""

    def __init__(self, fhir_dir):
        self.expander = Expander(fhir_dir)

    def expand(self, url):
        """The sorted codes of value set url, or None when it cannot be enumerated."""
        pairs = self.expander.expand(url)
        return tuple(sorted({code for _, code in pairs})) if pairs else None


def load_definitions(fhir_dir):
    """Returns the base StructureDefinitions of the types and resources bundles."""
    out = []
    for name in ("profiles-types.json", "profiles-resources.json"):
        with open(os.path.join(fhir_dir, name), encoding="utf-8") as f:
            bundle = json.load(f)
        for entry in bundle["entry"]:
            sd = entry["resource"]
            if sd.get("resourceType") != "StructureDefinition":
                continue
            if sd["kind"] not in KIND_ENUM or sd.get("derivation") == "constraint":
                continue
            out.append(sd)
    return out


def element_type_code(type_entry):
    """The FHIR type name of one ElementDefinition.type entry."""
    code = type_entry["code"]
    if not code.startswith(SYSTEM_PREFIX):
        return code
    for ext in type_entry.get("extension", []):
        if ext.get("url") == FHIR_TYPE_EXT and "valueUrl" in ext:
            return ext["valueUrl"]
    return SYSTEM_TO_FHIR[code[len(SYSTEM_PREFIX):]]


def target_types(element):
    """Allowed target resource types of a Reference/canonical element ([] = any)."""
    targets = []
    for t in element.get("type", []):
        if t["code"] not in ("Reference", "canonical"):
            continue
        for url in t.get("targetProfile", []):
            name = last_segment(url)
            if name not in targets:
                targets.append(name)
    if "Resource" in targets:
        return []
    return targets


class TypeBuilder:
    """Collects TypeInfo records from the snapshots."""

    def __init__(self, value_sets):
        self.types = {}  # name -> dict
        self.value_sets = value_sets

    def add_definition(self, sd):
        kind = KIND_ENUM[sd["kind"]]
        name = sd["type"] if sd["kind"] != "primitive-type" else sd["id"]
        base = last_segment(sd["baseDefinition"]) if "baseDefinition" in sd else ""
        system = ""
        if kind == "kPrimitive":
            system = PRIMITIVE_SYSTEM_TYPE.get(name, "kString")
        snapshot = sd["snapshot"]["element"]
        children = self.children_index(snapshot)
        self.add_type(name, kind, system, bool(sd.get("abstract")), base,
                      name, children, is_primitive=(kind == "kPrimitive"))

    @staticmethod
    def children_index(snapshot):
        """Maps each path to its direct children, in snapshot order."""
        children = {}
        for el in snapshot:
            path = el["path"]
            if "." in path:
                parent = path.rsplit(".", 1)[0]
                children.setdefault(parent, []).append(el)
        return children

    def add_type(self, name, kind, system, abstract, base, path, children,
                 is_primitive=False):
        if name in self.types:
            sys.exit(f"duplicate type {name}")
        elements = []
        for el in children.get(path, []):
            ename = el["path"].rsplit(".", 1)[1]
            if is_primitive and ename == "value":
                continue  # the primitive's value is the JSON scalar itself
            elements.append(self.element(el, children))
        self.types[name] = {
            "name": name, "kind": kind, "system": system, "abstract": abstract,
            "base": base, "elements": elements,
        }

    def element(self, el, children):
        path = el["path"]
        ename = path.rsplit(".", 1)[1]
        is_choice = ename.endswith("[x]")
        if is_choice:
            ename = ename[:-3]
        codes = [element_type_code(t) for t in el.get("type", [])]
        if "contentReference" in el:
            types = [el["contentReference"].split("#", 1)[1]]
        elif len(codes) == 1 and codes[0] in BACKBONE_CODES and path in children:
            self.add_type(path, "kBackbone", "", False, codes[0], path, children)
            types = [path]
        else:
            types = codes
        if not types:
            sys.exit(f"element {path} has no type")
        max_ = el.get("max", "1")
        binding = el.get("binding", {})
        value_set, codes = "", ()
        if types == ["code"] and binding.get("strength") == "required" and "valueSet" in binding:
            expanded = self.value_sets.expand(binding["valueSet"])
            if expanded is not None:
                value_set, codes = binding["valueSet"].split("|", 1)[0], expanded
        return {
            "name": ename,
            "types": tuple(types),
            "targets": tuple(target_types(el)),
            "min": int(el.get("min", 0)),
            "is_array": max_ not in ("0", "1"),
            "is_choice": is_choice,
            "is_modifier": bool(el.get("isModifier")),
            "is_summary": bool(el.get("isSummary")),
            "value_set": value_set,
            "codes": codes,
        }

    def check(self):
        for t in self.types.values():
            if t["base"] and t["base"] not in self.types:
                sys.exit(f"{t['name']}: unknown base {t['base']}")
            for e in t["elements"]:
                for ty in e["types"] + e["targets"]:
                    if ty not in self.types:
                        sys.exit(f"{t['name']}.{e['name']}: unknown type {ty}")


def ident(name):
    return name.replace(".", "_")


def cxx_bool(b):
    return "true" if b else "false"


def string_list(items):
    return ", ".join(json.dumps(s) for s in items)  # a JSON string is a valid C++ literal here


class Emitter:
    """Writes the C++ tables; type-name lists are shared between elements."""

    def __init__(self, types):
        self.types = [types[n] for n in sorted(types)]
        self.index = {t["name"]: i for i, t in enumerate(self.types)}
        self.lists = {}  # tuple of names -> identifier
        self.code_lists = {}  # tuple of codes -> identifier

    def list_ref(self, names):
        if not names:
            return "{}"
        if names not in self.lists:
            self.lists[names] = f"kL{len(self.lists)}"
        return self.lists[names]

    def code_list_ref(self, codes):
        if not codes:
            return "{}"
        if codes not in self.code_lists:
            self.code_lists[codes] = f"kC{len(self.code_lists)}"
        return self.code_lists[codes]

    def element_line(self, e):
        return (f'    {{"{e["name"]}", {self.list_ref(e["types"])}, '
                f'{self.list_ref(e["targets"])}, {e["min"]}, {cxx_bool(e["is_array"])}, '
                f'{cxx_bool(e["is_choice"])}, {cxx_bool(e["is_modifier"])}, '
                f'{cxx_bool(e["is_summary"])}, "{e["value_set"]}", '
                f'{self.code_list_ref(e["codes"])}}},')

    def emit(self):
        element_blocks = []
        for t in self.types:
            lines = [self.element_line(e) for e in t["elements"]]
            element_blocks.append(
                f"constexpr ElementInfo kE_{ident(t['name'])}[] = {{\n"
                + "\n".join(lines) + "\n};")
        out = [
            "// generated by tools/gen_fhir_model.py; do not edit.",
            "// Source: FHIR R4 profiles-types.json, profiles-resources.json, valuesets.json and",
            "// v3-codesystems.json.",
            "// Included once, by src/fhir/model.cc, inside namespace vigil::fhir::model_data.",
            "",
            "// Type-name lists shared by elements (types and target_types).",
        ]
        for names, name in self.lists.items():
            out.append(f"constexpr std::string_view {name}[] = {{{string_list(names)}}};")
        out.append("")
        out.append("// Codes of required value sets, sorted (ElementInfo::required_codes).")
        for codes, name in self.code_lists.items():
            out.append(f"constexpr std::string_view {name}[] = {{{string_list(codes)}}};")
        out.append("")
        out.append("// Elements of each type, in definition order.")
        out.extend(element_blocks)
        out.extend(self.type_table())
        out.extend(self.base_table())
        out.extend(self.sorted_index())
        return "\n".join(out) + "\n"

    def type_table(self):
        out = ["", "// Every type, sorted by name (FindType binary-searches this).",
               "constexpr TypeInfo kTypes[] = {"]
        for t in self.types:
            system = t["system"] or "kNone"
            out.append(f'    {{"{t["name"]}", TypeKind::{t["kind"]}, SystemType::{system}, '
                       f'{cxx_bool(t["abstract"])}, "{t["base"]}", kE_{ident(t["name"])}}},')
        out.append("};")
        return out

    def base_table(self):
        bases = [str(self.index[t["base"]]) if t["base"] else "-1" for t in self.types]
        return ["", "// kBaseIndex[i]: index in kTypes of kTypes[i]'s base type, or -1.",
                "constexpr int16_t kBaseIndex[] = {"] + wrap(bases) + ["};"]

    def sorted_index(self):
        starts, order = [], []
        for t in self.types:
            starts.append(str(len(order)))
            names = [e["name"] for e in t["elements"]]
            order.extend(str(i) for i in sorted(range(len(names)), key=lambda i: names[i]))
        starts.append(str(len(order)))
        return ["", "// Positions of each type's elements sorted by name: type i owns",
                "// kSortedElements[kSortedStart[i] .. kSortedStart[i + 1]).",
                "constexpr uint32_t kSortedStart[] = {"] + wrap(starts) + [
                "};", "constexpr uint16_t kSortedElements[] = {"] + wrap(order) + ["};"]


def wrap(values, width=96):
    lines, line = [], "   "
    for v in values:
        if len(line) + len(v) + 2 > width:
            lines.append(line)
            line = "   "
        line += f" {v},"
    if line.strip():
        lines.append(line)
    return lines


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fhir-dir", default=os.path.join(repo, "..", "shared", "fhir-r4"),
                        help="folder holding profiles-*.json (default: <repo>/../shared/fhir-r4)")
    parser.add_argument("--out", default=os.path.join(repo, "src", "fhir", "model_data.inc"),
                        help="output file (default: <repo>/src/fhir/model_data.inc)")
    args = parser.parse_args()

    builder = TypeBuilder(ValueSets(args.fhir_dir))
    for sd in load_definitions(args.fhir_dir):
        builder.add_definition(sd)
    builder.check()
    text = Emitter(builder.types).emit()
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {args.out}: {len(builder.types)} types", file=sys.stderr)


if __name__ == "__main__":
    main()
