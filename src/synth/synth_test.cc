#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ai/signals.h"
#include "base/calendar.h"
#include "base/str.h"
#include "fhir/json.h"
#include "fhir/resource.h"
#include "fhir/validate.h"
#include "synth/generator.h"
#include "synth/measure.h"
#include "synth/patient_model.h"
#include "synth/rng.h"
#include "synth/site.h"
#include "synth/writer.h"

namespace vigil::synth {
namespace {

namespace fs = std::filesystem;
using ai::Signal;

constexpr int64_t kStart = EpochMs(2026, 1, 1, 0, 0, 0, 0);

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "/synth_test_XXXXXX";
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

SynthOptions Options(const fs::path& out, int64_t patients, uint64_t seed) {
  SynthOptions o;
  o.patients = patients;
  o.seed = seed;
  o.out_dir = out.string();
  o.psv = true;
  return o;
}

const std::vector<Stay>& Stays(const std::string& site) {
  static std::map<std::string, std::vector<Stay>> cache;
  auto it = cache.find(site);
  if (it != cache.end()) return it->second;
  StayGenerator gen(*SitePresetByName(site), 7, kStart);
  std::vector<Stay> stays;
  for (int i = 0; i < 2000; ++i) stays.push_back(gen.Generate(i));
  return cache[site] = std::move(stays);
}

double Hours(int64_t ms) { return static_cast<double>(ms) / kMsPerHour; }

TEST(SynthRng, IsTheStandardMersenneTwister) {
  // The C++ standard fixes the 10000th output of a default-seeded mt19937_64.
  Rng rng(5489u);
  for (int i = 0; i < 9999; ++i) rng.Bits();
  EXPECT_EQ(rng.Bits(), 9981545732273789042ull);
}

TEST(SynthRng, StreamsDifferBySeedSiteAndIndex) {
  uint64_t base = Rng::SeedFor(1, "community", 5);
  EXPECT_EQ(base, Rng::SeedFor(1, "community", 5));
  EXPECT_NE(base, Rng::SeedFor(2, "community", 5));
  EXPECT_NE(base, Rng::SeedFor(1, "academic", 5));
  EXPECT_NE(base, Rng::SeedFor(1, "community", 6));
}

TEST(SynthRng, DrawsHaveTheirMoments) {
  Rng rng(11);
  double sum = 0, sum2 = 0, exp_sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    double x = rng.Normal(3, 2);
    sum += x;
    sum2 += x * x;
    exp_sum += rng.Exponential(4);
  }
  double mean = sum / n;
  EXPECT_NEAR(mean, 3, 0.02);
  EXPECT_NEAR(std::sqrt(sum2 / n - mean * mean), 2, 0.02);
  EXPECT_NEAR(exp_sum / n, 4, 0.05);
}

TEST(SynthSitePreset, KnowsTwoSites) {
  ASSERT_TRUE(SitePresetByName("community").has_value());
  ASSERT_TRUE(SitePresetByName("academic").has_value());
  EXPECT_FALSE(SitePresetByName("rural").has_value());
  SitePreset c = *SitePresetByName("community"), a = *SitePresetByName("academic");
  EXPECT_EQ(c.letter, 'c');
  EXPECT_EQ(a.letter, 'a');
  EXPECT_DOUBLE_EQ(c.case_mix.sepsis_fraction, 0.05);
  EXPECT_DOUBLE_EQ(a.case_mix.sepsis_fraction, 0.08);
  EXPECT_DOUBLE_EQ(a.devices.spo2_bias, -1.0);
  EXPECT_DOUBLE_EQ(a.devices.temp_bias, 0.2);
  EXPECT_DOUBLE_EQ(c.devices.temp_bias, 0);
}

TEST(SynthStayGenerator, IdsNameSiteSeedAndIndex) {
  StayGenerator c(*SitePresetByName("community"), 1, kStart);
  StayGenerator a(*SitePresetByName("academic"), 1, kStart);
  StayGenerator c12(*SitePresetByName("community"), 12, kStart);
  EXPECT_EQ(c.PatientId(42), "syn-c1-000042");
  EXPECT_EQ(a.PatientId(42), "syn-a1-000042");
  EXPECT_EQ(c12.PatientId(3), "syn-c12-000003");
  EXPECT_EQ(c.PatientId(1234567), "syn-c1-1234567");
  Stay stay = c.Generate(42);
  EXPECT_EQ(stay.encounter_id, "syn-c1-000042-e");
}

TEST(SynthStayGenerator, SameIndexGivesSameStayWhateverTheOrder) {
  StayGenerator gen(*SitePresetByName("academic"), 3, kStart);
  Stay later = gen.Generate(17);
  gen.Generate(4);
  Stay again = gen.Generate(17);
  EXPECT_EQ(later.admit_ms, again.admit_ms);
  ASSERT_EQ(later.measurements.size(), again.measurements.size());
  for (size_t i = 0; i < later.measurements.size(); ++i) {
    EXPECT_EQ(later.measurements[i].value, again.measurements[i].value);
  }
}

TEST(SynthGenerate, SameSeedGivesByteIdenticalFilesWhateverTheThreads) {
  TempDir a, b, c;
  SynthOptions oa = Options(a.path(), 40, 5);
  SynthOptions ob = Options(b.path(), 40, 5);
  ob.threads = 1;
  ob.chunk_size = 7;
  SynthOptions oc = Options(c.path(), 40, 6);
  ASSERT_TRUE(Generate(oa).ok());
  ASSERT_TRUE(Generate(ob).ok());
  ASSERT_TRUE(Generate(oc).ok());
  for (const char* name : {"Patient.ndjson", "Encounter.ndjson", "Observation.ndjson",
                           "Condition.ndjson", "truth.json", "psv/syn-c5-000039.psv"}) {
    std::string first = ReadFile(a.path() / name);
    EXPECT_FALSE(first.empty()) << name;
    EXPECT_EQ(first, ReadFile(b.path() / name)) << name;
  }
  EXPECT_NE(ReadFile(a.path() / "Observation.ndjson"), ReadFile(c.path() / "Observation.ndjson"));
  EXPECT_EQ(Lines(ReadFile(a.path() / "Patient.ndjson")).size(), 40u);
  EXPECT_EQ(std::distance(fs::directory_iterator(a.path() / "psv"), fs::directory_iterator{}), 40);
}

TEST(SynthGenerate, EveryResourceIsValidR4) {
  TempDir dir;
  std::vector<int64_t> progress;
  SynthOptions o = Options(dir.path(), 30, 1);
  o.chunk_size = 8;
  ASSERT_TRUE(Generate(o, [&progress](int64_t done, int64_t total) {
                EXPECT_EQ(total, 30);
                progress.push_back(done);
              }).ok());
  EXPECT_EQ(progress, (std::vector<int64_t>{8, 16, 24, 30}));
  std::set<std::string> ids;
  size_t resources = 0;
  for (const char* name :
       {"Patient.ndjson", "Encounter.ndjson", "Observation.ndjson", "Condition.ndjson"}) {
    for (const std::string& line : Lines(ReadFile(dir.path() / name))) {
      absl::StatusOr<fhir::Json> resource = fhir::ParseResource(line);
      ASSERT_TRUE(resource.ok()) << name << ": " << Message(resource.status()) << "\n" << line;
      std::vector<fhir::ValidationIssue> issues = fhir::ValidateResource(*resource);
      for (const fhir::ValidationIssue& issue : issues) {
        ADD_FAILURE() << name << ": " << issue.severity << " " << issue.expression << ": "
                      << issue.message << "\n"
                      << line;
      }
      std::string key =
          StrCat(resource->Find("resourceType")->text(), "/", resource->Find("id")->text());
      EXPECT_TRUE(ids.insert(key).second) << "duplicate id " << key;
      ++resources;
    }
  }
  EXPECT_GT(resources, 30u * 50);
}

TEST(SynthGenerate, ObservationsCarryTheSignalTableCodesAndIrregularTimes) {
  StayGenerator gen(*SitePresetByName("community"), 1, kStart);
  Stay stay = gen.Generate(3);
  std::string text;
  AppendObservations(stay, gen.preset(), text);
  int on_the_hour = 0, lines = 0;
  for (const std::string& line : Lines(text)) {
    fhir::Json obs = *fhir::ParseJson(line);
    const fhir::Json& coding = obs.Find("code")->Find("coding")->items()[0];
    std::optional<Signal> s = ai::SignalByLoinc(coding.Find("code")->text());
    ASSERT_TRUE(s.has_value()) << line;
    EXPECT_EQ(coding.Find("display")->text(), ai::Info(*s).display);
    EXPECT_EQ(obs.Find("valueQuantity")->Find("code")->text(), ai::Info(*s).ucum);
    EXPECT_EQ(obs.Find("subject")->Find("reference")->text(), "Patient/syn-c1-000003");
    const std::string& when = obs.Find("effectiveDateTime")->text();
    ASSERT_EQ(when.size(), 20u) << when;  // 2026-01-01T07:12:03Z
    if (when.substr(14, 5) == "00:00") ++on_the_hour;
    ++lines;
  }
  EXPECT_EQ(lines, static_cast<int>(stay.measurements.size()));
  EXPECT_LT(on_the_hour, lines / 20);
}

TEST(SynthGenerate, IntegerVitalsAndDecimalTemperature) {
  StayGenerator gen(*SitePresetByName("community"), 1, kStart);
  Stay stay = gen.Generate(8);
  std::string text;
  AppendObservations(stay, gen.preset(), text);
  for (const std::string& line : Lines(text)) {
    fhir::Json obs = *fhir::ParseJson(line);
    Signal s =
        *ai::SignalByLoinc(obs.Find("code")->Find("coding")->items()[0].Find("code")->text());
    const std::string& value = obs.Find("valueQuantity")->Find("value")->text();
    if (s == Signal::kHeartRate || s == Signal::kSystolicBp || s == Signal::kGcs) {
      EXPECT_EQ(value.find('.'), std::string::npos) << value;
    }
    if (s == Signal::kTemperature) {
      EXPECT_EQ(value.size() - value.find('.'), 2u) << value;
    }
    if (s == Signal::kCreatinine) {
      EXPECT_EQ(value.size() - value.find('.'), 3u) << value;
    }
  }
}

TEST(SynthTruth, FileListsEveryStayWithTheDocumentedMembers) {
  TempDir dir;
  SynthOptions o = Options(dir.path(), 25, 9);
  o.site = "academic";
  o.start = "2025-03-01";
  ASSERT_TRUE(Generate(o).ok());
  absl::StatusOr<fhir::Json> truth = fhir::ParseJson(ReadFile(dir.path() / "truth.json"));
  ASSERT_TRUE(truth.ok()) << Message(truth.status());
  EXPECT_EQ(truth->Find("format")->text(), "vigil-synth-truth/1");
  EXPECT_EQ(truth->Find("seed")->text(), "9");
  EXPECT_EQ(truth->Find("site")->text(), "academic");
  EXPECT_EQ(truth->Find("start")->text(), "2025-03-01");
  const std::vector<fhir::Json>& stays = truth->Find("stays")->items();
  ASSERT_EQ(stays.size(), 25u);
  EXPECT_EQ(stays[0].Find("patient")->text(), "syn-a9-000000");
  EXPECT_EQ(stays[24].Find("encounter")->text(), "syn-a9-000024-e");
  for (const fhir::Json& s : stays) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : s.members()) keys.push_back(k);
    bool sepsis = s.Find("sepsis")->bool_value();
    std::vector<std::string> want = {"patient", "encounter", "admit", "discharge", "icu", "sepsis"};
    if (sepsis) want.push_back("onset");
    want.push_back("other_deterioration");
    want.push_back("outcome");
    EXPECT_EQ(keys, want);
    EXPECT_GE(s.Find("admit")->text(), "2025-03-01");
    std::string outcome = s.Find("outcome")->text();
    EXPECT_TRUE(outcome == "discharged" || outcome == "died") << outcome;
  }
}

