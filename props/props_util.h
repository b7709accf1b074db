// props_util.h — what the property tests share: where their sandboxes go,
// how a file-system property is checked in both directions, and the
// resolved targets of a scenario's paths.
//
// File-system properties hold on a healthy file system and must fail under
// the planted-bug emulator. CheckFileSystemProperty runs a property like
// RC_GTEST_PROP does; with OPENRACE_PROPS_EXPECT_BUG=1 it instead asserts
// that RapidCheck finds a counterexample, that the counterexample (shrunk
// through the harness's simplifications) involves exactly two threads, and
// prints it with its RC_PARAMS reproduce string. Two threads: two scenario
// threads, or one and the main thread when the scenario has a shared handle
// (the main thread holds those for the whole run; the planted bug fires
// when *another* thread holds the target, and the main thread is another
// thread).
//
// Environment:
//   OPENRACE_PROPS_DIR         parent of every sandbox (default: a temporary
//                              directory made once per process)
//   OPENRACE_PROPS_EXPECT_BUG  1: file-system properties must fail

#ifndef OPENRACE_PROPS_PROPS_UTIL_H_
#define OPENRACE_PROPS_PROPS_UTIL_H_

#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"  // before rapidcheck/gtest.h, which needs it
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "harness/scenario/scenario.h"
#include "harness/scenario/scenario_text.h"

namespace openrace::props {

const std::string& PropsDir();
bool ExpectBug();

// The sandbox-relative target of every op path ("" where an op has none or
// it does not resolve): targets[thread][op], and of each shared handle, and
// the base directory each handle name stands for.
struct ResolvedPaths {
  std::vector<std::vector<std::string>> targets;
  std::vector<std::pair<std::string, std::vector<std::string>>> handles;
};
ResolvedPaths Resolve(const Scenario& scenario);

// Checks and prints the outcome of a check that was expected to fail: a
// counterexample whose scenario involves `want_threads` threads.
void ExpectCounterexample(const rc::detail::TestMetadata& metadata,
                          const rc::detail::TestResult& result,
                          int want_threads);

template <typename Testable>
void CheckFileSystemProperty(Testable&& testable) {
  if (!ExpectBug()) {
    rc::detail::checkGTest(std::forward<Testable>(testable));
    return;
  }
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  // A listener of our own: the default one would report the expected
  // failure as a failure when the program exits.
  struct Quiet : rc::detail::TestListener {
    void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
    void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
    void onTestFinished(const rc::detail::TestMetadata&,
                        const rc::detail::TestResult&) override {}
  } quiet;
  const rc::detail::Configuration& config = rc::detail::configuration();
  const rc::detail::TestResult result = rc::detail::checkProperty(
      rc::detail::toProperty(std::forward<Testable>(testable)), metadata,
      config.testParams, quiet, config.reproduce);
  ExpectCounterexample(metadata, result, 2);
}

}  // namespace openrace::props

#endif  // OPENRACE_PROPS_PROPS_UTIL_H_
