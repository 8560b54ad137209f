// SQL-on-FHIR view benchmark: how many Observations per second one core flattens
// through a typical view (bench/sof/observation_view.json: id, subject key, first
// code, Quantity value and unit, effective dateTime).
//
// The Observations are read once from Synthea Bundles (entries flattened and
// urn:uuid references rewritten, as `vigil view` does), then timed three ways:
//   run           the compiled view over already-parsed resources (the engine);
//   parse+run     each resource parsed from its NDJSON line, then run;
//   parse+run+csv as parse+run, with every row written as CSV to memory
//                 (what `vigil view --format csv` does per resource).
// Each mode runs whole passes over the resources until --min-time-ms has passed,
// after one warm-up pass, on the calling thread only.
//
// Usage: sof_bench [--input FILE_OR_DIR]... [--view VIEW.json] [--min-time-ms N]
//                  [--only run|parse+run|parse+run+csv]   (e.g. under perf)
// Prints one line per mode and a JSON summary on the last line.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "app/view_input.h"
#include "base/str.h"
#include "sof/row_format.h"
#include "sof/view.h"

namespace vigil::bench {
namespace {

namespace fs = std::filesystem;

struct Options {
  std::vector<std::string> inputs;
  std::string view = VIGIL_SOF_BENCH_VIEW;
  double min_time_ms = 2000;
  std::string only;  // "run", "parse+run" or "parse+run+csv": time just that mode
};

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--input") {
      o.inputs.push_back(value);
    } else if (flag == "--view") {
      o.view = value;
    } else if (flag == "--min-time-ms") {
      o.min_time_ms = std::atof(value.c_str());
    } else if (flag == "--only") {
      o.only = value;
    } else {
      std::cerr << "unknown flag " << flag << "\n";
      std::exit(2);
    }
  }
  if (o.inputs.empty()) o.inputs.push_back(VIGIL_SOF_BENCH_DATA);
  return o;
}

// Every resource of the view's type in the inputs, as compact JSON lines.
std::vector<std::string> LoadLines(const Options& o, const std::string& type) {
  std::vector<std::string> lines;
  for (const std::string& input : o.inputs) {
    std::vector<std::string> files;
    if (fs::is_directory(input)) {
      for (const auto& e : fs::directory_iterator(input)) files.push_back(e.path().string());
    } else {
      files.push_back(input);
    }
    for (const std::string& file : files) {
      auto s = app::ForEachResource(file, true, [&](const fhir::Json& r, std::string_view) {
        const fhir::Json* t = r.Find("resourceType");
        if (t != nullptr && t->is_string() && t->text() == type)
          lines.push_back(fhir::WriteJson(r));
        return absl::OkStatus();
      });
      if (!s.ok()) std::cerr << "skipping " << file << ": " << Message(s) << "\n";
    }
  }
  return lines;
}

struct Timing {
  double resources_per_s = 0;      // by wall-clock time
  double resources_per_cpu_s = 0;  // by this thread's CPU time (what a shared box gives us)
  size_t rows = 0;                 // per pass
};

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Runs pass() repeatedly (one warm-up) for at least min_time_ms.
Timing Measure(size_t resources, double min_time_ms, const std::function<size_t()>& pass) {
  using Clock = std::chrono::steady_clock;
  Timing t;
  t.rows = pass();
  size_t passes = 0;
  auto start = Clock::now();
  double cpu_start = ThreadCpuSeconds();
  double elapsed_ms = 0;
  while (passes == 0 || elapsed_ms < min_time_ms) {
    pass();
    ++passes;
    elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }
  double done = static_cast<double>(passes * resources);
  t.resources_per_s = done / (elapsed_ms / 1000.0);
  t.resources_per_cpu_s = done / (ThreadCpuSeconds() - cpu_start);
  return t;
}

int Main(int argc, char** argv) {
  Options o = ParseArgs(argc, argv);
  std::ifstream in(o.view);
  std::stringstream text;
  text << in.rdbuf();
  auto definition = fhir::ParseJson(text.str());
  if (!definition.ok()) {
    std::cerr << o.view << ": " << Message(definition.status()) << "\n";
    return 2;
  }
  auto view = sof::View::Compile(*definition);
  if (!view.ok()) {
    std::cerr << o.view << ": " << Message(view.status()) << "\n";
    return 2;
  }
  std::vector<std::string> lines = LoadLines(o, view->resource_type());
  if (lines.empty()) {
    std::cerr << "no " << view->resource_type() << " resources in the inputs\n";
    return 1;
  }
  std::vector<fhir::Json> parsed;
  for (const std::string& line : lines) parsed.push_back(*fhir::ParseJson(line));

  sof::ViewRunner runner(*view);
  size_t rows = 0;
  auto count = [&rows](sof::Row) {
    ++rows;
    return absl::OkStatus();
  };
  auto check = [](const absl::Status& s) {
    if (!s.ok()) {
      std::cerr << "view failed: " << Message(s) << "\n";
      std::exit(1);
    }
  };
  auto timed = [&o](std::string_view mode) { return o.only.empty() || o.only == mode; };
  double ms = o.min_time_ms;
  Timing run = Measure(lines.size(), timed("run") ? ms : 0, [&] {
    rows = 0;
    for (const fhir::Json& r : parsed) check(runner.Run(r, count));
    return rows;
  });
  Timing parse_run = Measure(lines.size(), timed("parse+run") ? ms : 0, [&] {
    rows = 0;
    for (const std::string& line : lines) check(runner.Run(*fhir::ParseJson(line), count));
    return rows;
  });
  Timing csv = Measure(lines.size(), timed("parse+run+csv") ? ms : 0, [&] {
    std::ostringstream out;
    sof::RowWriter writer(sof::RowFormat::kCsv, view->columns(), out);
    writer.Begin();
    auto write = [&writer](sof::Row row) {
      writer.Write(row);
      return absl::OkStatus();
    };
    for (const std::string& line : lines) check(runner.Run(*fhir::ParseJson(line), write));
    writer.End();
    return writer.rows();
  });
  std::printf("%zu %s resources, %zu rows per pass\n", lines.size(), view->resource_type().c_str(),
              run.rows);
  std::printf("mode           resources/s (wall)  resources/s (thread CPU)\n");
  std::printf("run            %18.0f  %24.0f\n", run.resources_per_s, run.resources_per_cpu_s);
  std::printf("parse+run      %18.0f  %24.0f\n", parse_run.resources_per_s,
              parse_run.resources_per_cpu_s);
  std::printf("parse+run+csv  %18.0f  %24.0f\n", csv.resources_per_s, csv.resources_per_cpu_s);
  std::printf(
      "{\"resources\": %zu, \"rows\": %zu, \"run_per_s\": %.0f, \"run_per_cpu_s\": %.0f, "
      "\"parse_run_per_s\": %.0f, \"parse_run_per_cpu_s\": %.0f, \"parse_run_csv_per_s\": %.0f, "
      "\"parse_run_csv_per_cpu_s\": %.0f}\n",
      lines.size(), run.rows, run.resources_per_s, run.resources_per_cpu_s,
      parse_run.resources_per_s, parse_run.resources_per_cpu_s, csv.resources_per_s,
      csv.resources_per_cpu_s);
  return 0;
}

}  // namespace
}  // namespace vigil::bench

int main(int argc, char** argv) { return vigil::bench::Main(argc, argv); }
