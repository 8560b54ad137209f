// `vigil serve --auth smart` as its own authorization server for SMART Backend
// Services (docs/smart-backend-services.md): the key it signs tokens with and
// the registered clients live in DATA/auth; the token endpoint and the public
// JWKS are served under AuthBaseUrl (AddAuthRoutes, serve_routes.h).
//
//   DATA/auth/token_key.pem   the ES256 signing key (0600; auth/jws_signer.h)
//   DATA/auth/clients.json    the clients (`vigil auth add-client`; auth/client_registry.h)
//
// Errors: a data folder where DATA/auth or its key cannot be created or read
// fails `vigil serve` at startup.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "server/rest/fhir_api.h"

namespace vigil::app {

// DATA/auth
std::string AuthDir(const std::string& data_dir);

// Creates DATA/auth (mode 0700) when missing.
absl::Status MakeAuthDir(const std::string& data_dir);

// Where the token endpoint lives, and the iss of the tokens it issues: the
// FHIR base URL with its "/fhir" replaced by "/auth" ("https://h/fhir" ->
// "https://h/auth"); for another base URL, its scheme://host[:port] + "/auth".
std::string AuthBaseUrl(std::string_view base_url);

// Makes options->verifier also accept the tokens this server issues (issuer
// AuthBaseUrl(options->base_url), audience options->base_url, the key in
// DATA/auth, created on first start; no clock-skew allowance, since the same
// clock issues and checks them); an external issuer already there stays
// trusted with its own keys. When no external issuer is configured
// (options->smart.issuer empty) the SMART configuration document describes
// this server's own endpoints. Requires options->base_url.
absl::Status TrustOwnTokens(const std::string& data_dir, server::FhirApiOptions* options);

}  // namespace vigil::app
