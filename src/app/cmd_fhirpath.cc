// `vigil fhirpath`: evaluate one FHIRPath expression over one resource and
// print the result as a JSON array.
#include <fmt/core.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "base/str.h"
#include "fhir/json.h"
#include "fhirpath/fhirpath.h"

namespace vigil::app {
namespace {

struct FhirpathArgs {
  std::string input;
  std::string expression;
  std::vector<std::string> env;
  bool pretty = false;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("cannot read '{}'", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// NAME=VALUE -> %NAME as a String (values that parse as JSON scalars keep their type).
absl::Status AddVariable(const std::string& spec, fhirpath::EvalOptions* options) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) {
    return absl::InvalidArgumentError(fmt::format("--env expects NAME=VALUE, got '{}'", spec));
  }
  std::string name = spec.substr(0, eq);
  options->variables[name] = fhirpath::Collection{fhirpath::Value::String(spec.substr(eq + 1))};
  return absl::OkStatus();
}

int Run(const FhirpathArgs& args) {
  auto text = ReadFile(args.input);
  if (!text.ok()) {
    std::cerr << "vigil fhirpath: " << Message(text.status()) << "\n";
    return 1;
  }
  auto resource = fhir::ParseJson(*text);
  if (!resource.ok()) {
    std::cerr << "vigil fhirpath: " << args.input << ": " << Message(resource.status()) << "\n";
    return 1;
  }
  fhirpath::CompileOptions compile;
  if (const fhir::Json* rt = resource->Find("resourceType"); rt && rt->is_string()) {
    if (fhir::FindType(rt->text()) == nullptr) {
      std::cerr << "vigil fhirpath: " << args.input << ": unknown resource type '" << rt->text()
                << "'\n";
      return 1;
    }
    compile.root_type = rt->text();
  }
  auto expr = fhirpath::Expression::Compile(args.expression, compile);
  if (!expr.ok()) {
    std::cerr << "vigil fhirpath: invalid expression: " << Message(expr.status()) << "\n";
    return 2;
  }
  fhirpath::EvalOptions options;
  for (const std::string& spec : args.env) {
    if (auto s = AddVariable(spec, &options); !s.ok()) {
      std::cerr << "vigil fhirpath: " << s.message() << "\n";
      return 2;
    }
  }
  options.trace = [](std::string_view name, const fhirpath::Collection& values) {
    std::cerr << "trace " << name << ": " << fhir::WriteJson(fhirpath::ToJson(values)) << "\n";
  };
  auto result = expr->Evaluate(*resource, options);
  if (!result.ok()) {
    std::cerr << "vigil fhirpath: evaluation failed: " << Message(result.status()) << "\n";
    return 1;
  }
  std::cout << fhir::WriteJson(fhirpath::ToJson(*result), args.pretty) << "\n";
  return 0;
}

}  // namespace

void RegisterFhirpath(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<FhirpathArgs>();
  CLI::App* cmd = app.add_subcommand(
      "fhirpath", "Evaluate a FHIRPath expression over a resource; prints a JSON array");
  cmd->add_option("--input", args->input, "FHIR resource (JSON file)")->required();
  cmd->add_option("--env", args->env, "External constant %NAME=VALUE (repeatable)")
      ->allow_extra_args(false)  // one value per --env: a following expression is not swallowed
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_flag("--pretty", args->pretty, "Indent the output");
  cmd->add_option("expression", args->expression, "FHIRPath expression")->required();
  cmd->callback([args, &exit_code] { exit_code = Run(*args); });
}

}  // namespace vigil::app
