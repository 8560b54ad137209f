// Validating a resource against the R4 StructureDefinitions.
//
// ValidateResource walks a resource (and everything in it: complex values,
// backbone elements, contained resources, Bundle entries) against the generated
// model (model.h) and reports what the data gets wrong as a list of issues, not
// as a Status: bad input is not our code failing. The rules:
//
//   structure  members the model does not define; a value of the wrong JSON
//              shape (an object where a string belongs); an array for a
//              single-valued element or a single value for a repeating one;
//              empty arrays, objects and strings (FHIR forbids empty values);
//              two members for one choice element (valueString + valueQuantity)
//              or a choice member of a type the element does not allow;
//   required   elements with min > 0 that are missing;
//   value      primitives that break their type's lexical rules (date, id,
//              positiveInt...; see primitive_check.h); codes outside the value
//              set of a required binding (Patient.gender); a Reference whose
//              "Type/id" names a type the element does not allow.
//
// Not checked: invariants (FHIRPath constraints such as ext-1), extensible and
// preferred bindings, bindings on Coding/CodeableConcept, profiles named in
// meta.profile, references' existence. The R4 base definitions carry no
// fixed[x]/pattern[x] values, so there are none to check.
//
// Expressions are FHIRPath-like locations: "Patient.name[0].given[1]",
// "Bundle.entry[2].resource.status", "Observation.value[x]" for a missing choice.
//
// Thread-safety: stateless over immutable model data; safe everywhere.
//
// Example:
//   std::vector<ValidationIssue> issues = ValidateResource(*ParseResource(
//       R"({"resourceType":"Patient","gender":"mal","birthDate":"1970-13"})"));
//   // {error, value, "Patient.gender", ...}, {error, value, "Patient.birthDate", ...}
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "fhir/json.h"

namespace vigil::fhir {

struct ValidationIssue {
  std::string severity;    // "error" or "warning"
  std::string code;        // FHIR IssueType: "structure", "required", "value"
  std::string expression;  // where: "Patient.name[0].given[1]"
  std::string message;     // what, for a person
};

struct ValidateOptions {
  // Stop after this many issues (a hostile resource can have millions).
  size_t max_issues = 100;
};

// The problems of resource, in document order (missing required elements are
// reported after the other members of their parent). Empty when it is valid.
// resource must be a JSON object; a missing or unknown resourceType is an issue.
std::vector<ValidationIssue> ValidateResource(const Json& resource,
                                              const ValidateOptions& options = {});

// Whether any issue has severity "error".
bool HasErrors(const std::vector<ValidationIssue>& issues);

}  // namespace vigil::fhir
