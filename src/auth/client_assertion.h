// Client authentication with a signed JWT ("private_key_jwt": RFC 7523 §3 and
// SMART App Launch 2, "Client Authentication: Asymmetric"): the assertion a
// backend client sends to the token endpoint, checked against the keys it
// registered.
//
//   AssertionPolicy policy;
//   policy.token_url = "https://vigil.example.org/auth/token";
//   absl::StatusOr<VerifiedAssertion> a = CheckClientAssertion(jwt, registry, policy, now_s);
//   if (a.ok() && replays.Claim(a->client->client_id, a->jti,
//                               a->expires_s + policy.skew_s, now_s).ok())
//   ...
//
// Checks, in order (each failure Unauthenticated, which the token endpoint
// answers as OAuth "invalid_client"):
//   1. iss names a registered client (read before the signature is checked,
//      only to pick the keys; every later decision uses verified claims);
//   2. the JWS verifies with one of that client's keys, with the algorithm
//      pinned to the key (jws.h: RS256/RS384/ES256/ES384, never none/HS*);
//   3. iss = sub = the client id; aud (string or array) holds token_url
//      exactly; exp is present and not past (± skew); nbf, if any, not ahead;
//   4. exp is at most max_lifetime_s (+ skew) ahead: SMART's "no more than
//      five minutes in the future", which also bounds the replay cache;
//   5. jti is a non-empty string of at most 256 characters.
// The jti's single use (RFC 7523 §3 item 7) is the caller's: ReplayCache.
// Messages are fixed English text; neither the assertion nor its claims
// appear in them.
//
// Thread-safety: CheckClientAssertion is a pure function; ReplayCache is
// internally synchronized.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "absl/status/statusor.h"
#include "auth/client_registry.h"

namespace vigil::auth {

inline constexpr std::string_view kJwtBearerAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct AssertionPolicy {
  std::string token_url;  // the required "aud"
  int64_t max_lifetime_s = 300;
  int64_t skew_s = 60;
};

struct VerifiedAssertion {
  const RegisteredClient* client = nullptr;  // points into the registry checked against
  std::string jti;
  int64_t expires_s = 0;
};

absl::StatusOr<VerifiedAssertion> CheckClientAssertion(std::string_view assertion,
                                                       const ClientRegistry& clients,
                                                       const AssertionPolicy& policy,
                                                       int64_t now_s);

// The jtis seen, per client, each kept until a given time (the assertion's
// exp + skew: after that the assertion is refused as expired anyway). At most
// capacity are kept; when full, new ones are refused (fail closed) until old
// ones expire. Only clients with a valid signature reach it.
//
// Open(path) also keeps them in a file (one line per claim, appended and
// fdatasynced before Claim returns true), so that a restart of the server
// does not make a used assertion valid again. A claim that cannot be written
// is refused (fail closed).
class ReplayCache {
 public:
  explicit ReplayCache(size_t capacity = 100'000) : capacity_(capacity) {}
  ~ReplayCache();
  ReplayCache(const ReplayCache&) = delete;
  ReplayCache& operator=(const ReplayCache&) = delete;

  // Loads the claims in path still unexpired at now_s (a missing file is an
  // empty cache), rewrites the file with only those, and appends to it from
  // then on. Errors: Unavailable (cannot read or write), DataLoss (a line
  // that is not a claim).
  static absl::StatusOr<std::unique_ptr<ReplayCache>> Open(const std::string& path, int64_t now_s,
                                                           size_t capacity = 100'000);

  // OK the first time (client_id, jti) is claimed. Unauthenticated for a
  // replay, or when full (fail closed); Unavailable when the claim cannot be
  // written to the file (fail closed too: a restart would forget it).
  absl::Status Claim(std::string_view client_id, std::string_view jti, int64_t keep_until_s,
                     int64_t now_s);

 private:
  // REQUIRES: mu_.
  void Forget(int64_t now_s);
  absl::Status Record(int64_t keep_until_s, const std::string& key);

  const size_t capacity_;
  int fd_ = -1;  // the file Open appends to; -1 = memory only
  std::mutex mu_;
  std::unordered_set<std::string> seen_;                 // GUARDED_BY(mu_)
  std::set<std::pair<int64_t, std::string>> by_expiry_;  // GUARDED_BY(mu_)
};

}  // namespace vigil::auth
