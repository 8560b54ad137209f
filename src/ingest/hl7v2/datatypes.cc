#include "ingest/hl7v2/datatypes.h"

#include <utility>

#include "base/str.h"
#include "ingest/hl7v2/map_context.h"

namespace vigil::hl7v2::internal {
namespace {

using fhir::Json;

constexpr std::pair<std::string_view, std::string_view> kCodeSystems[] = {
    {"LN", "http://loinc.org"},
    {"LOINC", "http://loinc.org"},
    {"SCT", "http://snomed.info/sct"},
    {"SNM", "http://snomed.info/sct"},
    {"SNOMED", "http://snomed.info/sct"},
    {"SNOMEDCT", "http://snomed.info/sct"},
    {"UCUM", "http://unitsofmeasure.org"},
    {"I10", "http://hl7.org/fhir/sid/icd-10"},
    {"I10C", "http://hl7.org/fhir/sid/icd-10-cm"},
    {"ICD10CM", "http://hl7.org/fhir/sid/icd-10-cm"},
    {"I9", "http://hl7.org/fhir/sid/icd-9-cm"},
    {"I9C", "http://hl7.org/fhir/sid/icd-9-cm"},
    {"RXN", "http://www.nlm.nih.gov/research/umls/rxnorm"},
    {"RXNORM", "http://www.nlm.nih.gov/research/umls/rxnorm"},
    {"C4", "http://www.ama-assn.org/go/cpt"},
    {"CPT", "http://www.ama-assn.org/go/cpt"},
    {"CVX", "http://hl7.org/fhir/sid/cvx"},
    {"NDC", "http://hl7.org/fhir/sid/ndc"},
};

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string JoinNonEmpty(std::initializer_list<std::string> parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

}  // namespace

// AuthoritySystem before whitespace is encoded.
std::string AuthoritySystemText(std::string_view namespace_id, std::string_view universal_id,
                                std::string_view type, const MapOptions& options);

std::string CodeSystemUri(std::string_view name) {
  for (const auto& [key, uri] : kCodeSystems) {
    if (name == key) return std::string(uri);
  }
  // HL7nnnn / HL7-nnnn: HL7 v2 tables.
  std::string_view table = name;
  if (table.starts_with("HL7")) {
    table.remove_prefix(3);
    if (table.starts_with("-")) table.remove_prefix(1);
    if (table.size() == 4 && IsDigits(table)) {
      return StrCat("http://terminology.hl7.org/CodeSystem/v2-", table);
    }
  }
  if (name.starts_with("http://") || name.starts_with("https://") || name.starts_with("urn:")) {
    return std::string(name);
  }
  return {};
}

std::string AuthoritySystem(std::string_view namespace_id, std::string_view universal_id,
                            std::string_view type, const MapOptions& options) {
  return UriText(AuthoritySystemText(namespace_id, universal_id, type, options));
}

std::string AuthoritySystemText(std::string_view namespace_id, std::string_view universal_id,
                                std::string_view type, const MapOptions& options) {
  if (!universal_id.empty()) {
    if (type == "ISO") return StrCat("urn:oid:", universal_id);
    if (type == "UUID") return StrCat("urn:uuid:", universal_id);
    if (type == "URI" || universal_id.starts_with("http://") ||
        universal_id.starts_with("https://") || universal_id.starts_with("urn:")) {
      return std::string(universal_id);
    }
  }
  if (!namespace_id.empty()) return options.local_system_prefix + QueryEncode(namespace_id);
  if (!universal_id.empty()) return options.local_system_prefix + QueryEncode(universal_id);
  return {};
}

Json Coding(const std::string& code, const std::string& display, std::string_view system_name) {
  Json c = Json::Object();
  if (code.empty()) return c;
  SetString(c, "system", UriText(CodeSystemUri(system_name)));
  SetString(c, "code", CodeText(code));
  SetString(c, "display", display);
  return c;
}

Json CodeableConcept(const Element& ce) {
  Json cc = Json::Object();
  Append(cc, "coding", Coding(Text(ce.Comp(1)), Text(ce.Comp(2)), Text(ce.Comp(3))));
  Append(cc, "coding", Coding(Text(ce.Comp(4)), Text(ce.Comp(5)), Text(ce.Comp(6))));
  std::string text = Text(ce.Comp(9));
  if (text.empty()) text = Text(ce.Comp(2));
  if (text.empty() && cc.Find("coding") == nullptr) text = Text(ce.Comp(1));
  SetString(cc, "text", text);
  return cc;
}

Json TableConcept(const std::string& code, std::string_view system_uri) {
  Json cc = Json::Object();
  std::string text = CodeText(code);
  if (text.empty()) return cc;
  Json coding = Json::Object();
  coding.Set("system", Json::String(std::string(system_uri)));
  coding.Set("code", Json::String(std::move(text)));
  Append(cc, "coding", std::move(coding));
  return cc;
}

std::string CxSystem(const Element& cx, const MapOptions& options,
                     std::string_view fallback_authority) {
  Element hd = cx.Comp(4);
  std::string system = AuthoritySystem(Text(hd.Sub(1)), Text(hd.Sub(2)), Text(hd.Sub(3)), options);
  if (system.empty()) system = AuthoritySystem(fallback_authority, "", "", options);
  return system;
}

Json Identifier(const Element& cx, const MapOptions& options, std::string_view fallback_authority) {
  Json id = Json::Object();
  std::string value = Text(cx.Comp(1));
  if (value.empty()) return id;
  std::string type = Text(cx.Comp(5));
  if (!type.empty()) {
    SetIfNotEmpty(id, "type", TableConcept(type, "http://terminology.hl7.org/CodeSystem/v2-0203"));
  }
  SetString(id, "system", CxSystem(cx, options, fallback_authority));
  id.Set("value", Json::String(value));
  return id;
}

Json HumanName(const Element& xpn) {
  Json name = Json::Object();
  static constexpr std::pair<std::string_view, std::string_view> kUse[] = {
      {"L", "official"}, {"D", "usual"},     {"A", "usual"}, {"M", "maiden"},
      {"N", "nickname"}, {"S", "anonymous"}, {"T", "temp"},  {"C", "old"}};
  std::string type = Text(xpn.Comp(7));
  for (const auto& [code, use] : kUse) {
    if (type == code) name.Set("use", Json::String(std::string(use)));
  }
  SetString(name, "family", Text(xpn.Comp(1).Sub(1)));
  for (int c : {2, 3}) Append(name, "given", Json::String(Text(xpn.Comp(c))));
  Append(name, "prefix", Json::String(Text(xpn.Comp(5))));
  Append(name, "suffix", Json::String(Text(xpn.Comp(4))));
  Append(name, "suffix", Json::String(Text(xpn.Comp(6))));
  if (name.Find("family") == nullptr && name.Find("given") == nullptr) return Json::Object();
  return name;
}

Json Address(const Element& xad) {
  Json a = Json::Object();
  std::string type = Text(xad.Comp(7));
  if (type == "H" || type == "P") a.Set("use", Json::String("home"));
  if (type == "B" || type == "O") a.Set("use", Json::String("work"));
  if (type == "C") a.Set("use", Json::String("temp"));
  if (type == "BA") a.Set("use", Json::String("old"));
  if (type == "M") a.Set("type", Json::String("postal"));
  Append(a, "line", Json::String(Text(xad.Comp(1).Sub(1))));
  Append(a, "line", Json::String(Text(xad.Comp(2))));
  SetString(a, "city", Text(xad.Comp(3)));
  SetString(a, "state", Text(xad.Comp(4)));
  SetString(a, "postalCode", Text(xad.Comp(5)));
  SetString(a, "country", Text(xad.Comp(6)));
  bool has_data = a.Find("line") || a.Find("city") || a.Find("state") || a.Find("postalCode") ||
                  a.Find("country");
  return has_data ? a : Json::Object();
}

Json ContactPoint(const Element& xtn, bool work) {
  Json cp = Json::Object();
  std::string use = Text(xtn.Comp(2)), equipment = Text(xtn.Comp(3));
  std::string email = Text(xtn.Comp(4));
  if (!email.empty() || use == "NET" || equipment == "Internet") {
    if (email.empty()) email = Text(xtn.Comp(1));
    if (email.empty()) return cp;
    cp.Set("system", Json::String("email"));
    cp.Set("value", Json::String(email));
  } else {
    std::string value = Text(xtn.Comp(1));
    if (value.empty()) value = Text(xtn.Comp(12));
    if (value.empty()) {
      std::string country = Text(xtn.Comp(5)), area = Text(xtn.Comp(6));
      value = JoinNonEmpty({country.empty() ? "" : "+" + country,
                            area.empty() ? "" : "(" + area + ")", Text(xtn.Comp(7))},
                           " ");
      std::string ext = Text(xtn.Comp(8));
      if (!value.empty() && !ext.empty()) value += " ext. " + ext;
    }
    if (value.empty()) return cp;
    cp.Set("system", Json::String(equipment == "FX"   ? "fax"
                                  : equipment == "BP" ? "pager"
                                                      : "phone"));
    cp.Set("value", Json::String(value));
  }
  if (equipment == "CP")
    cp.Set("use", Json::String("mobile"));
  else if (work || use == "WPN")
    cp.Set("use", Json::String("work"));
  else if (use == "PRN" || use == "ORN" || use == "VHN")
    cp.Set("use", Json::String("home"));
  return cp;
}

Json PersonReference(const Element& xcn) {
  Json ref = Json::Object();
  std::string id = Text(xcn.Comp(1));
  std::string display = JoinNonEmpty({Text(xcn.Comp(6)), Text(xcn.Comp(3)), Text(xcn.Comp(4)),
                                      Text(xcn.Comp(2).Sub(1)), Text(xcn.Comp(5))},
                                     " ");
  if (!id.empty()) {
    Json identifier = Json::Object();
    identifier.Set("value", Json::String(id));
    ref.Set("identifier", std::move(identifier));
  }
  SetString(ref, "display", display);
  return ref;
}

std::string LocationDisplay(const Element& pl) {
  return JoinNonEmpty(
      {Text(pl.Comp(1)), Text(pl.Comp(2)), Text(pl.Comp(3)), Text(pl.Comp(4).Sub(1))}, ", ");
}

}  // namespace vigil::hl7v2::internal
