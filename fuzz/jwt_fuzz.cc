// libFuzzer target for bearer-token handling (src/auth): JWS compact parsing
// and verification against a fixed JWKS, claims checks, scope parsing, JWKS
// parsing, and base64url's canonical round trip. Crashes, sanitizer reports
// and broken invariants (abort) are findings.
//
//   build-fuzz/jwt_fuzz fuzz/corpus/jwt     (or: scripts/fuzz_smoke.sh jwt)
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "auth/base64url.h"
#include "auth/claims.h"
#include "auth/jwks.h"
#include "auth/jws.h"
#include "auth/scopes.h"
#include "auth/token_error.h"
#include "fhir/json.h"

namespace {

using namespace vigil::auth;  // NOLINT: a fuzz target

// Public keys only (generated once with openssl; the private halves are gone).
constexpr std::string_view kJwks = R"json({"keys": [{"kty": "RSA", "alg": "RS256", "kid": "rsa-1", "n": "vtcDlx91Wd-bbCs8ExVF4FFbiImtUGKx3QVoTdX0eIk1oLIrF43OmmmKig0XBn8QGGGZmo0-Bqa_Lwae_65DDxWigmumMn8BE7h4Cn_pYeuokA90VCqg83tmRa5LeIqaD-XxA_cTiOees4TzxFb7ZQF08nh-xpLNzcwecEqS74PDjG44yCVPQZ2SlnyK76yDACWdIiVdxrVJXakvltLW3qV_0d68z4iwDpeeJGR7duV7BcHjptMFPU0dOcYOz8OJwluYxMnqaXQYQDM5noekN03-NLHxRANx_ElvhOWWVf00rsBsNwVUwV2N82AGNAcx-t_wo3GgoPZNQqjyjd-Cdw", "e": "AQAB"}, {"kty": "EC", "crv": "P-256", "alg": "ES256", "kid": "ec-1", "x": "m6qvYLbf_vllnSsD2tWt6NQZL2hRSEIFR_uxSTMuOnY", "y": "1LQypmWbSmv615XMMO5zYJzG45_l7o_snIE-bF87ZM8"}]})json";

const JwkSet& Keys() {
  static const JwkSet* keys = [] {
    absl::StatusOr<JwkSet> parsed = JwkSet::Parse(kJwks);
    if (!parsed.ok()) std::abort();
    return new JwkSet(*std::move(parsed));
  }();
  return *keys;
}

void Require(bool invariant) {
  if (!invariant) std::abort();
}

void FuzzBase64(std::string_view in) {
  std::optional<std::string> bytes = Base64UrlDecode(in);
  if (bytes) Require(Base64UrlEncode(*bytes) == in);  // decoding is canonical
}

void FuzzToken(std::string_view in) {
  // Nothing fuzzed can carry a valid signature: every input must be refused,
  // as Unauthenticated with a reason.
  absl::StatusOr<VerifiedJws> jws = VerifyJws(in, Keys());
  Require(!jws.ok() && jws.status().code() == absl::StatusCode::kUnauthenticated &&
          TokenProblemOf(jws.status()).has_value());
}

void FuzzClaims(std::string_view in) {
  absl::StatusOr<vigil::fhir::Json> payload = vigil::fhir::ParseJson(in);
  if (!payload.ok() || !payload->is_object()) return;
  ClaimsPolicy policy;
  policy.issuer = "https://auth.example.org";
  policy.audience = "https://fhir.example.org/fhir";
  absl::StatusOr<TokenClaims> claims = CheckClaims(*payload, policy, 1'800'000'000);
  if (claims.ok()) {
    Require(claims->issuer == policy.issuer && claims->expires_s + 60 > 1'800'000'000);
  } else {
    Require(TokenProblemOf(claims.status()).has_value());
  }
}

void FuzzScopes(std::string_view in) {
  Scopes scopes = ParseScopes(in);
  Require(scopes.resources.size() <= kMaxScopes);
  for (const ResourceScope& s : scopes.resources) {
    Require(s.permissions != 0 && s.permissions < 32 && !s.resource_type.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  FuzzBase64(in);
  FuzzToken(in);
  FuzzClaims(in);
  FuzzScopes(in);
  (void)JwkSet::Parse(in);
  return 0;
}
