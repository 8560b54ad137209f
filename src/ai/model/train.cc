#include "ai/model/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ai/model/booster.h"
#include "ai/model/evaluate.h"
#include "ai/model/fingerprint.h"
#include "base/status.h"
#include "base/str.h"

namespace vigil::ai {
namespace {

using fhir::Json;

absl::Status Bad(std::string_view what) {
  return absl::InvalidArgumentError(StrCat("training config: ", what));
}

std::optional<double> NumberAt(const Json* section, std::string_view key) {
  const Json* v = section == nullptr ? nullptr : section->Find(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return std::strtod(v->text().c_str(), nullptr);
}

absl::Status ReadInt(const Json* section, std::string_view key, int lo, int hi, int* out) {
  if (section == nullptr || section->Find(key) == nullptr) return absl::OkStatus();
  std::optional<double> v = NumberAt(section, key);
  if (!v || *v != std::floor(*v) || *v < lo || *v > hi) {
    return Bad(StrCat("\"", key, "\" must be a whole number in [", lo, ", ", hi, "]"));
  }
  *out = static_cast<int>(*v);
  return absl::OkStatus();
}

absl::Status ReadFraction(const Json* section, std::string_view key, double* out) {
  if (section == nullptr || section->Find(key) == nullptr) return absl::OkStatus();
  std::optional<double> v = NumberAt(section, key);
  if (!v || *v <= 0 || *v >= 1) return Bad(StrCat("\"", key, "\" must be a number in (0, 1)"));
  *out = *v;
  return absl::OkStatus();
}

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// FNV-1a moves its last bytes into the high bits only weakly: ids that differ in
// the last character ("p10", "p11") hash within ~1e-6 of each other in [0, 1), so
// sequential ids fall into the parts in clumps and the fractions drift far from
// the configured ones. MurmurHash3's 64-bit finalizer spreads every input bit.
uint64_t Avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// Rows of `indices` copied into a matrix with labels.
absl::StatusOr<Matrix> SubMatrix(const Dataset& d, const std::vector<size_t>& rows) {
  std::vector<float> x(rows.size() * d.cols);
  std::vector<float> y(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(d.x.begin() + rows[i] * d.cols, d.cols, x.begin() + i * d.cols);
    y[i] = d.label[rows[i]];
  }
  return Matrix::Create(x, rows.size(), d.cols, y);
}

double Positives(const Dataset& d, const std::vector<size_t>& rows) {
  double n = 0;
  for (size_t r : rows) n += d.label[r];
  return n;
}

struct Split {
  std::vector<uint32_t> stays[3];
  std::vector<size_t> rows[3];
};

Split SplitStays(const Dataset& d, const TrainConfig& config) {
  Split s;
  for (uint32_t i = 0; i < d.stays.size(); ++i) {
    s.stays[SplitOf(d.stays[i].stay->patient_id, config)].push_back(i);
  }
  for (int p = 0; p < 3; ++p) s.rows[p] = RowsOfStays(d, s.stays[p]);
  return s;
}

bool HigherIsBetter(const std::string& metric) {
  return metric == "auc" || metric == "aucpr" || metric == "map" || metric.starts_with("ndcg");
}

absl::StatusOr<Booster> Fit(const Dataset& d, const Split& split, const TrainConfig& config,
                            const ProgressFn& progress, int* best_round_out) {
  VIGIL_ASSIGN_OR_RETURN(Matrix train, SubMatrix(d, split.rows[0]));
  VIGIL_ASSIGN_OR_RETURN(Matrix valid, SubMatrix(d, split.rows[1]));
  VIGIL_ASSIGN_OR_RETURN(Booster booster, Booster::Create({&train, &valid}));
  const double pos = Positives(d, split.rows[0]);
  const double neg = static_cast<double>(split.rows[0].size()) - pos;
  std::map<std::string, std::string> params = {
      {"objective", "binary:logistic"}, {"tree_method", "hist"},    {"max_depth", "5"},
      {"eta", "0.08"},                  {"subsample", "0.8"},       {"colsample_bytree", "0.8"},
      {"min_child_weight", "5"},        {"seed", std::to_string(config.split_seed)},
      {"nthread", std::to_string(config.threads)},
      {"scale_pos_weight", fmt::format("{:.4f}", neg / pos)},
  };
  for (const auto& [k, v] : config.xgboost_params) params[k] = v;
  for (const auto& [k, v] : params) VIGIL_RETURN_IF_ERROR(booster.SetParam(k, v));
  VIGIL_RETURN_IF_ERROR(booster.SetParam("eval_metric", config.eval_metric));
  const std::string key = "valid-" + config.eval_metric;
  const bool higher = HigherIsBetter(config.eval_metric);
  double best = higher ? -INFINITY : INFINITY;
  int best_round = 0;
  for (int round = 0; round < config.num_rounds; ++round) {
    VIGIL_RETURN_IF_ERROR(booster.UpdateOneIter(round, train));
    VIGIL_ASSIGN_OR_RETURN(auto metrics, booster.Eval(round, valid, "valid"));
    auto it = metrics.find(key);
    if (it == metrics.end()) return absl::InternalError(StrCat("xgboost reported no ", key));
    if (higher ? it->second > best : it->second < best) {
      best = it->second;
      best_round = round;
    }
    const bool stop = config.early_stopping_rounds > 0 && round - best_round >= config.early_stopping_rounds;
    if (round % 25 == 0 || stop) {
      progress(fmt::format("round {}: {} {:.4f} (best {:.4f} at round {})", round + 1, key, it->second,
                           best, best_round + 1));
    }
    if (stop) break;
  }
  // Without early stopping every round is kept.
  if (config.early_stopping_rounds == 0) best_round = config.num_rounds - 1;
  *best_round_out = best_round + 1;
  return booster.Slice(best_round + 1);
}

// Utility-maximizing threshold under the alert-rate ceiling, on validation rows.
double ChooseThreshold(const Dataset& d, const std::vector<size_t>& rows, std::span<const float> scores,
                       double max_alert_rate) {
  std::vector<float> sorted;
  sorted.reserve(rows.size());
  for (size_t r : rows) sorted.push_back(scores[r]);
  std::sort(sorted.begin(), sorted.end());
  double best_threshold = sorted.empty() ? 0.5 : sorted.back();
  double best_utility = -INFINITY;
  for (int i = 0; i <= 120; ++i) {
    const double q = 0.70 + 0.2999 * i / 120.0;
    const double t = sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()))];
    auto [utility, alert_rate] = UtilityAndAlertRate(d, rows, scores, t);
    if (alert_rate <= max_alert_rate && utility > best_utility) {
      best_utility = utility;
      best_threshold = t;
    }
  }
  return best_threshold;
}

