#include "auth/jwks.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <iterator>
#include <set>

#include "auth/base64url.h"
#include "base/status.h"
#include "base/str.h"
#include "fhir/json.h"

namespace vigil::auth {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr std::string_view kAlgNames[] = {"RS256", "RS384", "ES256", "ES384"};

struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct BldDeleter {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct CtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnDeleter>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, CtxDeleter>;

const std::string* StringMember(const fhir::Json& object, std::string_view name) {
  const fhir::Json* v = object.Find(name);
  return v != nullptr && v->is_string() ? &v->text() : nullptr;
}

absl::StatusOr<std::string> DecodedMember(const fhir::Json& jwk, std::string_view name) {
  const std::string* text = StringMember(jwk, name);
  if (text == nullptr) return absl::InvalidArgumentError(StrCat("missing \"", name, "\""));
  std::optional<std::string> bytes = Base64UrlDecode(*text);
  if (!bytes || bytes->empty()) {
    return absl::InvalidArgumentError(StrCat("\"", name, "\" is not base64url"));
  }
  return *bytes;
}

// An EVP_PKEY of `type` ("RSA", "EC") from OSSL params, public part only.
absl::StatusOr<PkeyPtr> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld));
  CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return absl::InvalidArgumentError("the key parameters are not a valid public key");
  }
  PkeyPtr key(raw);
  CtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    return absl::InvalidArgumentError("the public key fails OpenSSL's checks");
  }
  return key;
}

absl::StatusOr<PkeyPtr> RsaKey(const fhir::Json& jwk) {
  VIGIL_ASSIGN_OR_RETURN(std::string n, DecodedMember(jwk, "n"));
  VIGIL_ASSIGN_OR_RETURN(std::string e, DecodedMember(jwk, "e"));
  BnPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), n.size(), nullptr));
  BnPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), e.size(), nullptr));
  if (!bn_n || !bn_e) return absl::InternalError("BN_bin2bn failed");
  if (BN_num_bits(bn_n.get()) < kMinRsaBits) {
    return absl::InvalidArgumentError("RSA modulus shorter than 2048 bits");
  }
  std::unique_ptr<OSSL_PARAM_BLD, BldDeleter> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return absl::InternalError("OSSL_PARAM_BLD failed");
  }
  return FromParams("RSA", bld.get());
}

// The EC curves JOSE names, with OpenSSL's group name and the coordinate size.
struct Curve {
  std::string_view crv;
  const char* group;
  size_t bytes;
  JwsAlg alg;
};
constexpr Curve kCurves[] = {{"P-256", "prime256v1", 32, JwsAlg::kEs256},
                             {"P-384", "secp384r1", 48, JwsAlg::kEs384}};

absl::StatusOr<PkeyPtr> EcKey(const fhir::Json& jwk, const Curve& curve) {
  VIGIL_ASSIGN_OR_RETURN(std::string x, DecodedMember(jwk, "x"));
  VIGIL_ASSIGN_OR_RETURN(std::string y, DecodedMember(jwk, "y"));
  if (x.size() != curve.bytes || y.size() != curve.bytes) {
    return absl::InvalidArgumentError(
        StrCat(curve.crv, " x and y are ", curve.bytes, " bytes each"));
  }
  std::string point = "\x04" + x + y;  // SEC 1 uncompressed point
  std::unique_ptr<OSSL_PARAM_BLD, BldDeleter> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return absl::InternalError("OSSL_PARAM_BLD failed");
  }
  return FromParams("EC", bld.get());
}

