#include "ai/model/artifact.h"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "ai/model/predict.h"
#include "ai/model/testing.h"
#include "base/calendar.h"
#include "base/file.h"
#include "fhir/json.h"
#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

namespace fs = std::filesystem;

class ArtifactTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stays_ = new std::vector<Stay>(testing::TinyStays(&labels_));
    features_ = new FeatureSet(testing::TinyFeatures());
    config_ = testing::TinyConfig();
    absl::StatusOr<TrainedModel> m =
        Train(*stays_, labels_, *features_, config_, [](std::string_view) {});
    ASSERT_TRUE(m.ok()) << m.status();
    model_ = new TrainedModel(std::move(m).value());
  }
  static void TearDownTestSuite() {
    delete model_;
    delete features_;
    delete stays_;
  }

  void SetUp() override {
    ASSERT_NE(model_, nullptr);
    std::string tmpl = ::testing::TempDir() + "/artifact_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Written(const std::string& name) {
    const std::string dir = (root_ / name).string();
    ArtifactInfo info;
    info.name = "sepsis-test";
    info.sources = {"generated in artifact_test"};
    info.created_ms = int64_t{20454} * kMsPerDay;
    absl::Status s = WriteArtifact(dir, *model_, *features_, config_, info);
    EXPECT_TRUE(s.ok()) << s;
    return dir;
  }

  static LabelMap labels_;
  static std::vector<Stay>* stays_;
  static FeatureSet* features_;
  static TrainConfig config_;
  static TrainedModel* model_;
  fs::path root_;
};

LabelMap ArtifactTest::labels_;
std::vector<Stay>* ArtifactTest::stays_ = nullptr;
FeatureSet* ArtifactTest::features_ = nullptr;
TrainConfig ArtifactTest::config_;
TrainedModel* ArtifactTest::model_ = nullptr;

TEST_F(ArtifactTest, WritesEveryFile) {
  const std::string dir = Written("m");
  for (const char* file : {"artifact.json", "model.json", "features.json", "report.json",
                           "report.html", "model_card.md"}) {
    EXPECT_TRUE(fs::is_regular_file(fs::path(dir) / file)) << file;
  }
  EXPECT_EQ(ReadFile((fs::path(dir) / "model.json").string()).value(), model_->model_json);
}