// Checks on test rows that TreeSHAP contributions plus the bias equal the margin.
absl::StatusOr<Json> CheckExplanations(const Booster& booster, const Dataset& d, const std::vector<size_t>& rows,
                                       const std::vector<std::string>& names) {
  std::vector<size_t> sample;
  for (size_t i = 0; i < rows.size() && sample.size() < 500; i += std::max<size_t>(1, rows.size() / 500)) {
    sample.push_back(rows[i]);
  }
  VIGIL_ASSIGN_OR_RETURN(Matrix m, SubMatrix(d, sample));
  VIGIL_ASSIGN_OR_RETURN(std::vector<float> margin, booster.PredictMargin(m));
  VIGIL_ASSIGN_OR_RETURN(std::vector<float> contrib, booster.PredictContributions(m));
  const size_t width = d.cols + 1;
  double max_error = 0;
  std::vector<double> mean_abs(d.cols, 0);
  for (size_t i = 0; i < sample.size(); ++i) {
    double sum = 0;
    for (size_t j = 0; j < width; ++j) sum += contrib[i * width + j];
    for (size_t j = 0; j < d.cols; ++j) mean_abs[j] += std::abs(contrib[i * width + j]) / sample.size();
    max_error = std::max(max_error, std::abs(sum - margin[i]));
  }
  Json out = Json::Object();
  out.Set("checked_rows", JsonNumber(static_cast<double>(sample.size())));
  out.Set("max_abs_error_log_odds", JsonNumber(max_error));
  std::vector<size_t> order(d.cols);
  for (size_t j = 0; j < d.cols; ++j) order[j] = j;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return mean_abs[a] > mean_abs[b]; });
  Json top = Json::Array();
  for (size_t k = 0; k < std::min<size_t>(15, order.size()); ++k) {
    Json item = Json::Object();
    item.Set("feature", Json::String(names[order[k]]));
    item.Set("mean_abs_shap", JsonNumber(mean_abs[order[k]]));
    top.Push(std::move(item));
  }
  out.Set("top_mean_abs_shap", std::move(top));
  return out;
}

