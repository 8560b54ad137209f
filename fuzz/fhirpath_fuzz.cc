// libFuzzer target for the FHIRPath compiler and evaluator.
//
// The input is an expression. Compile must return a Status or an Expression;
// a compiled Expression is evaluated against a small fixed Patient and the result
// converted to JSON, as `vigil fhirpath` does. Evaluation errors are fine; crashes,
// sanitizer reports and hangs are bugs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fhir/json.h"
#include "fhirpath/fhirpath.h"
#include "fhirpath/value.h"

namespace {

constexpr std::string_view kPatient = R"({
  "resourceType": "Patient",
  "id": "example",
  "meta": {"lastUpdated": "2024-01-02T03:04:05.678Z"},
  "contained": [{"resourceType": "Organization", "id": "org", "name": "Ward 7"}],
  "extension": [{"url": "http://example.org/ext", "valueDecimal": 1.50}],
  "identifier": [{"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"}],
  "active": true,
  "name": [
    {"use": "official", "family": "Chalmers", "given": ["Peter", "James"]},
    {"use": "usual", "given": ["Jim"]}
  ],
  "telecom": [{"system": "phone", "value": "(03) 5555 6473", "use": "work", "rank": 1}],
  "gender": "male",
  "birthDate": "1974-12-25",
  "_birthDate": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
                                "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
  "deceasedBoolean": false,
  "managingOrganization": {"reference": "#org"}
})";

const vigil::fhir::Json& Patient() {
  static const vigil::fhir::Json* patient = [] {
    auto parsed = vigil::fhir::ParseJson(kPatient);
    if (!parsed.ok()) std::abort();
    return new vigil::fhir::Json(*std::move(parsed));
  }();
  return *patient;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expression = vigil::fhirpath::Expression::Compile(text);
  if (!expression.ok()) return 0;
  auto result = expression->Evaluate(Patient());
  if (result.ok()) (void)vigil::fhir::WriteJson(vigil::fhirpath::ToJson(*result));
  return 0;
}
