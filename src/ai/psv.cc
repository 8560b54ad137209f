#include "ai/psv.h"

#include <charconv>
#include <cmath>
#include <vector>

#include "base/calendar.h"
#include "base/str.h"

namespace vigil::ai {
namespace {

enum class Column : int { kIgnored = -1, kAge = -2, kGender = -3, kUnit = -4, kLabel = -5 };

std::vector<std::string_view> Split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t bar = line.find('|', start);
    out.push_back(line.substr(start, bar == std::string_view::npos ? bar : bar - start));
    if (bar == std::string_view::npos) return out;
    start = bar + 1;
  }
}

// A column's meaning: a signal index (>= 0) or one of Column.
int Meaning(std::string_view name) {
  if (name == "Age") return static_cast<int>(Column::kAge);
  if (name == "Gender") return static_cast<int>(Column::kGender);
  if (name == "Unit1" || name == "Unit2") return static_cast<int>(Column::kUnit);
  if (name == "SepsisLabel") return static_cast<int>(Column::kLabel);
  for (const SignalInfo& info : AllSignals()) {
    if (!info.physionet.empty() && info.physionet == name) return static_cast<int>(info.signal);
  }
  return static_cast<int>(Column::kIgnored);
}

std::optional<double> Cell(std::string_view text) {
  if (text == "NaN" || text.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

absl::StatusOr<PsvStay> ParsePsv(std::string_view text, std::string_view id) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (lines.empty()) return absl::InvalidArgumentError(StrCat(id, ": empty PSV file"));
  std::vector<int> meaning;
  for (std::string_view name : Split(lines[0])) meaning.push_back(Meaning(name));
  PsvStay out;
  out.stay.patient_id = std::string(id);
  out.stay.encounter_id = std::string(id);
  out.stay.admit_ms = 0;
  int64_t icu_start = -1;  // start of the current ICU period, -1 outside one
  std::optional<size_t> first_label;
  for (size_t k = 1; k < lines.size(); ++k) {
    std::vector<std::string_view> cells = Split(lines[k]);
    if (cells.size() != meaning.size()) {
      return absl::InvalidArgumentError(
          StrCat(id, " line ", k + 1, ": ", cells.size(), " cells, the header has ", meaning.size()));
    }
    const int64_t hour_start = static_cast<int64_t>(k - 1) * kMsPerHour;
    bool icu = false;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (meaning[c] == static_cast<int>(Column::kIgnored)) continue;
      std::optional<double> v = Cell(cells[c]);
      if (!v) {
        if (cells[c] != "NaN" && !cells[c].empty()) {
          return absl::InvalidArgumentError(StrCat(id, " line ", k + 1, " column ", c + 1, ": not a number"));
        }
        continue;
      }
      switch (static_cast<Column>(meaning[c])) {
        case Column::kAge: out.stay.age_years = *v; break;
        case Column::kGender: out.stay.male = *v == 1; break;
        case Column::kUnit: icu = icu || *v == 1; break;
        case Column::kLabel:
          if (*v == 1 && !first_label) first_label = k - 1;
          break;
        default: {
          const Signal s = static_cast<Signal>(meaning[c]);
          const double value = s == Signal::kFiO2 ? *v * 100 : *v;
          const SignalInfo& info = Info(s);
          if (value < info.min_plausible || value > info.max_plausible) break;  // charting error
          out.stay.series[meaning[c]].push_back(
              Measurement{hour_start + 30 * kMsPerMinute, static_cast<float>(value)});
        }
      }
    }
    if (icu && icu_start < 0) icu_start = hour_start;
    if (!icu && icu_start >= 0) {
      out.stay.icu_periods.emplace_back(icu_start, hour_start);
      icu_start = -1;
    }
  }
  const int64_t end = static_cast<int64_t>(lines.size() - 1) * kMsPerHour;
  if (icu_start >= 0) out.stay.icu_periods.emplace_back(icu_start, end);
  out.stay.discharge_ms = end;
  if (first_label) {
    out.outcome.sepsis = true;
    out.outcome.onset_ms = static_cast<int64_t>(*first_label + 7) * kMsPerHour;
  }
  return out;
}

}  // namespace vigil::ai
