#include "fhir/json_number.h"

#include <charconv>

namespace vigil::fhir {

std::optional<double> JsonDouble(const Json* j) {
  if (j == nullptr || !j->is_number()) return std::nullopt;
  double v = 0;
  const std::string& t = j->text();
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  return v;
}

}  // namespace vigil::fhir