// The key of an EC JWK and the one algorithm of its curve.
absl::Status ParseEcKey(const fhir::Json& jwk, Jwk* out) {
  const std::string* crv = StringMember(jwk, "crv");
  for (const Curve& curve : kCurves) {
    if (crv == nullptr || *crv != curve.crv) continue;
    out->algs = {curve.alg};
    VIGIL_ASSIGN_OR_RETURN(out->key, EcKey(jwk, curve));
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("EC keys must be crv P-256 or P-384");
}

// Narrows out->algs to the JWK's "alg", which must be one of them.
absl::Status PinAlg(const fhir::Json& jwk, std::string_view kty, Jwk* out) {
  const fhir::Json* alg = jwk.Find("alg");
  if (alg == nullptr) return absl::OkStatus();
  std::optional<JwsAlg> pinned = alg->is_string() ? ParseJwsAlg(alg->text()) : std::nullopt;
  if (!pinned || !out->Allows(*pinned)) {
    std::string allowed;
    for (JwsAlg a : out->algs) allowed += StrCat(allowed.empty() ? "" : " or ", JwsAlgName(a));
    return absl::InvalidArgumentError(StrCat("this ", kty, " key's alg must be ", allowed));
  }
  out->algs = {*pinned};
  return absl::OkStatus();
}

absl::StatusOr<Jwk> ParseKey(const fhir::Json& jwk) {
  if (!jwk.is_object()) return absl::InvalidArgumentError("not a JSON object");
  for (std::string_view secret : {"d", "p", "q", "dp", "dq", "qi", "k", "oth"}) {
    if (jwk.Find(secret) != nullptr) {
      return absl::InvalidArgumentError("private or symmetric key material in a public JWKS");
    }
  }
  const std::string* use = StringMember(jwk, "use");
  if (jwk.Find("use") != nullptr && (use == nullptr || *use != "sig")) {
    return absl::InvalidArgumentError("\"use\" must be \"sig\"");
  }
  const std::string* kty = StringMember(jwk, "kty");
  if (kty == nullptr) return absl::InvalidArgumentError("missing \"kty\"");
  Jwk out;
  if (*kty == "RSA") {
    out.algs = {JwsAlg::kRs256, JwsAlg::kRs384};
    VIGIL_ASSIGN_OR_RETURN(out.key, RsaKey(jwk));
  } else if (*kty == "EC") {
    VIGIL_RETURN_IF_ERROR(ParseEcKey(jwk, &out));
  } else {
    return absl::InvalidArgumentError(StrCat("unsupported kty '", *kty, "' (RSA or EC)"));
  }
  VIGIL_RETURN_IF_ERROR(PinAlg(jwk, *kty, &out));
  if (const fhir::Json* kid = jwk.Find("kid")) {
    if (!kid->is_string()) return absl::InvalidArgumentError("\"kid\" must be a string");
    out.kid = kid->text();
  }
  return out;
}

}  // namespace

std::string_view JwsAlgName(JwsAlg alg) { return kAlgNames[static_cast<size_t>(alg)]; }

std::optional<JwsAlg> ParseJwsAlg(std::string_view name) {
  for (size_t i = 0; i < std::size(kAlgNames); ++i) {
    if (kAlgNames[i] == name) return static_cast<JwsAlg>(i);
  }
  return std::nullopt;
}

bool Jwk::Allows(JwsAlg alg) const {
  for (JwsAlg a : algs) {
    if (a == alg) return true;
  }
  return false;
}

void PkeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

absl::StatusOr<JwkSet> JwkSet::Parse(std::string_view json) {
  absl::StatusOr<fhir::Json> doc = fhir::ParseJson(json);
  if (!doc.ok()) return absl::InvalidArgumentError(StrCat("JWKS: ", Message(doc.status())));
  const fhir::Json* keys = doc->is_object() ? doc->Find("keys") : nullptr;
  if (keys == nullptr || !keys->is_array() || keys->items().empty()) {
    return absl::InvalidArgumentError("JWKS: needs a non-empty \"keys\" array");
  }
  JwkSet set;
  std::set<std::string> kids;
  for (size_t i = 0; i < keys->items().size(); ++i) {
    absl::StatusOr<Jwk> key = ParseKey(keys->items()[i]);
    if (!key.ok())
      return absl::InvalidArgumentError(StrCat("JWKS keys[", i, "]: ", Message(key.status())));
    if (!kids.insert(key->kid).second) {
      return absl::InvalidArgumentError(
          StrCat("JWKS keys[", i, "]: duplicate kid '", key->kid, "'"));
    }
    set.keys_.push_back(*std::move(key));
  }
  return set;
}

const Jwk* JwkSet::Find(std::string_view kid) const {
  if (kid.empty()) return keys_.size() == 1 ? &keys_[0] : nullptr;
  for (const Jwk& key : keys_) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

}  // namespace vigil::auth
