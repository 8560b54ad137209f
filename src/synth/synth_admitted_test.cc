// `vigil synth --admitted N`: the last N stays are still in hospital.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/calendar.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"
#include "fhir/resource.h"
#include "fhir/validate.h"
#include "synth/generator.h"
#include "synth/patient_model.h"
#include "synth/site.h"
#include "synth/writer.h"

namespace vigil::synth {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kStart = EpochMs(2026, 1, 1, 0, 0, 0, 0);

class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "/synth_admitted_test_XXXXXX";
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

SynthOptions Options(const fs::path& out, int64_t patients, int64_t admitted) {
  SynthOptions o;
  o.patients = patients;
  o.admitted = admitted;
  o.seed = 4;
  o.out_dir = out.string();
  o.psv = true;
  return o;
}

std::string Text(const fhir::Json& json, std::string_view member) {
  const fhir::Json* m = json.Find(member);
  return m == nullptr ? "" : m->text();
}

int64_t Ms(const fhir::Json& json, std::string_view member) {
  return ParseFhirDateTimeMs(Text(json, member)).value_or(-1);
}

// "syn-c4-000034-o12" -> "syn-c4-000034": the id up to its third dash.
std::string PatientOf(const std::string& id) {
  return id.substr(0, id.find('-', id.find('-', id.find('-') + 1) + 1));
}

// The lines of an NDJSON file, parsed, grouped by the patient they belong to.
std::map<std::string, std::vector<fhir::Json>> ByPatient(const fs::path& file) {
  std::map<std::string, std::vector<fhir::Json>> out;
  for (const std::string& line : Lines(ReadFile(file))) {
    fhir::Json json = *fhir::ParseJson(line);
    out[PatientOf(Text(json, "id"))].push_back(std::move(json));
  }
  return out;
}

// One run with --admitted 6 of 40 stays and the same run with --admitted 0.
class AdmittedRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dirs_ = new TempDir[2];
    ASSERT_TRUE(Generate(Options(dirs_[0].path(), 40, 6)).ok());
    ASSERT_TRUE(Generate(Options(dirs_[1].path(), 40, 0)).ok());
  }
  static void TearDownTestSuite() { delete[] dirs_; }
  static const fs::path& admitted() { return dirs_[0].path(); }
  static const fs::path& discharged() { return dirs_[1].path(); }

  static std::vector<fhir::Json> TruthStays(const fs::path& dir) {
    return fhir::ParseJson(ReadFile(dir / "truth.json"))->Find("stays")->items();
  }

 private:
  static TempDir* dirs_;
};

TempDir* AdmittedRun::dirs_ = nullptr;

TEST_F(AdmittedRun, TheLastNEncountersAreInProgressWithoutAnEnd) {
  std::vector<std::string> lines = Lines(ReadFile(admitted() / "Encounter.ndjson"));
  ASSERT_EQ(lines.size(), 40u);
  int in_progress = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    fhir::Json e = *fhir::ParseJson(lines[i]);
    bool still = i >= 34;
    EXPECT_EQ(Text(e, "status"), still ? "in-progress" : "finished") << i;
    EXPECT_EQ(e.Find("period")->Find("end") == nullptr, still) << i;
    EXPECT_EQ(e.Find("hospitalization") == nullptr, still) << i;
    in_progress += Text(e, "status") == "in-progress";
    if (!still) continue;
    const std::vector<fhir::Json>& locations = e.Find("location")->items();
    ASSERT_FALSE(locations.empty());
    for (size_t k = 0; k < locations.size(); ++k) {
      bool current = k + 1 == locations.size();
      EXPECT_EQ(Text(locations[k], "status"), current ? "active" : "completed") << lines[i];
      EXPECT_EQ(locations[k].Find("period")->Find("end") == nullptr, current) << lines[i];
    }
  }
  EXPECT_EQ(in_progress, 6);
  // Stays that are not admitted are written exactly as without --admitted.
  std::vector<std::string> full = Lines(ReadFile(discharged() / "Encounter.ndjson"));
  for (size_t i = 0; i < 34; ++i) EXPECT_EQ(lines[i], full[i]) << i;
}

