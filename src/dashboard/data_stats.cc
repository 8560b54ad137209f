#include "dashboard/data_stats.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "dashboard/json_util.h"
#include "dashboard/store_reads.h"
#include "fhir/model.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

absl::StatusOr<Json> ResourceCounts(store::Reader& reader, const search::Registry& registry, int64_t* total) {
  std::vector<std::pair<std::string_view, int64_t>> counts;
  for (const fhir::TypeInfo& type : fhir::AllTypes()) {
    if (type.kind != fhir::TypeKind::kResource || type.is_abstract) continue;
    VIGIL_ASSIGN_OR_RETURN(int64_t n, CountMatches(reader, registry, type.name, {}));
    if (n > 0) counts.emplace_back(type.name, n);
  }
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  Json out = Json::Array();
  for (const auto& [type, n] : counts) {
    Json c = Json::Object();
    c.Set("type", Str(type));
    c.Set("count", Int(n));
    out.Push(std::move(c));
    *total += n;
  }
  return out;
}

Json DeadLetterJson(const DeadLetters& d) {
  Json out = Json::Object();
  out.Set("folder", Str(d.folder));
  out.Set("count", d.count.ok() ? Int(static_cast<int64_t>(*d.count)) : Json());
  if (!d.count.ok()) out.Set("error", Str(Message(d.count.status())));
  return out;
}

}  // namespace

Json IngestionJson(const WriteRate& rate, int64_t now_ms) {
  Json out = Json::Object();
  out.Set("source", Str("change events since the server started"));
  out.Set("since", Str(FormatInstant(rate.started_ms())));
  Json minutes = Json::Array();
  int64_t hour = 0;
  for (const auto& [minute_ms, writes] : rate.PerMinute(now_ms)) {
    Json m = Json::Object();
    m.Set("minute", Str(FormatInstant(minute_ms)));
    m.Set("writes", Int(writes));
    minutes.Push(std::move(m));
    hour += writes;
  }
  out.Set("perMinute", std::move(minutes));
  out.Set("lastHour", Int(hour));
  out.Set("sinceStart", Int(rate.total()));
  return out;
}

absl::StatusOr<Json> DataStats(store::Reader& reader, const search::Registry& registry, const WriteRate& rate,
                               const DeadLetters& dead_letters, int64_t now_ms) {
  int64_t total = 0;
  VIGIL_ASSIGN_OR_RETURN(Json counts, ResourceCounts(reader, registry, &total));
  Json out = Json::Object();
  out.Set("generatedAt", Str(FormatInstant(now_ms)));
  out.Set("resources", std::move(counts));
  out.Set("total", Int(total));
  out.Set("ingestion", IngestionJson(rate, now_ms));
  out.Set("deadLetters", DeadLetterJson(dead_letters));
  return out;
}

}  // namespace vigil::dashboard
