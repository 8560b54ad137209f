#include "auth/token_error.h"

#include <array>
#include <string>

#include "absl/strings/cord.h"

namespace vigil::auth {
namespace {

constexpr std::string_view kPayloadUrl = "vigil.auth.token_problem";

constexpr std::array<std::string_view, 10> kNames = {
    "missing",       "malformed", "alg_none",      "alg_not_allowed", "unknown_key",
    "bad_signature", "expired",   "not_yet_valid", "wrong_issuer",    "wrong_audience"};

}  // namespace

std::string_view TokenProblemName(TokenProblem problem) {
  return kNames[static_cast<size_t>(problem)];
}

absl::Status TokenError(TokenProblem problem, std::string_view message) {
  absl::Status status = absl::UnauthenticatedError(std::string(message));
  status.SetPayload(std::string(kPayloadUrl), absl::Cord(std::string(TokenProblemName(problem))));
  return status;
}

std::optional<TokenProblem> TokenProblemOf(const absl::Status& status) {
  auto payload = status.GetPayload(std::string(kPayloadUrl));
  if (!payload.has_value()) return std::nullopt;
  std::string name(*payload);  // absl::optional in Debian's Abseil
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<TokenProblem>(i);
  }
  return std::nullopt;
}

}  // namespace vigil::auth
