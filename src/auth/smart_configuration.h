// The SMART configuration document (App Launch 2, "Conformance":
// GET [base]/.well-known/smart-configuration).
//
// It names the issuer, the JWKS URI when known, the capabilities Vigil
// enforces (permission-v1/-v2/-patient/-user) and the scopes it understands.
// With a token_endpoint (Vigil's own SMART Backend Services endpoint,
// token_endpoint.h) it also names what that endpoint takes: grant type
// client_credentials, private_key_jwt client authentication signed with
// RS384/ES384 (and RS256/ES256), and the capability
// client-confidential-asymmetric. Without one (an external authorization
// server whose endpoints Vigil does not know) token_endpoint, which the IG
// marks required, is omitted rather than guessed.
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
