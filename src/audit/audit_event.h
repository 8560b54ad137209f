// What one FHIR interaction's audit record says, and its R4 AuditEvent JSON.
//
// The server fills AuditFacts (server/rest/audit_facts.cc); this layer knows
// nothing of HTTP. Only the fields below reach the log: never headers, bodies
// or tokens.
//
//   AuditFacts f;
//   f.subtype = "read"; f.action = 'R'; f.status = 200; f.entities = {"Patient/1"};
//   std::string json = AuditEventJson(f);   // {"resourceType":"AuditEvent",...}
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::audit {

struct AuditFacts {
  // restful-interaction code: read, vread, update, patch, delete,
  // history-instance, history-type, history-system, create, search-type,
  // search-system, capabilities, transaction, batch, operation; "" if unknown.
  std::string subtype;
  char action = 'E';                  // C, R, U, D or E (AuditEvent.action)
  int64_t time_ms = 0;                // when the response was produced
  int status = 200;                   // the HTTP status answered
  std::string outcome_desc;           // short, e.g. "404 Not Found"; no patient data
  std::string method;                 // "GET"
  std::string client_id;              // the token's client_id ("" without a token)
  std::string subject;                // the token's sub
  std::string issuer;                 // the token's iss
  std::string patient;                // the token's patient launch context
  std::string address;                // the peer IP
  std::vector<std::string> entities;  // references touched: "Patient/1/_history/2"
  std::string query;                  // search parameters (raw query string), "" if none
  std::string resource_type;          // for type-level interactions: "Observation"
  // A request to one of Vigil's own APIs outside FHIR ("/api/sql", "/cds-services/x"):
  // subtype is "" then, and the path names the query entity.
  std::string api_path;
  std::string site;                   // this server's base URL (source.site)
};

// R4 AuditEvent outcome code for an HTTP status: 0, 4 (4xx) or 8 (5xx).
const char* OutcomeCode(int http_status);

// The AuditEvent resource as compact JSON (one line).
std::string AuditEventJson(const AuditFacts& facts);
// The same with source.site = site instead of facts.site (no copy of the facts).
std::string AuditEventJson(const AuditFacts& facts, std::string_view site);

}  // namespace vigil::audit
