// A hospital stay as the AI layer sees it: who, when, and every measurement of
// every clinical signal (src/ai/signals.h) in time order.
//
// TimelineBuilder turns FHIR resources into stays. It is the only place where
// FHIR shapes are read for features, so training (from NDJSON files or the store)
// and live scoring build exactly the same timelines:
//   - Patient: gender, birthDate.
//   - Encounter: one stay per Encounter, from period.start to period.end (open
//     when end is missing); the ICU periods from location entries whose display
//     is "ICU".
//   - Observation (status final, amended, corrected or preliminary): the signal
//     from a LOINC coding in code, the time from effectiveDateTime (or
//     effectivePeriod.start / issued), the value from valueQuantity converted to
//     the signal's canonical unit (a few common alternatives: [degF], FiO2 as a
//     fraction, glucose in mmol/L, creatinine in umol/L, lactate in mg/dL), and
//     the stay from the encounter reference — or, without one, the subject's stay
//     whose period contains the time.
// Values outside the signal's plausible range are charting errors: they are
// counted and left out, never silently used. Everything else that cannot be read
// (unknown code or unit, no time, no value) is counted by reason in Stats.
//
// Thread-safety: a builder is used by one thread; the stays it returns are plain
// values.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ai/signals.h"
#include "fhir/json.h"

namespace vigil::ai {

struct Measurement {
  int64_t time_ms;
  float value;  // canonical unit of the signal
  friend bool operator<(const Measurement& a, const Measurement& b) { return a.time_ms < b.time_ms; }
};

inline constexpr int64_t kOpenEnd = std::numeric_limits<int64_t>::max();

struct Stay {
  std::string patient_id;
  std::string encounter_id;
  int64_t admit_ms = 0;
  int64_t discharge_ms = kOpenEnd;  // kOpenEnd while admitted
  std::optional<double> age_years;  // at admission
  std::optional<bool> male;
  std::vector<std::pair<int64_t, int64_t>> icu_periods;  // [start, end) in ms
  std::array<std::vector<Measurement>, kSignalCount> series;  // each sorted by time

  const std::vector<Measurement>& Series(Signal s) const { return series[static_cast<int>(s)]; }
  bool InIcu(int64_t at_ms) const;
  // The time of the stay's last measurement; admit_ms when there is none.
  int64_t LastMeasurementMs() const;
};

class TimelineBuilder {
 public:
  struct Stats {
    size_t observations_used = 0;
    std::map<std::string, size_t> skipped;  // reason -> count ("implausible value", ...)
  };

  // Reads one resource; other resource types are ignored.
  void Add(const fhir::Json& resource);

  // The stays in admission order (ties by encounter id), measurements sorted.
  // Observations whose stay cannot be found are counted in stats().
  std::vector<Stay> Finish();

  const Stats& stats() const { return stats_; }

 private:
  struct PendingObservation {
    std::string patient_id;
    std::string encounter_id;  // empty when the Observation names none
    Signal signal;
    Measurement m;
  };
  struct PatientFacts {
    std::optional<bool> male;
    std::optional<int64_t> birth_ms;
  };

  void AddPatient(const fhir::Json& r);
  void AddEncounter(const fhir::Json& r);
  void AddObservation(const fhir::Json& r);
  void Skip(std::string_view reason) { ++stats_.skipped[std::string(reason)]; }

  std::unordered_map<std::string, PatientFacts> patients_;
  std::vector<Stay> stays_;
  std::vector<PendingObservation> observations_;
  Stats stats_;
};

// The id a Reference points to when it names `type`: "Patient/123",
// "https://x/fhir/Patient/123" or "Patient/123/_history/2" -> "123"; empty otherwise.
std::string_view ReferenceTargetId(const fhir::Json* reference, std::string_view type);

// The clinical signal an Observation measures (a LOINC coding of code), and its
// time (effectiveDateTime, effectivePeriod.start, effectiveInstant or issued).
std::optional<Signal> ObservationSignal(const fhir::Json& observation);
std::optional<int64_t> ObservationTimeMs(const fhir::Json& observation);

// Converts `value` in `ucum` to the signal's canonical unit; nullopt when the unit
// is not one Vigil knows for that signal.
std::optional<double> ToCanonicalUnit(Signal s, double value, std::string_view ucum);

}  // namespace vigil::ai
