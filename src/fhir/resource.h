// Parsing FHIR resources and checking their members against the model.
//
// ParseResource is ParseJson plus the one check every FHIR endpoint needs: the
// root is an object whose "resourceType" names a concrete R4 resource type.
// UnknownElements lists the members the R4 model does not define (typos,
// elements from other FHIR versions); full validation, which reports these
// too, is ValidateResource in validate.h. It
// reports data problems as a list, not as a Status: the input being wrong is
// not our code failing.
//
// Thread-safety: stateless functions over immutable data; safe everywhere.
//
// Example:
//   absl::StatusOr<Json> patient = ParseResource(R"({"resourceType":"Patient","foo":1})");
//   UnknownElements(*patient);  // {"Patient.foo"}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"

namespace vigil::fhir {

// Parses text as a resource. Errors (InvalidArgument): malformed JSON (see
// ParseJson), "resource must be a JSON object", "missing resourceType" (absent or
// not a string), "unknown resource type 'Foo'" (also for abstract ones such as
// "Resource").
absl::StatusOr<Json> ParseResource(std::string_view text);

// Paths of the members of resource that the R4 model does not know, in document
// order, e.g. "Patient.name[0].fmaily" or "Bundle.entry[1].resource.foo".
// Understood besides the model's elements: choice members ("valueQuantity"),
// primitive extensions ("_birthDate": an object, or for repeating primitives an
// array of objects and nulls), "resourceType" on resources, "fhir_comments"
// anywhere. Resource-typed elements (contained, Bundle.entry.resource,
// Parameters.parameter.resource) are walked with their own resourceType; when
// that is missing or unknown, "<path>.resourceType" is reported. Values of the
// wrong JSON shape (an object where a string belongs) are not this function's
// concern and are skipped. Empty for a known resource that uses only R4 elements.
std::vector<std::string> UnknownElements(const Json& resource);

}  // namespace vigil::fhir
