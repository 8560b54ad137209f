#include "analytics/analytics_service.h"

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "persist/resource_writes.h"

namespace vigil::analytics {
namespace {

std::string StringMember(const fhir::Json& json, std::string_view key) {
  const fhir::Json* value = json.Find(key);
  return value != nullptr && value->is_string() ? value->text() : "";
}

// Parses and checks a PUT body: a ViewDefinition whose id, if any, is id.
absl::StatusOr<fhir::Json> ParseDefinition(std::string_view id, std::string_view body) {
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(body);
  if (!json.ok()) {
    return HttpError(400, "structure", StrCat("the body is not JSON: ", Message(json.status())));
  }
  if (!json->is_object() || StringMember(*json, "resourceType") != "ViewDefinition") {
    return HttpError(400, "invalid", "the body must be a ViewDefinition (resourceType)");
  }
  const fhir::Json* own_id = json->Find("id");
  if (own_id != nullptr && (!own_id->is_string() || own_id->text() != id)) {
    return HttpError(400, "invalid", StrCat("the ViewDefinition's id must be '", id, "'"));
  }
  return json;
}

// json with id and meta set, placed after resourceType as FHIR writes them.
fhir::Json WithMeta(const fhir::Json& json, std::string_view id, int64_t version,
                    int64_t updated_ms) {
  fhir::Json meta = fhir::Json::Object();
  meta.Set("versionId", fhir::Json::String(std::to_string(version)));
  meta.Set("lastUpdated", fhir::Json::String(FormatInstant(updated_ms)));
  fhir::Json out = fhir::Json::Object();
  out.Set("resourceType", fhir::Json::String("ViewDefinition"));
  out.Set("id", fhir::Json::String(std::string(id)));
  out.Set("meta", std::move(meta));
  for (const fhir::Json::Member& member : json.members()) {
    if (member.first != "resourceType" && member.first != "id" && member.first != "meta") {
      out.Set(member.first, member.second);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const sof::View>> CompileView(const fhir::Json& definition) {
  absl::StatusOr<sof::View> view = sof::View::Compile(definition);
  if (!view.ok()) {
    return HttpError(400, "invalid", StrCat("invalid ViewDefinition: ", Message(view.status())));
  }
  return std::make_shared<const sof::View>(*std::move(view));
}

AnalyticsService::AnalyticsService(std::string db_path, std::unique_ptr<Db> db, store::Store& store)
    : db_path_(std::move(db_path)),
      store_(store),
      db_(std::move(db)),
      registry_(db_.get()),
      materializer_(db_.get(), &store) {}

absl::StatusOr<std::unique_ptr<AnalyticsService>> AnalyticsService::Open(const std::string& db_path,
                                                                         store::Store& store) {
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<Db> db,
                         Db::Open(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  // Derived data, rebuilt at start: WAL (readers never wait for the writer)
  // without a sync per commit.
  VIGIL_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode = WAL"));
  VIGIL_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = NORMAL"));
  sqlite3_busy_timeout(db->get(), 5000);
  std::unique_ptr<AnalyticsService> service(new AnalyticsService(db_path, std::move(db), store));
  VIGIL_RETURN_IF_ERROR(service->registry_.CreateSchema());
  VIGIL_ASSIGN_OR_RETURN(std::vector<StoredView> views, service->registry_.List());
  for (StoredView& stored : views) {
    if (!stored.materialized) continue;
    VIGIL_ASSIGN_OR_RETURN(fhir::Json json, fhir::ParseJson(stored.json));
    VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const sof::View> view, CompileView(json));
    service->materialized_[stored.id] = MaterializedView{stored.id, stored.name, std::move(view)};
  }
  return service;
}

absl::StatusOr<PutViewResult> AnalyticsService::PutView(std::string_view id, std::string_view body,
                                                        std::optional<bool> materialize) {
  if (!persist::IsValidId(id)) {
    return HttpError(400, "invalid", StrCat("'", id, "' is not a valid id"));
  }
  VIGIL_ASSIGN_OR_RETURN(fhir::Json json, ParseDefinition(id, body));
  StoredView view;
  view.id = std::string(id);
  view.name = StringMember(json, "name");
  view.resource_type = StringMember(json, "resource");
  view.json = fhir::WriteJson(json);  // meta is set once the version is known
  std::lock_guard<std::mutex> lock(mu_);
  return PutViewLocked(std::move(view), materialize);
}

absl::StatusOr<PutViewResult> AnalyticsService::PutViewLocked(StoredView view,
                                                              std::optional<bool> materialize) {
  VIGIL_ASSIGN_OR_RETURN(std::optional<StoredView> previous, registry_.Get(view.id));
  view.materialized = materialize.value_or(previous && previous->materialized);
  view.updated_ms = NowMs();
  view.version = previous ? previous->version + 1 : 1;
  view.created_ms = previous ? previous->created_ms : view.updated_ms;
  VIGIL_ASSIGN_OR_RETURN(fhir::Json parsed, fhir::ParseJson(view.json));
  fhir::Json json = WithMeta(parsed, view.id, view.version, view.updated_ms);
  view.json = fhir::WriteJson(json);
  VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const sof::View> compiled, CompileView(json));
  VIGIL_RETURN_IF_ERROR(UpdateTable(view, *compiled, previous));
  VIGIL_RETURN_IF_ERROR(registry_.Put(view));
  if (view.materialized) {
    materialized_[view.id] = MaterializedView{view.id, view.name, std::move(compiled)};
  } else {
    materialized_.erase(view.id);
  }
  return PutViewResult{std::move(view), !previous.has_value()};
}

absl::Status AnalyticsService::UpdateTable(const StoredView& view, const sof::View& compiled,
                                           const std::optional<StoredView>& previous) {
  bool had_table = previous && previous->materialized;
  if (view.materialized) {
    VIGIL_RETURN_IF_ERROR(CheckMaterializable(compiled, view.name));
    for (const auto& [id, other] : materialized_) {
      if (id != view.id && TableName(other.name) == TableName(view.name)) {
        return HttpError(409, "conflict",
                         StrCat("the table ", TableName(view.name),
                                " belongs to the materialized view '", id, "'"));
      }
    }
    // Built before the old table goes: a build that fails changes nothing.
    auto shared = std::make_shared<const sof::View>(compiled);
    VIGIL_RETURN_IF_ERROR(materializer_.Build(MaterializedView{view.id, view.name, shared}));
    if (had_table && previous->name != view.name) {
      VIGIL_RETURN_IF_ERROR(materializer_.Drop(previous->name));
    }
    return absl::OkStatus();
  }
  if (had_table) return materializer_.Drop(previous->name);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<StoredView>> AnalyticsService::GetView(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.Get(id);
}

absl::StatusOr<std::vector<StoredView>> AnalyticsService::ListViews() {
  std::lock_guard<std::mutex> lock(mu_);
  return registry_.List();
}

absl::StatusOr<bool> AnalyticsService::DeleteView(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  VIGIL_ASSIGN_OR_RETURN(std::optional<StoredView> previous, registry_.Get(id));
  if (!previous) return false;
  if (previous->materialized) VIGIL_RETURN_IF_ERROR(materializer_.Drop(previous->name));
  materialized_.erase(previous->id);
  return registry_.Delete(id);
}

absl::Status AnalyticsService::OnChange(const store::ChangeEvent& event) {
  std::lock_guard<std::mutex> lock(mu_);
  bool gap = last_sequence_ != 0 && event.sequence != last_sequence_ + 1;
  last_sequence_ = event.sequence;
  // After a gap the rebuild reads the store, which already holds this event's version.
  if (gap) return RebuildAllLocked();
  absl::Status first_error;
  for (const auto& [id, m] : materialized_) {
    if (m.view->resource_type() != event.type) continue;
    absl::Status applied = materializer_.Apply(m, event.id);
    if (!applied.ok() && first_error.ok()) {
      first_error = absl::Status(applied.code(), StrCat("view ", id, ": ", Message(applied)));
    }
  }
  return first_error;
}

absl::Status AnalyticsService::RebuildAll() {
  std::lock_guard<std::mutex> lock(mu_);
  return RebuildAllLocked();
}

absl::Status AnalyticsService::RebuildAllLocked() {
  ++rebuilds_;
  absl::Status first_error;
  for (const auto& [id, m] : materialized_) {
    absl::Status built = materializer_.Build(m);
    if (!built.ok() && first_error.ok()) {
      first_error = absl::Status(built.code(), StrCat("view ", id, ": ", Message(built)));
    }
  }
  return first_error;
}

uint64_t AnalyticsService::rebuilds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rebuilds_;
}

}  // namespace vigil::analytics
