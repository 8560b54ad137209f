// Bedside early-warning scores computed from the latest vital signs: NEWS2,
// qSOFA, SIRS and MEWS. Each returns its total and one component per chart
// parameter, so a caller can show why a patient scored what they scored.
//
// Sources (the tables in news2.cc, qsofa.cc, sirs.cc, mews.cc copy them):
//   NEWS2  Royal College of Physicians. National Early Warning Score (NEWS) 2:
//          Standardising the assessment of acute-illness severity in the NHS.
//          London: RCP, 2017. Chart 1 (scoring system) and chart 2 (thresholds).
//   qSOFA  Seymour CW et al. Assessment of clinical criteria for sepsis. JAMA
//          2016;315(8):762-774.
//   SIRS   Bone RC et al. Definitions for sepsis and organ failure. ACCP/SCCM
//          Consensus Conference. Chest 1992;101(6):1644-1655.
//   MEWS   Subbe CP et al. Validation of a modified Early Warning Score in medical
//          admissions. QJM 2001;94(10):521-526.
//
// Conventions shared by all four scores:
// - Inputs are in the canonical units of ai/signals.h. A parameter that was not
//   measured (nullopt, or a NaN/infinite value) scores 0 points, keeps a nullopt
//   `value` and is counted in ScoreResult::missing; the total is then a lower
//   bound, and callers should show `missing` next to it.
// - The charts are printed at the precision nurses chart: whole numbers for
//   respiratory rate, SpO2, systolic pressure, heart rate and GCS, one decimal
//   for temperature. A value is first rounded to that precision, half away from
//   zero (20.5 -> 21, 38.05 -> 38.1), and the band is looked up for the rounded
//   value. ScoreComponent::value keeps the raw input. Laboratory values (SIRS: WBC,
//   PaCO2) and the oxygen inputs are compared unrounded.
// - Supplemental oxygen means o2_flow > 0 or fio2 > 21. With neither measured
//   the patient is scored as breathing air (NEWS2 "air or oxygen" 0 points, SpO2
//   scale 2 read on air) and the air-or-oxygen component counts as missing.
// - Consciousness is the GCS total. NEWS2 and qSOFA read GCS < 15 as not alert
//   (new confusion / altered mentation). MEWS needs AVPU, which GCS does not
//   determine; we approximate it as GCS 15 -> Alert, 13-14 -> Voice,
//   9-12 -> Pain, 3-8 -> Unresponsive.
//
// Thread-safety: all functions are pure; ScoreResult owns its components, whose
// names and the scorer name point to static strings.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace vigil::ai {

// The latest value of each input, in canonical units (see ai/signals.h);
// nullopt = not measured.
struct VitalSigns {
  std::optional<double> respiratory_rate;  // /min
  std::optional<double> spo2;              // %
  std::optional<double> temperature;       // Cel
  std::optional<double> systolic_bp;       // mm[Hg]
  std::optional<double> heart_rate;        // /min
  std::optional<double> gcs;               // Glasgow Coma Scale total 3..15 (15 = Alert)
  std::optional<double> o2_flow;           // L/min inhaled oxygen; > 0 means supplemental oxygen
  std::optional<double> fio2;              // %; > 21 means supplemental oxygen
  std::optional<double> wbc;               // 10*3/uL (SIRS)
  std::optional<double> paco2;             // mm[Hg] (SIRS)
  bool spo2_scale2 = false;                // NEWS2 SpO2 scale 2 (hypercapnic respiratory failure)
};

struct ScoreComponent {
  // The input scored: "respiratory_rate", "spo2", "air_or_oxygen",
  // "systolic_bp", "heart_rate", "consciousness", "temperature", "wbc", "paco2".
  std::string_view name;
  // The raw value scored; nullopt when not measured (scores 0 points).
  // "consciousness" holds the GCS; "air_or_oxygen" holds 1 (oxygen) or 0 (air).
  std::optional<double> value;
  int points = 0;
};

struct ScoreResult {
  std::string_view scorer;  // "news2", "qsofa", "sirs", "mews"
  int total = 0;            // sum of components' points
  int missing = 0;          // components that were not measured
  std::vector<ScoreComponent> components;
};

// Components, in this order: respiratory_rate, spo2, air_or_oxygen,
// systolic_bp, heart_rate, consciousness, temperature.
ScoreResult News2(const VitalSigns& v);

// Components: respiratory_rate (>= 22), systolic_bp (<= 100), consciousness
// (GCS < 15); 1 point each.
ScoreResult Qsofa(const VitalSigns& v);

// Components, 1 point each: temperature (> 38 or < 36), heart_rate (> 90),
// one respiratory criterion (RR > 20 or PaCO2 < 32), wbc (> 12 or < 4).
// The respiratory component is named after the input that decided it:
// "respiratory_rate" when RR > 20 or PaCO2 does not score, "paco2" when PaCO2
// scores and RR does not or was not measured. It is missing only when both are.
ScoreResult Sirs(const VitalSigns& v);

// Components, in this order: systolic_bp, heart_rate, respiratory_rate,
// temperature, consciousness (AVPU approximated from GCS, see above).
ScoreResult Mews(const VitalSigns& v);

// NEWS2 clinical risk (RCP 2017, chart 2): "high" (total >= 7), "medium"
// (5-6), "low-medium" (0-4 with a single parameter scoring 3), else "low".
// REQUIRES: news2 was returned by News2().
std::string_view News2Risk(const ScoreResult& news2);

// A qSOFA or SIRS total at or above these is a positive screen.
inline constexpr int kQsofaPositive = 2;
inline constexpr int kSirsPositive = 2;

}  // namespace vigil::ai
