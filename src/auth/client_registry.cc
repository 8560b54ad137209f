#include "auth/client_registry.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include "auth/scopes.h"
#include "base/file.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::auth {
namespace {

constexpr size_t kMaxClientIdBytes = 64;

bool IsClientId(std::string_view id) {
  if (id.empty() || id.size() > kMaxClientIdBytes) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const std::string* StringMember(const fhir::Json& object, std::string_view name) {
  const fhir::Json* v = object.Find(name);
  return v != nullptr && v->is_string() ? &v->text() : nullptr;
}

// One entry of clients.json.
absl::StatusOr<RegisteredClient> ParseEntry(const fhir::Json& entry) {
  const std::string* id = entry.is_object() ? StringMember(entry, "client_id") : nullptr;
  const std::string* scope = entry.is_object() ? StringMember(entry, "scope") : nullptr;
  const std::string* created = entry.is_object() ? StringMember(entry, "created") : nullptr;
  const fhir::Json* jwks = entry.is_object() ? entry.Find("jwks") : nullptr;
  if (id == nullptr || scope == nullptr || jwks == nullptr || !jwks->is_object()) {
    return absl::InvalidArgumentError("a client needs client_id, scope and jwks");
  }
  RegisteredClient client;
  client.client_id = *id;
  client.scope = *scope;
  client.jwks = *jwks;
  client.created = created != nullptr ? *created : "";
  return client;
}

}  // namespace

absl::Status CheckClientScopes(std::string_view scope) {
  size_t count = 0;
  for (size_t start = 0; start < scope.size();) {
    size_t space = std::min(scope.find(' ', start), scope.size());
    std::string_view token = scope.substr(start, space - start);
    start = space + 1;
    if (token.empty()) continue;
    if (++count > kMaxScopes) return absl::InvalidArgumentError("too many scopes");
    if (ParseScopes(token).roles != 0) continue;
    std::optional<ResourceScope> resource = ParseResourceScope(token);
    if (!resource || resource->context != ScopeContext::kSystem) {
      return absl::InvalidArgumentError(
          StrCat("scope '", token,
                 "' cannot be registered: backend clients get system/ resource scopes "
                 "(system/Observation.rs, system/*.read) and vigil/ role scopes"));
    }
  }
  if (count == 0) return absl::InvalidArgumentError("a client needs at least one scope");
  return absl::OkStatus();
}

absl::Status ClientRegistry::Insert(RegisteredClient client) {
  if (!IsClientId(client.client_id)) {
    return absl::InvalidArgumentError(
        StrCat("client id '", client.client_id, "': use 1 to 64 characters of A-Z a-z 0-9 . _ -"));
  }
  if (Find(client.client_id) != nullptr) {
    return absl::AlreadyExistsError(
        StrCat("client '", client.client_id, "' is registered already"));
  }
  absl::Status scopes = CheckClientScopes(client.scope);
  if (!scopes.ok()) {
    return absl::InvalidArgumentError(StrCat("client '", client.client_id, "': ", Message(scopes)));
  }
  absl::StatusOr<JwkSet> keys = JwkSet::Parse(fhir::WriteJson(client.jwks));
  if (!keys.ok()) {
    return absl::InvalidArgumentError(
        StrCat("client '", client.client_id, "': ", Message(keys.status())));
  }
  client.keys = std::make_shared<const JwkSet>(*std::move(keys));
  clients_.push_back(std::move(client));
  return absl::OkStatus();
}

absl::StatusOr<ClientRegistry> ClientRegistry::Parse(std::string_view json) {
  ClientRegistry registry;
  if (json.empty()) return registry;
  absl::StatusOr<fhir::Json> doc = fhir::ParseJson(json);
  const fhir::Json* list = doc.ok() && doc->is_object() ? doc->Find("clients") : nullptr;
  if (list == nullptr || !list->is_array()) {
    return absl::InvalidArgumentError("clients.json: needs a \"clients\" array");
  }
  for (size_t i = 0; i < list->items().size(); ++i) {
    absl::StatusOr<RegisteredClient> client = ParseEntry(list->items()[i]);
    absl::Status inserted = client.ok() ? registry.Insert(*std::move(client)) : client.status();
    if (!inserted.ok()) {
      return absl::InvalidArgumentError(
          StrCat("clients.json clients[", i, "]: ", Message(inserted)));
    }
  }
  return registry;
}

std::string ClientRegistry::ToJson() const {
  fhir::Json list = fhir::Json::Array();
  for (const RegisteredClient& c : clients_) {
    fhir::Json entry = fhir::Json::Object();
    entry.Set("client_id", fhir::Json::String(c.client_id));
    entry.Set("scope", fhir::Json::String(c.scope));
    entry.Set("created", fhir::Json::String(c.created));
    entry.Set("jwks", c.jwks);
    list.Push(std::move(entry));
  }
  fhir::Json doc = fhir::Json::Object();
  doc.Set("clients", std::move(list));
  return fhir::WriteJson(doc, /*pretty=*/true) + "\n";
}

absl::Status ClientRegistry::Add(std::string client_id, std::string_view jwks, std::string scope,
                                 std::string created) {
  absl::StatusOr<fhir::Json> doc = fhir::ParseJson(jwks);
  if (!doc.ok() || !doc->is_object()) {
    return absl::InvalidArgumentError("the JWKS is not a JSON object ({\"keys\": [...]})");
  }
  RegisteredClient client;
  client.client_id = std::move(client_id);
  client.scope = std::move(scope);
  client.jwks = *std::move(doc);
  client.created = std::move(created);
  return Insert(std::move(client));
}

absl::Status ClientRegistry::Remove(std::string_view client_id) {
  for (auto it = clients_.begin(); it != clients_.end(); ++it) {
    if (it->client_id == client_id) {
      clients_.erase(it);
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(StrCat("no client '", client_id, "'"));
}

const RegisteredClient* ClientRegistry::Find(std::string_view client_id) const {
  for (const RegisteredClient& c : clients_) {
    if (c.client_id == client_id) return &c;
  }
  return nullptr;
}

absl::StatusOr<ClientRegistry> LoadClientRegistry(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (absl::IsNotFound(text.status())) return ClientRegistry();
  if (!text.ok()) return text.status();
  absl::StatusOr<ClientRegistry> registry = ClientRegistry::Parse(*text);
  if (!registry.ok()) {
    return absl::InvalidArgumentError(StrCat(path, ": ", Message(registry.status())));
  }
  return registry;
}

std::string NewClientId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  return id;
}

absl::StatusOr<std::shared_ptr<const ClientRegistry>> ClientRegistryFile::Current() {
  struct stat st;
  Stamp now;
  if (::stat(path_.c_str(), &st) == 0) {
    now.inode = st.st_ino;
    now.size = static_cast<uint64_t>(st.st_size);
    now.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (current_ && now == stamp_) return current_;
  VIGIL_ASSIGN_OR_RETURN(ClientRegistry registry, LoadClientRegistry(path_));
  current_ = std::make_shared<const ClientRegistry>(std::move(registry));
  stamp_ = now;
  return current_;
}

}  // namespace vigil::auth
