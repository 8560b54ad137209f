// AnalyticsHttp::HandleSql: POST /api/sql.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "analytics/analytics_http.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "server/http/url.h"
#include "server/rest/outcome.h"

namespace vigil::analytics {
namespace {

struct SqlRequest {
  std::string sql;
  SqlLimits limits;
};

absl::StatusOr<int64_t> PositiveInt(const fhir::Json* value, std::string_view name) {
  int64_t n = 0;
  if (value == nullptr || !value->is_number() || !absl::SimpleAtoi(value->text(), &n) || n <= 0) {
    return HttpError(400, "invalid", StrCat("'", name, "' must be a positive integer"));
  }
  return n;
}

// Applies a client's limits: rows up to kMaxSqlRows, time up to the server's.
absl::Status ApplyLimits(const fhir::Json& body, SqlLimits& limits) {
  if (const fhir::Json* limit = body.Find("limit")) {
    VIGIL_ASSIGN_OR_RETURN(int64_t rows, PositiveInt(limit, "limit"));
    limits.max_rows = std::min<size_t>(static_cast<size_t>(rows), kMaxSqlRows);
  }
  if (const fhir::Json* timeout = body.Find("timeout_ms")) {
    VIGIL_ASSIGN_OR_RETURN(int64_t ms, PositiveInt(timeout, "timeout_ms"));
    limits.timeout = std::min(limits.timeout, std::chrono::milliseconds(ms));
  }
  return absl::OkStatus();
}

// A JSON body {"sql":...,"limit":...,"timeout_ms":...}, or the SQL itself as
// text (limit and timeout_ms then come from the query string).
absl::StatusOr<SqlRequest> ParseSqlRequest(const server::HttpRequest& request, SqlLimits limits) {
  SqlRequest out;
  out.limits = limits;
  if (request.Header("content-type").starts_with("application/json")) {
    absl::StatusOr<fhir::Json> body = fhir::ParseJson(request.body);
    if (!body.ok() || !body->is_object()) {
      return HttpError(400, "structure",
                       "the body must be a JSON object {\"sql\": \"SELECT ...\"}");
    }
    const fhir::Json* sql = body->Find("sql");
    if (sql == nullptr || !sql->is_string()) {
      return HttpError(400, "required", "the body needs a string 'sql'");
    }
    out.sql = sql->text();
    VIGIL_RETURN_IF_ERROR(ApplyLimits(*body, out.limits));
    return out;
  }
  out.sql = request.body;
  fhir::Json params = fhir::Json::Object();
  for (const auto& [name, value] : server::ParseQueryString(request.query)) {
    if (name != "limit" && name != "timeout_ms") {
      return HttpError(400, "not-supported", StrCat("unknown parameter '", name, "'"));
    }
    int64_t n = 0;
    if (!absl::SimpleAtoi(value, &n)) {
      return HttpError(400, "invalid", StrCat("'", name, "' must be a positive integer"));
    }
    params.Set(name, fhir::Json::Number(std::to_string(n)));
  }
  VIGIL_RETURN_IF_ERROR(ApplyLimits(params, out.limits));
  return out;
}

}  // namespace

server::HttpResponse AnalyticsHttp::HandleSql(const server::HttpRequest& request) const {
  absl::StatusOr<server::HttpResponse> response = Sql(request);
  if (response.ok()) return *std::move(response);
  return server::ErrorResponse(response.status());
}

absl::StatusOr<server::HttpResponse> AnalyticsHttp::Sql(const server::HttpRequest& request) const {
  if (request.method != "POST") {
    return HttpError(405, "not-supported", "use POST /api/sql with the query in the body");
  }
  VIGIL_ASSIGN_OR_RETURN(SqlRequest sql, ParseSqlRequest(request, sql_));
  VIGIL_ASSIGN_OR_RETURN(SqlResult result, RunReadOnlySql(service_.db_path(), sql.sql, sql.limits));
  server::HttpResponse response;
  if (request.Header("accept").find("text/csv") != std::string_view::npos) {
    response.headers.emplace_back("Content-Type", "text/csv");
    response.body = SqlResultCsv(result);
  } else {
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = SqlResultJson(result);
  }
  return response;
}

}  // namespace vigil::analytics
