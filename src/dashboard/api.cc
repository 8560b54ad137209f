#include "dashboard/api.h"

#include <cstdio>
#include <optional>
#include <utility>
#include <vector>

#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "dashboard/json_util.h"
#include "dashboard/patient_summary.h"
#include "dashboard/risk_history.h"
#include "dashboard/trends.h"
#include "dashboard/ward_board.h"
#include "persist/resource_writes.h"
#include "server/http/url.h"

namespace vigil::dashboard {
namespace {

using fhir::Json;

ApiReply Ok(const Json& json) { return ApiReply{200, fhir::WriteJson(json)}; }

ApiReply Error(int status, std::string_view message) { return ApiReply{status, ErrorBody(message)}; }

// The first value of `name` in a raw query string, decoded; "" when absent.
std::string QueryParam(std::string_view query, std::string_view name) {
  for (auto& [key, value] : server::ParseQueryString(query)) {
    if (key == name) return std::move(value);
  }
  return "";
}

}  // namespace

std::string ErrorBody(std::string_view message) {
  Json body = Json::Object();
  body.Set("error", Str(message));
  return fhir::WriteJson(body);
}

Api::Api(store::Store& store, const search::Registry& registry, const WriteRate& rate, ApiOptions options)
    : store_(store), registry_(registry), rate_(rate), options_(std::move(options)) {}

int64_t Api::Now() const { return options_.now_ms ? options_.now_ms() : NowMs(); }

ApiReply Api::Handle(std::string_view method, std::string_view path, std::string_view query) const {
  if (method != "GET" && method != "HEAD") return Error(405, "the dashboard API is read-only: use GET");
  absl::StatusOr<ApiReply> reply = Route(path, query);
  if (reply.ok()) return *std::move(reply);
  const int status = HttpStatusOf(reply.status());
  if (status >= 500) {
    std::fprintf(stderr, "vigil: GET %s failed: %s\n", std::string(path).c_str(),
                 std::string(Message(reply.status())).c_str());
    return Error(500, "the dashboard could not read the store (see the server log)");
  }
  return Error(status, Message(reply.status()));
}

absl::StatusOr<ApiReply> Api::Route(std::string_view path, std::string_view query) const {
  if (path == "/api/ward") {
    VIGIL_ASSIGN_OR_RETURN(Json board, WardBoard(store_, registry_, Now()));
    return Ok(board);
  }
  if (path == "/api/stats") {
    DeadLetters dead = options_.dead_letters ? options_.dead_letters() : DeadLetters{};
    VIGIL_ASSIGN_OR_RETURN(Json stats, DataStats(store_, registry_, rate_, dead, Now()));
    return Ok(stats);
  }
  constexpr std::string_view kPatients = "/api/patients/";
  if (path.starts_with(kPatients)) {
    std::string_view rest = path.substr(kPatients.size());
    size_t slash = rest.find('/');
    if (slash != std::string_view::npos) return Patient(rest.substr(0, slash), rest.substr(slash + 1), query);
  }
  return HttpError(404, "not-found", StrCat("no dashboard API at ", path, " (see docs/dashboard.md)"));
}

absl::StatusOr<ApiReply> Api::Patient(std::string_view id, std::string_view view, std::string_view query) const {
  if (!persist::IsValidId(id)) return HttpError(400, "invalid", StrCat("'", id, "' is not a valid Patient id"));
  if (view == "summary") {
    VIGIL_ASSIGN_OR_RETURN(std::optional<Json> summary, PatientSummary(store_, registry_, id, Now()));
    if (!summary) return HttpError(404, "not-found", StrCat("Patient/", id, " is not known"));
    return Ok(*summary);
  }
  if (view == "trends") {
    std::string code = QueryParam(query, "code");
    if (code.empty()) return HttpError(400, "required", "trends needs ?code=SYSTEM|CODE (e.g. http://loinc.org|8867-4)");
    VIGIL_ASSIGN_OR_RETURN(Json trend, PatientTrend(store_, registry_, id, code));
    return Ok(trend);
  }
  if (view == "risk") {
    VIGIL_ASSIGN_OR_RETURN(Json risk, RiskHistory(store_, registry_, id));
    return Ok(risk);
  }
  return HttpError(404, "not-found", StrCat("no dashboard API at /api/patients/", id, "/", view));
}

}  // namespace vigil::dashboard
