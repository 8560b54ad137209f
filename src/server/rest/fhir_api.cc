// Routing and the request/response edges of the FHIR API. The interactions
// themselves live in interactions_read.cc and interactions_write.cc; Bundles in
// bundle_processor.cc; the CapabilityStatement in capabilities.cc.
#include "server/rest/fhir_api.h"

#include <cstdio>

#include "base/status.h"
#include "base/str.h"
#include "fhir/model.h"
#include "server/http/url.h"
#include "search/compartments.h"
#include "server/rest/access_control.h"
#include "server/rest/audit_facts.h"
#include "server/rest/bundle_processor.h"
#include "server/rest/export.h"
#include "server/rest/outcome.h"
#include "server/rest/patient_compartment.h"
#include "server/rest/response.h"

namespace vigil::server {
namespace {

absl::Status MethodNotAllowed(const FhirRequest& request) {
  std::string path;
  for (const std::string& s : request.segments) path += "/" + s;
  return HttpError(405, "not-supported",
                   StrCat(request.method, " is not supported on ", path.empty() ? "/" : path));
}

// Stored JSON re-printed with indentation (for _pretty=true).
std::string PrettyJson(const std::string& json) {
  absl::StatusOr<fhir::Json> parsed = fhir::ParseJson(json);
  return parsed.ok() ? fhir::WriteJson(*parsed, true) : json;
}

bool IsWrite(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

}  // namespace

bool IsResourceType(std::string_view name) {
  const fhir::TypeInfo* type = fhir::FindType(name);
  return type != nullptr && type->kind == fhir::TypeKind::kResource && !type->is_abstract;
}

FhirApi::FhirApi(store::Store& store, const search::Registry& registry, FhirApiOptions options)
    : store_(store),
      registry_(registry),
      options_(std::move(options)),
      writes_(registry, options_.write) {
  options_.search.base_url = options_.base_url;
  if (!options_.export_dir.empty()) {
    ExportOptions exports;
    exports.dir = options_.export_dir;
    exports.base_url = options_.base_url;
    exports.now_ms = [this] { return writes_.Now(); };
    exports_ = std::make_unique<ExportManager>(store_, std::move(exports));
  }
}

FhirApi::~FhirApi() { Stop(); }

void FhirApi::Stop() {
  if (exports_) exports_->Stop();
}

HttpResponse FhirApi::Handle(const HttpRequest& request) const {
  // Every request answered here is audited, refused ones (401/403) included.
  std::shared_ptr<const auth::AccessToken> token;
  HttpResponse response;
  try {
    response = HandleWithoutAudit(request, &token);
  } catch (...) {  // the HTTP server answers 500
    response.status = 500;
    if (options_.audit) {
      options_.audit(DescribeForAudit(request, options_.base_path, response, token.get()));
    }
    throw;
  }
  if (options_.audit) {
    options_.audit(DescribeForAudit(request, options_.base_path, response, token.get()));
  }
  return response;
}

HttpResponse FhirApi::HandleWithoutAudit(const HttpRequest& request,
                                         std::shared_ptr<const auth::AccessToken>* token) const {
  absl::StatusOr<HttpResponse> response = HandleOrError(request, token);
  if (response.ok()) return *std::move(response);
  if (HttpStatusOf(response.status()) >= 500) {
    // Our failure: the detail goes to the log (never request bodies), the client
    // gets a generic OperationOutcome.
    std::fprintf(stderr, "vigil: %s %s failed: %s\n", request.method.c_str(),
                 request.path.c_str(), std::string(Message(response.status())).c_str());
  }
  HttpResponse error = ErrorResponse(response.status());
  AddChallenge(response.status(), &error);
  return error;
}

absl::StatusOr<HttpResponse> FhirApi::HandleOrError(
    const HttpRequest& http, std::shared_ptr<const auth::AccessToken>* verified) const {
  if (std::optional<HttpResponse> smart = SmartConfiguration(http)) return *std::move(smart);
  // Authentication: before anything else reads the request.
  VIGIL_ASSIGN_OR_RETURN(std::shared_ptr<const auth::AccessToken> token, Authenticate(http));
  *verified = token;
  if (http.path.find("/$export-file/") != std::string::npos && !http.Header("accept").empty()) {
    // Bulk clients ask for the NDJSON files with Accept: application/fhir+ndjson,
    // which the JSON-only content negotiation would refuse (406).
    HttpRequest without_accept = http;
    std::erase_if(without_accept.headers, [](const auto& h) { return h.first == "accept"; });
    return HandleOrError(without_accept, verified);
  }
  VIGIL_ASSIGN_OR_RETURN(FhirRequest request, ParseFhirRequest(http, options_.base_path));
  request.token = std::move(token);
  if (ExportManager::Handles(request.segments)) return Export(request);
  if (request.segments.empty() && request.method == "POST") {
    // Entries are authorized and confined one by one, each as its own
    // interaction (Dispatch, BundleProcessor).
    if (options_.verifier && !request.token) {
      return HttpError(401, "login", "a Bearer access token is required");
    }
    VIGIL_ASSIGN_OR_RETURN(fhir::Json bundle, ParseRequestBody(request));
    BundleProcessor processor(*this, request);
    VIGIL_ASSIGN_OR_RETURN(std::string body, processor.Run(std::move(bundle)));
    return FhirResponse(200, std::move(body));
  }
  VIGIL_ASSIGN_OR_RETURN(InteractionResult result, Dispatch(request, std::nullopt, nullptr));
  return ToHttpResponse(request, result);
}

absl::StatusOr<InteractionResult> FhirApi::Dispatch(const FhirRequest& request,
                                                    std::optional<fhir::Json> body,
                                                    store::WriteTxn* txn) const {
  const std::vector<std::string>& s = request.segments;
  if (s.empty()) return MethodNotAllowed(request);
  bool search_post = request.method == "POST" && s.size() == 2 && s[1] == "_search";
  if (!IsWrite(request.method) || search_post || s[0] == "metadata" || s[0] == "_history") {
    store::Reader& reader = txn ? static_cast<store::Reader&>(*txn) : store_;
    return DispatchRead(reader, request);
  }
  if (!IsResourceType(s[0])) {
    return HttpError(404, "not-supported", StrCat("unknown resource type '", s[0], "'"));
  }
  // Writes: in the caller's transaction, or in a new one committed here.
  std::optional<absl::StatusOr<fhir::Json>> resource;
  if (body) {
    resource = *std::move(body);
  } else if (request.method == "POST" || request.method == "PUT") {
    resource = ParseRequestBody(request);  // its errors are reported where they were
  }
  if (txn != nullptr) return DispatchWrite(*txn, request, std::move(resource));
  // A plain update's rows are indexed before the writer lock, like a Bundle's
  // (an indexing error shows again when the update indexes afresh).
  std::optional<persist::PreparedIndex> prepared;
  std::optional<FhirRequest> with_rows;
  if (request.method == "PUT" && s.size() == 2 && resource && resource->ok()) {
    absl::StatusOr<persist::PreparedIndex> rows = writes_.PrepareIndex(**resource, s[1]);
    if (rows.ok()) {
      prepared = *std::move(rows);
      with_rows = request;
      with_rows->prepared_index = &*prepared;
    }
  }
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> own, store_.BeginWrite());
  VIGIL_ASSIGN_OR_RETURN(
      InteractionResult result,
      DispatchWrite(*own, with_rows ? *with_rows : request, std::move(resource)));
  VIGIL_RETURN_IF_ERROR(own->Commit());
  return result;
}

absl::StatusOr<InteractionResult> FhirApi::DispatchRead(store::Reader& reader,
                                                        const FhirRequest& request) const {
  using auth::Interaction;
  const std::vector<std::string>& s = request.segments;
  const std::string& method = request.method;
  if (s[0] == "metadata" && s.size() == 1) {
    if (method != "GET") return MethodNotAllowed(request);
    return Capabilities();
  }
  if (s[0] == "_history" && s.size() == 1) {
    if (method != "GET") return MethodNotAllowed(request);
    VIGIL_ASSIGN_OR_RETURN(TypeFilter server, Allow(request, Interaction::kHistorySystem, "*"));
    if (server.unrestricted()) return History(request, "", "", {});
    // Each version as a version of its type's history (s on the type).
    AccessFilter access = AccessOf(request);
    return History(request, "", "", [&](const store::StoredResource& v) -> absl::StatusOr<bool> {
      absl::StatusOr<TypeFilter> filter = access.For(Interaction::kHistoryType, v.type);
      if (!filter.ok()) return false;
      return VersionVisible(reader, *filter, v);
    });
  }
  const std::string& type = s[0];
  if (!IsResourceType(type)) {
    return HttpError(404, "not-supported", StrCat("unknown resource type '", type, "'"));
  }
  bool search_post = method == "POST" && s.size() == 2 && s[1] == "_search";
  if (method != "GET" && method != "HEAD" && !search_post) return MethodNotAllowed(request);
  if (s.size() == 1) {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, Interaction::kSearch, type));
    return Search(reader, request, type, request.params, filter);
  }
  if (search_post) {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, Interaction::kSearch, type));
    if (!request.content_type.empty() &&
        request.content_type != "application/x-www-form-urlencoded") {
      return HttpError(415, "not-supported",
                       "POST _search needs application/x-www-form-urlencoded parameters");
    }
    Params params = request.params;
    for (auto& param : ParseQueryString(request.body)) params.push_back(std::move(param));
    return Search(reader, request, type, params, filter);
  }
  if (s.size() == 2 && s[1] == "_history") {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, Interaction::kHistoryType, type));
    if (filter.unrestricted()) return History(request, type, "", {});
    if (filter.patient()) {  // 403 for types outside the compartment, as for a search
      VIGIL_RETURN_IF_ERROR(PatientClause(type, *filter.patient()).status());
    }
    return History(request, type, "", [&](const store::StoredResource& v) {
      return VersionVisible(reader, filter, v);
    });
  }
  // An id never starts with '$' ([A-Za-z0-9\-.]): "Patient/$lastn" is an operation.
  // Instance interactions run Confined to what the token may see.
  if (s.size() == 2 && !s[1].starts_with('$')) {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, Interaction::kRead, type));
    return Confined(reader, filter, type, s[1], StrCat(type, "/", s[1], " is not known"),
                    [&] { return Read(reader, request, type, s[1]); });
  }
  if (s.size() == 3 && s[2] == "_history") {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, Interaction::kHistoryInstance, type));
    return Confined(reader, filter, type, s[1], StrCat(type, "/", s[1], " is not known"),
                    [&] { return History(request, type, s[1], {}); });
  }
  if (s.size() == 4 && s[2] == "_history") {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, Interaction::kVRead, type));
    return Confined(reader, filter, type, s[1], StrCat(type, "/", s[1], " has no version ", s[3]),
                    [&] { return VRead(reader, type, s[1], s[3]); });
  }
  if (type == "Patient" && s.back() == "$everything" && s.size() <= 3) {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, Interaction::kOperation, "Patient"));
    if (s.size() == 2 && !filter.patient()) {
      return HttpError(501, "not-supported",
                       "Patient/$everything for every patient is not supported; use "
                       "Patient/[id]/$everything");
    }
    // A patient-context token: only its own patient; others as if missing.
    const std::string& id = s.size() == 3 ? s[1] : *filter.patient();
    if (filter.patient() && id != *filter.patient()) {
      return HttpError(404, "not-found", StrCat("Patient/", id, " is not known"));
    }
    return Everything(reader, request, id, AccessOf(request));
  }
  if (s.size() == 3 && IsResourceType(s[2]) && search::IsCompartmentType(type)) {
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter, Allow(request, Interaction::kSearch, s[2]));
    return CompartmentSearch(reader, request, type, s[1], s[2], filter);
  }
  if (s.size() >= 2 && (s.back().starts_with('$'))) {
    return HttpError(501, "not-supported", StrCat("operation ", s.back(), " is not supported yet"));
  }
  return HttpError(404, "not-found", "no such FHIR endpoint");
}

