// What the audit trail records about one HTTP request to `vigil serve`: the
// interaction (from method and path, so requests refused before parsing, such
// as a 401, are classified too), who (the verified token's client, subject and
// patient context; the peer address), what (the references touched, the search
// query) and the outcome (the HTTP status). A request outside base_path (one
// of Vigil's own APIs: /api/sql, /cds-services, /api/ward...) has no FHIR
// interaction: action from its method, the path and query as the entity.
//
// Never copied: headers (the Authorization bearer token), bodies, and an
// access_token query parameter (RFC 6750 §2.3), which is cut from the query.
//
// Thread-safety: pure function.
#pragma once

#include <string_view>

#include "audit/audit_event.h"
#include "auth/token_verifier.h"
#include "server/http/http_server.h"

namespace vigil::server {

// token: null without authentication or before it succeeded.
audit::AuditFacts DescribeForAudit(const HttpRequest& request, std::string_view base_path,
                                   const HttpResponse& response, const auth::AccessToken* token);

}  // namespace vigil::server
