// The clinical signals the AI layer reads: vital signs and laboratory values,
// each with the LOINC code and UCUM unit Vigil writes and expects.
//
// One table serves the synthetic hospital (which writes Observations with these
// codes and units), the early-warning scores (which read the latest value of
// each), the feature extractor (which maps an Observation's code to a signal)
// and the PhysioNet 2019 PSV reader/writer (column names). Values are always
// held in the signal's canonical unit.
//
// Consciousness is carried as the Glasgow Coma Scale total (LOINC 9269-2, 3-15):
// 15 is "Alert"; NEWS2 reads anything below 15 as new confusion (C of ACVPU),
// MEWS maps it to AVPU (see ai/scores/). Supplemental oxygen is the inhaled
// oxygen flow rate (L/min, 0 = room air) on wards and FiO2 (%) in the ICU.
//
// Thread-safety: the table is immutable.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace vigil::ai {

enum class Signal : uint8_t {
  // Vital signs.
  kHeartRate,
  kRespiratoryRate,
  kSpO2,
  kTemperature,
  kSystolicBp,
  kDiastolicBp,
  kMeanArterialPressure,
  kGcs,
  kO2Flow,
  kFiO2,
  // Laboratory values.
  kLactate,
  kWbc,
  kCreatinine,
  kBilirubinTotal,
  kPlatelets,
  kBun,
  kGlucose,
  kPotassium,
  kBicarbonate,
  kHemoglobin,
  kPh,
  kPaCO2,
  kChloride,
  kAst,
  // The rest of the PhysioNet 2019 set, appended so that the values above keep
  // their numbers. End-tidal CO2 is a vital sign (kVital), charted from the
  // capnograph of ventilated ICU patients; the others are laboratory values.
  kEtCO2,
  kBaseExcess,
  kSaO2,
  kAlkalinePhosphatase,
  kCalcium,
  kBilirubinDirect,
  kMagnesium,
  kPhosphate,
  kTroponinI,
  kHematocrit,
  kPtt,
  kFibrinogen,
  kCount  // number of signals; not a signal
};

inline constexpr int kSignalCount = static_cast<int>(Signal::kCount);

enum class SignalKind : uint8_t { kVital, kLab };

struct SignalInfo {
  Signal signal;
  SignalKind kind;
  std::string_view name;      // snake_case name used in feature specs: "heart_rate"
  std::string_view physionet; // PhysioNet 2019 PSV column ("HR"), empty if none
  std::string_view loinc;     // LOINC code written and matched: "8867-4"
  std::string_view display;   // LOINC display
  std::string_view ucum;      // canonical UCUM unit: "/min"
  double min_plausible;       // values outside [min, max] are charting errors
  double max_plausible;
};

// All signals, indexed by static_cast<int>(Signal).
std::span<const SignalInfo> AllSignals();
const SignalInfo& Info(Signal s);

// Lookups; nullopt when unknown.
std::optional<Signal> SignalByLoinc(std::string_view loinc);
std::optional<Signal> SignalByName(std::string_view name);

}  // namespace vigil::ai
