#include "subscriptions/subscription_service.h"

#include <set>
#include <vector>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "search/parse.h"

namespace vigil::subscriptions {
namespace {

constexpr std::string_view kType = "Subscription";
constexpr size_t kPage = 1000;

std::string Key(std::string_view id) { return StrCat("Subscription/", id); }

}  // namespace

absl::StatusOr<std::unique_ptr<SubscriptionService>> SubscriptionService::Start(
    store::Store& store, const search::Registry& registry, persist::WriteOptions write, events::EventBus& bus,
    SubscriptionServiceOptions options) {
  std::unique_ptr<SubscriptionService> service(
      new SubscriptionService(store, registry, std::move(write), std::move(options)));
  SubscriptionService* raw = service.get();
  VIGIL_RETURN_IF_ERROR(bus.Subscribe(std::string(kSubscriberName),
                                      [raw](const store::ChangeEvent& e) { return raw->OnChange(e); }));
  std::lock_guard lock(raw->mu_);
  if (absl::Status loaded = raw->LoadAll(); !loaded.ok()) {
    raw->Log(StrCat("loading the stored Subscriptions failed: ", Message(loaded)));
  }
  return service;
}

SubscriptionService::SubscriptionService(store::Store& store, const search::Registry& registry,
                                         persist::WriteOptions write, SubscriptionServiceOptions options)
    : store_(store), registry_(registry), writes_(registry, std::move(write)), options_(std::move(options)) {
  std::shared_ptr<HookSender> sender = options_.sender ? options_.sender : NewHttpHookSender(options_.timeouts, options_.tls);
  DeliveryCallbacks callbacks;
  callbacks.retrying = [this](const Delivery& d, int failures, std::chrono::milliseconds delay,
                              std::string_view error) {
    Log(StrCat(Key(d.subscription_id), ": ", d.request.method, " ", d.request.url.text, " for ", d.resource,
               " failed (attempt ", failures, " of ", options_.retry.max_attempts, "): ", error, "; retrying in ",
               delay.count(), " ms"));
  };
  callbacks.failed = [this](const Delivery& d, const std::string& reason) { OnDeliveryFailed(d, reason); };
  worker_ = std::make_unique<DeliveryWorker>(std::move(sender), options_.retry, std::move(callbacks));
}

SubscriptionService::~SubscriptionService() { worker_->Stop(); }

size_t SubscriptionService::active_count() const {
  std::lock_guard lock(mu_);
  return table_.size();
}

void SubscriptionService::Log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

absl::Status SubscriptionService::OnChange(const store::ChangeEvent& event) {
  std::lock_guard lock(mu_);
  absl::Status result;
  if (last_sequence_ != 0 && event.sequence != last_sequence_ + 1) result.Update(LoadAll());
  last_sequence_ = event.sequence;
  result.Update(ExpireDue());
  if (event.type == kType) {
    auto own = own_versions_.find(event.id);
    if (own != own_versions_.end() && own->second == event.version) {
      own_versions_.erase(own);  // our own write: the table has it already
    } else {
      result.Update(Refresh(event.id));
    }
  }
  if (!event.deleted) result.Update(Notify(event));
  if (!result.ok()) Log(Message(result));
  return result;
}

absl::Status SubscriptionService::LoadAll() {
  std::set<std::string> found;
  search::SearchOptions options;
  options.max_count = kPage;
  for (size_t offset = 0;; offset += kPage) {
    VIGIL_ASSIGN_OR_RETURN(search::ParsedSearch parsed,
                           search::ParseSearch(registry_, kType,
                                               {{"status", "requested,active"}, {"_count", std::to_string(kPage)}},
                                               options));
    parsed.query.offset = offset;
    parsed.query.total = store::TotalMode::kNone;
    VIGIL_ASSIGN_OR_RETURN(store::SearchPage page, store_.Search(parsed.query));
    for (const store::StoredResource& r : page.resources) found.insert(r.id);
    if (page.resources.size() < kPage) break;
  }
  std::vector<std::string> gone;
  for (const auto& [id, subscription] : table_) {
    if (!found.contains(id)) gone.push_back(id);
  }
  for (const std::string& id : gone) Drop(id);
  absl::Status result;
  for (const std::string& id : found) result.Update(Refresh(id));
  return result;
}

absl::Status SubscriptionService::Refresh(const std::string& id) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> stored, store_.Read(kType, id));
  if (!stored || stored->deleted) {
    Drop(id);
    return absl::OkStatus();
  }
  VIGIL_ASSIGN_OR_RETURN(fhir::Json resource, fhir::ParseJson(stored->json));
  const std::string status = StatusOf(resource);
  if (status != "requested" && status != "active") {
    Drop(id);
    return absl::OkStatus();
  }
  absl::StatusOr<Subscription> subscription = ReadSubscription(resource, id, stored->version, registry_);
  if (!subscription.ok()) {
    Drop(id);
    Log(StrCat(Key(id), " not activated: ", Message(subscription.status())));
    return WriteStatus(id, stored->version, std::move(resource), "error", Message(subscription.status())).status();
  }
  if (subscription->end_ms && *subscription->end_ms <= Now()) {
    Drop(id);
    Log(StrCat(Key(id), " turned off: its end has passed"));
    return WriteStatus(id, stored->version, std::move(resource), "off", "").status();
  }
  if (status == "requested" || resource.Find("error") != nullptr) {
    VIGIL_ASSIGN_OR_RETURN(int64_t version, WriteStatus(id, stored->version, std::move(resource), "active", ""));
    if (version == 0) return absl::OkStatus();  // changed meanwhile: its own event follows
    subscription->version = version;
    subscription->status = "active";
  }
  const bool known = table_.contains(id);
  if (!known) {
    Log(StrCat(Key(id), " active: ", subscription->criteria_text, " -> ", subscription->payload ? "PUT " : "POST ",
               subscription->endpoint.text, subscription->payload ? "/[type]/[id]" : ""));
  }
  table_[id] = *std::move(subscription);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SubscriptionService::WriteStatus(const std::string& id, int64_t version,
                                                         fhir::Json resource, std::string_view status,
                                                         std::string_view error) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store_.BeginWrite());
  absl::StatusOr<persist::WriteResult> written =
      writes_.Update(*txn, kType, id, WithStatus(std::move(resource), status, error), version);
  if (!written.ok()) {
    if (HttpStatusOf(written.status()) == 412) return 0;
    return absl::InternalError(StrCat("writing ", Key(id), " as ", status, ": ", Message(written.status())));
  }
  VIGIL_RETURN_IF_ERROR(txn->Commit());
  own_versions_[id] = written->stored.version;
  return written->stored.version;
}

