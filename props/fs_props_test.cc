// fs_props_test.cc — properties of the file system under test, on the real
// POSIX backend in a sandbox under OPENRACE_PROPS_DIR.
//
// Both hold on a healthy file system, and both fail under the planted-bug
// emulator: CTest runs them once plainly (props, healthy) and once under
// LD_PRELOAD=libopenrace_emulator.so with OPENRACE_PROPS_EXPECT_BUG=1
// (props.fs_under_emulator), where each must produce a counterexample that
// shrinks, through the harness's own simplifications, to two threads (see
// props_util.h).

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "harness/run/backend.h"
#include "harness/run/executor.h"
#include "harness/judge/oracle.h"
#include "harness/run/outcome.h"
#include "harness/run/sandbox.h"
#include "harness/scenario/scenario_text.h"
#include "harness/rapidcheck/generators.h"
#include "props/props_util.h"

namespace openrace {
namespace {

// Rounds per run. Under the planted bug a counterexample fails only with
// some probability per run, and RapidCheck tries each shrink once: more
// rounds there make a shrink that keeps the bug fail almost surely, so the
// counterexample shrinks all the way.
uint64_t Rounds() { return props::ExpectBug() ? 100 : 20; }

struct Observed {
  absl::Status status;
  // The first-try outcomes of each call over all rounds: [thread][op].
  std::vector<std::vector<std::set<std::string>>> outcomes;
  std::vector<Finding> findings;
};

Observed RunInSandbox(const Scenario& s) {
  Observed observed;
  absl::StatusOr<std::unique_ptr<Backend>> backend = MakeBackend("posix");
  RC_ASSERT(backend.ok());
  absl::StatusOr<std::unique_ptr<Sandbox>> sandbox = Sandbox::Create(props::PropsDir());
  if (!sandbox.ok()) RC_FAIL(sandbox.status().ToString());
  observed.outcomes.resize(s.threads.size());
  for (size_t t = 0; t < s.threads.size(); ++t) {
    observed.outcomes[t].resize(s.threads[t].ops.size());
  }
  const Oracle oracle(s, Semantics::kPosix);
  Executor executor(**backend, ExecutorOptions{});
  observed.status = executor.Run(s, **sandbox, s.rounds, [&](const RoundTrace& trace) {
    oracle.Judge(trace, &observed.findings);
    for (size_t t = 0; t < trace.records.size(); ++t) {
      for (size_t i = 0; i < trace.records[t].size(); ++i) {
        const OpRecord& r = trace.records[t][i];
        if (r.ran) observed.outcomes[t][i].insert(OutcomeName(r.outcome));
      }
    }
    return true;
  });
  return observed;
}

// The same scenario with every relative path spelled absolute: `cwd:X`
// becomes `abs:X`, and `h:X` becomes `abs:B/X` where B is the directory h
// was opened on. Components stay as written (`..` is not folded), so the
// kernel walks the same directories.
Scenario Absolute(const Scenario& s) {
  const props::ResolvedPaths resolved = props::Resolve(s);
  auto respell = [&](Path& p) {
    if (p.anchor == Anchor::kCwd) {
      p.anchor = Anchor::kAbsolute;
    } else if (p.anchor == Anchor::kHandle) {
      std::vector<std::string> components;
      for (const auto& [name, base] : resolved.handles) {
        if (name == p.handle) components = base;
      }
      components.insert(components.end(), p.components.begin(), p.components.end());
      p.anchor = Anchor::kAbsolute;
      p.handle.clear();
      p.components = std::move(components);
    }
  };
  Scenario a = s;
  for (SharedHandle& h : a.shared) respell(h.path);
  for (ThreadProgram& thread : a.threads) {
    for (Op& op : thread.ops) {
      if (op.kind == OpKind::kClose || op.kind == OpKind::kBarrier) continue;
      respell(op.path);
      if (op.kind == OpKind::kRename) respell(op.to);
    }
  }
  return a;
}

std::string Join(const std::set<std::string>& outcomes) {
  std::string out;
  for (const std::string& o : outcomes) absl::StrAppend(&out, out.empty() ? "" : ", ", o);
  return out;
}

// On a tree that nothing changes, a call's outcome is a function of the
// tree and the call: the same in every round, and the same whether the
// target is spelled relative to the current directory or a handle, or
// absolute.
void RelativeAndAbsoluteSpellingsAgree() {
  rapidcheck::ScenarioShape shape;
  shape.mutations = false;
  shape.rounds = Rounds();
  const Scenario s = *rapidcheck::GenScenario(shape);
  const Scenario a = Absolute(s);
  const Observed relative = RunInSandbox(s);
  const Observed absolute = RunInSandbox(a);
  RC_LOG() << "relative: " << relative.status << "; absolute: " << absolute.status
           << "\n";
  // A scenario that cannot even be set up (a shrink that dropped the
  // directory of a shared handle, say) is no counterexample: the minimizer
  // rejects such candidates too.
  RC_PRE(relative.status.ok() && absolute.status.ok());
  for (size_t t = 0; t < s.threads.size(); ++t) {
    for (size_t i = 0; i < s.threads[t].ops.size(); ++i) {
      const auto& rel = relative.outcomes[t][i];
      const auto& abs = absolute.outcomes[t][i];
      if (rel.size() <= 1 && rel == abs) continue;
      RC_LOG() << "thread " << t << " op " << i << ": "
               << PrintOp(s.threads[t].ops[i]) << " -> {" << Join(rel)
               << "}; spelled " << PrintOp(a.threads[t].ops[i]) << " -> {"
               << Join(abs) << "}\n";
      RC_FAIL("a call's outcome depends on its spelling or varies by round");
    }
  }
}

// Every outcome of a concurrent scenario, mutations included, is one the
// oracle allows: no findings.
void OracleAllowsEveryOutcome() {
  rapidcheck::ScenarioShape shape;
  shape.rounds = Rounds();
  const Scenario s = *rapidcheck::GenScenario(shape);
  const Observed observed = RunInSandbox(s);
  RC_LOG() << observed.status << "\n";
  RC_PRE(observed.status.ok());
  for (const Finding& f : observed.findings) {
    RC_LOG() << f.signature.ToString() << " at thread " << f.thread << " op "
             << f.op << " round " << f.round << ": "
             << PrintOp(s.threads[f.thread].ops[f.op]) << "\n";
  }
  RC_ASSERT(observed.findings.empty());
}

TEST(FileSystemProps, RelativeAndAbsoluteSpellingsAgree) {
  props::CheckFileSystemProperty(&RelativeAndAbsoluteSpellingsAgree);
}

TEST(FileSystemProps, OracleAllowsEveryOutcome) {
  props::CheckFileSystemProperty(&OracleAllowsEveryOutcome);
}

}  // namespace
}  // namespace openrace
