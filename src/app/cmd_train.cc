// `vigil train --config FILE --out DIR`: train a deterioration model and write
// its artifact (docs/formats/model_artifact.md) with report.json.
//
// Exit status: 0 when the artifact is written; 2 for a bad config or arguments;
// 1 when the data cannot be read or trained on.
#include <filesystem>
#include <iostream>

#include "ai/model/artifact.h"
#include "ai/model/train.h"
#include "app/commands.h"
#include "app/model_input.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"

namespace vigil::app {
namespace {

namespace fs = std::filesystem;
using fhir::Json;

constexpr const char* kConfigHelp = R"(
Config (JSON; paths are relative to the config file):
  {"name": "sepsis-6h",
   "input": ["synth/community"],          NDJSON/Bundle files or folders (Patient,
                                           Encounter, Observation), or
   "store": "data",                        a data folder written by vigil import/serve, or
   "psv": "synth/community/psv",           PhysioNet 2019 PSV files (labels included)
   "labels": "synth/community/truth.json", {"stays": [{"encounter", "sepsis", "onset"}]}
   "features": "features.json",            a feature spec (path or inline object)
   "label": {"hours_before_onset": 6, "hours_after_onset": 3, "max_hours": 504},
   "split": {"seed": 7, "validation": 0.2, "test": 0.2},
   "xgboost": {"num_rounds": 400, "early_stopping_rounds": 30, "eval_metric": "aucpr",
               "max_depth": 5, "eta": 0.08, ...any XGBoost parameter},
   "threshold": {"max_alert_rate_per_day": 0.04},
   "evaluation": {"bootstrap_resamples": 200},
   "cross_site": [{"name": "academic", "input": [...], "labels": "..."}],
   "threads": 2}
Only "input" (or "store" or "psv"), "labels" (not with "psv") and "features" are required.
See docs/training.md; an example that trains on the demo data is docs/examples/train-sepsis.json.
)";

struct TrainArgs {
  std::string config;
  std::string out;
};

std::string Resolve(const fs::path& base, const std::string& p) {
  fs::path path(p);
  return path.is_absolute() ? p : (base / path).lexically_normal().string();
}

absl::StatusOr<StaySource> SourceOf(const Json& section, const fs::path& base) {
  StaySource source;
  if (const Json* store = section.Find("store"); store != nullptr && store->is_string()) {
    source.store_dir = Resolve(base, store->text());
  } else if (const Json* psv = section.Find("psv"); psv != nullptr && psv->is_string()) {
    source.psv_dir = Resolve(base, psv->text());
  } else if (const Json* input = section.Find("input"); input != nullptr) {
    if (input->is_string()) source.paths.push_back(Resolve(base, input->text()));
    for (const Json& p : input->items()) {
      if (!p.is_string()) return absl::InvalidArgumentError("\"input\" entries must be paths");
      source.paths.push_back(Resolve(base, p.text()));
    }
  }
  if (source.store_dir.empty() && source.paths.empty() && source.psv_dir.empty()) {
    return absl::InvalidArgumentError(
        "the config needs \"input\" (files or folders), \"store\" (a data folder) or \"psv\" (PSV folder)");
  }
  return source;
}

// "" for a PSV source without a label file: the PSV files carry the labels.
absl::StatusOr<std::string> LabelsPath(const Json& section, const fs::path& base) {
  const Json* labels = section.Find("labels");
  if (labels == nullptr && section.Find("psv") != nullptr) return std::string();
  if (labels == nullptr || !labels->is_string()) {
    return absl::InvalidArgumentError("the config needs \"labels\": the path of a label file (truth.json)");
  }
  return Resolve(base, labels->text());
}

absl::StatusOr<ai::FeatureSet> LoadFeatures(const Json& config, const fs::path& base) {
  const Json* features = config.Find("features");
  if (features == nullptr) return absl::InvalidArgumentError("the config needs \"features\"");
  if (features->is_object()) return ai::FeatureSet::Compile(*features);
  if (!features->is_string()) return absl::InvalidArgumentError("\"features\" must be a path or an object");
  VIGIL_ASSIGN_OR_RETURN(Json spec, ReadJsonFile(Resolve(base, features->text())));
  return ai::FeatureSet::Compile(spec);
}

struct Prepared {
  ai::TrainConfig config;
  ai::FeatureSet features;
  StaySource source;
  std::string labels;
  std::string name;
};

absl::StatusOr<Prepared> Prepare(const Json& config, const fs::path& base) {
  VIGIL_ASSIGN_OR_RETURN(ai::TrainConfig train, ai::ParseTrainConfig(config));
  VIGIL_ASSIGN_OR_RETURN(ai::FeatureSet features, LoadFeatures(config, base));
  VIGIL_ASSIGN_OR_RETURN(StaySource source, SourceOf(config, base));
  VIGIL_ASSIGN_OR_RETURN(std::string labels, LabelsPath(config, base));
  const Json* name = config.Find("name");
  return Prepared{std::move(train), std::move(features), std::move(source), std::move(labels),
                  name != nullptr && name->is_string() ? name->text() : "sepsis"};
}

absl::Status CrossSite(const Json& config, const fs::path& base, const Prepared& p, ai::TrainedModel& model) {
  const Json* sites = config.Find("cross_site");
  if (sites == nullptr) return absl::OkStatus();
  VIGIL_ASSIGN_OR_RETURN(ai::Booster booster, ai::Booster::Load(model.model_json));
  Json out = Json::Object();
  for (const Json& site : sites->items()) {
    const Json* name = site.Find("name");
    if (name == nullptr || !name->is_string()) return absl::InvalidArgumentError("cross_site entries need a \"name\"");
    std::cerr << "vigil train: cross-site evaluation on " << name->text() << "\n";
    VIGIL_ASSIGN_OR_RETURN(StaySource source, SourceOf(site, base));
    VIGIL_ASSIGN_OR_RETURN(std::string labels_path, LabelsPath(site, base));
    ai::LabelMap labels;
    VIGIL_ASSIGN_OR_RETURN(std::vector<ai::Stay> stays, LoadStays(source, "vigil train", &labels));
    if (!labels_path.empty()) {
      VIGIL_ASSIGN_OR_RETURN(labels, LoadLabels(labels_path));
    }
    VIGIL_ASSIGN_OR_RETURN(Json report,
                           ai::EvaluateModelOn(booster, model.calibration, model.threshold, stays, labels, p.features, p.config));
    out.Set(name->text(), std::move(report));
  }
  model.report.Set("cross_site", std::move(out));
  return absl::OkStatus();
}

void PrintSummary(const Json& report) {
  auto num = [](const Json* o, std::string_view k) {
    const Json* v = o == nullptr ? nullptr : o->Find(k);
    return v == nullptr || v->is_null() ? std::string("n/a") : v->text();
  };
  for (const char* who : {"model", "news2", "qsofa"}) {
    const Json* o = std::string_view(who) == "model" ? &report : report.Find(who);
    std::cerr << fmt::format("  {:6} AUROC {:8} AUPRC {:8} utility {:8} alert rate {:8} PPV {:8} sensitivity {:8} lead {} h\n",
                             who, num(o, "auroc"), num(o, "auprc"), num(o, "utility"), num(o, "alert_rate"),
                             num(o, "ppv"), num(o, "sensitivity"), num(o, "median_lead_time_hours"));
  }
}

int Run(const TrainArgs& args) {
  absl::StatusOr<Json> config = ReadJsonFile(args.config);
  if (!config.ok()) {
    std::cerr << "vigil train: " << Message(config.status()) << "\n";
    return 2;
  }
  const fs::path base = fs::path(args.config).parent_path();
  absl::StatusOr<Prepared> p = Prepare(*config, base);
  if (!p.ok()) {
    std::cerr << "vigil train: " << args.config << ": " << Message(p.status()) << "\n";
    return 2;
  }
  std::error_code ec;
  if (fs::exists(args.out, ec) && !fs::is_empty(args.out, ec)) {
    std::cerr << "vigil train: " << args.out << " exists and is not empty (artifacts are never overwritten)\n";
    return 2;
  }
  auto progress = [](std::string_view m) { std::cerr << "vigil train: " << m << "\n"; };
  absl::Status status = [&]() -> absl::Status {
    ai::LabelMap labels;
    VIGIL_ASSIGN_OR_RETURN(std::vector<ai::Stay> stays, LoadStays(p->source, "vigil train", &labels));
    if (!p->labels.empty()) {
      VIGIL_ASSIGN_OR_RETURN(labels, LoadLabels(p->labels));
    }
    VIGIL_ASSIGN_OR_RETURN(ai::TrainedModel model, ai::Train(stays, labels, p->features, p->config, progress));
    VIGIL_RETURN_IF_ERROR(CrossSite(*config, base, *p, model));
    ai::ArtifactInfo info;
    info.name = p->name;
    info.created_ms = NowMs();
    info.sources = p->source.paths;
    if (!p->source.psv_dir.empty()) info.sources.push_back("psv:" + p->source.psv_dir);
    if (!p->source.store_dir.empty()) info.sources.push_back("store:" + p->source.store_dir);
    VIGIL_RETURN_IF_ERROR(ai::WriteArtifact(args.out, model, p->features, p->config, info));
    PrintSummary(model.report);
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    std::cerr << "vigil train: " << Message(status) << "\n";
    return 1;
  }
  std::cout << "wrote " << args.out << "\n";
  return 0;
}

}  // namespace

void RegisterTrain(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "Train a sepsis early-warning model (XGBoost) and write its artifact");
  cmd->add_option("--config", args->config, "training config (JSON)")->required();
  cmd->add_option("--out", args->out, "artifact folder to create (must not exist or be empty)")->required();
  cmd->footer(kConfigHelp);
  cmd->callback([args, &exit_code] { exit_code = Run(*args); });
}

}  // namespace vigil::app
