// Writing stays as FHIR R4 NDJSON, the truth file and PhysioNet 2019 PSV.
//
// Lines are formatted directly into a string buffer (no JSON tree: this is the
// hot path of `vigil synth`); every line is one valid R4 resource that
// fhir::ValidateResource accepts (synth_test checks). Codes, units and
// displays of Observations come from ai/signals.h. docs/synthetic-hospital.md
// specifies the files.
//
// Thread-safety: stateless functions; each call appends to its own buffer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "synth/patient_model.h"
#include "synth/site.h"

namespace vigil::synth {

// Each appends one line per resource, '\n' included. A stay still admitted
// (Stay::admitted) is written as the data stood at cut_ms: Encounter
// in-progress without period.end, hospitalization or an end to the current
// location; no Patient.deceasedDateTime.
void AppendPatient(const Stay& stay, std::string& out);
void AppendEncounter(const Stay& stay, std::string& out);
void AppendConditions(const Stay& stay, std::string& out);
// Values are written with the precision of site.physiology.norms.
void AppendObservations(const Stay& stay, const SitePreset& site, std::string& out);

// truth.json is TruthHeader, the entries joined by ",\n", then TruthFooter.
std::string TruthHeader(uint64_t seed, std::string_view site, std::string_view start);
// One object, no separator; the whole truth, plus "admitted" and "data_end"
// for a stay still admitted.
void AppendTruthEntry(const Stay& stay, std::string& out);
inline constexpr std::string_view kTruthFooter = "\n]}\n";

// The 41 PhysioNet/CinC 2019 columns, in order.
std::span<const std::string_view> PhysioNetColumns();
// The whole psv/<patient id>.psv file: a header and one row per hour of the
// stay (of its data, up to cut_ms, when the stay is still admitted).
std::string PsvTable(const Stay& stay, const SitePreset& site);

// "2026-01-01T07:12:00Z" (whole seconds, UTC).
void AppendInstant(int64_t ms, std::string& out);

}  // namespace vigil::synth
