// The HTTP interface of the analytics surface of `vigil serve`
// (docs/analytics.md has curl examples for each):
//
//   PUT    /fhir/ViewDefinition/{id}[?materialize=true|false]   store (200/201)
//   GET    /fhir/ViewDefinition/{id}                            read
//   GET    /fhir/ViewDefinition                                 searchset Bundle of all views
//   DELETE /fhir/ViewDefinition/{id}                            204 (404 when unknown)
//   GET    /fhir/ViewDefinition/{id}/$run?_format=csv&patient=Patient/p&_limit=N
//   POST   /fhir/ViewDefinition/{id}/$run    Parameters (optional)
//   POST   /fhir/ViewDefinition/$run         Parameters with viewResource or viewReference
//   GET    /fhir/ViewDefinition/$run?viewReference=ViewDefinition/{id}&...
//   POST   /api/sql   {"sql":"SELECT ...","limit":N,"timeout_ms":T} or a text/plain body
//
// Errors are OperationOutcomes with the status of the HttpError behind them
// (server/rest/outcome.h). Authentication is applied by the caller
// (serve_analytics.cc wraps both handlers with Guarded).
//
// Thread-safety: both handlers may run on many threads at once.
#pragma once

#include <string>

#include "analytics/analytics_service.h"
#include "analytics/sql_query.h"
#include "server/http/http_server.h"

namespace vigil::analytics {

inline constexpr std::string_view kViewsPath = "/fhir/ViewDefinition";
inline constexpr std::string_view kSqlPath = "/api/sql";

// The most rows a client may ask /api/sql for (its "limit").
inline constexpr size_t kMaxSqlRows = 100000;

class AnalyticsHttp {
 public:
  // service must outlive this object. base_url: the FHIR base for fullUrl and
  // Location ("http://127.0.0.1:8080/fhir"). sql: the default limits of /api/sql.
  AnalyticsHttp(AnalyticsService& service, std::string base_url, SqlLimits sql = {})
      : service_(service), base_url_(std::move(base_url)), sql_(sql) {}

  // Paths under kViewsPath.
  server::HttpResponse HandleViews(const server::HttpRequest& request) const;
  // kSqlPath.
  server::HttpResponse HandleSql(const server::HttpRequest& request) const;

 private:
  absl::StatusOr<server::HttpResponse> Views(const server::HttpRequest& request) const;
  absl::StatusOr<server::HttpResponse> Instance(const server::HttpRequest& request,
                                                const std::string& id) const;
  absl::StatusOr<server::HttpResponse> Put(const server::HttpRequest& request,
                                           const std::string& id) const;
  absl::StatusOr<server::HttpResponse> List() const;
  absl::StatusOr<server::HttpResponse> RunView(const server::HttpRequest& request,
                                               const std::string& id) const;
  absl::StatusOr<server::HttpResponse> Sql(const server::HttpRequest& request) const;

  AnalyticsService& service_;
  std::string base_url_;
  SqlLimits sql_;
};

}  // namespace vigil::analytics
