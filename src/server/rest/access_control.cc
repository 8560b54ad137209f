// Authentication (one step before routing) and per-interaction authorization
// of FhirApi; the patient-compartment checks themselves are in
// patient_compartment.cc.
#include "server/rest/access_control.h"

#include "auth/token_error.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "server/rest/fhir_api.h"
#include "server/rest/patient_compartment.h"

namespace vigil::server {
namespace {

constexpr std::string_view kWellKnown = "/.well-known/smart-configuration";

bool IsRead(std::string_view method) { return method == "GET" || method == "HEAD"; }

// Reason text for a header: quotes and backslashes would end the quoted string.
std::string HeaderSafe(std::string_view text) {
  std::string out;
  for (char c : text)
    out.push_back(c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ? '\'' : c);
  return out;
}

std::string_view IssueCodeFor(auth::TokenProblem problem) {
  if (problem == auth::TokenProblem::kMissing) return "login";
  if (problem == auth::TokenProblem::kExpired) return "expired";
  return "security";
}

}  // namespace

void AddChallenge(const absl::Status& status, HttpResponse* response) {
  int http = HttpStatusOf(status);
  std::string challenge = "Bearer realm=\"vigil\"";
  if (http == 401 && IssueCodeOf(status) != "login") {
    challenge += StrCat(", error=\"invalid_token\", error_description=\"",
                        HeaderSafe(Message(status)), "\"");
  } else if (http == 403 && IssueCodeOf(status) == "forbidden") {
    challenge += ", error=\"insufficient_scope\"";
  } else if (http != 401) {
    return;
  }
  response->headers.emplace_back("WWW-Authenticate", std::move(challenge));
}

absl::StatusOr<std::shared_ptr<const auth::AccessToken>> AuthenticateBearer(
    const auth::TokenVerifier* verifier, const HttpRequest& http) {
  if (verifier == nullptr) return nullptr;
  absl::StatusOr<auth::AccessToken> token = [&]() -> absl::StatusOr<auth::AccessToken> {
    VIGIL_ASSIGN_OR_RETURN(std::string_view bearer,
                           auth::BearerToken(http.Header("authorization")));
    return verifier->Verify(bearer);
  }();
  if (!token.ok()) {
    auth::TokenProblem problem =
        auth::TokenProblemOf(token.status()).value_or(auth::TokenProblem::kMalformed);
    return HttpError(401, IssueCodeFor(problem), Message(token.status()));
  }
  return std::make_shared<const auth::AccessToken>(*std::move(token));
}

absl::StatusOr<std::shared_ptr<const auth::AccessToken>> FhirApi::Authenticate(
    const HttpRequest& http) const {
  if (!options_.verifier) return nullptr;
  if (IsRead(http.method) && http.path == StrCat(options_.base_path, "/metadata")) return nullptr;
  return AuthenticateBearer(options_.verifier.get(), http);
}

std::optional<HttpResponse> FhirApi::SmartConfiguration(const HttpRequest& http) const {
  if (!options_.verifier || !IsRead(http.method)) return std::nullopt;
  if (http.path != kWellKnown && http.path != StrCat(options_.base_path, kWellKnown))
    return std::nullopt;
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = auth::SmartConfigurationJson(options_.smart);
  return response;
}

absl::StatusOr<auth::Access> FhirApi::Allow(const FhirRequest& request,
                                            auth::Interaction interaction,
                                            std::string_view type) const {
  if (!options_.verifier) return auth::Access{};
  if (!request.token) return HttpError(401, "login", "a Bearer access token is required");
  absl::StatusOr<auth::Access> access = auth::Authorize(*request.token, interaction, type);
  if (!access.ok()) return HttpError(403, "forbidden", Message(access.status()));
  return access;
}

absl::Status FhirApi::AllowUnconfined(const FhirRequest& request, auth::Interaction interaction,
                                      std::string_view type) const {
  VIGIL_ASSIGN_OR_RETURN(auth::Access access, Allow(request, interaction, type));
  if (access.patient) {
    return HttpError(403, "forbidden",
                     StrCat(auth::InteractionName(interaction), " on ", type,
                            " is not supported yet for patient-context tokens"));
  }
  return absl::OkStatus();
}

absl::StatusOr<InteractionResult> FhirApi::Confined(
    store::Reader& reader, const auth::Access& access, const std::string& type,
    const std::string& id, std::string_view not_found,
    const std::function<absl::StatusOr<InteractionResult>()>& run) const {
  if (!access.patient) return run();
  const std::string& patient = *access.patient;
  VIGIL_RETURN_IF_ERROR(CheckInstanceVisible(reader, registry_, type, id, patient, not_found));
  VIGIL_ASSIGN_OR_RETURN(InteractionResult result, run());
  if (result.resource) {
    // The result may be summarized (_elements): check the full version it shows.
    VIGIL_ASSIGN_OR_RETURN(auto full, reader.ReadVersion(type, id, result.resource->version));
    if (!full || !InPatientCompartment(registry_, *full, patient)) {
      return HttpError(404, "not-found", not_found);
    }
  }
  if (!result.body.empty()) {
    VIGIL_RETURN_IF_ERROR(CheckBundleVisible(registry_, result.body, patient, not_found));
  }
  return result;
}

absl::Status FhirApi::Confine(const auth::Access& access, SearchCall* call) const {
  if (!access.patient) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(store::Clause clause, PatientClause(call->type, *access.patient));
  call->extra_clauses.push_back(std::move(clause));
  call->vet = VetPatientSearch;
  return absl::OkStatus();
}

}  // namespace vigil::server
