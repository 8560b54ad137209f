// `vigil view`: run a SQL-on-FHIR v2 ViewDefinition over resources and print
// the rows as CSV (with a header), NDJSON or a JSON array.
//
// Exit status: 0 on success; 2 when the ViewDefinition is unreadable or invalid
// (nothing is printed); 1 when an input cannot be read, holds bad JSON, or a
// resource breaks the view's rules (rows printed before the error stay printed).
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/commands.h"
#include "app/view_input.h"
#include "base/str.h"
#include "sof/row_format.h"
#include "sof/view.h"

namespace vigil::app {
namespace {

struct ViewArgs {
  std::vector<std::string> inputs;
  std::string view;
  std::string format = "csv";
};

absl::StatusOr<sof::View> LoadView(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read '", path, "'"));
  std::ostringstream text;
  text << in.rdbuf();
  auto definition = fhir::ParseJson(text.str());
  if (!definition.ok()) {
    return absl::InvalidArgumentError(StrCat(path, ": ", Message(definition.status())));
  }
  auto view = sof::View::Compile(*definition);
  if (!view.ok()) return absl::InvalidArgumentError(StrCat(path, ": ", Message(view.status())));
  return view;
}

int Run(const ViewArgs& args) {
  auto format = sof::ParseRowFormat(args.format);
  if (!format.ok()) {
    std::cerr << "vigil view: " << Message(format.status()) << "\n";
    return 2;
  }
  auto view = LoadView(args.view);
  if (!view.ok()) {
    std::cerr << "vigil view: invalid ViewDefinition: " << Message(view.status()) << "\n";
    return 2;
  }
  auto inputs = ExpandInputs(args.inputs);
  if (!inputs.ok()) {
    std::cerr << "vigil view: " << Message(inputs.status()) << "\n";
    return 1;
  }
  sof::ViewRunner runner(*view);
  sof::RowWriter writer(*format, view->columns(), std::cout);
  writer.Begin();
  auto emit = [&writer](sof::Row row) {
    writer.Write(row);
    return absl::OkStatus();
  };
  bool flatten = view->resource_type() != "Bundle";
  for (const std::string& input : *inputs) {
    absl::Status s = ForEachResource(
        input, flatten,
        [&](const fhir::Json& resource, std::string_view) { return runner.Run(resource, emit); });
    if (!s.ok()) {
      writer.Flush();
      std::cerr << "vigil view: " << Message(s) << "\n";
      return 1;
    }
  }
  writer.End();
  return 0;
}

}  // namespace

void RegisterView(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ViewArgs>();
  CLI::App* cmd = app.add_subcommand(
      "view", "Run a SQL-on-FHIR v2 ViewDefinition over resources; prints the rows");
  cmd->add_option("--input", args->inputs,
                  "NDJSON file, resource, Bundle (entries are flattened) or a folder of them; "
                  "repeatable")
      ->required()
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--format", args->format, "csv (default, with a header), ndjson or json")
      ->check(CLI::IsMember({"csv", "ndjson", "json"}));
  cmd->add_option("view", args->view, "ViewDefinition (JSON file)")->required();
  cmd->callback([args, &exit_code] { exit_code = Run(*args); });
}

}  // namespace vigil::app
