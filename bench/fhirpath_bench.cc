// FHIRPath evaluation benchmark: Vigil's side of bench/fhirpath/run.sh.
//
// Reads the workload written by bench/fhirpath/ref_bench.js (the (expression, input)
// pairs the reference implementation evaluates without error), compiles every
// expression once, parses every input once, then times whole rounds of evaluations
// exactly as ref_bench.js does and prints the same JSON shape:
//
//   {"engine": "vigil", "workloads": [{"name", "pairs", "skipped", "rounds",
//                                      "evaluations", "ns_per_eval"}]}
//
// Pairs Vigil cannot compile or evaluate are not timed; they are counted in
// "skipped" (and listed on stderr with --verbose) so the runner can flag them.
//
// Usage: fhirpath_bench [--workload FILE] [--min-time-ms N] [--warmup N] [--rounds N]
//                       [--verbose]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "fhir/json.h"
#include "fhirpath/fhirpath.h"

namespace vigil::bench {
namespace {

using fhir::Json;
using fhirpath::Expression;

struct Options {
  std::string workload = VIGIL_DEFAULT_WORKLOAD;
  double min_time_ms = 2000;
  int warmup = 2;
  int rounds = 0;  // 0: as many as fit in min_time_ms
  bool verbose = false;
};

struct Pair {
  const Expression* expression;
  const Json* input;
};

struct Workload {
  std::string name;
  std::vector<Pair> pairs;
  int skipped = 0;
};

// Owns everything the pairs point at; pointers stay valid because the maps never
// move their nodes.
struct Corpus {
  std::map<std::string, std::unique_ptr<Expression>, std::less<>> expressions;
  std::map<std::string, std::unique_ptr<Json>, std::less<>> inputs;
  std::vector<Workload> workloads;
};

[[noreturn]] void Die(std::string_view message) {
  std::cerr << "fhirpath_bench: " << message << "\n";
  std::exit(2);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Options ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--workload") {
      options.workload = next();
    } else if (arg == "--min-time-ms") {
      options.min_time_ms = std::stod(next());
    } else if (arg == "--warmup") {
      options.warmup = std::stoi(next());
    } else if (arg == "--rounds") {
      options.rounds = std::stoi(next());
    } else if (arg == "--verbose") {
      options.verbose = true;
    } else {
      Die("unknown argument " + std::string(arg));
    }
  }
  return options;
}

// The compiled expression for text, or nullptr when Vigil rejects it. Like
// Vigil's own callers (search indexing, views, the CLI), it compiles against the
// input's resource type, which lets the checker resolve paths ahead of time; an
// expression the checker rejects for that type is compiled without it, so both
// engines time exactly the same pairs.
const Expression* CompileOnce(Corpus& corpus, const std::string& text, const Json& input,
                              bool verbose) {
  const Json* rt = input.Find("resourceType");
  std::string root_type = rt != nullptr && rt->is_string() ? rt->text() : "";
  std::string key = root_type + "\n" + text;
  auto it = corpus.expressions.find(key);
  if (it != corpus.expressions.end()) return it->second.get();
  absl::StatusOr<Expression> compiled = Expression::Compile(text, {root_type});
  if (!compiled.ok()) compiled = Expression::Compile(text);
  std::unique_ptr<Expression> owned;
  if (compiled.ok()) {
    owned = std::make_unique<Expression>(*std::move(compiled));
  } else if (verbose) {
    std::cerr << "skip (compile) " << text << ": " << compiled.status() << "\n";
  }
  return corpus.expressions.emplace(key, std::move(owned)).first->second.get();
}

// The parsed input at path; a JSON null path means the input {}.
const Json* LoadOnce(Corpus& corpus, const Json* path) {
  std::string key = path != nullptr && path->is_string() ? path->text() : "";
  auto it = corpus.inputs.find(key);
  if (it != corpus.inputs.end()) return it->second.get();
  Json input = Json::Object();
  if (!key.empty()) {
    absl::StatusOr<Json> parsed = fhir::ParseJson(ReadFile(key));
    if (!parsed.ok()) Die("cannot parse " + key + ": " + std::string(parsed.status().message()));
    input = *std::move(parsed);
  }
  return corpus.inputs.emplace(key, std::make_unique<Json>(std::move(input))).first->second.get();
}