TEST_F(ArtifactTest, LoadsWhatWasWritten) {
  absl::StatusOr<LoadedModel> loaded = LoadArtifact(Written("m"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->threshold, model_->threshold);  // exactly: it is one of the validation scores
  EXPECT_EQ(loaded->calibration.slope, model_->calibration.slope);
  EXPECT_EQ(loaded->calibration.intercept, model_->calibration.intercept);
  EXPECT_EQ(loaded->features.names(), features_->names());
  EXPECT_EQ(loaded->features.spec(), features_->spec());
  EXPECT_EQ(loaded->rows.hours_before_onset, 5);
  EXPECT_EQ(loaded->rows.hours_after_onset, 3);
  EXPECT_EQ(loaded->booster.Rounds().value_or(-1), model_->rounds);
  ASSERT_NE(loaded->manifest.Find("format"), nullptr);
  EXPECT_EQ(loaded->manifest.Find("format")->text(), "vigil-model/1");
  ASSERT_NE(loaded->manifest.Find("name"), nullptr);
  EXPECT_EQ(loaded->manifest.Find("name")->text(), "sepsis-test");
}

TEST_F(ArtifactTest, LoadedModelPredictsExactlyLikeTheTrainedOne) {
  absl::StatusOr<LoadedModel> loaded = LoadArtifact(Written("m"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  LoadedModel direct{Booster::Load(model_->model_json).value(),
                     *features_,
                     model_->calibration,
                     model_->threshold,
                     config_.rows,
                     fhir::Json()};
  for (size_t i : {0u, 1u, 2u, 57u, 149u}) {
    const Stay& stay = (*stays_)[i];
    for (int hour : {1, 12, 22, 30}) {
      const int64_t at = stay.admit_ms + hour * kMsPerHour;
      absl::StatusOr<ExplainedPrediction> a = Predict(*loaded, stay, at);
      absl::StatusOr<ExplainedPrediction> b = Predict(direct, stay, at);
      ASSERT_TRUE(a.ok()) << a.status();
      ASSERT_TRUE(b.ok()) << b.status();
      EXPECT_EQ(a->probability, b->probability);
      EXPECT_EQ(a->log_odds, b->log_odds);
      EXPECT_EQ(a->base_value, b->base_value);
      EXPECT_EQ(a->alert, b->alert);
      ASSERT_EQ(a->contributions.size(), b->contributions.size());
      for (size_t j = 0; j < a->contributions.size(); ++j) {
        EXPECT_EQ(a->contributions[j].feature, b->contributions[j].feature);
        EXPECT_EQ(a->contributions[j].contribution, b->contributions[j].contribution);
      }
    }
  }
}

TEST_F(ArtifactTest, RefusesANonEmptyFolder) {
  const std::string dir = Written("m");
  absl::Status again = WriteArtifact(dir, *model_, *features_, config_, ArtifactInfo{});
  EXPECT_EQ(again.code(), absl::StatusCode::kInvalidArgument) << again;

  const fs::path other = root_ / "other";
  fs::create_directories(other);
  ASSERT_TRUE(WriteFileAtomically((other / "notes.txt").string(), "keep me").ok());
  absl::Status s = WriteArtifact(other.string(), *model_, *features_, config_, ArtifactInfo{});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_FALSE(fs::exists(other / "artifact.json"));
  EXPECT_EQ(ReadFile((other / "notes.txt").string()).value(), "keep me");
}

TEST_F(ArtifactTest, AcceptsAnExistingEmptyFolder) {
  const fs::path empty = root_ / "empty";
  fs::create_directories(empty);
  absl::Status s = WriteArtifact(empty.string(), *model_, *features_, config_, ArtifactInfo{});
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_TRUE(LoadArtifact(empty.string()).ok());
}

TEST_F(ArtifactTest, RejectsAModifiedModelFile) {
  const std::string dir = Written("m");
  const std::string path = (fs::path(dir) / "model.json").string();
  std::string json = ReadFile(path).value();
  json.insert(json.size() - 1, " ");  // still valid JSON, still the same trees
  ASSERT_TRUE(WriteFileAtomically(path, json).ok());
  absl::StatusOr<LoadedModel> loaded = LoadArtifact(dir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(loaded.status().message()).find("SHA-256"), std::string::npos)
      << loaded.status();
}

TEST_F(ArtifactTest, RejectsAModifiedFeatureSpec) {
  const std::string dir = Written("m");
  // The same number of features in another order: the trees would read wrong columns.
  ASSERT_TRUE(WriteFileAtomically(
                  (fs::path(dir) / "features.json").string(),
                  R"({"format": "vigil-features/1", "static": ["hours_since_admission", "age"],
      "signals": {"heart_rate": ["last", "mean_6h", "slope_6h", "delta_admission", "count_3h"]}})")
                  .ok());
  absl::StatusOr<LoadedModel> loaded = LoadArtifact(dir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(loaded.status().message()).find("features.json"), std::string::npos)
      << loaded.status();
}

TEST_F(ArtifactTest, MissingFolderIsNotFoundAndForeignManifestIsInvalid) {
  EXPECT_EQ(LoadArtifact((root_ / "nothing").string()).status().code(),
            absl::StatusCode::kNotFound);
  const std::string dir = Written("m");
  ASSERT_TRUE(
      WriteFileAtomically((fs::path(dir) / "artifact.json").string(), R"({"format": "other/1"})")
          .ok());
  EXPECT_EQ(LoadArtifact(dir).status().code(), absl::StatusCode::kInvalidArgument);
}

// Predict with the trained model's calibration, or with none (identity).
LoadedModel InMemory(const TrainedModel& trained, const FeatureSet& features, bool calibrated) {
  return LoadedModel{Booster::Load(trained.model_json).value(),
                     features,
                     calibrated ? trained.calibration : Calibration{},
                     trained.threshold,
                     RowOptions{},
                     fhir::Json()};
}

TEST_F(ArtifactTest, UncalibratedPredictionIsXgboostsMarginAndProbability) {
  const LoadedModel model = InMemory(*model_, *features_, false);
  const Stay& stay = (*stays_)[3];  // septic
  for (int hour = 1; hour <= 27; hour += 2) {
    const int64_t at = stay.admit_ms + hour * kMsPerHour;
    absl::StatusOr<ExplainedPrediction> p = Predict(model, stay, at);
    ASSERT_TRUE(p.ok()) << p.status();
    std::vector<float> x(features_->size());
    features_->Compute(stay, at, x);
    Matrix m = Matrix::Create(x, 1, x.size()).value();
    EXPECT_NEAR(p->log_odds, model.booster.PredictMargin(m).value()[0], 1e-4);
    EXPECT_NEAR(p->probability, model.booster.PredictProbability(m).value()[0], 1e-5);
  }
}

TEST_F(ArtifactTest, PredictionIsBaseValuePlusContributionsAndMatchesXgboost) {
  const LoadedModel model = InMemory(*model_, *features_, true);
  const Calibration& c = model_->calibration;
  const Stay& stay = (*stays_)[3];  // septic
  for (int hour = 1; hour <= 27; hour += 2) {
    const int64_t at = stay.admit_ms + hour * kMsPerHour;
    absl::StatusOr<ExplainedPrediction> p = Predict(model, stay, at);
    ASSERT_TRUE(p.ok()) << p.status();
    double sum = p->base_value;
    for (const Contribution& contribution : p->contributions) sum += contribution.contribution;
    EXPECT_NEAR(sum, p->log_odds, 1e-9);
    EXPECT_NEAR(p->probability, 1 / (1 + std::exp(-p->log_odds)), 1e-12);
    EXPECT_EQ(p->alert, p->probability >= model_->threshold);

    // The same row through XGBoost's own margin, calibrated.
    std::vector<float> x(features_->size());
    features_->Compute(stay, at, x);
    Matrix m = Matrix::Create(x, 1, x.size()).value();
    const double margin = model.booster.PredictMargin(m).value()[0];
    EXPECT_NEAR(p->log_odds, c.LogOdds(margin), 1e-4 * std::max(1.0, std::abs(c.slope)));
    EXPECT_NEAR(p->probability, c.Probability(margin), 1e-5);

    // Every feature once, largest |contribution| first, with its value.
    ASSERT_EQ(p->contributions.size(), features_->size());
    for (size_t j = 1; j < p->contributions.size(); ++j) {
      EXPECT_GE(std::abs(p->contributions[j - 1].contribution),
                std::abs(p->contributions[j].contribution));
    }
    for (size_t k = 0; k < features_->size(); ++k) {
      auto it =
          std::find_if(p->contributions.begin(), p->contributions.end(),
                       [&](const Contribution& c) { return c.feature == features_->names()[k]; });
      ASSERT_NE(it, p->contributions.end()) << features_->names()[k];
      if (std::isnan(x[k])) {
        EXPECT_TRUE(std::isnan(it->value));
      } else {
        EXPECT_EQ(it->value, x[k]);
      }
    }
  }
}

}  // namespace
}  // namespace vigil::ai
