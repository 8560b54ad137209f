// The SMART configuration document (App Launch 2, "Conformance":
// GET [base]/.well-known/smart-configuration) for a resource server that
// accepts tokens of one external authorization server.
//
// Vigil has no authorization or token endpoint of its own yet, so the document
// names only what it knows: the issuer, the JWKS URI when configured, the
// capabilities it enforces (permission-v1/-v2/-patient/-user) and the scopes it
// understands. token_endpoint, which the IG marks required, is omitted until
// there is one to point to (or set when the operator passes one).
#pragma once

#include <string>

namespace vigil::auth {

struct SmartConfigurationOptions {
  std::string issuer;
  std::string jwks_uri;        // "" = omitted
  std::string token_endpoint;  // "" = omitted
};

// The JSON document (application/json).
std::string SmartConfigurationJson(const SmartConfigurationOptions& options);

}  // namespace vigil::auth
