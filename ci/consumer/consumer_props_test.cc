// consumer_props_test.cc — a property of the file system under a temporary
// directory, written against the installed openrace package: scenarios from
// openrace::rapidcheck (they shrink through openrace's own
// simplifications), run in openrace's sandbox by its executor, judged by
// its oracle.

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>  // before rapidcheck/gtest.h, which needs it
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "harness/judge/oracle.h"
#include "harness/judge/trial.h"  // SemanticsOf
#include "harness/rapidcheck/generators.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/scenario/validate.h"

namespace {

namespace fs = std::filesystem;
using namespace openrace;

// A temporary directory, removed when the program ends; every run makes its
// own sandbox inside it.
struct TemporaryDirectory {
  TemporaryDirectory() {
    std::random_device random;
    path = (fs::temp_directory_path() /
            ("openrace-consumer-" + std::to_string(random()) +
             std::to_string(random())))
               .string();
    fs::create_directories(path);
  }
  ~TemporaryDirectory() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

const std::string& Dir() {
  static const TemporaryDirectory dir;
  return dir.path;
}

// Every outcome of a concurrent scenario, mutations included, is one the
// oracle allows: a healthy file system gives no findings.
RC_GTEST_PROP(ConsumerFileSystemProps, TheOracleAllowsEveryOutcome, ()) {
  rapidcheck::ScenarioShape shape;
  shape.max_threads = 3;
  shape.rounds = 10;
  const Scenario s = *rapidcheck::GenScenario(shape);
  RC_ASSERT(ValidateScenario(s).ok());

  absl::StatusOr<std::unique_ptr<Backend>> backend =
      MakeBackend(DefaultBackendName());
  RC_ASSERT(backend.ok());
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(Dir());
  if (!sandbox.ok()) RC_FAIL(sandbox.status().ToString());
  const Oracle oracle(s, SemanticsOf(**backend));
  Executor executor(**backend, ExecutorOptions{});
  std::vector<Finding> findings;
  const absl::Status status =
      executor.Run(s, **sandbox, s.rounds, [&](const RoundTrace& trace) {
        oracle.Judge(trace, &findings);
        return true;
      });
  // A shrink that cannot even be set up is no counterexample.
  RC_PRE(status.ok());
  for (const Finding& f : findings) {
    RC_LOG() << f.signature.ToString() << " at thread " << f.thread << " op "
             << f.op << ": " << PrintOp(s.threads[f.thread].ops[f.op]) << "\n";
  }
  RC_ASSERT(findings.empty());
}

// The generated scenarios are openrace's: they print and parse back.
RC_GTEST_PROP(ConsumerScenarioProps, ScenariosRoundTripThroughText, ()) {
  const Scenario s = *rapidcheck::GenScenario();
  absl::StatusOr<Scenario> back = ParseScenario(PrintScenario(s));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == s);
}

}  // namespace
