#include "cohort/sql_cohort.h"

#include <algorithm>
#include <filesystem>

#include "analytics/sql_query.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::cohort {

std::string AnalyticsDbPath(std::string_view data_dir) {
  return (std::filesystem::path(data_dir) / "analytics.sqlite").string();
}

absl::StatusOr<std::vector<std::string>> SqlCohortPatientIds(const std::string& db_path,
                                                             std::string_view sql,
                                                             const SqlLimits& limits) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(db_path, ec)) {
    return HttpError(400, "invalid", "SQL cohort: no materialized views");
  }
  analytics::SqlLimits engine;
  engine.max_rows = limits.max_rows;
  engine.timeout = std::chrono::milliseconds(limits.time_limit_ms);
  absl::StatusOr<analytics::SqlResult> result = analytics::RunReadOnlySql(db_path, sql, engine);
  if (!result.ok()) {
    return HttpError(HttpStatusOf(result.status()), IssueCodeOf(result.status()),
                     StrCat("SQL cohort: ", Message(result.status())));
  }
  if (result->truncated) {
    return HttpError(400, "too-costly", StrCat("SQL cohort: more than ", limits.max_rows, " rows"));
  }
  std::vector<std::string> ids;
  for (const std::vector<analytics::SqlCell>& row : result->rows) {
    if (row.empty()) continue;
    std::string id;
    if (const auto* text = std::get_if<std::string>(&row[0])) id = *text;
    else if (const auto* number = std::get_if<int64_t>(&row[0])) id = std::to_string(*number);
    std::string_view v = id;
    if (v.starts_with("Patient/")) v.remove_prefix(8);
    if (!v.empty()) ids.emplace_back(v);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace vigil::cohort
