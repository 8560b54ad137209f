#include "server/rest/audit_facts.h"

#include <string>
#include <vector>

#include "base/str.h"
#include "base/time.h"
#include "server/http/url.h"
#include "server/rest/interaction.h"

namespace vigil::server {
namespace {

// The query without any access_token parameter.
std::string AuditableQuery(std::string_view query) {
  std::string out;
  for (std::string_view rest = query; !rest.empty();) {
    size_t amp = rest.find('&');
    std::string_view param = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (param.starts_with("access_token=") || param == "access_token") continue;
    if (!out.empty()) out += '&';
    out += param;
  }
  return out;
}

// "Patient/1" from a Location "http://host/fhir/Patient/1/_history/2".
std::string LocationReference(const HttpResponse& response, std::string_view base_path) {
  for (const auto& [name, value] : response.headers) {
    if (name != "Location" && name != "location") continue;
    size_t at = value.find(StrCat(base_path, "/"));
    if (at != std::string::npos) return value.substr(at + base_path.size() + 1);
  }
  return "";
}

void AddEntities(const std::vector<std::string_view>& s, const InteractionKind& what,
                 const HttpRequest& request, std::string_view base_path,
                 const HttpResponse& response, audit::AuditFacts* f) {
  std::string_view subtype = what.code;
  if (subtype == "create" || ((subtype == "update" || subtype == "patch") && s.size() == 1)) {
    if (std::string ref = LocationReference(response, base_path); !ref.empty()) {
      f->entities.push_back(ref);
    }
  } else if (s.size() >= 2 && !s[1].starts_with("_") && !s[1].starts_with("$")) {
    std::string ref = StrCat(s[0], "/", s[1]);
    if (subtype == "vread") ref += StrCat("/_history/", s[3]);
    f->entities.push_back(ref);
  }
  if (!s.empty() && !s[0].starts_with("$") && s[0] != "metadata") {
    f->resource_type = s.size() >= 3 && subtype == "search-type" ? s[2] : s[0];
  }
  if (subtype.starts_with("search") || subtype == "operation" || s.size() == 1 ||
      subtype.starts_with("history")) {
    f->query = AuditableQuery(request.query);
    if (request.method == "POST" && s.size() == 2 && s[1] == "_search") {
      f->query = AuditableQuery(request.body);  // form-encoded search parameters
    }
    // A record must fit the log's payload limit; a longer query is cut (noted).
    constexpr size_t kMaxQuery = 64 << 10;
    if (f->query.size() > kMaxQuery) f->query = f->query.substr(0, kMaxQuery) + "...(cut)";
  }
}

// The AuditEvent.action of a request to a non-FHIR API, from its method.
char ApiAction(std::string_view method) {
  if (method == "GET" || method == "HEAD") return 'R';
  if (method == "PUT" || method == "PATCH") return 'U';
  if (method == "DELETE") return 'D';
  return 'E';
}

}  // namespace

audit::AuditFacts DescribeForAudit(const HttpRequest& request, std::string_view base_path,
                                   const HttpResponse& response, const auth::AccessToken* token) {
  const bool fhir = request.path == base_path || request.path.starts_with(StrCat(base_path, "/"));
  std::vector<std::string_view> s;
  if (fhir) s = PathSegments(std::string_view(request.path).substr(base_path.size()));
  InteractionKind what = fhir ? ClassifyInteraction(request.method, request.path, base_path)
                              : InteractionKind{"", ApiAction(request.method)};
  audit::AuditFacts f;
  f.subtype = what.code;
  f.action = what.action;
  f.time_ms = NowMs();
  f.status = response.status;
  f.outcome_desc = StrCat(request.method, " ", response.status);
  f.method = request.method;
  f.address = request.remote_address;
  if (token != nullptr) {
    f.client_id = token->claims.client_id;
    f.subject = token->claims.subject;
    f.issuer = token->claims.issuer;
    f.patient = token->claims.patient;
  }
  if (!fhir) {
    f.api_path = request.path;
    f.query = AuditableQuery(request.query);
    return f;
  }
  AddEntities(s, what, request, base_path, response, &f);
  return f;
}

}  // namespace vigil::server
