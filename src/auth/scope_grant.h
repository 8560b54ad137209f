// The scopes a token endpoint grants: what the client asked for, narrowed to
// what its registration allows (SMART App Launch 2, Backend Services: "the
// authorization server MAY grant a subset of the requested scopes"; RFC 6749
// §3.3: the response names the granted scope when it differs).
//
//   GrantScopes("system/Observation.cruds system/Patient.rs openid",
//               "system/*.rs")  ->  "system/Observation.rs system/Patient.rs"
//
// Rules, per requested scope:
//   - A resource scope (scopes.h) meets each registered resource scope of the
//     same context whose type is the same or "*" on either side; it grants the
//     more specific type with the permissions both have (v1 "read" is "rs",
//     written back in v2 letters). A granular restriction ("?category=x") is
//     kept from whichever side has one; two different restrictions never meet.
//   - A Vigil role scope (vigil/...) is granted when it is registered too.
//   - Everything else (openid, launch, malformed scopes) is not granted.
// Grants of one context, type and restriction merge into one scope. The
// result lists the resource scopes in the order they were first granted, then
// the role scopes, each scope once.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "auth/scopes.h"

namespace vigil::auth {

// The space-separated granted scopes; "" when nothing is granted.
std::string GrantScopes(std::string_view requested, std::string_view registered);

// A resource scope as SMART v2 text: "system/Observation.rs?category=vital-signs".
std::string ScopeText(const ResourceScope& scope);

}  // namespace vigil::auth
