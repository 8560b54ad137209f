// Search indexing: one resource -> the store::IndexEntries rows of every search
// parameter that applies to its type (search/registry.h).
//
// Each parameter's compiled expression is evaluated over the resource and each
// resulting value converted by the parameter's type and the value's FHIR type,
// following https://hl7.org/fhir/R4/search.html:
//
//   token      code/string/uri/id/boolean (code only), Coding, CodeableConcept
//              (one row per coding; text = CodeableConcept.text + display),
//              Identifier (system|value, plus a "<code>:of-type" row with the
//              type coding's system and code "<type code>|<value>"),
//              ContactPoint (system = ContactPoint.system, code = value)
//   string     string-like primitives; HumanName (family, each given, prefix,
//              suffix, text: one row each); Address (each line, city, district,
//              state, postalCode, country, text)
//   date       date/dateTime/instant by precision; Period (open ends are
//              kMinTime/kMaxTime); Timing (from the first to the last event,
//              widened by repeat.boundsPeriod)
//   number     integer/decimal types, with their precision interval
//   quantity   Quantity and its profiles/specialisations (Age, Duration, Count,
//              Distance, SimpleQuantity, MoneyQuantity); Money (system
//              urn:iso:std:iso:4217, code = currency); Range (low..high)
//   reference  Reference.reference, canonical and uri values: "Type/id" ->
//              target_type/id; versioned references lose "/_history/n";
//              absolute, urn: and conditional references keep only url;
//              contained ("#x") references are skipped. Reference.identifier
//              also yields a token row "<code>:identifier" (system, value)
//              for the :identifier modifier.
//   uri        uri/url/canonical/oid/uuid values, verbatim
//
//   composite  one store::CompositeRow per element of the composite's expression
//              (its context: the Observation, each Observation.component, each
//              useContext) and per combination of the component values found
//              in that element; each component's expression is evaluated with
//              the element as input (%resource = the resource) and its values
//              converted as above by the component parameter's type. An
//              element missing a component yields no row.
//
// Special parameters and parameters without an expression are not indexed.
// Values that do not fit the parameter's type are skipped.
//
// Reference expressions such as `subject.where(resolve() is Patient)` work
// without a store: resolve() answers a reference "T/id" (or an absolute URL
// ending in T/id) with a static minimal resource {"resourceType": "T"}.
//
// Errors: InvalidArgument when the input is not a resource of a known type. A
// parameter whose evaluation fails, or a value that cannot be read (a malformed
// date), does not fail the resource: it is skipped and reported as an
// IndexIssue.
//
// Thread-safety: IndexResource may run on many threads at once.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "search/registry.h"
#include "store/index.h"

namespace vigil::search {

// A parameter (or one of its values) that could not be indexed.
struct IndexIssue {
  std::string param;    // the parameter code
  std::string message;  // why
};

struct IndexedResource {
  store::IndexEntries entries;
  std::vector<IndexIssue> issues;
};

// The index rows of resource, with the issues met on the way (for the caller to log).
absl::StatusOr<IndexedResource> IndexResourceWithIssues(const Registry& registry,
                                                        const fhir::Json& resource);

// The index rows of resource; issues are dropped. Prefer IndexResourceWithIssues
// where there is a log to write them to.
absl::StatusOr<store::IndexEntries> IndexResource(const Registry& registry,
                                                  const fhir::Json& resource);

// Replaces the rows of the date parameter `code` of resource's type in
// `entries` by those `resource` yields (for rows computed before a write
// changed only meta.lastUpdated: "_lastUpdated"). Errors: InvalidArgument when
// the type has no such indexed date parameter, or its evaluation fails.
absl::Status ReindexDateParam(const Registry& registry, const fhir::Json& resource,
                              std::string_view code, store::IndexEntries& entries);

}  // namespace vigil::search