absl::StatusOr<InteractionResult> FhirApi::DispatchWrite(
    store::WriteTxn& t, const FhirRequest& request,
    std::optional<absl::StatusOr<fhir::Json>> body) const {
  using auth::Interaction;
  const std::vector<std::string>& s = request.segments;
  const std::string& method = request.method;
  const std::string& type = s[0];
  if (method == "PATCH") {
    if (s.size() != 2) return MethodNotAllowed(request);
    VIGIL_ASSIGN_OR_RETURN(TypeFilter write, Allow(request, Interaction::kPatch, type));
    return Patch(t, request, type, s[1], write);
  }
  if (method == "DELETE") {
    if (s.size() > 2) return MethodNotAllowed(request);
    VIGIL_ASSIGN_OR_RETURN(TypeFilter write, Allow(request, Interaction::kDelete, type));
    if (s.size() == 2) return Delete(t, request, type, s[1], write);
    VIGIL_ASSIGN_OR_RETURN(
        SearchConfinement conditional,
        ConditionalConfinement(request, type, {Interaction::kSearch, Interaction::kDelete}));
    return ConditionalDelete(t, request, type, write, conditional);
  }
  if (s.size() > 2 || (method == "POST" && s.size() != 1)) return MethodNotAllowed(request);
  Interaction interaction = method == "POST" ? Interaction::kCreate : Interaction::kUpdate;
  VIGIL_ASSIGN_OR_RETURN(TypeFilter write, Allow(request, interaction, type));
  // Conditional interactions search; a conditional create may answer with the match.
  SearchConfinement conditional;
  if (s.size() == 1 && method == "PUT") {
    VIGIL_ASSIGN_OR_RETURN(conditional, ConditionalConfinement(request, type, {Interaction::kSearch,
                                                                           Interaction::kUpdate}));
  } else if (method == "POST" && !request.if_none_exist.empty()) {
    VIGIL_ASSIGN_OR_RETURN(conditional, ConditionalConfinement(request, type, {Interaction::kSearch,
                                                                           Interaction::kRead}));
  }
  if (!body) return HttpError(400, "required", StrCat(method, " needs a resource"));
  VIGIL_RETURN_IF_ERROR(body->status());
  fhir::Json resource = **std::move(body);
  if (method == "POST") return Create(t, request, type, std::move(resource), write, conditional);
  if (s.size() == 1) {
    return ConditionalUpdate(t, request, type, std::move(resource), write, conditional);
  }
  return Update(t, request, type, s[1], std::move(resource), write);
}