TEST(SynthTruth, DeathsAndIcuStaysShowInPatientAndEncounter) {
  int died = 0, icu = 0;
  for (const Stay& s : Stays("community")) {
    std::string patient, encounter;
    AppendPatient(s, patient);
    AppendEncounter(s, encounter);
    fhir::Json p = *fhir::ParseJson(patient), e = *fhir::ParseJson(encounter);
    const fhir::Json* deceased = p.Find("deceasedDateTime");
    const std::string& end = e.Find("period")->Find("end")->text();
    const std::string& disposition = e.Find("hospitalization")
                                         ->Find("dischargeDisposition")
                                         ->Find("coding")
                                         ->items()[0]
                                         .Find("code")
                                         ->text();
    EXPECT_EQ(deceased != nullptr, s.died);
    EXPECT_EQ(disposition, s.died ? "exp" : "home");
    if (s.died) {
      EXPECT_EQ(deceased->text(), end);
    }
    bool any_icu = false;
    const std::vector<fhir::Json>& locations = e.Find("location")->items();
    for (const fhir::Json& l : locations) {
      any_icu |= l.Find("location")->Find("display")->text() == "ICU";
    }
    EXPECT_EQ(locations.front().Find("period")->Find("start")->text(),
              e.Find("period")->Find("start")->text());
    EXPECT_EQ(locations.back().Find("period")->Find("end")->text(), end);
    EXPECT_EQ(any_icu, s.EverInIcu());
    died += s.died;
    icu += any_icu;
  }
  EXPECT_GT(died, 10);
  EXPECT_GT(icu, 200);
}

