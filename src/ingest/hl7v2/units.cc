#include "ingest/hl7v2/units.h"

#include <utility>

#include "fhirpath/ucum.h"

namespace vigil::hl7v2::internal {
namespace {

// Spellings seen in v2 feeds (compared case-insensitively) -> UCUM.
constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
    {"mg/dl", "mg/dL"},
    {"g/dl", "g/dL"},
    {"ug/dl", "ug/dL"},
    {"mmol/l", "mmol/L"},
    {"umol/l", "umol/L"},
    {"meq/l", "meq/L"},
    {"ng/ml", "ng/mL"},
    {"pg/ml", "pg/mL"},
    {"mg/l", "mg/L"},
    {"g/l", "g/L"},
    {"k/ul", "10*3/uL"},
    {"x10e3/ul", "10*3/uL"},
    {"10^3/ul", "10*3/uL"},
    {"thou/ul", "10*3/uL"},
    {"m/ul", "10*6/uL"},
    {"x10e6/ul", "10*6/uL"},
    {"10^6/ul", "10*6/uL"},
    {"mil/ul", "10*6/uL"},
    {"giga.l-1", "10*9/L"},
    {"10^9/l", "10*9/L"},
    {"tera.l-1", "10*12/L"},
    {"10^12/l", "10*12/L"},
    {"fl", "fL"},
    {"pg", "pg"},
    {"iu/l", "[IU]/L"},
    {"miu/l", "m[IU]/L"},
    {"uiu/ml", "u[IU]/mL"},
    {"u/l", "U/L"},
    {"mmhg", "mm[Hg]"},
    {"mm hg", "mm[Hg]"},
    {"bpm", "/min"},
    {"beats/min", "/min"},
    {"breaths/min", "/min"},
    {"degf", "[degF]"},
    {"deg f", "[degF]"},
    {"\xC2\xB0"
     "f",
     "[degF]"},
    {"degc", "Cel"},
    {"deg c", "Cel"},
    {"\xC2\xB0"
     "c",
     "Cel"},
    {"in", "[in_i]"},
    {"inch", "[in_i]"},
    {"inches", "[in_i]"},
    {"lb", "[lb_av]"},
    {"lbs", "[lb_av]"},
    {"sec", "s"},
    {"secs", "s"},
    {"ml/min/1.73m2", "mL/min/{1.73_m2}"},
    {"percent", "%"},
    {"ratio", "{ratio}"},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

std::string ToUcum(std::string_view unit, std::string_view coding_system) {
  if (unit.empty()) return {};
  if (coding_system == "UCUM") return std::string(unit);
  for (const auto& [spelling, ucum] : kUnits) {
    if (EqualsIgnoreCase(unit, spelling)) return std::string(ucum);
  }
  if (fhirpath::internal::ParseUcum(unit).has_value()) return std::string(unit);
  return {};
}

}  // namespace vigil::hl7v2::internal
