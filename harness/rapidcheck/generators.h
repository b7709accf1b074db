// generators.h — RapidCheck generators of openrace values, with shrinking:
// the library openrace::rapidcheck (installed as
// <harness/rapidcheck/generators.h>), for RC_GTEST_PROP properties of a file
// system over openrace's scenarios, sandbox and executor — openrace's own
// props/ and any project that finds the installed package.
//
// There is one definition of what a scenario can be: the harness's own
// generator (harness/scenario/generator.h). GenScenario draws the generator's knobs
// and a seed from RapidCheck's random source, calls Generate(), and shrinks
// through the harness's own Simplifications() (harness/scenario/simplify.h): the
// shrinks of a scenario are exactly the single simplifications the
// minimizer would try, applied recursively. So a counterexample shrinks the
// way a finding is minimized, and every shrink is valid.
//
// Paths and flags also have standalone generators, for properties of the
// text form, the validator and the POSIX rendering that need shapes the
// scenario generator never draws (escaping `..`, every flag bit):
//   GenPath        anchor cwd or abs, 1..6 components from names, `.` and
//                  `..` (so some paths climb out), any separator style,
//                  doubling and trailing separator; shrinks towards a
//                  single plain name.
//   GenOpenFlags   every named bit of every flag field; shrinks towards the
//                  defaults.
//   GenOneThread   one thread of a generated scenario, barriers removed,
//                  as a scenario of its own (its tree and shared handles
//                  kept), so it validates and runs; GenThreadProgram is
//                  that thread alone.
//
// Values print in their text form (PrintScenario, PrintPath), so a failing
// property shows a scenario that `openrace replay` accepts as it is.
//
// Example:
//   RC_GTEST_PROP(TextProps, RoundTrips, ()) {
//     const Scenario s = *rapidcheck::GenScenario();
//     RC_ASSERT(*ParseScenario(PrintScenario(s)) == s);
//   }
// and a property of the file system under test, as ci/consumer/ does:
//   RC_GTEST_PROP(MyFs, NoFindings, ()) {
//     const Scenario s = *rapidcheck::GenScenario({.mutations = false});
//     auto backend = MakeBackend("posix");
//     auto sandbox = Sandbox::Create("/mnt/my-fs");
//     const Oracle oracle(s, Semantics::kPosix);
//     std::vector<Finding> findings;
//     RC_ASSERT(Executor(**backend, {}).Run(s, **sandbox, s.rounds,
//         [&](const RoundTrace& t) { oracle.Judge(t, &findings); return true; }).ok());
//     RC_ASSERT(findings.empty());
//   }

#ifndef OPENRACE_HARNESS_RAPIDCHECK_GENERATORS_H_
#define OPENRACE_HARNESS_RAPIDCHECK_GENERATORS_H_

#include <ostream>

#include <rapidcheck.h>

#include "harness/scenario/generator.h"
#include "harness/scenario/scenario.h"

namespace openrace {

// Found by RapidCheck through argument-dependent lookup.
void showValue(const Scenario& scenario, std::ostream& os);
void showValue(const Path& path, std::ostream& os);
void showValue(const OpenFlags& flags, std::ostream& os);

namespace rapidcheck {

// Which knobs GenScenario may turn. The drawn options never exceed these.
struct ScenarioShape {
  int max_threads = 4;
  int max_ops_per_thread = 6;
  bool mutations = true;  // false: no operation changes the tree
  uint64_t rounds = 20;
};

// The generator's knobs, drawn within `shape` and scaled by RapidCheck's
// size (small scenarios first).
rc::Gen<GeneratorOptions> GenGeneratorOptions(ScenarioShape shape = {});

// A valid scenario; shrinks through Simplifications().
rc::Gen<Scenario> GenScenario(ScenarioShape shape = {});

// The recursive shrinks of `scenario`, for a custom Shrinkable.
rc::Shrinkable<Scenario> ShrinkableScenario(Scenario scenario);

rc::Gen<Path> GenPath();
rc::Gen<OpenFlags> GenOpenFlags();

// One thread of a generated scenario, as a scenario of its own: the tree,
// the shared handles, and that thread with its barriers removed. Shrinks
// like GenScenario.
rc::Gen<Scenario> GenOneThread(ScenarioShape shape = {});
rc::Gen<ThreadProgram> GenThreadProgram(ScenarioShape shape = {});

}  // namespace rapidcheck
}  // namespace openrace

#endif  // OPENRACE_HARNESS_RAPIDCHECK_GENERATORS_H_
