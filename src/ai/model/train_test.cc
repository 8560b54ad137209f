#include "ai/model/train.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/calendar.h"
#include "fhir/json.h"
#include "gtest/gtest.h"

namespace vigil::ai {
namespace {

fhir::Json Parse(std::string_view text) {
  absl::StatusOr<fhir::Json> json = fhir::ParseJson(text);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : fhir::Json();
}

TEST(ParseTrainConfigTest, EmptyObjectGivesTheDefaults) {
  absl::StatusOr<TrainConfig> c = ParseTrainConfig(Parse("{}"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->rows.hours_before_onset, 6);
  EXPECT_EQ(c->rows.hours_after_onset, 3);
  EXPECT_EQ(c->rows.max_hours, 21 * 24);
  EXPECT_EQ(c->split_seed, 7u);
  EXPECT_EQ(c->validation_fraction, 0.2);
  EXPECT_EQ(c->test_fraction, 0.2);
  EXPECT_EQ(c->num_rounds, 400);
  EXPECT_EQ(c->early_stopping_rounds, 30);
  EXPECT_EQ(c->eval_metric, "aucpr");
  EXPECT_TRUE(c->xgboost_params.empty());
  EXPECT_EQ(c->max_alert_rate_per_day, 0.04);
  EXPECT_EQ(c->bootstrap_resamples, 200);
  EXPECT_EQ(c->threads, 2);
}

TEST(ParseTrainConfigTest, ReadsEverySection) {
  absl::StatusOr<TrainConfig> c = ParseTrainConfig(Parse(R"({
      "name": "ignored",
      "label": {"hours_before_onset": 4, "hours_after_onset": 2, "max_hours": 100},
      "split": {"seed": 11, "validation": 0.1, "test": 0.3},
      "xgboost": {"num_rounds": 50, "early_stopping_rounds": 5, "eta": 0.05, "max_depth": 4,
                  "tree_method": "exact", "eval_metric": "logloss"},
      "threshold": {"max_alert_rate_per_day": 0.1},
      "evaluation": {"bootstrap_resamples": 50},
      "threads": 4})"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->rows.hours_before_onset, 4);
  EXPECT_EQ(c->rows.hours_after_onset, 2);
  EXPECT_EQ(c->rows.max_hours, 100);
  EXPECT_EQ(c->split_seed, 11u);
  EXPECT_EQ(c->validation_fraction, 0.1);
  EXPECT_EQ(c->test_fraction, 0.3);
  EXPECT_EQ(c->num_rounds, 50);
  EXPECT_EQ(c->early_stopping_rounds, 5);
  EXPECT_EQ(c->eval_metric, "logloss");
  const std::map<std::string, std::string> params = {
      {"eta", "0.05"}, {"max_depth", "4"}, {"tree_method", "exact"}};
  EXPECT_EQ(c->xgboost_params, params);
  EXPECT_EQ(c->max_alert_rate_per_day, 0.1);
  EXPECT_EQ(c->bootstrap_resamples, 50);
  EXPECT_EQ(c->threads, 4);
}

TEST(ParseTrainConfigTest, RejectsBadValuesWithInvalidArgument) {
  struct Case {
    std::string_view config;
    std::string_view message_part;
  };
  const Case cases[] = {
      {R"([])", "must be a JSON object"},
      {R"({"label": {"hours_before_onset": 49}})",
       "\"hours_before_onset\" must be a whole number in [0, 48]"},
      {R"({"label": {"hours_before_onset": -1}})", "\"hours_before_onset\""},
      {R"({"label": {"hours_before_onset": 2.5}})", "\"hours_before_onset\""},
      {R"({"label": {"hours_before_onset": "6"}})", "\"hours_before_onset\""},
      {R"({"label": {"hours_after_onset": 100}})", "\"hours_after_onset\""},
      {R"({"label": {"max_hours": 0}})", "\"max_hours\""},
      {R"({"split": {"seed": -1}})", "\"seed\""},
      {R"({"split": {"validation": 0}})", "\"validation\" must be a number in (0, 1)"},
      {R"({"split": {"test": 1}})", "\"test\" must be a number in (0, 1)"},
      {R"({"split": {"test": "0.2"}})", "\"test\""},
      {R"({"split": {"validation": 0.5, "test": 0.4}})", "validation + test"},
      {R"({"xgboost": [1]})", "\"xgboost\" must be an object"},
      {R"({"xgboost": {"num_rounds": 0}})", "\"num_rounds\""},
      {R"({"xgboost": {"early_stopping_rounds": 10001}})", "\"early_stopping_rounds\""},
      {R"({"xgboost": {"max_depth": {"value": 4}}})",
       "xgboost.max_depth must be a number or string"},
      {R"({"xgboost": {"subsample": true}})", "xgboost.subsample"},
      {R"({"threshold": {"max_alert_rate_per_day": 0}})",
       "max_alert_rate_per_day must be in (0, 1]"},
      {R"({"threshold": {"max_alert_rate_per_day": 1.5}})", "max_alert_rate_per_day"},
      {R"({"threshold": {"max_alert_rate_per_day": "0.1"}})", "max_alert_rate_per_day"},
      {R"({"evaluation": {"bootstrap_resamples": 10001}})", "\"bootstrap_resamples\""},
      {R"({"threads": 0})", "\"threads\""},
      {R"({"threads": 257})", "\"threads\""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<TrainConfig> config = ParseTrainConfig(Parse(c.config));
    ASSERT_FALSE(config.ok()) << c.config;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.config;
    EXPECT_NE(std::string(config.status().message()).find(c.message_part), std::string::npos)
        << c.config << " -> " << config.status();
  }
}

TEST(SplitOfTest, IsDeterministicAndFollowsTheFractions) {
  TrainConfig config;
  config.validation_fraction = 0.1;
  config.test_fraction = 0.3;
  int counts[3] = {0, 0, 0};
  constexpr int kPatients = 20000;
  for (int i = 0; i < kPatients; ++i) {
    const std::string id = "patient-" + std::to_string(i);
    const int part = SplitOf(id, config);
    ASSERT_GE(part, 0);
    ASSERT_LE(part, 2);
    ASSERT_EQ(SplitOf(id, config), part);
    ++counts[part];
  }
  EXPECT_NEAR(counts[0] / double{kPatients}, 0.6, 0.015);
  EXPECT_NEAR(counts[1] / double{kPatients}, 0.1, 0.015);
  EXPECT_NEAR(counts[2] / double{kPatients}, 0.3, 0.015);
}

TEST(SplitOfTest, DependsOnTheSeed) {
  TrainConfig a;
  TrainConfig b;
  b.split_seed = a.split_seed + 1;
  int moved = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "p" + std::to_string(i);
    moved += SplitOf(id, a) != SplitOf(id, b);
  }
  // Two independent draws with fractions 0.6/0.2/0.2 differ 1 - 0.44 = 56% of the time.
  EXPECT_GT(moved, 450);
  EXPECT_LT(moved, 670);
}

// A small hospital: stays of 48 h with hourly heart rate and temperature; one in
// four becomes septic at a random hour in [20, 40), with heart rate and
// temperature rising over the 8 h before onset.
struct Hospital {
  std::vector<Stay> stays;
  LabelMap labels;
};

Hospital MakeHospital(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  auto noise = [&](double scale) { return scale * (uniform() + uniform() + uniform() - 1.5); };
  constexpr int64_t kStart = int64_t{20454} * kMsPerDay;
  Hospital h;
  for (int i = 0; i < n; ++i) {
    Stay s;
    s.patient_id = "p" + std::to_string(i);
    s.encounter_id = "e" + std::to_string(i);
    s.admit_ms = kStart + i * kMsPerHour;
    s.discharge_ms = s.admit_ms + 48 * kMsPerHour;
    s.age_years = 40 + 40 * uniform();
    s.male = uniform() < 0.5;
    const bool septic = i % 4 == 0;
    const int onset_hour = 20 + static_cast<int>(20 * uniform());
    const double hr0 = 70 + 20 * uniform();
    const double temp0 = 36.5 + 0.6 * uniform();
    for (int hour = 0; hour < 48; ++hour) {
      double rise = 0;
      if (septic) rise = std::clamp((hour - (onset_hour - 8)) / 8.0, 0.0, 1.0);
      const int64_t t = s.admit_ms + hour * kMsPerHour + 10 * 60 * 1000;
      s.series[static_cast<int>(Signal::kHeartRate)].push_back(
          {t, static_cast<float>(hr0 + 35 * rise + noise(8))});
      s.series[static_cast<int>(Signal::kTemperature)].push_back(
          {t, static_cast<float>(temp0 + 1.8 * rise + noise(0.3))});
    }
    h.labels[s.encounter_id] = StayOutcome{septic, s.admit_ms + onset_hour * kMsPerHour};
    h.stays.push_back(std::move(s));
  }
  return h;
}

FeatureSet SmallFeatureSet() {
  absl::StatusOr<FeatureSet> set = FeatureSet::Compile(Parse(R"({"format": "vigil-features/1",
      "static": ["age", "hours_since_admission"], "scores": ["news2"],
      "signals": {"heart_rate": ["last", "mean_6h", "slope_6h", "delta_6h"],
                  "temperature": ["last", "max_6h", "delta_admission"]}})"));
  EXPECT_TRUE(set.ok()) << set.status();
  return std::move(set).value();
}

TrainConfig FastConfig() {
  TrainConfig c;
  c.num_rounds = 40;
  c.early_stopping_rounds = 10;
  c.bootstrap_resamples = 20;
  c.threads = 1;
  c.max_alert_rate_per_day = 0.5;
  return c;
}

double NumberAt(const fhir::Json& j, std::string_view key) {
  const fhir::Json* v = j.Find(key);
  EXPECT_TRUE(v != nullptr && v->is_number()) << key;
  return v != nullptr && v->is_number() ? std::stod(v->text()) : NAN;
}

TEST(TrainTest, WithoutEarlyStoppingEveryRoundIsKept) {
  const Hospital h = MakeHospital(120, 7);
  TrainConfig config = FastConfig();
  config.num_rounds = 12;
  config.early_stopping_rounds = 0;
  config.bootstrap_resamples = 0;
  absl::StatusOr<TrainedModel> m =
      Train(h.stays, h.labels, SmallFeatureSet(), config, [](std::string_view) {});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->rounds, 12);
}

TEST(TrainTest, TrainsAModelThatBeatsChanceWithExactExplanations) {
  const Hospital h = MakeHospital(300, 42);
  const FeatureSet features = SmallFeatureSet();
  std::vector<std::string> messages;
  absl::StatusOr<TrainedModel> m = Train(h.stays, h.labels, features, FastConfig(),
                                         [&](std::string_view s) { messages.emplace_back(s); });
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE(messages.empty());
  EXPECT_EQ(m->model_json.front(), '{');
  EXPECT_GE(m->rounds, 1);
  EXPECT_LE(m->rounds, 40);
  EXPECT_GT(m->threshold, 0);
  EXPECT_LT(m->threshold, 1);
  EXPECT_EQ(m->data_fingerprint.rfind("sha256:", 0), 0u);
  EXPECT_EQ(m->data_fingerprint.size(), 7u + 64u);

  const fhir::Json& report = m->report;
  EXPECT_GT(NumberAt(report, "auroc"), 0.7);
  EXPECT_NEAR(NumberAt(report, "threshold"), m->threshold, 1e-6 * m->threshold);
  ASSERT_NE(report.Find("news2"), nullptr);
  EXPECT_TRUE(report.Find("news2")->is_object());
  EXPECT_GE(NumberAt(*report.Find("news2"), "auroc"), 0);
  ASSERT_NE(report.Find("qsofa"), nullptr);
  EXPECT_TRUE(report.Find("qsofa")->is_object());
  const fhir::Json* explanations = report.Find("explanations");
  ASSERT_NE(explanations, nullptr);
  EXPECT_LT(NumberAt(*explanations, "max_abs_error_log_odds"), 1e-3);
  EXPECT_GT(NumberAt(*explanations, "checked_rows"), 0);
  const fhir::Json* training = report.Find("training");
  ASSERT_NE(training, nullptr);
  EXPECT_EQ(NumberAt(*training, "features"), 10);
  EXPECT_EQ(NumberAt(*training, "rounds"), m->rounds);
  EXPECT_EQ(NumberAt(*training, "unlabelled_stays"), 0);
  double stays = 0;
  for (const char* part : {"train", "validation", "test"}) {
    ASSERT_NE(training->Find(part), nullptr) << part;
    stays += NumberAt(*training->Find(part), "stays");
    EXPECT_GT(NumberAt(*training->Find(part), "positive_rows"), 0) << part;
  }
  EXPECT_EQ(stays, 300);

  absl::StatusOr<Booster> booster = Booster::Load(m->model_json);
  ASSERT_TRUE(booster.ok()) << booster.status();
  absl::StatusOr<fhir::Json> again = EvaluateModelOn(*booster, m->calibration, m->threshold,
                                                     h.stays, h.labels, features, FastConfig());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_GT(NumberAt(*again, "auroc"), 0.7);
  EXPECT_NE(again->Find("news2"), nullptr);
}

TEST(TrainTest, NoSepticStaysIsInvalidArgument) {
  Hospital h = MakeHospital(40, 1);
  for (auto& [id, outcome] : h.labels) outcome.sepsis = false;
  absl::StatusOr<TrainedModel> m =
      Train(h.stays, h.labels, SmallFeatureSet(), FastConfig(), [](std::string_view) {});
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << m.status();
}

TEST(TrainTest, BadXgboostParameterIsInvalidArgument) {
  const Hospital h = MakeHospital(120, 3);
  TrainConfig config = FastConfig();
  config.xgboost_params["max_depth"] = "deep";
  absl::StatusOr<TrainedModel> m =
      Train(h.stays, h.labels, SmallFeatureSet(), config, [](std::string_view) {});
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << m.status();
}

TEST(EvaluateModelOnTest, NoLabelledStaysIsInvalidArgument) {
  const Hospital h = MakeHospital(4, 1);
  absl::StatusOr<Booster> untrained = Booster::Create({});
  ASSERT_TRUE(untrained.ok()) << untrained.status();
  absl::StatusOr<fhir::Json> r = EvaluateModelOn(*untrained, Calibration{}, 0.5, h.stays, LabelMap{},
                                                 SmallFeatureSet(), FastConfig());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
}

}  // namespace
}  // namespace vigil::ai
