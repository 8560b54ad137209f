// `vigil score (--input PATH... | --data DIR | --psv DIR) [--model DIR] [--at INSTANT] [--encounter ID] [--top N]`:
// the early-warning scores (NEWS2, qSOFA, SIRS, MEWS, each with its components)
// of every stay at one time, and with --model the model's probability and its
// TreeSHAP explanation. One JSON object per stay per line.
//
// The time is --at, or else each stay's last measurement. Exit status: 0 on
// success; 2 for bad arguments or a damaged artifact; 1 when the data cannot be read.
#include <iostream>

#include "ai/features.h"
#include "ai/model/evaluate.h"
#include "ai/model/predict.h"
#include "app/commands.h"
#include "app/model_input.h"
#include "base/calendar.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"

namespace vigil::app {
namespace {

using fhir::Json;
using ai::JsonNumber;

struct ScoreArgs {
  StaySource source;
  std::string model;
  std::string at;
  std::string encounter;
  int top = 5;
};

Json ScoreJson(const ai::ScoreResult& r) {
  Json out = Json::Object();
  out.Set("total", JsonNumber(r.total));
  out.Set("missing", JsonNumber(r.missing));
  Json components = Json::Array();
  for (const ai::ScoreComponent& c : r.components) {
    Json item = Json::Object();
    item.Set("name", Json::String(std::string(c.name)));
    item.Set("value", c.value ? JsonNumber(*c.value) : Json());
    item.Set("points", JsonNumber(c.points));
    components.Push(std::move(item));
  }
  out.Set("components", std::move(components));
  return out;
}

absl::StatusOr<Json> ModelJson(const ai::LoadedModel& model, const ai::Stay& stay, int64_t at, int top) {
  VIGIL_ASSIGN_OR_RETURN(ai::ExplainedPrediction p, ai::Predict(model, stay, at));
  Json out = Json::Object();
  const Json* name = model.manifest.Find("name");
  out.Set("name", name != nullptr ? *name : Json());
  if (const Json* m = model.manifest.Find("model"); m != nullptr && m->Find("sha256") != nullptr) {
    out.Set("sha256", *m->Find("sha256"));
  }
  out.Set("probability", JsonNumber(p.probability));
  out.Set("threshold", JsonNumber(model.threshold));
  out.Set("alert", Json::Bool(p.alert));
  out.Set("log_odds", JsonNumber(p.log_odds));
  out.Set("base_value", JsonNumber(p.base_value));
  Json contributions = Json::Array();
  for (int i = 0; i < top && i < static_cast<int>(p.contributions.size()); ++i) {
    const ai::Contribution& c = p.contributions[i];
    Json item = Json::Object();
    item.Set("feature", Json::String(c.feature));
    item.Set("value", JsonNumber(c.value));
    item.Set("contribution", JsonNumber(c.contribution));
    contributions.Push(std::move(item));
  }
  out.Set("contributions", std::move(contributions));
  return out;
}

int Run(const ScoreArgs& args) {
  if (!OneSource(args.source)) {
    std::cerr << "vigil score: give one of --input, --data or --psv\n";
    return 2;
  }
  std::optional<int64_t> at;
  if (!args.at.empty() && !(at = ParseFhirDateTimeMs(args.at))) {
    std::cerr << "vigil score: --at must be a FHIR instant such as 2026-01-03T08:00:00Z\n";
    return 2;
  }
  std::optional<ai::LoadedModel> model;
  if (!args.model.empty()) {
    absl::StatusOr<ai::LoadedModel> loaded = ai::LoadArtifact(args.model);
    if (!loaded.ok()) {
      std::cerr << "vigil score: " << Message(loaded.status()) << "\n";
      return 2;
    }
    model = std::move(*loaded);
  }
  absl::StatusOr<std::vector<ai::Stay>> stays = LoadStays(args.source, "vigil score");
  if (!stays.ok()) {
    std::cerr << "vigil score: " << Message(stays.status()) << "\n";
    return 1;
  }
  const int64_t lookback = model ? model->features.lookback_ms() : 24 * kMsPerHour;
  for (const ai::Stay& stay : *stays) {
    if (!args.encounter.empty() && stay.encounter_id != args.encounter) continue;
    const int64_t t = at.value_or(stay.LastMeasurementMs());
    if (t < stay.admit_ms || t > stay.discharge_ms) continue;
    const ai::VitalSigns v = ai::LatestVitals(stay, t, lookback);
    Json line = Json::Object();
    line.Set("patient", Json::String(stay.patient_id));
    line.Set("encounter", Json::String(stay.encounter_id));
    line.Set("at", Json::String(FormatInstant(t)));
    line.Set("news2", ScoreJson(ai::News2(v)));
    line.Find("news2")->Set("risk", Json::String(std::string(ai::News2Risk(ai::News2(v)))));
    line.Set("qsofa", ScoreJson(ai::Qsofa(v)));
    line.Set("sirs", ScoreJson(ai::Sirs(v)));
    line.Set("mews", ScoreJson(ai::Mews(v)));
    if (model) {
      absl::StatusOr<Json> m = ModelJson(*model, stay, t, args.top);
      if (!m.ok()) {
        std::cerr << "vigil score: " << Message(m.status()) << "\n";
        return 1;
      }
      line.Set("model", std::move(*m));
    }
    std::cout << fhir::WriteJson(line) << "\n";
  }
  return 0;
}

}  // namespace

void RegisterScore(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ScoreArgs>();
  CLI::App* cmd = app.add_subcommand(
      "score", "NEWS2, qSOFA, SIRS and MEWS (and a trained model's risk with its explanation) per stay");
  AddSourceOptions(*cmd, args->source);
  cmd->add_option("--model", args->model, "model artifact folder (from vigil train)");
  cmd->add_option("--at", args->at, "score at this instant (default: each stay's last measurement)");
  cmd->add_option("--encounter", args->encounter, "only this Encounter id");
  cmd->add_option("--top", args->top, "explanation: the N largest contributions")->check(CLI::Range(0, 1000));
  cmd->callback([args, &exit_code] { exit_code = Run(*args); });
}

}  // namespace vigil::app
