// scenario_fuzzer.cc — libFuzzer drives openrace's executor on the real
// POSIX backend.
//
// Each input becomes a valid scenario (scenario_input.h: a scenario text as
// written, any other bytes through the generator), runs for at most
// OPENRACE_FUZZ_ROUNDS rounds (default 50) in one sandbox per process, and
// is judged by the oracle after every round. A finding is written as
// `finding-<signature>.scn` into $OPENRACE_FINDINGS_DIR (default: the
// directory the fuzzer started in) and the process aborts, so libFuzzer
// keeps the input as a crash artifact too.
//
// Environment:
//   OPENRACE_DIR            where the sandbox goes (default: a fresh temporary
//                           directory, made once per process)
//   OPENRACE_FINDINGS_DIR   where finding-<signature>.scn goes
//   OPENRACE_FUZZ_ROUNDS    rounds per input (default 50)
//   OPENRACE_FUZZ_FEEDBACK  which behaviour tables feed libFuzzer's extra
//                           counters: 1 (default) all, 0 none, or a comma
//                           list of overlap, latency, retry (for measuring
//                           what each buys; fuzz/measure_feedback.sh)
//
// Any input or crash artifact converts to a scenario file:
//   scenario_fuzzer --to-scn INPUT > x.scn
// (handled in LLVMFuzzerInitialize, so it works in the libFuzzer build and
// in the replay build alike), and `openrace replay x.scn` runs it.
//
// The extra counters live in the `__libfuzzer_extra_counters` section, which
// libFuzzer (clang, Linux) scans after every input; in a build without
// libFuzzer the section is ordinary data.

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz/scenario_input.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/judge/oracle.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"

__attribute__((section("__libfuzzer_extra_counters"), used))
static uint8_t openrace_behaviour_counters[openrace::fuzz::kBehaviourCounters];