TEST(SynthTruth, OnsetLiesInsideTheStayWithTwelveHoursEitherSide) {
  for (const char* site : {"community", "academic"}) {
    for (const Stay& s : Stays(site)) {
      EXPECT_GE(s.discharge_ms - s.admit_ms, kMsPerDay - kMsPerMinute);
      if (!s.sepsis) continue;
      EXPECT_GE(s.onset_ms - s.admit_ms, 12 * kMsPerHour) << s.patient_id;
      EXPECT_GE(s.discharge_ms - s.onset_ms, 12 * kMsPerHour - kMsPerMinute) << s.patient_id;
      EXPECT_FALSE(s.other_deterioration);
    }
  }
}

TEST(SynthTruth, SepticFractionIsNearThePresets) {
  auto fraction = [](const std::vector<Stay>& stays) {
    return static_cast<double>(
               std::count_if(stays.begin(), stays.end(), [](const Stay& s) { return s.sepsis; })) /
           static_cast<double>(stays.size());
  };
  // Binomial sd at n = 2000: 0.5 and 0.6 percentage points.
  EXPECT_NEAR(fraction(Stays("community")), 0.05, 0.015);
  EXPECT_NEAR(fraction(Stays("academic")), 0.08, 0.018);
}

TEST(SynthTruth, SitesDifferInCaseMixAndIcuUse) {
  auto mean_age = [](const std::vector<Stay>& stays) {
    double sum = 0;
    for (const Stay& s : stays) sum += s.age;
    return sum / static_cast<double>(stays.size());
  };
  auto icu = [](const std::vector<Stay>& stays) {
    return static_cast<double>(std::count_if(stays.begin(), stays.end(),
                                             [](const Stay& s) { return s.EverInIcu(); })) /
           static_cast<double>(stays.size());
  };
  EXPECT_GT(mean_age(Stays("community")), mean_age(Stays("academic")) + 8);
  EXPECT_NEAR(icu(Stays("community")), 0.18, 0.05);
  EXPECT_NEAR(icu(Stays("academic")), 0.42, 0.06);
}