TEST_F(AdmittedRun, TruthKeepsTheWholeStayAndMarksItAdmitted) {
  std::vector<fhir::Json> stays = TruthStays(admitted());
  std::vector<fhir::Json> full = TruthStays(discharged());
  ASSERT_EQ(stays.size(), 40u);
  for (size_t i = 0; i < stays.size(); ++i) {
    const fhir::Json& s = stays[i];
    bool still = i >= 34;
    EXPECT_EQ(s.Find("admitted") != nullptr, still) << i;
    EXPECT_EQ(s.Find("data_end") != nullptr, still) << i;
    for (const char* member : {"patient", "encounter", "admit", "discharge", "icu", "sepsis",
                               "onset", "other_deterioration", "outcome"}) {
      EXPECT_EQ(Text(s, member), Text(full[i], member)) << i << " " << member;
    }
    if (!still) continue;
    EXPECT_TRUE(s.Find("admitted")->bool_value());
    EXPECT_GT(Ms(s, "data_end"), Ms(s, "admit"));
    EXPECT_LT(Ms(s, "data_end"), Ms(s, "discharge"));
  }
}

TEST_F(AdmittedRun, ObservationsStopAtTheCutAndAreThoseOfTheFullStay) {
  std::vector<fhir::Json> truth = TruthStays(admitted());
  std::map<std::string, std::vector<fhir::Json>> cut = ByPatient(admitted() / "Observation.ndjson");
  std::map<std::string, std::vector<fhir::Json>> full =
      ByPatient(discharged() / "Observation.ndjson");
  for (size_t i = 34; i < truth.size(); ++i) {
    const std::string patient = Text(truth[i], "patient");
    const int64_t data_end = Ms(truth[i], "data_end");
    const std::vector<fhir::Json>& kept = cut[patient];
    const std::vector<fhir::Json>& all = full[patient];
    ASSERT_FALSE(kept.empty()) << patient;
    ASSERT_LT(kept.size(), all.size()) << patient;
    for (size_t k = 0; k < kept.size(); ++k) {
      EXPECT_LT(Ms(kept[k], "effectiveDateTime"), data_end) << patient << " " << k;
      EXPECT_EQ(fhir::WriteJson(kept[k]), fhir::WriteJson(all[k])) << patient << " " << k;
    }
    EXPECT_GE(Ms(all[kept.size()], "effectiveDateTime"), data_end) << patient;
  }
  EXPECT_EQ(cut.size(), full.size());
}

TEST_F(AdmittedRun, PsvRowsEndAtTheCut) {
  std::vector<fhir::Json> truth = TruthStays(admitted());
  for (size_t i = 34; i < truth.size(); ++i) {
    const int64_t hours =
        (Ms(truth[i], "data_end") - Ms(truth[i], "admit") + kMsPerHour - 1) / kMsPerHour;
    std::vector<std::string> rows =
        Lines(ReadFile(admitted() / "psv" / (Text(truth[i], "patient") + ".psv")));
    EXPECT_EQ(static_cast<int64_t>(rows.size()), hours + 1) << Text(truth[i], "patient");
  }
}

TEST_F(AdmittedRun, EveryResourceIsValidR4AndNoDeathIsForetold) {
  for (const char* name : {"Patient.ndjson", "Encounter.ndjson"}) {
    std::vector<std::string> lines = Lines(ReadFile(admitted() / name));
    for (size_t i = 34; i < lines.size(); ++i) {
      absl::StatusOr<fhir::Json> resource = fhir::ParseResource(lines[i]);
      ASSERT_TRUE(resource.ok()) << Message(resource.status()) << "\n" << lines[i];
      EXPECT_TRUE(fhir::ValidateResource(*resource).empty()) << lines[i];
      EXPECT_EQ(resource->Find("deceasedDateTime"), nullptr) << lines[i];
    }
  }
}

TEST(SynthAdmitted, SameOptionsGiveByteIdenticalFilesWhateverTheThreads) {
  TempDir a, b;
  SynthOptions oa = Options(a.path(), 30, 9);
  SynthOptions ob = Options(b.path(), 30, 9);
  ob.threads = 1;
  ob.chunk_size = 4;
  ASSERT_TRUE(Generate(oa).ok());
  ASSERT_TRUE(Generate(ob).ok());
  for (const char* name : {"Patient.ndjson", "Encounter.ndjson", "Observation.ndjson",
                           "Condition.ndjson", "truth.json", "psv/syn-c4-000029.psv"}) {
    std::string first = ReadFile(a.path() / name);
    EXPECT_FALSE(first.empty()) << name;
    EXPECT_EQ(first, ReadFile(b.path() / name)) << name;
  }
}

