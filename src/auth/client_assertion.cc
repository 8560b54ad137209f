#include "auth/client_assertion.h"

#include "auth/claims.h"
#include "auth/jws.h"
#include "auth/token_error.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::auth {
namespace {

constexpr size_t kMaxJtiBytes = 256;

absl::Status Refused(std::string_view why) { return absl::UnauthenticatedError(std::string(why)); }

// The unverified "iss" of a compact JWS: only to choose whose keys verify it.
absl::StatusOr<std::string> UnverifiedIssuer(std::string_view assertion) {
  size_t dot1 = assertion.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : assertion.find('.', dot1 + 1);
  if (assertion.size() > kMaxTokenBytes || dot2 == std::string_view::npos) {
    return Refused("the client assertion is not a JWS (header.payload.signature)");
  }
  absl::StatusOr<fhir::Json> payload =
      DecodeJsonPart(assertion.substr(dot1 + 1, dot2 - dot1 - 1), "payload");
  const fhir::Json* iss = payload.ok() ? payload->Find("iss") : nullptr;
  if (iss == nullptr || !iss->is_string() || iss->text().empty()) {
    return Refused("the client assertion has no \"iss\" (the client id)");
  }
  return iss->text();
}

absl::StatusOr<std::string> Jti(const fhir::Json& payload) {
  const fhir::Json* jti = payload.Find("jti");
  if (jti == nullptr || !jti->is_string() || jti->text().empty() ||
      jti->text().size() > kMaxJtiBytes) {
    return Refused(
        "the client assertion needs a \"jti\" (a unique string of at most 256 characters)");
  }
  return jti->text();
}

}  // namespace

absl::StatusOr<VerifiedAssertion> CheckClientAssertion(std::string_view assertion,
                                                       const ClientRegistry& clients,
                                                       const AssertionPolicy& policy,
                                                       int64_t now_s) {
  VIGIL_ASSIGN_OR_RETURN(std::string client_id, UnverifiedIssuer(assertion));
  const RegisteredClient* client = clients.Find(client_id);
  if (client == nullptr) return Refused("the client (the assertion's iss) is not registered");
  absl::StatusOr<VerifiedJws> jws = VerifyJws(assertion, *client->keys);
  if (!jws.ok()) return Refused(StrCat("client assertion: ", Message(jws.status())));
  ClaimsPolicy claims_policy;
  claims_policy.issuer = client->client_id;
  claims_policy.audience = policy.token_url;
  claims_policy.skew_s = policy.skew_s;
  absl::StatusOr<TokenClaims> claims = CheckClaims(jws->payload, claims_policy, now_s);
  if (TokenProblemOf(claims.status()) == TokenProblem::kWrongAudience) {
    return Refused("the client assertion's aud must be the token endpoint's URL");
  }
  if (!claims.ok()) return Refused(StrCat("client assertion: ", Message(claims.status())));
  if (claims->subject != client->client_id) {
    return Refused("the client assertion's sub must equal its iss (the client id)");
  }
  if (claims->expires_s > now_s + policy.max_lifetime_s + policy.skew_s) {
    return Refused(StrCat("the client assertion's exp is more than ", policy.max_lifetime_s,
                          " seconds ahead"));
  }
  VerifiedAssertion out;
  VIGIL_ASSIGN_OR_RETURN(out.jti, Jti(jws->payload));
  out.client = client;
  out.expires_s = claims->expires_s;
  return out;
}

bool ReplayCache::Claim(std::string_view client_id, std::string_view jti, int64_t keep_until_s,
                        int64_t now_s) {
  std::string key = StrCat(client_id.size(), ":", client_id, jti);
  std::lock_guard<std::mutex> lock(mu_);
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now_s) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  if (seen_.contains(key) || seen_.size() >= capacity_) return false;
  seen_.insert(key);
  by_expiry_.emplace(keep_until_s, std::move(key));
  return true;
}

}  // namespace vigil::auth
