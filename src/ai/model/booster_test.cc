#include "ai/model/booster.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

constexpr size_t kRows = 2000;
constexpr size_t kCols = 5;
constexpr int kRounds = 8;

// Features uniform in [0, 1), feature 4 missing one time in ten; the label is
// x0 + x1 - x2 > 0.5 after noise. Draws are our own, so the data is the same
// with any standard library.
struct Synthetic {
  std::vector<float> x;
  std::vector<float> y;
};

Synthetic Generate(size_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  Synthetic d;
  for (size_t i = 0; i < rows; ++i) {
    float row[kCols];
    for (float& v : row) v = static_cast<float>(uniform());
    if (uniform() < 0.1) row[4] = std::numeric_limits<float>::quiet_NaN();
    d.x.insert(d.x.end(), row, row + kCols);
    const double noise = 0.4 * (uniform() - 0.5);
    d.y.push_back(row[0] + row[1] - row[2] + noise > 0.5 ? 1.f : 0.f);
  }
  return d;
}

class BoosterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = Generate(kRows, 20260101);
    absl::StatusOr<Matrix> m = Matrix::Create(data_.x, kRows, kCols, data_.y);
    ASSERT_TRUE(m.ok()) << m.status();
    matrix_ = std::make_unique<Matrix>(std::move(m).value());
    absl::StatusOr<Booster> b = Booster::Create({matrix_.get()});
    ASSERT_TRUE(b.ok()) << b.status();
    booster_ = std::make_unique<Booster>(std::move(b).value());
    for (const auto& [k, v] :
         std::vector<std::pair<std::string, std::string>>{{"objective", "binary:logistic"},
                                                          {"tree_method", "hist"},
                                                          {"max_depth", "3"},
                                                          {"eta", "0.3"},
                                                          {"nthread", "1"},
                                                          {"seed", "1"},
                                                          {"eval_metric", "auc"}}) {
      ASSERT_TRUE(booster_->SetParam(k, v).ok()) << k;
    }
    for (int round = 0; round < kRounds; ++round) {
      absl::Status s = booster_->UpdateOneIter(round, *matrix_);
      ASSERT_TRUE(s.ok()) << s;
    }
  }

  std::vector<float> Margins(const Booster& b) {
    absl::StatusOr<std::vector<float>> out = b.PredictMargin(*matrix_);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : std::vector<float>();
  }

  Synthetic data_;
  std::unique_ptr<Matrix> matrix_;
  std::unique_ptr<Booster> booster_;
};

TEST_F(BoosterTest, TrainsTheRequestedRoundsAndLearnsTheRule) {
  absl::StatusOr<int> rounds = booster_->Rounds();
  ASSERT_TRUE(rounds.ok()) << rounds.status();
  EXPECT_EQ(*rounds, kRounds);
  absl::StatusOr<std::map<std::string, double>> metrics =
      booster_->Eval(kRounds - 1, *matrix_, "train");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  ASSERT_EQ(metrics->count("train-auc"), 1u);
  EXPECT_GT(metrics->at("train-auc"), 0.9);
}

TEST_F(BoosterTest, TreeShapContributionsPlusBiasEqualTheMargin) {
  std::vector<float> margin = Margins(*booster_);
  absl::StatusOr<std::vector<float>> contrib = booster_->PredictContributions(*matrix_);
  ASSERT_TRUE(contrib.ok()) << contrib.status();
  ASSERT_EQ(margin.size(), kRows);
  ASSERT_EQ(contrib->size(), kRows * (kCols + 1));
  for (size_t i = 0; i < kRows; ++i) {
    double sum = 0;
    for (size_t j = 0; j <= kCols; ++j) sum += (*contrib)[i * (kCols + 1) + j];
    ASSERT_NEAR(sum, margin[i], 1e-4) << "row " << i;
  }
  // The rule ignores x3: its contributions are small next to x0's.
  double abs0 = 0, abs3 = 0;
  for (size_t i = 0; i < kRows; ++i) {
    abs0 += std::abs((*contrib)[i * (kCols + 1) + 0]);
    abs3 += std::abs((*contrib)[i * (kCols + 1) + 3]);
  }
  EXPECT_GT(abs0, 5 * abs3);
}

TEST_F(BoosterTest, ProbabilityIsTheSigmoidOfTheMargin) {
  std::vector<float> margin = Margins(*booster_);
  absl::StatusOr<std::vector<float>> p = booster_->PredictProbability(*matrix_);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->size(), kRows);
  for (size_t i = 0; i < kRows; ++i) {
    ASSERT_NEAR((*p)[i], 1.0 / (1.0 + std::exp(-static_cast<double>(margin[i]))), 1e-6)
        << "row " << i;
  }
}

TEST_F(BoosterTest, SavedJsonLoadsToIdenticalPredictions) {
  absl::StatusOr<std::string> json = booster_->SaveJson();
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->front(), '{');
  absl::StatusOr<Booster> loaded = Booster::Load(*json);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Rounds().value_or(-1), kRounds);
  EXPECT_EQ(Margins(*loaded), Margins(*booster_));
  EXPECT_EQ(loaded->PredictContributions(*matrix_).value(),
            booster_->PredictContributions(*matrix_).value());
}

TEST_F(BoosterTest, SliceKeepsTheFirstRounds) {
  absl::StatusOr<Booster> three = booster_->Slice(3);
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(three->Rounds().value_or(-1), 3);
  EXPECT_NE(Margins(*three), Margins(*booster_));
  absl::StatusOr<Booster> all = booster_->Slice(kRounds);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(Margins(*all), Margins(*booster_));
}

TEST_F(BoosterTest, BadParameterIsInvalidArgument) {
  const std::pair<std::string, std::string> bad[] = {{"objective", "binary:nonsense"},
                                                     {"max_depth", "deep"},
                                                     {"eta", "-1"},
                                                     {"tree_method", "magic"}};
  for (const auto& [name, value] : bad) {
    absl::StatusOr<Booster> b = Booster::Create({matrix_.get()});
    ASSERT_TRUE(b.ok()) << b.status();
    ASSERT_TRUE(b->SetParam("nthread", "1").ok());
    absl::Status s = b->SetParam(name, value);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << name << "=" << value << ": " << s;
    EXPECT_NE(std::string(s.message()).find(name), std::string::npos) << s;
  }
}

TEST(BoosterLoadTest, GarbageIsAnError) {
  absl::StatusOr<Booster> b = Booster::Load("this is not a model");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Booster::Load("").ok());
}

TEST(MatrixTest, RejectsSizeMismatches) {
  std::vector<float> x(6, 1.f);
  EXPECT_EQ(Matrix::Create(x, 2, 4).status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<float> labels = {1, 0, 1};
  EXPECT_EQ(Matrix::Create(x, 2, 3, labels).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Matrix> ok = Matrix::Create(x, 3, 2, labels);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->rows(), 3u);
}

TEST(XgboostVersionTest, IsMajorMinorPatch) {
  const std::string v = XgboostVersion();
  EXPECT_EQ(std::count(v.begin(), v.end(), '.'), 2) << v;
  EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(v.front()))) << v;
}

}  // namespace
}  // namespace vigil::ai
