// GET /metadata: the CapabilityStatement. It is built from what the code does,
// not written by hand: every concrete resource type with the interactions the
// routes table implements, and for each type the search parameters the indexer
// extracts (composite and special ones are left out because they are not
// searchable yet).
#include "base/str.h"
#include "base/time.h"
#include "fhir/model.h"
#include "server/rest/fhir_api.h"

namespace vigil::server {
namespace {

fhir::Json Str(std::string_view s) { return fhir::Json::String(std::string(s)); }

// rest.security under `vigil serve --auth smart` (SMART App Launch 2,
// "Conformance"); with Vigil's own token endpoint, also its URL in the
// oauth-uris extension, for clients that discover it from /metadata.
fhir::Json SmartSecurity(const std::string& token_endpoint) {
  fhir::Json coding = fhir::Json::Object();
  coding.Set("system", Str("http://terminology.hl7.org/CodeSystem/restful-security-service"));
  coding.Set("code", Str("SMART-on-FHIR"));
  fhir::Json service = fhir::Json::Object();
  service.Set("coding", fhir::Json::Array());
  service.Find("coding")->Push(std::move(coding));
  fhir::Json security = fhir::Json::Object();
  security.Set("service", fhir::Json::Array());
  security.Find("service")->Push(std::move(service));
  security.Set("description", Str("Bearer access tokens (JWT) with SMART scopes; see "
                                  ".well-known/smart-configuration"));
  if (!token_endpoint.empty()) {
    fhir::Json token = fhir::Json::Object();
    token.Set("url", Str("token"));
    token.Set("valueUri", Str(token_endpoint));
    fhir::Json uris = fhir::Json::Object();
    uris.Set("url", Str("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"));
    uris.Set("extension", fhir::Json::Array());
    uris.Find("extension")->Push(std::move(token));
    security.Set("extension", fhir::Json::Array());
    security.Find("extension")->Push(std::move(uris));
  }
  return security;
}

fhir::Json Codes(std::initializer_list<std::string_view> codes, std::string_view key) {
  fhir::Json list = fhir::Json::Array();
  for (std::string_view code : codes) {
    fhir::Json item = fhir::Json::Object();
    item.Set(std::string(key), Str(code));
    list.Push(std::move(item));
  }
  return list;
}

fhir::Json Operation(std::string_view name, std::string_view definition) {
  fhir::Json op = fhir::Json::Object();
  op.Set("name", Str(name));
  op.Set("definition", Str(definition));
  return op;
}

// Patient/[id]/$everything (everything.cc) and the Bulk Data kick-offs (export.h).
void AddOperations(std::string_view type, bool exports, fhir::Json* resource) {
  fhir::Json ops = fhir::Json::Array();
  if (type == "Patient") {
    ops.Push(Operation("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything"));
    if (exports) {
      ops.Push(Operation("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"));
    }
  } else if (type == "Group" && exports) {
    ops.Push(Operation("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"));
  }
  if (!ops.items().empty()) resource->Set("operation", std::move(ops));
}

fhir::Json ResourceEntry(const search::Registry& registry, std::string_view type) {
  fhir::Json resource = fhir::Json::Object();
  resource.Set("type", Str(type));
  resource.Set("interaction", Codes({"read", "vread", "update", "delete", "history-instance",
                                     "history-type", "create", "search-type"},
                                    "code"));
  resource.Set("versioning", Str("versioned-update"));
  resource.Set("readHistory", fhir::Json::Bool(true));
  resource.Set("updateCreate", fhir::Json::Bool(true));
  resource.Set("conditionalCreate", fhir::Json::Bool(true));
  resource.Set("conditionalRead", Str("not-supported"));
  resource.Set("conditionalUpdate", fhir::Json::Bool(true));
  resource.Set("conditionalDelete", Str("single"));
  fhir::Json includes = fhir::Json::Array();
  fhir::Json params = fhir::Json::Array();
  for (const search::ParamDef* def : registry.ForType(type)) {
    if (!def->indexed()) continue;
    fhir::Json param = fhir::Json::Object();
    param.Set("name", Str(def->code));
    param.Set("definition", Str(def->url));
    param.Set("type", Str(search::ParamTypeName(def->type)));
    params.Push(std::move(param));
    if (def->type == search::ParamType::kReference) {
      includes.Push(Str(StrCat(type, ":", def->code)));
    }
  }
  if (!includes.items().empty()) resource.Set("searchInclude", std::move(includes));
  resource.Set("searchParam", std::move(params));
  return resource;
}

}  // namespace

InteractionResult FhirApi::Capabilities() const {
  fhir::Json cs = fhir::Json::Object();
  cs.Set("resourceType", Str("CapabilityStatement"));
  cs.Set("status", Str("active"));
  cs.Set("date", Str(FormatInstant(writes_.Now()).substr(0, 10)));
  cs.Set("kind", Str("instance"));
  fhir::Json software = fhir::Json::Object();
  software.Set("name", Str("Vigil"));
  software.Set("version", Str(options_.software_version));
  cs.Set("software", std::move(software));
  fhir::Json implementation = fhir::Json::Object();
  implementation.Set("description", Str("Vigil FHIR R4 server"));
  implementation.Set("url", Str(options_.base_url));
  cs.Set("implementation", std::move(implementation));
  cs.Set("fhirVersion", Str("4.0.1"));
  fhir::Json formats = fhir::Json::Array();
  formats.Push(Str("application/fhir+json"));
  formats.Push(Str("json"));
  cs.Set("format", std::move(formats));
  fhir::Json rest = fhir::Json::Object();
  rest.Set("mode", Str("server"));
  if (options_.verifier) rest.Set("security", SmartSecurity(options_.smart.token_endpoint));
  fhir::Json resources = fhir::Json::Array();
  for (const fhir::TypeInfo& type : fhir::AllTypes()) {
    if (type.kind != fhir::TypeKind::kResource || type.is_abstract) continue;
    resources.Push(ResourceEntry(registry_, type.name));
    AddOperations(type.name, exports_ != nullptr, &resources.items().back());
  }
  rest.Set("resource", std::move(resources));
  rest.Set("interaction", Codes({"transaction", "batch", "history-system"}, "code"));
  if (exports_) {
    fhir::Json ops = fhir::Json::Array();
    ops.Push(Operation("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"));
    rest.Set("operation", std::move(ops));
  }
  cs.Set("rest", fhir::Json::Array());
  cs.Find("rest")->Push(std::move(rest));
  InteractionResult result;
  result.body = fhir::WriteJson(cs);
  return result;
}

}  // namespace vigil::server
