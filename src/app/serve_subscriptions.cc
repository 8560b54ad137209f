// R4 Subscriptions in `vigil serve` (docs/subscriptions.md): clients write
// Subscription resources through /fhir; this starts the service that
// activates them and POSTs (or PUTs) matching changes to their rest-hook
// endpoints (subscriptions/subscription_service.h).
//
// VIGIL_SUBSCRIPTION_RETRY_MS: the wait before the first retry of a failed
// notification, in milliseconds (default 1000; it doubles for each further
// attempt, 5 attempts in all). Meant for tests, which set it small so that a
// dead endpoint turns its Subscription to `error` within a second.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/serve_routes.h"
#include "base/status.h"
#include "base/str.h"
#include "subscriptions/subscription_service.h"

namespace vigil::app {
namespace {

constexpr char kRetryEnv[] = "VIGIL_SUBSCRIPTION_RETRY_MS";
constexpr long kMaxRetryMs = 3'600'000;

// The first retry delay: VIGIL_SUBSCRIPTION_RETRY_MS or the default.
absl::StatusOr<std::chrono::milliseconds> InitialRetryDelay() {
  const char* text = std::getenv(kRetryEnv);
  if (text == nullptr || *text == '\0') return subscriptions::RetryPolicy{}.initial_delay;
  char* end = nullptr;
  const long ms = std::strtol(text, &end, 10);
  if (*end != '\0' || ms < 1 || ms > kMaxRetryMs) {
    return absl::InvalidArgumentError(
        StrCat(kRetryEnv, " must be a whole number of milliseconds from 1 to ", kMaxRetryMs, ", not '", text, "'"));
  }
  return std::chrono::milliseconds(ms);
}

void Log(std::string_view line) {
  std::fprintf(stderr, "vigil serve: subscriptions: %.*s\n", static_cast<int>(line.size()), line.data());
}

}  // namespace

absl::Status AddSubscriptionService(ServeContext& ctx) {
  subscriptions::SubscriptionServiceOptions options;
  VIGIL_ASSIGN_OR_RETURN(options.retry.initial_delay, InitialRetryDelay());
  options.log = Log;
  options.tls = ctx.subscription_tls;
  const subscriptions::RetryPolicy retry = options.retry;
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<subscriptions::SubscriptionService> service,
                         subscriptions::SubscriptionService::Start(*ctx.store, *ctx.registry, ctx.write, *ctx.bus,
                                                                   std::move(options)));
  Log(StrCat(service->active_count(), " active (rest-hook over http and https; a failed notification is tried ",
             retry.max_attempts, " times, first retry after ", retry.initial_delay.count(), " ms)"));
  ctx.owned.push_back(std::shared_ptr<subscriptions::SubscriptionService>(std::move(service)));
  return absl::OkStatus();
}

}  // namespace vigil::app
