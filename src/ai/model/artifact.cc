#include "ai/model/artifact.h"

#include <cmath>
#include <filesystem>

#include "ai/model/evaluate.h"
#include "ai/model/fingerprint.h"
#include "base/file.h"
#include "base/status.h"
#include "base/str.h"
#include "base/time.h"

namespace vigil::ai {
namespace {

namespace fs = std::filesystem;
using fhir::Json;

constexpr std::string_view kFormat = "vigil-model/1";
constexpr const char* kHeadline[] = {"auroc", "auprc", "utility", "alert_rate", "ppv", "sensitivity",
                                     "median_lead_time_hours"};

Json Headline(const Json& report) {
  Json out = Json::Object();
  for (const char* key : kHeadline) {
    const Json* v = report.Find(key);
    out.Set(key, v == nullptr ? Json() : *v);
  }
  return out;
}

// The threshold is one of the validation scores, and tree models give many rows
// exactly the same score: JsonNumber's 6 significant digits would move it across
// them and change which rows alert. Written in the shortest form that reads back
// to the same double.
Json ExactNumber(double v) {
  return std::isfinite(v) ? Json::Number(fmt::format("{}", v)) : Json();
}

Json Strings(const std::vector<std::string>& items) {
  Json arr = Json::Array();
  for (const std::string& s : items) arr.Push(Json::String(s));
  return arr;
}

Json Manifest(const TrainedModel& model, const FeatureSet& features, const TrainConfig& config,
              const ArtifactInfo& info, const std::string& features_text) {
  Json m = Json::Object();
  m.Set("format", Json::String(std::string(kFormat)));
  m.Set("name", Json::String(info.name));
  m.Set("created", Json::String(FormatInstant(info.created_ms)));
  Json task = Json::Object();
  task.Set("outcome", Json::String("sepsis"));
  task.Set("label", Json::String(StrCat("1 from ", config.rows.hours_before_onset,
                                        " h before onset (PhysioNet 2019 SepsisLabel)")));
  task.Set("hours_before_onset", JsonNumber(config.rows.hours_before_onset));
  task.Set("hours_after_onset", JsonNumber(config.rows.hours_after_onset));
  task.Set("output", Json::String("probability 0..1 (XGBoost binary:logistic)"));
  m.Set("task", std::move(task));
  Json booster = Json::Object();
  booster.Set("file", Json::String("model.json"));
  booster.Set("runtime", Json::String("xgboost"));
  booster.Set("xgboost_version", Json::String(XgboostVersion()));
  booster.Set("sha256", Json::String(Sha256Fingerprint(model.model_json)));
  booster.Set("rounds", JsonNumber(model.rounds));
  m.Set("model", std::move(booster));
  Json feats = Json::Object();
  feats.Set("file", Json::String("features.json"));
  feats.Set("sha256", Json::String(Sha256Fingerprint(features_text)));
  feats.Set("names", Strings(features.names()));
  m.Set("features", std::move(feats));
  Json calibration = Json::Object();
  calibration.Set("method", Json::String("platt"));
  calibration.Set("slope", ExactNumber(model.calibration.slope));
  calibration.Set("intercept", ExactNumber(model.calibration.intercept));
  m.Set("calibration", std::move(calibration));
  m.Set("threshold", ExactNumber(model.threshold));
  Json data = Json::Object();
  data.Set("fingerprint", Json::String(model.data_fingerprint));
  data.Set("sources", Strings(info.sources));
  if (const Json* training = model.report.Find("training")) data.Set("splits", *training);
  m.Set("training_data", std::move(data));
  m.Set("metrics", Headline(model.report));
  m.Set("report", Json::String("report.json"));
  m.Set("model_card", Json::String("model_card.md"));
  return m;
}

absl::Status Write(const fs::path& dir, std::string_view name, std::string_view content) {
  return WriteFileAtomically((dir / name).string(), content);
}

}  // namespace

absl::Status WriteArtifact(const std::string& dir, const TrainedModel& model, const FeatureSet& features,
                           const TrainConfig& config, const ArtifactInfo& info) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return absl::InvalidArgumentError(StrCat(dir, " exists and is not empty: artifacts are immutable, choose a new folder"));
  }
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(StrCat("cannot create ", dir, ": ", ec.message()));
  const std::string features_text = fhir::WriteJson(features.spec(), true) + "\n";
  const Json manifest = Manifest(model, features, config, info, features_text);
  const fs::path d(dir);
  VIGIL_RETURN_IF_ERROR(Write(d, "model.json", model.model_json));
  VIGIL_RETURN_IF_ERROR(Write(d, "features.json", features_text));
  VIGIL_RETURN_IF_ERROR(Write(d, "report.json", fhir::WriteJson(model.report, true) + "\n"));
  VIGIL_RETURN_IF_ERROR(Write(d, "report.html", ReportHtml(model.report, info.name)));
  VIGIL_RETURN_IF_ERROR(Write(d, "model_card.md", ModelCard(manifest, model.report)));
  // The manifest last: a folder without one is an incomplete write.
  return Write(d, "artifact.json", fhir::WriteJson(manifest, true) + "\n");
}

