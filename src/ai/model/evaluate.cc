#include "ai/model/evaluate.h"

#include <cmath>

#include "ai/eval/alerts.h"
#include "ai/eval/metrics.h"
#include "ai/eval/utility.h"
#include "base/str.h"

namespace vigil::ai {
namespace {

using fhir::Json;

struct Selected {
  std::vector<double> scores;
  std::vector<uint8_t> labels;
  std::vector<uint32_t> groups;
  std::vector<std::vector<uint8_t>> stay_labels, stay_predictions;
  std::vector<StayPredictions> stays;
};

Selected Select(const Dataset& d, const std::vector<size_t>& rows, std::span<const float> scores,
                double threshold) {
  Selected s;
  s.scores.reserve(rows.size());
  uint32_t current = UINT32_MAX;
  for (size_t r : rows) {
    const double score = scores[r];
    const uint8_t label = d.label[r] > 0.5f ? 1 : 0;
    const uint8_t alert = !std::isnan(score) && score >= threshold ? 1 : 0;
    s.scores.push_back(score);
    s.labels.push_back(label);
    s.groups.push_back(d.stay[r]);
    if (d.stay[r] != current) {
      current = d.stay[r];
      const StayRows& sr = d.stays[current];
      s.stay_labels.emplace_back();
      s.stay_predictions.emplace_back();
      StayPredictions sp;
      sp.septic = sr.septic;
      sp.onset_hours = sr.onset_hours;
      s.stays.push_back(std::move(sp));
    }
    s.stay_labels.back().push_back(label);
    s.stay_predictions.back().push_back(alert);
    s.stays.back().hours.push_back(d.hour[r]);
    s.stays.back().alert.push_back(alert);
  }
  return s;
}

Json Pair(double a, double b) {
  Json arr = Json::Array();
  arr.Push(JsonNumber(a));
  arr.Push(JsonNumber(b));
  return arr;
}

Json Curve(const std::vector<CurvePoint>& points) {
  Json arr = Json::Array();
  for (const CurvePoint& p : points) arr.Push(Pair(p.x, p.y));
  return arr;
}

}  // namespace

Json JsonNumber(double v) {
  if (!std::isfinite(v)) return Json();
  return Json::Number(fmt::format("{:.6g}", v));
}

std::pair<double, double> UtilityAndAlertRate(const Dataset& d, const std::vector<size_t>& rows,
                                              std::span<const float> scores, double threshold) {
  Selected s = Select(d, rows, scores, threshold);
  absl::StatusOr<AlertStats> alerts = ComputeAlertStats(s.stays);
  return {NormalizedUtility(s.stay_labels, s.stay_predictions),
          alerts.ok() ? alerts->alert_rate_per_day : NAN};
}

Json EvaluateScore(const Dataset& d, const std::vector<size_t>& rows, std::span<const float> scores,
                   double threshold, const EvalOptions& options) {
  Selected s = Select(d, rows, scores, threshold);
  Json out = Json::Object();
  Interval auroc = BootstrapInterval(Auroc, s.scores, s.labels, s.groups, options.bootstrap_resamples,
                                     options.seed);
  Interval auprc = BootstrapInterval(Auprc, s.scores, s.labels, s.groups, options.bootstrap_resamples,
                                     options.seed + 1);
  out.Set("auroc", JsonNumber(auroc.estimate));
  out.Set("auroc_ci95", Pair(auroc.lo, auroc.hi));
  out.Set("auprc", JsonNumber(auprc.estimate));
  out.Set("auprc_ci95", Pair(auprc.lo, auprc.hi));
  out.Set("utility", JsonNumber(NormalizedUtility(s.stay_labels, s.stay_predictions)));
  out.Set("threshold", JsonNumber(threshold));
  absl::StatusOr<AlertStats> alerts = ComputeAlertStats(s.stays);
  if (alerts.ok()) {
    out.Set("alert_rate", JsonNumber(alerts->alert_rate_per_day));
    out.Set("ppv", JsonNumber(alerts->ppv));
    out.Set("sensitivity", JsonNumber(alerts->sensitivity));
    out.Set("median_lead_time_hours", JsonNumber(alerts->median_lead_time_hours));
    out.Set("stays", JsonNumber(static_cast<double>(alerts->stays)));
    out.Set("septic_stays", JsonNumber(static_cast<double>(alerts->septic_stays)));
    out.Set("alerted_stays", JsonNumber(static_cast<double>(alerts->alerted_stays)));
    out.Set("detected_septic_stays", JsonNumber(static_cast<double>(alerts->detected_septic_stays)));
    out.Set("stay_days", JsonNumber(alerts->stay_days));
  }
  size_t positives = 0;
  for (uint8_t l : s.labels) positives += l;
  out.Set("rows", JsonNumber(static_cast<double>(s.labels.size())));
  out.Set("positive_rows", JsonNumber(static_cast<double>(positives)));
  if (options.probability) {
    out.Set("brier", JsonNumber(BrierScore(s.scores, s.labels)));
    Json bins = Json::Array();
    for (const CalibrationBin& b : Calibration(s.scores, s.labels, 10)) {
      Json bin = Json::Object();
      bin.Set("lo", JsonNumber(b.lo));
      bin.Set("hi", JsonNumber(b.hi));
      bin.Set("mean_predicted", JsonNumber(b.mean_predicted));
      bin.Set("observed_rate", JsonNumber(b.observed_rate));
      bin.Set("count", JsonNumber(static_cast<double>(b.count)));
      bins.Push(std::move(bin));
    }
    out.Set("calibration", std::move(bins));
  }
  if (options.curves) {
    out.Set("roc_curve", Curve(RocCurve(s.scores, s.labels, 100)));
    out.Set("pr_curve", Curve(PrCurve(s.scores, s.labels, 100)));
  }
  return out;
}

}  // namespace vigil::ai
