#include "synth/patient_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "synth/course.h"
#include "synth/measure.h"
#include "synth/rng.h"
#include "synth/schedule.h"

namespace vigil::synth {
namespace {

constexpr std::array<std::string_view, 32> kFamily = {
    "Smith",  "Johnson", "Williams", "Brown",  "Jones",   "Garcia", "Miller", "Davis",
    "Wilson", "Moore",   "Taylor",   "Thomas", "Jackson", "White",  "Harris", "Martin",
    "Clark",  "Lewis",   "Walker",   "Hall",   "Young",   "King",   "Wright", "Lopez",
    "Hill",   "Scott",   "Green",    "Adams",  "Baker",   "Nelson", "Carter", "Mitchell"};
constexpr std::array<std::string_view, 16> kMale = {
    "James",  "John",   "Robert", "Michael", "William", "David",  "Richard", "Joseph",
    "Thomas", "Daniel", "Paul",   "Mark",    "George",  "Edward", "Peter",   "Frank"};
constexpr std::array<std::string_view, 16> kFemale = {
    "Mary",  "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica",
    "Sarah", "Karen",    "Nancy",    "Lisa",  "Margaret",  "Helen",   "Anna",  "Ruth"};

constexpr int kSepsisRiskSamples = 20000;

template <size_t N>
std::string Pick(const std::array<std::string_view, N>& names, Rng& rng) {
  return std::string(names[static_cast<size_t>(rng.UniformInt(0, N - 1))]);
}

int64_t ToMinuteMs(double h) { return std::llround(h * 60) * kMsPerMinute; }
int64_t ToSecondMs(double h) { return std::llround(h * 3600) * kMsPerSecond; }

// Admissions come at any hour, most in the afternoon; minutes since midnight.
int64_t DrawAdmitMinute(Rng& rng) {
  double clock = rng.Bernoulli(0.7) ? rng.Normal(14, 3.5) : rng.Uniform(0, 24);
  clock = std::fmod(clock + 48, 24);
  return std::min<int64_t>(24 * 60 - 1, std::llround(clock * 60));
}

// A birth date that makes the person exactly `age` at admission.
CivilDate BirthDate(int64_t admit_ms, int age, Rng& rng) {
  CivilDate admit = CivilFromDays(FloorDiv(admit_ms, kMsPerDay));
  int year = admit.year - age;
  int day = std::min(admit.day, DaysInMonth(year, admit.month));
  return CivilFromDays(DaysFromCivil(year, admit.month, day) - rng.UniformInt(0, 364));
}

void FillTimeline(const Course& course, Stay& stay) {
  stay.discharge_ms = stay.admit_ms + ToMinuteMs(course.end_h);
  for (const UnitSpan& u : course.units) {
    UnitSegment seg;
    seg.icu = u.icu;
    seg.start_ms = stay.admit_ms + ToMinuteMs(u.start_h);
    seg.end_ms = std::min(stay.discharge_ms, stay.admit_ms + ToMinuteMs(u.end_h));
    if (seg.end_ms > seg.start_ms) stay.units.push_back(seg);
  }
  if (!stay.units.empty()) {
    stay.units.front().start_ms = stay.admit_ms;
    stay.units.back().end_ms = stay.discharge_ms;
  }
  stay.died = course.died;
  stay.sepsis = course.sepsis >= 0;
  stay.other_deterioration = course.other >= 0;
  if (stay.sepsis) {
    stay.onset_ms = stay.admit_ms + ToMinuteMs(course.processes[course.sepsis].onset_h);
  }
}

// Hours after admission where the data of a stay still in hospital end
// (MakeStillAdmitted). Onset is >= 12 h after admission and discharge >= 12 h
// after onset, so every cut falls strictly inside the stay.
double DrawCutHours(const Stay& stay, Rng& rng) {
  auto hours = [](int64_t ms) { return static_cast<double>(ms) / kMsPerHour; };
  if (!stay.sepsis) return hours(stay.discharge_ms - stay.admit_ms) * rng.Uniform(0.4, 0.8);
  double onset_h = hours(stay.onset_ms - stay.admit_ms);
  if (rng.Bernoulli(0.5)) return onset_h + rng.Uniform(2, 6);
  return onset_h * rng.Uniform(0.3, 0.9);
}

}  // namespace

bool Stay::EverInIcu() const {
  return std::any_of(units.begin(), units.end(), [](const UnitSegment& u) { return u.icu; });
}

bool Stay::InIcuAt(int64_t ms) const {
  for (const UnitSegment& u : units) {
    if (ms >= u.start_ms && ms < u.end_ms) return u.icu;
  }
  return false;
}

StayGenerator::StayGenerator(SitePreset preset, uint64_t seed, int64_t start_ms)
    : preset_(std::move(preset)), seed_(seed), start_ms_(start_ms) {
  // The relative risks are normalized by their mean over the case mix, so
  // that the site's sepsis fraction holds; a fixed stream keeps it exact.
  Rng rng(Rng::SeedFor(0, preset_.name, ~uint64_t{0}));
  double sum = 0;
  for (int i = 0; i < kSepsisRiskSamples; ++i) {
    sum += SepsisRelativeRisk(preset_.physiology, DrawPerson(preset_.case_mix, rng));
  }
  mean_sepsis_risk_ = sum / kSepsisRiskSamples;
}

std::string StayGenerator::PatientId(int64_t index) const {
  return fmt::format("syn-{}{}-{:06d}", preset_.letter, seed_, index);
}

Stay StayGenerator::Generate(int64_t index) const {
  Rng rng(Rng::SeedFor(seed_, preset_.name, static_cast<uint64_t>(index)));
  Stay stay;
  stay.index = index;
  stay.patient_id = PatientId(index);
  stay.encounter_id = stay.patient_id + "-e";
  Person person = DrawPerson(preset_.case_mix, rng);
  int64_t day = rng.UniformInt(0, 364);
  int64_t minute = DrawAdmitMinute(rng);
  stay.admit_ms = start_ms_ + day * kMsPerDay + minute * kMsPerMinute;
  double admit_clock_h = static_cast<double>(minute) / 60;

  double risk = SepsisRelativeRisk(preset_.physiology, person) / mean_sepsis_risk_;
  double p_sepsis = std::min(0.95, preset_.case_mix.sepsis_fraction * risk);
  Course course = DrawCourse(preset_, person, p_sepsis, admit_clock_h, rng);
  Baseline baseline = DrawBaseline(preset_.physiology, person, rng);
  std::vector<Order> orders = ScheduleStay(preset_, person, course, admit_clock_h, rng);
  std::vector<Charted> charted = ChartOrders(preset_, baseline, course, admit_clock_h, orders, rng);

  stay.male = person.male;
  stay.age = person.age;
  stay.family = Pick(kFamily, rng);
  stay.given = person.male ? Pick(kMale, rng) : Pick(kFemale, rng);
  stay.birth_date = BirthDate(stay.admit_ms, person.age, rng);
  for (int c = 0; c < kComorbidityCount; ++c) {
    if (person.comorbid[c]) stay.comorbidities.push_back(static_cast<Comorbidity>(c));
  }
  stay.surgical = person.surgical;
  FillTimeline(course, stay);
  stay.measurements.reserve(charted.size());
  for (const Charted& c : charted) {
    Measurement m;
    m.time_ms = stay.admit_ms + ToSecondMs(c.t_h);
    m.signal = c.signal;
    m.value = c.value;
    m.charting_error = c.charting_error;
    m.duplicate = c.duplicate;
    stay.measurements.push_back(m);
  }
  return stay;
}

void StayGenerator::MakeStillAdmitted(Stay& stay) const {
  Rng rng(Rng::SeedFor(seed_, preset_.name + "/admitted", static_cast<uint64_t>(stay.index)));
  stay.admitted = true;
  stay.cut_ms = stay.admit_ms + ToMinuteMs(DrawCutHours(stay, rng));
  auto first_after =
      std::lower_bound(stay.measurements.begin(), stay.measurements.end(), stay.cut_ms,
                       [](const Measurement& m, int64_t cut_ms) { return m.time_ms < cut_ms; });
  stay.measurements.erase(first_after, stay.measurements.end());
}

}  // namespace vigil::synth
