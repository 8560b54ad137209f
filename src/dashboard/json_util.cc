#include "dashboard/json_util.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "base/time.h"
#include "fhir/json_number.h"

namespace vigil::dashboard {

using fhir::Json;

std::string_view Text(const Json* j) {
  return j != nullptr && j->is_string() ? std::string_view(j->text()) : std::string_view();
}

std::string_view TextAt(const Json& resource, std::string_view key) { return Text(resource.Find(key)); }

std::optional<double> NumberOf(const Json* j) {
  return fhir::JsonDouble(j);
}

std::optional<Code> FirstCoding(const Json* codeable) {
  const Json* codings = codeable == nullptr ? nullptr : codeable->Find("coding");
  if (codings == nullptr) return std::nullopt;
  for (const Json& c : codings->items()) {
    if (TextAt(c, "code").empty()) continue;
    return Code{std::string(TextAt(c, "system")), std::string(TextAt(c, "code")), std::string(TextAt(c, "display"))};
  }
  return std::nullopt;
}

std::string ConceptLabel(const Json* codeable) {
  if (codeable == nullptr) return "";
  if (std::string_view text = TextAt(*codeable, "text"); !text.empty()) return std::string(text);
  if (const Json* codings = codeable->Find("coding")) {
    for (const Json& c : codings->items()) {
      if (std::string_view d = TextAt(c, "display"); !d.empty()) return std::string(d);
    }
  }
  std::optional<Code> code = FirstCoding(codeable);
  return code ? code->code : "";
}

bool HasCoding(const Json* codeable, std::string_view system, std::string_view code) {
  const Json* codings = codeable == nullptr ? nullptr : codeable->Find("coding");
  if (codings == nullptr) return false;
  for (const Json& c : codings->items()) {
    if (TextAt(c, "system") == system && TextAt(c, "code") == code) return true;
  }
  return false;
}

std::string PersonName(const Json& patient) {
  const Json* names = patient.Find("name");
  if (names == nullptr || names->items().empty()) return "";
  const Json* chosen = &names->items().front();
  for (const Json& n : names->items()) {
    if (TextAt(n, "use") == "official") {
      chosen = &n;
      break;
    }
  }
  if (std::string_view text = TextAt(*chosen, "text"); !text.empty()) return std::string(text);
  std::string out;
  if (const Json* given = chosen->Find("given")) {
    for (const Json& g : given->items()) {
      if (!out.empty()) out += ' ';
      out += Text(&g);
    }
  }
  if (std::string_view family = TextAt(*chosen, "family"); !family.empty()) {
    if (!out.empty()) out += ' ';
    out += family;
  }
  return out;
}

const Json* SubExtension(const Json& extension, std::string_view url) {
  const Json* parts = extension.Find("extension");
  if (parts == nullptr) return nullptr;
  for (const Json& part : parts->items()) {
    if (TextAt(part, "url") == url) return &part;
  }
  return nullptr;
}

const Json* ExtensionOf(const Json& resource, std::string_view url) { return SubExtension(resource, url); }

Json Str(std::string_view s) { return Json::String(std::string(s)); }

Json Num(double v) {
  if (!std::isfinite(v)) return Json();
  return Json::Number(fmt::format("{:.12g}", v));  // unit conversions leave float noise (38.000000000000004)
}

Json Int(int64_t v) { return Json::Number(std::to_string(v)); }

Json CodeJson(const Code& code) {
  Json c = Json::Object();
  c.Set("system", Str(code.system));
  c.Set("code", Str(code.code));
  if (!code.display.empty()) c.Set("display", Str(code.display));
  return c;
}

Json InstantOrNull(std::optional<int64_t> ms) { return ms ? Str(FormatInstant(*ms)) : Json(); }

}  // namespace vigil::dashboard