TEST(SynthAdmitted, EveryStayMayBeAdmittedButNoMore) {
  TempDir dir;
  SynthOptions o = Options(dir.path(), 5, 5);
  ASSERT_TRUE(Generate(o).ok());
  std::string encounters = ReadFile(dir.path() / "Encounter.ndjson");
  size_t in_progress = 0;
  for (const std::string& line : Lines(encounters)) {
    in_progress += line.find(R"("status":"in-progress")") != std::string::npos;
  }
  EXPECT_EQ(in_progress, 5u);
  for (int64_t bad : {int64_t{-1}, int64_t{6}}) {
    o.admitted = bad;
    absl::Status status = Generate(o);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(Message(status).find("--admitted must be between 0 and --patients"),
              std::string_view::npos)
        << Message(status);
  }
}

// The cut over 2,000 community stays, all made admitted: septic stays about
// half a few hours after onset, half before it; others 40-80% of the way.
TEST(SynthAdmitted, SepticStaysAreCutBeforeOrAFewHoursAfterOnset) {
  StayGenerator gen(*SitePresetByName("community"), 7, kStart);
  int septic = 0, after_onset = 0;
  for (int64_t i = 0; i < 2000; ++i) {
    Stay full = gen.Generate(i);
    Stay s = full;
    gen.MakeStillAdmitted(s);
    ASSERT_TRUE(s.admitted);
    EXPECT_EQ(s.cut_ms % kMsPerMinute, 0);
    EXPECT_GT(s.cut_ms, s.admit_ms);
    EXPECT_LT(s.cut_ms, s.discharge_ms);
    EXPECT_EQ(s.DataEndMs(), s.cut_ms);
    EXPECT_EQ(s.discharge_ms, full.discharge_ms);
    ASSERT_LE(s.measurements.size(), full.measurements.size());
    if (!s.measurements.empty()) {
      EXPECT_LT(s.measurements.back().time_ms, s.cut_ms);
    }
    if (s.measurements.size() < full.measurements.size()) {
      EXPECT_GE(full.measurements[s.measurements.size()].time_ms, s.cut_ms);
    }
    const double cut_h = static_cast<double>(s.cut_ms - s.admit_ms) / kMsPerHour;
    if (!s.sepsis) {
      const double los_h = static_cast<double>(s.discharge_ms - s.admit_ms) / kMsPerHour;
      EXPECT_GE(cut_h, 0.4 * los_h - 1.0 / 60) << s.patient_id;
      EXPECT_LE(cut_h, 0.8 * los_h + 1.0 / 60) << s.patient_id;
      continue;
    }
    ++septic;
    const double onset_h = static_cast<double>(s.onset_ms - s.admit_ms) / kMsPerHour;
    if (s.cut_ms > s.onset_ms) {
      ++after_onset;
      EXPECT_GE(cut_h, onset_h + 2 - 1.0 / 60) << s.patient_id;
      EXPECT_LE(cut_h, onset_h + 6 + 1.0 / 60) << s.patient_id;
    } else {
      EXPECT_GE(cut_h, 0.3 * onset_h - 1.0 / 60) << s.patient_id;
      EXPECT_LE(cut_h, 0.9 * onset_h + 1.0 / 60) << s.patient_id;
    }
  }
  ASSERT_GT(septic, 70);
  const double fraction = static_cast<double>(after_onset) / septic;
  EXPECT_GT(fraction, 0.35) << after_onset << " of " << septic;
  EXPECT_LT(fraction, 0.65) << after_onset << " of " << septic;
}

TEST(SynthAdmitted, TheCutDependsOnlyOnSeedSiteAndIndex) {
  StayGenerator gen(*SitePresetByName("academic"), 3, kStart);
  Stay first = gen.Generate(17), other = gen.Generate(18), again = gen.Generate(17);
  gen.MakeStillAdmitted(first);
  gen.MakeStillAdmitted(other);
  gen.MakeStillAdmitted(again);
  EXPECT_EQ(first.cut_ms, again.cut_ms);
  EXPECT_EQ(first.measurements.size(), again.measurements.size());
  EXPECT_EQ(PatientOf(first.encounter_id), "syn-a3-000017");
}

}  // namespace
}  // namespace vigil::synth
