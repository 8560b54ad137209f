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

class News2Rule final : public Scorer {
 public:
  const std::string& id() const override { return id_; }
  const std::string& version() const override { return version_; }
  int64_t lookback_ms() const override { return 24 * kMsPerHour; }

  absl::StatusOr<Scored> Score(const AssessmentContext& context) const override {
    ScoreResult news2 = News2(LatestVitals(context.stay, context.at_ms, lookback_ms()));
    Scored out;
    out.assessment = News2Assessment(context, news2);
    out.decision = std::string(News2Qualitative(news2));
    for (const ScoreComponent& c : news2.components) {
      if (c.points > 0) out.top.push_back(TopValue{std::string(c.name), c.value, static_cast<double>(c.points)});
    }
    std::stable_sort(out.top.begin(), out.top.end(),
                     [](const TopValue& a, const TopValue& b) { return a.contribution > b.contribution; });
    return out;
  }

 private:
  std::string id_ = "news2";
  std::string version_ = "RCP-2017";
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

std::shared_ptr<const Scorer> News2Scorer() { return std::make_shared<News2Rule>(); }

std::shared_ptr<const Scorer> ModelScorer(std::shared_ptr<const LoadedModel> model, std::string version) {
  return std::make_shared<Model>(std::move(model), std::move(version));
}

}  // namespace vigil::ai