double MeanCharted(const std::vector<Stay>& stays, Signal signal) {
  double sum = 0, n = 0;
  for (const Stay& s : stays) {
    if (s.sepsis || s.other_deterioration) continue;
    for (const Measurement& m : s.measurements) {
      if (m.signal == signal && !m.charting_error) {
        sum += m.value;
        ++n;
      }
    }
  }
  return sum / n;
}

TEST(SynthStays, AcademicThermometersReadHighAndOximetersLow) {
  double temp = MeanCharted(Stays("academic"), Signal::kTemperature) -
                MeanCharted(Stays("community"), Signal::kTemperature);
  EXPECT_NEAR(temp, 0.2, 0.08);
  // Despite fewer COPD patients (lower SpO2) at the academic site.
  double spo2 = MeanCharted(Stays("academic"), Signal::kSpO2) -
                MeanCharted(Stays("community"), Signal::kSpO2);
  EXPECT_LT(spo2, -0.3);
}

TEST(SynthStays, UnitsAreConsecutiveAndCoverTheStay) {
  for (const Stay& s : Stays("community")) {
    ASSERT_FALSE(s.units.empty());
    EXPECT_EQ(s.units.front().start_ms, s.admit_ms);
    EXPECT_EQ(s.units.back().end_ms, s.discharge_ms);
    for (size_t i = 1; i < s.units.size(); ++i) {
      EXPECT_EQ(s.units[i].start_ms, s.units[i - 1].end_ms);
      EXPECT_NE(s.units[i].icu, s.units[i - 1].icu);
    }
    for (const Measurement& m : s.measurements) {
      EXPECT_GE(m.time_ms, s.admit_ms);
      EXPECT_LT(m.time_ms, s.discharge_ms);
    }
  }
}

TEST(SynthStays, IcuPatientsAreMeasuredMoreOften) {
  double ward_hr = 0, ward_h = 0, icu_hr = 0, icu_h = 0;
  for (const Stay& s : Stays("community")) {
    for (const UnitSegment& u : s.units) (u.icu ? icu_h : ward_h) += Hours(u.end_ms - u.start_ms);
    for (const Measurement& m : s.measurements) {
      if (m.signal == Signal::kHeartRate) (s.InIcuAt(m.time_ms) ? icu_hr : ward_hr) += 1;
    }
  }
  double ward_interval = ward_h / ward_hr, icu_interval = icu_h / icu_hr;
  EXPECT_NEAR(ward_interval, 4.0, 0.8);
  EXPECT_NEAR(icu_interval, 1.0, 0.25);
}

