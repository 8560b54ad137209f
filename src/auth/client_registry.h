// The clients registered for SMART Backend Services (`vigil auth add-client`):
// each client's id, the public keys its client assertions are signed with, and
// the scopes it may be granted. Stored as DATA/auth/clients.json:
//
//   {"clients": [{"client_id": "lab-sync", "scope": "system/*.rs",
//                 "jwks": {"keys": [...]}, "created": "2026-01-03T08:00:00.000Z"}]}
//
// Registration rules (Add, and Parse for every entry):
//   - client_id: 1-64 characters of A-Z a-z 0-9 . _ -, unique.
//   - jwks: a JWKS that JwkSet::Parse trusts completely (public RSA 2048+ or EC
//     P-256/P-384 keys); keys are registered inline, never fetched (no jku).
//   - scope: system/ resource scopes (scopes.h) and Vigil role scopes only: a
//     backend client acts for no patient and no user.
//
// ClientRegistryFile re-reads the file when it changes (another inode, size or
// mtime), so clients added or removed while `vigil serve` runs take effect at
// the next token request.
//
// Errors: InvalidArgument for a registration or file that breaks the rules
// (naming the client), AlreadyExists / NotFound for Add / Remove, Internal for I/O.
// Thread-safety: ClientRegistry is a value (const use is safe from many
// threads); ClientRegistryFile::Current may be called from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/jwks.h"
#include "fhir/json.h"

namespace vigil::auth {

inline constexpr std::string_view kClientsFile = "clients.json";

struct RegisteredClient {
  std::string client_id;
  std::string scope;                   // space-separated scopes it may be granted
  fhir::Json jwks;                     // the JWKS as registered
  std::string created;                 // FHIR instant
  std::shared_ptr<const JwkSet> keys;  // jwks, parsed
};

class ClientRegistry {
 public:
  // A clients.json document; "" is an empty registry.
  static absl::StatusOr<ClientRegistry> Parse(std::string_view json);
  // The clients.json document (pretty-printed).
  std::string ToJson() const;

  // Checks and adds a client: client_id, scope and created set, jwks the JWKS text.
  absl::Status Add(std::string client_id, std::string_view jwks, std::string scope,
                   std::string created);
  absl::Status Remove(std::string_view client_id);

  const RegisteredClient* Find(std::string_view client_id) const;
  const std::vector<RegisteredClient>& clients() const { return clients_; }

 private:
  absl::Status Insert(RegisteredClient client);

  std::vector<RegisteredClient> clients_;
};

// OK when every scope of the list may be registered for a backend client.
absl::Status CheckClientScopes(std::string_view scope);

// The registry in path; a missing file is an empty registry.
absl::StatusOr<ClientRegistry> LoadClientRegistry(const std::string& path);

// A new random client id (32 hex digits, 128 bits); "" if no randomness.
std::string NewClientId();

// The registry in a file, re-read when the file changes; a missing file is an
// empty registry.
class ClientRegistryFile {
 public:
  explicit ClientRegistryFile(std::string path) : path_(std::move(path)) {}

  absl::StatusOr<std::shared_ptr<const ClientRegistry>> Current();

 private:
  struct Stamp {
    uint64_t inode = 0, size = 0;
    int64_t mtime_ns = -1;
    friend bool operator==(const Stamp&, const Stamp&) = default;
  };

  const std::string path_;
  std::mutex mu_;
  Stamp stamp_;                                    // GUARDED_BY(mu_)
  std::shared_ptr<const ClientRegistry> current_;  // GUARDED_BY(mu_)
};

}  // namespace vigil::auth