absl::StatusOr<LoadedModel> LoadArtifact(const std::string& dir) {
  const fs::path d(dir);
  VIGIL_ASSIGN_OR_RETURN(std::string manifest_text, ReadFile((d / "artifact.json").string()));
  VIGIL_ASSIGN_OR_RETURN(Json manifest, fhir::ParseJson(manifest_text));
  const Json* format = manifest.Find("format");
  if (format == nullptr || format->text() != kFormat) {
    return absl::InvalidArgumentError(StrCat(dir, " is not a ", kFormat, " model artifact"));
  }
  VIGIL_ASSIGN_OR_RETURN(std::string model_json, ReadFile((d / "model.json").string()));
  const Json* model = manifest.Find("model");
  const Json* sha = model == nullptr ? nullptr : model->Find("sha256");
  if (sha == nullptr || sha->text() != Sha256Fingerprint(model_json)) {
    return absl::InvalidArgumentError(StrCat(dir, "/model.json does not match the SHA-256 in artifact.json"));
  }
  VIGIL_ASSIGN_OR_RETURN(std::string features_text, ReadFile((d / "features.json").string()));
  // A different spec would feed the trees other columns without any error.
  const Json* feats = manifest.Find("features");
  const Json* feats_sha = feats == nullptr ? nullptr : feats->Find("sha256");
  if (feats_sha == nullptr || feats_sha->text() != Sha256Fingerprint(features_text)) {
    return absl::InvalidArgumentError(
        StrCat(dir, "/features.json does not match the SHA-256 in artifact.json"));
  }
  VIGIL_ASSIGN_OR_RETURN(Json spec, fhir::ParseJson(features_text));
  VIGIL_ASSIGN_OR_RETURN(FeatureSet features, FeatureSet::Compile(spec));
  VIGIL_ASSIGN_OR_RETURN(Booster booster, Booster::Load(model_json));
  const Json* threshold = manifest.Find("threshold");
  if (threshold == nullptr || !threshold->is_number()) {
    return absl::InvalidArgumentError(StrCat(dir, "/artifact.json has no threshold"));
  }
  Calibration calibration;
  if (const Json* c = manifest.Find("calibration")) {
    const Json* slope = c->Find("slope");
    const Json* intercept = c->Find("intercept");
    if (slope == nullptr || !slope->is_number() || intercept == nullptr || !intercept->is_number()) {
      return absl::InvalidArgumentError(StrCat(dir, "/artifact.json: calibration needs slope and intercept"));
    }
    calibration.slope = std::strtod(slope->text().c_str(), nullptr);
    calibration.intercept = std::strtod(intercept->text().c_str(), nullptr);
  }
  RowOptions rows;
  if (const Json* task = manifest.Find("task")) {
    auto hours = [&](std::string_view key, int fallback) {
      const Json* v = task->Find(key);
      return v != nullptr && v->is_number() ? std::atoi(v->text().c_str()) : fallback;
    };
    rows.hours_before_onset = hours("hours_before_onset", rows.hours_before_onset);
    rows.hours_after_onset = hours("hours_after_onset", rows.hours_after_onset);
  }
  LoadedModel loaded{std::move(booster), std::move(features), calibration,
                     std::strtod(threshold->text().c_str(), nullptr), rows, std::move(manifest)};
  return loaded;
}

}  // namespace vigil::ai