Workload LoadWorkload(Corpus& corpus, const Json& spec, bool verbose) {
  Workload workload;
  if (const Json* name = spec.Find("name")) workload.name = name->text();
  const Json* pairs = spec.Find("pairs");
  if (pairs == nullptr) return workload;
  for (const Json& pair : pairs->items()) {
    const Json* expr = pair.Find("expr");
    if (expr == nullptr || !expr->is_string()) Die("pair without expr in " + workload.name);
    const Json* input = LoadOnce(corpus, pair.Find("input_path"));
    const Expression* expression = CompileOnce(corpus, expr->text(), *input, verbose);
    // One untimed evaluation checks the pair, as ref_bench.js does.
    if (expression == nullptr) {
      ++workload.skipped;
      continue;
    }
    absl::StatusOr<fhirpath::Collection> result = expression->Evaluate(*input);
    if (!result.ok()) {
      if (verbose)
        std::cerr << "skip (evaluate) " << expr->text() << ": " << result.status() << "\n";
      ++workload.skipped;
      continue;
    }
    workload.pairs.push_back({expression, input});
  }
  return workload;
}

void LoadCorpus(const Options& options, Corpus& corpus) {
  absl::StatusOr<Json> file = fhir::ParseJson(ReadFile(options.workload));
  if (!file.ok())
    Die("cannot parse " + options.workload + ": " + std::string(file.status().message()));
  const Json* workloads = file->Find("workloads");
  if (workloads == nullptr || !workloads->is_array()) Die(options.workload + " has no workloads");
  for (const Json& spec : workloads->items()) {
    corpus.workloads.push_back(LoadWorkload(corpus, spec, options.verbose));
  }
}

uint64_t sink = 0;  // keeps results observable so no evaluation is optimised away

void Round(const Workload& workload) {
  for (const Pair& pair : workload.pairs) {
    absl::StatusOr<fhirpath::Collection> result = pair.expression->Evaluate(*pair.input);
    sink += result.ok() ? result->size() : 1;
  }
}

struct Timing {
  int64_t rounds = 0;
  double ns = 0;
};

Timing Time(const Workload& workload, const Options& options) {
  Timing timing;
  if (workload.pairs.empty()) return timing;
  for (int i = 0; i < options.warmup; ++i) Round(workload);
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  for (;;) {
    Round(workload);
    ++timing.rounds;
    timing.ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    if (options.rounds > 0 ? timing.rounds >= options.rounds
                           : timing.ns >= options.min_time_ms * 1e6) {
      break;
    }
  }
  return timing;
}

Json Number(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return Json::Number(text.str());
}

Json Report(const Workload& workload, const Timing& timing) {
  const double evaluations = static_cast<double>(timing.rounds) * workload.pairs.size();
  Json result = Json::Object();
  result.Set("name", Json::String(workload.name));
  result.Set("pairs", Number(workload.pairs.size()));
  result.Set("skipped", Number(workload.skipped));
  result.Set("rounds", Number(timing.rounds));
  result.Set("evaluations", Number(evaluations));
  result.Set("ns_per_eval", Number(evaluations > 0 ? timing.ns / evaluations : 0));
  return result;
}

int Main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
  Corpus corpus;
  LoadCorpus(options, corpus);
  Json results = Json::Array();
  for (const Workload& workload : corpus.workloads) {
    std::cerr << "fhirpath_bench: timing " << workload.name << " (" << workload.pairs.size()
              << " pairs, " << workload.skipped << " skipped)\n";
    results.Push(Report(workload, Time(workload, options)));
  }
  Json out = Json::Object();
  out.Set("engine", Json::String("vigil"));
  out.Set("machine",
          Json::String(std::to_string(std::thread::hardware_concurrency()) + " threads"));
  out.Set("workloads", std::move(results));
  out.Set("sink", Number(static_cast<double>(sink)));
  std::cout << fhir::WriteJson(out, /*pretty=*/true) << "\n";
  return 0;
}

}  // namespace
}  // namespace vigil::bench

int main(int argc, char** argv) { return vigil::bench::Main(argc, argv); }
