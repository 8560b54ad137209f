#include "audit/search.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <utility>

#include "audit/log_reader.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"

namespace vigil::audit {
namespace {

using fhir::Json;

constexpr int64_t kDayMs = 24 * 3600 * 1000LL;

std::string_view TextOf(const Json* j) {
  return j != nullptr && j->is_string() ? std::string_view(j->text()) : std::string_view();
}

bool AnyReference(const Json& event, const char* list, const char* field, std::string_view ref) {
  const Json* items = event.Find(list);
  if (items == nullptr || !items->is_array()) return false;
  for (const Json& item : items->items()) {
    const Json* target = item.Find(field);
    if (target != nullptr && TextOf(target->Find("reference")) == ref) return true;
  }
  return false;
}

bool HasCode(const Json* concept_or_list, std::string_view code) {
  if (concept_or_list == nullptr) return false;
  if (concept_or_list->is_array()) {
    for (const Json& c : concept_or_list->items()) {
      if (TextOf(c.Find("code")) == code) return true;
    }
    return false;
  }
  return TextOf(concept_or_list->Find("code")) == code;
}

bool DateMatches(const AuditQuery::DateBound& b, int64_t t) {
  if (b.prefix == "gt") return t > b.high_ms;
  if (b.prefix == "ge") return t >= b.low_ms;
  if (b.prefix == "lt") return t < b.low_ms;
  if (b.prefix == "le") return t <= b.high_ms;
  const bool inside = t >= b.low_ms && t <= b.high_ms;
  return b.prefix == "ne" ? !inside : inside;
}

bool Matches(const Json& event, const AuditQuery& q) {
  if (!q.dates.empty()) {
    std::optional<int64_t> t = ParseFhirDateTimeMs(TextOf(event.Find("recorded")));
    if (!t) return false;
    for (const AuditQuery::DateBound& b : q.dates) {
      if (!DateMatches(b, *t)) return false;
    }
  }
  if (!q.patient.empty()) {
    const std::string ref = q.patient.starts_with("Patient/") ? q.patient : "Patient/" + q.patient;
    if (!AnyReference(event, "agent", "who", ref) && !AnyReference(event, "entity", "what", ref)) return false;
  }
  if (!q.entity.empty() && !AnyReference(event, "entity", "what", q.entity)) return false;
  if (!q.agent.empty() && !AnyReference(event, "agent", "who", q.agent)) return false;
  if (!q.type.empty() && !HasCode(event.Find("type"), q.type)) return false;
  if (!q.subtype.empty() && !HasCode(event.Find("subtype"), q.subtype)) return false;
  if (!q.action.empty() && TextOf(event.Find("action")) != q.action) return false;
  if (!q.outcome.empty() && TextOf(event.Find("outcome")) != q.outcome) return false;
  return true;
}

// Calls fn(index, payload) for every event record; false from fn stops.
template <typename Fn>
absl::Status ForEachEvent(const std::string& log_path, Fn fn) {
  std::string problem;
  std::FILE* f = OpenLog(log_path, &problem);
  if (f == nullptr) {
    std::error_code ec;
    if (!std::filesystem::exists(log_path, ec)) return absl::OkStatus();  // nothing recorded yet
    return absl::InternalError(StrCat("audit log: ", problem));
  }
  LogReader reader(f);
  LogRecord rec;
  while (reader.Next(&rec) == ReadResult::kRecord) {
    if (rec.type == RecordType::kEvent && !fn(rec.index, std::move(rec.payload))) break;
  }
  std::fclose(f);
  return absl::OkStatus();
}

absl::StatusOr<FoundEvent> Found(uint64_t index, const std::string& payload) {
  VIGIL_ASSIGN_OR_RETURN(Json event, fhir::ParseJson(payload));
  event.Set("id", Json::String(std::to_string(index)));
  return FoundEvent{index, std::move(event)};
}

}  // namespace

absl::StatusOr<AuditQuery::DateBound> ParseDateBound(std::string_view value) {
  AuditQuery::DateBound b;
  b.prefix = "eq";
  for (std::string_view p : {"eq", "ne", "gt", "ge", "lt", "le"}) {
    if (value.starts_with(p)) {
      b.prefix = std::string(p);
      value.remove_prefix(2);
      break;
    }
  }
  std::optional<int64_t> t = ParseFhirDateTimeMs(value);
  if (!t) return absl::InvalidArgumentError(StrCat("date: '", value, "' is not a date or date-time"));
  b.low_ms = *t;
  // A date (no time) covers its day; an instant is itself (to the millisecond).
  b.high_ms = value.find('T') == std::string_view::npos ? *t + kDayMs - 1 : *t;
  return b;
}

absl::StatusOr<std::vector<FoundEvent>> SearchAuditLog(const std::string& log_path,
                                                       const AuditQuery& query) {
  std::deque<std::pair<uint64_t, std::string>> newest;  // the last `count` matches
  absl::Status failed;
  VIGIL_RETURN_IF_ERROR(ForEachEvent(log_path, [&](uint64_t index, std::string payload) {
    absl::StatusOr<Json> event = fhir::ParseJson(payload);
    if (!event.ok()) {
      failed = event.status();
      return false;
    }
    if (Matches(*event, query)) {
      newest.emplace_back(index, std::move(payload));
      if (newest.size() > query.count) newest.pop_front();
    }
    return true;
  }));
  VIGIL_RETURN_IF_ERROR(failed);
  std::vector<FoundEvent> out;
  for (auto it = newest.rbegin(); it != newest.rend(); ++it) {
    VIGIL_ASSIGN_OR_RETURN(FoundEvent found, Found(it->first, it->second));
    out.push_back(std::move(found));
  }
  return out;
}

absl::StatusOr<std::optional<FoundEvent>> GetAuditEvent(const std::string& log_path, uint64_t index) {
  std::optional<std::string> payload;
  VIGIL_RETURN_IF_ERROR(ForEachEvent(log_path, [&](uint64_t i, std::string p) {
    if (i == index) payload = std::move(p);
    return i < index;
  }));
  if (!payload) return std::nullopt;
  VIGIL_ASSIGN_OR_RETURN(FoundEvent found, Found(index, *payload));
  return found;
}

}  // namespace vigil::audit
