// The dead-letter folders over HTTP, for operators (vigil/admin when --auth is on):
//
//   GET /api/dead-letters                  {"hl7v2": [entry...], "mqtt": [entry...]}, oldest first
//   GET /api/dead-letters/{source}         [entry...] of one source (hl7v2, mqtt)
//   GET /api/dead-letters/{source}/{id}    the entry with its "message" (the bytes as received)
//
// An entry is the sidecar of `vigil ingest dead-letter show` (id, reason,
// ack_code, received_at, peer, control_id, message_type, bytes). Replaying
// stays a CLI action (`vigil ingest dead-letter replay`).
#include <memory>
#include <string>
#include <vector>

#include "app/serve_context.h"
#include "app/serve_mllp.h"
#include "app/serve_mqtt.h"
#include "app/serve_routes.h"
#include "auth/scopes.h"
#include "base/http_error.h"
#include "base/status.h"
#include "base/str.h"
#include "fhir/json.h"
#include "server/http/url.h"
#include "server/mllp/dead_letter.h"
#include "server/rest/outcome.h"

namespace vigil::app {
namespace {

using fhir::Json;

constexpr const char* kSources[] = {"hl7v2", "mqtt"};

// The folder of one source; null for an unknown source.
std::unique_ptr<mllp::DeadLetterStore> StoreOf(const std::string& data_dir, std::string_view source) {
  if (source == "hl7v2") return std::make_unique<mllp::DeadLetterStore>(Hl7DeadLetterDir(data_dir));
  if (source == "mqtt") {
    return std::make_unique<mllp::DeadLetterStore>(MqttDeadLetterDir(data_dir), kMqttPayloadExt);
  }
  return nullptr;
}

absl::StatusOr<Json> EntryJson(const mllp::DeadLetter& letter) {
  return fhir::ParseJson(mllp::DeadLetterStore::ToJson(letter));
}

absl::StatusOr<Json> Listing(const mllp::DeadLetterStore& store) {
  VIGIL_ASSIGN_OR_RETURN(std::vector<mllp::DeadLetter> letters, store.List());
  Json out = Json::Array();
  for (const mllp::DeadLetter& letter : letters) {
    VIGIL_ASSIGN_OR_RETURN(Json entry, EntryJson(letter));
    out.Push(std::move(entry));
  }
  return out;
}

absl::StatusOr<Json> Answer(const std::string& data_dir, const std::vector<std::string_view>& path) {
  // path: "api", "dead-letters"[, source[, id]]
  if (path.size() == 2) {
    Json all = Json::Object();
    for (const char* source : kSources) {
      VIGIL_ASSIGN_OR_RETURN(Json listing, Listing(*StoreOf(data_dir, source)));
      all.Set(source, std::move(listing));
    }
    return all;
  }
  std::unique_ptr<mllp::DeadLetterStore> store = StoreOf(data_dir, path[2]);
  if (!store || path.size() > 4) {
    return HttpError(404, "not-found", "unknown dead-letter source (hl7v2, mqtt) or path");
  }
  if (path.size() == 3) return Listing(*store);
  VIGIL_ASSIGN_OR_RETURN(mllp::DeadLetter letter, store->Read(path[3]));
  VIGIL_ASSIGN_OR_RETURN(std::string message, store->ReadMessage(path[3]));
  VIGIL_ASSIGN_OR_RETURN(Json entry, EntryJson(letter));
  entry.Set("message", Json::String(std::move(message)));
  return entry;
}

}  // namespace

absl::Status AddDeadLetterRoutes(ServeContext& ctx, server::Router& router) {
  router.Add("/api/dead-letters", Guarded(ctx, [data_dir = ctx.data_dir](const server::HttpRequest& request,
                                                                         const auth::AccessToken* token) {
    if (request.method != "GET") {
      return server::ErrorResponse(HttpError(405, "not-supported", "dead letters are read-only here"));
    }
    if (token != nullptr && !token->scopes.HasRole(auth::kAdmin)) {
      return server::ErrorResponse(
          HttpError(403, "forbidden", "reading dead letters needs the vigil/admin scope"));
    }
    absl::StatusOr<Json> answer = Answer(data_dir, server::PathSegments(request.path));
    if (!answer.ok()) return server::ErrorResponse(answer.status());
    return JsonResponse(200, fhir::WriteJson(*answer, true));
  }));
  return absl::OkStatus();
}

}  // namespace vigil::app
