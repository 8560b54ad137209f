// AuditEventJson writes the JSON text directly (no fhir::Json tree): it runs
// once per request on the request's thread, so it is kept cheap.
#include "audit/audit_event.h"

#include <openssl/evp.h>

#include "base/time.h"
#include "fhir/json.h"

namespace vigil::audit {
namespace {

constexpr char kEntityType[] = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
constexpr char kObjectRole[] = "http://terminology.hl7.org/CodeSystem/object-role";

std::string Base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Appends "name":"value" (value escaped), preceded by a comma unless first.
void Member(std::string_view name, std::string_view value, std::string* out) {
  if (out->back() != '{' && out->back() != '[') *out += ',';
  *out += '"';
  *out += name;
  *out += "\":";
  fhir::AppendJsonString(value, out);
}

// Appends "name":{"system":..,"code":..}.
void Coding(std::string_view name, std::string_view system, std::string_view code,
            std::string* out) {
  if (out->back() != '{' && out->back() != '[') *out += ',';
  if (!name.empty()) {
    *out += '"';
    *out += name;
    *out += "\":";
  }
  *out += '{';
  Member("system", system, out);
  Member("code", code, out);
  *out += '}';
}

void Agent(const AuditFacts& f, std::string* out) {
  *out += ",\"agent\":[{\"who\":{";
  if (f.client_id.empty() && f.subject.empty()) {
    Member("display", "anonymous (no verified token)", out);
  } else {
    *out += "\"identifier\":{";
    if (!f.issuer.empty()) Member("system", f.issuer, out);
    Member("value", f.client_id.empty() ? f.subject : f.client_id, out);
    *out += '}';
  }
  *out += '}';
  if (!f.subject.empty()) Member("altId", f.subject, out);
  *out += ",\"requestor\":true";
  if (!f.address.empty()) {
    *out += ",\"network\":{";
    Member("address", f.address, out);
    Member("type", "2", out);  // IP address
    *out += '}';
  }
  *out += "}]";
}

void Source(std::string_view site, std::string* out) {
  *out += ",\"source\":{";
  if (!site.empty()) Member("site", site, out);
  if (out->back() != '{') *out += ',';
  *out += "\"observer\":{\"display\":\"Vigil FHIR server\"},\"type\":[";
  Coding("", "http://terminology.hl7.org/CodeSystem/security-source-type", "3", out);  // Web Server
  *out += "]}";
}

void Entity(std::string_view reference, std::string_view role, std::string* out) {
  if (out->back() != '[') *out += ',';
  *out += "{\"what\":{";
  Member("reference", reference, out);
  *out += '}';
  Coding("type", kEntityType, "2", out);
  Coding("role", kObjectRole, role, out);
  *out += '}';
}

void Entities(const AuditFacts& f, std::string* out) {
  if (f.entities.empty() && f.query.empty() && f.patient.empty() && f.api_path.empty()) return;
  *out += ",\"entity\":[";
  for (const std::string& ref : f.entities) Entity(ref, "4", out);  // Domain Resource
  if (!f.query.empty() || !f.api_path.empty()) {
    if (out->back() != '[') *out += ',';
    *out += '{';
    Coding("type", kEntityType, "2", out);
    Coding("role", kObjectRole, "24", out);  // Query
    std::string_view name = f.api_path.empty() ? f.resource_type : f.api_path;
    if (!name.empty()) Member("name", name, out);
    if (!f.query.empty()) Member("query", Base64(f.query), out);
    *out += '}';
  }
  if (!f.patient.empty()) Entity("Patient/" + f.patient, "1", out);  // Patient
  *out += ']';
}

}  // namespace

const char* OutcomeCode(int http_status) {
  if (http_status >= 500) return "8";
  if (http_status >= 400) return "4";
  return "0";
}

std::string AuditEventJson(const AuditFacts& f) { return AuditEventJson(f, f.site); }

std::string AuditEventJson(const AuditFacts& f, std::string_view site) {
  std::string out;
  out.reserve(768 + f.query.size() * 4 / 3);
  out += "{\"resourceType\":\"AuditEvent\"";
  Coding("type", "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", &out);
  if (!f.subtype.empty()) {
    out += ",\"subtype\":[";
    Coding("", "http://hl7.org/fhir/restful-interaction", f.subtype, &out);
    out += ']';
  }
  Member("action", std::string_view(&f.action, 1), &out);
  Member("recorded", FormatInstant(f.time_ms), &out);
  Member("outcome", OutcomeCode(f.status), &out);
  if (!f.outcome_desc.empty()) Member("outcomeDesc", f.outcome_desc, &out);
  Agent(f, &out);
  Source(site, &out);
  Entities(f, &out);
  out += '}';
  return out;
}

}  // namespace vigil::audit