std::vector<float> Calibrated(const std::vector<float>& margin, const Calibration& c) {
  std::vector<float> p(margin.size());
  for (size_t i = 0; i < margin.size(); ++i) p[i] = static_cast<float>(c.Probability(margin[i]));
  return p;
}

}  // namespace

int SplitOf(std::string_view patient_id, const TrainConfig& config) {
  const uint64_t h = Avalanche(Fnv1a(patient_id, Fnv1a(std::to_string(config.split_seed))));
  const double u = static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
  if (u < config.test_fraction) return 2;
  if (u < config.test_fraction + config.validation_fraction) return 1;
  return 0;
}

absl::StatusOr<TrainConfig> ParseTrainConfig(const Json& config) {
  if (!config.is_object()) return Bad("must be a JSON object");
  TrainConfig c;
  const Json* label = config.Find("label");
  VIGIL_RETURN_IF_ERROR(ReadInt(label, "hours_before_onset", 0, 48, &c.rows.hours_before_onset));
  VIGIL_RETURN_IF_ERROR(ReadInt(label, "hours_after_onset", 0, 48, &c.rows.hours_after_onset));
  VIGIL_RETURN_IF_ERROR(ReadInt(label, "max_hours", 1, 24 * 365, &c.rows.max_hours));
  const Json* split = config.Find("split");
  int seed = static_cast<int>(c.split_seed);
  VIGIL_RETURN_IF_ERROR(ReadInt(split, "seed", 0, 1 << 30, &seed));
  c.split_seed = static_cast<uint64_t>(seed);
  VIGIL_RETURN_IF_ERROR(ReadFraction(split, "validation", &c.validation_fraction));
  VIGIL_RETURN_IF_ERROR(ReadFraction(split, "test", &c.test_fraction));
  if (c.validation_fraction + c.test_fraction >= 0.9) return Bad("validation + test must leave rows to train on");
  if (const Json* xgb = config.Find("xgboost")) {
    if (!xgb->is_object()) return Bad("\"xgboost\" must be an object");
    VIGIL_RETURN_IF_ERROR(ReadInt(xgb, "num_rounds", 1, 10000, &c.num_rounds));
    VIGIL_RETURN_IF_ERROR(ReadInt(xgb, "early_stopping_rounds", 0, 10000, &c.early_stopping_rounds));
    for (const auto& [k, v] : xgb->members()) {
      if (k == "num_rounds" || k == "early_stopping_rounds") continue;
      if (!v.is_number() && !v.is_string()) return Bad(StrCat("xgboost.", k, " must be a number or string"));
      if (k == "eval_metric") {
        c.eval_metric = v.text();
      } else {
        c.xgboost_params[k] = v.text();
      }
    }
  }
  if (const Json* t = config.Find("threshold")) {
    std::optional<double> rate = NumberAt(t, "max_alert_rate_per_day");
    if (t->Find("max_alert_rate_per_day") != nullptr && (!rate || *rate <= 0 || *rate > 1)) {
      return Bad("threshold.max_alert_rate_per_day must be in (0, 1]");
    }
    if (rate) c.max_alert_rate_per_day = *rate;
  }
  VIGIL_RETURN_IF_ERROR(ReadInt(config.Find("evaluation"), "bootstrap_resamples", 0, 10000, &c.bootstrap_resamples));
  VIGIL_RETURN_IF_ERROR(ReadInt(&config, "threads", 1, 256, &c.threads));
  return c;
}

