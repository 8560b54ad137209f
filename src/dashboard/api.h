// The dashboard's JSON API (docs/dashboard.md), independent of HTTP so that it
// can be tested without a server; src/app/serve_dashboard.cc puts it under
// /api/patients, /api/ward and /api/stats.
//
//   GET /api/patients/{id}/summary          patient_summary.h (404 unknown patient)
//   GET /api/patients/{id}/trends?code=S|C  trends.h (400 without code)
//   GET /api/patients/{id}/risk             risk_history.h
//   GET /api/ward                           ward_board.h
//   GET /api/stats                          data_stats.h
//
// Every answer is JSON. Errors: {"error": "..."} with 400, 404 or 405 for bad
// requests, 500 with a generic message for our own failures (the detail goes
// to stderr: it may name patient data, the client gets none of it).
//
// Thread-safety: Get may run on many threads at once (the store is
// thread-safe, WriteRate too).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "dashboard/data_stats.h"
#include "dashboard/write_rate.h"
#include "search/registry.h"
#include "store/store.h"

namespace vigil::dashboard {

struct ApiReply {
  int status = 200;
  std::string body;  // JSON
};

struct ApiOptions {
  std::function<int64_t()> now_ms;           // the system clock when empty
  std::function<DeadLetters()> dead_letters;  // none (count 0) when empty
};

class Api {
 public:
  // store, registry and rate must outlive the Api.
  Api(store::Store& store, const search::Registry& registry, const WriteRate& rate, ApiOptions options);

  // path: the percent-decoded request path ("/api/patients/p1/trends"); query:
  // the raw query string. Methods other than GET (and HEAD) get 405.
  ApiReply Handle(std::string_view method, std::string_view path, std::string_view query) const;

 private:
  absl::StatusOr<ApiReply> Route(std::string_view path, std::string_view query) const;
  absl::StatusOr<ApiReply> Patient(std::string_view id, std::string_view view, std::string_view query) const;
  int64_t Now() const;

  store::Store& store_;
  const search::Registry& registry_;
  const WriteRate& rate_;
  ApiOptions options_;
};

// {"error": message} as JSON.
std::string ErrorBody(std::string_view message);

}  // namespace vigil::dashboard
