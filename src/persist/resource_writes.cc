#include "persist/resource_writes.h"

#include <random>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/str.h"
#include "fhir/model.h"
#include "fhir/resource.h"
#include "fhir/validate.h"
#include "search/indexer.h"
#include "base/http_error.h"
#include "base/time.h"

namespace vigil::persist {
namespace {

// Sets meta.versionId and meta.lastUpdated, keeping the rest of meta; a new
// meta goes right after id, where FHIR's element order puts it.
void SetMeta(fhir::Json& resource, int64_t version, int64_t last_updated) {
  fhir::Json* meta = resource.Find("meta");
  if (meta == nullptr || !meta->is_object()) {
    if (meta != nullptr) resource.Erase("meta");
    auto& members = resource.members();
    auto after = members.begin();
    for (auto it = members.begin(); it != members.end(); ++it) {
      if (it->first == "resourceType" || it->first == "id") after = it + 1;
    }
    meta = &members.insert(after, {"meta", fhir::Json::Object()})->second;
  }
  meta->Set("versionId", fhir::Json::String(std::to_string(version)));
  meta->Set("lastUpdated", fhir::Json::String(FormatInstant(last_updated)));
}

// Puts id right after resourceType.
void SetId(fhir::Json& resource, const std::string& id) {
  if (fhir::Json* existing = resource.Find("id")) {
    *existing = fhir::Json::String(id);
    return;
  }
  auto& members = resource.members();
  auto after = members.begin();
  if (!members.empty() && members.front().first == "resourceType") ++after;
  members.insert(after, {"id", fhir::Json::String(id)});
}

std::string TypeOf(const fhir::Json& resource) { return resource.Find("resourceType")->text(); }

// 422 with every issue attached when any is an error; OK otherwise (warnings
// alone do not stop a write). The message lists the first few issues, for edges
// that report one line (import dead-letters); the REST edge reports them all.
absl::Status ValidationError(const std::vector<fhir::ValidationIssue>& found) {
  if (!fhir::HasErrors(found)) return absl::OkStatus();
  constexpr size_t kInMessage = 3;
  size_t errors = 0;
  std::string summary;
  std::vector<HttpIssue> issues;
  for (const fhir::ValidationIssue& i : found) {
    if (i.severity == "error") ++errors;
    if (issues.size() < kInMessage) {
      summary += StrCat(issues.empty() ? "" : "; ", i.expression, ": ", i.message);
    }
    issues.push_back({i.severity, i.code, i.expression, i.message});
  }
  if (issues.size() > kInMessage) summary += StrCat("; and ", issues.size() - kInMessage, " more");
  std::string message = StrCat("resource failed validation (", errors,
                               errors == 1 ? " error" : " errors", "): ", summary);
  return HttpError(422, "processing", message, issues);
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

std::string FormatUuid(uint64_t hi, uint64_t lo) {
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

constexpr uint64_t kVariant10 = 0x8000000000000000ULL;
constexpr uint64_t kVariantMask = 0x3fffffffffffffffULL;

}  // namespace

std::string RandomUuid() {
  uint64_t hi = Rng()(), lo = Rng()();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  return FormatUuid(hi, (lo & kVariantMask) | kVariant10);
}

std::string TimeOrderedUuid(int64_t unix_ms) {
  uint64_t hi = Rng()(), lo = Rng()();
  // unix_ts_ms (48 bits) | version 7 (4) | rand_a (12)
  hi = (static_cast<uint64_t>(unix_ms) << 16) | 0x7000 | (hi & 0x0fff);
  return FormatUuid(hi, (lo & kVariantMask) | kVariant10);
}

ResourceWrites::ResourceWrites(const search::Registry& registry, WriteOptions options)
    : registry_(registry), options_(std::move(options)) {
  if (!options_.now_ms) {
    options_.now_ms = NowMs;
  }
  if (!options_.new_id) {
    options_.new_id = [now = options_.now_ms] { return TimeOrderedUuid(now()); };
  }
}

absl::StatusOr<fhir::Json> ResourceWrites::ParseBody(std::string_view body,
                                                     std::string_view url_type) const {
  absl::StatusOr<fhir::Json> resource = fhir::ParseResource(body);
  if (!resource.ok()) return HttpError(400, "structure", Message(resource.status()));
  if (!url_type.empty() && TypeOf(*resource) != url_type) {
    return HttpError(400, "invalid", StrCat("resourceType '", TypeOf(*resource),
                                            "' does not match the URL's type '", url_type, "'"));
  }
  VIGIL_RETURN_IF_ERROR(Check(*resource));
  return resource;
}

absl::Status ResourceWrites::Check(const fhir::Json& resource) const {
  const fhir::Json* type = resource.Find("resourceType");
  if (type == nullptr || !type->is_string() || !fhir::FindType(type->text())) {
    return HttpError(400, "structure", "missing or unknown resourceType");
  }
  if (options_.validate) return ValidationError(fhir::ValidateResource(resource));
  return absl::OkStatus();
}

absl::StatusOr<WriteResult> ResourceWrites::Write(store::WriteTxn& txn, fhir::Json resource,
                                                  std::string id, int64_t version,
                                                  PreparedIndex* prepared) const {
  int64_t now = options_.now_ms();
  SetId(resource, id);
  if (prepared != nullptr && !(resource == prepared->resource)) prepared = nullptr;  // stale
  SetMeta(resource, version, now);
  VIGIL_ASSIGN_OR_RETURN(store::IndexEntries index, Index(resource, prepared));
  store::ResourceWrite write;
  write.type = TypeOf(resource);
  write.id = std::move(id);
  write.version = version;
  write.last_updated = now;
  write.json = fhir::WriteJson(resource);
  write.index = std::move(index);
  WriteResult result;
  result.stored = {write.type, write.id, version, now, false, write.json};
  result.created = version == 1;
  VIGIL_RETURN_IF_ERROR(txn.Put(std::move(write)));
  return result;
}

absl::StatusOr<store::IndexEntries> ResourceWrites::Index(const fhir::Json& resource,
                                                          PreparedIndex* prepared) const {
  if (prepared == nullptr) return search::IndexResource(registry_, resource);
  store::IndexEntries index = std::move(prepared->index);
  VIGIL_RETURN_IF_ERROR(search::ReindexDateParam(registry_, resource, "_lastUpdated", index));
  return index;
}

absl::StatusOr<PreparedIndex> ResourceWrites::PrepareIndex(fhir::Json resource,
                                                           const std::string& id) const {
  PreparedIndex prepared;
  SetId(resource, id);
  prepared.resource = resource;
  SetMeta(resource, 1, options_.now_ms());
  VIGIL_ASSIGN_OR_RETURN(prepared.index, search::IndexResource(registry_, resource));
  return prepared;
}

absl::StatusOr<PreparedWrite> ResourceWrites::Prepare(fhir::Json resource) const {
  VIGIL_RETURN_IF_ERROR(Check(resource));
  PreparedWrite prepared;
  prepared.type = TypeOf(resource);
  const fhir::Json* id = resource.Find("id");
  prepared.id = id != nullptr && id->is_string() ? id->text() : options_.new_id();
  if (!IsValidId(prepared.id)) {
    return HttpError(400, "invalid", StrCat("invalid id '", prepared.id, "'"));
  }
  prepared.last_updated = options_.now_ms();
  SetId(resource, prepared.id);
  SetMeta(resource, 1, prepared.last_updated);
  VIGIL_ASSIGN_OR_RETURN(prepared.index, search::IndexResource(registry_, resource));
  prepared.json = fhir::WriteJson(resource);
  return prepared;  // the tree is freed here, on the preparing thread
}

absl::StatusOr<WriteResult> ResourceWrites::CommitPrepared(store::WriteTxn& txn,
                                                           PreparedWrite prepared) const {
  VIGIL_ASSIGN_OR_RETURN(auto current, txn.Read(prepared.type, prepared.id));
  int64_t version = current ? current->version + 1 : 1;
  if (version != 1) {  // rare in bulk loads: re-parse to set the real versionId
    VIGIL_ASSIGN_OR_RETURN(fhir::Json resource, fhir::ParseJson(prepared.json));
    SetMeta(resource, version, prepared.last_updated);
    prepared.json = fhir::WriteJson(resource);
  }
  store::ResourceWrite write;
  write.type = prepared.type;
  write.id = prepared.id;
  write.version = version;
  write.last_updated = prepared.last_updated;
  write.json = std::move(prepared.json);
  write.index = std::move(prepared.index);
  WriteResult result;
  result.stored = {write.type, write.id, version, write.last_updated, false, write.json};
  result.created = !current || current->deleted;
  VIGIL_RETURN_IF_ERROR(txn.Put(std::move(write)));
  return result;
}

absl::StatusOr<WriteResult> ResourceWrites::Create(store::WriteTxn& txn, fhir::Json resource,
                                                   std::string id, PreparedIndex* prepared) const {
  if (id.empty()) id = options_.new_id();
  VIGIL_ASSIGN_OR_RETURN(auto current, txn.Read(TypeOf(resource), id));
  if (current) {
    return HttpError(409, "duplicate", StrCat(TypeOf(resource), "/", id, " already exists"));
  }
  return Write(txn, std::move(resource), std::move(id), 1, prepared);
}

absl::StatusOr<WriteResult> ResourceWrites::Update(store::WriteTxn& txn, std::string_view type,
                                                   std::string_view id, fhir::Json resource,
                                                   std::optional<int64_t> if_match,
                                                   PreparedIndex* prepared) const {
  if (TypeOf(resource) != type) {
    return HttpError(400, "invalid", StrCat("resourceType '", TypeOf(resource),
                                            "' does not match the URL's type '", type, "'"));
  }
  const fhir::Json* body_id = resource.Find("id");
  if (body_id == nullptr || !body_id->is_string()) {
    return HttpError(400, "required", "an update needs the resource's id in the body");
  }
  if (body_id->text() != id) {
    return HttpError(400, "invalid", StrCat("id '", body_id->text(),
                                            "' in the body does not match the URL's id '", id, "'"));
  }
  if (!IsValidId(id)) return HttpError(400, "invalid", StrCat("invalid id '", id, "'"));
  VIGIL_ASSIGN_OR_RETURN(auto current, txn.Read(type, id));
  int64_t current_version = current ? current->version : 0;
  if (if_match && *if_match != current_version) {
    return HttpError(412, "conflict",
                     StrCat("If-Match version ", *if_match, " is not the current version ",
                            current_version, " of ", type, "/", id));
  }
  VIGIL_ASSIGN_OR_RETURN(WriteResult result, Write(txn, std::move(resource), std::string(id),
                                                   current_version + 1, prepared));
  result.created = !current || current->deleted;
  return result;
}

absl::StatusOr<std::optional<WriteResult>> ResourceWrites::Delete(
    store::WriteTxn& txn, std::string_view type, std::string_view id,
    std::optional<int64_t> if_match) const {
  VIGIL_ASSIGN_OR_RETURN(auto current, txn.Read(type, id));
  if (if_match && (!current || *if_match != current->version)) {
    return HttpError(412, "conflict", StrCat("If-Match does not match the current version of ",
                                             type, "/", id));
  }
  if (!current || current->deleted) return std::nullopt;
  store::ResourceWrite write;
  write.type = std::string(type);
  write.id = std::string(id);
  write.version = current->version + 1;
  write.last_updated = options_.now_ms();
  write.deleted = true;
  WriteResult result;
  result.stored = {write.type, write.id, write.version, write.last_updated, true, ""};
  VIGIL_RETURN_IF_ERROR(txn.Put(std::move(write)));
  return result;
}

}  // namespace vigil::persist
