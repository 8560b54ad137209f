// `vigil hl7 to-fhir FILE`: HL7 v2 messages (one, several, or an FHS/BHS
// batch) to FHIR R4 transaction Bundles, printed as JSON, one per message.
//
// Exit status: 0 when every message mapped; 1 when the file cannot be read or
// parsed, or any message has an error (each named on stderr with its field,
// e.g. "message 2 (MSH-10 'X17'): PID-7: invalid date '1999133'"); the
// Bundles of the good messages are still printed. Warnings go to stderr and
// do not change the exit status.
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "base/str.h"
#include "base/time.h"
#include "fhir/json.h"
#include "ingest/hl7v2/parser.h"
#include "ingest/hl7v2/to_fhir.h"

namespace vigil::app {
namespace {

struct Hl7ToFhirArgs {
  std::string file;
  std::string offset;
  bool compact = false;
};

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read '", path, "'"));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Maps one parsed message; prints its Bundle or its problems. Returns success.
bool MapOne(const Hl7ToFhirArgs& args, const hl7v2::Message& message, const std::string& label,
            const hl7v2::MapOptions& options) {
  hl7v2::MapResult result = hl7v2::MapToFhir(message, options);
  for (const hl7v2::Issue& issue : result.issues) {
    std::cerr << "vigil hl7: " << args.file << ": " << label << ": " << issue.ToString() << "\n";
  }
  if (!result.ok()) return false;
  std::cout << fhir::WriteJson(result.bundle, !args.compact) << "\n";
  return true;
}

int RunToFhir(const Hl7ToFhirArgs& args) {
  absl::StatusOr<std::string> text = ReadAll(args.file);
  if (!text.ok()) {
    std::cerr << "vigil hl7: " << Message(text.status()) << "\n";
    return 1;
  }
  absl::StatusOr<hl7v2::Batch> batch = hl7v2::ParseBatch(*text);
  if (!batch.ok()) {
    std::cerr << "vigil hl7: " << args.file << ": " << Message(batch.status()) << "\n";
    return 1;
  }
  hl7v2::MapOptions options;
  options.received_at = FormatInstant(NowMs());
  if (!args.offset.empty()) options.default_offset = args.offset;
  bool all_ok = true;
  for (size_t i = 0; i < batch->messages.size(); ++i) {
    const absl::StatusOr<hl7v2::Message>& m = batch->messages[i];
    std::string label = StrCat("message ", i + 1);
    if (!m.ok()) {
      std::cerr << "vigil hl7: " << args.file << ": " << label << ": " << Message(m.status())
                << "\n";
      all_ok = false;
      continue;
    }
    label += StrCat(" (MSH-10 '", m->ControlId(), "')");
    all_ok = MapOne(args, *m, label, options) && all_ok;
  }
  return all_ok ? 0 : 1;
}

bool Digit(char c) { return c >= '0' && c <= '9'; }

bool IsOffset(const std::string& s) {
  if (s == "Z") return true;
  return s.size() == 6 && (s[0] == '+' || s[0] == '-') && Digit(s[1]) && Digit(s[2]) &&
         s[3] == ':' && Digit(s[4]) && Digit(s[5]);
}

}  // namespace

void RegisterHl7(CLI::App& app, int& exit_code) {
  CLI::App* hl7 = app.add_subcommand("hl7", "HL7 v2 messages");
  hl7->require_subcommand(1);
  auto args = std::make_shared<Hl7ToFhirArgs>();
  CLI::App* to_fhir = hl7->add_subcommand(
      "to-fhir", "Print the FHIR R4 transaction Bundle of each HL7 v2 message in FILE");
  to_fhir->add_option("file", args->file, "HL7 v2 file: messages or an FHS/BHS batch")->required();
  to_fhir
      ->add_option("--tz", args->offset,
                   "Offset for times without one, e.g. +01:00 (default: keep only their date)")
      ->check(
          [](const std::string& s) { return IsOffset(s) ? "" : "expected +HH:MM, -HH:MM or Z"; });
  to_fhir->add_flag("--compact", args->compact, "One line of JSON per Bundle");
  to_fhir->callback([args, &exit_code] { exit_code = RunToFhir(*args); });
}

}  // namespace vigil::app
