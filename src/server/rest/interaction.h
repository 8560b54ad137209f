// Which FHIR RESTful interaction a request is, from its method and path
// alone (before routing, so refused requests are classified too): the
// restful-interaction code and the AuditEvent action. Used by the audit trail
// (audit_facts.cc) and the per-interaction metrics (metrics/).
//
// Thread-safety: pure function.
#pragma once

#include <string_view>

namespace vigil::server {

struct InteractionKind {
  const char* code;  // read, vread, update, patch, delete, history-instance, history-type,
                     // history-system, create, search-type, search-system, capabilities,
                     // transaction, operation
  char action;       // AuditEvent.action: C, R, U, D or E
};

// path: the decoded request path; base_path: the FHIR base ("/fhir"). A path
// outside base_path is classified as if it were the base itself.
InteractionKind ClassifyInteraction(std::string_view method, std::string_view path,
                                    std::string_view base_path);

}  // namespace vigil::server