absl::Status SubscriptionService::SetStatus(const std::string& id, int64_t version, std::string_view status,
                                            std::string_view error) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> stored, store_.Read(kType, id));
  if (!stored || stored->deleted || stored->version != version) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(fhir::Json resource, fhir::ParseJson(stored->json));
  return WriteStatus(id, version, std::move(resource), status, error).status();
}

void SubscriptionService::Drop(const std::string& id) {
  table_.erase(id);
  worker_->Cancel(id);
}

absl::Status SubscriptionService::ExpireDue() {
  const int64_t now = Now();
  std::vector<std::pair<std::string, int64_t>> due;
  for (const auto& [id, s] : table_) {
    if (s.end_ms && *s.end_ms <= now) due.emplace_back(id, s.version);
  }
  absl::Status result;
  for (const auto& [id, version] : due) {
    Drop(id);
    Log(StrCat(Key(id), " turned off: its end has passed"));
    result.Update(SetStatus(id, version, "off", ""));
  }
  return result;
}

absl::Status SubscriptionService::Notify(const store::ChangeEvent& event) {
  std::vector<const Subscription*> candidates;
  for (const auto& [id, s] : table_) {
    if (s.criteria.type == event.type) candidates.push_back(&s);
  }
  if (candidates.empty()) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(std::optional<store::StoredResource> stored, store_.Read(event.type, event.id));
  if (!stored || stored->deleted || stored->version != event.version) return absl::OkStatus();
  absl::Status result;
  for (const Subscription* s : candidates) {
    absl::StatusOr<bool> match = MatchesCriteria(store_, registry_, s->criteria, event.id, Now());
    if (!match.ok()) {
      result.Update(absl::InternalError(StrCat(Key(s->id), ": matching ", event.type, "/", event.id, ": ",
                                               Message(match.status()))));
      continue;
    }
    if (!*match) continue;
    Delivery delivery;
    delivery.subscription_id = s->id;
    delivery.subscription_version = s->version;
    delivery.resource = StrCat(event.type, "/", event.id, "/_history/", event.version);
    delivery.request = Notification(*s, event.type, event.id, stored->json);
    worker_->Enqueue(std::move(delivery));
  }
  return result;
}

void SubscriptionService::OnDeliveryFailed(const Delivery& delivery, const std::string& reason) {
  std::lock_guard lock(mu_);
  const std::string& id = delivery.subscription_id;
  auto it = table_.find(id);
  if (it == table_.end() || it->second.version != delivery.subscription_version) {
    Log(StrCat(Key(id), ": ", reason, " (the Subscription has changed since; its status is left as it is)"));
    return;
  }
  Drop(id);
  Log(StrCat(Key(id), " set to error: ", reason));
  if (absl::Status set = SetStatus(id, delivery.subscription_version, "error", reason); !set.ok()) {
    Log(StrCat(Key(id), ": ", Message(set)));
  }
}

}  // namespace vigil::subscriptions
