// `vigil auth add-client|list-clients|remove-client [--data DIR]`: the
// clients of `vigil serve --auth smart`'s SMART Backend Services token
// endpoint, kept in DATA/auth/clients.json (docs/smart-backend-services.md).
// A running server sees the changes at its next token request.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "app/commands.h"
#include "app/data_dir.h"
#include "app/serve_auth.h"
#include "auth/client_registry.h"
#include "base/file.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"

namespace vigil::app {
namespace {

struct AuthArgs {
  std::string data;
  std::string jwks;   // add-client: JWKS file
  std::string scope;  // add-client: allowed scopes
  std::string id;     // add-client: chosen id; remove-client: the id
};

std::string DataOf(const AuthArgs& args) {
  return args.data.empty() ? DefaultDataDir() : args.data;
}

std::string ClientsPath(const AuthArgs& args) {
  return (std::filesystem::path(AuthDir(DataOf(args))) / auth::kClientsFile).string();
}

// Runs change on the registry under an exclusive lock of clients.json.lock
// (two `vigil auth` at once never lose each other's change), then writes it.
absl::Status Update(const AuthArgs& args,
                    const std::function<absl::Status(auth::ClientRegistry&)>& change) {
  VIGIL_RETURN_IF_ERROR(MakeAuthDir(DataOf(args)));
  std::string path = ClientsPath(args);
  std::string lock_path = path + ".lock";
  int lock = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    if (lock >= 0) ::close(lock);
    return absl::InternalError(StrCat("cannot lock ", lock_path));
  }
  absl::Status status = [&]() -> absl::Status {
    VIGIL_ASSIGN_OR_RETURN(auth::ClientRegistry registry, auth::LoadClientRegistry(path));
    VIGIL_RETURN_IF_ERROR(change(registry));
    return WriteFileAtomically(path, registry.ToJson());
  }();
  ::close(lock);  // releases the lock
  return status;
}

int Fail(std::string_view command, const absl::Status& status) {
  std::fprintf(stderr, "vigil auth %s: %s\n", std::string(command).c_str(),
               std::string(Message(status)).c_str());
  return 1;
}

int AddClient(const AuthArgs& args) {
  absl::StatusOr<std::string> jwks = ReadFile(args.jwks);
  if (!jwks.ok()) return Fail("add-client", jwks.status());
  std::string id = args.id.empty() ? auth::NewClientId() : args.id;
  absl::Status added = Update(args, [&](auth::ClientRegistry& registry) {
    return registry.Add(id, *jwks, args.scope, FormatInstant(NowMs()));
  });
  if (!added.ok()) return Fail("add-client", added);
  std::printf("%s\n", id.c_str());
  return 0;
}

int ListClients(const AuthArgs& args) {
  absl::StatusOr<auth::ClientRegistry> registry = auth::LoadClientRegistry(ClientsPath(args));
  if (!registry.ok()) return Fail("list-clients", registry.status());
  for (const auth::RegisteredClient& client : registry->clients()) {
    std::printf("%s\t%s\t%zu key(s)\t%s\n", client.client_id.c_str(), client.created.c_str(),
                client.keys->size(), client.scope.c_str());
  }
  return 0;
}

int RemoveClient(const AuthArgs& args) {
  absl::Status removed =
      Update(args, [&](auth::ClientRegistry& registry) { return registry.Remove(args.id); });
  if (!removed.ok()) return Fail("remove-client", removed);
  return 0;
}

}  // namespace

void RegisterAuth(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<AuthArgs>();
  CLI::App* cmd = app.add_subcommand(
      "auth", "Clients of the SMART Backend Services token endpoint (vigil serve --auth smart)");
  cmd->require_subcommand(1);
  auto data = [&](CLI::App* sub) {
    sub->add_option("--data", args->data, "data folder (default: as vigil serve)");
  };
  CLI::App* add = cmd->add_subcommand(
      "add-client", "Register a backend client by its public keys; prints its client id");
  data(add);
  add->add_option("--jwks", args->jwks,
                  "JWKS file with the client's public keys (RSA 2048+, EC P-256 or P-384)")
      ->required();
  add->add_option("--scope", args->scope,
                  "the scopes it may be granted, space-separated: system/ resource scopes "
                  "(system/*.rs system/Observation.c) and vigil/ role scopes")
      ->required();
  add->add_option("--id", args->id,
                  "its client id (1-64 of A-Z a-z 0-9 . _ -; default: 32 random hex digits)");
  add->callback([args, &exit_code] { exit_code = AddClient(*args); });
  CLI::App* list =
      cmd->add_subcommand("list-clients", "One line per client: id, created, keys, scopes");
  data(list);
  list->callback([args, &exit_code] { exit_code = ListClients(*args); });
  CLI::App* remove = cmd->add_subcommand("remove-client",
                                         "Unregister a client: its next token request is refused");
  data(remove);
  remove->add_option("ID", args->id, "the client id")->required();
  remove->callback([args, &exit_code] { exit_code = RemoveClient(*args); });
}

}  // namespace vigil::app