absl::StatusOr<fhir::Json> FhirApi::ParseRequestBody(const FhirRequest& request) const {
  const std::string& type = request.content_type;
  if (!type.empty() && type != "application/fhir+json" && type != "application/json" &&
      type != "application/json+fhir") {
    return HttpError(415, "not-supported",
                     StrCat("Content-Type '", type, "' is not supported; send application/fhir+json"));
  }
  if (request.body.empty()) return HttpError(400, "required", "the request needs a resource body");
  // A resource route's type is checked before the content is validated.
  bool typed = !request.segments.empty() && IsResourceType(request.segments[0]);
  return writes_.ParseBody(request.body, typed ? request.segments[0] : "");
}

std::string FhirApi::ResourceUrl(const store::StoredResource& resource) const {
  return StrCat(options_.base_url, "/", resource.type, "/", resource.id);
}

HttpResponse FhirApi::ToHttpResponse(const FhirRequest& request,
                                     const InteractionResult& result) const {
  HttpResponse response;
  if (!result.body.empty()) {
    response = FhirResponse(result.status, result.body);
  } else if (!result.resource) {
    response.status = result.status;
  } else if (IsWrite(request.method) && request.prefer_return == PreferReturn::kMinimal) {
    response.status = result.status;
  } else if (IsWrite(request.method) &&
             request.prefer_return == PreferReturn::kOperationOutcome) {
    OutcomeIssue issue{"information", "informational",
                       StrCat(result.resource->type, "/", result.resource->id, " version ",
                              result.resource->version, result.resource->deleted ? " deleted" : " saved"),
                       ""};
    response = FhirResponse(result.status == 204 ? 200 : result.status, OperationOutcome({issue}),
                            request.pretty);
  } else if (result.resource->deleted) {
    response.status = result.status;
  } else {
    response = FhirResponse(result.status, request.pretty ? PrettyJson(result.resource->json)
                                                          : result.resource->json);
  }
  if (result.resource) {
    std::string location = result.location ? StrCat(ResourceUrl(*result.resource), "/_history/",
                                                    result.resource->version)
                                           : "";
    AddVersionHeaders(*result.resource, location, &response);
  }
  return response;
}

}  // namespace vigil::server
