// `vigil model register|list|alias|rollback`: the model registry in DATA/models
// (ai/registry/model_registry.h, docs/model-registry.md).
#include <cstdio>
#include <memory>
#include <string>

#include "ai/registry/model_registry.h"
#include "app/commands.h"
#include "app/data_dir.h"
#include "base/str.h"
#include "fhir/json.h"

namespace vigil::app {
namespace {

struct ModelArgs {
  std::string data;
  std::string artifact;
  std::string alias;
  std::string version;
  bool clear = false;
};

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "vigil model: %s\n", std::string(Message(status)).c_str());
  return 1;
}

absl::StatusOr<std::unique_ptr<ai::ModelRegistry>> Open(const ModelArgs& args) {
  return ai::ModelRegistry::Open(args.data.empty() ? DefaultDataDir() : args.data);
}

int Register(const ModelArgs& args) {
  absl::StatusOr<std::unique_ptr<ai::ModelRegistry>> registry = Open(args);
  if (!registry.ok()) return Fail(registry.status());
  absl::StatusOr<ai::ModelVersion> v = (*registry)->Register(args.artifact);
  if (!v.ok()) return Fail(v.status());
  std::printf("%s\n", v->id.c_str());
  return 0;
}

// "auroc 0.901" from the headline metrics, or "".
std::string Auroc(const std::string& metrics_json) {
  absl::StatusOr<fhir::Json> m = fhir::ParseJson(metrics_json);
  if (!m.ok()) return "";
  const fhir::Json* auroc = m->Find("auroc");
  return auroc == nullptr ? "" : auroc->text();
}

int List(const ModelArgs& args) {
  absl::StatusOr<std::unique_ptr<ai::ModelRegistry>> registry = Open(args);
  if (!registry.ok()) return Fail(registry.status());
  absl::StatusOr<std::vector<ai::ModelVersion>> versions = (*registry)->List();
  if (!versions.ok()) return Fail(versions.status());
  absl::StatusOr<std::map<std::string, std::string>> aliases = (*registry)->Aliases();
  if (!aliases.ok()) return Fail(aliases.status());
  std::printf("%-18s  %-16s  %-24s  %-6s  %s\n", "VERSION", "NAME", "TRAINED", "AUROC", "ALIASES");
  for (const ai::ModelVersion& v : *versions) {
    std::string names;
    for (const auto& [alias, id] : *aliases) {
      if (id == v.id) names += names.empty() ? alias : "," + alias;
    }
    std::printf("%-18s  %-16s  %-24s  %-6s  %s\n", v.id.c_str(), v.name.c_str(), v.created.c_str(),
                Auroc(v.metrics_json).c_str(), names.c_str());
  }
  return 0;
}

void PrintMove(const ai::AliasMove& move) {
  std::printf("%s: %s -> %s\n", move.alias.c_str(), move.previous.empty() ? "(unset)" : move.previous.c_str(),
              move.version.empty() ? "(unset)" : move.version.c_str());
}

int Alias(const ModelArgs& args) {
  if (args.clear == !args.version.empty()) {
    return Fail(absl::InvalidArgumentError("give a VERSION, or --clear to unset the alias"));
  }
  absl::StatusOr<std::unique_ptr<ai::ModelRegistry>> registry = Open(args);
  if (!registry.ok()) return Fail(registry.status());
  absl::StatusOr<ai::AliasMove> move = (*registry)->SetAlias(args.alias, args.version);
  if (!move.ok()) return Fail(move.status());
  PrintMove(*move);
  return 0;
}

int Rollback(const ModelArgs& args) {
  absl::StatusOr<std::unique_ptr<ai::ModelRegistry>> registry = Open(args);
  if (!registry.ok()) return Fail(registry.status());
  absl::StatusOr<ai::AliasMove> move = (*registry)->Rollback(args.alias);
  if (!move.ok()) return Fail(move.status());
  PrintMove(*move);
  return 0;
}

}  // namespace

void RegisterModel(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ModelArgs>();
  CLI::App* cmd = app.add_subcommand(
      "model", "The model registry: register artifacts, move the champion/challenger aliases");
  cmd->require_subcommand(1);
  auto data = [&](CLI::App* sub) {
    sub->add_option("--data", args->data, "data folder (default: as vigil serve)");
  };
  CLI::App* reg = cmd->add_subcommand("register", "Register a model artifact (vigil train --out); prints its version id");
  data(reg);
  reg->add_option("ARTIFACT_DIR", args->artifact, "the artifact folder")->required();
  reg->callback([args, &exit_code] { exit_code = Register(*args); });
  CLI::App* list = cmd->add_subcommand("list", "List the registered versions and their aliases");
  data(list);
  list->callback([args, &exit_code] { exit_code = List(*args); });
  CLI::App* alias = cmd->add_subcommand(
      "alias", "Point an alias at a version: champion scores, challenger runs in shadow");
  data(alias);
  alias->add_option("ALIAS", args->alias, "champion, challenger or another lower-case name")->required();
  alias->add_option("VERSION", args->version, "a version id from `vigil model list`");
  alias->add_flag("--clear", args->clear, "unset the alias (e.g. stop the shadow challenger)");
  alias->callback([args, &exit_code] { exit_code = Alias(*args); });
  CLI::App* rollback = cmd->add_subcommand("rollback", "Point an alias back at its version before the last move");
  data(rollback);
  rollback->add_option("ALIAS", args->alias, "the alias")->required();
  rollback->callback([args, &exit_code] { exit_code = Rollback(*args); });
}

}  // namespace vigil::app
