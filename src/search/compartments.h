// The R4 compartments (Patient, Encounter, RelatedPerson, Practitioner, Device):
// which search parameters put a resource of a given type into a compartment.
//
// Generated from the spec's CompartmentDefinitions by tools/gen_compartments.py
// into compartments_data.inc (never edit it by hand). A resource is in
// Patient/123's compartment when a reference row of any of
// CompartmentParams("Patient", its type) points to Patient/123 (see
// store::CompartmentMatch). The compartment's owner itself ("{def}" in the
// definitions) is not listed; callers that want it (Patient/$everything) add it.
//
//   for (std::string_view p : search::CompartmentParams("Patient", "Observation"))
//     ...  // "subject", "performer"
//   search::CompartmentParams("Patient", "Encounter")  // "subject" (the definition: patient)
//
// Thread-safety: immutable static tables; safe from any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::search {

// Whether `type` owns a compartment ("Patient", "Encounter", "RelatedPerson",
// "Practitioner", "Device").
bool IsCompartmentType(std::string_view type);

// The reference parameter codes of resource_type whose index rows link it to
// a compartment of compartment_type, in definition order; empty when
// resource_type is not part of that compartment (or either name is unknown).
// A parameter of the definition that narrows subject (Encounter's "patient",
// search::ParamDef::narrows) is listed as "subject": its rows are subject's.
std::span<const std::string_view> CompartmentParams(std::string_view compartment_type,
                                                    std::string_view resource_type);

// The resource types with at least one parameter in compartment_type's
// definition, sorted by name; empty for an unknown compartment.
std::vector<std::string_view> CompartmentResourceTypes(std::string_view compartment_type);

// CompartmentParams as owned strings (for store::CompartmentMatch).
std::vector<std::string> CompartmentParamList(std::string_view compartment_type,
                                              std::string_view resource_type);

}  // namespace vigil::search
