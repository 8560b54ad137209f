// Authentication (one step before routing) and per-interaction authorization
// of FhirApi; what a token may see is decided in access_filter.cc.
#include "server/rest/access_control.h"

#include "auth/token_error.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "server/rest/export.h"
#include "server/rest/fhir_api.h"

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

AccessFilter FhirApi::AccessOf(const FhirRequest& request) const {
  return AccessFilter(registry_, request.token, options_.verifier != nullptr);
}

absl::StatusOr<TypeFilter> FhirApi::Allow(const FhirRequest& request,
                                          auth::Interaction interaction,
                                          std::string_view type) const {
  if (!options_.verifier) return TypeFilter();
  return AccessOf(request).For(interaction, type);
}

absl::StatusOr<SearchConfinement> FhirApi::ConditionalConfinement(
    const FhirRequest& request, std::string_view type,
    std::initializer_list<auth::Interaction> needed) const {
  SearchConfinement out;
  if (!options_.verifier) return out;
  for (auth::Interaction interaction : needed) {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, interaction, type));
    VIGIL_ASSIGN_OR_RETURN(Clauses clauses, filter.SearchClauses());
    out.clauses.insert(out.clauses.end(), clauses.begin(), clauses.end());
  }
  auto access = std::make_shared<const AccessFilter>(AccessOf(request));
  out.hops = [access](search::ParsedSearch& parsed) { return access->ConfineHops(parsed); };
  return out;
}

absl::StatusOr<InteractionResult> FhirApi::Confined(
    store::Reader& reader, const TypeFilter& filter, const std::string& type,
    const std::string& id, std::string_view not_found,
    const std::function<absl::StatusOr<InteractionResult>()>& run) const {
  if (filter.unrestricted()) return run();
  VIGIL_RETURN_IF_ERROR(CheckVisible(reader, filter, type, id, not_found));
  VIGIL_ASSIGN_OR_RETURN(InteractionResult result, run());
  if (result.resource) {
    // The result may be summarized (_elements): check the full version it shows.
    VIGIL_ASSIGN_OR_RETURN(auto full, reader.ReadVersion(type, id, result.resource->version));
    if (!full || !filter.Admits(*full)) return HttpError(404, "not-found", not_found);
  }
  if (!result.body.empty()) {
    VIGIL_RETURN_IF_ERROR(CheckBundleVisible(filter, result.body, not_found));
  }
  return result;
}

absl::Status FhirApi::Confine(const FhirRequest& request, const TypeFilter& filter,
                              SearchCall* call) const {
  if (!options_.verifier) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(Clauses clauses, filter.SearchClauses());
  call->extra_clauses.insert(call->extra_clauses.end(), clauses.begin(), clauses.end());
  auto access = std::make_shared<const AccessFilter>(AccessOf(request));
  call->confine = [access](search::ParsedSearch& parsed) { return access->ConfineHops(parsed); };
  call->admit_included = [access](const store::StoredResource& r) {
    return access->Sees(auth::Interaction::kRead, r);
  };
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> FhirApi::Export(const FhirRequest& request) const {
  VIGIL_ASSIGN_OR_RETURN(TypeFilter server, Allow(request, auth::Interaction::kOperation, "*"));
  if (!exports_) return HttpError(501, "not-supported", "Bulk Data $export is not enabled");
  ExportAccess access;
  if (options_.verifier) {
    access.patient = server.patient().value_or("");
    access.filter = std::make_shared<const AccessFilter>(AccessOf(request));
  }
  return exports_->Handle(request, access);
}

}  // namespace vigil::server