absl::StatusOr<TrainedModel> Train(const std::vector<Stay>& stays, const LabelMap& labels,
                                   const FeatureSet& features, const TrainConfig& config,
                                   const ProgressFn& progress) {
  const auto started = std::chrono::steady_clock::now();
  progress(fmt::format("building hourly rows for {} stays ({} features)", stays.size(), features.size()));
  Dataset d = BuildDataset(stays, labels, features, config.rows, config.threads);
  Split split = SplitStays(d, config);
  static constexpr const char* kPart[] = {"train", "validation", "test"};
  for (int p = 0; p < 3; ++p) {
    const double pos = Positives(d, split.rows[p]);
    progress(fmt::format("{}: {} stays, {} rows, {} positive", kPart[p], split.stays[p].size(),
                         split.rows[p].size(), pos));
    if (pos == 0) {
      return absl::InvalidArgumentError(
          StrCat("the ", kPart[p], " split has no positive rows: more septic stays are needed"));
    }
  }
  int best_rounds = 0;
  VIGIL_ASSIGN_OR_RETURN(Booster booster, Fit(d, split, config, progress, &best_rounds));
  VIGIL_ASSIGN_OR_RETURN(Matrix all, Matrix::Create(d.x, d.rows(), d.cols));
  VIGIL_ASSIGN_OR_RETURN(std::vector<float> margin, booster.PredictMargin(all));

  TrainedModel model;
  model.rounds = best_rounds;
  {
    std::vector<float> m, l;
    for (size_t r : split.rows[1]) {
      m.push_back(margin[r]);
      l.push_back(d.label[r]);
    }
    model.calibration = FitPlatt(m, l);
  }
  progress(fmt::format("calibration: log-odds × {:.4f} + {:.4f}", model.calibration.slope,
                       model.calibration.intercept));
  std::vector<float> probability = Calibrated(margin, model.calibration);
  model.data_fingerprint = DatasetFingerprint(d, features.names());
  model.threshold = ChooseThreshold(d, split.rows[1], probability, config.max_alert_rate_per_day);
  progress(fmt::format("threshold {:.4f} (validation, alert rate <= {})", model.threshold,
                       config.max_alert_rate_per_day));
  VIGIL_ASSIGN_OR_RETURN(model.model_json, booster.SaveJson());

  EvalOptions eval;
  eval.bootstrap_resamples = config.bootstrap_resamples;
  eval.seed = config.split_seed;
  eval.probability = true;
  progress("evaluating on the test patients");
  model.report = EvaluateScore(d, split.rows[2], probability, model.threshold, eval);
  eval.probability = false;
  model.report.Set("news2", EvaluateScore(d, split.rows[2], d.news2, 5, eval));
  model.report.Set("qsofa", EvaluateScore(d, split.rows[2], d.qsofa, 2, eval));
  VIGIL_ASSIGN_OR_RETURN(Json explanations, CheckExplanations(booster, d, split.rows[2], features.names()));
  model.report.Set("explanations", std::move(explanations));

  Json training = Json::Object();
  for (int p = 0; p < 3; ++p) {
    Json part = Json::Object();
    part.Set("stays", JsonNumber(static_cast<double>(split.stays[p].size())));
    part.Set("rows", JsonNumber(static_cast<double>(split.rows[p].size())));
    part.Set("positive_rows", JsonNumber(Positives(d, split.rows[p])));
    training.Set(kPart[p], std::move(part));
  }
  training.Set("unlabelled_stays", JsonNumber(static_cast<double>(d.unlabelled_stays)));
  training.Set("rounds", JsonNumber(best_rounds));
  training.Set("features", JsonNumber(static_cast<double>(d.cols)));
  training.Set("seconds", JsonNumber(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()));
  model.report.Set("training", std::move(training));
  return model;
}

absl::StatusOr<Json> EvaluateModelOn(const Booster& booster, const Calibration& calibration,
                                     double threshold,
                                     const std::vector<Stay>& stays, const LabelMap& labels,
                                     const FeatureSet& features, const TrainConfig& config) {
  Dataset d = BuildDataset(stays, labels, features, config.rows, config.threads);
  if (d.rows() == 0) return absl::InvalidArgumentError("no labelled stays to evaluate on");
  VIGIL_ASSIGN_OR_RETURN(Matrix all, Matrix::Create(d.x, d.rows(), d.cols));
  VIGIL_ASSIGN_OR_RETURN(std::vector<float> margin, booster.PredictMargin(all));
  std::vector<float> probability = Calibrated(margin, calibration);
  std::vector<size_t> rows(d.rows());
  for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  EvalOptions eval;
  eval.bootstrap_resamples = config.bootstrap_resamples;
  eval.seed = config.split_seed;
  eval.probability = true;
  Json report = EvaluateScore(d, rows, probability, threshold, eval);
  eval.probability = false;
  report.Set("news2", EvaluateScore(d, rows, d.news2, 5, eval));
  report.Set("qsofa", EvaluateScore(d, rows, d.qsofa, 2, eval));
  report.Set("unlabelled_stays", JsonNumber(static_cast<double>(d.unlabelled_stays)));
  return report;
}

}  // namespace vigil::ai
