#include "server/rest/bundle_processor.h"

#include <algorithm>
#include <utility>

#include "base/status.h"
#include "base/str.h"
#include "persist/references.h"
#include "server/http/url.h"
#include "server/rest/bundle_writer.h"
#include "server/rest/outcome.h"
#include "server/rest/response.h"

namespace vigil::server {
namespace {

std::string StatusLine(int status) {
  switch (status) {
    case 200: return "200 OK";
    case 201: return "201 Created";
    case 204: return "204 No Content";
    case 304: return "304 Not Modified";
    case 400: return "400 Bad Request";
    case 404: return "404 Not Found";
    case 405: return "405 Method Not Allowed";
    case 409: return "409 Conflict";
    case 410: return "410 Gone";
    case 412: return "412 Precondition Failed";
    case 422: return "422 Unprocessable Entity";
    default: return std::to_string(status);
  }
}

// Processing order for transactions: DELETE, POST, PUT/PATCH, GET/HEAD.
int Rank(std::string_view method) {
  if (method == "DELETE") return 0;
  if (method == "POST") return 1;
  if (method == "PUT" || method == "PATCH") return 2;
  return 3;
}

const std::string* StringMember(const fhir::Json& object, std::string_view name) {
  const fhir::Json* member = object.Find(name);
  return member != nullptr && member->is_string() ? &member->text() : nullptr;
}

// status, located in entry index: the message gets a "Bundle.entry[i]: " prefix
// and attached issues (validation findings) keep their detail, with expressions
// rooted at the Bundle ("Patient.name[0]" becomes "Bundle.entry[2].resource.name[0]").
absl::Status EntryError(size_t index, const absl::Status& status) {
  std::vector<HttpIssue> issues = IssuesOf(status);
  std::string root = StrCat("Bundle.entry[", index, "].resource");
  for (HttpIssue& issue : issues) {
    const std::string& e = issue.expression;
    if (e.empty()) continue;
    if (e[0] < 'A' || e[0] > 'Z') {  // not rooted at a type: "resourceType"
      issue.expression = StrCat(root, ".", e);
      continue;
    }
    size_t type_end = std::min(e.find_first_of(".["), e.size());
    issue.expression = root + e.substr(type_end);
  }
  return HttpError(HttpStatusOf(status), IssueOf(status).code,
                   StrCat("Bundle.entry[", index, "]: ", Message(status)), issues);
}

}  // namespace

absl::StatusOr<std::string> BundleProcessor::Run(fhir::Json bundle) {
  if (bundle.Find("resourceType")->text() != "Bundle") {
    return HttpError(400, "invalid", "POST to the base needs a batch or transaction Bundle");
  }
  const std::string* type = StringMember(bundle, "type");
  if (type == nullptr || (*type != "batch" && *type != "transaction")) {
    return HttpError(400, "invalid", "Bundle.type must be 'batch' or 'transaction'");
  }
  VIGIL_ASSIGN_OR_RETURN(std::vector<Entry> entries, ParseEntries(bundle));
  if (*type == "transaction") return RunTransaction(std::move(entries));
  return RunBatch(std::move(entries));
}

absl::StatusOr<std::vector<BundleProcessor::Entry>> BundleProcessor::ParseEntries(
    fhir::Json& bundle) const {
  std::vector<Entry> entries;
  fhir::Json* list = bundle.Find("entry");
  if (list == nullptr) return entries;
  if (list->items().size() > api_.options_.max_bundle_entries) {
    return HttpError(413, "too-long", StrCat("a Bundle may have at most ",
                                             api_.options_.max_bundle_entries, " entries"));
  }
  for (size_t i = 0; i < list->items().size(); ++i) {
    fhir::Json& item = list->items()[i];
    Entry entry;
    entry.index = i;
    const fhir::Json* request = item.Find("request");
    const std::string* method = request ? StringMember(*request, "method") : nullptr;
    const std::string* url = request ? StringMember(*request, "url") : nullptr;
    if (method == nullptr || url == nullptr) {
      return HttpError(400, "required",
                       StrCat("Bundle.entry[", i, "]: request.method and request.url are required"));
    }
    if (const std::string* full_url = StringMember(item, "fullUrl")) entry.full_url = *full_url;
    std::string_view target = *url;
    if (target.starts_with(api_.options_.base_url)) target.remove_prefix(api_.options_.base_url.size());
    FhirRequest& r = entry.request;
    r.method = *method;
    size_t q = target.find('?');
    HttpRequest http;
    http.path = StrCat(api_.options_.base_path, "/", target.substr(0, q));
    http.query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
    http.method = *method;
    absl::StatusOr<FhirRequest> parsed = ParseFhirRequest(http, api_.options_.base_path);
    if (!parsed.ok()) return EntryError(i, parsed.status());
    r = *std::move(parsed);
    r.prefer_return = outer_.prefer_return;
    r.token = outer_.token;  // each entry is authorized as its own interaction
    if (const std::string* if_match = StringMember(*request, "ifMatch")) {
      r.if_match = ParseVersionTag(*if_match);
      if (!r.if_match) return EntryError(i, HttpError(400, "invalid", "malformed ifMatch"));
    }
    if (const std::string* ine = StringMember(*request, "ifNoneExist")) r.if_none_exist = *ine;
    if (fhir::Json* resource = item.Find("resource")) {
      if (!resource->is_object() || resource->Find("resourceType") == nullptr) {
        return EntryError(i, HttpError(400, "structure", "resource must be a FHIR resource"));
      }
      absl::Status valid = api_.writes_.Check(*resource);
      if (!valid.ok()) return EntryError(i, valid);
      entry.resource = std::move(*resource);
    } else if (r.method == "POST" || r.method == "PUT") {
      return EntryError(i, HttpError(400, "required", StrCat(r.method, " needs a resource")));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

const std::string& BundleProcessor::NewIdFor(Entry& e) const {
  if (e.new_id.empty()) e.new_id = api_.writes_.NewId();
  return e.new_id;
}

absl::Status BundleProcessor::ResolveIdentities(store::Reader& reader, std::vector<Entry>& entries,
                                                Resolution resolution) {
  for (Entry& e : entries) {
    const auto& s = e.request.segments;
    if (s.empty() || !IsResourceType(s[0])) {
      return EntryError(e.index, HttpError(400, "invalid", "request.url must start with a resource type"));
    }
    std::string id;
    if (e.request.method == "POST" && s.size() == 1) {
      if (!e.request.if_none_exist.empty()) {
        // A match answers the entry without Dispatch: authorize what it does
        // here, and search only what the token may search and read.
        absl::StatusOr<TypeFilter> create = api_.Allow(e.request, auth::Interaction::kCreate, s[0]);
        if (!create.ok()) return EntryError(e.index, create.status());
        absl::StatusOr<SearchConfinement> confine = api_.ConditionalConfinement(
            e.request, s[0], {auth::Interaction::kSearch, auth::Interaction::kRead});
        if (!confine.ok()) return EntryError(e.index, confine.status());
        std::string_view query = e.request.if_none_exist;
        if (size_t q = query.find('?'); q != std::string_view::npos) query.remove_prefix(q + 1);
        auto matches = FindConditional(reader, api_.registry_, s[0], ParseQueryString(query),
                                       api_.writes_.Now(), *confine);
        if (!matches.ok()) return EntryError(e.index, matches.status());
        if (matches->size() > 1) {
          return EntryError(e.index, HttpError(412, "multiple-matches", "ifNoneExist matches more than one resource"));
        }
        if (matches->size() == 1) {
          id = (*matches)[0].id;
          e.create_matched = true;
          InteractionResult found;
          found.resource = std::move((*matches)[0]);
          e.result = std::move(found);
        }
      }
      if (id.empty()) id = e.assigned_id = NewIdFor(e);
    } else if (e.request.method == "PUT" && s.size() == 1) {
      // Conditional update: becomes an update of the match, or of a new id.
      if (resolution == Resolution::kGuess && !api_.update_matches_.WorthSearching(s[0])) {
        id = NewIdFor(e);
      } else {
        absl::StatusOr<SearchConfinement> confine = api_.ConditionalConfinement(
            e.request, s[0], {auth::Interaction::kSearch, auth::Interaction::kUpdate});
        if (!confine.ok()) return EntryError(e.index, confine.status());
        auto matches = FindConditional(reader, api_.registry_, s[0], e.request.params,
                                       api_.writes_.Now(), *confine);
        if (!matches.ok()) return EntryError(e.index, matches.status());
        if (matches->size() > 1) {
          return EntryError(e.index,
                            HttpError(412, "multiple-matches",
                                      "conditional update matches more than one resource"));
        }
        if (resolution == Resolution::kTransaction) {
          api_.update_matches_.Record(s[0], matches->size() == 1);
        }
        id = matches->size() == 1 ? (*matches)[0].id : NewIdFor(e);
      }
      e.request.segments.push_back(id);
      e.request.params.clear();
      e.resource->Set("id", fhir::Json::String(id));
    } else if (e.request.method == "PUT" && s.size() == 2) {
      id = s[1];
    }
    if (!id.empty() && !e.full_url.empty()) ids_[e.full_url] = StrCat(s[0], "/", id);
  }
  return absl::OkStatus();
}

absl::Status BundleProcessor::RewriteReferences(store::Reader& reader, fhir::Json& value) {
  return persist::RewriteReferences(
      value, [&](std::string_view ref) -> absl::StatusOr<std::optional<std::string>> {
        if (auto it = ids_.find(ref); it != ids_.end()) return it->second;
        if (ref.starts_with("urn:uuid:") || ref.starts_with("urn:oid:")) {
          return HttpError(400, "invalid",
                           StrCat("reference '", ref, "' names no entry of this Bundle"));
        }
        size_t q = ref.find('?');
        if (q == std::string_view::npos || !IsResourceType(ref.substr(0, q))) return std::nullopt;
        // A conditional reference: it must match exactly one resource.
        std::string type(ref.substr(0, q));
        VIGIL_ASSIGN_OR_RETURN(
            SearchConfinement confine,
            api_.ConditionalConfinement(outer_, type, {auth::Interaction::kSearch}));
        VIGIL_ASSIGN_OR_RETURN(auto matches, FindConditional(reader, api_.registry_, type,
                                                             ParseQueryString(ref.substr(q + 1)),
                                                             api_.writes_.Now(), confine));
        if (matches.size() != 1) {
          return HttpError(412, matches.empty() ? "not-found" : "multiple-matches",
                           StrCat("conditional reference '", ref, "' matches ", matches.size(),
                                  " resources; it must match exactly one"));
        }
        return StrCat(type, "/", matches[0].id);
      });
}

absl::StatusOr<InteractionResult> BundleProcessor::RunEntry(store::WriteTxn* txn, Entry& entry) {
  if (entry.result) return *std::move(entry.result);  // conditional create that matched
  if (!entry.assigned_id.empty()) {
    const auto& type = entry.request.segments[0];
    if (entry.resource->Find("resourceType")->text() != type) {
      return HttpError(400, "invalid", "resourceType does not match request.url");
    }
    VIGIL_ASSIGN_OR_RETURN(TypeFilter filter,
                           api_.Allow(entry.request, auth::Interaction::kCreate, type));
    VIGIL_ASSIGN_OR_RETURN(persist::WriteResult write,
                           api_.writes_.Create(*txn, *std::move(entry.resource), entry.assigned_id,
                                               entry.prepared ? &*entry.prepared : nullptr));
    VIGIL_RETURN_IF_ERROR(CheckWritten(filter, write.stored));
    InteractionResult result;
    result.status = 201;
    result.location = true;
    result.resource = std::move(write.stored);
    return result;
  }
  if (entry.prepared) entry.request.prepared_index = &*entry.prepared;
  return api_.Dispatch(entry.request, std::exchange(entry.resource, std::nullopt), txn);
}

void BundleProcessor::PrepareIndexes(std::vector<Entry>& entries) {
  // Every guess reads one snapshot: one read transaction, not one per search.
  absl::StatusOr<std::unique_ptr<store::Reader>> reader = api_.store_.BeginRead();
  if (!reader.ok()) return;  // the transaction indexes everything itself
  std::vector<Entry> guess = entries;
  absl::Status resolved = ResolveIdentities(**reader, guess, Resolution::kGuess);
  for (size_t i = 0; i < entries.size(); ++i) entries[i].new_id = guess[i].new_id;
  if (resolved.ok()) {
    for (size_t i = 0; i < guess.size(); ++i) {
      Entry& g = guess[i];
      const std::string* id = nullptr;
      if (g.request.method == "POST" && !g.assigned_id.empty()) {
        id = &g.assigned_id;
      } else if (g.request.method == "PUT" && g.request.segments.size() == 2) {
        id = &g.request.segments[1];
      }
      if (id == nullptr || !g.resource || !RewriteReferences(**reader, *g.resource).ok()) {
        continue;
      }
      absl::StatusOr<persist::PreparedIndex> prepared =
          api_.writes_.PrepareIndex(*std::move(g.resource), *id);
      if (prepared.ok()) entries[i].prepared = *std::move(prepared);
    }
  }
  ids_.clear();  // the transaction resolves again
}

absl::StatusOr<std::string> BundleProcessor::RunTransaction(std::vector<Entry> entries) {
  PrepareIndexes(entries);
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, api_.store_.BeginWrite());
  VIGIL_RETURN_IF_ERROR(ResolveIdentities(*txn, entries, Resolution::kTransaction));
  for (Entry& e : entries) {
    if (!e.resource) continue;
    absl::Status rewritten = RewriteReferences(*txn, *e.resource);
    if (!rewritten.ok()) return EntryError(e.index, rewritten);
  }
  std::vector<Entry*> order;
  for (Entry& e : entries) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](const Entry* a, const Entry* b) {
    return Rank(a->request.method) < Rank(b->request.method);
  });
  for (Entry* e : order) {
    absl::StatusOr<InteractionResult> result = RunEntry(txn.get(), *e);
    if (!result.ok()) return EntryError(e->index, result.status());
    e->result = *std::move(result);
  }
  if (before_commit_) VIGIL_RETURN_IF_ERROR(before_commit_(*txn));
  VIGIL_RETURN_IF_ERROR(txn->Commit());
  BundleWriter bundle("transaction-response");
  for (const Entry& e : entries) {
    fhir::Json response = ResponseEntry(e, *e.result);
    bundle.AddEntry("", "", response);
  }
  return bundle.Finish(outer_.pretty);
}

absl::StatusOr<std::string> FhirApi::ApplyTransaction(
    fhir::Json bundle, std::shared_ptr<const auth::AccessToken> token,
    BundleProcessor::BeforeCommit before_commit) const {
  const std::string* resource_type = StringMember(bundle, "resourceType");
  const std::string* type = StringMember(bundle, "type");
  if (resource_type == nullptr || *resource_type != "Bundle" || type == nullptr ||
      *type != "transaction") {
    return HttpError(400, "invalid", "ApplyTransaction needs a transaction Bundle");
  }
  FhirRequest request;
  request.method = "POST";
  request.prefer_return = PreferReturn::kMinimal;
  request.token = std::move(token);
  BundleProcessor processor(*this, request);
  processor.set_before_commit(std::move(before_commit));
  return processor.Run(std::move(bundle));
}

std::string BundleProcessor::RunBatch(std::vector<Entry> entries) {
  BundleWriter bundle("batch-response");
  for (Entry& e : entries) {
    absl::StatusOr<InteractionResult> result =
        api_.Dispatch(e.request, std::exchange(e.resource, std::nullopt), nullptr);
    bundle.AddEntry("", "", ResponseEntry(e, result));
  }
  return bundle.Finish(outer_.pretty);
}

fhir::Json BundleProcessor::ResponseEntry(const Entry& entry,
                                          const absl::StatusOr<InteractionResult>& result) const {
  fhir::Json out = fhir::Json::Object();
  fhir::Json response = fhir::Json::Object();
  if (!result.ok()) {
    response.Set("status", fhir::Json::String(StatusLine(HttpStatusOf(result.status()))));
    response.Set("outcome", OperationOutcome(IssuesFor(result.status())));
    out.Set("response", std::move(response));
    return out;
  }
  const InteractionResult& r = *result;
  if (!r.body.empty()) {
    if (auto parsed = fhir::ParseJson(r.body); parsed.ok()) out.Set("resource", *std::move(parsed));
  } else if (r.resource && !r.resource->deleted &&
             (entry.request.method == "GET" || outer_.prefer_return == PreferReturn::kRepresentation)) {
    if (auto parsed = fhir::ParseJson(r.resource->json); parsed.ok()) {
      out.Set("resource", *std::move(parsed));
    }
  }
  response.Set("status", fhir::Json::String(StatusLine(r.status)));
  if (r.resource) {
    const store::StoredResource& s = *r.resource;
    if (r.location || entry.request.method != "GET") {
      response.Set("location", fhir::Json::String(StrCat(s.type, "/", s.id, "/_history/", s.version)));
    }
    response.Set("etag", fhir::Json::String(StrCat("W/\"", s.version, "\"")));
    response.Set("lastModified", fhir::Json::String(FormatInstant(s.last_updated)));
  }
  out.Set("response", std::move(response));
  return out;
}

}  // namespace vigil::server
