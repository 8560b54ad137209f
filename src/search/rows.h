// Converts one FHIRPath value to index rows for one search parameter; the
// per-type rules are listed in search/indexer.h. Internal to the search layer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/json.h"
#include "fhirpath/fhirpath.h"

#include "fhirpath/value.h"
#include "search/registry.h"
#include "store/index.h"

namespace vigil::search {

// The options the indexer evaluates expressions with: resolve() knows a
// reference's target type from its text (so `where(resolve() is Patient)`
// works without reading the store). Stateless; one instance for every thread.
const fhirpath::EvalOptions& IndexEvalOptions();

// Appends the rows `value` yields for parameter `code` of type `type` to *out.
// Returns an error message when the value is malformed (a date that does not
// parse); values of a type the parameter type cannot use yield nothing and no
// error.
std::string AppendRows(ParamType type, std::string_view code, const fhirpath::Value& value,
                       store::IndexEntries* out);

// False when a value of FHIR type `fhir_type` never yields rows for a
// parameter of type `type` (a SampledData for a quantity parameter); true
// when it may.
bool TypeYieldsRows(ParamType type, std::string_view fhir_type);

// Appends the CompositeRows of composite parameter `def` (def.indexed()) for
// `resource`: evaluates def's expression, then each component's expression
// on every element it yields, and adds one row per combination of component
// values within that element (an element lacking a component adds none).
// Returns error messages for values that could not be read.
std::vector<std::string> AppendCompositeRows(const ParamDef& def, const fhir::Json& resource,
                                             const fhirpath::EvalOptions& options,
                                             store::IndexEntries* out);

}  // namespace vigil::search
