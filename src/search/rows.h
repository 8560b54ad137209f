// Converts one FHIRPath value to index rows for one search parameter; the
// per-type rules are listed in search/indexer.h. Internal to the search layer.
#pragma once

#include <string>
#include <string_view>

#include "fhirpath/value.h"
#include "search/registry.h"
#include "store/index.h"

namespace vigil::search {

// Appends the rows `value` yields for parameter `code` of type `type` to *out.
// Returns an error message when the value is malformed (a date that does not
// parse); values of a type the parameter type cannot use yield nothing and no
// error.
std::string AppendRows(ParamType type, std::string_view code, const fhirpath::Value& value,
                       store::IndexEntries* out);

}  // namespace vigil::search
