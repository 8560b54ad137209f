#include "auth/jws.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <memory>
#include <set>

#include "auth/base64url.h"
#include "auth/token_error.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::auth {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct EcdsaSigDeleter {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

absl::Status Malformed(std::string_view why) { return TokenError(TokenProblem::kMalformed, why); }

bool HasDuplicateMembers(const fhir::Json& object) {
  std::set<std::string_view> names;
  for (const auto& member : object.members()) {
    if (!names.insert(member.first).second) return true;
  }
  return false;
}

// The DER ECDSA-Sig-Value for a raw r||s signature (each half the size); ""
// if it cannot be built.
std::string RawToDer(std::string_view raw) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  const int half = static_cast<int>(raw.size() / 2);
  std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes, half, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, half, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return "";
  }
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return "";
  std::string der(static_cast<size_t>(len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != len) return "";
  return der;
}

bool IsEcdsa(JwsAlg alg) { return alg == JwsAlg::kEs256 || alg == JwsAlg::kEs384; }

const EVP_MD* DigestOf(JwsAlg alg) {
  return alg == JwsAlg::kRs384 || alg == JwsAlg::kEs384 ? EVP_sha384() : EVP_sha256();
}

// Whether signature verifies signing_input with key under alg, which the key
// allows (so an ES384 key is a P-384 key).
bool VerifySignature(const Jwk& key, JwsAlg alg, std::string_view signing_input,
                     std::string_view signature) {
  std::string der;
  if (IsEcdsa(alg)) {
    if (signature.size() != (alg == JwsAlg::kEs256 ? 64u : 96u)) return false;
    der = RawToDer(signature);
    if (der.empty()) return false;
    signature = der;
  } else if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key.key.get()))) {
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, DigestOf(alg), nullptr, key.key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

struct PinnedKey {
  const Jwk* key;
  JwsAlg alg;
};

// The key the header names, with the header's algorithm one the key allows.
absl::StatusOr<PinnedKey> KeyFor(const fhir::Json& header, const JwkSet& keys) {
  const fhir::Json* alg = header.Find("alg");
  if (alg == nullptr || !alg->is_string()) return Malformed("the JWS header has no \"alg\"");
  if (alg->text() == "none" || alg->text() == "None" || alg->text() == "NONE") {
    return TokenError(TokenProblem::kAlgNone, "unsigned tokens (alg none) are not accepted");
  }
  if (header.Find("crit") != nullptr) return Malformed("JWS \"crit\" extensions are not supported");
  const fhir::Json* kid = header.Find("kid");
  if (kid != nullptr && !kid->is_string()) return Malformed("the JWS \"kid\" is not a string");
  const Jwk* key = keys.Find(kid != nullptr ? std::string_view(kid->text()) : "");
  if (key == nullptr)
    return TokenError(TokenProblem::kUnknownKey, "the token's key (kid) is not trusted");
  std::optional<JwsAlg> parsed = ParseJwsAlg(alg->text());
  if (!parsed || !key->Allows(*parsed)) {
    return TokenError(TokenProblem::kAlgNotAllowed,
                      "the token's algorithm is not one of its key's");
  }
  return PinnedKey{key, *parsed};
}

}  // namespace

absl::StatusOr<fhir::Json> DecodeJsonPart(std::string_view part, std::string_view what) {
  std::optional<std::string> bytes = Base64UrlDecode(part);
  if (!bytes) return Malformed(StrCat("the JWS ", what, " is not base64url"));
  fhir::JsonParseOptions options;
  options.max_depth = 16;
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(*bytes, options);
  if (!json.ok() || !json->is_object() || HasDuplicateMembers(*json)) {
    return Malformed(StrCat("the JWS ", what, " is not a JSON object"));
  }
  return *std::move(json);
}

absl::StatusOr<VerifiedJws> VerifyJws(std::string_view token, const JwkSet& keys) {
  if (token.size() > kMaxTokenBytes) return Malformed("the token is too long");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Malformed("a JWS has three dot-separated parts");
  }
  VerifiedJws out;
  VIGIL_ASSIGN_OR_RETURN(out.header, DecodeJsonPart(token.substr(0, dot1), "header"));
  VIGIL_ASSIGN_OR_RETURN(PinnedKey pinned, KeyFor(out.header, keys));
  std::optional<std::string> signature = Base64UrlDecode(token.substr(dot2 + 1));
  if (!signature) return Malformed("the JWS signature is not base64url");
  if (!VerifySignature(*pinned.key, pinned.alg, token.substr(0, dot2), *signature)) {
    return TokenError(TokenProblem::kBadSignature, "the token's signature does not verify");
  }
  VIGIL_ASSIGN_OR_RETURN(out.payload,
                         DecodeJsonPart(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload"));
  out.kid = pinned.key->kid;
  out.alg = pinned.alg;
  return out;
}

}  // namespace vigil::auth
