#include "auth/client_assertion.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
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

namespace {

// "<keep_until_s> <hex of the key>", as ReplayCache::Record writes it.
bool ParseClaimLine(const std::string& line, int64_t* until, std::string* key) {
  size_t space = line.find(' ');
  if (space == std::string::npos || !absl::SimpleAtoi(line.substr(0, space), until)) return false;
  std::string hex = line.substr(space + 1);
  if (hex.empty() || hex.size() % 2 != 0 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return false;
  }
  *key = absl::HexStringToBytes(hex);
  return true;
}

}  // namespace

ReplayCache::~ReplayCache() {
  if (fd_ >= 0) ::close(fd_);
}

absl::StatusOr<std::unique_ptr<ReplayCache>> ReplayCache::Open(const std::string& path,
                                                               int64_t now_s, size_t capacity) {
  auto cache = std::make_unique<ReplayCache>(capacity);
  std::string kept;
  if (std::ifstream in(path); in) {
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      int64_t until = 0;
      std::string key;
      if (!ParseClaimLine(line, &until, &key)) {
        return absl::DataLossError(StrCat(path, " line ", n, ": not a '<until> <hex key>' claim"));
      }
      if (until < now_s) continue;
      if (cache->seen_.insert(key).second) cache->by_expiry_.emplace(until, std::move(key));
      kept += line + "\n";
    }
  }
  // The unexpired claims replace the file, which then only grows by appends.
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool written = fd >= 0 && ::write(fd, kept.data(), kept.size()) == static_cast<ssize_t>(kept.size()) &&
                 ::fdatasync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  cache->fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (cache->fd_ < 0) return absl::UnavailableError(StrCat("cannot open ", path, ": ", std::strerror(errno)));
  return cache;
}

void ReplayCache::Forget(int64_t now_s) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now_s) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

absl::Status ReplayCache::Record(int64_t keep_until_s, const std::string& key) {
  if (fd_ < 0) return absl::OkStatus();
  std::string line = StrCat(keep_until_s, " ", absl::BytesToHexString(key), "\n");
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fdatasync(fd_) != 0) {
    return absl::UnavailableError(StrCat("cannot record a used jti: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status ReplayCache::Claim(std::string_view client_id, std::string_view jti,
                                int64_t keep_until_s, int64_t now_s) {
  std::string key = StrCat(client_id.size(), ":", client_id, jti);
  std::lock_guard<std::mutex> lock(mu_);
  Forget(now_s);
  if (seen_.contains(key)) {
    return absl::UnauthenticatedError("the client assertion's jti was used before (replay)");
  }
  if (seen_.size() >= capacity_) {
    return absl::UnauthenticatedError(
        "too many unexpired assertions to check this one for replay; retry later");
  }
  VIGIL_RETURN_IF_ERROR(Record(keep_until_s, key));
  seen_.insert(key);
  by_expiry_.emplace(keep_until_s, std::move(key));
  return absl::OkStatus();
}

}  // namespace vigil::auth