// Mean of a signal's values in [from, to) over all stays that have one.
double MeanBetween(const Stay& s, Signal signal, int64_t from, int64_t to, int* count) {
  double sum = 0;
  int n = 0;
  for (const Measurement& m : s.measurements) {
    if (m.signal == signal && m.time_ms >= from && m.time_ms < to && !m.charting_error) {
      sum += m.value;
      ++n;
    }
  }
  *count += n > 0;
  return n > 0 ? sum / n : 0;
}

TEST(SynthStays, SepticStaysShowAProdromeBeforeOnset) {
  for (Signal signal : {Signal::kHeartRate, Signal::kLactate, Signal::kRespiratoryRate}) {
    double before = 0, admission = 0;
    int n_before = 0, n_admission = 0;
    for (const Stay& s : Stays("community")) {
      if (!s.sepsis) continue;
      before += MeanBetween(s, signal, s.onset_ms - 6 * kMsPerHour, s.onset_ms, &n_before);
      admission += MeanBetween(s, signal, s.admit_ms, s.admit_ms + 4 * kMsPerHour, &n_admission);
    }
    ASSERT_GT(n_before, 20) << static_cast<int>(signal);
    ASSERT_GT(n_admission, 10) << static_cast<int>(signal);
    EXPECT_GT(before / n_before, admission / n_admission) << ai::Info(signal).name;
  }
}

TEST(SynthStays, SepsisPredictsLactateButDistractorsExist) {
  // Non-septic stays also have abnormal episodes: some high heart rates.
  int nonseptic_tachy = 0;
  for (const Stay& s : Stays("community")) {
    if (s.sepsis) continue;
    for (const Measurement& m : s.measurements) {
      if (m.signal == Signal::kHeartRate && m.value > 110 && !m.charting_error) {
        ++nonseptic_tachy;
        break;
      }
    }
  }
  EXPECT_GT(nonseptic_tachy, 100);
  int other = std::count_if(Stays("community").begin(), Stays("community").end(),
                            [](const Stay& s) { return s.other_deterioration; });
  EXPECT_NEAR(other, 0.04 * 0.95 * 2000, 25);
}

// Pairs of (a, b) values charted at the same moment in non-erroneous measurements.
std::vector<std::pair<double, double>> SameTime(const Stay& s, Signal a, Signal b) {
  std::vector<std::pair<double, double>> pairs;
  std::map<int64_t, double> first;
  for (const Measurement& m : s.measurements) {
    if (m.signal == a && !m.duplicate) first[m.time_ms] = m.value;
  }
  for (const Measurement& m : s.measurements) {
    auto it = first.find(m.time_ms);
    if (m.signal == b && !m.duplicate && it != first.end()) pairs.emplace_back(it->second, m.value);
  }
  return pairs;
}

TEST(SynthStays, HaematocritIsAboutThreeTimesHaemoglobin) {
  double sum = 0;
  int n = 0;
  for (const Stay& s : Stays("community")) {
    for (auto [hgb, hct] : SameTime(s, Signal::kHemoglobin, Signal::kHematocrit)) {
      sum += hct / hgb;
      ++n;
    }
  }
  ASSERT_GT(n, 5000);
  EXPECT_NEAR(sum / n, 3.0, 0.03);
}

TEST(SynthStays, DirectBilirubinTakesMostOfASepticRise) {
  double quiet = 0, septic = 0;
  int n_quiet = 0, n_septic = 0;
  for (const Stay& s : Stays("academic")) {
    std::map<int64_t, double> total;
    for (const Measurement& m : s.measurements) {
      if (m.signal == Signal::kBilirubinTotal) total[m.time_ms] = m.value;
    }
    for (const Measurement& m : s.measurements) {
      if (m.signal != Signal::kBilirubinDirect) continue;
      ASSERT_TRUE(total.contains(m.time_ms)) << "direct bilirubin without total";
      double ratio = m.value / total[m.time_ms];
      if (s.sepsis && m.time_ms >= s.onset_ms && m.time_ms < s.onset_ms + kMsPerDay) {
        septic += ratio;
        ++n_septic;
      } else if (!s.sepsis && !s.other_deterioration) {
        quiet += ratio;
        ++n_quiet;
      }
    }
  }
  ASSERT_GT(n_quiet, 1000);
  ASSERT_GT(n_septic, 50);
  // Personal fraction 0.3 e^N(0, 0.25) (mean 0.31), raised a little by rounding to 0.1.
  EXPECT_NEAR(quiet / n_quiet, 0.32, 0.03);
  EXPECT_GT(septic / n_septic, quiet / n_quiet + 0.04);
}