namespace openrace::fuzz {
namespace {

struct Setup {
  std::string start_dir;     // where the fuzzer started; findings go here
  std::string findings_dir;  // $OPENRACE_FINDINGS_DIR or start_dir
  std::string temp_dir;      // made here when $OPENRACE_DIR is unset
  uint64_t rounds = 50;
  unsigned feedback = tables::kAll;
  uint64_t executions = 0;
  std::unique_ptr<Backend> backend;
  std::unique_ptr<Sandbox> sandbox;
};

[[noreturn]] void Die(const std::string& why) {
  fprintf(stderr, "scenario_fuzzer: %s\n", why.c_str());
  exit(2);
}

std::string Cwd() {
  char buffer[4096];
  if (getcwd(buffer, sizeof buffer) == nullptr) Die("getcwd failed");
  return buffer;
}

Setup* g_setup = nullptr;

void RemoveTempDir() {
  if (g_setup != nullptr && !g_setup->temp_dir.empty()) {
    rmdir(g_setup->temp_dir.c_str());
  }
}

// The sandbox is made on first use: `--to-scn` needs none.
Setup& GetSetup() {
  if (g_setup != nullptr) return *g_setup;
  g_setup = new Setup;
  Setup& s = *g_setup;
  s.start_dir = Cwd();
  const char* findings = getenv("OPENRACE_FINDINGS_DIR");
  s.findings_dir = findings != nullptr && *findings ? findings : s.start_dir;
  if (const char* r = getenv("OPENRACE_FUZZ_ROUNDS"); r != nullptr && *r) {
    if (!absl::SimpleAtoi(r, &s.rounds) || s.rounds == 0) {
      Die(absl::StrCat("OPENRACE_FUZZ_ROUNDS='", r, "' is not a positive number"));
    }
  }
  if (const char* f = getenv("OPENRACE_FUZZ_FEEDBACK"); f != nullptr && *f) {
    s.feedback = 0;
    for (absl::string_view name : absl::StrSplit(f, ',')) {
      if (name == "1") s.feedback |= tables::kAll;
      else if (name == "0") s.feedback |= 0;
      else if (name == "overlap") s.feedback |= tables::kOverlap;
      else if (name == "latency") s.feedback |= tables::kLatency;
      else if (name == "retry") s.feedback |= tables::kRetry;
      else Die(absl::StrCat("OPENRACE_FUZZ_FEEDBACK='", f,
                            "': expected 0, 1 or a list of overlap, latency, retry"));
    }
  }
  std::string parent;
  if (const char* dir = getenv("OPENRACE_DIR"); dir != nullptr && *dir) {
    parent = dir;
  } else {
    const char* tmp = getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp != nullptr && *tmp ? tmp : "/tmp",
                                       "/openrace-fuzz-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp failed");
    s.temp_dir = parent = pattern;
    // Runs after the sandbox is gone: atexit handlers and static objects
    // unwind in reverse order, and the sandbox is deleted in its own
    // handler registered after this one.
    atexit(RemoveTempDir);
  }
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend("posix");
  if (!backend.ok()) Die(backend.status().ToString());
  s.backend = *std::move(backend);
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(parent);
  if (!sandbox.ok()) Die(sandbox.status().ToString());
  s.sandbox = *std::move(sandbox);
  atexit([] { g_setup->sandbox.reset(); });
  // Sandbox::Create made the sandbox the current directory; go back, so
  // libFuzzer's artifacts land where it was started. Each run enters the
  // sandbox and leaves it again.
  if (chdir(s.start_dir.c_str()) != 0) Die("chdir back failed");
  return s;
}

void ReportFinding(const Setup& setup, const ScenarioInput& input,
                   const Finding& finding, size_t input_size) {
  const std::string signature = finding.signature.ToString();
  const Op& op = input.scenario.threads[finding.thread].ops[finding.op];
  const std::string text = absl::StrCat(
      "# found: ", signature, "\n# failing call: thread ", finding.thread,
      " op ", finding.op, ": ", PrintOp(op), " (round ", finding.round,
      ")\n# after ", setup.executions, " executions of scenario_fuzzer\n",
      InputToScn(input, input_size));
  const std::string path =
      absl::StrCat(setup.findings_dir, "/finding-", signature, ".scn");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  fprintf(stderr,
          "scenario_fuzzer: finding %s after %llu executions (thread %zu op "
          "%zu round %llu); wrote %s\n%s",
          signature.c_str(), static_cast<unsigned long long>(setup.executions),
          finding.thread, finding.op,
          static_cast<unsigned long long>(finding.round), path.c_str(),
          text.c_str());
}

int ToScn(const char* file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fprintf(stderr, "scenario_fuzzer: cannot read %s\n", file);
    return 2;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  uint64_t rounds = 50;
  if (const char* r = getenv("OPENRACE_FUZZ_ROUNDS"); r != nullptr && *r) {
    if (!absl::SimpleAtoi(r, &rounds) || rounds == 0) rounds = 50;
  }
  const ScenarioInput input = DecodeScenarioInput(
      reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), rounds);
  std::cout << InputToScn(input, bytes.size());
  return std::cout.good() ? 0 : 2;
}

}  // namespace
}  // namespace openrace::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  for (int i = 1; i < *argc; ++i) {
    if (strcmp((*argv)[i], "--to-scn") == 0) {
      if (i + 1 >= *argc) {
        fprintf(stderr, "usage: %s --to-scn INPUT > x.scn\n", (*argv)[0]);
        exit(2);
      }
      exit(openrace::fuzz::ToScn((*argv)[i + 1]));
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace openrace;
  using namespace openrace::fuzz;
  Setup& setup = GetSetup();
  ++setup.executions;
  const ScenarioInput input = DecodeScenarioInput(data, size, setup.rounds);
  const Scenario& scenario = input.scenario;
  const Oracle oracle(scenario, Semantics::kPosix);
  const BehaviourMap behaviour(scenario);
  Executor executor(*setup.backend, ExecutorOptions{});
  std::vector<Finding> findings;
  if (chdir(setup.sandbox->root().c_str()) != 0) {
    fprintf(stderr, "scenario_fuzzer: chdir %s failed\n",
            setup.sandbox->root().c_str());
    abort();
  }
  const absl::Status status = executor.Run(
      scenario, *setup.sandbox, scenario.rounds, [&](const RoundTrace& trace) {
        if (setup.feedback != 0) {
          behaviour.Count(trace, openrace_behaviour_counters, setup.feedback);
        }
        oracle.Judge(trace, &findings);
        return findings.empty();
      });
  if (chdir(setup.start_dir.c_str()) != 0) abort();
  // A scenario this backend cannot express (a Windows anchor in a text
  // input) is not a finding; neither is anything else that stops a run
  // before it starts.
  if (!status.ok() && findings.empty()) return 0;
  if (!findings.empty()) {
    ReportFinding(setup, input, findings.front(), size);
    abort();
  }
  return 0;
}
