#include "auth/token_verifier.h"

#include <cctype>

#include "auth/jws.h"
#include "auth/token_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"

namespace vigil::auth {
namespace {


bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

TokenVerifier::TokenVerifier(JwkSet keys, TokenVerifierOptions options)
    : now_s_(options.now_s ? std::move(options.now_s) : NowSeconds) {
  issuers_.push_back(std::make_shared<const TrustedIssuer>(
      TrustedIssuer{std::move(options.claims), std::move(keys)}));
}

absl::StatusOr<TokenVerifier> TokenVerifier::WithIssuer(JwkSet keys, ClaimsPolicy claims) const {
  for (const auto& issuer : issuers_) {
    if (issuer->claims.issuer == claims.issuer) {
      return absl::AlreadyExistsError(
          StrCat("the issuer ", claims.issuer, " is trusted already, with other keys"));
    }
  }
  TokenVerifier out;
  out.issuers_ = issuers_;
  out.now_s_ = now_s_;
  out.issuers_.push_back(
      std::make_shared<const TrustedIssuer>(TrustedIssuer{std::move(claims), std::move(keys)}));
  return out;
}

absl::StatusOr<const TrustedIssuer*> TokenVerifier::IssuerOf(std::string_view token) const {
  if (issuers_.size() == 1) return issuers_.front().get();
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (token.size() > kMaxTokenBytes || dot2 == std::string_view::npos) {
    return TokenError(TokenProblem::kMalformed, "a JWS has three dot-separated parts");
  }
  VIGIL_ASSIGN_OR_RETURN(fhir::Json payload,
                         DecodeJsonPart(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload"));
  const fhir::Json* iss = payload.Find("iss");
  for (const auto& issuer : issuers_) {
    if (iss != nullptr && iss->is_string() && iss->text() == issuer->claims.issuer) {
      return issuer.get();
    }
  }
  return TokenError(TokenProblem::kWrongIssuer, "the token was not issued by a trusted issuer");
}

absl::StatusOr<AccessToken> TokenVerifier::Verify(std::string_view token) const {
  VIGIL_ASSIGN_OR_RETURN(const TrustedIssuer* issuer, IssuerOf(token));
  VIGIL_ASSIGN_OR_RETURN(VerifiedJws jws, VerifyJws(token, issuer->keys));
  AccessToken out;
  VIGIL_ASSIGN_OR_RETURN(out.claims, CheckClaims(jws.payload, issuer->claims, now_s_()));
  out.scopes = ParseScopes(out.claims.scope);
  return out;
}

absl::StatusOr<std::string_view> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !IEquals(authorization.substr(0, kScheme.size()), kScheme)) {
    return TokenError(TokenProblem::kMissing, "a Bearer access token is required");
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return TokenError(TokenProblem::kMissing, "a Bearer access token is required");
  return token;
}

}  // namespace vigil::auth