TEST(SynthStays, EndTidalCo2OnlyInTheIcuAndBelowPaCo2) {
  int etco2 = 0, icu_stays = 0, ventilated_stays = 0;
  double gradient = 0;
  int gas_hours = 0;
  for (const Stay& s : Stays("academic")) {
    bool any = false;
    std::map<int64_t, double> by_hour;
    for (const Measurement& m : s.measurements) {
      if (m.signal != Signal::kEtCO2) continue;
      EXPECT_TRUE(s.InIcuAt(m.time_ms)) << s.patient_id;
      by_hour[(m.time_ms - s.admit_ms) / kMsPerHour] = m.value;
      any = true;
      ++etco2;
    }
    for (const Measurement& m : s.measurements) {
      auto it = by_hour.find((m.time_ms - s.admit_ms) / kMsPerHour);
      if (m.signal == Signal::kPaCO2 && it != by_hour.end()) {
        gradient += m.value - it->second;
        ++gas_hours;
      }
    }
    icu_stays += s.EverInIcu();
    ventilated_stays += any;
  }
  EXPECT_GT(etco2, 5000);
  // About a third of ICU spans are ventilated (Practice::icu_ventilated_prob*).
  EXPECT_NEAR(static_cast<double>(ventilated_stays) / icu_stays, 0.33, 0.05);
  ASSERT_GT(gas_hours, 500);
  // Personal gradient N(4, 1.5) (COPD +4), wider in sepsis.
  EXPECT_NEAR(gradient / gas_hours, 4.5, 0.8);
}

// Mean of a signal over septic stays from onset to 24 h after it, and over
// stays without any deterioration.
std::pair<double, double> SepticAndQuietMeans(const std::vector<Stay>& stays, Signal signal) {
  double septic = 0, quiet = 0;
  int n_septic = 0, n_quiet = 0;
  for (const Stay& s : stays) {
    for (const Measurement& m : s.measurements) {
      if (m.signal != signal || m.charting_error) continue;
      if (s.sepsis && m.time_ms >= s.onset_ms && m.time_ms < s.onset_ms + kMsPerDay) {
        septic += m.value;
        ++n_septic;
      } else if (!s.sepsis && !s.other_deterioration) {
        quiet += m.value;
        ++n_quiet;
      }
    }
  }
  EXPECT_GT(n_septic, 30) << ai::Info(signal).name;
  EXPECT_GT(n_quiet, 30) << ai::Info(signal).name;
  return {septic / std::max(1, n_septic), quiet / std::max(1, n_quiet)};
}

TEST(SynthStays, SepsisMovesTheAddedLabsAsDocumented) {
  const std::vector<Stay>& stays = Stays("academic");
  auto [be_septic, be_quiet] = SepticAndQuietMeans(stays, Signal::kBaseExcess);
  // Van Slyke at HCO3 25 (COPD 28), pH 7.40: about +0.6 to +0.9.
  EXPECT_NEAR(be_quiet, 0.8, 0.4);
  EXPECT_LT(be_septic, be_quiet - 2);
  auto [ptt_septic, ptt_quiet] = SepticAndQuietMeans(stays, Signal::kPtt);
  EXPECT_NEAR(ptt_quiet, 30, 1);
  EXPECT_GT(ptt_septic, ptt_quiet * 1.05);
  auto [fib_septic, fib_quiet] = SepticAndQuietMeans(stays, Signal::kFibrinogen);
  EXPECT_GT(fib_septic, fib_quiet * 1.1);
  auto [ca_septic, ca_quiet] = SepticAndQuietMeans(stays, Signal::kCalcium);
  EXPECT_NEAR(ca_quiet, 9.2, 0.2);
  EXPECT_LT(ca_septic, ca_quiet - 0.15);
  auto [et_septic, et_quiet] = SepticAndQuietMeans(stays, Signal::kEtCO2);
  EXPECT_LT(et_septic, et_quiet - 3);
}

