// Helpers shared by the tests of the AuditEvent builders: parse one, read an
// entity's detail.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "fhir/json.h"

namespace vigil::audit::testing {

inline fhir::Json ParseEvent(const std::string& text) {
  absl::StatusOr<fhir::Json> j = fhir::ParseJson(text);
  EXPECT_TRUE(j.ok()) << j.status();
  return j.value_or(fhir::Json::Object());
}

// The valueString of entity's detail of that type; "(none)" when absent.
inline std::string DetailOf(const fhir::Json& entity, std::string_view type) {
  const fhir::Json* details = entity.Find("detail");
  if (details == nullptr) return "(none)";
  for (const fhir::Json& d : details->items()) {
    if (d.Find("type")->text() == type) return d.Find("valueString")->text();
  }
  return "(none)";
}

}  // namespace vigil::audit::testing
