// create, update, delete and their conditional forms (FHIR R4 http page,
// sections 3.1.0.4 - 3.1.0.8).
#include "base/status.h"
#include "base/str.h"
#include "fhir/json_patch.h"
#include "server/rest/fhir_api.h"
#include "server/http/url.h"
#include "server/rest/outcome.h"

namespace vigil::server {
namespace {

InteractionResult Written(persist::WriteResult write, bool location) {
  InteractionResult result;
  result.status = write.created ? 201 : 200;
  result.location = location;
  result.resource = std::move(write.stored);
  return result;
}

absl::Status MultipleMatches(std::string_view what, std::string_view type) {
  return HttpError(412, "multiple-matches",
                   StrCat(what, ": the criteria match more than one ", type,
                          "; make them more selective"));
}

}  // namespace

absl::StatusOr<InteractionResult> FhirApi::Create(store::WriteTxn& txn, const FhirRequest& request,
                                                  const std::string& type, fhir::Json resource,
                                                  const TypeFilter& write,
                                                  const SearchConfinement& conditional) const {
  const fhir::Json* resource_type = resource.Find("resourceType");
  if (resource_type->text() != type) {
    return HttpError(400, "invalid", StrCat("resourceType '", resource_type->text(),
                                            "' does not match the URL's type '", type, "'"));
  }
  if (!request.if_none_exist.empty()) {
    std::string_view query = request.if_none_exist;
    if (size_t q = query.find('?'); q != std::string_view::npos) query.remove_prefix(q + 1);
    VIGIL_ASSIGN_OR_RETURN(auto matches,
                           FindConditional(txn, registry_, type, ParseQueryString(query),
                                           writes_.Now(), conditional));
    if (matches.size() > 1) return MultipleMatches("conditional create", type);
    if (matches.size() == 1) {
      InteractionResult result;  // nothing written: the existing resource is the answer
      result.status = 200;
      result.resource = std::move(matches[0]);
      return result;
    }
  }
  // The server assigns the id of a created resource; one in the body is ignored.
  VIGIL_ASSIGN_OR_RETURN(persist::WriteResult created, writes_.Create(txn, std::move(resource)));
  VIGIL_RETURN_IF_ERROR(CheckWritten(write, created.stored));
  return Written(std::move(created), true);
}

absl::StatusOr<InteractionResult> FhirApi::Update(store::WriteTxn& txn, const FhirRequest& request,
                                                  const std::string& type, const std::string& id,
                                                  fhir::Json resource,
                                                  const TypeFilter& write) const {
  VIGIL_RETURN_IF_ERROR(CheckWritable(txn, write, type, id));
  VIGIL_ASSIGN_OR_RETURN(
      persist::WriteResult updated,
      writes_.Update(txn, type, id, std::move(resource), request.if_match, request.prepared_index));
  VIGIL_RETURN_IF_ERROR(CheckWritten(write, updated.stored));
  bool created = updated.created;
  return Written(std::move(updated), created);
}

absl::StatusOr<InteractionResult> FhirApi::ConditionalUpdate(store::WriteTxn& txn,
                                                             const FhirRequest& request,
                                                             const std::string& type,
                                                             fhir::Json resource,
                                                             const TypeFilter& write,
                                                             const SearchConfinement& conditional) const {
  if (request.params.empty()) {
    return HttpError(405, "not-supported", "PUT on a type needs search criteria (conditional update)");
  }
  VIGIL_ASSIGN_OR_RETURN(auto matches, FindConditional(txn, registry_, type, request.params,
                                                       writes_.Now(), conditional));
  if (matches.size() > 1) return MultipleMatches("conditional update", type);
  const fhir::Json* body_id = resource.Find("id");
  std::string id;
  if (matches.size() == 1) {
    id = matches[0].id;
    if (body_id != nullptr && body_id->text() != id) {
      return HttpError(400, "invalid", StrCat("id '", body_id->text(), "' in the body is not the id ",
                                              id, " of the matching resource"));
    }
  } else {
    id = body_id != nullptr && body_id->is_string() ? body_id->text() : writes_.NewId();
  }
  resource.Set("id", fhir::Json::String(id));
  return Update(txn, request, type, id, std::move(resource), write);
}

// JSON Patch (RFC 6902) of the current version; the result must still be a
// valid resource with the same type and id.
absl::StatusOr<InteractionResult> FhirApi::Patch(store::WriteTxn& txn, const FhirRequest& request,
                                                 const std::string& type, const std::string& id,
                                                 const TypeFilter& write) const {
  if (request.content_type != "application/json-patch+json") {
    return HttpError(415, "not-supported",
                     "PATCH needs Content-Type application/json-patch+json (FHIRPath Patch and XML "
                     "Patch are not supported)");
  }
  absl::StatusOr<fhir::Json> patch = fhir::ParseJson(request.body);
  if (!patch.ok()) return HttpError(400, "structure", Message(patch.status()));
  VIGIL_RETURN_IF_ERROR(CheckWritable(txn, write, type, id));
  VIGIL_ASSIGN_OR_RETURN(auto current, txn.Read(type, id));
  if (!current) return HttpError(404, "not-found", StrCat(type, "/", id, " is not known"));
  if (current->deleted) return HttpError(410, "deleted", StrCat(type, "/", id, " was deleted"));
  VIGIL_ASSIGN_OR_RETURN(fhir::Json resource, fhir::ParseJson(current->json));
  if (absl::Status applied = fhir::ApplyJsonPatch(*patch, resource); !applied.ok()) {
    return applied.code() == absl::StatusCode::kFailedPrecondition
               ? HttpError(409, "conflict", Message(applied))
               : HttpError(422, "processing", Message(applied));
  }
  VIGIL_RETURN_IF_ERROR(writes_.Check(resource));
  return Update(txn, request, type, id, std::move(resource), write);
}

absl::StatusOr<InteractionResult> FhirApi::Delete(store::WriteTxn& txn, const FhirRequest& request,
                                                  const std::string& type, const std::string& id,
                                                  const TypeFilter& write) const {
  VIGIL_RETURN_IF_ERROR(CheckWritable(txn, write, type, id));
  VIGIL_ASSIGN_OR_RETURN(auto deleted, writes_.Delete(txn, type, id, request.if_match));
  InteractionResult result;
  result.status = 204;
  if (deleted) result.resource = std::move(deleted->stored);
  return result;
}

absl::StatusOr<InteractionResult> FhirApi::ConditionalDelete(store::WriteTxn& txn,
                                                             const FhirRequest& request,
                                                             const std::string& type,
                                                             const TypeFilter& write,
                                                             const SearchConfinement& conditional) const {
  if (request.params.empty()) {
    return HttpError(405, "not-supported", "DELETE on a type needs search criteria");
  }
  VIGIL_ASSIGN_OR_RETURN(auto matches, FindConditional(txn, registry_, type, request.params,
                                                       writes_.Now(), conditional));
  if (matches.size() > 1) return MultipleMatches("conditional delete", type);
  if (matches.empty()) {
    InteractionResult result;
    result.status = 204;
    return result;
  }
  return Delete(txn, request, type, matches[0].id, write);
}

}  // namespace vigil::server