TEST(SynthStays, ChartingErrorsArePresentButRare) {
  int64_t hand = 0, errors = 0, outside = 0, duplicates = 0, total = 0;
  for (const Stay& s : Stays("community")) {
    for (const Measurement& m : s.measurements) {
      ++total;
      duplicates += m.duplicate;
      Signal sig = m.signal;
      if (sig == Signal::kHeartRate || sig == Signal::kRespiratoryRate || sig == Signal::kSpO2 ||
          sig == Signal::kTemperature || sig == Signal::kSystolicBp ||
          sig == Signal::kDiastolicBp) {
        ++hand;
      }
      if (m.charting_error) {
        ++errors;
        const ai::SignalInfo& info = ai::Info(sig);
        outside += m.value < info.min_plausible || m.value > info.max_plausible;
      } else {
        EXPECT_GE(m.value, ai::Info(sig).min_plausible) << ai::Info(sig).name;
        EXPECT_LE(m.value, ai::Info(sig).max_plausible) << ai::Info(sig).name;
      }
    }
  }
  double rate = static_cast<double>(errors) / static_cast<double>(hand);
  EXPECT_GT(rate, 0.001);
  EXPECT_LT(rate, 0.0035);
  EXPECT_GT(outside, 0);
  EXPECT_GT(duplicates, 0);
  EXPECT_LT(static_cast<double>(duplicates) / static_cast<double>(total), 0.002);
}

TEST(SynthChartingError, TransposesAddsAZeroOrWritesFahrenheit) {
  Rng rng(3);
  std::set<double> seen_hr, seen_temp;
  for (int i = 0; i < 200; ++i) {
    seen_hr.insert(ChartingError(Signal::kHeartRate, 87, 0, rng));
    seen_temp.insert(ChartingError(Signal::kTemperature, 37.2, 1, rng));
  }
  EXPECT_EQ(seen_hr, (std::set<double>{78, 870}));
  EXPECT_EQ(seen_temp, (std::set<double>{32.7, 99.0, 372.0}));
}

TEST(SynthPsv, HasThePhysioNetColumnsAndOneRowPerHour) {
  const std::string header =
      "HR|O2Sat|Temp|SBP|MAP|DBP|Resp|EtCO2|BaseExcess|HCO3|FiO2|pH|PaCO2|SaO2|AST|BUN|"
      "Alkalinephos|Calcium|Chloride|Creatinine|Bilirubin_direct|Glucose|Lactate|Magnesium|"
      "Phosphate|Potassium|Bilirubin_total|TroponinI|Hct|Hgb|PTT|WBC|Fibrinogen|Platelets|Age|"
      "Gender|Unit1|Unit2|HospAdmTime|ICULOS|SepsisLabel";
  SitePreset site = *SitePresetByName("community");
  int septic_checked = 0;
  for (const Stay& s : Stays("community")) {
    if (!s.sepsis && s.index % 50 != 0) continue;
    std::vector<std::string> lines = Lines(PsvTable(s, site));
    ASSERT_EQ(lines[0], header);
    int64_t hours = (s.discharge_ms - s.admit_ms + kMsPerHour - 1) / kMsPerHour;
    ASSERT_EQ(static_cast<int64_t>(lines.size()), hours + 1);
    int64_t label_from = s.sepsis ? (s.onset_ms - s.admit_ms) / kMsPerHour - 6 : hours + 1;
    for (int64_t k = 0; k < hours; ++k) {
      std::vector<std::string> cells;
      std::stringstream row(lines[k + 1]);
      for (std::string cell; std::getline(row, cell, '|');) cells.push_back(cell);
      ASSERT_EQ(cells.size(), 41u) << lines[k + 1];
      EXPECT_EQ(cells[34], std::to_string(s.age));
      EXPECT_EQ(cells[35], s.male ? "1" : "0");
      EXPECT_EQ(cells[36], s.InIcuAt(s.admit_ms + k * kMsPerHour) ? "1" : "0");
      EXPECT_EQ(cells[37], "0");
      EXPECT_EQ(cells[38], "0");
      EXPECT_EQ(cells[39], std::to_string(k + 1));
      EXPECT_EQ(cells[40], k >= label_from ? "1" : "0") << s.patient_id << " row " << k;
      if (cells[10] != "NaN") {
        EXPECT_GE(std::stod(cells[10]), 0.21);
        EXPECT_LE(std::stod(cells[10]), 1.0);
      }
    }
    septic_checked += s.sepsis;
  }
  EXPECT_GT(septic_checked, 50);
}

TEST(SynthPsv, SignalTableColumnsExistInTheHeader) {
  std::span<const std::string_view> columns = PhysioNetColumns();
  ASSERT_EQ(columns.size(), 41u);
  for (const ai::SignalInfo& info : ai::AllSignals()) {
    if (info.physionet.empty()) continue;
    EXPECT_NE(std::find(columns.begin(), columns.end(), info.physionet), columns.end())
        << info.physionet;
  }
}

