// `vigil synth --patients N --out DIR [--seed S] [--site community|academic]
//  [--psv] [--start YYYY-MM-DD] [--threads T] [--admitted N]`: a synthetic
// hospital as FHIR NDJSON, truth.json and (with --psv) PhysioNet 2019 tables
// (docs/synthetic-hospital.md).
//
// Progress goes to stderr about once a second. Exit status: 0 on success; 2
// for bad arguments (unknown site, N < 1, --admitted outside 0..N, a folder
// that cannot be created or written); 1 when writing fails part way.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.h"
#include "base/str.h"
#include "synth/generator.h"

namespace vigil::app {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

int RunSynth(const synth::SynthOptions& options) {
  Clock::time_point start = Clock::now();
  Clock::time_point last_report = start;
  auto progress = [&last_report](int64_t written, int64_t total) {
    if (written < total && Clock::now() - last_report < std::chrono::seconds(1)) return;
    last_report = Clock::now();
    std::fprintf(stderr, "vigil synth: %lld/%lld stays written\n", static_cast<long long>(written),
                 static_cast<long long>(total));
  };
  absl::Status status = synth::Generate(options, progress);
  if (!status.ok()) {
    std::fprintf(stderr, "vigil synth: %s\n", std::string(Message(status)).c_str());
    return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  std::fprintf(stderr, "vigil synth: %lld stays (site %s, seed %llu) in %s in %.1f s\n",
               static_cast<long long>(options.patients), options.site.c_str(),
               static_cast<unsigned long long>(options.seed), options.out_dir.c_str(),
               Seconds(start));
  return 0;
}

}  // namespace

void RegisterSynth(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<synth::SynthOptions>();
  CLI::App* cmd = app.add_subcommand(
      "synth", "Generate a synthetic hospital (FHIR NDJSON + truth.json) with latent sepsis");
  cmd->add_option("--patients", options->patients, "number of stays (at least 1)")->required();
  cmd->add_option("--seed", options->seed, "random seed; the same seed gives the same files")
      ->capture_default_str();
  cmd->add_option("--site", options->site, "site preset: community or academic")
      ->capture_default_str();
  cmd->add_option("--out", options->out_dir, "output folder (created if needed)")->required();
  cmd->add_flag("--psv", options->psv, "also write psv/<patient>.psv (PhysioNet 2019 format)");
  cmd->add_option("--start", options->start, "admissions spread over the year from this date")
      ->capture_default_str();
  cmd->add_option("--threads", options->threads, "worker threads")->capture_default_str();
  cmd->add_option("--admitted", options->admitted,
                  "the last N stays are still in hospital (in-progress, data cut part way)")
      ->capture_default_str();
  cmd->callback([options, &exit_code] { exit_code = RunSynth(*options); });
}

}  // namespace vigil::app
