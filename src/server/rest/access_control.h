// The HTTP side of authentication errors (RFC 6750 §3): the WWW-Authenticate
// challenge on 401 and 403 responses. FhirApi::Authenticate and
// FhirApi::Allow (access_control.cc) make the errors; FhirApi::Handle, the one
// place a Status becomes a response, adds the challenge.
#pragma once

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "auth/token_verifier.h"
#include "server/http/http_server.h"

namespace vigil::server {

// Adds `WWW-Authenticate: Bearer realm="vigil"[, error=...]` to response when
// status is a 401 (missing token: no error; invalid: invalid_token with the
// fixed reason text) or a 403 (insufficient_scope). No-op otherwise.
void AddChallenge(const absl::Status& status, HttpResponse* response);

// The request's verified bearer token; null when verifier is null (no
// authentication). 401 (HttpError with the RFC 6750 reason) when the token is
// missing or does not verify. Used by the FHIR API and by every other surface
// of `vigil serve` (CDS Hooks, /api, /metrics).
absl::StatusOr<std::shared_ptr<const auth::AccessToken>> AuthenticateBearer(
    const auth::TokenVerifier* verifier, const HttpRequest& http);

}  // namespace vigil::server