TEST(SynthPsv, EveryMeasuredColumnIsOneSignal) {
  std::span<const std::string_view> columns = PhysioNetColumns();
  for (int c = 0; c < 34; ++c) {  // HR .. Platelets
    int signals = 0;
    for (const ai::SignalInfo& info : ai::AllSignals()) signals += info.physionet == columns[c];
    EXPECT_EQ(signals, 1) << columns[c];
  }
}

// A 300-stay academic run: every measured PhysioNet column has values, and
// the first Observation of every signal is valid R4.
TEST(SynthPsv, EveryMeasuredColumnHasValuesInAnAcademicRun) {
  TempDir dir;
  SynthOptions o = Options(dir.path(), 300, 2);
  o.site = "academic";
  ASSERT_TRUE(Generate(o).ok());
  std::vector<int> filled(34, 0);
  for (const auto& entry : fs::directory_iterator(dir.path() / "psv")) {
    std::vector<std::string> lines = Lines(ReadFile(entry.path()));
    for (size_t k = 1; k < lines.size(); ++k) {
      std::stringstream row(lines[k]);
      std::string cell;
      for (int c = 0; c < 34 && std::getline(row, cell, '|'); ++c) filled[c] += cell != "NaN";
    }
  }
  std::span<const std::string_view> columns = PhysioNetColumns();
  for (int c = 0; c < 34; ++c) EXPECT_GT(filled[c], 0) << columns[c];

  std::set<std::string> seen;
  for (const std::string& line : Lines(ReadFile(dir.path() / "Observation.ndjson"))) {
    constexpr std::string_view kLoinc = R"("system":"http://loinc.org","code":")";
    size_t at = line.find(kLoinc);
    ASSERT_NE(at, std::string::npos) << line;
    at += kLoinc.size();
    std::string code = line.substr(at, line.find('"', at) - at);
    if (!seen.insert(code).second) continue;
    absl::StatusOr<fhir::Json> resource = fhir::ParseResource(line);
    ASSERT_TRUE(resource.ok()) << Message(resource.status()) << "\n" << line;
    EXPECT_TRUE(fhir::ValidateResource(*resource).empty()) << line;
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(ai::kSignalCount));
}

TEST(SynthPsv, LastValueInTheHourWins) {
  Stay s;
  s.patient_id = "syn-c1-000000";
  s.admit_ms = kStart;
  s.discharge_ms = kStart + 2 * kMsPerHour;
  s.units.push_back(UnitSegment{true, s.admit_ms, s.discharge_ms});
  s.measurements.push_back(
      Measurement{kStart + 10 * kMsPerMinute, Signal::kHeartRate, 80, false, false});
  s.measurements.push_back(
      Measurement{kStart + 50 * kMsPerMinute, Signal::kHeartRate, 95, false, false});
  s.measurements.push_back(
      Measurement{kStart + 70 * kMsPerMinute, Signal::kFiO2, 40, false, false});
  std::vector<std::string> lines = Lines(PsvTable(s, *SitePresetByName("community")));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].substr(0, 7), "95|NaN|");
  EXPECT_NE(lines[2].find("|0.40|"), std::string::npos) << lines[2];
}

TEST(SynthGenerate, RejectsBadOptions) {
  TempDir dir;
  SynthOptions o = Options(dir.path(), 0, 1);
  EXPECT_EQ(Generate(o).code(), absl::StatusCode::kInvalidArgument);
  o.patients = 5;
  o.site = "rural";
  absl::Status site = Generate(o);
  EXPECT_EQ(site.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(Message(site).find("unknown site 'rural'"), std::string_view::npos);
  o.site = "community";
  o.start = "2026-02-30";
  EXPECT_EQ(Generate(o).code(), absl::StatusCode::kInvalidArgument);
  o.start = "2026-01-01";
  std::ofstream(dir.path() / "file") << "x";
  o.out_dir = (dir.path() / "file" / "sub").string();
  absl::Status folder = Generate(o);
  EXPECT_EQ(folder.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(Message(folder).find("cannot create output folder"), std::string_view::npos);
}

TEST(SynthParseStartDate, AcceptsOnlyCalendarDates) {
  EXPECT_EQ(*ParseStartDate("2026-01-01"), kStart);
  EXPECT_EQ(*ParseStartDate("2024-02-29"), EpochMs(2024, 2, 29, 0, 0, 0, 0));
  EXPECT_FALSE(ParseStartDate("2025-02-29").ok());
  EXPECT_FALSE(ParseStartDate("2026-1-01").ok());
  EXPECT_FALSE(ParseStartDate("2026-01-01T00:00").ok());
  EXPECT_FALSE(ParseStartDate("").ok());
}

}  // namespace
}  // namespace vigil::synth
