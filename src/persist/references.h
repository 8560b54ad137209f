// Rewriting the references inside a resource: every "reference" string member,
// at any depth (Reference.reference). Used to turn a Bundle's urn:uuid and
// conditional references into the final "Type/id" when its entries are stored.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "fhir/json.h"

namespace vigil::persist {

// Called with each reference; returns the replacement, nullopt to keep it, or an
// error that stops the rewrite.
using ReferenceMapper =
    std::function<absl::StatusOr<std::optional<std::string>>(std::string_view reference)>;

absl::Status RewriteReferences(fhir::Json& value, const ReferenceMapper& map);

}  // namespace vigil::persist
