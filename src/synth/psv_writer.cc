// PhysioNet/CinC 2019 PSV: one row per hour since admission, up to the end of
// the data (writer.h).
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <iterator>
#include <limits>
#include <vector>

#include "ai/signals.h"
#include "base/calendar.h"
#include "synth/writer.h"

namespace vigil::synth {
namespace {

constexpr std::array<std::string_view, 41> kColumns = {
    "HR",        "O2Sat",        "Temp",
    "SBP",       "MAP",          "DBP",
    "Resp",      "EtCO2",        "BaseExcess",
    "HCO3",      "FiO2",         "pH",
    "PaCO2",     "SaO2",         "AST",
    "BUN",       "Alkalinephos", "Calcium",
    "Chloride",  "Creatinine",   "Bilirubin_direct",
    "Glucose",   "Lactate",      "Magnesium",
    "Phosphate", "Potassium",    "Bilirubin_total",
    "TroponinI", "Hct",          "Hgb",
    "PTT",       "WBC",          "Fibrinogen",
    "Platelets", "Age",          "Gender",
    "Unit1",     "Unit2",        "HospAdmTime",
    "ICULOS",    "SepsisLabel"};
constexpr int kMeasuredColumns = 34;  // HR .. Platelets

// Column of each signal (signals.h names it), -1 for signals PhysioNet lacks.
std::array<int, ai::kSignalCount> SignalColumns() {
  std::array<int, ai::kSignalCount> columns{};
  for (const ai::SignalInfo& info : ai::AllSignals()) {
    int column = -1;
    for (int c = 0; c < kMeasuredColumns; ++c) {
      if (!info.physionet.empty() && kColumns[c] == info.physionet) column = c;
    }
    columns[static_cast<int>(info.signal)] = column;
  }
  return columns;
}

void AppendHeader(std::string& out) {
  for (size_t c = 0; c < kColumns.size(); ++c) {
    if (c > 0) out += '|';
    out += kColumns[c];
  }
  out += '\n';
}

}  // namespace

std::span<const std::string_view> PhysioNetColumns() { return kColumns; }

std::string PsvTable(const Stay& stay, const SitePreset& site) {
  static const std::array<int, ai::kSignalCount> columns = SignalColumns();
  int64_t rows =
      std::max<int64_t>(1, (stay.DataEndMs() - stay.admit_ms + kMsPerHour - 1) / kMsPerHour);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> grid(static_cast<size_t>(rows) * kMeasuredColumns, kNaN);
  std::array<int, kMeasuredColumns> decimals{};
  for (const ai::SignalInfo& info : ai::AllSignals()) {
    int c = columns[static_cast<int>(info.signal)];
    if (c >= 0) decimals[c] = site.physiology.norms[static_cast<int>(info.signal)].decimals;
  }
  int fio2 = columns[static_cast<int>(ai::Signal::kFiO2)];
  decimals[fio2] = 2;
  for (const Measurement& m : stay.measurements) {  // by time: the last one in an hour wins
    int c = columns[static_cast<int>(m.signal)];
    int64_t row = (m.time_ms - stay.admit_ms) / kMsPerHour;
    if (c < 0 || row < 0 || row >= rows) continue;
    grid[static_cast<size_t>(row) * kMeasuredColumns + c] = c == fio2 ? m.value / 100 : m.value;
  }
  int64_t label_from = std::numeric_limits<int64_t>::max();
  if (stay.sepsis) label_from = (stay.onset_ms - stay.admit_ms) / kMsPerHour - 6;

  std::string out;
  out.reserve(static_cast<size_t>(rows) * 160 + 400);
  AppendHeader(out);
  for (int64_t k = 0; k < rows; ++k) {
    for (int c = 0; c < kMeasuredColumns; ++c) {
      double v = grid[static_cast<size_t>(k) * kMeasuredColumns + c];
      if (std::isnan(v)) {
        out += "NaN|";
      } else {
        fmt::format_to(std::back_inserter(out), "{:.{}f}|", v, decimals[c]);
      }
    }
    bool icu = stay.InIcuAt(stay.admit_ms + k * kMsPerHour);
    fmt::format_to(std::back_inserter(out), "{}|{}|{}|0|0|{}|{}\n", stay.age, stay.male ? 1 : 0,
                   icu ? 1 : 0, k + 1, k >= label_from ? 1 : 0);
  }
  return out;
}

}  // namespace vigil::synth
