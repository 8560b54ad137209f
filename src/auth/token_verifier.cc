#include "auth/token_verifier.h"

#include <cctype>
#include <chrono>

#include "auth/jws.h"
#include "auth/token_error.h"
#include "base/status.h"

namespace vigil::auth {
namespace {

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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
    : keys_(std::move(keys)), options_(std::move(options)) {
  if (!options_.now_s) options_.now_s = SystemNow;
}

absl::StatusOr<AccessToken> TokenVerifier::Verify(std::string_view token) const {
  VIGIL_ASSIGN_OR_RETURN(VerifiedJws jws, VerifyJws(token, keys_));
  AccessToken out;
  VIGIL_ASSIGN_OR_RETURN(out.claims, CheckClaims(jws.payload, options_.claims, options_.now_s()));
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
