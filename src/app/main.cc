// Composition root for the vigil executable: registers every subcommand.
#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "store/sqlite/sqlite_store.h"

int main(int argc, char** argv) {
  vigil::store::ConfigureSqlite();
  CLI::App app{"Vigil: clinical data and AI infrastructure in one program"};
  app.require_subcommand(1);
  int exit_code = 0;
  vigil::app::RegisterFhirpath(app, exit_code);
  vigil::app::RegisterServe(app, exit_code);
  vigil::app::RegisterImport(app, exit_code);
  vigil::app::RegisterView(app, exit_code);
  vigil::app::RegisterCohort(app, exit_code);
  vigil::app::RegisterSql(app, exit_code);
  vigil::app::RegisterHl7(app, exit_code);
  vigil::app::RegisterIngest(app, exit_code);
  vigil::app::RegisterAudit(app, exit_code);
  vigil::app::RegisterTrain(app, exit_code);
  vigil::app::RegisterEvaluate(app, exit_code);
  vigil::app::RegisterScore(app, exit_code);
  vigil::app::RegisterSynth(app, exit_code);
  vigil::app::RegisterModel(app, exit_code);
  vigil::app::RegisterAuth(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
