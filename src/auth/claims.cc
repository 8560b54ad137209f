#include "auth/claims.h"

#include <charconv>
#include <cmath>

#include "auth/token_error.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::auth {
namespace {

// NumericDates beyond this (year ~33658) are malformed, so arithmetic never overflows.
constexpr double kMaxNumericDate = 1e12;

absl::Status Malformed(std::string_view claim) {
  return TokenError(TokenProblem::kMalformed,
                    StrCat("the token's \"", claim, "\" claim has the wrong type"));
}

// A NumericDate (seconds, possibly fractional) as whole seconds, rounded down.
absl::StatusOr<std::optional<int64_t>> NumericDate(const fhir::Json& payload,
                                                   std::string_view claim) {
  const fhir::Json* v = payload.Find(claim);
  if (v == nullptr) return std::optional<int64_t>();
  if (!v->is_number()) return Malformed(claim);
  double value = 0;
  const std::string& text = v->text();
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      std::fabs(value) > kMaxNumericDate) {
    return Malformed(claim);
  }
  return std::optional<int64_t>(static_cast<int64_t>(std::floor(value)));
}

// A string claim; "" when absent.
absl::StatusOr<std::string> StringClaim(const fhir::Json& payload, std::string_view claim) {
  const fhir::Json* v = payload.Find(claim);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return Malformed(claim);
  return v->text();
}

absl::StatusOr<std::vector<std::string>> Audiences(const fhir::Json& payload) {
  const fhir::Json* v = payload.Find("aud");
  std::vector<std::string> out;
  if (v == nullptr) return out;
  if (v->is_string()) {
    out.push_back(v->text());
    return out;
  }
  if (!v->is_array()) return Malformed("aud");
  for (const fhir::Json& item : v->items()) {
    if (!item.is_string()) return Malformed("aud");
    out.push_back(item.text());
  }
  return out;
}

absl::Status CheckTimes(const TokenClaims& claims, const ClaimsPolicy& policy, int64_t now_s) {
  if (claims.expires_s + policy.skew_s <= now_s) {
    return TokenError(TokenProblem::kExpired, "the token has expired");
  }
  if (claims.not_before_s && *claims.not_before_s - policy.skew_s > now_s) {
    return TokenError(TokenProblem::kNotYetValid, "the token is not valid yet (nbf)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TokenClaims> CheckClaims(const fhir::Json& payload, const ClaimsPolicy& policy,
                                        int64_t now_s) {
  TokenClaims claims;
  VIGIL_ASSIGN_OR_RETURN(std::optional<int64_t> exp, NumericDate(payload, "exp"));
  if (!exp) return TokenError(TokenProblem::kExpired, "the token has no expiry (exp)");
  claims.expires_s = *exp;
  VIGIL_ASSIGN_OR_RETURN(claims.not_before_s, NumericDate(payload, "nbf"));
  VIGIL_ASSIGN_OR_RETURN(claims.issuer, StringClaim(payload, "iss"));
  VIGIL_ASSIGN_OR_RETURN(claims.subject, StringClaim(payload, "sub"));
  VIGIL_ASSIGN_OR_RETURN(claims.audiences, Audiences(payload));
  VIGIL_ASSIGN_OR_RETURN(claims.scope, StringClaim(payload, "scope"));
  VIGIL_ASSIGN_OR_RETURN(claims.patient, StringClaim(payload, "patient"));
  VIGIL_ASSIGN_OR_RETURN(claims.fhir_user, StringClaim(payload, "fhirUser"));
  VIGIL_ASSIGN_OR_RETURN(claims.client_id, StringClaim(payload, "client_id"));
  VIGIL_RETURN_IF_ERROR(CheckTimes(claims, policy, now_s));
  if (policy.issuer.empty() || claims.issuer != policy.issuer) {
    return TokenError(TokenProblem::kWrongIssuer, "the token was not issued by the trusted issuer");
  }
  bool audience_ok = false;
  for (const std::string& aud : claims.audiences)
    audience_ok |= !policy.audience.empty() && aud == policy.audience;
  if (!audience_ok)
    return TokenError(TokenProblem::kWrongAudience, "the token is not meant for this server (aud)");
  return claims;
}

}  // namespace vigil::auth
