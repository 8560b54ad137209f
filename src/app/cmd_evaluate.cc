// `vigil evaluate --model DIR --labels FILE (--input PATH... | --data DIR | --psv DIR) [--out DIR]`:
// the evaluation report of a trained model on other stays (another site, a later
// period), beside NEWS2 and qSOFA on the same stays. Prints report.json, or writes
// report.json and report.html into --out.
//
// Exit status: 0 on success; 2 for bad arguments or a damaged artifact; 1 when
// the data cannot be read or evaluated.
#include <filesystem>
#include <iostream>

#include "ai/model/artifact.h"
#include "ai/model/train.h"
#include "app/commands.h"
#include "app/model_input.h"
#include "base/file.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::app {
namespace {

struct EvaluateArgs {
  std::string model;
  std::string labels;
  StaySource source;
  std::string out;
  int resamples = 200;
};

int Run(const EvaluateArgs& args) {
  if (!OneSource(args.source)) {
    std::cerr << "vigil evaluate: give one of --input, --data or --psv\n";
    return 2;
  }
  if (args.labels.empty() && args.source.psv_dir.empty()) {
    std::cerr << "vigil evaluate: --labels is required (except with --psv)\n";
    return 2;
  }
  absl::StatusOr<ai::LoadedModel> model = ai::LoadArtifact(args.model);
  if (!model.ok()) {
    std::cerr << "vigil evaluate: " << Message(model.status()) << "\n";
    return 2;
  }
  ai::TrainConfig config;
  config.bootstrap_resamples = args.resamples;
  config.rows = model->rows;
  absl::Status status = [&]() -> absl::Status {
    ai::LabelMap labels;
    VIGIL_ASSIGN_OR_RETURN(std::vector<ai::Stay> stays, LoadStays(args.source, "vigil evaluate", &labels));
    if (!args.labels.empty()) {
      VIGIL_ASSIGN_OR_RETURN(labels, LoadLabels(args.labels));
    }
    VIGIL_ASSIGN_OR_RETURN(fhir::Json report, ai::EvaluateModelOn(model->booster, model->calibration, model->threshold, stays, labels,
                                                                  model->features, config));
    const std::string text = fhir::WriteJson(report, true) + "\n";
    if (args.out.empty()) {
      std::cout << text;
      return absl::OkStatus();
    }
    std::filesystem::create_directories(args.out);
    VIGIL_RETURN_IF_ERROR(WriteFileAtomically(args.out + "/report.json", text));
    const fhir::Json* name = model->manifest.Find("name");
    VIGIL_RETURN_IF_ERROR(WriteFileAtomically(
        args.out + "/report.html", ai::ReportHtml(report, StrCat(name ? name->text() : "model", " — evaluation"))));
    std::cout << "wrote " << args.out << "/report.json and report.html\n";
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    std::cerr << "vigil evaluate: " << Message(status) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterEvaluate(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<EvaluateArgs>();
  CLI::App* cmd = app.add_subcommand("evaluate", "Evaluate a trained model on other stays, beside NEWS2 and qSOFA");
  cmd->add_option("--model", args->model, "model artifact folder (from vigil train)")->required();
  cmd->add_option("--labels", args->labels, "label file (truth.json format); not needed with --psv");
  AddSourceOptions(*cmd, args->source);
  cmd->add_option("--out", args->out, "folder for report.json and report.html (default: print report.json)");
  cmd->add_option("--bootstrap", args->resamples, "bootstrap resamples for the intervals")->check(CLI::Range(0, 10000));
  cmd->callback([args, &exit_code] { exit_code = Run(*args); });
}

}  // namespace vigil::app
