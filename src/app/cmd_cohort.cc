// `vigil cohort [--data DIR] [--measure SYSTEM|CODE] [--pretty] FILE.json`:
// evaluates a cohort over the store in DIR and prints the JSON that
// POST /api/cohorts/evaluate answers (docs/cohorts.md). FILE holds a Group
// resource or a whole evaluate body ({"group"|"groupId"|"sql", "measure"}).
//
// Exit status: 0 on success; 1 when the file cannot be read, the cohort is
// malformed or the store fails (the message on stderr).
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "app/data_dir.h"
#include "base/file.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"
#include "cohort/api.h"

namespace vigil::app {
namespace {

struct CohortArgs {
  std::string data;
  std::string file;
  std::string measure;
  bool pretty = false;
};

absl::StatusOr<fhir::Json> Run(const CohortArgs& args) {
  std::string dir = args.data.empty() ? DefaultDataDir() : args.data;
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadFile(args.file));
  VIGIL_ASSIGN_OR_RETURN(fhir::Json body, fhir::ParseJson(text));
  const fhir::Json* type = body.Find("resourceType");
  if (type != nullptr && type->is_string() && type->text() == "Group") {
    fhir::Json wrapped = fhir::Json::Object();
    wrapped.Set("group", std::move(body));
    body = std::move(wrapped);
  }
  if (!args.measure.empty() && body.is_object()) {
    fhir::Json measure = fhir::Json::Object();
    measure.Set("code", fhir::Json::String(args.measure));
    body.Set("measure", std::move(measure));
  }
  VIGIL_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store, OpenDataDir(dir));
  cohort::CohortEnv env;
  env.reader = store.get();
  env.data_dir = dir;
  env.base_url = "urn:vigil";
  env.now_ms = NowMs();
  return cohort::Evaluate(env, body);
}

}  // namespace

void RegisterCohort(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<CohortArgs>();
  CLI::App* cmd = app.add_subcommand(
      "cohort", "Evaluate a cohort (a Group or an evaluate body) over the store");
  cmd->add_option("--data", args->data,
                  "data folder (default: $VIGIL_DATA or ~/.local/share/vigil)");
  cmd->add_option("--measure", args->measure, "Observation code to summarize (system|code)");
  cmd->add_flag("--pretty", args->pretty, "indent the JSON");
  cmd->add_option("file", args->file, "Group resource or evaluate body (JSON)")->required();
  cmd->callback([args, &exit_code] {
    absl::StatusOr<fhir::Json> out = Run(*args);
    if (!out.ok()) {
      std::cerr << "vigil cohort: " << Message(out.status()) << "\n";
      exit_code = 1;
      return;
    }
    std::cout << fhir::WriteJson(*out, args->pretty) << "\n";
  });
}

}  // namespace vigil::app
