// One synthetic hospital stay: who was admitted, when, where they were, what
// was charted, and the truth (sepsis onset, other deterioration, outcome).
//
// StayGenerator draws stays from a SitePreset (site.h); docs/synthetic-hospital.md
// describes the model. A stay depends only on (preset, seed, index), never on
// the order in which stays are generated.
//
// Thread-safety: a StayGenerator is immutable after construction; Generate may
// be called from many threads at once.
//
// Example:
//   StayGenerator gen(*SitePresetByName("community"), /*seed=*/1, start_ms);
//   Stay stay = gen.Generate(42);   // stay.patient_id == "syn-c1-000042"
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ai/signals.h"
#include "base/calendar.h"
#include "synth/site.h"

namespace vigil::synth {

// One charted value, already rounded to the signal's charted precision.
struct Measurement {
  int64_t time_ms = 0;  // whole seconds
  ai::Signal signal = ai::Signal::kHeartRate;
  double value = 0;
  bool charting_error = false;  // wrong as charted (truth only; not written to FHIR)
  bool duplicate = false;       // a second copy of the previous Measurement
};

struct UnitSegment {
  bool icu = false;
  int64_t start_ms = 0, end_ms = 0;
};

struct Stay {
  int64_t index = 0;
  std::string patient_id;    // "syn-c1-000042"
  std::string encounter_id;  // "syn-c1-000042-e"
  std::string family, given;
  bool male = false;
  int age = 0;  // whole years at admission
  CivilDate birth_date{1970, 1, 1};
  std::vector<Comorbidity> comorbidities;
  bool surgical = false;
  int64_t admit_ms = 0, discharge_ms = 0;  // whole minutes
  std::vector<UnitSegment> units;          // consecutive, covering admit..discharge
  bool sepsis = false;
  int64_t onset_ms = 0;  // when sepsis
  bool other_deterioration = false;
  bool died = false;                      // then death at discharge_ms
  std::vector<Measurement> measurements;  // by time; only those before cut_ms when admitted
  // Still in hospital when the data end (StayGenerator::MakeStillAdmitted): the
  // data stop at cut_ms; the fields above keep the whole truth (discharge, death).
  bool admitted = false;
  int64_t cut_ms = 0;  // whole minutes, admit_ms < cut_ms < discharge_ms; when admitted

  bool EverInIcu() const;
  bool InIcuAt(int64_t ms) const;
  // Where the written data end: cut_ms when admitted, else discharge_ms.
  int64_t DataEndMs() const { return admitted ? cut_ms : discharge_ms; }
};

class StayGenerator {
 public:
  // start_ms: admissions are spread over the year that begins here.
  StayGenerator(SitePreset preset, uint64_t seed, int64_t start_ms);

  Stay Generate(int64_t index) const;
  // Makes a stay from Generate one that is still in hospital at the end of
  // its data: draws the cut from the stay's own second stream (so the cut
  // depends only on preset, seed and index), drops the measurements at or
  // after it and sets admitted and cut_ms. Septic stays: half are cut 2-6 h
  // after onset, half at 30-90% of the time to onset; other stays at 40-80%
  // of the stay. REQUIRES: stay came from Generate and is not admitted yet.
  void MakeStillAdmitted(Stay& stay) const;

  const SitePreset& preset() const { return preset_; }
  // "syn-c1-000042".
  std::string PatientId(int64_t index) const;

 private:
  SitePreset preset_;
  uint64_t seed_;
  int64_t start_ms_;
  double mean_sepsis_risk_ = 1;  // normalizes the relative risks (site.h)
};

}  // namespace vigil::synth
