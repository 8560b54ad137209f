#include "ingest/mqtt/units.h"

#include <algorithm>
#include <utility>

#include "base/str.h"
#include "fhirpath/decimal.h"
#include "fhirpath/ucum.h"

namespace vigil::mqtt::internal {
namespace {

using fhirpath::Decimal;

// Spellings devices send that are not UCUM codes (compared lower-case).
constexpr std::pair<std::string_view, std::string_view> kSpellings[] = {
    {"bpm", "/min"},          {"beats/min", "/min"},   {"breaths/min", "/min"},
    {"rpm", "/min"},          {"mmhg", "mm[Hg]"},      {"mm hg", "mm[Hg]"},
    {"degc", "Cel"},          {"deg c", "Cel"},        {"\xC2\xB0" "c", "Cel"},
    {"degf", "[degF]"},       {"deg f", "[degF]"},     {"\xC2\xB0" "f", "[degF]"},
    {"percent", "%"},         {"l/min", "L/min"},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return out;
}

absl::StatusOr<Decimal> ParseValue(std::string_view value) {
  std::optional<Decimal> d = Decimal::Parse(value);
  if (!d) return absl::InvalidArgumentError(StrCat("'value' ", value, " is out of range"));
  return *d;
}

}  // namespace

std::optional<std::string> ToUcum(std::string_view unit) {
  std::string lower = Lower(unit);
  for (const auto& [spelling, ucum] : kSpellings) {
    if (lower == spelling) return std::string(ucum);
  }
  if (fhirpath::internal::ParseUcum(unit).has_value()) return std::string(unit);
  return std::nullopt;
}

absl::StatusOr<Quantity> SignalQuantity(ai::Signal signal, std::string_view value,
                                        std::string_view unit) {
  const ai::SignalInfo& info = ai::Info(signal);
  absl::StatusOr<Decimal> number = ParseValue(value);
  if (!number.ok()) return number.status();
  Quantity out{number->ToString(), std::string(info.ucum), true};
  if (unit.empty() || unit == info.ucum) return out;
  std::optional<std::string> ucum = ToUcum(unit);
  auto unconvertible = [&] {
    return absl::InvalidArgumentError(StrCat("'unit' '", unit, "' cannot be converted to ",
                                             info.name, "'s unit ", info.ucum));
  };
  if (!ucum) return unconvertible();
  if (*ucum == info.ucum) return out;
  std::optional<fhirpath::internal::UcumUnit> from = fhirpath::internal::ParseUcum(*ucum);
  std::optional<fhirpath::internal::UcumUnit> to = fhirpath::internal::ParseUcum(info.ucum);
  if (!from || !to) return unconvertible();
  std::optional<Decimal> converted = fhirpath::internal::ConvertUcum(*number, *from, *to);
  if (!converted) return unconvertible();
  // At most two more decimals than sent, trailing zeros dropped: 100 [degF] is
  // 37.78 Cel, 98.6 [degF] is 37 Cel, 0.97 (1) is 97 %.
  out.value = converted->Round(std::max(number->scale(), 0) + 2).StripTrailingZeros().ToString();
  return out;
}

absl::StatusOr<Quantity> OtherQuantity(std::string_view value, std::string_view unit) {
  absl::StatusOr<Decimal> number = ParseValue(value);
  if (!number.ok()) return number.status();
  Quantity out{number->ToString(), std::string(unit), false};
  if (unit.empty()) return out;
  if (std::optional<std::string> ucum = ToUcum(unit)) {
    out.unit = *ucum;
    out.ucum = true;
  }
  return out;
}

}  // namespace vigil::mqtt::internal
