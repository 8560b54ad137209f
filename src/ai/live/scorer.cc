#include "ai/live/scorer.h"

#include <algorithm>
#include <cmath>

#include "ai/features.h"
#include "ai/model/predict.h"
#include "ai/scores/early_warning.h"
#include "base/calendar.h"
#include "base/str.h"

namespace vigil::ai {
namespace {

constexpr size_t kTopValues = 5;

// A bedside rule: how it scores, bands and names its assessments.
struct RuleSpec {
  std::string_view version;  // the publication the tables copy
  RuleMethod method;
  ScoreResult (*score)(const VitalSigns&);
  std::string_view (*band)(const ScoreResult&);
  std::string_view (*qualitative)(std::string_view band);
};

std::string_view ScreenBand(const ScoreResult& r) {
  const int positive = r.scorer == "sirs" ? kSirsPositive : kQsofaPositive;
  return r.total >= positive ? "positive" : "negative";
}
std::string_view MewsBand(const ScoreResult& r) {
  if (r.total >= 5) return "high";
  return r.total >= 3 ? "medium" : "low";
}
std::string_view News2Band(const ScoreResult& r) { return News2Risk(r); }

// qualitativeRisk (risk-probability codes) from a band.
std::string_view PositiveIsHigh(std::string_view band) { return band == "positive" ? "high" : "low"; }
std::string_view PositiveIsModerate(std::string_view band) {
  return band == "positive" ? "moderate" : "low";
}
std::string_view ByBand(std::string_view band) {
  if (band == "high") return "high";
  if (band == "medium" || band == "low-medium") return "moderate";
  return "low";
}

constexpr RuleSpec kRules[] = {
    {"RCP-2017",
     {"news2", "NEWS2 (Royal College of Physicians 2017)", "271594007", "Deterioration",
      "Clinical deterioration"},
     News2, News2Band, ByBand},
    {"Seymour-2016",
     {"qsofa", "qSOFA (Seymour et al., JAMA 2016)", "91302008", "Sepsis",
      "Poor outcome of suspected infection (qSOFA screen)"},
     Qsofa, ScreenBand, PositiveIsHigh},
    {"Bone-1992",
     {"sirs", "SIRS criteria (ACCP/SCCM 1992)", "238147009", "Systemic inflammatory response syndrome",
      "Systemic inflammatory response (SIRS screen)"},
     Sirs, ScreenBand, PositiveIsModerate},
    {"Subbe-2001",
     {"mews", "MEWS (Subbe et al., QJM 2001)", "271594007", "Deterioration", "Clinical deterioration"},
     Mews, MewsBand, ByBand},
};

class Rule final : public Scorer {
 public:
  explicit Rule(const RuleSpec& spec) : spec_(spec), id_(spec.method.code), version_(spec.version) {}
  const std::string& id() const override { return id_; }
  const std::string& version() const override { return version_; }
  int64_t lookback_ms() const override { return 24 * kMsPerHour; }

  absl::StatusOr<Scored> Score(const AssessmentContext& context) const override {
    ScoreResult result = spec_.score(LatestVitals(context.stay, context.at_ms, lookback_ms()));
    const std::string_view band = spec_.band(result);
    Scored out;
    out.decision = std::string(spec_.qualitative(band));
    out.assessment = RuleAssessment(context, spec_.method, result, band, out.decision);
    for (const ScoreComponent& c : result.components) {
      if (c.points > 0) out.top.push_back(TopValue{std::string(c.name), c.value, static_cast<double>(c.points)});
    }
    std::stable_sort(out.top.begin(), out.top.end(),
                     [](const TopValue& a, const TopValue& b) { return a.contribution > b.contribution; });
    return out;
  }

 private:
  const RuleSpec& spec_;
  std::string id_;
  std::string version_;
};

class Model final : public Scorer {
 public:
  Model(std::shared_ptr<const LoadedModel> model, std::string version)
      : model_(std::move(model)), version_(std::move(version)) {
    const fhir::Json* name = model_->manifest.Find("name");
    id_ = StrCat("model:", name != nullptr ? name->text() : std::string("model"));
    if (version_.empty()) {
      const fhir::Json* section = model_->manifest.Find("model");
      const fhir::Json* sha = section == nullptr ? nullptr : section->Find("sha256");
      version_ = sha != nullptr ? sha->text() : "";
    }
  }
  const std::string& id() const override { return id_; }
  const std::string& version() const override { return version_; }
  int64_t lookback_ms() const override { return model_->features.lookback_ms(); }

  absl::StatusOr<Scored> Score(const AssessmentContext& context) const override {
    absl::StatusOr<ExplainedPrediction> p = Predict(*model_, context.stay, context.at_ms);
    if (!p.ok()) return p.status();
    Scored out;
    out.assessment = ModelAssessment(context, *model_, *p, version_);
    out.probability = p->probability;
    out.threshold = model_->threshold;
    out.decision = p->alert ? "high" : "low";
    for (size_t i = 0; i < p->contributions.size() && i < kTopValues; ++i) {
      const Contribution& c = p->contributions[i];
      std::optional<double> value;
      if (std::isfinite(c.value)) value = c.value;
      out.top.push_back(TopValue{c.feature, value, c.contribution});
    }
    return out;
  }

 private:
  std::shared_ptr<const LoadedModel> model_;
  std::string id_;
  std::string version_;
};

}  // namespace

std::shared_ptr<const Scorer> News2Scorer() { return std::make_shared<Rule>(kRules[0]); }

absl::StatusOr<std::shared_ptr<const Scorer>> RuleScorer(std::string_view name) {
  for (const RuleSpec& spec : kRules) {
    if (spec.method.code == name) return std::make_shared<Rule>(spec);
  }
  return absl::InvalidArgumentError(StrCat("unknown rule '", name, "' (rules: news2, qsofa, sirs, mews)"));
}

std::shared_ptr<const Scorer> ActiveScorers::model() const {
  for (const auto& s : shown) {
    if (s->id().starts_with("model:")) return s;
  }
  return nullptr;
}

std::shared_ptr<const Scorer> ActiveScorers::rule(std::string_view id) const {
  for (const auto& s : shown) {
    if (s->id() == id) return s;
  }
  return nullptr;
}

std::shared_ptr<const Scorer> ModelScorer(std::shared_ptr<const LoadedModel> model, std::string version) {
  return std::make_shared<Model>(std::move(model), std::move(version));
}

}  // namespace vigil::ai
